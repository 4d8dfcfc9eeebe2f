"""``release.yml``'s tag filters: each package's tag convention, never a floating tag."""

from __future__ import annotations

import re

from packaging.version import Version

from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import abbreviates
from relnox.versions.tag_model import glob_regex


def tag_pattern(tag_format: str, parts: int = 0) -> str:
    """``{name}-v{version}`` -> ``*-v[0-9]*``; ``parts``: versions of that many numbers."""
    dotted = ".".join(["[0-9]+"] * parts) + "*" if parts else "[0-9]*"
    underscored = "_".join(["[0-9]+"] * parts) + "*" if parts else "[0-9]*"
    return (
        re.sub(r"\{(name|dir)\}", "*", tag_format)
        .replace("{version}", dotted)
        .replace("{version_underscored}", underscored)
        .replace("{version_dotless}", "[0-9]*")
    )


def tag_patterns(workspace: Workspace) -> list[str]:
    """Each package's tag convention with its own name; one tag folder's share a glob."""
    formats = [(workspace.tag_format_of(pkg), pkg) for pkg in workspace.packages]
    shared = [_folder_format(fmt, pkg) for fmt, pkg in formats]
    commits = git.tag_commits(workspace.root) if git.is_repo(workspace.root) else {}
    patterns = [
        tag_pattern(
            common if common and shared.count(common) > 1 else _own(fmt, pkg),
            _release_parts(workspace, pkg, commits),
        )
        for (fmt, pkg), common in zip(formats, shared, strict=True)
    ]
    return list(dict.fromkeys(patterns)) or [tag_pattern(workspace.tag_format)]


def _own(tag_format: str, pkg: Package) -> str:
    """``{name}-v{version}`` -> ``core-v{version}``: the format of ``pkg``'s tags alone."""
    return tag_format.replace("{name}", pkg.name).replace("{dir}", pkg.directory.name)


def _folder_format(tag_format: str, pkg: Package) -> str | None:
    """``plugins/one-v{version}`` -> ``plugins/{dir}-v{version}``, shared by that folder."""
    folder, slash, last = tag_format.rpartition("/")
    if not slash or not folder or "{" in folder:
        return None
    for spelled in dict.fromkeys((pkg.directory.name, pkg.name)):
        if spelled and last.startswith(spelled) and "{version" in last[len(spelled) :]:
            return f"{folder}/{{dir}}{last[len(spelled) :]}"
    return None


def _release_parts(workspace: Workspace, pkg: Package, commits: dict[str, str]) -> int:
    """How many release numbers a tag of ``pkg`` needs so that no floating tag fires."""
    versions: dict[str, list[Version]] = {}
    for tag, commit in commits.items():
        text = workspace.version_of_tag(pkg, tag)
        if text is not None:
            versions.setdefault(commit, []).append(Version(text))
    floating = [v for group in versions.values() for v in group if abbreviates(v, group)]
    return max((len(v.release) + 1 for v in floating), default=0)


def tag_regex(workspace: Workspace) -> str:
    """:func:`tag_patterns` as one expression for GitLab's ``$CI_COMMIT_TAG =~ /.../``."""
    alternatives = "|".join(glob_regex(p) for p in tag_patterns(workspace))
    return f"^(?:{alternatives})$".replace("/", "\\/")
