"""The release pipeline: doctor, bump, build, verify, TestPyPI, verify from it, the skew
guard, PyPI, tag, and the audit of what is live.

Each stage is skippable; the first failure stops the run with a "resume with ..."
line. A rerun resumes: the stages already finished for the same versions are
recognised (the bump from ``.relnox/dist/release-state.json``, the build from its manifest
and hashes, uploads from the index itself, tags from git) and not redone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnox.artifacts.manifest import ensure_state_dir, manifest_path, read_manifest, state_dir
from relnox.atomic import write_atomic
from relnox.builds import BuildOptions, build_all
from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.errors import RelnoxError
from relnox.guards import check_bump
from relnox.guards import enabled as api_enabled
from relnox.project.discovery import load_workspace
from relnox.project.selection import select_packages
from relnox.project.workspace import Workspace
from relnox.publish import PublishOptions, PublishRuntime, publish
from relnox.redact import redact_url
from relnox.release.doctor import doctor
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.tools import git
from relnox.verify import VerifyOptions, render_report, verify_install

logger = logging.getLogger("relnox")

STAGES = (
    "doctor",
    "bump",
    "build",
    "verify",
    "publish-test",
    "verify-test",
    "skew",  # relnox.guards.skew: published dependents with the new release, before PyPI
    "publish",
    "tag",
    "audit",  # relnox.guards.audit: what the index now serves, file by file
)
STATE_FILE = "release-state.json"


class ReleaseError(RelnoxError):
    """A stage failed; the message says which and how to resume."""


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


@dataclass
class StageReport:
    name: str
    status: str  # "done", "already done", "skipped", "failed"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class ReleaseResult:
    root: Path
    stages: list[StageReport] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    uploads: dict[str, list[str]] = field(default_factory=dict)  # stage -> files uploaded
    guards: dict[str, Any] = field(default_factory=dict)  # "skew", "audit": their reports

    @property
    def ok(self) -> bool:
        return all(s.status != "failed" for s in self.stages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "packages": list(self.versions),
            "versions": self.versions,
            "previous": self.previous,
            "tags": self.tags,
            "stages": [dataclasses.asdict(s) for s in self.stages],
            "uploads": self.uploads,
            **self.guards,
        }


@dataclass
class StagePlan:
    """What one stage of the release would do, as lines a person reads."""

    name: str
    lines: list[str]
    skipped: bool = False


@dataclass
class ReleasePlan:
    """The release as it would run: every stage's plan, nothing done (``--dry-run``)."""

    root: Path
    stages: list[StagePlan]
    versions: dict[str, tuple[str, str]]  # name -> (now, after the bump)

    def describe(self) -> list[str]:
        lines = []
        for stage in self.stages:
            state = " (skipped)" if stage.skipped else ""
            lines.append(f"== {stage.name}{state}")
            lines += [f"   {line}" for line in stage.lines] if not stage.skipped else []
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": True,
            "packages": list(self.versions),
            "versions": {n: after for n, (_, after) in self.versions.items()},
            "previous": {n: now for n, (now, _) in self.versions.items()},
            "stages": [dataclasses.asdict(s) for s in self.stages],
        }


Progress = Callable[[StageReport], None]
Confirm = Callable[[str], bool]


def _validate_skip(skip: frozenset[str]) -> None:
    unknown = sorted(skip - set(STAGES))
    if unknown:
        raise ReleaseError(
            f"unknown stage(s) to skip: {', '.join(unknown)}; the stages are {', '.join(STAGES)}"
        )


class _State:
    """``release-state.json`` in the dist directory's state directory: which stages
    finished, for which versions."""

    def __init__(self, dist_dir: Path, versions: Mapping[str, str]) -> None:
        self.dist_dir = dist_dir
        self.path = state_dir(dist_dir) / STATE_FILE
        self.data: dict[str, Any] = {"versions": dict(versions), "done": {}}
        try:
            old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        finished = isinstance(old, dict) and "complete" in old.get("done", {})
        if isinstance(old, dict) and old.get("versions") == dict(versions) and not finished:
            self.data = old

    def done(self, stage: str, fingerprint: str = "") -> bool:
        return bool(self.data["done"].get(stage) == (fingerprint or "done"))

    def mark(self, stage: str, fingerprint: str = "") -> None:
        self.data["done"][stage] = fingerprint or "done"
        ensure_state_dir(self.dist_dir)
        write_atomic(self.path, json.dumps(self.data, indent=2) + "\n")


def _manifest_fingerprint(dist_dir: Path) -> str:
    path = manifest_path(dist_dir)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _build_is_current(workspace: Workspace, names: tuple[str, ...], dist_dir: Path) -> bool:
    """The manifest holds every selected package at its version, built from HEAD, files intact."""
    try:
        manifest = read_manifest(dist_dir)
        head = git.head(workspace.root) if git.is_repo(workspace.root) else None
        if head and manifest.git_commit != head:
            return False
        for pkg in workspace.select(names):
            record = manifest.get(pkg.name)
            if record.version != pkg.version or not record.files:
                return False
            for artifact in record.files:
                manifest.checked_path(artifact)
    except RelnoxError:
        return False
    return True


class Pipeline:
    def __init__(
        self,
        root: Path,
        options: ReleaseOptions,
        *,
        confirm: Confirm | None = None,
        progress: Progress | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.options = options
        self.confirm = confirm
        self.progress = progress or (lambda report: None)
        self.environ = environ
        self.workspace = load_workspace(root)
        self.result = ReleaseResult(root=self.workspace.root)
        self.names = self._selection()
        self.dist_dir = self.workspace.root / (options.dist_dir or self.workspace.config.dist_dir)
        self.state = _State(self.dist_dir, self._versions())
        self.result.previous = self._versions()

    def _selection(self) -> tuple[str, ...]:
        """The packages released: named, or with ``changed`` the changed and unreleased ones."""
        o = self.options
        bumping = o.part is not None or o.to is not None or o.pre is not None
        names = select_packages(self.workspace, o.packages, changed=o.changed, bumping=bumping)
        if o.changed and not names.packages:
            raise ReleaseError(
                "--changed: no package changed since its last tag and none is bumped but "
                "untagged; nothing to release"
            )
        return names.names

    def _versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.workspace.select(self.names)}

    def _reload(self) -> None:
        self.workspace = load_workspace(self.root)

    # -- stages ---------------------------------------------------------------------
    def doctor(self) -> tuple[str, str]:

        report = doctor(self.workspace.root, packages=self.names)
        if report.errors:
            problems = "; ".join(f"{c.check}: {c.detail}" for c in report.errors)
            raise ReleaseError(f"doctor found {len(report.errors)} problem(s): {problems}")
        for check in report.warnings:
            logger.warning("doctor warning: %s: %s", check.check, check.detail)
        shown = ": " + "; ".join(c.check for c in report.warnings) if report.warnings else ""
        return "done", f"{len(report.checks)} checks, {len(report.warnings)} warning(s){shown}"

    def bump(self) -> tuple[str, str]:
        if self.options.part is None and self.options.to is None and self.options.pre is None:
            return "skipped", "no --part/--to given: releasing the current versions"
        if self.state.done("bump"):
            return "already done", "versions " + _versions_text(self._versions())

        plan = plan_bump(
            self.workspace,
            BumpOptions(
                part=self.options.part,
                to=self.options.to,
                pre=self.options.pre,
                packages=self.names if self.options.changed else self.options.packages,
                changed_only=self.options.changed,
                commit=git.is_repo(self.workspace.root),
                allow_dirty=self.options.allow_dirty,
                allow_detached=self.options.allow_detached,
            ),
        )
        if api_enabled(self.workspace):  # [tool.relnox] check-api: before any file is written
            check_bump(self.workspace, plan.versions)
        applied = apply_bump(plan)
        self._reload()
        if self.options.changed:  # a dependent whose pin moved is released with them
            moved = set(self.names) | set(applied.versions)
            self.names = tuple(p.name for p in self.workspace.packages if p.name in moved)
            for name, (old, _) in applied.versions.items():
                self.result.previous.setdefault(name, old)
        self.state = _State(self.dist_dir, self._versions())
        self.state.mark("bump")
        changes = ", ".join(f"{n} {old} -> {new}" for n, (old, new) in applied.versions.items())
        extra = f"; {len(applied.rewrites)} requirement(s) rewritten" if applied.rewrites else ""
        commit = f"; commit {applied.commit[:12]}" if applied.commit else ""
        return "done", changes + extra + commit

    def build(self) -> tuple[str, str]:
        if _build_is_current(self.workspace, self.names, self.dist_dir):
            return "already done", f"{manifest_path(self.dist_dir)} is current and intact"

        built = build_all(
            self.workspace.root,
            BuildOptions(
                packages=self.names,
                jobs=self.options.jobs,
                out=self.dist_dir if self.options.dist_dir else None,
            ),
        )
        built.raise_for_failures()
        files = [f for o in built.built if o.record for f in o.record.files]
        return (
            "done",
            f"{len(files)} files of {len(built.built)} package(s) in {built.seconds:.1f}s",
        )

    def verify(self, index: str | None = None) -> tuple[str, str]:
        stage = "verify" if index is None else "verify-test"
        fingerprint = _manifest_fingerprint(self.dist_dir) + redact_url(index or "")
        if self.state.done(stage, fingerprint):
            return "already done", "verified before for this build"

        report = verify_install(
            self.workspace,
            VerifyOptions(
                packages=self.names,
                dist_dir=self.dist_dir,
                index=index,
                extra_index=self.options.extra_index if index else None,
                offline=self.options.offline and index is None,
                wait=self.options.wait,
                extras=self.options.extras,
            ),
        )
        if not report.ok:
            raise ReleaseError("\n".join(render_report(report)))
        # verify records files it found (a dist/ relnox did not build): the manifest as it is now
        self.state.mark(stage, _manifest_fingerprint(self.dist_dir) + redact_url(index or ""))
        return (
            "done",
            f"{len(report.results)} package(s) installed and checked in {report.seconds:.1f}s",
        )

    def publish(self, repository: str, stage: str) -> tuple[str, str]:

        published = publish(
            self.workspace,
            PublishOptions(repository=repository, packages=self.names, dist_dir=self.dist_dir),
            PublishRuntime(
                confirm=(lambda _msg: True) if self.options.yes else self.confirm,
                environ=self.environ,
            ),
        )
        if published.error or published.failed:
            raise ReleaseError(published.error or f"upload failed: {', '.join(published.failed)}")
        self.result.uploads[stage] = list(published.uploaded)
        where = published.repository.label
        if not published.uploaded:
            return "already done", f"all {len(published.skipped)} file(s) already on {where}"
        return (
            "done",
            f"{len(published.uploaded)} uploaded to {where}, {len(published.skipped)} already there",
        )

    def skew(self) -> tuple[str, str]:
        from relnox.release.guard_stages import skew_stage  # it reads this module's pieces

        return skew_stage(self)

    def audit(self) -> tuple[str, str]:
        from relnox.release.guard_stages import audit_stage

        return audit_stage(self)

    def tag(self) -> tuple[str, str]:
        if not git.is_repo(self.workspace.root):
            return "skipped", "not a git repository"

        plan = plan_tags(
            self.workspace, TagOptions(missing=True, packages=self.names, push=self.options.push)
        )
        if self.options.push:
            branch = git.current_branch(self.workspace.root) or "HEAD"
            git.git(self.workspace.root, "push", "origin", f"HEAD:refs/heads/{branch}")
        apply_tags(plan)
        self.result.tags = [a.tag for a in plan.actions]
        pushed = " (pushed with the branch)" if self.options.push else ""
        return ("done" if plan.to_create else "already done"), plan.summary() + pushed

    # -- the plan -------------------------------------------------------------------
    def plan(self) -> ReleasePlan:
        """Every stage's plan, from the bump's (which is computed, not applied) onward."""
        o = self.options
        now = self._versions()
        after = dict(now)
        bump_lines = ["no --part/--to given: releasing the current versions"]
        if o.part is not None or o.to is not None or o.pre is not None:
            bump = plan_bump(
                self.workspace,
                BumpOptions(
                    part=o.part,
                    to=o.to,
                    pre=o.pre,
                    packages=self.names if o.changed else o.packages,
                    changed_only=o.changed,
                    commit=git.is_repo(self.workspace.root),
                    allow_dirty=o.allow_dirty,
                    allow_detached=o.allow_detached,
                ),
            )
            after.update({n: new for n, (_, new) in bump.versions.items()})
            bump_lines = [f"{n}: {old} -> {new}" for n, (old, new) in bump.versions.items()]
            bump_lines += [f"edit {rel}" for rel in _relative(bump.files, self.workspace.root)]
            bump_lines += [a.describe() for a in bump.actions] + list(bump.notes)
        packages = [p for p in self.workspace.packages if p.name in after]
        dist = _relative([self.dist_dir], self.workspace.root)[0]
        releases = [f"{p.name} {after[p.name]}" for p in packages]
        tags = [self.workspace.tag_for(p, after[p.name]) for p in packages if not p.vcs_versioned]
        plans = {
            "doctor": [f"read-only checks of {len(packages)} package(s)"],
            "bump": bump_lines,
            "build": [f"sdist and wheel of {r} into {dist}/" for r in releases],
            "verify": [
                f"install {', '.join(releases)} in a fresh environment; import, "
                "version, scripts" + (" (offline)" if o.offline else "")
            ],
            "publish-test": [f"upload {', '.join(releases)} to {o.test_repository}"],
            "verify-test": [f"install {', '.join(releases)} from {o.test_repository}"],
            "publish": [
                f"upload {', '.join(releases)} to {o.repository}"
                + ("" if o.yes else " (asks first)")
            ],
            "skew": [
                f"install the last {o.skew_depth} published version(s) of each workspace "
                f"dependent from {o.repository} with {', '.join(releases)}; import, version, "
                "commands"
            ],
            "tag": [f"create {', '.join(tags)}" if tags else "no tags (versions from git tags)"]
            + (["push the branch and the tags to origin"] if o.push else []),
            "audit": [
                f"every built file of {', '.join(releases)} on {o.repository}: listed, "
                "same sha256, the release complete, provenance where attested"
            ],
        }
        return ReleasePlan(
            root=self.workspace.root,
            stages=[StagePlan(name, plans[name], name in o.skip) for name in STAGES],
            versions={n: (now[n], after[n]) for n in after},
        )

    # -- driver ---------------------------------------------------------------------
    def check_tag_names(self) -> None:
        """The tags the release will make are names git accepts, before any stage changes anything."""
        if "tag" in self.options.skip or not git.is_repo(self.workspace.root):
            return
        for pkg in self.workspace.select(self.names):
            if not pkg.vcs_versioned:
                git.check_tag_name(self.workspace.root, self.workspace.tag_for(pkg))

    def run(self) -> ReleaseResult:
        o = self.options
        self.check_tag_names()
        steps: list[tuple[str, Callable[[], tuple[str, str]]]] = [
            ("doctor", self.doctor),
            ("bump", self.bump),
            ("build", self.build),
            ("verify", self.verify),
            ("publish-test", lambda: self.publish(o.test_repository, "publish-test")),
            ("verify-test", lambda: self.verify(o.test_repository)),
            ("skew", self.skew),
            ("publish", lambda: self.publish(o.repository, "publish")),
            ("tag", self.tag),
            ("audit", self.audit),
        ]
        for name, step in steps:
            started = time.monotonic()
            if name in o.skip:
                report = StageReport(name, "skipped", "skipped by --skip")
            else:
                logger.info("== %s", name)
                try:
                    status, detail = step()
                except RelnoxError as exc:
                    report = StageReport(name, "failed", str(exc), time.monotonic() - started)
                    self.result.stages.append(report)
                    self.progress(report)
                    again = (
                        f"resume with: {o.resume_command} (finished stages are not redone)"
                        if o.resumes
                        else f"run again: {o.resume_command} (it starts over on a fresh clone)"
                    )
                    raise ReleaseError(
                        f"stage {name} failed: {exc}\nfix that, then {again}"
                    ) from None
                report = StageReport(name, status, detail, time.monotonic() - started)
            self.result.stages.append(report)
            self.progress(report)
        self.result.versions = self._versions()
        self.state.mark("complete")  # the next run is a new release
        return self.result


def _relative(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in paths]


def _versions_text(versions: Mapping[str, str]) -> str:
    return ", ".join(f"{n} {v}" for n, v in versions.items())


def release(
    root: Path | str,
    options: ReleaseOptions,
    *,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> ReleaseResult:
    """Run the whole release of the workspace at ``root`` (see the module doc)."""
    _validate_skip(options.skip)
    pipeline = Pipeline(Path(root), options, confirm=confirm, progress=progress, environ=environ)
    return pipeline.run()


def plan_release(root: Path | str, options: ReleaseOptions) -> ReleasePlan:
    """The release of the workspace at ``root`` as it would run; nothing is changed."""
    _validate_skip(options.skip)
    return Pipeline(Path(root), options).plan()
