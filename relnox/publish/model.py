"""The plan of a publish: where, with which credentials, which files in which order.

Made by :func:`relnox.publish.plan.plan_publish`, carried out by
:func:`relnox.publish.run.upload_all`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from relnox.artifacts.manifest import Manifest, PackageRecord
from relnox.publish.report import PlannedFile
from relnox.tools.credentials import Credentials
from relnox.tools.repositories import Repository


@dataclass(frozen=True)
class PublishPlan:
    repository: Repository
    credentials: Credentials
    records: tuple[PackageRecord, ...]  # upload order
    files: tuple[PlannedFile, ...]  # upload order, wheels before sdists
    manifest: Manifest
    new_projects: tuple[str, ...] = ()  # packages whose project the index does not have yet
    allowed_stale: Mapping[str, str] = field(default_factory=dict)  # --allow-stale: what changed

    @property
    def to_upload(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.action == "upload")

    def confirmation(self) -> str:
        files, packages = len(self.to_upload), len({f.package for f in self.to_upload})
        return (
            f"About to upload {files} file{'s' * (files != 1)} of {packages} "
            f"package{'s' * (packages != 1)} to {self.repository.label}. "
            "This cannot be undone. Continue? (yes/no)"
        )
