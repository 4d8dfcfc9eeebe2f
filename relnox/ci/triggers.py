"""The ``on.push.tags`` filters of ``release.yml``: the tags this repository releases with.

GitHub reads a filter as a glob whose ``*`` stops at ``/``, ``[0-9]+`` is one or more digits
and ``.`` is itself. The filters follow each package's tag convention as relnox read it
(:meth:`relnox.project.workspace.Workspace.tag_format_of`), fire for a package added later
where the convention allows it, and fire for no tag that releases nothing: another
project's tags beside ours, or the floating tags (``v10``, ``v10.6``) that a repository
moves to its newest release, whose run would fail its tag check on every release.
"""

from __future__ import annotations

import re

from packaging.version import Version

from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versioning import abbreviates


def tag_pattern(tag_format: str, parts: int = 0) -> str:
    """The ``on.push.tags`` filter matching tag-format (``{name}-v{version}`` -> ``*-v[0-9]*``);
    with ``parts``, versions of at least that many release numbers only (``v[0-9]+.[0-9]+.[0-9]+*``
    for 3: not ``v10`` nor ``v10.6``)."""
    dotted = ".".join(["[0-9]+"] * parts) + "*" if parts else "[0-9]*"
    underscored = "_".join(["[0-9]+"] * parts) + "*" if parts else "[0-9]*"
    return (
        re.sub(r"\{(name|dir)\}", "*", tag_format)
        .replace("{version}", dotted)
        .replace("{version_underscored}", underscored)
        .replace("{version_dotless}", "[0-9]*")
    )


def tag_patterns(workspace: Workspace) -> list[str]:
    """The tag filters of the release workflow: each package's convention, as detected.

    A convention read from the repository's tags is concrete (``core-v{version}``), so the
    workflow fires on this project's tags only, not another project's ``other-v1.0`` beside
    them, and a repository tagging ``0.28.1`` gets ``[0-9]*``. A configured or default
    ``{name}-v{version}`` stays a glob (``*-v[0-9]*``) so packages added later are covered,
    and so do the packages of one tag folder (``plugins/<dir>-v1.2.3``: one
    ``plugins/*-v[0-9]*``, not one pattern a package). A package whose repository
    moves floating tags (``v10`` and ``v10.6`` at the commit of ``v10.6.1``) gets a filter
    that asks for every release number (``v[0-9]+.[0-9]+.[0-9]+*``).
    """
    formats = [(workspace.tag_format_of(pkg), pkg) for pkg in workspace.packages]
    shared = [_folder_format(fmt, pkg) for fmt, pkg in formats]
    commits = _tag_commits(workspace)
    patterns = [
        tag_pattern(
            common if common and shared.count(common) > 1 else fmt,
            _release_parts(workspace, pkg, commits),
        )
        for (fmt, pkg), common in zip(formats, shared, strict=True)
    ]
    return list(dict.fromkeys(patterns)) or [tag_pattern(workspace.tag_format)]


def _folder_format(tag_format: str, pkg: Package) -> str | None:
    """``plugins/one-v{version}`` -> ``plugins/{dir}-v{version}``: a tag that
    names its package (directory or name) in a tag folder, as a format any package of that
    folder shares. Packages that share one become one glob (``plugins/*-v[0-9]*``):
    a hundred patterns read badly and miss the first tag of a package added later, and
    GitHub's ``*`` stops at ``/``, so the glob never reaches another folder's tags."""
    folder, slash, last = tag_format.rpartition("/")
    if not slash or not folder or "{" in folder:
        return None
    for spelled in dict.fromkeys((pkg.directory.name, pkg.name)):
        if spelled and last.startswith(spelled) and "{version" in last[len(spelled) :]:
            return f"{folder}/{{dir}}{last[len(spelled) :]}"
    return None


def _tag_commits(workspace: Workspace) -> dict[str, str]:
    """Every tag of the repository -> the commit it marks (none outside git)."""
    if not git.is_repo(workspace.root):
        return {}
    listing = git.git(
        workspace.root,
        "for-each-ref",
        "--format=%(refname:strip=2) %(objectname) %(*objectname)",
        "refs/tags",
        check=False,
    )
    found = {}
    for line in listing.splitlines():
        name, _, objects = line.partition(" ")
        own, _, peeled = objects.partition(" ")
        found[name] = peeled.strip() or own
    return found


def _release_parts(workspace: Workspace, pkg: Package, commits: dict[str, str]) -> int:
    """How many release numbers a release tag of ``pkg`` needs so that no floating tag fires:
    0 (any) unless a tag of it with a short version (``v10``, ``v10.6``) marks the commit
    of a longer one it begins (``v10.6.1``); then one more than the longest such tag has."""
    versions: dict[str, list[Version]] = {}
    for tag, commit in commits.items():
        text = workspace.version_of_tag(pkg, tag)
        if text is not None:
            versions.setdefault(commit, []).append(Version(text))
    floating = [v for group in versions.values() for v in group if abbreviates(v, group)]
    return max((len(v.release) + 1 for v in floating), default=0)
