"""The result of verify_install: per-package checks, how they read, and what caused a failure."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from relnox.errors import VerifyError, shortlist
from relnox.tools import cooldown
from relnox.tools.index_auth import refused_login
from relnox.verify.smoke import Check


@dataclass
class PackageResult:
    """The checks of one package in one environment (``kind``: wheel, sdist or index)."""

    name: str
    version: str
    kind: str
    artifact: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str = ""  # why it was not checked ("needs Python >=3.12, none found")

    @property
    def ok(self) -> bool:
        return bool(self.skipped) or (bool(self.checks) and all(c.ok for c in self.checks))

    @property
    def passed(self) -> list[str]:
        return [c.name for c in self.checks if c.ok]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "artifact": self.artifact,
            "ok": self.ok,
            "skipped": self.skipped or None,
            "passed": self.passed,
            "failed": [{"check": c.name, "detail": c.detail} for c in self.failed],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class VerifyReport:
    results: list[PackageResult]
    commands: list[Check] = field(default_factory=list)
    installer: str = ""
    fallback: str = ""  # the installer a round switched to (pip, when an index refused HEAD)
    python: str = ""
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # "wheel install" -> seconds
    allowed_stale: dict[str, str] = field(default_factory=dict)  # --allow-stale: what changed
    pins: dict[str, str] = field(default_factory=dict)  # VerifyPlan's pins and pinned_below
    pinned_below: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and all(c.ok for c in self.commands)

    @property
    def checked(self) -> list[PackageResult]:
        return [r for r in self.results if not r.skipped]

    def skipped_note(self) -> str:
        """``, 1 skipped (acme)``: the packages not checked (each says why), or nothing."""
        names = list(dict.fromkeys(r.name for r in self.results if r.skipped))
        return f", {len(names)} skipped ({shortlist(names, 5)})" if names else ""

    def closing(self) -> str:
        return closing_message(self)

    def raise_for_failures(self) -> None:
        if not self.ok:
            raise VerifyError(closing_message(self))

    def describe(self, verbose: int = 0) -> list[str]:
        """Human lines: the passed packages counted (each with ``verbose`` or when few), a line per
        other package and command, failures with the end of their output."""
        from relnox.report import MANY

        lines: list[str] = []
        kinds = {r.kind for r in self.results}
        fine = [r for r in self.results if r.ok and not r.skipped]
        if fine and not verbose and len(fine) >= MANY:
            lines.append(f"ok    {len(fine)} package checks (-v lists them)")
        for r in self.results:
            where = f" [{r.kind}]" if len(kinds) > 1 else ""
            if r.skipped:
                lines.append(f"skip  {r.name} {r.version}{where}: skipped, {r.skipped}")
                continue
            if r.ok:
                if verbose or len(fine) < MANY:
                    lines.append(
                        f"ok    {r.name} {r.version}{where}: {', '.join(r.passed)} ({r.seconds:.2f}s)"
                    )
                continue
            failed = ", ".join(c.name for c in r.failed)
            passed = f"; passed {', '.join(r.passed)}" if r.passed else ""
            took = f" ({r.seconds:.2f}s)" if r.seconds else ""  # none: no check of its own ran
            lines.append(f"FAIL  {r.name} {r.version}{where}: {failed} failed{passed}{took}")
            lines.append(f"      artifact: {r.artifact}")
            for check in r.failed:
                lines.append(f"      {check.name}:")
                lines += [f"        {line}" for line in check.detail.splitlines()]
        for check in self.commands:
            lines.append(f"{'ok   ' if check.ok else 'FAIL '} {check.name}")
            lines += [f"        {line}" for line in check.detail.splitlines()]
        for name, why in self.allowed_stale.items():
            lines.append(f"stale {name}: {why} since its files were built (--allow-stale)")
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in self.steps.items())
        installer = self.installer
        if self.fallback:
            installer += f", then {self.fallback} (an index refused uv's HEAD requests)"
        checked = self.checked
        skipped = len(self.results) - len(checked)
        lines.append(
            f"{sum(r.ok for r in checked)}/{len(checked)} package checks passed"
            + (f", {skipped} skipped" if skipped else "")
            + f" in {self.seconds:.1f}s"
            + (f" ({installer}, Python {self.python}; {steps})" if self.python else "")
        )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "packages": list(dict.fromkeys(r.name for r in self.results)),
            "failed": list(dict.fromkeys(r.name for r in self.results if not r.ok)),
            "skipped": list(dict.fromkeys(r.name for r in self.results if r.skipped)),
            "results": [r.to_dict() for r in self.results],
            "commands": [asdict(c) for c in self.commands],
            "installer": self.installer,
            "fallback": self.fallback or None,
            "python": self.python,
            "seconds": round(self.seconds, 3),
            "allowed_stale": dict(self.allowed_stale),
        }


#: what installers and Python say when the cause is not the package
_INTERPRETER = (
    "requires-python",
    "requires a different python",
    "the current python version",
    "python version",
    "no interpreter found",
    "not a supported wheel on this platform",
    "is incompatible with",
)
#: an index was asked and answered that it has no such distribution (uv; pip): the names
_NOT_FOUND = re.compile(
    r"because ([a-z0-9][a-z0-9._-]*)(?:\[[^\]]*\])? was not found in the "
    r"(?:package registry|provided package locations)"
    r"|no matching distribution found for ([a-z0-9][a-z0-9._-]*)"
    r"|because there is no version of ([a-z0-9][a-z0-9._-]*?)(?:\[[^\]]*\])?(?:[=<>!~])"
)
#: what uv and pip say when an index has no such version (verify's --index waits on them)
NOT_THERE = (
    "no version of",
    "not found in the package registry",
    "no matching distribution",
    "could not find a version",
)
#: the network or the index: a dependency an index lacks is its cause unless no index was
#: reached, or none was to be asked (--offline): :data:`_NOTHING_ASKED`
_NOTHING_ASKED = (
    "failed to fetch",
    "could not connect",
    "connection refused",
    "connection reset",
    "connecterror",
    "name or service not known",
    "temporary failure in name resolution",
    "network is unreachable",
    "timed out",
    "ssl",
    "http status",
    # a host name that did not resolve: git, curl; uv; musl; macOS; Windows
    "could not resolve host",
    "could not resolve proxy",
    "failed to lookup address",
    "dns error",
    "name does not resolve",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated with hostname",
    "not found in the provided package locations",
    "index lookups were disabled",
    "because you set --offline",
    "--no-index",
)
_NETWORK = (*_NOTHING_ASKED, *NOT_THERE)
_MISSING_MODULE = ("modulenotfounderror", "no module named", "importerror")
#: an installer that cannot use this machine's disk: its cache, or no space
_MACHINE = (
    "failed to initialize cache",
    "no space left on device",
    "read-only file system",
    "disk quota exceeded",
)
#: the installer refusing its own command line: a setting of the user's conflicts with it
#: (uv: "the argument `UV_OFFLINE` (environment variable) cannot be used with `--refresh`")
_SETTING = ("cannot be used with",)
#: a requirement the installer fetches from its address (PEP 508 ``name @ URL``), as its
#: error quotes it; the release's own wheels, installed by path, are not one
_DIRECT = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])? ?@ (?:[a-z]+\+)?[a-z]+://[^\s`'\"]+)"
)
#: the causes of a failed check, each with its fix in :func:`closing_message`
INTERPRETER, EXTRA, NETWORK, PACKAGE = "interpreter", "extra", "network", "package"
SETTING, DEPENDENCY, SIBLING, UNPUBLISHED = "setting", "dependency", "sibling", "unpublished"
MACHINE, PIN, COOLDOWN, LOGIN, DIRECT = "machine", "pin", "cooldown", "login", "direct"
UNDECLARED, OFFLINE = "undeclared", "offline"
#: the installer was told to ask no index (verify-install --offline)
_OFFLINE = ("index lookups were disabled", "because you set --offline")
#: the module an import could not find, as Python says it
_NO_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")


def undeclared_modules(results: list[PackageResult]) -> dict[str, list[str]]:
    """The modules the import of each package's own top-level package (in a namespace,
    ``acme.plugins.foo``) could not find, outside the package's own top-level name."""
    found: dict[str, list[str]] = {}
    for result in results:
        for check in result.failed:
            own = check.name.removeprefix("import ")
            missed = _NO_MODULE.findall(check.detail)
            if not check.name.startswith("import ") or not missed:
                continue
            top = missed[-1].split(".")[0]
            if top != own.split(".")[0] and top not in found.get(result.name, []):
                found.setdefault(result.name, []).append(top)
    return found


#: how verify words a script that failed saying which of its package's extras it needs
MISSING_EXTRA = "needs the extra"
#: how verify words a script that ran without a traceback but exited non-zero
REFUSED_ARGS = "ran without a traceback but exited non-zero on"
ARGS = "arguments"


def missing(check: Check) -> list[str]:
    """The distributions an installer was told no index it asked has (canonical names)."""
    text = " ".join(check.detail.lower().split())
    found = [a or b or c for a, b, c in _NOT_FOUND.findall(text)]
    return list(dict.fromkeys(re.sub(r"[-_.]+", "-", name).rstrip(".,") for name in found))


def direct_references(check: Check) -> list[str]:
    """The direct references (``dep @ git+https://...``) a failed install quotes."""
    found = _DIRECT.findall(" ".join(check.detail.split()))
    return list(dict.fromkeys(ref for ref in found if not ref.endswith(".whl")))


def failure_cause(check: Check) -> str:
    text = " ".join(check.detail.lower().split())  # installers wrap their lines
    if check.name == "environment" or any(m in text for m in _INTERPRETER):
        return INTERPRETER
    installing = check.name.startswith(("install", "build wheel"))
    if installing and any(m in text for m in _MACHINE):
        return MACHINE
    if installing and any(m in text for m in _SETTING):
        return SETTING
    if installing and cooldown.mentioned(text):
        return COOLDOWN
    if installing and refused_login(text):
        return LOGIN
    if installing and direct_references(check):
        return DIRECT
    if installing and missing(check) and not any(m in text for m in _NOTHING_ASKED):
        return DEPENDENCY
    if installing and missing(check) and any(m in text for m in _OFFLINE):
        return OFFLINE
    if check.name.startswith(("install", "build wheel")) and any(m in text for m in _NETWORK):
        return NETWORK
    if check.name.startswith(("script ", "command ")) and (
        any(m in text for m in _MISSING_MODULE) or MISSING_EXTRA in text
    ):
        return EXTRA
    if check.name.startswith("import ") and MISSING_EXTRA in text:  # pkg[d]
        return EXTRA
    if check.name.startswith("script ") and text.startswith(REFUSED_ARGS):
        return ARGS
    return PACKAGE


#: the flag a missing-extra note ends with (relnox.verify.run: ``check it with --extras X[Y]``)
_EXTRAS_FLAG = re.compile(r"check it with --extras (\S+)")


def closing_message(report: VerifyReport) -> str:
    causes: dict[str, dict[str, None]] = {}  # cause -> the packages it failed, in order
    refused: list[str] = []  # the scripts that refused their arguments
    extras: list[str] = []  # the extras the failed checks named (--extras acme[cli])
    unnamed = False  # a missing-extra failure that names none
    released = {re.sub(r"[-_.]+", "-", r.name.lower()) for r in report.results}
    absent: list[str] = []  # the dependencies no index had
    unpublished: list[str] = []  # the release's packages the index verified from lacks
    references: list[str] = []  # the direct references the installs could not fetch
    undeclared = undeclared_modules(report.results)
    for result in report.results:
        for check in result.failed:
            cause = failure_cause(check)
            missed = [m.split(".")[0] for m in _NO_MODULE.findall(check.detail)]
            if (
                cause in (PACKAGE, EXTRA)
                and missed[-1:]
                and missed[-1] in undeclared.get(result.name, ())
            ):  # the import of the package itself missed it too
                cause = UNDECLARED
            if check.name.startswith("install") and result.name in report.pins:
                cause = PIN  # its own requirement excludes the sibling released with it
            elif check.name.startswith("install") and result.name in report.pinned_below:
                cause = SIBLING  # it needs a package whose pin excludes a sibling
            wanting = missing(check) if cause in (DEPENDENCY, NETWORK, OFFLINE) else []
            ours = [name for name in wanting if name in released]
            if result.kind == "index" and ours:
                # installed from the index: the release itself is not there (not
                # published yet, or a page that lists no files), not a package's fault
                cause = UNPUBLISHED
                unpublished += [n for n in ours if n not in unpublished]
            elif wanting and all(name in released for name in wanting):
                cause = SIBLING  # it needs a package of the release that failed itself
            elif cause in (DEPENDENCY, OFFLINE):
                absent += [n for n in wanting if n not in released and n not in absent]
            causes.setdefault(cause, {})[result.name] = None
            if cause == DIRECT:
                references += [r for r in direct_references(check) if r not in references]
            if cause == ARGS:
                refused.append(check.name.removeprefix("script "))
            if cause == EXTRA:
                named = _EXTRAS_FLAG.findall(check.detail)
                extras += [x for x in named if x not in extras]
                unnamed = unnamed or not named
    if any(not c.ok for c in report.commands):
        causes.setdefault(PACKAGE, {})["the release's commands"] = None
    cooling = "; ".join(cooldown.settings(report.installer or "uv")) or "an exclude-newer setting"
    fixes = {
        COOLDOWN: f"a dependency cooldown of this machine ({cooling}), not the packages: "
        "installing {names} needs a file uploaded after its cutoff; unset it for this run, "
        "or exempt that dependency",
        LOGIN: "a login: the index refused installing {names} without a valid one; give it one "
        "(a ~/.pypirc section, TWINE_USERNAME/TWINE_PASSWORD, a keyring entry or the URL's "
        "userinfo)",
        INTERPRETER: "the interpreter: {names} cannot install or run on the Python of the fresh "
        "environment; pass --python with one that its requires-python allows",
        EXTRA: "a missing extra: a console script, command or module of {names} needs a module that is "
        "not installed; "
        + (
            f"check it with {' '.join(f'--extras {x}' for x in extras)}"
            + ("; if an extra provides the others, pass --extras NAME[EXTRA]" if unnamed else "")
            if extras
            else "if an extra provides it, pass --extras NAME[EXTRA]"
        ),
        ARGS: f"console scripts of {{names}} that run but exit non-zero on the arguments they "
        f"are started with (--help unless set): {', '.join(refused)}; give them ones they "
        "take, or skip them: [tool.relnox.verify] script-args = { "
        + ", ".join(f"{script} = false" for script in refused)
        + " }",
        SETTING: "an installer setting of this machine, not the packages: the installer refused "
        "the command installing {names} because a setting of yours conflicts with it (see its "
        "error above: an environment variable, or a uv.toml or [tool.uv] setting); unset it for "
        "this run",
        MACHINE: "this machine, not the packages: the installer could not use its cache or the "
        "disk while installing {names} (see its error above); give it space and a writable "
        "cache directory (UV_CACHE_DIR, PIP_CACHE_DIR or XDG_CACHE_HOME), then run again",
        UNPUBLISHED: f"the index: it answered it does not have {', '.join(unpublished)} "
        "of this release, so installing {names} from it failed; publish the release there "
        "first (relnox publish -r INDEX), or check --index (an index that lists files later: "
        "--wait; a page that lists none, such as a login page answered with 200)",
        PIN: "a requirement of a package of this release: "
        + "; ".join(report.pins[name] for name in causes.get(PIN, ()))
        + "; fix it, then relnox build-all",
        SIBLING: "another package of this release: {names} need(s) one whose own install "
        "failed (see above); fix that one and rebuild, and these follow",
        DIRECT: f"a direct reference: {{names}} requires {', '.join(references)}, which the "
        "installer fetches from that address and could not (see its error above); PyPI and "
        "TestPyPI refuse an upload that has one anyway: require a released version of it, "
        "then relnox build-all",
        DEPENDENCY: f"a dependency no index has: installing {{names}} needs {', '.join(absent)}, "
        "which the index asked says it does not have; check the name and version in "
        "[project] dependencies, or pass --extra-index with the index that has it",
        OFFLINE: f"--offline: installing {{names}} needs {', '.join(absent)}, which the dist "
        "directory does not hold and --offline asks no index for; run without --offline, so "
        "the installer's index (or --extra-index) supplies it",
        NETWORK: "the network or the index: installing {names} could not get what it needs; "
        "check your connection, --index and --extra-index (or use --offline with a complete "
        "dist directory), then run again",
        UNDECLARED: "a requirement not declared: importing {names} needs "
        + ", ".join(m for name in causes.get(UNDECLARED, ()) for m in undeclared.get(name, ()))
        + ", which nothing it requires installs (another package brought it before, or "
        "never did); add the distribution that provides it to [project] dependencies, then "
        "relnox build-all",
        PACKAGE: "the package itself: {names}; see the lines above, fix it and rebuild "
        "(relnox build-all)",
    }
    lines = [
        fixes[cause].replace("{names}", ", ".join(names))
        for cause, names in sorted(causes.items(), key=lambda kv: list(fixes).index(kv[0]))
    ]
    if len(lines) == 1:
        return f"verify-install failed because of {lines[0]}"
    return "verify-install failed:\n" + "\n".join(f"  - {line}" for line in lines)
