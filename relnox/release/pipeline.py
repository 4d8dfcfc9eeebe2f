"""The release pipeline: doctor, bump, build, verify, TestPyPI, verify from it, the skew
guard, PyPI, tag, and the audit of what is live.

The pipeline is a loop over the stages of :mod:`relnox.release.steps`. Each stage is
skippable; the first failure stops the run with a "resume with ..." line. A rerun
resumes: the stages already finished for the same versions are recognised (the bump
from ``.relnox/release/release-state.json``, the build from its manifest and hashes,
uploads from the index itself, tags from git) and not redone. ``--dry-run`` is the
same loop over each stage's preview.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path

from relnox.bump import STAGE as BUMP
from relnox.errors import RelnoxError
from relnox.project.discovery import load_workspace
from relnox.project.selection import select_packages
from relnox.release.model import (
    STATE_FILE,
    Progress,
    ReleaseError,
    ReleaseOptions,
    ReleasePlan,
    ReleaseResult,
    StagePlan,
    StageReport,
    State,
)
from relnox.release.resume import bumped_before, check_rerun
from relnox.release.steps import STEPS, Preview, bump_options
from relnox.stage import Confirm, Runtime, StageStatus
from relnox.tools import git

__all__ = [
    "STAGES",
    "STATE_FILE",
    "Pipeline",
    "Progress",
    "ReleaseError",
    "ReleaseOptions",
    "ReleasePlan",
    "ReleaseResult",
    "StageReport",
    "plan_release",
    "release",
]

logger = logging.getLogger("relnox")

STAGES = tuple(step.name for step in STEPS)


def _validate_skip(skip: frozenset[str]) -> None:
    unknown = sorted(skip - set(STAGES))
    if unknown:
        raise ReleaseError(
            f"unknown stage(s) to skip: {', '.join(unknown)}; the stages are {', '.join(STAGES)}"
        )


class Pipeline:
    """One release of the workspace at ``root``: what the stages share while they run."""

    options: ReleaseOptions
    runtime: Runtime
    names: tuple[str, ...]
    dist_dir: Path
    state: State

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
        self.progress = progress or (lambda report: None)
        self.workspace = load_workspace(root)
        self.result = ReleaseResult(root=self.workspace.root)
        self.names = self._selection()
        self.dist_dir = self.workspace.root / (options.dist_dir or self.workspace.config.dist_dir)
        self.state = State(self.dist_dir, self.versions(), self.workspace.root)
        self.result.previous = self.versions()

    @property
    def bumps(self) -> bool:
        o = self.options
        return o.part is not None or o.to is not None or o.pre is not None

    def _selection(self) -> tuple[str, ...]:
        """The packages released: named, or with ``changed`` the changed and unreleased ones."""
        o = self.options
        chosen = select_packages(self.workspace, o.packages, changed=o.changed, bumping=self.bumps)
        if o.changed and not chosen.packages:
            raise ReleaseError(
                "--changed: no package changed since its last tag and none is bumped but "
                "untagged; nothing to release"
            )
        return chosen.names

    def versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.workspace.select(self.names)}

    def reload(self) -> None:
        self.workspace = load_workspace(self.root)

    def check_tag_names(self) -> None:
        """The tags the release will make are names git accepts, before any stage changes anything."""
        if "tag" in self.options.skip or not git.is_repo(self.workspace.root):
            return
        for pkg in self.workspace.select(self.names):
            if not pkg.vcs_versioned:
                git.check_tag_name(self.workspace.root, self.workspace.tag_for(pkg))

    def plan(self) -> ReleasePlan:
        """Every stage's plan, from the bump's (which is computed, not applied) onward."""
        now = self.versions()
        bumped = None
        if self.bumps and "bump" not in self.options.skip:
            bumped = bumped_before(self)  # the rerun of an unfinished release: no new bump
        planned = self.bumps and bumped is None
        bump = BUMP.plan(self.workspace, bump_options(self)) if planned else None
        after = dict(now)
        if bump is not None:
            after.update({n: new for n, (_, new) in bump.versions.items()})
        preview = Preview(now, after, bump, bumped)
        skip = self.options.skip
        return ReleasePlan(
            root=self.workspace.root,
            stages=[StagePlan(s.name, s.preview(self, preview), s.name in skip) for s in STEPS],
            versions={n: (now[n], after[n]) for n in after},
        )

    def run(self) -> ReleaseResult:
        self.check_tag_names()
        if self.bumps and "bump" not in self.options.skip:
            check_rerun(self)  # a second bump, or one past a half-published release: refused
        for step in STEPS:
            started = time.monotonic()
            if step.name in self.options.skip:
                report = StageReport(step.name, StageStatus.SKIPPED, "skipped by --skip")
            else:
                logger.info("== %s", step.name)
                try:
                    status, detail = step.act(self)
                except RelnoxError as exc:
                    self._failed(step.name, exc, time.monotonic() - started)
                report = StageReport(step.name, status, detail, time.monotonic() - started)
            self.result.stages.append(report)
            self.progress(report)
        self.result.versions = self.versions()
        self.state.mark("complete")  # the next run is a new release
        return self.result

    def _failed(self, name: str, exc: RelnoxError, seconds: float) -> None:
        o = self.options
        report = StageReport(name, StageStatus.FAILED, str(exc), seconds)
        self.result.stages.append(report)
        self.progress(report)
        again = (
            f"resume with: {o.resume_command} (finished stages are not redone)"
            if o.resumes
            else f"run again: {o.resume_command} (it starts over on a fresh clone)"
        )
        raise ReleaseError(f"stage {name} failed: {exc}\nfix that, then {again}") from None


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
    runtime = Runtime(confirm=confirm, environ=environ)
    return Pipeline(Path(root), options, runtime, progress).run()


def plan_release(root: Path | str, options: ReleaseOptions) -> ReleasePlan:
    """The release of the workspace at ``root`` as it would run; nothing is changed."""
    _validate_skip(options.skip)
    return Pipeline(Path(root), options).plan()
