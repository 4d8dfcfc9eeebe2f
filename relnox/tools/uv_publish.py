"""``uv publish`` as a :class:`relnox.tools.upload.Transport`: a package's files per call,
with relnox's credentials, none of the caller's ``UV_PUBLISH_*``, and no retries of its own."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from relnox.redact import redact
from relnox.tools.trust import trust_environment
from relnox.tools.upload import (
    OK,
    STALL,
    TRANSIENT,
    TRUSTED,
    Attempt,
    Twine,
    Upload,
    answer_reason,
    classify,
)

logger = logging.getLogger("relnox")

_STATUS = re.compile(r"status code (\d{3})\b")
_TRANSIENT_WORDS = (
    "Failed to send POST request",
    "error sending request",
    "connect error",
    "Connection refused",
    "connection closed",
    "Connection reset",
)
#: uv's words when the server stopped reading before the whole file was sent
_CUT_OFF = ("Broken pipe", "error writing a body", "connection reset")
_TIMED_OUT = ("timed out", "operation timed out", "Timeout")
#: variables of the caller that would change where or as whom uv uploads
_DROPPED_PREFIXES = ("UV_PUBLISH_", "UV_INDEX", "UV_KEYRING", "UV_TRUSTED_PUBLISHING")


def child_env(request: Upload) -> dict[str, str]:
    """The environment of one ``uv publish``: the credentials relnox chose, nothing else."""
    base = request.credentials.child_env(request.environ)
    user, password = base.pop("TWINE_USERNAME", None), base.pop("TWINE_PASSWORD", None)
    env = {k: v for k, v in base.items() if not k.startswith(_DROPPED_PREFIXES)}
    if user:
        env["UV_PUBLISH_USERNAME"] = user
    if password:
        env["UV_PUBLISH_PASSWORD"] = password
    env.update(trust_environment(env))
    # uv's read timeout is the stall rule; rate-limit headers are shown at trace level only;
    # one line per message: a wrapped line could split a secret
    env.update(UV_HTTP_RETRIES="0", UV_HTTP_TIMEOUT=str(max(1, round(request.network.stall))))
    env.update(RUST_LOG="uv_publish=trace", NO_COLOR="1", COLUMNS="4000")
    return env


def upload_argv(uv: str, request: Upload) -> list[str]:
    argv = [uv, "publish", "--no-progress", "--publish-url", request.repository.upload_url]
    trusted = request.credentials.method == "trusted-publishing"
    argv += ["--trusted-publishing", "always" if trusted else "never"]
    if not request.attestations:
        argv.append("--no-attestations")
    if request.verbose:
        argv.insert(2, "--verbose")
    return [*argv, *map(str, request.paths)]


def last_error(output: str) -> str:
    """uv's error in one line: the HTTP status and what the server said, else its last cause."""
    text = " ".join(redact(output).split())  # uv wraps long lines
    status = re.search(r"status code (\d{3}) ([A-Za-z ]*?)\. Server says: ?(.*)", text)
    if status:
        reason = answer_reason(status.group(3))
        return f"Server returned status code {status.group(1)} {status.group(2)}: {reason}"
    causes = re.findall(r"cause: (.*?)(?= cause: |$)", text)
    if causes:
        return str(causes[-1]).strip()
    lines = [ln.strip() for ln in redact(output).splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


_RESPONSE_HEADERS = re.compile(r"Response headers for \S+: Response \{.*?headers: \{(.*?)\} \}")
_HEADER = re.compile(r'"([^"]+)": "([^"]*)"')
_RATE_HEADERS = ("retry-after", "ratelimit")


def rate_headers(output: str) -> tuple[tuple[str, str], ...]:
    """The rate-limit headers of the last answer uv traced (``RUST_LOG=uv_publish=trace``)."""
    answers = _RESPONSE_HEADERS.findall(output)
    if not answers:
        return ()
    return tuple(
        (key, value)
        for key, value in _HEADER.findall(answers[-1])
        if key.lower().startswith(_RATE_HEADERS)
    )


@dataclass(frozen=True)
class UvPublish:
    """``uv publish``: a native binary, fast to start."""

    uv: str
    name: str = "uv"
    batch: bool = True  # a package's files in one child: uv stops at the first failure

    def upload(self, request: Upload) -> Attempt:
        argv = upload_argv(self.uv, request)
        env = child_env(request)
        result = request.run(argv, env)
        then = ((STALL, _TIMED_OUT), (TRANSIENT, _TRANSIENT_WORDS))
        kind, status = classify(result, _STATUS, ((TRUSTED, ("rusted publishing",)),), then)
        if kind == TRANSIENT and any(word in result.output for word in _CUT_OFF):
            # an index refusing before reading the body (401/403) is a broken pipe to uv;
            # twine reads the answer, so ask once with twine
            logger.debug("uv was cut off while sending; asking with twine")
            return Twine().upload(request)
        output = redact(result.output)
        logger.debug("%s", output)
        if kind == OK:
            return Attempt(OK, 1, output=output, tool=self.name)
        error, headers = last_error(result.output), rate_headers(result.output)
        return Attempt(kind, 1, status, error, output, tool=self.name, headers=headers)
