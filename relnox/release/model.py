"""What the release pipeline is made of: its options, each stage's report, the result,
the dry run's plan, and the state file a rerun resumes from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnox.artifacts.distdir import dist_path
from relnox.artifacts.manifest import ensure_state_dir, manifest_path, read_manifest, state_dir
from relnox.atomic import write_atomic
from relnox.builds import stale_builds
from relnox.errors import RelnoxError
from relnox.files import read_text
from relnox.project.discovery import load_workspace
from relnox.project.selection import select_packages
from relnox.project.workspace import Workspace
from relnox.redact import redact_url
from relnox.stage import Runtime, StageStatus
from relnox.tools import git

STATE_FILE = "release-state.json"
#: the most bytes of a release state read (relnox writes a few kB)
_STATE_MAX = 1 << 20
RELEASE_RECORDS = "release"  # .relnox/release/ holds the release state, whatever the dist


class ReleaseError(RelnoxError):
    """A stage failed; the message says which and how to resume; ``details`` go to its log."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class ReleaseOptions:
    part: str | None = None
    to: str | None = None
    pre: str | None = None
    packages: tuple[str, ...] = ()
    changed: bool = False  # only what changed since its last tag, or is bumped and untagged
    skip: frozenset[str] = frozenset()
    test_repository: str = "testpypi"
    repository: str = "pypi"
    stand_ins: tuple[str, str] | None = None  # the indexes a rehearsal's two local ones stand for
    extra_index: str | None = None  # third-party dependencies when verifying from an index
    yes: bool = False
    push: bool = False
    allow_dirty: bool = False
    allow_detached: bool = False  # bump commits (and tags) on a detached HEAD
    offline: bool = False
    wait: float | None = None
    jobs: int | None = None
    dist_dir: str | None = None  # default: [tool.relnox] dist-dir; any build tool's output
    extras: tuple[str, ...] = ()  # installed with the packages when verifying
    resume_command: str = "relnox release"
    resumes: bool = True  # False for a rehearsal: each run starts over on a fresh clone
    skew_depth: int = 1  # published versions of each dependent the skew guard checks
    accept_skew: tuple[str, ...] = ()  # NAME==VERSION of old dependents accepted broken
    integrity_url: str | None = None  # the audit's integrity API (default: beside the index)

    @property
    def bumps(self) -> bool:
        return self.part is not None or self.to is not None or self.pre is not None


@dataclass
class StageReport:
    name: str
    status: StageStatus
    detail: str = ""
    seconds: float = 0.0


#: what a stage says when it ends: how, and one line of what it did
Outcome = tuple[StageStatus, str]


@dataclass
class ReleaseResult:
    root: Path
    stages: list[StageReport] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    uploads: dict[str, list[str]] = field(default_factory=dict)  # stage -> files uploaded
    guards: dict[str, Any] = field(default_factory=dict)  # "skew", "audit": their reports
    warnings: list[dict[str, Any]] = field(default_factory=list)  # doctor's, with their packages

    @property
    def ok(self) -> bool:
        return all(s.status is not StageStatus.FAILED for s in self.stages)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "packages": list(self.versions),
            "versions": self.versions,
            "previous": self.previous,
            "tags": self.tags,
            "stages": [{**asdict(s), "status": s.status.value} for s in self.stages],
            "uploads": self.uploads,
            "warnings": self.warnings,
            **self.guards,
        }


@dataclass
class StagePlan:
    name: str
    lines: list[str]
    skipped: bool = False


@dataclass
class ReleasePlan:
    """The release as it would run: every stage's plan, nothing done (``--dry-run``)."""

    root: Path
    stages: list[StagePlan]
    versions: dict[str, tuple[str, str]]  # name -> (now, after the bump)
    folders: dict[str, str] = field(default_factory=dict)  # name -> its folder (a note's path)

    def describe(self, verbose: int = 0) -> list[str]:
        """Each stage's lines, grouped by :func:`relnox.report.grouped` (each with ``verbose``)."""
        from relnox.report import grouped

        lines = []
        for stage in self.stages:
            lines.append(f"== {stage.name}{' (skipped)' if stage.skipped else ''}")
            if not stage.skipped:
                lines += [
                    f"   {line}"
                    for line in grouped(stage.lines, self.versions, verbose, self.folders)
                ]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": True,
            "packages": list(self.versions),
            "versions": {n: after for n, (_, after) in self.versions.items()},
            "previous": {n: now for n, (now, _) in self.versions.items()},
            "stages": [asdict(s) for s in self.stages],
        }


Progress = Callable[[StageReport], None]


class State:
    """``.relnox/release/release-state.json``: the stages finished, for which versions, the bump."""

    def __init__(
        self, dist_dir: Path, versions: Mapping[str, str], root: Path | None = None
    ) -> None:
        # at the workspace's ``root``; an older relnox kept it beside the build manifest
        self.records = root / RELEASE_RECORDS if root is not None else dist_dir
        self.path = state_dir(self.records) / STATE_FILE
        self.data: dict[str, Any] = {"versions": dict(versions), "done": {}}
        self.open_bump: dict[str, Any] | None = None  # an unfinished release's, any versions
        beside_dist = state_dir(dist_dir) / STATE_FILE
        found = self.path if self.path.is_file() or not beside_dist.is_file() else beside_dist
        self.source = found  # where this record was read (what a message tells to delete)
        self._older = beside_dist if found == beside_dist != self.path else None
        try:  # a regular file of a sane size: a link to /dev/zero or a pipe is no record
            old = json.loads(read_text(found, _STATE_MAX))
        except (OSError, ValueError, RecursionError):
            old = None
        done = old.get("done") if isinstance(old, dict) else None
        if not isinstance(done, dict) or not all(isinstance(v, str) for v in done.values()):
            return  # no record, or one edited out of shape: every stage runs (and checks)
        assert isinstance(old, dict)
        if "complete" in done:
            return  # the last release finished: this run is a new one
        self.open_bump = _bump_record(old.get("bump"))
        if old.get("versions") == dict(versions):
            self.data = old
        elif self.open_bump is not None:  # other versions: the unfinished bump is kept
            self.data["bump"] = self.open_bump

    def done(self, stage: str, fingerprint: str = "") -> bool:
        return bool(self.data["done"].get(stage) == (fingerprint or "done"))

    def mark(self, stage: str, fingerprint: str = "") -> None:
        self.data["done"][stage] = fingerprint or "done"
        self._write()

    def record_bump(self, record: Mapping[str, Any]) -> None:
        """The bump of this release: written before it runs (``commit`` None) and after."""
        self.data["bump"] = dict(record)
        self.open_bump = dict(record)
        self._write()

    def _write(self) -> None:
        ensure_state_dir(self.records)
        write_atomic(self.path, json.dumps(self.data, indent=2) + "\n", through_link=False)
        if self._older is not None:  # moved from where an older relnox kept it
            self._older.unlink(missing_ok=True)
            self._older = None
        self.source = self.path


class ReleaseRun:
    """One release of the workspace at ``root``: what the stages share while they run."""

    def __init__(
        self,
        root: Path,
        options: ReleaseOptions,
        runtime: Runtime | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.root = root
        self.options = options
        runtime = runtime or Runtime()
        if options.yes:  # --yes answers the one question (PyPI's confirmation)
            runtime = Runtime(lambda _question: True, runtime.environ, runtime.sleep)
        self.runtime = runtime
        self.progress: Progress = progress or (lambda report: None)
        self.workspace = load_workspace(root)
        self.result = ReleaseResult(root=self.workspace.root)
        # the packages released: named, or with ``changed`` the changed and unreleased ones
        chosen = select_packages(
            self.workspace, options.packages, changed=options.changed, bumping=options.bumps
        )
        if options.changed and not chosen.packages:
            raise ReleaseError(
                "--changed: no package changed since its last tag and none is bumped but "
                "untagged; nothing to release"
            )
        self.names: tuple[str, ...] = chosen.names
        self.dist_dir = dist_path(self.workspace, options.dist_dir)
        self.state = State(self.dist_dir, self.versions(), self.workspace.root)
        self.result.previous = self.versions()

    def versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.workspace.select(self.names)}


def _bump_record(value: object) -> dict[str, Any] | None:
    """A bump record of the shape relnox writes, else None (an edited one is no record)."""
    if not isinstance(value, dict) or not isinstance(value.get("request"), str):
        return None
    for key in ("from", "to"):
        versions = value.get(key)
        if not isinstance(versions, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in versions.items()
        ):
            return None
    commit = value.get("commit")
    return value if commit is None or isinstance(commit, str) else None


def stage_fingerprint(dist_dir: Path, index: str | None = None, *settings: object) -> str:
    """What a stage's record is bound to: the manifest's hash, the index and the settings."""
    path = manifest_path(dist_dir)
    print_ = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    print_ += redact_url(index) if index else ""
    tail = "+" + hashlib.sha256(repr(settings).encode()).hexdigest()[:16] if settings else ""
    return print_ + tail


def build_outdated(workspace: Workspace, names: tuple[str, ...], dist_dir: Path) -> str | None:
    """Why the manifest's build is not this release's (versions, HEAD, sources, files), or None."""
    try:
        manifest = read_manifest(dist_dir)
    except RelnoxError as exc:
        return f"no usable build manifest ({exc.message})"
    head = git.head(workspace.root) if git.is_repo(workspace.root) else None
    if head and manifest.git_commit != head:
        built = (manifest.git_commit or "no commit")[:12]
        return f"built from {built}, HEAD is {head[:12]}"
    records = []
    for pkg in workspace.select(names):
        try:
            record = manifest.get(pkg.name)
        except RelnoxError:
            return f"{pkg.name} is not in the build manifest"
        if record.version != pkg.version or not record.files:
            return f"{pkg.name} was built at {record.version}, is now {pkg.version}"
        for artifact in record.files:
            try:
                manifest.checked_path(artifact)
            except RelnoxError:
                path = dist_dir / artifact.filename
                return (
                    f"{path.name} {'changed' if path.is_file() else 'is missing'} since the build"
                )
        records.append(record)
    if stale := stale_builds(workspace, records, dist_dir, manifest.git_commit):
        return "; ".join(f"{name}: {why} since the build" for name, why in sorted(stale.items()))
    return None
