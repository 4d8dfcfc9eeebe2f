"""Carry out a bump plan, all or nothing: files written atomically, then the git actions; a
failure, Ctrl-C or SIGTERM undoes it all."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from relnox.atomic import signals_held, write_atomic
from relnox.bump.model import BumpPlan, BumpResult
from relnox.errors import GitError, RelnoxError, VersionError
from relnox.files import read_bytes
from relnox.paths import rel
from relnox.project.workspace import Package
from relnox.stage import Runtime
from relnox.tools import git
from relnox.tools.network import network_settings
from relnox.versions.arithmetic import same_version
from relnox.versions.referee import backend_answer

logger = logging.getLogger("relnox")


def apply_bump(plan: BumpPlan, runtime: Runtime | None = None) -> BumpResult:
    """Write every file and run every git action of ``plan``; on any failure, undo it all."""
    with signals_held() as stopped:
        return _apply(plan, stopped)


def _go_on(stopped: Callable[[], str | None]) -> None:
    """Before each step: a Ctrl-C or SIGTERM received ends the bump here (then undone)."""
    if (signal_name := stopped()) is not None:
        raise GitError(f"the bump was stopped ({signal_name}) before it was complete")


def _apply(plan: BumpPlan, stopped: Callable[[], str | None]) -> BumpResult:
    for edit in plan.edits:
        if read_bytes(edit.path) != edit.before:
            raise VersionError(f"{edit.path}: changed since the bump was planned; rerun the bump")
    repo = plan.repo
    paths = [str(edit.path) for edit in plan.edits]
    index = None
    if repo is not None and plan.actions and paths:
        listed = git.run(repo, "ls-files", "--stage", "--", *paths)
        index = listed.check(GitError, "git ls-files", repo).output
    old_head = git.head(repo) if repo is not None else None
    stall = network_settings(plan.workspace.config).stall
    written: list[Path] = []
    tags: list[str] = []
    committed = pushed = False
    try:
        for edit in plan.edits:
            _go_on(stopped)
            try:
                write_atomic(edit.path, edit.after)
            except OSError as exc:
                raise GitError(f"could not write {edit.path} ({exc.strerror or exc})") from None
            written.append(edit.path)
        logger.debug("bump: wrote %d file(s)", len(written))
        prove(plan, tagged=False)  # the backend reads the edited files as bumped
        proven = False
        for action in plan.actions:
            assert repo is not None
            _go_on(stopped)
            if action.kind == "push" and not proven:  # the tags made, before they leave
                prove(plan, tagged=True)
                proven = True
            logger.debug("bump: %s", action.describe())
            if action.kind == "push":  # the one action that waits on the network: bounded
                git.push(repo, *action.args[1:], stall=stall)
            else:
                git.git(repo, *action.args, what=action.kind)
            committed = committed or action.kind == "commit"
            pushed = pushed or action.kind == "push"
            if action.tag is not None:
                tags.append(action.tag)
        if not proven:
            prove(plan, tagged=True)
    except (OSError, RelnoxError) as exc:
        problems = _rollback(plan, written, tags, committed, old_head, index, paths)
        reason = exc if isinstance(exc, RelnoxError) else f"the bump failed ({exc})"
        undone = "every file is as it was and no tag was left"
        if problems:
            undone = "undoing it failed too: " + "; ".join(problems)
        raise GitError(f"{reason}; the bump was undone: {undone}") from None
    commit = git.head(repo) if committed and repo is not None else None
    return BumpResult(dict(plan.versions), tags, plan.files, list(plan.rewrites), commit, pushed)


def prove(plan: BumpPlan, *, tagged: bool) -> None:
    """Ask each bumped package's backend for its version as bumped (``tagged``: once tagged)."""
    for name, (_, new) in plan.versions.items():
        if (pkg := plan.workspace.get(name)).vcs_versioned != tagged or pkg.stamped:
            continue  # a placeholder stamped at build time says the new version nowhere
        if tagged and plan.workspace.tag_for(pkg, new) not in plan.tags:
            continue  # no tag of its made: nothing gives it the new version yet
        said = backend_answer(plan.workspace, pkg)  # None: relnox's reading, as written
        if said is not None and not same_version(said.split("+", 1)[0], new):
            raise VersionError(
                f"{_written(plan, pkg)}: {pkg.name} was bumped to {new}, but its build "
                f"backend {pkg.backend} says {said} there, so the release would not be "
                f"{new}; nothing is committed: "
                + (
                    "the build computes the version from its files, not from this tag: "
                    f"write {new} where it computes it, commit it and tag that commit "
                    f"{plan.workspace.tag_for(pkg, new)} (or name that file in [tool.relnox] "
                    "version-files, so relnox bump writes it)"
                    if tagged
                    else "fix where relnox writes the version ([tool.relnox] version-files)"
                )
            )


def _written(plan: BumpPlan, pkg: Package) -> str:
    files = [
        rel(e.path, plan.workspace.root) for e in plan.edits if e.path.is_relative_to(pkg.directory)
    ]
    if files:
        return "wrote " + ", ".join(files)
    return "tagged " + plan.workspace.tag_for(pkg, plan.versions[pkg.name][1])


def _rollback(
    plan: BumpPlan,
    written: list[Path],
    tags: list[str],
    committed: bool,
    old_head: str | None,
    index: str | None,
    paths: list[str],
) -> list[str]:
    """Undo what :func:`apply_bump` did; the problems met while undoing."""
    problems: list[str] = []
    if (repo := plan.repo) is not None:
        for name in reversed(tags):
            try:
                git.git(repo, "tag", "-d", "--", name)
            except RelnoxError as exc:
                problems.append(str(exc))
        try:  # a commit a stopped git made before it ended counts too
            if committed or git.head(repo) != old_head:
                if old_head is None:
                    git.git(repo, "update-ref", "-d", "HEAD")
                else:
                    git.git(repo, "reset", "-q", "--soft", old_head)
            if index is not None:
                git.git(repo, "rm", "--cached", "-f", "-q", "--ignore-unmatch", "--", *paths)
                if index:
                    git.git(repo, "update-index", "--index-info", input=index)
        except RelnoxError as exc:
            problems.append(f"restoring the git index failed ({exc})")
    originals = {edit.path: edit.before for edit in plan.edits}
    for path in reversed(written):
        try:
            write_atomic(path, originals[path])
        except OSError as exc:
            problems.append(f"{path} could not be restored ({exc})")
    logger.debug("bump: undone (%d file(s) restored, %d tag(s) deleted)", len(written), len(tags))
    return problems
