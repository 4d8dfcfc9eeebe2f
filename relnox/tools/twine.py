"""twine as a child process: ``twine check --strict`` and one ``twine upload`` per file.

Each upload is watched (:func:`relnox._proc.run` with a ``stall``): a child that shows no
progress for ``[tool.relnox.network] stall`` seconds is stopped and counts as a
transient failure. Argv lists only; the credentials travel in the child's environment
(:meth:`relnox.tools.credentials.Credentials.child_env`), and everything twine prints is
passed through :func:`relnox.redact.redact` before relnox keeps or logs it.
:func:`classify` tells transient failures (connection errors, timeouts, HTTP 5xx
and 429) from the others; :mod:`relnox.publish.run` decides what to do about them.
"""

from __future__ import annotations

import glob
import logging
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from relnox import _proc as proc
from relnox._proc import Result
from relnox.errors import BuildError
from relnox.redact import redact
from relnox.tools.credentials import Credentials, clean_env, no_credentials_message
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository

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


def run_command(
    argv: Sequence[str], env: Mapping[str, str], stall: float = NetworkSettings.stall
) -> Result:
    """The default runner: ``argv`` in a child process, output captured, stopped on a stall."""
    return proc.run(argv, env=env, stall=stall)


def watched_runner(settings: NetworkSettings) -> Runner:
    """:func:`run_command` with ``settings.stall``."""

    def run(argv: Sequence[str], env: Mapping[str, str]) -> Result:
        return run_command(argv, env, stall=settings.stall)

    return run


def twine_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "twine", *args]


def tidy(output: str) -> str:
    """twine's output without padding, colour codes or empty lines, secrets masked."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", output)
    return redact("\n".join(line.rstrip() for line in text.splitlines() if line.strip()))


def last_error(output: str) -> str:
    """The sentence twine ended with (its ERROR line, or a traceback's last line)."""
    lines = tidy(output).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("ERROR"):
            rest = [ln.strip() for ln in lines[i + 1 : i + 3] if ln.startswith(" ")]
            return " ".join([line.removeprefix("ERROR").strip(), *rest])
    return lines[-1].strip() if lines else "no output"


def twine_check(
    paths: Sequence[Path], *, environ: Mapping[str, str], run: Runner = run_command
) -> None:
    """``twine check --strict`` over ``paths``; a failure names each bad file and why."""
    if not paths:
        return
    result = run(
        twine_argv("check", "--strict", *map(str, paths)), {**clean_env(environ), **PLAIN_OUTPUT}
    )
    output = tidy(result.output)
    logger.debug("%s", output)
    if result.returncode == 0:
        return
    lines = output.splitlines()
    bad = [
        Path(m.group(1)).name
        for m in (re.match(r"Checking (.+): (FAILED|PASSED with warnings)", ln) for ln in lines)
        if m
    ]
    details = [ln.strip() for ln in lines if ln.startswith(("ERROR", "WARNING", " "))]
    raise BuildError(
        f"twine check --strict refused {', '.join(bad) or 'the artifacts'} "
        f"({'; '.join(details[:4]) or last_error(result.output)}); fix the package metadata "
        "(README, long_description_content_type...) and rebuild with relnox build-all"
    )


@dataclass(frozen=True)
class Attempt:
    """How one ``twine upload`` ended: ``kind`` is one of the module's outcome kinds."""

    kind: str
    attempts: int
    status: int | None = None
    detail: str = ""  # twine's last error sentence, secrets masked
    output: str = ""  # all of twine's output of the last attempt, secrets masked


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
        if status in (400, 409):
            return EXISTS, status
        if status in (401, 403):
            return AUTH, status
        if status == 429 or status >= 500:
            return TRANSIENT, status
        return FAILED, status
    if any(word in text for word in _TRANSIENT_WORDS):
        return TRANSIENT, None
    return FAILED, None


def attestations_of(path: Path) -> list[Path]:
    """The PEP 740 attestations beside a distribution (``<file>.<kind>.attestation``)."""
    return sorted(path.parent.glob(f"{glob.escape(path.name)}.*.attestation"))


def upload_argv(
    repository: Repository,
    paths: Sequence[Path],
    *,
    verbose: bool = False,
    attestations: bool = False,
) -> list[str]:
    """``twine upload`` of ``paths``; with ``attestations``, each file's attestations too."""
    argv = twine_argv(
        "upload",
        "--repository-url",
        repository.upload_url,
        "--non-interactive",
        "--disable-progress-bar",
    )
    if verbose:
        argv.append("--verbose")
    if attestations:  # twine attaches a file's attestations only when they are listed too
        argv.append("--attestations")
        paths = [*paths, *(a for path in paths for a in attestations_of(path))]
    return [*argv, *map(str, paths)]


def upload_once(
    paths: Sequence[Path],
    repository: Repository,
    credentials: Credentials,
    *,
    environ: Mapping[str, str],
    run: Runner = run_command,
    verbose: bool = False,
    attestations: bool = False,
) -> Attempt:
    """One ``twine upload`` of ``paths`` (twine keeps their order and stops at the first error)."""
    result = run(
        upload_argv(repository, paths, verbose=verbose, attestations=attestations),
        {**credentials.child_env(environ), **PLAIN_OUTPUT},
    )
    kind, status = classify(result)
    output = tidy(result.output)
    logger.debug("%s", output)
    if kind == OK:
        return Attempt(OK, 1, output=output)
    return Attempt(kind, 1, status, last_error(result.output), output)


def failure_message(
    attempt: Attempt,
    filename: str,
    project: str,
    repository: Repository,
    credentials: Credentials,
    stall: float = NetworkSettings.stall,
) -> str:
    """One actionable sentence for an upload that did not succeed."""
    label = repository.label
    if attempt.kind == AUTH and credentials.method == "anonymous":
        return (
            f"{label} ({repository.upload_url}) answered HTTP {attempt.status} for {filename}: "
            "it needs credentials for uploads and none were given; set TWINE_USERNAME and "
            "TWINE_PASSWORD, or add a section for it to ~/.pypirc"
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
            f"{credentials.source} is not accepted; check that it is valid and not expired, "
            f"that it is scoped to the project {project} (or the whole account), and that it "
            f"was made for {label} itself (a PyPI token does not work on TestPyPI, nor the reverse)"
        )
    if attempt.kind == AUTH:
        return (
            f"{label} refused {filename} with HTTP {attempt.status}: the credentials from "
            f"{credentials.source} are not accepted there; check the user name and the password "
            f"(or token) for {repository.upload_url}, and that this user may upload {project}"
        )
    if attempt.kind == NO_CREDENTIALS:
        return f"twine found no credentials for {filename}: " + no_credentials_message(
            repository, on_actions=False, can_mint=False
        )
    if attempt.kind == STALL:
        return (
            f"{repository.where} made no progress uploading {filename} for "
            f"{stall:g}s in each of {attempt.attempts} attempt{'s' * (attempt.attempts != 1)}, "
            f"so relnox stopped twine ([tool.relnox.network] stall = {stall:g}); check that the "
            "index works (or raise stall if it is that slow) and run the same command again, "
            "it uploads only what is missing"
        )
    if attempt.kind == TRANSIENT:
        return (
            f"{repository.upload_url} kept failing for {filename} ({attempt.detail}) after "
            f"{attempt.attempts} attempt{'s' * (attempt.attempts != 1)} "
            "([tool.relnox.network] retries); the index may be down: run the same command "
            "again later, it uploads only what is missing"
        )
    return (
        f"twine could not upload {filename} to {label} ({attempt.detail}); fix that and run "
        "the same command again, files already uploaded are skipped"
    )
