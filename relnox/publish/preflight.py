"""What a publish checks before the first upload: which built files are the release's, and
what the index says of each (with our sha256: skipped; other content, or too late: refused)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.artifacts.manifest import Manifest, PackageRecord
from relnox.errors import PublishError
from relnox.project.workspace import Workspace
from relnox.tools.credentials import Credentials
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository
from relnox.tools.simple_api import IndexReader, Patience

if TYPE_CHECKING:
    from relnox.publish.report import PlannedFile
    from relnox.publish.route import TagRoute


logger = logging.getLogger("relnox")


def select_records(
    workspace: Workspace, manifest: Manifest, names: Sequence[str], route: TagRoute | None
) -> tuple[PackageRecord, ...]:
    """The records of the release: ``names`` (or the tag's package) and their lockstep
    groups, else every package built (at the tag's version, with a tag)."""
    wanted = list(names) or ([route.package] if route and route.package else [])
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
    """Each file of ``records``, wheels first; a package the tag names is of its version
    (one from git tags is what the backend builds at the commit: 1.0.1.dev1 past v1.0.0)."""
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


def index_reader(
    repository: Repository,
    credentials: Credentials,
    network: NetworkSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> IndexReader:
    return IndexReader(
        repository.simple_url,
        credentials.basic_auth(),
        repository.origins,
        Patience.of(network, sleep),
    )


def against_index(
    workspace: Workspace,
    manifest: Manifest,
    records: Sequence[PackageRecord],
    repo: Repository,
    reader: IndexReader,
) -> tuple[list[PlannedFile], list[str], list[str], list[str]]:
    """Each file to upload or skip, the files the index has with other content, the new
    projects, and the files past the upload window; refused project statuses raise."""
    from relnox.publish.owner import check_owner
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
        indexed = page.files
        check_owner(
            workspace.get(record.name),
            workspace,
            record.version,
            indexed,
            {a.filename: a.sha256 for a in record.files},
            repo,
            reader.sha256,
            manifest.dist_dir,
        )
        for artifact in sorted(record.files, key=lambda a: a.kind != "wheel"):
            on_index = indexed.get(artifact.filename)
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
    new = [r.name for r in records if not pages[r.name].files]
    return planned, conflicts, new, late
