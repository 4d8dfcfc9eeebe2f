"""Rehearsals: the whole release in a temporary clone against two local pypiservers
standing in for the test and production indexes, then an install of every package from
the production one; ``demo`` does the same on a sample workspace it creates."""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from relnox.artifacts.manifest import state_dir
from relnox.atomic import write_atomic
from relnox.builds import STAGE as BUILD
from relnox.builds import BuildOptions
from relnox.errors import RelnoxError, shortlist
from relnox.paths import rel
from relnox.project.discovery import load_workspace
from relnox.project.selection import select_packages
from relnox.publish import STAGE as PUBLISH
from relnox.publish import PublishOptions, PublishRuntime
from relnox.release.model import RELEASE_RECORDS
from relnox.release.pipeline import (
    Progress,
    ReleaseError,
    ReleaseOptions,
    ReleaseResult,
    StageReport,
    release,
    shortened,
)
from relnox.release.steps import raise_for_uploads
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.sample import create_demo_workspace, git_env, git_identity
from relnox.stage import StageStatus
from relnox.tools import git
from relnox.tools.index_server import LocalIndex
from relnox.verify import STAGE as VERIFY
from relnox.verify import VerifyOptions

logger = logging.getLogger("relnox")


@dataclass
class Rehearsal:
    result: ReleaseResult
    test_index: str
    index: str
    workdir: Path


@contextlib.contextmanager
def _indexes(base: Path) -> Iterator[tuple[str, str]]:
    with LocalIndex(base / "test-index") as test_index, LocalIndex(base / "index") as index:
        logger.info("local TestPyPI stand-in: %s", test_index.simple_url)
        logger.info("local PyPI stand-in:     %s", index.simple_url)
        yield test_index.upload_url, index.upload_url


def _clone(root: Path, into: Path) -> Path:
    if not git.is_repo(root):
        raise RelnoxError(
            f"{root} is not a git repository; rehearse works on a clone of the committed HEAD, "
            "so commit the project first (git init && git add -A && git commit)"
        )
    top = git.toplevel(root)
    if dirty := git.dirty_files(top):
        logger.warning(
            "rehearsing the committed HEAD; %d uncommitted change(s) are not included: %s",
            len(dirty),
            shortlist(dirty, 5),
        )
    # git's objects linked, not copied (124 MB copied: 2.8 s): they never change in place
    git.git(top, "clone", "--quiet", str(top), str(into), env=git_env())
    git_identity(into, keep=True)
    return into / Path(root).resolve().relative_to(top)


def _final_check(
    result: ReleaseResult, root: Path, index: str, progress: Progress, options: ReleaseOptions
) -> None:
    """Install every released package from the 'PyPI' index: siblings resolve there."""
    started = time.monotonic()
    # loaded as verify-install loads it: the versions come from dist/'s manifest
    workspace = load_workspace(root, tags=False)
    checked = any(  # the same build checked from dist/: its bytes and install
        s.name == "verify" and s.status in (StageStatus.DONE, StageStatus.ALREADY_DONE)
        for s in result.stages
    )
    checks = VerifyOptions(
        packages=list(result.versions),
        index=index,
        wait=30,
        extras=options.extras,
        extra_index=options.extra_index,
        checked_before=checked,
    )
    report = VERIFY.run(VERIFY.plan(workspace, checks))
    status = StageStatus.DONE if report.ok else StageStatus.FAILED
    detail = f"{len(report.checked)} package(s) installed from {index} and checked"
    took = time.monotonic() - started
    stage = StageReport("install-from-index", status, detail + report.skipped_note(), took)
    result.stages.append(stage)
    progress(stage)
    if not report.ok:  # the listing goes to the stage's log; the error says why
        failed = ReleaseError(report.closing(), "\n".join(report.describe()))
        raise ReleaseError(f"stage {stage.name} failed: {shortened(root, stage.name, failed)}")


def _rehearsed(
    root: Path, options: ReleaseOptions, test_index: str, index: str, progress: Progress
) -> ReleaseResult:
    """The release against the local stand-ins of ``options``' two indexes, then the install
    of every package from the 'PyPI' one."""
    local = replace(
        options,
        test_repository=test_index,
        repository=index,
        stand_ins=(options.test_repository, options.repository),
        yes=True,
        resumes=False,
    )
    result = release(root, local, progress=progress, environ=_local_environ())
    _final_check(result, root, index, progress, options)
    return result


def _kept(message: str, clone: Path, root: Path) -> str:
    """A failed rehearsal's ``message`` with the clone's logs copied to ``root``'s
    ``.relnox/rehearse/`` and its paths said as there."""
    logs = state_dir(clone / RELEASE_RECORDS)
    kept = state_dir(root / "rehearse")
    for log in sorted(logs.glob("*.log")) if logs.is_dir() else ():
        write_atomic(kept / log.name, log.read_bytes())
    for before, after in ((logs, kept), (clone, root)):
        message = message.replace(str(before), str(after))
        message = message.replace(rel(before, clone), rel(after, root))
    return message


def rehearse(
    root: Path | str, options: ReleaseOptions, *, progress: Progress | None = None
) -> Rehearsal:
    progress = progress or (lambda report: None)
    with contextlib.ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="relnox-rehearse-")))
        clone = _clone(Path(root).resolve(), base / "repo")
        if not options.bumps:
            _refuse_tagged_elsewhere(clone, options)
        test_index, index = stack.enter_context(_indexes(base))
        try:
            local = replace(options, push=False, allow_dirty=False)
            result = _rehearsed(clone, local, test_index, index, progress)
        except ReleaseError as exc:
            raise ReleaseError(_kept(str(exc), clone, Path(root).resolve())) from None
        except RelnoxError as exc:  # before a stage: said of the repository, not of the clone
            exc.message = _kept(str(exc), clone, Path(root).resolve())
            exc.args = (exc.message,)
            raise
        return Rehearsal(result, test_index, index, base)
    raise AssertionError("unreachable")  # pragma: no cover


def _refuse_tagged_elsewhere(clone: Path, options: ReleaseOptions) -> None:
    """Refuse a rehearsal that bumps nothing when a current version's tag is on another commit."""
    workspace = load_workspace(clone)
    head = git.head(workspace.root)
    chosen = select_packages(workspace, options.packages, changed=options.changed)
    problems, tags = [], []
    for pkg in workspace.select(chosen.names):
        tag = None if pkg.vcs_versioned else workspace.tag_for(pkg)
        on = git.tag_commit(workspace.root, tag) if tag else None
        if tag and on is not None and on != head:
            problems.append(f"{pkg.name} {pkg.version} is tagged {tag} on commit {on[:12]}")
            tags.append(tag)
    if problems:
        raise ReleaseError(
            f"{'; '.join(problems)}, not on HEAD ({(head or '')[:12]}): released from other "
            "code, so HEAD needs a new version; bump first (relnox rehearse --part patch, or "
            f"relnox bump --part patch --commit), or delete the tag (git tag -d "
            f"{' '.join(dict.fromkeys(tags))}) if that release never happened"
        )


def _local_environ() -> dict[str, str]:
    """Credentials for the local indexes (they accept anyone); nothing of the user's."""
    import os

    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TWINE_") and k not in ("PYPI_TOKEN", "TEST_PYPI_TOKEN")
    }


def _seed(root: Path, index: str, out: Path, progress: Progress) -> StageReport:
    """The sample's current versions built and published to the 'PyPI' index first."""
    started = time.monotonic()
    built = BUILD.run(BUILD.plan(load_workspace(root), BuildOptions(out=out, sdist=False)))
    built.raise_for_failures()  # wheels are what the skew guard installs
    workspace = load_workspace(root)
    seeded = TagOptions(missing=True, push=True, allow_dirty=True, allow_detached=True)
    apply_tags(plan_tags(workspace, seeded))  # released: tagged
    runtime = PublishRuntime(confirm=lambda _m: True, environ=_local_environ())
    plan = PUBLISH.plan(workspace, PublishOptions(repository=index, dist_dir=out), runtime)
    raise_for_uploads(PUBLISH.run(plan, runtime))
    versions = ", ".join(f"{p.name} {p.version}" for p in workspace.packages)
    said = f"{versions} already on the PyPI stand-in (what the skew guard checks)"
    stage = StageReport("published before", StageStatus.DONE, said, time.monotonic() - started)
    progress(stage)
    return stage


def demo(*, progress: Progress | None = None, resume_command: str = "relnox demo") -> Rehearsal:
    """Create the sample workspace, publish its current versions to the local 'PyPI', and run
    its full release against two local indexes."""
    progress = progress or (lambda report: None)
    with contextlib.ExitStack() as stack:
        base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="relnox-demo-")))
        root = create_demo_workspace(base / "workspace")
        remote = base / "origin.git"
        git.git(base, "init", "-q", "--bare", str(remote), env=git_env())
        git.git(root, "remote", "add", "origin", str(remote))
        git.git(root, "push", "-q", "origin", "main")
        logger.info("sample workspace: %s (remote %s)", root, remote)
        test_index, index = stack.enter_context(_indexes(base))
        seeded = _seed(root, index, base / "published", progress)
        options = ReleaseOptions(part="minor", push=True, resume_command=resume_command)
        result = _rehearsed(root, options, test_index, index, progress)
        result.stages.insert(0, seeded)
        return Rehearsal(result, test_index, index, base)
    raise AssertionError("unreachable")  # pragma: no cover
