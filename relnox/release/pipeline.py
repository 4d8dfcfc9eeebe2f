"""The release pipeline: a loop over :data:`relnox.release.steps.STEPS` (each skippable);
the first failure stops it with a "resume with ..." line, and a rerun does not redo what
finished for the same versions. ``--dry-run`` is the same loop over each step's preview."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from relnox.artifacts.manifest import state_dir
from relnox.atomic import write_atomic
from relnox.bump import STAGE as BUMP
from relnox.errors import RelnoxError
from relnox.paths import rel
from relnox.release.model import (
    RELEASE_RECORDS,
    STATE_FILE,
    Progress,
    ReleaseError,
    ReleaseOptions,
    ReleasePlan,
    ReleaseResult,
    ReleaseRun,
    StagePlan,
    StageReport,
)
from relnox.release.resume import bumped_before, check_rerun
from relnox.release.steps import STEPS, Preview, bump_options
from relnox.report import package_folders
from relnox.stage import Confirm, Runtime, StageStatus
from relnox.tools import git

__all__ = [
    "STAGES",
    "STATE_FILE",
    "Progress",
    "ReleaseError",
    "ReleaseOptions",
    "ReleasePlan",
    "ReleaseResult",
    "StageReport",
    "plan_release",
    "release",
    "shortened",
]

logger = logging.getLogger("relnox")

STAGES = tuple(step.name for step in STEPS)


def _validate_skip(skip: frozenset[str]) -> None:
    if unknown := sorted(skip - set(STAGES)):
        raise ReleaseError(
            f"unknown stage(s) to skip: {', '.join(unknown)}; the stages are {', '.join(STAGES)}"
        )


SHORT_LINES = 8  # a stage's error as the release shows it (:func:`shortened`)
#: a line of a tool's output that says what failed: ``ERROR: ...``, ``error: ...``, ``fatal: ...``
_ERROR_LINE = re.compile(r"(?:^|\s)(?:error|fatal)(?::|\s*\[)", re.IGNORECASE)


def shortened(root: Path, name: str, exc: RelnoxError) -> str:
    """Stage ``name``'s error as the release shows it: its first lines; the whole text and
    its ``details``, when more, go to the stage's log in ``.relnox/release/``, named last."""
    full = str(exc)
    lines = full.splitlines()
    kept = lines[:SHORT_LINES]
    # a tool's output cut after its first lines: its own error lines instead, when only cut
    said = [line for line in lines[2:] if _ERROR_LINE.search(line)]
    if len(lines) > SHORT_LINES and said and not any(_ERROR_LINE.search(x) for x in kept[2:]):
        kept = [*lines[:2], "    ...", *said[-(SHORT_LINES - 3) :]]
    short = "\n".join(kept) or full
    details = exc.details if isinstance(exc, ReleaseError) else ""
    if short != full or details:
        log = state_dir(root / RELEASE_RECORDS) / f"{name}.log"
        write_atomic(log, "\n\n".join(text for text in (full, details) if text) + "\n")
        short += f"\n(the whole message: {rel(log, root)})"
    return short


def _failed(run: ReleaseRun, name: str, exc: RelnoxError, seconds: float) -> NoReturn:
    o = run.options
    short = shortened(run.workspace.root, name, exc)
    report = StageReport(name, StageStatus.FAILED, short, seconds)
    run.result.stages.append(report)
    run.progress(report)
    again = f"resume with: {o.resume_command} (finished stages are not redone)"
    if not o.resumes:
        again = f"run again: {o.resume_command} (it starts over on a fresh clone)"
    raise ReleaseError(f"stage {name} failed: {short}\nfix that, then {again}") from None


def release(
    root: Path | str,
    options: ReleaseOptions,
    *,
    confirm: Confirm | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> ReleaseResult:
    _validate_skip(options.skip)
    run = ReleaseRun(Path(root), options, Runtime(confirm=confirm, environ=environ), progress)
    ws = run.workspace
    with git.held(ws.root):  # before any stage changes anything: the tags read once
        if "tag" not in options.skip and git.is_repo(ws.root):
            # the tags the release will make (a lockstep group's once): names git accepts
            tags = (ws.tag_for(p) for p in ws.select(run.names) if not p.vcs_versioned)
            for tag in dict.fromkeys(tags):
                git.check_tag_name(ws.root, tag)
        if run.options.bumps and "bump" not in options.skip:
            check_rerun(run)  # a second bump, or one past a half-published release: refused
    for step in STEPS:
        started = time.monotonic()
        if step.name in options.skip:
            report = StageReport(step.name, StageStatus.SKIPPED, "skipped by --skip")
        else:
            logger.info("== %s", step.name)
            try:
                status, detail = step.act(run)
            except RelnoxError as exc:
                _failed(run, step.name, exc, time.monotonic() - started)
            report = StageReport(step.name, status, detail, time.monotonic() - started)
        run.result.stages.append(report)
        run.progress(report)
    run.result.versions = run.versions()
    run.state.mark("complete")  # the next run is a new release
    return run.result


def plan_release(root: Path | str, options: ReleaseOptions) -> ReleasePlan:
    """The release at ``root`` as it would run, each stage's plan; nothing is changed."""
    _validate_skip(options.skip)
    run = ReleaseRun(Path(root), options)
    now = run.versions()
    bumped = bumped_before(run) if run.options.bumps and "bump" not in options.skip else None
    # planned as bump --dry-run: what would stop it is a warning beside the plan
    dry = replace(bump_options(run), dry_run=True)
    bump = BUMP.plan(run.workspace, dry) if run.options.bumps and bumped is None else None
    after = {**now, **{n: new for n, (_, new) in bump.versions.items()}} if bump else now
    preview = Preview(now, after, bump, bumped)
    stages = [StagePlan(s.name, s.preview(run, preview), s.name in options.skip) for s in STEPS]
    moves = {n: (now[n], after[n]) for n in after}
    return ReleasePlan(run.workspace.root, stages, moves, package_folders(run.workspace))
