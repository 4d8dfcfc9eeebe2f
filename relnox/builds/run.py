"""build_all: every selected package built in a scratch directory, checked, and moved
into ``dist/`` once the packages it needs are there: ``dist/`` never holds an unchecked file.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.artifacts.checks import (
    Expectation,
    artifact_kind,
    check_for_record,
    name_and_version,
    proof,
)
from relnox.artifacts.distdir import set_aside_earlier
from relnox.artifacts.manifest import (
    ArtifactRecord,
    Manifest,
    PackageRecord,
    merge,
    read_manifest,
    write_manifest,
)
from relnox.builds.inputs import UNPROVABLE, after_build, package_owners
from relnox.builds.plan import FIRST_BUILD, BuildOptions, BuildPlan, plan_build, same_sources
from relnox.builds.sources import (
    TAKEN,
    record_taken,
    renamed_sources,
    taken_in,
    unprovable_reason,
)
from relnox.errors import BuildError, RelnoxError, shortlist
from relnox.files import file_digest
from relnox.paths import rel
from relnox.progress import finished, started
from relnox.project.discovery import load_workspace
from relnox.project.pyproject import project_doc
from relnox.project.workspace import Package
from relnox.report import MANY, attention
from relnox.schedule import OK, Outcome, run_graph
from relnox.stage import Runtime, Status
from relnox.tools import git
from relnox.tools.backend_version import backend_warnings
from relnox.versions.arithmetic import maybe_version

if TYPE_CHECKING:  # the build machinery is loaded when a package is built, not to reuse one
    from relnox.builds.envpool import EnvPool
    from relnox.builds.hook_server import HookServers

logger = logging.getLogger("relnox")

__all__ = [
    "BuildOptions",
    "BuildPlan",
    "BuildResult",
    "PackageOutcome",
    "build_all",
    "execute",
    "plan_build",
]


def _size(count: int) -> str:
    return f"{count / 1024:.1f} kB" if count < 1024 * 1024 else f"{count / 1048576:.1f} MB"


class BuildStatus(Status):
    """How one package's build ended."""

    BUILT = "built"
    REUSED = "reused"  # unchanged since its recorded build, files verified
    FAILED = "failed"
    SKIPPED = "skipped"  # a dependency failed (--keep-going)
    NOT_RUN = "not run"  # stopped after another package failed


@dataclass(frozen=True)
class PackageOutcome:
    package: Package
    status: BuildStatus
    seconds: float = 0.0
    record: PackageRecord | None = None
    error: RelnoxError | None = None
    reason: str = ""
    tests: str | None = None
    warnings: tuple[str, ...] = ()
    not_reproducible: str = ""  # which backend and why its bytes may differ between builds
    finished: float = 0.0  # seconds since the run started
    why: str = ""  # why it was built rather than reused ("" for a first build)


DONE = (BuildStatus.BUILT, BuildStatus.REUSED)
REUSED_STATUS = "unchanged, reused"
COLUMNS = ("package", "version", "files", "size", "seconds", "status")


def _status(o: PackageOutcome) -> str:
    if o.status is BuildStatus.REUSED:
        return REUSED_STATUS
    if o.status is not BuildStatus.BUILT:
        return f"{o.status}: {o.reason}"[:70]
    built = f"built ({o.why})" if o.why else "built"
    return built + (f" (tests {o.tests})" if o.tests else "")


def _fine(row: Mapping[str, Any]) -> str | None:
    """The kind of a row counted, not shown (built, reused, held back by another's failure)."""
    status = str(row["status"])
    if status == REUSED_STATUS:
        return "reused"
    held = (BuildStatus.SKIPPED, BuildStatus.NOT_RUN)
    return next((str(k) for k in ("built", *held) if status.startswith(str(k))), None)


@dataclass(frozen=True)
class BuildResult:
    plan: BuildPlan
    outcomes: tuple[PackageOutcome, ...]
    manifest: Path | None
    stale: tuple[Path, ...] = ()
    seconds: float = 0.0
    environments: int = 0

    @property
    def built(self) -> tuple[PackageOutcome, ...]:
        """Every package whose files are in dist/ and recorded: built now, or reused."""
        return tuple(o for o in self.outcomes if o.status in DONE)

    @property
    def reused(self) -> tuple[PackageOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is BuildStatus.REUSED)

    @property
    def not_built(self) -> tuple[PackageOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status not in DONE)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "package": o.package.name,
                "version": o.record.version if o.record else o.package.version,
                "files": [f.filename for f in files],
                "size": _size(sum(f.size for f in files)) if files else "-",
                "seconds": f"{o.seconds:.1f}",
                "status": _status(o),
            }
            for o in self.outcomes
            for files in [o.record.files if o.record else ()]
        ]

    def describe(self, verbose: int = 0) -> list[str]:
        lines = attention(self.rows(), COLUMNS, _fine, verbose)
        lines += [
            f"not reproducible: {o.package.name} ({o.not_reproducible})"
            for o in self.built
            if o.not_reproducible
        ]
        if self.built:
            fresh = len(self.built) - len(self.reused)
            reused = f" ({len(self.reused)} unchanged, reused)" if self.reused else ""
            lines.append(
                f"{fresh} package(s) built{reused} in {self.seconds:.1f}s into {self.plan.dist_dir}"
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "packages": [o.package.name for o in self.built],
            "versions": {o.package.name: o.package.version for o in self.built},
            "files": [f.filename for o in self.built if o.record for f in o.record.files],
            "reused": [o.package.name for o in self.reused],
            "rebuilt": {
                o.package.name: o.why
                for o in self.outcomes
                if o.status is BuildStatus.BUILT and o.why
            },
            "failed": [o.package.name for o in self.outcomes if o.status is BuildStatus.FAILED],
            "skipped": [
                o.package.name for o in self.outcomes if o.status not in (*DONE, BuildStatus.FAILED)
            ],
            "stale": [p.name for p in self.stale],
            "not_reproducible": {
                o.package.name: o.not_reproducible for o in self.built if o.not_reproducible
            },
            "dist_dir": str(self.plan.dist_dir),
            "manifest": str(self.manifest) if self.manifest else None,
            "seconds": round(self.seconds, 2),
        }

    def raise_for_failures(self) -> None:
        if not self.not_built:
            return
        errors = [str(o.error) for o in self.outcomes if o.error is not None]
        held = [o for o in self.not_built if o.error is None]
        others = [f"{o.package.name}: {o.status} ({o.reason})" for o in held]
        if len(held) >= MANY:  # the failures are the news; those they held back counted
            kinds: dict[str, list[PackageOutcome]] = {}
            for o in held:
                kinds.setdefault(str(o.status), []).append(o)
            others = [
                f"{len(those)} {kind}: {shortlist([o.package.name for o in those])} "
                f"({reasons.pop() if len(reasons) == 1 else 'each needs one not built'})"
                for kind, those in kinds.items()
                for reasons in [{o.reason for o in those}]
            ]
        head = f"{len(self.not_built)} of {len(self.outcomes)} package(s) not built"
        hint = (
            [] if self.plan.options.keep_going else ["(--keep-going builds every package it can)"]
        )
        raise BuildError("\n".join([head + ":", *errors, *others, *hint]))


def _move_into(path: Path, dist_dir: Path) -> Path:
    target = dist_dir / path.name
    try:
        os.replace(path, target)
    except OSError:  # another file system: copy beside the target, then rename
        part = dist_dir / f".{path.name}.part"
        shutil.copyfile(path, part)
        os.replace(part, target)
    return target


@dataclass(frozen=True)
class _Made:
    """A package's files built and checked in its scratch directory, not yet in dist/."""

    package: Package
    why: str
    seconds: float
    work: Path
    files: list[Path]
    inputs: dict[str, str]
    notes: list[str]
    expected: Expectation
    provable: bool
    tests: str | None


_current = threading.local()  # the OutputLog of the package a worker thread builds


def _to_package_log(message: str) -> bool:
    log = getattr(_current, "log", None)
    if log is not None:
        log.warn(message)
    return log is not None


@dataclass
class _Run:
    plan: BuildPlan
    pool: EnvPool
    workdir: Path
    environ: dict[str, str]
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    epoch: float = field(default_factory=time.monotonic)
    times: dict[str, tuple[float, float]] = field(default_factory=dict)  # failed: start, seconds
    top: Path | None = None  # the repository's top, resolved (read once for every package)
    owners: Mapping[str, str] | None = None  # package directories (relnox.builds.inputs)
    servers: HookServers | None = None
    earlier: Mapping[str, PackageRecord] = field(default_factory=dict)  # recorded before
    finished: list[PackageOutcome] = field(default_factory=list)  # what a stopped run records

    def build(self, name: str) -> PackageOutcome:
        return self.place(name, self.make(name))

    def place(self, name: str, made: _Made | PackageOutcome) -> PackageOutcome:
        """Put ``name``'s files into dist/ and record them, once those it needs are there."""
        outcome = made if isinstance(made, PackageOutcome) else self._place(made)
        self.finished.append(outcome)  # reused or built: its record is there
        return outcome

    def _inputs(self, pkg: Package, files: Sequence[Path]) -> dict[str, str]:
        """The plan's inputs of ``pkg``, the ignored files read again (a build writes some)."""
        facts = self.plan.inputs.get(pkg.name)
        if facts is None or not facts.parts:
            return {}
        assert self.top is not None and self.owners is not None
        inputs = dict(facts.parts)
        inputs["untracked"], inputs["ignored"], ignored = after_build(
            self.plan.workspace, pkg, self.plan.dist_dir, self.top, self.owners
        )
        try:
            renamed = renamed_sources(project_doc(pkg.directory))
        except RelnoxError:  # the build read it: unreadable now, it is a changed input anyway
            renamed = []
        taken = taken_in(files, pkg.directory, ignored, renamed)
        if taken:
            inputs[UNPROVABLE] = unprovable_reason(taken)
            inputs[TAKEN] = record_taken(pkg.directory, taken)
        return inputs

    def make(self, name: str) -> _Made | PackageOutcome:
        """Build and check ``name``'s files in its scratch directory."""
        from relnox.builds.backend import PackageBuilder, run_package_tests
        from relnox.builds.envpool import OutputLog

        pkg = self.plan.workspace.get(name)
        label = f"{pkg.name} {pkg.version}"
        number = next(self.counter)
        total = len(self.plan.packages)
        if name in self.plan.reuse:
            return _reused(self.plan, pkg, number, self.epoch)
        why = self.plan.why.get(name, "")
        why = "" if why == FIRST_BUILD else why
        logger.info(  # a line of its own with -v only: the status line counts it
            "[%d/%d] %s: building (%s)%s",
            number,
            total,
            label,
            pkg.backend,
            f"; rebuilt: {why}" if why else "",
            extra=started("build", name, total),
        )
        start = time.monotonic()
        log = OutputLog(label)
        _current.log = log
        # its scratch goes when it ends; the unpacked sdist in a thread (removing waits on disk)
        work = Path(tempfile.mkdtemp(prefix=f"{pkg.dist_name}-", dir=self.workdir))
        removing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relnox-scratch")
        try:
            temporary = work / "tmp"
            temporary.mkdir()
            environ = self.environ | dict.fromkeys(("TMPDIR", "TEMP", "TMP"), str(temporary))
            epoch = self.plan.epoch_of(pkg)
            if epoch is not None:
                environ["SOURCE_DATE_EPOCH"] = str(epoch)
            builder = PackageBuilder(
                label,
                pkg.backend,
                self.pool,
                log,
                environ,
                self.servers,
                discard=lambda path: removing.submit(shutil.rmtree, path, ignore_errors=True),
            )
            o = self.plan.options
            files = builder.build(pkg.directory, work, sdist=o.sdist, wheel=o.wheel, epoch=epoch)
            expected = Expectation.for_package(pkg).as_built(files)
            notes, provable = check_for_record(files, expected)
            if expected.version != pkg.version:  # from tags, HEAD past the last release's
                _past_tag(pkg, expected.version)
            tests = (
                run_package_tests(pkg, self.plan, files, work, log, environ)
                if self.plan.test_command
                else None
            )
            built = time.monotonic()
            inputs = self._inputs(pkg, files)  # as the build left its directory
        except RelnoxError as exc:
            first = str(exc).splitlines()[0].removeprefix(f"{label}: ")  # named once
            seconds = time.monotonic() - start
            self.times[name] = (start - self.epoch, seconds)
            logger.info("%s: FAILED after %.1fs: %s", label, seconds, first)
            removing.shutdown()
            shutil.rmtree(work, ignore_errors=True)
            hint = _sibling_requirement_hint(self.plan.workspace.packages, pkg, str(exc))
            if hint:
                raise type(exc)(f"{exc.message}\n  ({hint})") from None
            raise
        finally:
            removing.shutdown()
        return _Made(pkg, why, built - start, work, files, inputs, notes, expected, provable, tests)

    def _place(self, made: _Made) -> PackageOutcome:
        from relnox.artifacts.reproducible import not_reproducible

        pkg, files, provable, seconds = made.package, made.files, made.provable, made.seconds
        label = f"{pkg.name} {pkg.version}"
        for note in made.notes:
            logger.warning("%s: %s", label, note)
        files.sort(key=lambda p: artifact_kind(p.name) != "sdist")
        moved = [_move_into(path, self.plan.dist_dir) for path in files]
        inputs = made.inputs
        earlier = self.earlier.get(pkg.name)
        kept = set_aside_earlier(
            label, moved, self.plan.dist_dir, same_sources(earlier, made.expected.version, inputs)
        )
        if kept:
            again = ", ".join(k.filename for k in kept)
            logger.info("%s: kept %s, built before from the same sources", label, again)
            provable = provable and earlier is not None and bool(earlier.checked)
        shutil.rmtree(made.work, ignore_errors=True)
        artifacts = tuple(
            ArtifactRecord(p.name, artifact_kind(p.name) or "", file_digest(p), p.stat().st_size)
            for p in moved
        ) + tuple(kept)
        record = PackageRecord(
            name=pkg.name,
            version=made.expected.version,
            directory=rel(pkg.directory, self.plan.workspace.root),
            backend=pkg.backend,
            seconds=round(seconds, 3),
            files=artifacts,
            depends_on=pkg.internal_deps,
            inputs=inputs,
            checked=proof(made.expected, [(a.filename, a.sha256) for a in artifacts])
            if provable
            else "",
        )
        names = [p.name for p in moved]
        done = finished("build", pkg.name)
        logger.info("%s: built in %.1fs: %s", label, seconds, ", ".join(names), extra=done)
        wheels = [n for n in names if artifact_kind(n) == "wheel"]
        return PackageOutcome(
            pkg,
            BuildStatus.BUILT,
            seconds,
            record,
            tests=made.tests,
            warnings=tuple(made.notes),
            not_reproducible=not_reproducible(pkg.backend, wheels) or "",
            finished=time.monotonic() - self.epoch,
            why=made.why,
        )


def _sibling_requirement_hint(packages: Sequence[Package], pkg: Package, message: str) -> str:
    """The hint for build requirements naming a sibling: an environment takes it from the index."""
    if "could not install the build requirements" not in message:
        return ""
    names = {p.name for p in packages if p.name != pkg.name}
    siblings = [name for name in pkg.build_names if name in names]
    if not siblings:
        return ""
    listed = ", ".join(sorted(siblings))
    return (
        f"{listed}: a package of this workspace, which a build environment never takes from "
        "its sources, only from the index: publish it first (relnox publish --package "
        f"{siblings[0]}), or point {pkg.name}'s [build-system] at it in-tree (backend-path)"
    )


def _reused(plan: BuildPlan, pkg: Package, number: int, epoch: float) -> PackageOutcome:
    label = f"{pkg.name} {pkg.version}"
    done = finished("build", pkg.name, len(plan.packages))
    logger.info("[%d/%d] %s: %s", number, len(plan.packages), label, REUSED_STATUS, extra=done)
    now = time.monotonic() - epoch
    return PackageOutcome(pkg, BuildStatus.REUSED, 0.0, plan.reuse[pkg.name], finished=now)


def _outcome(pkg: Package, outcome: Outcome[_Made | PackageOutcome], run: _Run) -> PackageOutcome:
    if outcome.status == OK and isinstance(outcome.value, PackageOutcome):
        return outcome.value
    status = BuildStatus(outcome.status.value)  # failed, skipped or not run
    reason = outcome.reason.removeprefix(f"{pkg.name} {pkg.version}: ")
    started, seconds = run.times.get(pkg.name, (0.0, 0.0))
    return PackageOutcome(
        pkg, status, seconds, error=outcome.error, reason=reason, finished=started + seconds
    )


def _write_manifest(plan: BuildPlan, outcomes: Sequence[PackageOutcome]) -> Path:
    try:
        old: Manifest | None = read_manifest(plan.dist_dir)
    except RelnoxError:
        old = None
    selected = {pkg.name for pkg in plan.packages}
    if old is not None:  # keep builds of packages not selected whose files are still there
        kept = tuple(
            record
            for record in old.packages
            if record.name not in selected
            and all((plan.dist_dir / f.filename).is_file() for f in record.files)
        )
        old = replace(old, packages=kept)
    new = [o.record for o in outcomes if o.record is not None]
    extra = {"python": str(plan.python)}
    installer = plan.installer.name if plan.installer else old and old.extra.get("installer")
    if isinstance(installer, str):
        extra["installer"] = installer
    manifest = merge(
        old,
        new,
        dist_dir=plan.dist_dir,
        git_commit=plan.git_commit,
        source_date_epoch=plan.source_date_epoch or max(plan.epochs.values(), default=None),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        extra=extra,
    )
    order = {pkg.name: i for i, pkg in enumerate(plan.workspace.packages)}
    ordered = tuple(sorted(manifest.packages, key=lambda r: order.get(r.name, len(order))))
    return write_manifest(replace(manifest, packages=ordered))


def _past_tag(pkg: Package, built: str) -> None:
    """Said once a package, in one format, so many packages' are counted (log.Repeats)."""
    tag = pkg.tags.last_tag if pkg.tags is not None else None
    logger.warning(
        "%s: built %s, not a release: HEAD is past %s, so its backend makes a development "
        "version; relnox bump tags the release",
        pkg.name,
        built,
        f"its tag {tag}" if tag else "every release tag",
    )


def execute(plan: BuildPlan, runtime: Runtime | None = None) -> BuildResult:
    """Carry out ``plan``; package failures are in the result (see ``raise_for_failures``)."""
    start = time.monotonic()
    for path in plan.clean:
        logger.info("removing %s", rel(path, plan.workspace.root))
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    plan.dist_dir.mkdir(parents=True, exist_ok=True)
    if all(pkg.name in plan.reuse for pkg in plan.packages):
        epoch = time.monotonic()
        results = tuple(
            _reused(plan, pkg, number, epoch) for number, pkg in enumerate(plan.packages, 1)
        )
        environments = 0
    else:
        finished: list[PackageOutcome] = []
        try:
            results, environments = _build(plan, finished)
        except BaseException:
            # the files already in dist/ are recorded as this build's, not another tool's
            if finished:
                with contextlib.suppress(Exception):
                    _write_manifest(plan, finished)
            raise
    manifest = _write_manifest(plan, results)
    # artifacts in dist/ of another version of a selected package
    wanted = {pkg.name: maybe_version(pkg.version) for pkg in plan.packages}
    wanted |= {o.package.name: maybe_version(o.record.version) for o in results if o.record}
    parsed = [(path, name_and_version(path.name)) for path in sorted(plan.dist_dir.iterdir())]
    stale = [p for p, nv in parsed if nv and nv[0] in wanted and nv[1] != wanted[nv[0]]]
    for path in stale:
        logger.warning(
            "%s: an artifact of another version of a selected package; publish leaves it out, "
            "but twine upload dist/* would not (remove it, or build with --clean)",
            rel(path, plan.workspace.root),
        )
    return BuildResult(
        plan, results, manifest, tuple(stale), time.monotonic() - start, environments
    )


def _build(
    plan: BuildPlan, finished: list[PackageOutcome]
) -> tuple[tuple[PackageOutcome, ...], int]:
    """Every package's outcome, in release order, and how many environments were made;
    ``finished`` gets each package whose files are in dist/ as it finishes."""
    from relnox.builds.envpool import EnvPool
    from relnox.builds.hook_server import HookServers, enabled
    from relnox.tools.envs import without_credentials

    assert plan.installer is not None
    environ = without_credentials(os.environ)  # hooks and tests never see a token
    with (
        tempfile.TemporaryDirectory(prefix="relnox-build-", ignore_cleanup_errors=True) as tmp,
        backend_warnings(_to_package_log),
    ):
        pool = EnvPool(plan.installer, plan.python, Path(tmp) / "envs", plan.fallback)
        servers = HookServers() if enabled() else None
        run = _Run(plan, pool, Path(tmp), environ, servers=servers, finished=finished)
        with contextlib.suppress(RelnoxError):  # none, or one it cannot read: nothing kept
            run.earlier = {r.name: r for r in read_manifest(plan.dist_dir).packages}
        if any(f.parts for n, f in plan.inputs.items() if n not in plan.reuse):
            run.top = git.toplevel(plan.workspace.root).resolve()
            run.owners = package_owners(plan.workspace, run.top)
        try:
            # with --test a package's tests install the wheels of those it needs: it starts
            # after them; else at once, its files following theirs into dist/
            ordered = plan.test_command is not None
            work: Callable[[str], _Made | PackageOutcome] = run.build if ordered else run.make
            outcomes = run_graph(
                [pkg.name for pkg in plan.packages],
                {pkg.name: pkg.internal_deps for pkg in plan.packages},
                work,
                jobs=plan.jobs,
                keep_going=plan.options.keep_going,
                finish=None if ordered else run.place,
                size={name: facts.size for name, facts in plan.inputs.items()},
            )
        finally:
            if servers is not None:  # before the environments and scratch go
                servers.close()
        environments = pool.count
    return tuple(_outcome(pkg, outcomes[pkg.name], run) for pkg in plan.packages), environments


def build_all(root: Path | str = ".", options: BuildOptions | None = None) -> BuildResult:
    options = options or BuildOptions()
    workspace = load_workspace(root, tags=False)
    return execute(plan_build(workspace, options))
