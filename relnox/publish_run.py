"""Carrying out a publish plan: one ``twine upload`` per package, resumable, with backoff.

Packages go in dependency order; twine sends a package's wheels, then its sdist,
and stops at the first error. After any failure the index is asked which files
arrived (with our sha256): those count as uploaded, so a retry or a rerun never
sends a file twice. Transient failures (connection errors, timeouts, 5xx, 429)
are retried with exponential backoff; anything else stops the package. Without
``keep_going`` the first failed package stops the run; with it, only the
packages that depend on the failed one are held back.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from relnox.errors import PublishError
from relnox.publish_report import (
    FAILED,
    HELD_BACK,
    NOT_ATTEMPTED,
    SKIPPED,
    UPLOADED,
    FileOutcome,
    PlannedFile,
    PublishResult,
)
from relnox.simple_api import file_sha256, project_files
from relnox.uploader import EXISTS, OK, TRANSIENT, Runner, failure_message, upload_once
from relnox.workspace import Workspace

if TYPE_CHECKING:
    from relnox.publish import PublishPlan

logger = logging.getLogger("relnox")


@dataclass
class PackageUploader:
    plan: PublishPlan
    environ: Mapping[str, str]
    run: Runner
    retries: int = 3
    retry_delay: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    verbose: bool = False

    def arrived(self, files: Sequence[PlannedFile]) -> tuple[set[str], list[PlannedFile]] | None:
        """Which ``files`` the index lists with our sha256, and which with other content.

        ``None`` when the index cannot be asked right now.
        """
        if not files:
            return set(), []
        auth = self.plan.credentials.basic_auth()
        try:
            listing = project_files(
                self.plan.repository.simple_url,
                files[0].package,
                auth=auth,
                retry_delay=self.retry_delay,
            )
            same: set[str] = set()
            other: list[PlannedFile] = []
            for planned in files:
                entry = listing.get(planned.filename)
                if entry is None:
                    continue
                if file_sha256(entry, auth=auth, retry_delay=self.retry_delay) == planned.sha256:
                    same.add(planned.filename)
                else:
                    other.append(planned)
        except PublishError as exc:
            logger.warning("    cannot tell what arrived: %s", exc)
            return None
        return same, other

    def upload(self, outcomes: Sequence[FileOutcome]) -> str | None:
        """Upload one package's files; the error that stopped it, or ``None``."""
        remaining = list(outcomes)
        failures = 0
        while remaining:
            for outcome in remaining:
                outcome.attempts += 1
            started = time.monotonic()
            attempt = upload_once(
                [o.file.path for o in remaining],
                self.plan.repository,
                self.plan.credentials,
                environ=self.environ,
                run=self.run,
                verbose=self.verbose,
            )
            if attempt.kind == OK:
                for outcome in remaining:
                    outcome.status = UPLOADED
                names = ", ".join(o.file.filename for o in remaining)
                logger.info("    uploaded %s (%.1fs)", names, time.monotonic() - started)
                return None
            found = self.arrived([o.file for o in remaining])
            if found is not None:
                same, other = found
                for outcome in remaining:
                    if outcome.file.filename in same:
                        outcome.status = UPLOADED
                if other:
                    return self._stop(
                        [o for o in remaining if o.status != UPLOADED],
                        other[0],
                        f"{self.plan.repository.label} already has {other[0].filename} with "
                        "different content; versions on an index are immutable: bump the "
                        "version (relnox bump) and rebuild",
                    )
                remaining = [o for o in remaining if o.status != UPLOADED]
                if not remaining:
                    return None
            if attempt.kind == TRANSIENT and failures < self.retries:
                failures += 1
                delay = self.retry_delay * 2 ** (failures - 1)
                logger.warning(
                    "    %s; retrying in %.1fs (attempt %d of %d)",
                    attempt.detail,
                    delay,
                    failures + 1,
                    self.retries + 1,
                )
                self.sleep(delay)
                continue
            failing = remaining[0].file
            if attempt.kind == EXISTS and found is not None:
                message = (
                    f"{self.plan.repository.label} refused {failing.filename} (HTTP "
                    f"{attempt.status}) and does not list it; check the file's metadata and that "
                    "the project name is yours on that index"
                )
            else:
                message = failure_message(
                    dataclasses.replace(attempt, attempts=failures + 1),
                    failing.filename,
                    failing.package,
                    self.plan.repository,
                    self.plan.credentials,
                )
            return self._stop(remaining, failing, message)
        return None

    @staticmethod
    def _stop(remaining: Sequence[FileOutcome], failing: PlannedFile, message: str) -> str:
        for outcome in remaining:
            if outcome.file == failing:
                outcome.status, outcome.error = FAILED, message
            else:
                outcome.status = NOT_ATTEMPTED
        return message


def upload_all(
    plan: PublishPlan,
    result: PublishResult,
    workspace: Workspace,
    uploader: PackageUploader,
    *,
    keep_going: bool = False,
) -> None:
    """Every package of ``plan`` in order; outcomes are added to ``result``."""
    held: dict[str, str] = {}  # package -> the failed package it needs
    stopped = False
    sending = [r.name for r in plan.records if any(f.package == r.name for f in plan.to_upload)]
    for record in plan.records:
        outcomes = [FileOutcome(f, SKIPPED) for f in plan.files if f.package == record.name]
        result.outcomes += outcomes
        for outcome in outcomes:
            if outcome.file.action == "skip":
                logger.info("  %s: %s already published", record.name, outcome.file.filename)
        todo = [o for o in outcomes if o.file.action == "upload"]
        if not todo:
            continue
        if stopped or record.name in held:
            for outcome in todo:
                outcome.status = HELD_BACK if record.name in held else NOT_ATTEMPTED
                if record.name in held:
                    outcome.error = f"held back: it needs {held[record.name]}, whose upload failed"
            continue
        logger.info(
            "[%d/%d] %s %s: uploading %s",
            sending.index(record.name) + 1,
            len(sending),
            record.name,
            record.version,
            ", ".join(o.file.filename for o in todo),
        )
        error = uploader.upload(todo)
        if error is None:
            continue
        result.error = result.error or error
        if not keep_going:  # the run ends with this error: the caller reports it, once
            stopped = True
            continue
        logger.error("  %s: %s", record.name, error)
        for dependent in workspace.dependents(record.name):
            held.setdefault(dependent.name, record.name)
    waiting = sorted({f.package for f in plan.files if f.package in held})
    if waiting:
        logger.warning("held back because a dependency failed: %s", ", ".join(waiting))
