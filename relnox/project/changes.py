"""The release plan: per package, its last tag, whether it changed since (never tagged: since
the commit that set its version literal; unless :func:`left_out` leaves it), its next version."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from relnox.errors import GitError, VersionError
from relnox.paths import rel
from relnox.project import change_walk
from relnox.project.build_inputs import build_inputs
from relnox.project.pyproject import InternalRequirement
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.sources import set_at


@dataclass(frozen=True)
class PlanRow:
    name: str
    version: str
    directory: str
    last_tag: str | None
    changed: bool
    commits: int | None  # commits touching the directory since last_tag (None: never tagged)
    files: int | None  # files changed since last_tag
    next_version: str | None  # what the requested bump would give (changed packages only)
    note: str | None = None  # why a release leaves it unless named (:func:`left_out`)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def last_tag(pkg: Package) -> str | None:
    """The newest release tag of HEAD's line, a pre-release HEAD holds above its last too."""
    return pkg.tags.newest[1] if pkg.tags is not None else None


def _inputs(workspace: Workspace, pkg: Package, top: Path) -> list[str]:
    """The directories outside the package's own that its build reads, from the root."""
    root = workspace.root.resolve()  # an input above it: "../x"
    found = build_inputs(pkg.directory, pkg.build_tables, top)
    return [os.path.relpath(path, root).replace(os.sep, "/") for path in found]


def pathspec(workspace: Workspace, pkg: Package) -> list[str]:
    """The package's directory without nested packages', plus those its build reads."""
    return pathspecs(workspace, [pkg])[pkg.name]


def pathspecs(workspace: Workspace, packages: Sequence[Package]) -> dict[str, list[str]]:
    """:func:`pathspec` of each of ``packages``, in time linear in the workspace's size."""
    dirs = {pkg.name: pkg.directory.resolve() for pkg in workspace.packages}
    owner = {path: name for name, path in dirs.items()}
    broken = [Path(os.path.realpath(b.directory)) for b in workspace.broken]
    nested: dict[str, list[str]] = {}
    for path in [*dirs.values(), *broken]:
        for parent in path.parents:
            if parent in owner:  # excluded from every enclosing package (a broken member's too)
                exclude = f":(exclude){rel(path, workspace.root)}"
                nested.setdefault(owner[parent], []).append(exclude)
    root = workspace.root
    top = git.top_of(root) or root
    return {
        pkg.name: [
            rel(dirs[pkg.name], workspace.root),
            *_inputs(workspace, pkg, top),
            *nested.get(pkg.name, []),
        ]
        for pkg in packages
    }


def _changes(workspace: Workspace, spec: Sequence[str], since: str) -> tuple[int, int]:
    """The files under ``spec`` that differ since ``since``, and HEAD's commits touching them."""
    root = workspace.root
    commits = int(git.git(root, "rev-list", "--count", f"{since}..HEAD", "--", *spec) or 0)
    if not commits:
        return 0, 0
    diff = ("diff", "--no-renames", "--name-only", f"{since}..HEAD", "--", *spec)
    return len([f for f in git.git(root, *diff).splitlines() if f]), commits


def plan(
    workspace: Workspace,
    part: str | None = None,
    pre: str | None = None,
    *,
    since: str | None = None,
) -> list[PlanRow]:
    """One row per package in release order; ``part`` adds the versions that bump would give."""
    if not git.is_repo(workspace.root) or git.head(workspace.root) is None:
        raise GitError(f"{workspace.root} is not a git repository with commits; commit first")
    verify = ("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    if since is not None and not git.git(workspace.root, *verify, check=False):
        raise GitError(
            f"--since {since!r} is not a commit of {workspace.root}; pass a tag or commit"
        )
    workspace.require_history("plan")
    if part:
        from relnox.versions.next import next_version
        from relnox.versions.next_checks import refuse_released

    specs = pathspecs(workspace, workspace.packages)  # once: each package's alone is O(n)
    tags = {pkg.name: last_tag(pkg) for pkg in workspace.packages}
    bases = {
        pkg.name: base
        for pkg in workspace.packages
        if (base := since or tags[pkg.name] or _literal_set(workspace, pkg)) is not None
    }
    walked = change_walk.changes(workspace.root, specs, bases)  # one walk for them all
    left = left_out(workspace)
    rows = []
    for pkg in workspace.packages:
        files: int | None = None
        commits: int | None = None
        if (base := bases.get(pkg.name)) is not None:
            found = walked.get(pkg.name) if walked is not None else None  # None: ask git
            files, commits = found or _changes(workspace, specs[pkg.name], base)
        dirty = files != 0 and pkg.name not in left
        row = (tags[pkg.name], dirty, commits, files, None, left.get(pkg.name))
        rows.append(PlanRow(pkg.name, pkg.version, rel(pkg.directory, workspace.root), *row))
    changed = {row.name for row in rows if row.changed}
    for index, pkg in enumerate(workspace.packages):
        if not part or not any(p.name in changed for p in workspace.group_of(pkg)):
            continue
        try:  # what bump would give, or refuse: then never shown
            bumped = next_version(workspace, pkg, workspace.group_of(pkg), part, pre)
            refuse_released(workspace, pkg, bumped)
        except VersionError as exc:  # this package's problem only
            logging.getLogger("relnox").warning("warning: %s", exc)
            continue
        rows[index] = replace(rows[index], next_version=bumped)
    return rows


def _literal_set(workspace: Workspace, pkg: Package) -> str | None:
    """The commit that set the version of a package no tag names: its last release point."""
    if pkg.tags is None or pkg.tags.count or pkg.primary is None:
        return None
    return set_at(workspace.root, pkg.primary)


def changed_packages(workspace: Workspace, since: str | None = None) -> list[str]:
    return [row.name for row in plan(workspace, since=since) if row.changed]


def unreleased(workspace: Workspace, pkg: Package) -> bool:
    """``pkg``'s current version is not out yet: no tag for it, or its tag is on HEAD."""
    if not git.is_repo(workspace.root):
        return True
    on = git.tag_commit(workspace.root, workspace.tag_for(pkg))
    return on is None or on == git.head(workspace.root)


def left_out(workspace: Workspace) -> dict[str, str]:
    """The packages a release leaves unless named, with the note saying why: never tagged, in no
    group and required only for development, or whose version stayed at its siblings' releases."""
    requirers: dict[str, list[tuple[Package, InternalRequirement]]] = {}
    for pkg in workspace.packages:
        for req in pkg.requirements:
            requirers.setdefault(req.target, []).append((pkg, req))
    found = {}
    for pkg in workspace.packages:
        by = requirers.get(pkg.name, [])
        if pkg.tags is None or pkg.tags.released or len(workspace.group_of(pkg)) > 1:
            continue
        if not by:
            if pkg.tags.stayed and workspace.config.packages is None:  # else the list decides
                found[pkg.name] = (
                    f"note: {pkg.name} is left out: no tag released it and its version "
                    f"({pkg.version}) stayed at the releases {', '.join(reversed(pkg.tags.stayed))}; "
                    f"name it (--package {pkg.name}) to release it, or list it in [tool.relnox] packages"
                )
            continue
        if all(r.development and q.tags is not None and q.tags.released for q, r in by):
            where = (f"{q.name}[{r.key[-2]}]" if r.runtime else f"{q.name}'s group" for q, r in by)
            found[pkg.name] = (
                f"note: {pkg.name} is left out: no tag released it and only "
                f"{', '.join(dict.fromkeys(where))} (for development) requires it; name it "
                f"(--package {pkg.name}) to release it"
            )
    return found
