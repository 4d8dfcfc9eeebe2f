"""Uploading to an index: the :class:`Transport` protocol (``uv publish`` where uv runs, else
``twine upload``), each with the credentials only in its environment, watched and masked."""

from __future__ import annotations

import glob
import logging
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from relnox import _proc as proc
from relnox._proc import Result
from relnox.redact import redact
from relnox.tools.credentials import Credentials, no_credentials_message, pypirc_way
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository

logger = logging.getLogger("relnox")

TRANSPORTS = ("uv", "twine")

# kinds of upload outcome
OK = "ok"
EXISTS = "exists"  # 400/409: the index may already have the file
TRANSIENT = "transient"
STALL = "stall"  # no progress for `stall` seconds: stopped, then retried like a transient one
AUTH = "auth"
TRUSTED = "trusted-publishing"
NO_CREDENTIALS = "no-credentials"
FAILED = "failed"


Runner = Callable[[Sequence[str], Mapping[str, str]], Result]


def watched_runner(settings: NetworkSettings) -> Runner:
    """An uploader's runner, stopped after ``stall`` seconds without progress, or ``timeout``
    without an answer once all is sent."""

    def run(argv: Sequence[str], env: Mapping[str, str]) -> Result:
        return proc.run(argv, env=env, watch=proc.Watch(settings.stall, answer=settings.timeout))

    return run


@dataclass(frozen=True)
class Attempt:
    """How one upload ended: ``kind`` is one of the module's outcome kinds."""

    kind: str
    attempts: int
    status: int | None = None
    detail: str = ""  # the uploader's last error sentence, secrets masked
    output: str = ""  # the uploader's output of the last attempt, secrets masked
    tool: str = "twine"
    #: the index's rate-limit headers (``Retry-After``, ``RateLimit*``) where the uploader shows them
    headers: tuple[tuple[str, str], ...] = ()


def attestations_of(path: Path) -> list[Path]:
    """The PEP 740 attestations beside a distribution (``<file>.<kind>.attestation``)."""
    return sorted(path.parent.glob(f"{glob.escape(path.name)}.*.attestation"))


def answer_reason(body: str) -> str:
    """What an index's answer page says, in one line of at most 300 characters, secrets
    masked: its ``<pre>`` (pypiserver) or ``<title>`` (PyPI), else its text without tags."""
    if "\x00" in body or body.count("\ufffd") * 20 > len(body):
        return f"an answer that is not text ({len(body)} characters)"
    said = re.search(r"<pre>(.*?)</pre>", body, re.S) or re.search(
        r"<title>(.*?)</title>", body, re.S
    )
    reason = said.group(1) if said else re.sub(r"<[^>]+>", " ", body)
    if said and "&" in reason:  # html.unescape leaves a text without one as it is
        import html

        reason = html.unescape(reason)
    return re.sub(r"^\d{3}\s+", "", " ".join(redact(reason).split()))[:300]


@dataclass(frozen=True)
class Upload:
    paths: Sequence[Path]
    repository: Repository
    credentials: Credentials
    environ: Mapping[str, str]
    run: Runner
    network: NetworkSettings
    verbose: bool = False
    attestations: bool = False


class Transport(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def batch(self) -> bool:
        """Whether one child may send several files (it stops at the first that fails)."""
        ...

    def upload(self, request: Upload) -> Attempt: ...


def _pasted(credentials: Credentials) -> str:
    """A hint when the refused password has whitespace around it or a control character."""
    password = credentials.password or ""
    if password != password.strip() or any(ord(c) < 32 or ord(c) == 127 for c in password):
        return (
            " (the password begins or ends with whitespace or holds a control character such "
            "as a line end, which no token has: was it copied with one? set it without)"
        )
    return ""


def failure_message(
    attempt: Attempt,
    filename: str,
    project: str,
    repository: Repository,
    credentials: Credentials,
    stall: float = NetworkSettings.stall,
    timeout: float = NetworkSettings.timeout,
) -> str:
    """One actionable sentence for an upload that did not succeed."""
    label = repository.label
    tries = f"{attempt.attempts} attempt{'s' * (attempt.attempts != 1)}"
    if attempt.kind == AUTH and credentials.method == "anonymous":
        return (
            f"{repository.where} answered HTTP {attempt.status} for {filename}: "
            "it needs credentials for uploads and none were given; set TWINE_USERNAME and "
            f"TWINE_PASSWORD, or give {pypirc_way(repository)}"
        )
    if attempt.kind == TRUSTED or (
        attempt.kind == AUTH and credentials.method == "trusted-publishing"
    ):
        return (
            f"trusted publishing to {label} was refused for {filename} ({attempt.detail}); the "
            "workflow job needs `permissions: id-token: write`, must run in the GitHub environment "
            f"named in the publisher's settings on {label} (for example `environment: pypi`), and a "
            f"project that does not exist there yet needs a pending publisher for {project}"
        )
    if attempt.kind == AUTH and repository.is_pypi:
        return (
            f"{label} refused {filename} with HTTP {attempt.status}: the token from "
            f"{credentials.source} is not accepted{_pasted(credentials)}; check that it is "
            f"valid and not expired, that it is scoped to the project {project} (or the whole "
            f"account), and that it was made for {label} itself (a PyPI token does not work on "
            "TestPyPI, nor the reverse)"
        )
    if attempt.kind == AUTH:
        return (
            f"{label} refused {filename} with HTTP {attempt.status}: the credentials from "
            f"{credentials.source} are not accepted there{_pasted(credentials)}; check the user "
            f"name and the password (or token) for {repository.upload_url}, and that this user "
            f"may upload {project}"
        )
    if attempt.kind == NO_CREDENTIALS:
        return f"no credentials for {filename}: " + no_credentials_message(
            repository, on_actions=False, can_mint=False
        )
    if attempt.kind == STALL and proc.NO_ANSWER in attempt.output:
        return (
            f"{repository.where} took all of {filename} but gave no answer within {timeout:g}s "
            f"in each of {tries}, so relnox stopped waiting ([tool.relnox.network] timeout = "
            f"{timeout:g}); check that the index works (or raise timeout if it is that slow to "
            "answer) and run the same command again, it uploads only what is missing"
        )
    if attempt.kind == STALL:
        return (
            f"{repository.where} made no progress uploading {filename} for {stall:g}s in each "
            f"of {tries}, so relnox stopped the upload ([tool.relnox.network] stall = {stall:g}); "
            "check that the index works (or raise stall if it is that slow) and run the same "
            "command again, it uploads only what is missing"
        )
    if attempt.kind == TRANSIENT:
        return (
            f"{repository.upload_url} kept failing for {filename} ({attempt.detail}) after {tries} "
            "([tool.relnox.network] retries); the index may be down: run the same command again "
            "later, it uploads only what is missing"
        )
    if attempt.tool == "twine" and "UnicodeEncodeError" in attempt.detail:
        return (
            f"twine could not send {filename} to {label}: it sends the user name and password "
            f"as latin-1, and those from {credentials.source} hold a character that latin-1 "
            'has not; use uv ([tool.relnox.publish] transport = "uv", or the default "auto" '
            "where uv runs), or credentials without it, and run the same command again"
        )
    return (
        f"{attempt.tool} could not upload {filename} to {label} ({attempt.detail}); fix that and run "
        "the same command again, files already uploaded are skipped"
    )


#: what makes twine's output plain, unwrapped text (a wrapped line could split a secret)
PLAIN_OUTPUT = {"NO_COLOR": "1", "COLUMNS": "4000", "PYTHONIOENCODING": "utf-8"}
_HTTP = re.compile(r"HTTPError: (\d{3})\b")
_NO_CREDENTIALS = ("NonInteractive", "Credential not found")
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


#: an encoding error names the character: of a password (twine sends latin-1), a secret's
_UNENCODABLE = re.compile(r"can't encode characters? (?:'[^']*' )?in position [0-9-]+")
UNENCODABLE = "can't encode a character (not shown: it may be part of the password)"


def _tidy(output: str) -> str:
    """twine's output without padding, colour codes or empty lines, secrets masked."""
    text = _UNENCODABLE.sub(UNENCODABLE, re.sub(r"\x1b\[[0-9;]*m", "", output))
    return redact("\n".join(line.rstrip() for line in text.splitlines() if line.strip()))


def _twine_error(output: str) -> str:
    """The sentence twine ended with (its ERROR line, or a traceback's last line)."""
    lines = _tidy(output).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("ERROR"):
            rest = [ln.strip() for ln in lines[i + 1 : i + 3] if ln.startswith(" ")]
            return " ".join([line.removeprefix("ERROR").strip(), *rest])
    return lines[-1].strip() if lines else "no output"


def classify(
    result: Result,
    status: re.Pattern[str],
    first: Sequence[tuple[str, Sequence[str]]],
    then: Sequence[tuple[str, Sequence[str]]],
) -> tuple[str, int | None]:
    """How an uploader ended: the kind its words name (``first``, unless an HTTP status other
    than 401 or 403 came), the kind of its status, the kind ``then`` names, else FAILED."""
    if result.returncode == 0:
        return OK, None
    if result.stalled:
        return STALL, None
    text = result.output
    match = status.search(text)
    code = int(match.group(1)) if match else None
    for kind, words in first if code in (None, 401, 403) else ():
        if any(word in text for word in words):
            return kind, code
    if code in (400, 409):
        return EXISTS, code  # the index may already have the file: relnox asks it
    if code in (401, 403):
        return AUTH, code
    if code is not None:
        return TRANSIENT if code == 429 or code >= 500 else FAILED, code
    return next((kind for kind, words in then if any(w in text for w in words)), FAILED), None


def twine_classify(result: Result) -> tuple[str, int | None]:
    """What a ``twine upload`` ended with: transient failures told from the others."""
    first = ((TRUSTED, ("TrustedPublishingFailure",)), (NO_CREDENTIALS, _NO_CREDENTIALS))
    return classify(result, _HTTP, first, ((TRANSIENT, _TRANSIENT_WORDS),))


def twine_argv(request: Upload) -> list[str]:
    """``twine upload`` of the request's paths; with ``attestations``, each one's attestations."""
    argv = [sys.executable, "-m", "twine", "upload", "--repository-url"]
    argv += [request.repository.upload_url, "--non-interactive", "--disable-progress-bar"]
    paths = list(request.paths)
    if request.verbose:
        argv.append("--verbose")
    if request.attestations:  # twine attaches a file's attestations only when they are listed
        argv.append("--attestations")
        paths += [a for path in paths for a in attestations_of(path)]
    return [*argv, *map(str, paths)]


@dataclass(frozen=True)
class Twine:
    """``twine upload``: reads a keyring itself; a Python process per call."""

    name: str = "twine"
    batch: bool = False  # one file a child: what twine says after a 5xx is about that file

    def upload(self, request: Upload) -> Attempt:
        env = {**request.credentials.child_env(request.environ), **PLAIN_OUTPUT}
        result = request.run(twine_argv(request), env)
        kind, status = twine_classify(result)
        output = _tidy(result.output)
        logger.debug("%s", output)
        return Attempt(kind, 1, status, "" if kind == OK else _twine_error(result.output), output)
