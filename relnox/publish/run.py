"""Carrying out a publish plan: one ``twine upload`` per file, resumable, with backoff.

Packages go in dependency order, a package's wheels before its sdist; a failed
file stops its package. After any failure the index is asked about *that* file:
listed with our sha256, it arrived (or, after a 400/409 "already exists", was there
already: skipped), so a retry or a rerun never sends a file twice; listed with other
content, it is refused by name. Transient failures (connection errors, timeouts,
stalls, 5xx, 429) are retried ``[tool.relnox.network] retries`` times with
exponential backoff; anything else stops the package. Without
``keep_going`` the first failed package stops the run; with it, only the
packages that depend on the failed one are held back.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from relnox.errors import PublishError
from relnox.project.workspace import Workspace
from relnox.publish.model import PublishPlan
from relnox.publish.report import (
    FAILED,
    HELD_BACK,
    NOT_ATTEMPTED,
    SKIPPED,
    UPLOADED,
    FileOutcome,
    PlannedFile,
    PublishResult,
)
from relnox.tools.network import NetworkSettings
from relnox.tools.simple_api import IndexReader
from relnox.tools.twine import EXISTS, OK, STALL, TRANSIENT, Runner, failure_message, upload_once

logger = logging.getLogger("relnox")

# what the index says about a file after a failed upload
SAME, OTHER, ABSENT = "same", "other", "absent"
#: what twine says when it posts a file again after a 5xx answer
_TWINE_REPOSTED = "upload appears to have failed"


@dataclass
class PackageUploader:
    plan: PublishPlan
    environ: Mapping[str, str]
    run: Runner
    reader: IndexReader
    network: NetworkSettings = field(default_factory=NetworkSettings)
    sleep: Callable[[float], None] = time.sleep
    verbose: bool = False
    attestations: bool = False  # upload each file's PEP 740 attestations with it

    def on_index(self, file: PlannedFile) -> str | None:
        """Whether the index lists ``file``: ``SAME`` (our sha256), ``OTHER`` or ``ABSENT``.

        ``None`` when the index cannot be asked right now.
        """
        try:
            entry = self.reader.files(file.package).get(file.filename)
            if entry is None:
                return ABSENT
            remote = self.reader.sha256(entry, file.path.stat().st_size)
        except PublishError as exc:
            logger.warning("    cannot tell whether %s arrived: %s", file.filename, exc)
            return None
        return SAME if remote == file.sha256 else OTHER

    def upload(self, outcomes: Sequence[FileOutcome]) -> str | None:
        """Upload one package's files in order, one twine run each; the error that stopped it."""
        for i, outcome in enumerate(outcomes):
            error = self.upload_file(outcome)
            if error is not None:
                for later in outcomes[i + 1 :]:
                    later.status = NOT_ATTEMPTED
                return error
        return None

    def upload_file(self, outcome: FileOutcome) -> str | None:
        """One file, retried on transient failures; ``None`` once the index has it."""
        file = outcome.file
        label = self.plan.repository.label
        failures = 0
        while True:
            outcome.attempts += 1
            started = time.monotonic()
            attempt = upload_once(
                [file.path],
                self.plan.repository,
                self.plan.credentials,
                environ=self.environ,
                run=self.run,
                verbose=self.verbose,
                attestations=self.attestations,
            )
            if attempt.kind == OK:
                outcome.status = UPLOADED
                logger.info("    uploaded %s (%.1fs)", file.filename, time.monotonic() - started)
                return None
            found = self.on_index(file)
            if attempt.kind == EXISTS and found == ABSENT:
                found = self.look_again(file)
            if found == SAME:
                # an earlier try of this run may have stored it with the answer lost (twine
                # itself posts again after a 5xx); otherwise the index had it already
                ours = failures > 0 or attempt.kind != EXISTS or _TWINE_REPOSTED in attempt.output
                outcome.status = UPLOADED if ours else SKIPPED
                logger.info(
                    "    %s: %s",
                    file.filename,
                    "arrived" if ours else f"already on {label} with the same sha256, skipped",
                )
                return None
            if found == OTHER:
                return self._fail(
                    outcome,
                    f"{label} already has {file.filename} with different content; versions on "
                    "an index are immutable: bump the version (relnox bump) and rebuild",
                )
            if attempt.kind in (TRANSIENT, STALL) and failures < self.network.retries:
                failures += 1
                delay = self.network.backoff(failures)
                logger.warning(
                    "    %s: %s; retrying in %.1fs (attempt %d of %d)",
                    file.filename,
                    attempt.detail,
                    delay,
                    failures + 1,
                    self.network.retries + 1,
                )
                self.sleep(delay)
                continue
            if attempt.kind == EXISTS and found == ABSENT:
                message = refused_unlisted(label, file.filename, attempt.status, attempt.detail)
            else:
                message = failure_message(
                    dataclasses.replace(attempt, attempts=failures + 1),
                    file.filename,
                    file.package,
                    self.plan.repository,
                    self.plan.credentials,
                    self.network.stall,
                )
            return self._fail(outcome, message)

    def look_again(self, file: PlannedFile) -> str | None:
        """After "already exists" for a file the index does not list: its listing may lag."""
        found: str | None = ABSENT
        for look in range(1, self.network.retries + 1):
            delay = self.network.backoff(look)
            logger.warning(
                "    %s: the index says it exists but does not list it; looking again in "
                "%.1fs (%d of %d)",
                file.filename,
                delay,
                look,
                self.network.retries,
            )
            self.sleep(delay)
            found = self.on_index(file)
            if found != ABSENT:
                break
        return found

    @staticmethod
    def _fail(outcome: FileOutcome, message: str) -> str:
        outcome.status, outcome.error = FAILED, message
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


#: how an index words a refusal of a filename it took once (and that was deleted since)
_REUSED = re.compile(r"(already|previously) (been )?used|file-?name-?reuse|re-?use", re.I)


def refused_unlisted(label: str, filename: str, status: int | None, detail: str) -> str:
    """A 400/409 for a file the index does not list: the server's reason, and what to do.

    PyPI answers 400 with "This filename has already been used" for a file uploaded
    once and deleted since: no index takes a filename twice, so only a new version helps.
    """
    reason = re.sub(r"^HTTPError: \d{3} [A-Za-z ]+? from \S+\s*", "", detail).strip()
    said = f"HTTP {status}: {reason}" if reason else f"HTTP {status}"
    if _REUSED.search(detail):
        return (
            f"{label} refused {filename} ({said}) and does not list it: a file of that name "
            "was uploaded before and deleted, and an index never takes a filename twice; "
            "bump the version (relnox bump) and rebuild"
        )
    return (
        f"{label} refused {filename} ({said}) and does not list it; check the file's "
        "metadata and that the project name is yours on that index (if a file of that name "
        "was deleted from it, bump the version: relnox bump)"
    )
