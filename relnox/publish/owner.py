"""Whether a project name on an index is this repository's: asked before any upload.

An index's project page lists the files of every version under that name. When it has
versions and none of them is one this repository ever had (a tag of the package, or a
section of its changelog), and the version to publish is not there as our own file,
the name belongs to another project: the upload would be refused (or, worse, land in
someone else's project), and bumping the version cannot help. The fix is to rename
the package or to claim the name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox.artifacts.checks import name_and_version
from relnox.errors import PublishError
from relnox.files import read_bytes
from relnox.project.workspace import Package, Workspace
from relnox.tools.simple_pages import IndexedFile

logger = logging.getLogger("relnox")

SHOWN = 5  # versions named in the message


def our_versions(pkg: Package, workspace: Workspace) -> set[Version]:
    """Every version this repository had of ``pkg``: its tags and its changelog sections."""
    versions: set[Version] = set(pkg.tags.released) if pkg.tags is not None else set()
    changelog = pkg.changelog(workspace.config)
    if changelog is not None:
        # asked only of a name the index knows already: a first publish never loads it
        from relnox.project.changelog import sections

        try:
            text = read_bytes(changelog).decode("utf-8", "replace")
        except OSError:
            text = ""
        for section in sections(text):
            for name, value in section.versions:
                if name is not None and canonicalize_name(name) != pkg.name:
                    continue
                try:
                    versions.add(Version(value))
                except InvalidVersion:
                    continue
    return versions


def _versions_of(files: Iterable[str]) -> set[Version]:
    return {parsed[1] for name in files if (parsed := name_and_version(name)) is not None}


def check_owner(
    pkg: Package,
    workspace: Workspace,
    version: str,
    indexed: Mapping[str, IndexedFile],
    ours: Mapping[str, str],
    where: str,
    sha256: Callable[[IndexedFile], str],
) -> None:
    """Raise :class:`PublishError` when the name ``pkg`` has on the index ``where`` (its
    files ``indexed``) belongs to another project. ``ours`` maps the file names to
    publish onto their sha256; ``sha256`` gives an indexed file's (downloading it when
    the index lists none)."""
    on_index = _versions_of(indexed)
    if not on_index:
        return  # a new name
    current = Version(version)
    history = our_versions(pkg, workspace) - {current}
    if on_index & history:
        return  # a version we released is there: the name is ours
    if any(sha256(indexed[n]) == sha for n, sha in ours.items() if n in indexed):
        return  # our very files are there: we published this version before
    others = sorted(on_index - {current}, reverse=True)
    if not others:
        return  # only this version, with other content: the immutable-version check says so
    shown = ", ".join(str(v) for v in others[:SHOWN])
    more = f" and {len(others) - SHOWN} more" if len(others) > SHOWN else ""
    raise PublishError(
        f"the name {pkg.name} on {where} belongs to another project (versions {shown}{more} "
        "that this repository never released); rename the package or claim the name "
        "(if those versions are yours, tag them so relnox knows them); nothing was uploaded"
    )
