"""Whether a project name on an index is this repository's, asked before any upload: when
the index has versions and none is ours (a tag, a changelog section, a version file in
HEAD's history, an earlier upload from here), the name is another project's."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Set
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.artifacts.checks import name_and_version
from relnox.errors import PublishError, shortlist
from relnox.files import read_bytes
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.tools.repositories import Repository
from relnox.tools.simple_pages import IndexedFile
from relnox.versions.arithmetic import maybe_version

logger = logging.getLogger("relnox")

SHOWN = 5  # versions named in the message


def _version(value: object) -> Version | None:
    return maybe_version(value) if isinstance(value, str) else None


def our_versions(pkg: Package, workspace: Workspace) -> set[Version]:
    """The versions of ``pkg``'s tags and changelog sections."""
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
                if (version := _version(value)) is not None:
                    versions.add(version)
    return versions


def carried_versions(pkg: Package, workspace: Workspace) -> set[Version]:
    """Every version a commit of HEAD's history wrote in one of ``pkg``'s version files."""
    from relnox.versions.sources import value_in

    root = workspace.root
    if not pkg.locations or not git.is_repo(root):
        return set()
    versions: set[Version] = set()
    with git.Blobs(root) as blobs:
        for loc in pkg.locations:
            where = rel(loc.path, root)
            commits = git.git(root, "log", "--format=%H", "HEAD", "--", where, check=False)
            for commit in commits.split():
                text = blobs.show(commit, "./" + where)
                if text is not None and (found := _version(value_in(loc, text))) is not None:
                    versions.add(found)
    return versions


def carries_any(pkg: Package, workspace: Workspace, versions: Set[Version]) -> bool:
    """Whether one of ``versions`` is this repository's (its history read only when needed)."""
    return bool(versions & our_versions(pkg, workspace)) or bool(
        versions & carried_versions(pkg, workspace)
    )


def recorded_versions(name: str, repo: Repository, dist_dir: Path | None) -> set[Version]:
    """The versions of ``name`` the last ``publish-report.json`` from ``dist_dir`` to ``repo``
    lists as uploaded or already there."""
    if dist_dir is None:
        return set()
    from relnox.artifacts.manifest import state_dir
    from relnox.publish.report import REPORT_JSON, SKIPPED, UPLOADED

    done = (UPLOADED.value, SKIPPED.value)
    try:
        report = json.loads(read_bytes(state_dir(dist_dir) / REPORT_JSON))
        if report["repository"]["upload_url"] != repo.upload_url:
            return set()
        return {
            version
            for entry in report["packages"]
            if canonicalize_name(entry["name"]) == canonicalize_name(name)
            and any(f["status"] in done for f in entry["files"])
            and (version := _version(entry["version"])) is not None
        }
    except (OSError, ValueError, LookupError, TypeError):
        return set()  # no record (or not one relnox wrote): nothing is known from it


def check_owner(
    pkg: Package,
    workspace: Workspace,
    version: str,
    indexed: Mapping[str, IndexedFile],
    ours: Mapping[str, str],
    repo: Repository,
    sha256: Callable[[IndexedFile], str],
    dist_dir: Path | None = None,
) -> None:
    """Raise :class:`PublishError` when ``pkg``'s name on ``repo`` (files ``indexed``) is
    another project's; ``ours``: the sha256 of each file to publish."""
    on_index = {found[1] for n in indexed if (found := name_and_version(n)) is not None}
    on_index -= {Version(version)}
    if not on_index:
        return  # a new name, or only this version: the immutable-version check speaks
    if on_index & recorded_versions(pkg.name, repo, dist_dir):
        return  # relnox uploaded them from here
    if carries_any(pkg, workspace, on_index):
        return  # released, or carried by the history (a trial upload): the name is ours
    if any(sha256(indexed[n]) == sha for n, sha in ours.items() if n in indexed):
        return  # our very files are there: we published this version before
    shown = shortlist(sorted(on_index, reverse=True), SHOWN)
    raise PublishError(
        f"the name {pkg.name} on {repo.label} belongs to another project (versions {shown}, "
        "which this repository never carried: no tag, changelog section, commit of "
        "its version files or earlier upload from here names them); rename the package or "
        "claim the name (if those versions are yours, tag them so relnox knows them); "
        "nothing was uploaded"
    )
