"""The skew guard: the last ``depth`` published versions of each workspace dependent,
installed from the index with the release's new wheels and given verify's smoke checks
(docs/guards.md, "The skew guard"); ``accept=("name==version",)`` accepts a failure."""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox import _proc as proc
from relnox.artifacts.checks import versions_in
from relnox.artifacts.distdir import dist_path
from relnox.artifacts.manifest import Manifest, PackageRecord, read_manifest
from relnox.errors import RelnoxError
from relnox.guards.audit import reader_for
from relnox.project.workspace import Workspace, needs
from relnox.stage import Runtime, Stage, Status
from relnox.tools.envs import Environment, InstallOptions, create_environment, wheel_for
from relnox.tools.network import network_settings
from relnox.tools.repositories import Repository, resolve
from relnox.verify import STAGE as VERIFY
from relnox.verify import (
    Artifact,
    Check,
    Target,
    VerifyOptions,
    VerifyPlan,
    check_installed,
    copy_checked,
)
from relnox.versions.arithmetic import same_version

logger = logging.getLogger("relnox")

DEFAULT_DEPTH = 1


class SkewError(RelnoxError):
    """A usage error of the skew guard, or old dependents broken by the new release."""


@dataclass(frozen=True)
class SkewCase:
    """One published version of a dependent, to install with the new release."""

    dependent: str
    version: str  # the old version, from the index
    new: tuple[tuple[str, str], ...]  # (released package it needs, its new version)
    wheels: tuple[Artifact, ...]  # the new wheels installed with it
    target: Target

    @property
    def key(self) -> str:
        return f"{self.dependent}=={self.version}"

    def to_dict(self) -> dict[str, Any]:
        return {"dependent": self.dependent, "version": self.version, "with": dict(self.new)}


@dataclass(frozen=True)
class SkewPlan:
    repository: Repository
    depth: int
    cases: tuple[SkewCase, ...]
    notes: tuple[str, ...]  # dependents with nothing published, and the like
    accept: frozenset[str]
    verify: VerifyPlan  # installer, interpreter, timeout and script arguments
    extra_index: str | None = None

    def describe(self) -> list[str]:
        lines = [
            f"skew: the last {self.depth} published version(s) of each dependent on "
            f"{self.repository.where}, with the new release"
        ]
        for case in self.cases:
            accepted = " (accepted: --accept-skew)" if case.key in self.accept else ""
            lines.append(f"  {case.dependent} {case.version} with {_new_text(case)}{accepted}")
        lines += [f"  {note}" for note in self.notes]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "repository": self.repository.to_json(),
            "depth": self.depth,
            "cases": [c.to_dict() for c in self.cases],
            "notes": list(self.notes),
            "accept": sorted(self.accept),
        }


class SkewStatus(Status):
    OK = "ok"
    FAILED = "failed"
    ACCEPTED = "accepted"  # failed, and --accept-skew NAME==VERSION says so
    CAPPED = "capped"  # its requirement excludes the new release: nothing to check


@dataclass
class SkewResult:
    case: SkewCase
    status: SkewStatus = SkewStatus.OK
    checks: list[Check] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)  # new versions its requirements keep out
    seconds: float = 0.0

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.case.to_dict(),
            "status": self.status.value,
            "capped": self.capped,
            "failed": [{"check": c.name, "detail": c.detail} for c in self.failed],
            "seconds": round(self.seconds, 2),
        }


@dataclass
class SkewReport:
    plan: SkewPlan
    results: list[SkewResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.status is not SkewStatus.FAILED for r in self.results)

    @property
    def accepted(self) -> list[SkewResult]:
        return [r for r in self.results if r.status is SkewStatus.ACCEPTED]

    def describe(self) -> list[str]:
        """Each failure with the old and new versions, the error and the ways out."""
        lines = [f"Skew guard against {self.plan.repository.where}: {self.summary()}"]
        for result in self.results:
            case = result.case
            new = _new_text(case)
            head = f"  {result.status:<8} {case.dependent} {case.version} (published) with {new}"
            if result.status is SkewStatus.CAPPED:
                head += ": " + "; ".join(result.capped) + " (its requirements cap it)"
            lines.append(head)
            for check in result.failed:
                detail = check.detail.strip().splitlines()
                lines.append(f"           {check.name}: {detail[-1] if detail else 'failed'}")
            if result.status is SkewStatus.FAILED:
                name, version = (case.new or ((case.dependent, case.version),))[0]
                ways = [
                    f"make {new} compatible with {case.key} again (keep what it uses), or",
                    f"raise {case.dependent}'s floor to {name}>={version} and publish "
                    f"{case.dependent} {case.version}.post1 capped at {name}<{version}, or",
                    f"accept it knowingly: --accept-skew {case.key} (recorded in the report)",
                ]
                lines += [f"           - {way}" for way in ways]
        return lines + [f"  {note}" for note in self.plan.notes]

    def raise_for_failures(self) -> None:
        if not self.ok:
            raise SkewError(closing_message(self))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            **self.plan.to_json(),
            "results": [r.to_dict() for r in self.results],
            "accepted": [r.case.key for r in self.accepted],
            "seconds": round(self.seconds, 2),
        }

    def summary(self) -> str:
        counts = Counter(r.status.value for r in self.results)
        shown = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "nothing to check"
        return f"{len(self.results)} published dependent version(s) checked: {shown}"


def _wheel_here(record: PackageRecord, manifest: Manifest, python: str) -> Artifact:
    """The wheel of ``record`` that ``python`` (``--python``) installs, by its own tags."""
    picked = wheel_for([w.filename for w in record.wheels], python, error=SkewError)
    for wheel in record.wheels:
        if wheel.filename == picked:
            return Artifact(manifest.checked_path(wheel), wheel.sha256)
    raise SkewError(
        f"{manifest.dist_dir}: no wheel of {record.name} installs on {python}; "
        "build one with relnox build-all, or skip the skew guard (--skip skew)"
    )


def parse_accept(values: Sequence[str]) -> frozenset[str]:
    """``["demo-agents==0.1.0"]`` -> canonical :attr:`SkewCase.key` values."""
    keys = set()
    for value in values:
        name, sep, version = value.partition("==")
        try:
            keys.add(f"{canonicalize_name(name.strip())}=={Version(version.strip())}")
        except InvalidVersion:
            sep = ""
        if not sep or not name.strip():
            raise SkewError(
                f"--accept-skew {value!r} is not NAME==VERSION; write the old dependent "
                "and version the failure names, like demo-agents==1.4.0"
            )
    return frozenset(keys)


@dataclass(frozen=True)
class SkewOptions:
    index: str  # the production index the dependents' published versions come from
    packages: Sequence[str] = ()  # the released packages (default: all of the manifest)
    dist_dir: Path | str | None = None
    depth: int = DEFAULT_DEPTH  # published versions of each dependent checked
    accept: Sequence[str] = ()  # NAME==VERSION of old dependents accepted broken
    extra_index: str | None = None
    installer: str | None = None
    python: str | None = None
    timeout: float | None = None


def plan_skew(workspace: Workspace, options: SkewOptions) -> SkewPlan:
    """Which published dependent versions to install with the release of ``dist_dir``."""
    o = options
    if o.depth < 1:
        raise SkewError(f"--skew-depth {o.depth}: must be 1 or more (the versions to check)")
    try:
        repo = resolve(o.index, workspace.config)
        manifest = read_manifest(dist_path(workspace, o.dist_dir))
        records = {str(canonicalize_name(r.name)): r for r in manifest.select(o.packages)}
    except RelnoxError as exc:
        raise SkewError(str(exc)) from None
    reader = reader_for(repo, network_settings(workspace.config))
    released: dict[str, str] = {str(n): r.version for n, r in records.items()}
    needing = {d.name for name in released for d in workspace.dependents(name)}
    notes: list[str] = []
    cases: list[SkewCase] = []
    dependents = [str(p.name) for p in workspace.packages if p.name in needing]
    verify = VERIFY.plan(
        workspace,
        VerifyOptions(
            packages=dependents or list(released)[:1],
            index=o.index,
            extra_index=o.extra_index,
            installer=o.installer,
            python=o.python,
            timeout=o.timeout,
            write_record=False,
        ),
    )
    targets = {t.name: t for r in verify.rounds for t in r.targets}
    for dep in dependents:
        try:  # the final versions the index has files of, newest first
            on_index = versions_in(reader.files(dep))
        except RelnoxError as exc:
            raise SkewError(str(exc)) from None
        published = sorted((v for v in on_index if not v.is_prerelease), reverse=True)
        if dep in released:  # being released now: its new version is verified as usual
            published = [v for v in published if str(v) != released[dep]]
        if not published:
            notes.append(f"{dep}: no published version on {repo.label}; nothing to check")
            continue
        if dep not in targets:
            notes.append(f"{dep}: skipped by verify (requires-python); not checked")
            continue
        closure = set(needs(workspace, [dep])) - {dep}
        new = tuple((n, released[n]) for n in released if n in closure)
        wheels = tuple(_wheel_here(records[n], manifest, verify.python) for n, _ in new)
        cases += [SkewCase(dep, str(v), new, wheels, targets[dep]) for v in published[: o.depth]]
    accept = parse_accept(o.accept)
    return SkewPlan(repo, o.depth, tuple(cases), tuple(notes), accept, verify, o.extra_index)


def run_skew(plan: SkewPlan, runtime: Runtime | None = None) -> SkewReport:
    start = time.perf_counter()
    report = SkewReport(plan)
    if not plan.cases:
        return report
    with (
        tempfile.TemporaryDirectory(prefix="relnox-skew-") as tmp,
        ThreadPoolExecutor(max_workers=min(4, len(plan.cases))) as pool,
    ):
        runs = [
            pool.submit(_CaseRun(plan, case, Path(tmp) / f"case-{i}").run)
            for i, case in enumerate(plan.cases)
        ]
        report.results = [future.result() for future in runs]
    report.seconds = time.perf_counter() - start
    return report


def check_skew(workspace: Workspace, options: SkewOptions) -> SkewReport:
    return run_skew(plan_skew(workspace, options))


class _CaseRun:
    """One old dependent: a fresh environment, install, the smoke checks."""

    def __init__(self, plan: SkewPlan, case: SkewCase, work: Path) -> None:
        self.plan = plan
        self.case = case
        self.work = work
        self.result = SkewResult(case)
        self.timeout = plan.verify.timeout

    def _run(self, argv: Sequence[str], env: Environment) -> proc.Result:
        result = proc.run(argv, env=env.child_env(), cwd=self.work, timeout=self.timeout)
        self.result.seconds += result.seconds
        return result

    def _fail(self, check: str, detail: str) -> SkewResult:
        self.result.checks.append(Check(check, False, detail))
        return self._settled()

    def _settled(self) -> SkewResult:
        if self.result.failed:
            accepted = self.case.key in self.plan.accept
            self.result.status = SkewStatus.ACCEPTED if accepted else SkewStatus.FAILED
        return self.result

    def run(self) -> SkewResult:
        case, verify = self.case, self.plan.verify
        self.work.mkdir(parents=True)
        logger.info("skew: %s %s with %s", case.dependent, case.version, _new_text(case))
        env, created = create_environment(
            verify.installer, self.work / "venv", verify.python, cwd=self.work, timeout=self.timeout
        )
        if not created.ok:
            return self._fail("environment", created.tail())
        # the new wheels are candidates, not orders: the resolver takes those the old one allows
        links = self.work / "links"
        for wheel in case.wheels:
            copy_checked(wheel, links)
        index_url = self.plan.repository.simple_url
        options = InstallOptions(
            find_links=(links,) if case.wheels else (),
            default_index=index_url,
            extra_indexes=(self.plan.extra_index,) if self.plan.extra_index else (),
            fresh=(case.dependent, *(n for n, _ in case.new)),
        )
        installed = self._run(verify.installer.install_argv(env, [case.key], options), env)
        if not installed.ok:
            return self._fail("install", f"{case.key} from {index_url}:\n{installed.tail(20)}")
        versions = env.installed()
        kept = [(n, v) for n, v in case.new if not same_version(versions.get(n), v)]
        self.result.capped = [
            f"{case.key} keeps {n} {versions.get(n) or '(not installed)'}, not {v}" for n, v in kept
        ]
        if len(kept) == len(case.new):
            self.result.status = SkewStatus.CAPPED
            return self.result
        self._check(env)
        return self._settled()

    def _check(self, env: Environment) -> None:
        """verify's checks of the old version: its check process, scripts and commands."""
        target, args = replace(self.case.target, version=self.case.version), self.plan.verify
        cwd = self.work / "cwd"
        cwd.mkdir()
        _, found = check_installed(env, self.work / "check", cwd, [target], self.timeout)
        if isinstance(found, str):
            self.result.checks.append(Check("check process", False, found))
            return
        ((seen, checks),) = found[1]
        self.result.checks += checks
        scripts = [(s, args.script_args.argv(env.bin_dir, s)) for s in seen["scripts"]]
        jobs = [(f"script {s}", argv) for s, argv in scripts if argv is not None]
        jobs += [(f"command {' '.join(c)}", c) for c in target.commands]
        for label, job in jobs:
            ran = proc.run_contained(job, env=env.child_env(), cwd=cwd, timeout=self.timeout)
            detail = "" if ran.ok else f"exited {ran.returncode}:\n{ran.tail()}"
            self.result.checks.append(Check(label, ran.ok, detail))


def _new_text(case: SkewCase) -> str:
    return ", ".join(f"{n} {v}" for n, v in case.new)


def closing_message(report: SkewReport) -> str:
    broken = [r for r in report.results if r.status is SkewStatus.FAILED]
    named = ", ".join(f"{r.case.key} with {_new_text(r.case)}" for r in broken)
    return (
        f"the new release breaks {len(broken)} published dependent version(s): {named}; "
        "make the release compatible, publish capped post releases of them, or accept "
        "with --accept-skew NAME==VERSION"
    )


SKEW_STAGE: Stage[SkewOptions, SkewPlan, SkewReport] = Stage(
    "skew", SkewOptions, plan_skew, run_skew
)
