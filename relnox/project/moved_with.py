"""A project that is not released but whose version the history moves with a package's
releases (a private tool of the repository at every release's version): a copy of that
package's version, so a bump keeps it in step, with the one line that says so."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError, RelnoxError
from relnox.paths import rel
from relnox.project.package_load import load_package
from relnox.project.workspace import Package, Unreleased, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import same_version
from relnox.versions.sources import version_at
from relnox.versions.tag_name import tag_for

#: ``[tool.relnox] unreleased-versions``: ``history`` (moved where the history moved it)
#: or ``keep`` (a project not released keeps its version)
RULES = ("history", "keep")
#: the newest releases read: the project said each one's version at its tag
_READ = 3


def with_moved_copies(workspace: Workspace, read: Callable[[Path], Mapping[str, Any]]) -> Workspace:
    """``workspace`` with the version of each project it does not release added as a copy
    to every package whose last releases (two at least, up to three) it said at their tags,
    and a note naming the tags and the setting that leaves it."""
    rule = workspace.config.raw.get("unreleased-versions", "history")
    if rule not in RULES:
        raise ConfigError(
            f"{workspace.config.source}: [tool.relnox] unreleased-versions = {rule!r} is none "
            f"of {', '.join(RULES)}; use one of them"
        )
    if rule == "keep" or not workspace.unreleased or not git.is_repo(workspace.root):
        return workspace
    held = {loc.path for pkg in workspace.packages for loc in pkg.locations}
    packages, notes = list(workspace.packages), list(workspace.notes)
    said: list[tuple[str, str]] = []
    for entry in workspace.unreleased:
        member = _loaded(workspace, entry, read)
        if member is None or member.primary is None or member.primary.path in held:
            continue
        moved = [
            (i, tags)
            for i, pkg in enumerate(packages)
            if (tags := _moved_at(workspace, pkg, member))
        ]
        for i, _ in moved:
            packages[i] = replace(
                packages[i], locations=(*packages[i].locations, *member.locations)
            )
        if moved:
            held.update(loc.path for loc in member.locations)
            tags = moved[0][1]
            note = (
                f"{rel(member.primary.path, workspace.root)} ({entry.name}) is not released "
                f"but said each release's version at {', '.join(reversed(tags))}, so a bump "
                f"moves it with {', '.join(packages[i].name for i, _ in moved)}; "
                '[tool.relnox] unreleased-versions = "keep" leaves it'
            )
            notes.append(note)
            said += [(packages[i].name, note) for i, _ in moved]
    return replace(workspace, packages=tuple(packages), notes=tuple(notes), moved=tuple(said))


def _loaded(
    workspace: Workspace, entry: Unreleased, read: Callable[[Path], Mapping[str, Any]]
) -> Package | None:
    """``entry`` read as a package (its version and where it is written), or None."""
    if not (entry.directory / "pyproject.toml").is_file() or entry.directory == workspace.root:
        return None
    try:
        return load_package(entry.directory, read(entry.directory), set(), workspace.config, False)
    except (RelnoxError, OSError):
        return None


def _moved_at(workspace: Workspace, pkg: Package, member: Package) -> list[str]:
    """The tags of ``pkg``'s last releases, newest first, at each of which ``member``'s
    files said that release's version (two at least), or nothing."""
    facts = pkg.tags
    if pkg.primary is None or facts is None or not same_version(pkg.version, member.version):
        return []
    finals = sorted((v for v in facts.released if not v.is_prerelease), reverse=True)[:_READ]
    tags = [tag_for(pkg, str(v), workspace.tag_format) for v in finals]
    if len(tags) < 2:
        return []
    for tag, version in zip(tags, finals, strict=True):  # a tag not there says nothing
        if not same_version(version_at(workspace.root, member.locations, tag), str(version)):
            return []
    return tags
