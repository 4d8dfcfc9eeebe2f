"""Versions that live in git tags (hatch-vcs, setuptools-scm, pdm scm).

relnox reports their version from the last tag of the package and bumps them by
creating the next tag; no file is edited.
"""

from __future__ import annotations

import dataclasses

from packaging.version import InvalidVersion, Version

from relnox import git
from relnox.tags import parse_tag, tag_glob
from relnox.workspace import Workspace


def last_tagged_version(workspace: Workspace, name: str, dir: str) -> str | None:
    if not git.is_repo(workspace.root):
        return None
    versions: list[Version] = []
    fmt = workspace.tag_format
    for tag in git.tags(workspace.root, tag_glob(fmt, name=name, dir=dir)):
        parsed = parse_tag(fmt, tag)
        if parsed is None:
            continue
        try:
            versions.append(Version(parsed.version))
        except InvalidVersion:
            continue
    return str(max(versions)) if versions else None


def resolve_vcs_versions(workspace: Workspace) -> Workspace:
    packages = tuple(
        dataclasses.replace(
            pkg, version=last_tagged_version(workspace, pkg.name, pkg.directory.name) or "0.0.0"
        )
        if pkg.vcs_versioned
        else pkg
        for pkg in workspace.packages
    )
    return dataclasses.replace(workspace, packages=packages)
