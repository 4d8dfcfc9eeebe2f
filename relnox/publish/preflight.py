"""What a publish checks before the first upload: the release's files, what the index says of
each, and whether each project name there is ours (one of its versions is)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.artifacts.checks import versions_in
from relnox.artifacts.manifest import Manifest, PackageRecord
from relnox.errors import PublishError, shortlist
from relnox.files import read_bytes
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.tools.repositories import Repository
from relnox.tools.simple_api import IndexReader
from relnox.tools.simple_pages import IndexedFile
from relnox.versions.arithmetic import maybe_version

if TYPE_CHECKING:
    from relnox.publish.report import PlannedFile
    from relnox.publish.route import TagRoute


logger = logging.getLogger("relnox")


def select_records(
    workspace: Workspace, manifest: Manifest, wanted: Sequence[str], route: TagRoute | None
) -> tuple[PackageRecord, ...]:
    """``wanted`` (or the tag's) and their lockstep groups, else every package built."""
    if wanted:  # --package (or a tag's): the selection's rules, loaded only then
        from relnox.project.selection import select_packages

        return tuple(manifest.get(p.name) for p in select_packages(workspace, wanted).packages)
    built = {r.name for r in manifest.packages}
    records = tuple(manifest.get(p.name) for p in workspace.packages if p.name in built)
    if route is not None:
        records = tuple(r for r in records if Version(r.version) == Version(route.version))
        if not records:
            raise PublishError(
                f"tag {route.tag} is for version {route.version}, but no package in "
                f"{manifest.dist_dir} was built at that version; build the tagged commit"
            )
    return records


def check_files(
    manifest: Manifest, records: Sequence[PackageRecord], route: TagRoute | None
) -> list[tuple[PackageRecord, Path]]:
    """Each file of ``records``, wheels first; a package the tag names is of its version."""
    checked: list[tuple[PackageRecord, Path]] = []
    for record in records:
        # a tag naming one package speaks for it only (auto-tag's run names the others)
        tagged = route is not None and route.package in (None, record.name)
        if route is not None and tagged and Version(record.version) != Version(route.version):
            raise PublishError(
                f"tag {route.tag} is for version {route.version} but {record.name} was built at "
                f"{record.version}; build the tagged commit or publish without --from-tag"
            )
        for artifact in sorted(record.files, key=lambda a: a.kind != "wheel"):
            checked.append((record, manifest.dist_dir / artifact.filename))
    return checked


def against_index(
    workspace: Workspace,
    manifest: Manifest,
    records: Sequence[PackageRecord],
    repo: Repository,
    reader: IndexReader,
) -> tuple[list[PlannedFile], list[str]]:
    """Each file to upload or skip, and the new projects; refused project statuses, other
    content under our file names and files past the upload window raise."""
    from relnox.publish.report import PlannedFile
    from relnox.publish.rules import late_files, status_problems, upload_window_days

    pages = {r.name: reader.page(r.name) for r in records}
    refused, warnings = status_problems(pages, repo.label)
    for warning in warnings:
        logger.warning("%s", warning)
    if refused:
        raise PublishError("; ".join(refused) + "; nothing was uploaded")
    window = upload_window_days(workspace, repo)
    planned: list[PlannedFile] = []
    conflicts: list[str] = []
    late: list[str] = []
    for record in records:
        page = pages[record.name]
        check_owner(workspace, record, page.files, repo, reader, manifest.dist_dir)
        for artifact in sorted(record.files, key=lambda a: a.kind != "wheel"):
            on_index = page.files.get(artifact.filename)
            action, reason = "upload", ""
            if on_index is not None:
                remote = reader.sha256(on_index, artifact.size)
                if remote != artifact.sha256:
                    conflicts.append(
                        f"{artifact.filename} (index sha256 {remote}, built {artifact.sha256})"
                    )
                    continue
                action, reason = "skip", "already published"
            planned.append(
                PlannedFile(
                    record.name,
                    record.version,
                    artifact.filename,
                    artifact.kind,
                    manifest.dist_dir / artifact.filename,
                    artifact.sha256,
                    action,
                    reason,
                )
            )
            logger.debug("  %s: %s", record.name, planned[-1].describe())
        if window is not None:
            sending = [
                f.filename for f in planned if f.package == record.name and f.action == "upload"
            ]
            problem = late_files(record.name, record.version, page, sending, window, repo.label)
            if problem:
                late.append(problem)
    if conflicts:
        raise PublishError(
            f"{repo.label} already has different files under the same names: {'; '.join(conflicts)}; "
            "versions on an index are immutable, so bump the version (relnox bump) and rebuild; "
            "nothing was uploaded"
        )
    if late:
        raise PublishError("; ".join(late) + "; nothing was uploaded")
    return planned, [r.name for r in records if not pages[r.name].files]


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
    return any(versions & found(pkg, workspace) for found in (our_versions, carried_versions))


def recorded_versions(name: str, repo: Repository, dist_dir: Path) -> set[Version]:
    """The versions of ``name`` the last publish-report.json to ``repo`` lists as there."""
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
    workspace: Workspace,
    record: PackageRecord,
    indexed: Mapping[str, IndexedFile],
    repo: Repository,
    reader: IndexReader,
    dist_dir: Path,
) -> None:
    """Raise when ``record``'s name on ``repo`` (files ``indexed``) is another project's."""
    pkg = workspace.get(record.name)
    on_index = versions_in(indexed) - {Version(record.version)}
    if not on_index:
        return  # a new name, or only this version: the immutable-version check speaks
    if on_index & recorded_versions(pkg.name, repo, dist_dir):
        return  # relnox uploaded them from here
    if carries_any(pkg, workspace, on_index):
        return  # released, or carried by the history (a trial upload): the name is ours
    if any(
        reader.sha256(indexed[a.filename]) == a.sha256
        for a in record.files
        if a.filename in indexed
    ):
        return  # our very files are there: we published this version before
    shown = shortlist(sorted(on_index, reverse=True), SHOWN)
    raise PublishError(
        f"the name {pkg.name} on {repo.label} belongs to another project (versions {shown}, "
        "which this repository never carried: no tag, changelog section, commit of "
        "its version files or earlier upload from here names them); rename the package or "
        "claim the name (if those versions are yours, tag them so relnox knows them); "
        "nothing was uploaded"
    )
