"""What verify_install will do, decided and checked before anything is installed.

:func:`plan_verify` reads ``[tool.relnox.verify]``, the wheels and sdists of the dist
directory whoever built them (:func:`relnox.artifacts.distdir.load_release`; a file relnox
built whose sha256 changed is refused), each wheel's own RECORD and entry points, and resolves
an index name. Every usage error is raised here as :class:`VerifyError`; running
the plan (:mod:`relnox.verify.run`) reports failed checks instead of raising.

``[tool.relnox.verify]`` (root pyproject; ``commands`` also per package). Commands
are argv lists (a string is split with :func:`shlex.split`, never given to a shell)
run in an empty temporary directory with the fresh environment's ``bin`` first on
``PATH``; the root's run once per environment when the whole release is verified::

    commands = ["demo-runtime --version", ["python", "-c", "import demo_core"]]
    script-args = "--help"            # or a list, or { name = "--version", other = false }
    timeout = 600                     # seconds for each install/check command
    wait = 300                        # --index: seconds a new upload may take to appear
                                      # (default: the timeout when one is given, else 60)
    python = "3.11"                   # interpreter of the fresh environment
    installer = "uv"                  # or "pip" (default: uv, pip when uv cannot run)
"""

from __future__ import annotations

import dataclasses
import logging
import shlex
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.artifacts.distdir import load_release
from relnox.artifacts.manifest import (
    ArtifactRecord,
    Manifest,
    PackageRecord,
    read_manifest,
    sha256_of,
)
from relnox.builds import refuse_stale
from relnox.errors import RelnoxError, VerifyError
from relnox.project.workspace import Package, Workspace
from relnox.redact import redact_url
from relnox.tools import cooldown
from relnox.tools.envs import (
    Installer,
    InstallOptions,
    find_installer,
    resolve_python,
    wheel_for,
)
from relnox.tools.index_auth import IndexLogin, split_logins
from relnox.verify.smoke import WheelFacts, wheel_facts
from relnox.verify.targets import by_interpreter

logger = logging.getLogger("relnox")

DEFAULT_TIMEOUT = 600.0
DEFAULT_WAIT = 60.0  # --index: how long a just-uploaded version may take to appear
DEFAULT_SCRIPT_ARGS: tuple[str, ...] = ("--help",)
Argv = tuple[str, ...]


@dataclass(frozen=True)
class Artifact:
    """A file of the release, with the sha256 the manifest promises."""

    path: Path
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Target:
    """One package to check in one environment."""

    name: str
    version: str
    artifact: str  # how the output names it: a file of dist/, or "name==version from INDEX"
    modules: tuple[str, ...]  # import packages the wheel ships (plus the source tree's)
    facts: WheelFacts | None = None  # the released wheel (None when installing from an index)
    wheel: Artifact | None = None
    sdist: Artifact | None = None  # the sdist round builds this into a wheel first
    commands: tuple[Argv, ...] = ()
    requires_python: str | None = None
    extras: tuple[str, ...] = ()  # installed with it (--extras)

    @property
    def requirement(self) -> str:
        return f"{self.name}{self.extras_text}=={self.version}"

    @property
    def extras_text(self) -> str:
        return f"[{','.join(self.extras)}]" if self.extras else ""


@dataclass(frozen=True)
class Round:
    """One fresh environment: ``kind`` is ``wheel``, ``sdist`` or ``index``."""

    kind: str
    targets: tuple[Target, ...]
    siblings: tuple[Artifact, ...] = ()  # internal dependencies installed but not checked
    options: InstallOptions = field(default_factory=InstallOptions)
    index_name: str | None = None
    index_url: str | None = None
    wait: float = 0.0
    python: str | None = None  # None: the plan's interpreter; else one requires-python needs
    available: tuple[Artifact, ...] = ()  # wheels the resolver may take (other rounds' targets)
    #: logins for the indexes of this round, handed to the installer in a netrc (never argv)
    logins: tuple[IndexLogin, ...] = ()
    #: where the index's login came from (``None``: none is sent), and where one could come from
    index_login: str | None = None
    login_help: str = ""
    cooldown: tuple[str, ...] = ()  # the installer's cooldown settings (tools/cooldown.py)


@dataclass(frozen=True)
class ScriptArgs:
    default: Argv | None = DEFAULT_SCRIPT_ARGS
    per_script: Mapping[str, Argv | None] = field(default_factory=dict)

    def for_script(self, name: str) -> Argv | None:
        """The arguments to start ``name`` with; None: do not run it."""
        return self.per_script.get(name, self.default)


@dataclass(frozen=True)
class VerifyPlan:
    rounds: tuple[Round, ...]
    installer: Installer
    python: str
    timeout: float
    script_args: ScriptArgs
    commands: tuple[Argv, ...]  # [tool.relnox.verify] commands of the root, run in every round
    dist_dir: Path | None
    skipped: tuple[tuple[str, Target, str], ...] = ()  # (round kind, target, why)
    allowed_stale: Mapping[str, str] = field(default_factory=dict)  # --allow-stale: what changed

    def describe(self) -> list[str]:
        """The plan in words (``--dry-run``)."""
        lines = []
        for rnd in self.rounds:
            source = f"{rnd.index_name} ({rnd.index_url})" if rnd.index_url else str(self.dist_dir)
            lines.append(
                f"{rnd.kind}: one fresh {self.installer.name} environment "
                f"({rnd.python or self.python}), {len(rnd.targets)} package(s) from {source}"
            )
            for target in rnd.targets:
                extras = f" with extras {target.extras_text}" if target.extras else ""
                lines.append(f"  {target.name} {target.version}: {target.artifact}{extras}")
        for kind, target, why in self.skipped:
            lines.append(f"{kind}: skip {target.name} {target.version}: {why}")
        lines += [f"command: {shlex.join(c)}" for c in self.commands]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "installer": self.installer.name,
            "python": self.python,
            "rounds": [
                {
                    "kind": rnd.kind,
                    "index": redact_url(rnd.index_url) if rnd.index_url else None,
                    "packages": {t.name: t.version for t in rnd.targets},
                }
                for rnd in self.rounds
            ],
            "skipped": [
                {"round": kind, "package": t.name, "why": why} for kind, t, why in self.skipped
            ],
            "commands": [list(c) for c in self.commands],
        }


def _argv(value: Any, where: str) -> Argv:
    if isinstance(value, str) and value.strip():
        return tuple(shlex.split(value))
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise VerifyError(
        f"{where}: {value!r} is not a command; write a string like "
        '"tool --version" or a list like ["tool", "--version"]'
    )


def _commands(section: Mapping[str, Any], where: str) -> tuple[Argv, ...]:
    value = section.get("commands", [])
    if not isinstance(value, list):
        raise VerifyError(f"{where}: commands must be a list of commands, not {value!r}")
    return tuple(_argv(item, f"{where} commands") for item in value)


def _script_args(value: Any, where: str) -> ScriptArgs:
    if value is None:
        return ScriptArgs()
    if isinstance(value, Mapping):
        per: dict[str, Argv | None] = {}
        for name, args in value.items():
            per[name] = None if args is False else _args(args, f"{where} script-args.{name}")
        return ScriptArgs(per_script=per)
    return ScriptArgs(default=None if value is False else _args(value, f"{where} script-args"))


def _args(value: Any, where: str) -> Argv:
    if isinstance(value, str):
        return tuple(shlex.split(value))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise VerifyError(f'{where}: {value!r} must be a string like "--help" or a list of strings')


def _number(section: Mapping[str, Any], key: str, where: str) -> float | None:
    value = section.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise VerifyError(f"{where}: {key} = {value!r} must be a number of seconds (>= 0)")
    return float(value)


def _string(section: Mapping[str, Any], key: str, where: str) -> str | None:
    value = section.get(key)
    if value is not None and not isinstance(value, str):
        raise VerifyError(f'{where}: {key} = {value!r} must be a string like "3.11"')
    return value


def _package_commands(workspace: Workspace, pkg: Package | None) -> tuple[Argv, ...]:
    if pkg is None or pkg.pyproject == workspace.config.source:
        return ()  # the root's own commands run once for the whole release
    section = pkg.settings.get("verify", {})
    if not isinstance(section, Mapping):
        raise VerifyError(f"{pkg.pyproject}: [tool.relnox.verify] must be a table")
    return _commands(section, f"{pkg.pyproject} [tool.relnox.verify]")


def _pick_wheel(record: PackageRecord, manifest: Manifest, python: str) -> ArtifactRecord:
    """The wheel of ``record`` that ``python`` (the fresh environment's interpreter, not
    necessarily relnox's) installs: a wheel matrix's directory holds one per platform."""
    wheels = record.wheels
    if not wheels:
        raise VerifyError(
            f"{manifest.dist_dir}: the build manifest lists no wheel of {record.name}; "
            "build it with relnox build-all"
        )
    if len(wheels) == 1:
        return wheels[0]
    picked = wheel_for([w.filename for w in wheels], python, error=VerifyError)
    for wheel in wheels:
        if wheel.filename == picked:
            return wheel
    raise VerifyError(
        f"{manifest.dist_dir}: none of the wheels of {record.name} "
        f"({', '.join(w.filename for w in wheels)}) installs on {python}; "
        "verify on a matching platform or build a wheel for it"
    )


def _checked(manifest: Manifest, record: ArtifactRecord) -> Artifact:
    """The file of ``record``, which :func:`load_release` hashed a moment ago (its sha256
    is that digest): not hashed again here. What is installed is checked against it at
    install time (uv's ``--hash``, or :func:`copy_checked`)."""
    path = manifest.dist_dir / record.filename
    if not path.is_file():
        raise VerifyError(f"{path}: listed in the build manifest but missing; rebuild it")
    return Artifact(path, record.sha256)


def _closure(workspace: Workspace, manifest: Manifest, names: Sequence[str]) -> list[str]:
    """``names`` and every workspace package they need, in manifest order; a package only
    an extra needs is not one of them (a user installing the package does not get it)."""
    known = {r.name: r for r in manifest.packages}
    wanted: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        try:
            pkg = workspace.get(name)
            deps: Sequence[str] = [
                r.target for r in pkg.requirements if r.runtime and not r.optional
            ]
        except RelnoxError:
            deps = known[name].depends_on if name in known else ()
        todo += [canonicalize_name(d) for d in deps]
    return [r.name for r in manifest.packages if r.name in wanted]


def _dist_targets(
    workspace: Workspace, manifest: Manifest, names: Sequence[str], sdist: bool, python: str
) -> tuple[list[Target], list[Artifact], list[Artifact]]:
    """The targets, the siblings they need (installed with them) and the wheels of the
    other packages of the directory (there for the resolver: extras' packages)."""
    by_name: dict[str, PackageRecord] = {canonicalize_name(r.name): r for r in manifest.packages}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise VerifyError(
            f"{manifest.dist_dir}: the build manifest has no build of {', '.join(missing)}; "
            "build it with relnox build-all"
        )
    selected = list(names) or list(by_name)
    targets: list[Target] = []
    siblings: list[Artifact] = []
    closure = _closure(workspace, manifest, selected)
    available = []
    for record in manifest.packages:
        if record.name not in closure and record.wheels:
            try:
                available.append(_checked(manifest, _pick_wheel(record, manifest, python)))
            except VerifyError:  # no wheel for this platform: the resolver does without it
                continue
    for name in closure:
        record = by_name[name]
        wheel = _checked(manifest, _pick_wheel(record, manifest, python))
        if name not in selected:
            siblings.append(wheel)
            continue
        try:
            pkg: Package | None = workspace.get(name)
        except RelnoxError:
            pkg = None
        if pkg is not None and pkg.version != record.version and not pkg.vcs_versioned:
            logger.warning(
                "%s: dist/ holds %s but the source says %s; verifying what was built",
                name,
                record.version,
                pkg.version,
            )
        sdist_file = None
        if sdist:
            if not record.sdists:
                raise VerifyError(
                    f"{manifest.dist_dir}: --sdist, but the build manifest lists no sdist of "
                    f"{name}; build one with relnox build-all"
                )
            sdist_file = _checked(manifest, record.sdists[0])
        facts = wheel_facts(wheel.path)
        modules = tuple(dict.fromkeys([*facts.imports, *(pkg.import_packages if pkg else ())]))
        targets.append(
            Target(
                name=name,
                version=record.version,
                artifact=str(wheel.path),
                modules=modules,
                facts=facts,
                wheel=wheel,
                sdist=sdist_file,
                commands=_package_commands(workspace, pkg),
                requires_python=facts.requires_python,
            )
        )
    return targets, siblings, available


def _first(*values: float | None) -> float:
    return next(v for v in values if v is not None)


def _dist_path(workspace: Workspace, dist_dir: Path | str | None) -> Path:
    dist = Path(dist_dir) if dist_dir is not None else Path(workspace.config.dist_dir)
    return dist if dist.is_absolute() else workspace.root / dist


def _manifest_versions(workspace: Workspace, dist_dir: Path | str | None) -> dict[str, str]:
    """The versions dist/ was built at (what was published), when it has a manifest."""
    try:
        manifest = read_manifest(_dist_path(workspace, dist_dir))
    except RelnoxError:
        return {}
    return {canonicalize_name(r.name): r.version for r in manifest.packages}


@dataclass(frozen=True)
class VerifyOptions:
    """What a person decides about a verify (``relnox verify-install``'s flags).

    ``index`` None verifies the wheels of ``dist_dir`` (default ``[tool.relnox]
    dist-dir``) listed in its build manifest; otherwise ``name==version`` of each
    package is installed from that repository (``pypi``, ``testpypi``, ``local``, a
    configured name or a URL), retrying for up to ``wait`` seconds while a new upload
    is not visible yet. Third-party dependencies come from ``extra_index`` (default:
    the installer's configured index). ``timeout`` (default 600) limits each command.
    ``extras`` (``cli``, ``name[cli]``) are installed with the packages.
    """

    packages: Sequence[str] = ()
    dist_dir: Path | str | None = None
    index: str | None = None
    extra_index: str | None = None
    no_deps: bool = False
    offline: bool = False
    sdist: bool = False
    python: str | None = None
    timeout: float | None = None
    script_args: Sequence[str] | str | None = None
    wait: float | None = None
    installer: str | None = None
    extras: Sequence[str] = ()
    write_record: bool = True  # record the files found in a dist/ relnox did not build
    allow_stale: Sequence[str] = ()


def _soon(find: Callable[..., Installer], preferred: str | None) -> Future[Installer]:
    """``find(preferred)`` started in a thread of its own (it runs ``uv --version``)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(find, preferred, error=VerifyError)
    finally:
        pool.shutdown(wait=False)


def plan_verify(workspace: Workspace, options: VerifyOptions) -> VerifyPlan:
    """Everything verify_install will do; raises :class:`VerifyError` for any usage error."""
    o = options
    packages, dist_dir, index, extra_index = o.packages, o.dist_dir, o.index, o.extra_index
    offline, sdist, python, timeout, wait = o.offline, o.sdist, o.python, o.timeout, o.wait
    installer, script_args, no_deps, extras = o.installer, o.script_args, o.no_deps, o.extras
    where = f"{workspace.config.source} [tool.relnox.verify]"
    try:
        section = workspace.config.section("verify")
    except RelnoxError as exc:
        raise VerifyError(str(exc)) from None
    names = [workspace.get(n).name for n in packages]
    # ``uv --version`` (can uv run here?) in the background while the files are read
    finding = _soon(find_installer, installer or _string(section, "installer", where))
    dist: Path | None = None
    allowed: dict[str, str] = {}
    try:
        interpreter = resolve_python(python or _string(section, "python", where), error=VerifyError)
        limit = timeout or _number(section, "timeout", where) or DEFAULT_TIMEOUT
        args = (
            _script_args(section.get("script-args"), where)
            if script_args is None
            else ScriptArgs(default=_args(script_args, "--script-args"))
        )
        (extra_index,), logins = split_logins([extra_index], "the --extra-index URL's userinfo")
        if index is None:
            dist = _dist_path(workspace, dist_dir)
            try:
                manifest = load_release(
                    workspace,
                    dist,
                    names,
                    dependencies=True,
                    error=VerifyError,
                    write_record=o.write_record,
                )
            except RelnoxError as exc:
                raise VerifyError(str(exc)) from None
            allowed = refuse_stale(
                workspace, manifest.packages, dist, allow=o.allow_stale, error=VerifyError
            )
            targets, siblings, available = _dist_targets(
                workspace, manifest, names, sdist, interpreter
            )
    finally:
        chosen_installer = finding.result()  # its usage error first, as it always came first
    extra = (extra_index,) if extra_index else ()
    cooling = tuple(cooldown.settings(chosen_installer.name))
    rounds: list[Round] = []
    if index is not None:
        # an index's modules (logins, repositories: ~8 ms of imports) only for --index
        from relnox.tools.credentials import login_help, read_login
        from relnox.tools.repositories import resolve

        if offline or sdist:
            flag = "--offline" if offline else "--sdist"
            raise VerifyError(
                f"{flag} cannot be combined with --index {index}: an index is online and "
                "holds built wheels; leave --index out to verify dist/"
            )

        try:
            repository = resolve(index, workspace.config)
        except RelnoxError as exc:
            raise VerifyError(str(exc)) from None
        built = _manifest_versions(workspace, dist_dir)
        targets = []
        for pkg in workspace.select(names):
            version = built.get(pkg.name, pkg.version)
            targets.append(
                Target(
                    name=pkg.name,
                    version=version,
                    artifact=f"{pkg.name}=={version} from {repository.name}",
                    modules=pkg.import_packages,
                    commands=_package_commands(workspace, pkg),
                    requires_python=pkg.requires_python,
                )
            )
        wait_for = _first(wait, _number(section, "wait", where), timeout, DEFAULT_WAIT)
        login = read_login(repository)
        names_ = tuple(t.name for t in targets)
        rounds.append(
            Round(
                kind="index",
                targets=tuple(targets),
                options=InstallOptions(
                    default_index=extra_index,
                    no_deps=no_deps,
                    fresh=names_,
                    exempt=names_ if cooling and chosen_installer.name == "uv" else (),
                ),
                index_name=repository.name,
                index_url=repository.simple_url,
                wait=wait_for,
                logins=(*logins, *([login] if login else [])),
                index_login=login.source if login else None,
                login_help=login_help(repository),
                cooldown=cooling,
            )
        )
    else:
        fresh = tuple(r.name for r in manifest.packages)
        install = InstallOptions(extra_indexes=extra, no_deps=no_deps, offline=offline, fresh=fresh)
        wheel_round = Round(
            "wheel",
            tuple(targets),
            tuple(siblings),
            install,
            available=tuple(available),
            logins=tuple(logins),
            cooldown=cooling,
        )
        rounds.append(wheel_round)
        if sdist:
            from_sdists = tuple(
                dataclasses.replace(t, artifact=str(t.sdist.path) if t.sdist else t.artifact)
                for t in targets
            )
            rounds.append(dataclasses.replace(wheel_round, kind="sdist", targets=from_sdists))
    release_commands = _commands(section, where)
    if names and release_commands:
        logger.info("%s: commands are for the whole release; skipped for --package", where)
        release_commands = ()
    if not any(r.targets for r in rounds):
        raise VerifyError(f"{workspace.root}: nothing to verify; no package was selected")
    rounds, skipped = by_interpreter(rounds, interpreter, extras)
    return VerifyPlan(
        rounds=tuple(rounds),
        skipped=tuple(skipped),
        installer=chosen_installer,
        python=interpreter,
        timeout=limit,
        script_args=args,
        commands=release_commands,
        dist_dir=dist,
        allowed_stale=allowed,
    )


def copy_checked(artifact: Artifact, directory: Path) -> Path:
    """Copy ``artifact`` into ``directory`` and prove the copy is the file of the manifest."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    target = directory / artifact.filename
    shutil.copyfile(artifact.path, target)
    if sha256_of(target) != artifact.sha256:
        raise VerifyError(
            f"{artifact.path}: sha256 changed while verifying (it differs from the build "
            "manifest); rebuild with relnox build-all"
        )
    return target
