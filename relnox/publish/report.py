"""What a publish did: per file outcomes, ``publish-report.json`` and the closing table."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from relnox.artifacts.manifest import ensure_state_dir, state_dir
from relnox.atomic import write_atomic
from relnox.errors import PublishError, RelnoxError
from relnox.redact import redact
from relnox.stage import Status
from relnox.tools.repositories import Repository

logger = logging.getLogger("relnox")

REPORT_JSON = "publish-report.json"


class UploadStatus(Status):
    WOULD_UPLOAD = "would-upload"  # dry run
    UPLOADED = "uploaded"
    SKIPPED = "skipped"  # already on the index with the same sha256
    FAILED = "failed"
    HELD_BACK = "held-back"  # a dependency failed (--keep-going)
    NOT_ATTEMPTED = "not-attempted"  # relnox stopped at an earlier failure


WOULD_UPLOAD, UPLOADED, SKIPPED, FAILED, HELD_BACK, NOT_ATTEMPTED = UploadStatus


@dataclass(frozen=True)
class PlannedFile:
    package: str
    version: str
    filename: str
    kind: str  # "wheel" or "sdist"
    path: Path
    sha256: str
    action: str  # "upload" or "skip"
    reason: str = ""  # why it is skipped

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def describe(self) -> str:
        if self.action == "skip":
            return f"skip    {self.filename} ({self.reason})"
        return f"upload  {self.filename}  sha256:{self.sha256[:16]}…"


@dataclass
class FileOutcome:
    file: PlannedFile
    status: UploadStatus
    attempts: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.file.filename,
            "kind": self.file.kind,
            "sha256": self.file.sha256,
            "status": self.status.value,
            "attempts": self.attempts,
            "error": redact(self.error) if self.error else None,
        }


@dataclass(frozen=True)
class PackageOutcome:
    """One package of a publish, the row its table, JSON and fix-forward lines read."""

    name: str
    version: str
    page: str
    files: list[FileOutcome]

    @property
    def status(self) -> str:  # the worst of its files'
        statuses = {o.status for o in self.files}
        worst = (FAILED, HELD_BACK, NOT_ATTEMPTED, WOULD_UPLOAD, UPLOADED)
        return next((status for status in worst if status in statuses), SKIPPED)

    def row(self) -> dict[str, Any]:
        return {
            "package": self.name,
            "version": self.version,
            "uploaded": sum(o.status in (UPLOADED, WOULD_UPLOAD) for o in self.files),
            "skipped": sum(o.status == SKIPPED for o in self.files),
            "status": self.status,
            "page": self.page,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "page": self.page,
            "files": [o.to_json() for o in self.files],
        }


@dataclass
class PublishResult:
    repository: Repository
    credentials: str  # where the credentials came from (never the secret)
    dry_run: bool
    packages: list[tuple[str, str]]  # (name, version) in upload order
    outcomes: list[FileOutcome] = field(default_factory=list)
    error: str | None = None  # the failure that stopped the run
    report_path: Path | None = None
    started: str = field(default_factory=lambda: _now())
    finished: str = ""
    new_projects: list[str] = field(default_factory=list)  # projects this publish creates
    graph: str = ""  # the tiers as Mermaid (for a job summary)
    allowed_stale: dict[str, str] = field(default_factory=dict)  # --allow-stale: what changed
    #: packages whose files arrived but the index did not list (within the wait, or with
    #: our sha256): sent, not live
    not_shown: list[str] = field(default_factory=list)

    def with_status(self, *statuses: UploadStatus) -> list[str]:
        return [o.file.filename for o in self.outcomes if o.status in statuses]

    @property
    def uploaded(self) -> list[str]:
        return self.with_status(UPLOADED)

    @property
    def skipped(self) -> list[str]:
        return self.with_status(SKIPPED)

    @property
    def failed(self) -> list[str]:
        return self.with_status(FAILED)

    @property
    def held_back(self) -> list[str]:
        return sorted({o.file.package for o in self.outcomes if o.status == HELD_BACK})

    @property
    def ok(self) -> bool:
        return not self.with_status(FAILED, HELD_BACK, NOT_ATTEMPTED) and self.error is None

    def by_package(self) -> list[PackageOutcome]:
        """Each package's row, in upload order, in one pass over the outcomes."""
        mine: dict[str, list[FileOutcome]] = {name: [] for name, _ in self.packages}
        for outcome in self.outcomes:
            mine.setdefault(outcome.file.package, []).append(outcome)
        page = self.repository.project_page
        return [
            PackageOutcome(name, version, page(name), mine[name]) for name, version in self.packages
        ]

    def fix_forward(self) -> list[str]:
        """After a partial publish: what is live, what is not, and how to finish."""
        if self.ok or self.dry_run:
            return []
        done, late = (UPLOADED, SKIPPED), set(self.not_shown)
        rows = self.by_package()
        live = [f"{p.name} {p.version}" for p in rows if p.status in done and p.name not in late]
        stuck = [p for p in rows if p.status not in done or p.name in late]
        not_shown = ", not shown on the index"
        lines = [
            f"live on {self.repository.label}: " + (", ".join(live) or "nothing"),
            "not published: "
            + ", ".join(
                f"{p.name} {p.version} ({p.status}{not_shown * (p.name in late)})" for p in stuck
            ),
            "to finish: fix the cause and run the same command again (only what is missing "
            "is sent)",
        ]
        # a refused file never took its name; a package half live cannot take rebuilt files
        split = [
            p.name
            for p in stuck
            if p.status == FAILED and p.name not in late and any(o.status in done for o in p.files)
        ]
        if split:
            names = " ".join(f"-p {n}" for n in split)
            lines.append(
                f"{', '.join(split)}: some files are live, the others failed; if the fix needs "
                "a rebuild, the rebuilt files cannot join the live ones: relnox bump --part "
                f"post {names} (or --part patch), rebuild and publish those"
            )
        return lines

    def describe(self, verbose: int = 0) -> list[str]:
        """The files of a dry run, then the packages that need attention (all with ``verbose``)."""
        from relnox.report import MANY, attention

        lines = []
        each = verbose or len(self.packages) < MANY  # else counted: the table says the rest
        if self.dry_run:
            files = [
                f"  {o.file.package} {o.file.version}: {o.file.describe()}" for o in self.outcomes
            ]
            if files and not each:
                files = [f"  {len(files)} files (-v lists each with its sha256)"]
            lines += [
                f"Dry run: nothing is uploaded to {self.repository.where}",
                f"credentials: {self.credentials}",
                *(files or ["  nothing to publish"]),
            ]
            if self.new_projects:
                new = self.new_projects
                named = ", ".join(new) if each else f"{len(new)} (-v names them)"
                lines.append(f"new projects on {self.repository.label}: {named}")
        columns = ["package", "version", "uploaded", "skipped", "status", "page"]
        if self.report_path:  # before the outcome: the closing line is what -q keeps
            lines.append(f"report: {self.report_path}")
        return lines + attention(self.rows(), columns, _fine, verbose)

    def raise_for_failures(self) -> None:
        if not self.ok:
            more = f"; see {self.report_path}" if self.report_path else ""
            raise PublishError(f"{self.error or 'some files were not uploaded'}{more}")

    def rows(self) -> list[dict[str, Any]]:
        """One row per package for :func:`relnox.report.render_table`."""
        return [row.row() for row in self.by_package()]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "started": self.started,
            "finished": self.finished,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "repository": self.repository.to_json(),
            "credentials": self.credentials,
            "error": redact(self.error) if self.error else None,
            "packages": [row.to_json() for row in self.by_package()],
            "uploaded": self.uploaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "held_back": self.held_back,
            "new_projects": self.new_projects,
            "allowed_stale": self.allowed_stale,
            "fix_forward": self.fix_forward(),
        }

    def summary(self) -> dict[str, Any]:
        return {
            "repository": self.repository.name,
            "packages": [name for name, _ in self.packages],
            "versions": dict(self.packages),
            "uploaded": self.uploaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "held_back": self.held_back,
            "dry_run": self.dry_run,
            "new_projects": self.new_projects,
            "allowed_stale": self.allowed_stale,
            "report": str(self.report_path) if self.report_path else None,
            **({"graph": self.graph} if self.graph else {}),
        }


def _fine(row: Mapping[str, Any]) -> str | None:
    status = str(row["status"])
    if status not in (UPLOADED, WOULD_UPLOAD, SKIPPED):
        return None
    return "already published" if status == SKIPPED else status


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_report(result: PublishResult, dist_dir: Path) -> Path | None:
    """``publish-report.json``, secrets masked; unwritable: a warning (the uploads are done)."""
    result.finished = _now()
    path = state_dir(dist_dir) / REPORT_JSON
    try:
        ensure_state_dir(dist_dir)
        write_atomic(
            path, redact(json.dumps(result.to_json(), indent=2)) + "\n", through_link=False
        )
    except (OSError, RelnoxError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        logger.warning(
            "%s could not be written (%s); the publish itself is done: what it did is said "
            "here, and relnox audit reads it back from the index",
            path,
            why,
        )
        return None
    result.report_path = path
    return path
