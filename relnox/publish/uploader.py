"""One package's files sent to the index, wheels first; after a failure the index is asked
about that file; transient failures are retried with backoff, others stop the package."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from relnox.errors import PublishError
from relnox.progress import finished
from relnox.publish.model import PublishPlan
from relnox.publish.report import FAILED, NOT_ATTEMPTED, SKIPPED, UPLOADED, FileOutcome, PlannedFile
from relnox.publish.rules import creation_limited
from relnox.tools.network import NetworkSettings
from relnox.tools.simple_api import IndexReader
from relnox.tools.upload import (
    EXISTS,
    OK,
    STALL,
    TRANSIENT,
    Attempt,
    Runner,
    Transport,
    Twine,
    Upload,
    failure_message,
)

logger = logging.getLogger("relnox")

# what the index says about a file after a failed upload
SAME, OTHER, ABSENT = "same", "other", "absent"
#: how an index says a 429 is about creating projects (PyPI: "Too many new projects created")
_CREATION = re.compile(r"new projects?|project[ ._-]?creat|create (a )?(new )?project", re.I)
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
    transport: Transport = field(default_factory=Twine)
    #: new projects (``plan.new_projects``) a file of which this run has uploaded
    created: set[str] = field(default_factory=set)
    #: why no more projects may be created in this run (a 429 for a project's first file)
    creation_refused: str | None = None
    #: create new projects one at a time (an index that limits creations: each refused
    #: attempt counts, so none is sent after the first refusal)
    serial_creations: bool = False
    #: the sha256 the index lists for a file of ours with other content
    listed_sha256: dict[str, str] = field(default_factory=dict)
    _creating: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_index(self, file: PlannedFile) -> str | None:
        """``SAME`` (listed with our sha256), ``OTHER``, ``ABSENT``, or ``None``: not asked."""
        try:
            entry = self.reader.files(file.package).get(file.filename)
            if entry is None:
                return ABSENT
            remote = self.reader.sha256(entry, file.size)
        except PublishError as exc:
            logger.warning("    cannot tell whether %s arrived: %s", file.filename, exc)
            return None
        if remote != file.sha256:
            self.listed_sha256[file.filename] = remote
            return OTHER
        return SAME

    def upload(self, outcomes: Sequence[FileOutcome]) -> str | None:
        """Upload one package's files in order; the error that stopped it."""
        if outcomes and self._would_create(outcomes[0].file.package):
            # each refused creation (429) counts too: one at a time where limited, none after one
            with self._creating if self.serial_creations else contextlib.nullcontext():
                if self.creation_refused:
                    for outcome in outcomes:
                        outcome.status = NOT_ATTEMPTED
                        outcome.error = "not attempted: the index refused to create more projects"
                    return self.creation_refused
                return self._upload(outcomes)
        return self._upload(outcomes)

    def _upload(self, outcomes: Sequence[FileOutcome]) -> str | None:
        first, start = None, 0
        if self.transport.batch and len(outcomes) > 1:
            first, start = self.batch(outcomes)
            if first is None:
                return None
        for i, outcome in enumerate(outcomes[start:], start):
            error = self.upload_file(outcome, first if i == start else None)
            if error is not None:
                for later in outcomes[i + 1 :]:
                    later.status = NOT_ATTEMPTED
                return error
        return None

    def batch(self, outcomes: Sequence[FileOutcome]) -> tuple[Attempt | None, int]:
        """``outcomes`` in one child: ``(None, n)`` when all arrived, else how it ended and
        the position it stopped at."""
        attempt = self.send([o.file for o in outcomes])
        if attempt.kind == OK:
            stop = len(outcomes)
        else:
            failed = re.search(r"Failed to publish `([^`]*)`", attempt.output)
            stopped = Path(failed.group(1)).name if failed else ""
            names = [o.file.filename for o in outcomes]
            stop = names.index(stopped) if stopped in names else 0
        for outcome in outcomes[:stop]:
            outcome.attempts, outcome.status = 1, UPLOADED
            self.created.add(outcome.file.package)
            done = finished("upload", outcome.file.package)
            logger.info("    uploaded %s", outcome.file.filename, extra=done)
        return (None, stop) if attempt.kind == OK else (attempt, stop)

    def send(self, files: Sequence[PlannedFile]) -> Attempt:
        return self.transport.upload(
            Upload(
                [f.path for f in files],
                self.plan.repository,
                self.plan.credentials,
                self.environ,
                self.run,
                self.network,
                self.plan.options.verbose,
                self.plan.options.attestations,  # each file's PEP 740 attestations with it
            )
        )

    def upload_file(self, outcome: FileOutcome, first: Attempt | None = None) -> str | None:
        """One file, retried; ``None`` once the index has it (``first``: its first attempt)."""
        file = outcome.file
        label = self.plan.repository.label
        failures = 0
        while True:
            outcome.attempts += 1
            started = time.monotonic()
            attempt, first = first or self.send([file]), None
            if attempt.kind == OK:
                outcome.status = UPLOADED
                self.created.add(file.package)
                seconds = time.monotonic() - started
                done = finished("upload", file.package)
                logger.info("    uploaded %s (%.1fs)", file.filename, seconds, extra=done)
                return None
            if attempt.status == 429 and self._creation_limited(file.package, attempt):
                # a refused creation counts against the limit: never try it again
                left = [p for p in self.plan.new_projects if p not in self.created]
                self.creation_refused = creation_limited(
                    label, file.filename, left, dict(attempt.headers), attempt.detail
                )
                return self._fail(outcome, self.creation_refused)
            found = self.on_index(file)
            if attempt.kind == EXISTS and found == ABSENT:
                found = self.look_again(file)
            if found == SAME:
                # an earlier try may have stored it, its answer lost; else the index had it
                ours = failures > 0 or attempt.kind != EXISTS or _TWINE_REPOSTED in attempt.output
                outcome.status = UPLOADED if ours else SKIPPED
                said = "arrived" if ours else f"already on {label} with the same sha256, skipped"
                logger.info("    %s: %s", file.filename, said)
                return None
            if found == OTHER:
                return self._fail(
                    outcome,
                    f"{label} already has {file.filename} with different content (its sha256 "
                    f"{self.listed_sha256.get(file.filename, '?')}, ours {file.sha256}); "
                    "versions on an index are immutable: bump the version (relnox bump) and "
                    "rebuild",
                )
            if attempt.kind in (TRANSIENT, STALL) and failures < self.network.retries:
                failures += 1
                delay = self.network.backoff(failures)
                retry = (file.filename, attempt.detail, delay, failures + 1)
                logger.warning(
                    "    %s: %s; retrying in %.1fs (attempt %d of %d)",
                    *retry,
                    self.network.retries + 1,
                )
                self.sleep(delay)
                continue
            if attempt.kind == EXISTS and found == ABSENT:
                message = refused_unlisted(label, file.filename, attempt.status, attempt.detail)
            else:
                message = failure_message(
                    replace(attempt, attempts=failures + 1),
                    file.filename,
                    file.package,
                    self.plan.repository,
                    self.plan.credentials,
                    self.network.stall,
                    self.network.timeout,
                )
            return self._fail(outcome, message)

    def _creation_limited(self, package: str, attempt: Attempt) -> bool:
        """Whether a 429 for ``package`` refused to create its project."""
        said = bool(_CREATION.search(attempt.detail + attempt.output))
        return self._would_create(package) and (self.serial_creations or said)

    def _would_create(self, package: str) -> bool:
        return package in self.plan.new_projects and package not in self.created

    def look_again(self, file: PlannedFile) -> str | None:
        """After "already exists" for a file the index does not list: its listing may lag."""
        found: str | None = ABSENT
        for look in range(1, self.network.retries + 1):
            delay = self.network.backoff(look)
            said = (file.filename, delay, look, self.network.retries)
            logger.warning(
                "    %s: the index says it exists but does not list it; looking again in "
                "%.1fs (%d of %d)",
                *said,
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


_REUSED = re.compile(r"(already|previously) (been )?used|file-?name-?reuse|re-?use", re.I)


def refused_unlisted(label: str, filename: str, status: int | None, detail: str) -> str:
    """A 400/409 for a file the index does not list: the server's reason, and what to do."""
    reason = re.sub(
        r"^(HTTPError: \d{3} [A-Za-z ]+? from \S+|Server returned status code \d{3} [A-Za-z ]+:"
        r"|HTTP \d{3}( [A-Za-z ]+)?:)\s*",
        "",
        detail,
    ).strip()
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
