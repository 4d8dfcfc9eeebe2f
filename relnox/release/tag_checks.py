"""What ``relnox tag`` checks before a tag is made, so no tag names what HEAD does not release."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.errors import GitError, shortlist
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.release.ci_tags import releases_nothing
from relnox.tools import git
from relnox.tools.network import network_settings
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.sources import version_at
from relnox.versions.tags import names_no_package

if TYPE_CHECKING:
    from relnox.release.tagging import TagAction, TagPlan


def check_creatable(plan: TagPlan, befores: Mapping[str, str | None]) -> None:
    """Refuse tags not naming what HEAD releases: a version not committed, a dirty tree or a
    detached HEAD (unless allowed), a downgrade (below ``befores``), one tag for two versions."""
    workspace, options, actions = plan.workspace, plan.options, plan.to_create
    repo = workspace.root
    top = git.toplevel(repo)
    dirty = git.dirty_files(repo)
    for action in actions:
        pkg = workspace.get(action.package)
        touched = [loc.path for loc in pkg.locations if rel(loc.path, top) in dirty]
        committed = version_at(workspace.root, pkg.locations, "HEAD") if touched else pkg.version
        if not same_version(committed, pkg.version):
            raise GitError(
                f"{touched[0]}: {pkg.name} {pkg.version} is not committed (HEAD holds "
                f"{committed or 'no version'}), so tag {action.tag} would name a commit of "
                "another version; commit it first"
            )
    if dirty and not options.allow_dirty:
        raise GitError(
            f"{repo}: tracked files have uncommitted changes ({shortlist(dirty)}), so the tags "
            "would not name the tree as it is; commit or stash them, or pass --allow-dirty"
        )
    if not options.allow_detached and not _on_a_branch(repo):
        raise GitError(
            f"{repo}: HEAD is detached at a commit no branch holds (a commit made after "
            "git checkout --detach?), so the tags would name a commit no branch releases; "
            "put it on the branch to release (git switch -c NAME, or merge it), or pass "
            "--allow-detached if this is intended"
        )
    _check_no_ref_clash(repo, actions)
    for action in actions:
        was = befores.get(action.package)
        _check_not_lower(workspace.get(action.package), action, plan.since, was)
    _check_shared(workspace, actions)


def _on_a_branch(repo: Path) -> bool:
    """HEAD is a branch, or a commit a local or remote-tracking branch holds."""
    if git.current_branch(repo) is not None:
        return True
    asked = ("--contains", "HEAD", "--count=1", "--format=%(refname)", "refs/heads", "refs/remotes")
    return bool(git.git(repo, "for-each-ref", *asked, check=False))


def _check_no_ref_clash(repo: Path, actions: Sequence[TagAction]) -> None:
    """A tag git cannot make: ``v1`` beside ``v1/x``, either way round; or one naming no commit."""
    names = {tag.name for tag in git.tag_refs(repo)}
    for action in actions:  # one there already names no commit, so the plan found none
        if action.tag in names and (nothing := releases_nothing(repo, action.tag)):
            raise GitError(
                f"{nothing}, and git makes no second one; delete it (git tag -d {action.tag}, "
                f"and git push --delete origin {action.tag} where it was pushed) and run again"
            )
        parts = action.tag.split("/")
        above = ["/".join(parts[:i]) for i in range(1, len(parts))]
        clash = next((n for n in above if n in names), None) or next(
            (n for n in sorted(names) if n.startswith(action.tag + "/")), None
        )
        if clash is not None:
            raise GitError(
                f"tag {action.tag} cannot be made beside the tag {clash} (git keeps one as a "
                f"folder of the other); delete {clash} (git tag -d {clash}) or change tag-format "
                "in [tool.relnox]"
            )


def _check_not_lower(pkg: Package, action: TagAction, rev: str | None, was: str | None) -> None:
    """A version below the one before it (at ``rev``), or below a release HEAD contains."""
    if (version := maybe_version(pkg.version)) is None:
        return
    higher: list[tuple[Version, str]] = []
    if (before := maybe_version(was or "")) is not None:  # its version at ``rev``
        higher.append((before, f"its version at {rev}"))
    if pkg.tags is not None and pkg.tags.reachable is not None:
        higher.append((pkg.tags.reachable, f"{pkg.tags.reachable_tag}, released in HEAD's history"))
    for above, where in higher:
        if above > version:
            raise GitError(
                f"{pkg.name} {pkg.version} is lower than {above} ({where}): tag {action.tag} "
                f"would release a downgrade; bump {pkg.name} above {above} (relnox bump), or "
                "put back the version lowered by mistake"
            )


def _check_shared(workspace: Workspace, actions: Sequence[TagAction]) -> None:
    """One tag name for several packages (a format without ``{name}``, ``v{version}``) names
    one version: the packages sharing it must be at the same version."""
    for action in actions:
        pkg = workspace.get(action.package)
        fmt = workspace.tag_format_of(pkg)
        if not names_no_package(fmt):
            continue
        for other in workspace.packages:
            if (
                other.name == pkg.name
                or other.vcs_versioned
                or workspace.tag_format_of(other) != fmt
                or same_version(other.version, pkg.version)
            ):
                continue
            raise GitError(
                f"{pkg.name} {pkg.version} and {other.name} {other.version} share the tag "
                f"format {fmt!r}, so tag {action.tag} would name {other.name} at a version it "
                f"is not; give them one version (relnox bump), or give each its own tag-format "
                '(e.g. "{name}-v{version}" in [tool.relnox])'
            )


def check_remote(plan: TagPlan) -> None:
    """None of the planned tags is on the remote on another commit (a later push refused would
    leave the first ones there)."""
    repo, remote = plan.workspace.root, plan.options.remote
    stall = network_settings(plan.workspace.config).stall
    there = git.remote_tags(repo, remote, [a.tag for a in plan.actions], stall=stall)
    for action in plan.actions:
        if (commit := there.get(action.tag)) is not None and commit != action.commit:
            raise GitError(
                f"tag {action.tag} already exists on {remote}, on commit {commit[:12]}, not "
                f"{action.commit[:12]}; no tag was made or pushed: bump {action.package} to a "
                f"new version, or delete that tag on {remote} (git push {remote} "
                f":refs/tags/{action.tag}) if it was never released"
            )
