"""verify_install: each round (wheels, sdists' wheels, or ``--index``) one fresh environment,
checked by ``python -I -B`` processes; failed checks are in the report, only usage errors raise."""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name, parse_wheel_filename

from relnox import _proc as proc
from relnox._proc import Result
from relnox.errors import RelnoxError, VerifyError
from relnox.progress import doing, finished
from relnox.project.workspace import Workspace
from relnox.stage import Runtime
from relnox.tools import cooldown
from relnox.tools.envs import (
    Environment,
    InstallOptions,
    child_env,
    create_environment,
    environment_dir,
    pip_instead,
    remove_later,
)
from relnox.tools.index_auth import NETRC_ENV, refused_login, write_netrc
from relnox.tools.network import upload_wait
from relnox.verify.model import Argv, Artifact, Round, Target, VerifyOptions, VerifyPlan
from relnox.verify.plan import copy_checked, plan_verify
from relnox.verify.report import (
    MISSING_EXTRA,
    NOT_THERE,
    REFUSED_ARGS,
    SETTING,
    PackageResult,
    VerifyReport,
    failure_cause,
)
from relnox.verify.smoke import (
    Check,
    Findings,
    WheelFacts,
    check_installed,
    compare_files,
    wheel_facts,
)

if TYPE_CHECKING:
    from relnox.tools.simple_api import IndexReader

logger = logging.getLogger("relnox")


def verify_install(
    workspace: Workspace, options: VerifyOptions, runtime: Runtime | None = None
) -> VerifyReport:
    """A verify asks nobody; index logins come from the options' URLs and the environment."""
    return run_plan(plan_verify(workspace, options))


def run_plan(plan: VerifyPlan, runtime: Runtime | None = None) -> VerifyReport:
    start = time.perf_counter()
    report = VerifyReport(
        results=[],
        installer=plan.installer.name,
        allowed_stale=dict(plan.allowed_stale),
        pins=dict(plan.pins),
        pinned_below=dict(plan.pinned_below),
    )
    tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    try:
        runs = [_RoundRun(plan, rnd, tmp / f"{rnd.kind}-{i}") for i, rnd in enumerate(plan.rounds)]
        with ThreadPoolExecutor(max_workers=max(1, len(runs))) as pool:  # rounds side by side
            for run in pool.map(lambda run: run.run(), runs):
                report.results += run.results.values()
                report.commands += run.commands
                for k, v in run.steps.items():
                    key = f"{run.round.kind} {k}"
                    report.steps[key] = report.steps.get(key, 0.0) + v
        report.python = ", ".join(dict.fromkeys(r.python for r in runs if r.python))
        report.fallback = next(
            (r.installer.name for r in runs if r.installer != plan.installer), ""
        )
    finally:
        for logins in tmp.glob("*/auth"):  # a netrc goes at once, the environments later
            shutil.rmtree(logins, ignore_errors=True)
        remove_later(tmp)
    for kind, target, why in plan.skipped:
        report.results.append(
            PackageResult(target.name, target.version, kind, target.artifact, skipped=why)
        )
    report.seconds = time.perf_counter() - start
    return report


TEMP_PREFIX = "relnox-verify-"  # of every verify's scratch directory

#: failed checks after which a package is not installed or checked any further
_BLOCKING = {"environment", "build wheel from sdist", "install", "install dependencies"}


class _RoundRun:
    def __init__(self, plan: VerifyPlan, rnd: Round, work: Path) -> None:
        self.plan = plan
        self.round = rnd
        self.work = work
        self.results = {
            t.name: PackageResult(t.name, t.version, rnd.kind, t.artifact) for t in rnd.targets
        }
        self.facts: dict[str, WheelFacts | None] = {t.name: t.facts for t in rnd.targets}
        self.commands: list[Check] = []
        self.steps: dict[str, float] = {}
        self.python = ""
        self.installer = plan.installer  # pip once uv gave up on an index refusing HEAD
        self.netrc: Path | None = None  # the round's index logins (tools/index_auth.py)
        # each (package, extras) installed once for the scripts and imports asking for it
        self.extras_installed: dict[tuple[str, tuple[str, ...]], Result | None] = {}
        self.extras = {canonicalize_name(e) for t in rnd.targets for e in t.extras}  # --extras
        self.total = sum(len(r.targets) for r in plan.rounds)  # the packages of all rounds
        self.doing = doing("verify", self.total)

    def _step(self, name: str, result: Result) -> Result:
        self.steps[name] = self.steps.get(name, 0.0) + result.seconds
        return result

    def _fail_all(self, check: str, detail: str, names: Sequence[str] | None = None) -> None:
        for name in names if names is not None else list(self.results):
            self.results[name].checks.append(Check(check, False, detail))

    def _alive(self) -> list[Target]:
        return [
            t
            for t in self.round.targets
            if not any(c.name in _BLOCKING and not c.ok for c in self.results[t.name].checks)
        ]

    def _install(
        self,
        env: Environment,
        requirements: Sequence[str],
        options: InstallOptions,
        *,
        label: str | None = None,
        exempt: bool = False,
    ) -> Result:
        """``requirements`` into ``env`` (``label``: by a file of ``--hash`` lines; ``exempt``: the
        release's own, no cooldown); pip from then on if uv gives up on an index refusing HEAD."""
        if label is not None:
            file = self.work / f"requirements-{label}.txt"
            file.write_text("".join(f"{r}\n" for r in requirements), encoding="utf-8")
            requirements, options = [], replace(options, requirement_files=(file,))
        while True:  # twice at most: pip_instead gives pip only in place of uv
            argv = self.installer.install_argv(env, requirements, options)
            result = self._step("install", self._install_argv(argv, env, exempt=exempt))
            pip = pip_instead(self.installer, env, result, "an index")
            if pip is None:
                return result
            self.installer = pip  # for the rest of the round

    def _install_argv(self, argv: Sequence[str], env: Environment, exempt: bool = False) -> Result:
        environ = env.child_env(index_logins=True)
        environ.pop("UV_NO_VERIFY_HASHES", None)
        if self.netrc is not None:
            environ[NETRC_ENV] = str(self.netrc)
        if exempt and self.round.cooldown and self.installer.name == "pip":
            environ[cooldown.PIP_VARIABLE] = FAR_FUTURE
        return proc.run(argv, env=environ, cwd=self.work, timeout=self.plan.timeout)

    def _why(self, result: Result) -> str:
        """The end of a failed install's output, and the cooldown when it is the cause."""
        output = result.tail(20)
        said = cooldown.mentioned(output)
        if self.installer.name == "pip":
            said = said or _not_there_yet(output)
        if self.round.cooldown and said:
            output += "\n" + cooldown.explain(list(self.round.cooldown))
        return output

    def run(self) -> _RoundRun:
        self.work.mkdir(parents=True)
        if self.round.logins:
            self.netrc = write_netrc(self.work / "auth", self.round.logins)
        kind, installer = self.round.kind, self.plan.installer
        logger.info("%s: creating a fresh %s environment", kind, installer.name, extra=self.doing)
        python, timeout = self.round.python or self.plan.python, self.plan.timeout
        where = environment_dir(self.work, python)
        env, created = create_environment(installer, where, python, cwd=self.work, timeout=timeout)
        self._step("venv", created)
        if not created.ok:
            self._fail_all("environment", f"{' '.join(created.argv)} failed:\n{created.tail()}")
            return self
        installed = self._install_index(env) if kind == "index" else self._install_files(env)
        if installed and self.round.checked_before:  # the bytes checked from dist/
            for result in self.results.values():
                result.checks.append(Check("the bytes checked from dist/", True))
        elif installed:
            self._check(env)
        return self

    def _install_files(self, env: Environment) -> bool:
        links = self.work / "links"
        links.mkdir()
        for artifact in self.round.available:  # found by the resolver, not installed as such
            copy_checked(artifact, links)
        if self.round.kind == "wheel":
            own, wanted, options, hashed = self._wheel_requirements(self.round.targets)
            return self._install_each(env, own, wanted, options, hashed=hashed)
        siblings = [str(copy_checked(a, links)) for a in self.round.siblings]
        built = self._build_sdists(env)
        alive = {t.name: t for t in self._alive()}
        if not alive:
            return False
        wanted = {n: _wheel_requirement(alive[n], p) for n, p in built.items() if n in alive}
        options = replace(self.round.options, find_links=(self.work / "sdist-wheels", links))
        return self._install_each(env, siblings, wanted, options)

    def _wheel_requirements(
        self, targets: Sequence[Target]
    ) -> tuple[list[str], dict[str, str], InstallOptions, bool]:
        """A wheel round's siblings and ``targets`` as requirements, the options, and whether
        by ``--hash``: uv installs dist/'s wheels where they are with the manifest's sha256,
        so its cache of an unchanged wheel is reused; pip their checked copies in links/."""
        rnd, links = self.round, self.work / "links"
        if self.plan.installer.name == "uv":
            options = replace(rnd.options, find_links=(links,)) if rnd.available else rnd.options
            own = [_hashed(parse_wheel_filename(a.filename)[0], "", a) for a in rnd.siblings]
            wanted = {t.name: _hashed(t.name, t.extras_text, t.wheel) for t in targets if t.wheel}
            return own, wanted, options, True
        own = [str(copy_checked(a, links)) for a in rnd.siblings]
        wanted = {
            t.name: _wheel_requirement(t, copy_checked(t.wheel, links)) for t in targets if t.wheel
        }
        return own, wanted, replace(rnd.options, find_links=(links,)), False

    def _install_each(
        self,
        env: Environment,
        own: list[str],
        wanted: dict[str, str],
        options: InstallOptions,
        *,
        hashed: bool = False,
    ) -> bool:
        """One installer command for ``own`` (siblings) and ``wanted``; failed, each alone."""
        said = (self.round.kind, len(wanted))
        logger.info("%s: installing %d wheel(s) with one command", *said, extra=self.doing)

        def install(requirements: list[str], label: str) -> Result:
            return self._install(env, requirements, options, label=label if hashed else None)

        result = install([*own, *wanted.values()], "all")
        if result.ok:
            return True
        why = self._why(result)
        if len(wanted) == 1 or failure_cause(Check("install", False, why)) == SETTING:
            self._fail_all("install", why, sorted(wanted))  # alone, each would fail the same
            return False
        logger.info("%s: the install failed; installing each package alone", self.round.kind)
        for name, requirement in wanted.items():
            alone = install([*own, requirement], name)
            if not alone.ok:
                self._fail_all("install", self._why(alone), [name])
        return bool(self._alive())

    def _build_sdists(self, env: Environment) -> dict[str, Path]:
        out_root = self.work / "sdist-wheels"
        out_root.mkdir()
        builders = self.work / "builds"

        def build(target: Target) -> tuple[Target, Result, Path]:
            assert target.sdist is not None
            source = copy_checked(target.sdist, self.work / "sdists")
            out = builders / target.name
            out.mkdir(parents=True)
            argv = self.plan.installer.wheel_argv(env, source, out, self.round.options)
            return target, self._install_argv(argv, env), out

        built: dict[str, Path] = {}
        count = len(self.round.targets)
        logger.info("sdist: building %d sdist(s) into wheels", count, extra=self.doing)
        with ThreadPoolExecutor(max_workers=min(4, len(self.round.targets))) as pool:
            for target, result, out in pool.map(build, self.round.targets):
                self._step("build", result)
                wheels = sorted(out.glob("*.whl"))
                if not result.ok or len(wheels) != 1:
                    detail = self._why(result) if not result.ok else f"made {len(wheels)} wheels"
                    self._fail_all("build wheel from sdist", detail, [target.name])
                    continue
                wheel = shutil.move(str(wheels[0]), out_root / wheels[0].name)
                try:
                    facts = wheel_facts(Path(wheel))
                except VerifyError as exc:
                    self._fail_all("build wheel from sdist", str(exc), [target.name])
                    continue
                self.facts[target.name] = facts
                checks = self.results[target.name].checks
                checks.append(Check("build wheel from sdist", True))
                if target.facts is not None:
                    checks.append(compare_files(facts, target.facts))
                built[target.name] = Path(wheel)
        return built

    def _install_index(self, env: Environment) -> bool:
        """``name==version`` from the index alone, then the dependencies from the others."""
        rnd = self.round
        requirements = [t.requirement for t in rnd.targets]
        only_index = replace(
            rnd.options, default_index=rnd.index_url, extra_indexes=(), no_deps=True
        )
        deadline = time.monotonic() + rnd.wait
        attempt = 0
        while True:
            result = self._install(env, requirements, only_index, exempt=True)
            if refused_login(result.output):
                raise VerifyError(self._login_message(result.output))
            if not result.ok and attempt == 0 and _not_there_yet(result.output):
                self._ask_index(rnd.targets[0].name)  # pip hides a 401 as "no version"
            remaining = deadline - time.monotonic()
            held_back = cooldown.mentioned(result.output)  # not "not there yet": never will be
            if result.ok or remaining <= 0 or held_back or not _not_there_yet(result.output):
                break
            attempt += 1
            pause = upload_wait(attempt, deadline)
            said = (", ".join(requirements), rnd.index_name, pause, remaining)
            logger.info("index: not all of %s on %s yet; retrying in %.0fs (%.0fs left)", *said)
            time.sleep(pause)
        if not result.ok:
            self._fail_all("install", f"from {rnd.index_url}:\n{self._why(result)}")
            return False
        # checked before (the bytes checked from dist/): nothing runs in this environment
        # after, so the dependencies are resolved from the indexes, not installed (their
        # thousands of files linked in, then deleted unread)
        deps = replace(rnd.options, fresh=(), dry_run=rnd.checked_before)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # the index's pages read while the installer takes the dependencies (no code of
            # the release runs meanwhile); other bytes there fail the round all the same
            reading = pool.submit(self._other_bytes)
            took = None if rnd.options.no_deps else self._install(env, requirements, deps)
            other = reading.result()
        if other:
            self._fail_all("install", other)
            return False
        if took is not None and not took.ok:
            self._fail_all("install dependencies", self._why(took))
        return took is None or took.ok

    def _other_bytes(self) -> str | None:
        """Where the index lists a file of the release with another sha256 than dist/'s
        manifest records (unlisted hashes downloaded); ``None``: ours, or not readable."""
        rnd, reader = self.round, self._reader()
        if reader is None:
            return None
        found = []
        for target in rnd.targets:
            if not target.published:
                continue
            try:
                listed = reader.files(target.name)
            except RelnoxError as exc:
                logger.debug("index: reading %s for %s: %s", rnd.index_url, target.name, exc)
                if rnd.checked_before:  # nothing else compares its bytes: not read, not proven
                    found.append(f"no readable page of {target.name} ({exc})")
                continue
            for filename, sha256 in target.published:
                entry = listed.get(filename)
                if entry is None and rnd.checked_before:  # every built file, there
                    found.append(f"no {filename}")
                if entry is None:
                    continue
                try:  # the page's hash, else the bytes it serves hashed here
                    served = reader.sha256(entry)
                except RelnoxError as exc:
                    logger.debug("index: downloading %s: %s", entry.url, exc)
                    continue
                if served.lower() != sha256:
                    found.append(f"{filename} (sha256 {served}, dist/ built {sha256})")
        if not found:
            return None
        return (
            f"{rnd.index_name} ({rnd.index_url}) lists {'; '.join(found)}: it serves other "
            "bytes than the release that was built; the release was not checked. Ask the "
            "index's administrator what it stored, and compare with relnox audit"
        )

    def _ask_index(self, project: str) -> None:
        """An index refusing the page of ``project`` is a login error, not "not there yet"."""
        reader = self._reader()
        if reader is None:
            return
        try:
            reader.page(project)
        except RelnoxError as exc:
            if re.search(r"HTTP 40[13]\b", str(exc)):
                raise VerifyError(self._login_message(str(exc))) from None
            logger.debug("index: reading %s: %s", reader.simple_url, exc)

    def _reader(self) -> IndexReader | None:
        """The round's index, with the login for its host (sent to that address only)."""
        from relnox.tools.simple_api import IndexReader, Patience

        url = self.round.index_url
        if url is None:
            return None
        host = urlsplit(url).hostname
        login = next((x for x in self.round.logins if x.host == host), None)
        auth = (login.username, login.password) if login else None
        return IndexReader(url, auth, patience=Patience(min(30.0, self.plan.timeout), retries=0))

    def _login_message(self, output: str) -> str:
        rnd = self.round
        status = "401" if "401" in output else "403" if "403" in output else ""
        said = f" (HTTP {status})" if status else ""
        if rnd.index_login:
            what = f"refused the login from {rnd.index_login}{said}; check it, or "
        else:
            what = f"asks for a login{said} and relnox found none to send; "
        return (
            f"cannot install from {rnd.index_name} ({rnd.index_url}): it {what}"
            f"{rnd.login_help}. The release was not checked"
        )

    def _check(self, env: Environment) -> None:
        targets = self._alive()
        cwd, check_dir = self.work / "cwd", self.work / "check"
        cwd.mkdir()
        check_dir.mkdir()
        scripts = self._declared_scripts(env, targets)
        cores = (os.cpu_count() or 1) - (1 if scripts else 0)  # one kept for the scripts
        count = max(1, min(len(targets), cores, MOST_CHECKS))
        groups = [targets[i::count] for i in range(count)]
        how = "one process" if len(groups) == 1 else f"{len(groups)} processes side by side"
        said = (self.round.kind, len(targets), how)
        logger.info("%s: checking %d package(s) in %s", *said, extra=self.doing)

        def check(index: int, group: list[Target]) -> tuple[list[Target], Result, Findings]:
            went, found = check_installed(
                env, check_dir / str(index), cwd, group, self.plan.timeout
            )
            for t in group:  # the counter of the status line (relnox.progress)
                mark = finished("verify", f"{t.name} [{self.round.kind}]", self.total)
                logger.info("%s: %s checked", self.round.kind, t.name, extra=mark)
            return group, went, found

        # the declared console scripts run beside the check processes, on the core kept for
        # them, judged after them (where an extra a script asks for may be installed)
        with ThreadPoolExecutor(max_workers=1) as early, ThreadPoolExecutor(len(groups)) as pool:
            started = {argv: early.submit(self._run_script, env, cwd, argv) for argv in scripts}
            try:
                self._judge(env, cwd, list(pool.map(check, range(len(groups)), groups)), started)
            finally:
                for future in started.values():
                    future.cancel()

    def _declared_scripts(self, env: Environment, targets: Sequence[Target]) -> list[Argv]:
        """The console scripts the wheels of ``targets`` declare and ``env`` has, as started."""
        facts = [self.facts.get(t.name) for t in targets]
        found = [self.plan.script_args.argv(env.bin_dir, s) for f in facts if f for s in f.scripts]
        return list(dict.fromkeys(a for a in found if a is not None and Path(a[0]).exists()))

    def _run_script(self, env: Environment, cwd: Path, argv: Argv) -> Result:
        environ = child_env(env=env, bytecode=True)
        found = shutil.which(argv[0], path=environ["PATH"])
        return proc.run_contained(
            [found or argv[0], *argv[1:]], env=environ, cwd=cwd, timeout=self.plan.timeout
        )

    def _judge(
        self,
        env: Environment,
        cwd: Path,
        ran: Sequence[tuple[list[Target], Result, Findings]],
        started: Mapping[Argv, Future[Result]],
    ) -> None:
        """The findings, then the scripts and commands (the release's only if all were found)."""
        found_all: list[tuple[Target, tuple[dict[str, Any], list[Check]]]] = []
        for group, went, found in ran:
            self._step("check", went)
            if isinstance(found, str):
                self._fail_all("check process", found, [t.name for t in group])
                continue
            self.python, judged = found
            found_all += zip(group, judged, strict=True)
        order = {t.name: i for i, t in enumerate(self.round.targets)}
        found_all.sort(key=lambda pair: order[pair[0].name])
        jobs: list[tuple[str | None, str, Argv]] = []  # imports asking for an extra first
        for target, (seen, checks) in found_all:
            name, result_ = target.name, self.results[target.name]
            for check in checks:
                asks = check.name.startswith("import ") and self._extras_named(name, check.detail)
                if not asks:
                    result_.checks.append(check)
                    continue
                # the import asks for an extra ("pip install pkg[d]"): imported again with it
                jobs.append((name, check.name, (str(env.python), "-I", "-c", check.name)))
                module = check.name.removeprefix("import ")
                logger.info("%s: %s asks for an extra of %s", self.round.kind, module, name)
            result_.seconds += seen["seconds"]
            facts = self.facts.get(name)
            for script in sorted({*(facts.scripts if facts else ()), *seen["scripts"]}):
                argv = self.plan.script_args.argv(env.bin_dir, script)
                if argv is not None and not Path(argv[0]).exists():
                    missing = Check(f"script {script}", False, f"{argv[0]} was not installed")
                    result_.checks.append(missing)
                elif argv is not None:
                    jobs.append((name, f"script {script}", argv))
            jobs += [(name, f"command {shlex.join(c)}", c) for c in target.commands]
        if len(found_all) == sum(len(group) for group, _, _ in ran):
            jobs += [(None, f"command {shlex.join(c)}", c) for c in self.plan.commands]
        self._run_jobs(env, cwd, jobs, started)

    def _extras_named(self, owner: str, text: str) -> list[str]:
        """The extras of ``owner`` that ``text`` names (``pkg[d]``), declared, not installed."""
        facts = self.facts.get(owner)
        declared: dict[str, str] | None = None  # None: no wheel read, the index knows
        if facts is not None and facts.extras:
            declared = {canonicalize_name(e): e for e in facts.extras}
        elif facts is not None or self.round.kind != "index":
            return []
        for name, extras in _EXTRA_RE.findall(text):
            if canonicalize_name(name) != owner:
                continue
            named: list[str] = [canonicalize_name(x) for x in extras.split(",") if x]
            wanted = named if declared is None else [declared[x] for x in named if x in declared]
            if wanted and not {canonicalize_name(w) for w in wanted} <= self.extras:
                return wanted
        return []

    def _module_extra(self, owner: str, result: Result) -> str | None:
        """The note naming the smallest extra of ``owner`` bringing a module a script missed."""
        facts = self.facts.get(owner)
        if facts is None or not facts.extras:
            return None
        missing = _NO_MODULE.findall(f"{result.output}\n{result.stderr}")
        for module in dict.fromkeys(canonicalize_name(m.split(".")[0]) for m in missing):
            bringing = [e for e, dist in facts.extra_requires if dist == module]
            if bringing and not {canonicalize_name(e) for e in bringing} & self.extras:
                sizes = Counter(e for e, _dist in facts.extra_requires)
                spelled = f"{owner}[{min(bringing, key=lambda e: sizes[e])}]"  # the smallest
                return (
                    f"{MISSING_EXTRA} {spelled} (which requires {module}, the module it cannot "
                    f"import), which this check did not install; check it with --extras {spelled}"
                )
        return None

    def _install_extras(self, env: Environment, owner: str, extras: list[str]) -> Result | None:
        """``owner``'s wheel (or release) installed again with ``extras``; ``None``: sdists."""
        target = next((t for t in self.round.targets if t.name == owner), None)
        if target is None or self.round.kind == "sdist":
            return None
        wider = replace(target, extras=(*target.extras, *extras))
        if self.round.kind == "index":  # the same release, from there
            logger.info("index: installing %s, which its script asks for", wider.requirement)
            return self._install(env, [wider.requirement], replace(self.round.options, fresh=()))
        if target.wheel is None:
            return None
        own, wanted, options, hashed = self._wheel_requirements([wider])
        logger.info(
            "%s: installing %s[%s], which it asks for", self.round.kind, owner, ",".join(extras)
        )
        label = f"extras-{owner}" if hashed else None
        return self._install(env, [*own, wanted[owner]], options, label=label)

    def _run_jobs(
        self,
        env: Environment,
        cwd: Path,
        jobs: Sequence[tuple[str | None, str, Argv]],
        started: Mapping[Argv, Future[Result]],
    ) -> None:
        if not jobs:
            return
        # a script two packages declare is one file: it runs once, and both hear of it
        unique = list(dict.fromkeys(tuple(argv) for _, _, argv in jobs))
        with ThreadPoolExecutor(max_workers=min(4, len(unique))) as pool:
            futures = {}
            for argv in unique:  # one started beside the check process is kept; one still
                early = started.get(argv)  # waiting there is taken back, to run 4 at a time
                if early is None or early.cancel():
                    early = pool.submit(self._run_script, env, cwd, argv)
                futures[argv] = early
            ran = {argv: future.result() for argv, future in futures.items()}
            for owner, label, argv in jobs:
                result = ran[tuple(argv)]
                self._step("scripts", result)
                said = f"{result.output}\n{result.stderr}"
                needs = [] if result.ok or owner is None else self._extras_named(owner, said)
                tried = False
                if needs and owner is not None:  # the script says which extra it needs
                    tried, label, result = self._with_extras(env, cwd, owner, needs, label, result)
                detail = f"{shlex.join(argv)} exited {result.returncode}:\n{result.tail()}"
                note = None  # why, first: the extra it needs, or the arguments it refused
                if needs and not result.ok:  # the extra could not be installed: not a fault
                    spelled = f"{owner}[{','.join(needs)}]"
                    note = (
                        f"{MISSING_EXTRA} {spelled} (it says so itself), which this "
                        f"check {'could not' if tried else 'did not'} install; check it with "
                        f"--extras {spelled}"
                    )
                elif not result.ok and owner is not None:
                    note = self._module_extra(owner, result)
                    if note is None and label.startswith("script ") and _refused(result):
                        note = f"{REFUSED_ARGS} {shlex.join(argv[1:]) or '(none)'}"
                said = "" if result.ok else detail if note is None else f"{note}\n{detail}"
                check = Check(label, result.ok, said)
                if owner is None:
                    prefix = f"[{self.round.kind}] " if len(self.plan.rounds) > 1 else ""
                    self.commands.append(replace(check, name=prefix + label))
                else:
                    self.results[owner].checks.append(check)
                    self.results[owner].seconds += result.seconds

    def _with_extras(
        self, env: Environment, cwd: Path, owner: str, extras: list[str], label: str, result: Result
    ) -> tuple[bool, str, Result]:
        """A failed script run again with the extras it named: (tried, label, result)."""
        key = (owner, tuple(extras))
        if key not in self.extras_installed:
            self.extras_installed[key] = self._install_extras(env, owner, extras)
        installed = self.extras_installed[key]
        if installed is None:
            return False, label, result
        if not installed.ok:
            output = f"{result.output}\n{installed.tail()}"
            return True, label, replace(result, output=output)
        again = self._run_script(env, cwd, result.argv)
        self._step("scripts", again)
        return True, f"{label} (with {owner}[{','.join(extras)}], which it asks for)", again


MOST_CHECKS = 4  # the most check processes one round runs side by side


def _refused(result: Result) -> bool:
    """A script that ran (no traceback, no timeout) and exited non-zero on its arguments."""
    text = f"{result.output}\n{result.stderr}"
    return (
        not result.ok
        and result.returncode != proc.TIMED_OUT
        and "Traceback (most recent call last)" not in text
    )


_NO_MODULE = re.compile(r"""No module named ['"]([\w.]+)['"]""")
#: ``name[extra]`` or ``name[a,b]`` as a script's own message spells an install
_EXTRA_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)\[([A-Za-z0-9._,-]+)\]")

FAR_FUTURE = "2999-12-31T00:00:00Z"  # pip's cutoff for the release's own packages: none


def _hashed(name: str, extras: str, artifact: Artifact) -> str:
    return f"{name}{extras} @ {artifact.path.resolve().as_uri()} --hash=sha256:{artifact.sha256}"


def _wheel_requirement(target: Target, wheel: Path) -> str:
    """The wheel file, or ``name[extras] @ file:///...whl`` to install extras with it."""
    if not target.extras:
        return str(wheel)
    return f"{target.name}{target.extras_text} @ {wheel.resolve().as_uri()}"


def _not_there_yet(output: str) -> bool:
    return any(marker in output.lower() for marker in NOT_THERE)
