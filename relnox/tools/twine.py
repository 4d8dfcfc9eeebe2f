"""``twine upload`` as a :class:`relnox.tools.upload.Transport`; :func:`classify` tells
transient failures (connection errors, timeouts, HTTP 5xx and 429) from the others."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from relnox._proc import Result
from relnox.redact import redact
from relnox.tools.repositories import Repository
from relnox.tools.upload import (
    FAILED,
    NO_CREDENTIALS,
    OK,
    STALL,
    TRANSIENT,
    TRUSTED,
    Attempt,
    Upload,
    attestations_of,
    kind_of_status,
)

logger = logging.getLogger("relnox")

#: what makes twine's output plain, unwrapped text (a wrapped line could split a secret)
PLAIN_OUTPUT = {"NO_COLOR": "1", "COLUMNS": "4000", "PYTHONIOENCODING": "utf-8"}
_HTTP = re.compile(r"HTTPError: (\d{3})\b")
_TRANSIENT_WORDS = (
    "ConnectionError",
    "Connection refused",
    "Connection aborted",
    "Max retries exceeded",
    "RemoteDisconnected",
    "ConnectionResetError",
    "timed out",
    "Timeout",
)


#: an encoding error names the character and its place: of a password (twine sends the
#: credentials as latin-1), that is part of the secret
_UNENCODABLE = re.compile(r"can't encode characters? (?:'[^']*' )?in position [0-9-]+")
#: what :func:`tidy` says in its place
UNENCODABLE = "can't encode a character (not shown: it may be part of the password)"


def tidy(output: str) -> str:
    """twine's output without padding, colour codes or empty lines, secrets masked (and the
    character an encoding error names)."""
    text = _UNENCODABLE.sub(UNENCODABLE, re.sub(r"\x1b\[[0-9;]*m", "", output))
    return redact("\n".join(line.rstrip() for line in text.splitlines() if line.strip()))


def last_error(output: str) -> str:
    """The sentence twine ended with (its ERROR line, or a traceback's last line)."""
    lines = tidy(output).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("ERROR"):
            rest = [ln.strip() for ln in lines[i + 1 : i + 3] if ln.startswith(" ")]
            return " ".join([line.removeprefix("ERROR").strip(), *rest])
    return lines[-1].strip() if lines else "no output"


def classify(result: Result) -> tuple[str, int | None]:
    if result.returncode == 0:
        return OK, None
    text = result.output
    if result.stalled:
        return STALL, None
    match = _HTTP.search(text)
    status = int(match.group(1)) if match else None
    if "TrustedPublishingFailure" in text:
        return TRUSTED, status
    if "NonInteractive" in text or "Credential not found" in text:
        return NO_CREDENTIALS, status
    if status is not None:
        return kind_of_status(status), status
    if any(word in text for word in _TRANSIENT_WORDS):
        return TRANSIENT, None
    return FAILED, None


def upload_argv(
    repository: Repository,
    paths: Sequence[Path],
    *,
    verbose: bool = False,
    attestations: bool = False,
) -> list[str]:
    """``twine upload`` of ``paths``; with ``attestations``, each file's attestations too."""
    argv = [sys.executable, "-m", "twine", "upload", "--repository-url", repository.upload_url]
    argv += ["--non-interactive", "--disable-progress-bar"]
    if verbose:
        argv.append("--verbose")
    if attestations:  # twine attaches a file's attestations only when they are listed too
        argv.append("--attestations")
        paths = [*paths, *(a for path in paths for a in attestations_of(path))]
    return [*argv, *map(str, paths)]


@dataclass(frozen=True)
class Twine:
    """``twine upload``: reads a keyring itself; a Python process per call."""

    name: str = "twine"
    batch: bool = False  # one file a child: what twine says after a 5xx is about that file

    def upload(self, request: Upload) -> Attempt:
        """One ``twine upload`` (twine keeps the files' order and stops at the first error)."""
        argv = upload_argv(
            request.repository,
            request.paths,
            verbose=request.verbose,
            attestations=request.attestations,
        )
        result = request.run(
            argv, {**request.credentials.child_env(request.environ), **PLAIN_OUTPUT}
        )
        kind, status = classify(result)
        output = tidy(result.output)
        logger.debug("%s", output)
        if kind == OK:
            return Attempt(OK, 1, output=output)
        return Attempt(kind, 1, status, last_error(result.output), output)
