"""Uploading in this process: the upload form twine posts, sent by relnox itself, to an index
on this machine (a :class:`relnox.tools.upload.Transport` with no child).

To an index elsewhere a file goes in a ``uv publish`` or ``twine upload`` child. To one on
this machine (pypiserver, devpi in a test or a CI job) the index answers at once and the
children's start-ups are most of the time: ``uv publish`` costs about 10 ms to start and a
tiered publish starts one per tier, where a file takes the index 1-2 ms (measured with
``benchmarks/publish.py``: 40 files of 20 packages in 3 tiers, 0.13 s in three children,
0.06 s posted from here). :func:`fits` says when relnox posts them itself: a plain
``http`` address on this machine that no proxy variable sends elsewhere, credentials that
are a user and a password (or none), no PEP 740 attestations, and ``auto`` as the
transport.

It keeps the children's rules:

- the form is twine's: every field of the file's core metadata (``METADATA`` or
  ``PKG-INFO``, read with packaging, named as twine names them), ``pyversion``,
  ``filetype``, the sha256 and blake2b-256 of the bytes sent, ``:action=file_upload``
  and ``protocol_version=1``; the bytes are read from the snapshot the plan hashed and
  hashed again as they go: bytes that differ from the first read are never completed;
- the credentials go in the request's ``Authorization`` header, to the upload address
  only: a redirect is never followed (twine refuses one the same way), and nothing the
  index answers is kept or shown unmasked (:func:`relnox.redact.redact`);
- every wait is bounded: connecting by ``[tool.relnox.network] timeout``; each piece of
  the file sent by ``stall`` (no progress for that long is a stall); the answer, once
  everything is sent, by ``timeout`` (when it is shorter than ``stall``: the rule of a
  watched child) and the whole answer by ``stall`` more;
- the index's answer is classified as the children's are (:func:`relnox.tools.upload.kind_of_status`);
  a connection that fails or is cut off is transient; the rate-limit headers of a 429 are kept.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from relnox import _proc as proc
from relnox import digests
from relnox.redact import redact
from relnox.tools.credentials import Credentials
from relnox.tools.http_wire import WireError, parse, request_head, whole
from relnox.tools.network import connect, is_loopback, proxied
from relnox.tools.repositories import Repository
from relnox.tools.upload import (
    FAILED,
    OK,
    STALL,
    TRANSIENT,
    Attempt,
    Upload,
    answer_reason,
    kind_of_status,
)

logger = logging.getLogger("relnox")

NAME = "relnox"
#: how much of the file goes in one send: each must be taken within ``stall`` seconds
CHUNK = 64 * 1024
#: the largest file read whole, once (a larger one is read again as it is sent)
IN_MEMORY = 8 * 1024 * 1024
#: the most of an answer that is read (an upload's answer is a line or a short page)
MAX_ANSWER = 1024 * 1024
_RECEIVE = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)

#: a core metadata field (its header, lower case) -> the form's field, as twine sends it
#: (packaging's names, renamed where twine renames them)
_FIELDS = {
    "metadata-version": "metadata_version",
    "name": "name",
    "version": "version",
    "platform": "platform",
    "summary": "summary",
    "description": "description",
    "keywords": "keywords",
    "home-page": "home_page",
    "author": "author",
    "author-email": "author_email",
    "license": "license",
    "supported-platform": "supported_platform",
    "download-url": "download_url",
    "classifier": "classifiers",
    "requires": "requires",
    "provides": "provides",
    "obsoletes": "obsoletes",
    "maintainer": "maintainer",
    "maintainer-email": "maintainer_email",
    "requires-dist": "requires_dist",
    "provides-dist": "provides_dist",
    "obsoletes-dist": "obsoletes_dist",
    "requires-python": "requires_python",
    "requires-external": "requires_external",
    "project-url": "project_urls",
    "description-content-type": "description_content_type",
    "provides-extra": "provides_extra",
    "dynamic": "dynamic",
    "license-expression": "license_expression",
    "license-file": "license_file",
}
_WHEEL_TAGS = re.compile(r"-(?P<pyver>[^-]+)-[^-]+-[^-]+\.whl$")


def fits(
    repository: Repository,
    credentials: Credentials,
    environ: Mapping[str, str],
    *,
    attestations: bool = False,
) -> bool:
    """Whether ``auto`` uploads to ``repository`` from this process (see the module doc)."""
    parts = urlsplit(repository.upload_url)
    if parts.scheme.lower() != "http" or not is_loopback(parts.hostname or ""):
        return False
    if attestations or credentials.method not in ("password", "anonymous"):
        return False
    if credentials.method == "password" and credentials.basic_auth() is None:
        return False
    return not proxied(parts.hostname or "", environ)


def form_fields(
    path: Path, sha256: str, blake2_256: str, content: bytes | None = None
) -> list[tuple[str, str]]:
    """The fields twine posts with ``path`` (``content``: its bytes, read already, whose
    metadata is the one sent): its core metadata, kind and digests.

    The metadata is read as packaging reads it for twine (email headers, the description
    from the body), with twine's changes: the name made safe, keywords joined by ``", "``,
    a project URL as ``"label, url"``, no ``License-File`` below metadata 2.4. Whether the
    metadata is valid is the preflight's to say (build-all's check, or publish's own,
    before anything is sent); :class:`ValueError` for a file without a name or version.
    """
    from email.parser import Parser

    from relnox.artifacts.checks import raw_metadata

    message = Parser().parsestr(raw_metadata(path, content))  # of the bytes sent, if held
    version = (message.get("Metadata-Version") or "").strip()
    old = tuple(int(p) if p.isdigit() else 0 for p in version.split(".")) < (2, 4)
    data: list[tuple[str, str]] = []
    for header, value in message.items():
        key = header.lower()
        field = _FIELDS.get(key)
        if field is None or (key == "license-file" and old):
            continue
        if key == "name":
            value = re.sub("[^A-Za-z0-9.]+", "-", value)
        elif key == "keywords":
            value = ", ".join(word.strip() for word in value.split(","))
        elif key == "project-url":
            label, _, url = value.partition(",")
            value = f"{label.strip()}, {url.strip()}"
        data.append((field, value))
    body = message.get_payload()
    if isinstance(body, str) and body:
        data = [(k, v) for k, v in data if k != "description"] + [("description", body)]
    if not message.get("Name") or not message.get("Version"):
        raise ValueError(f"{path.name} has no Name or no Version in its metadata")
    wheel = _WHEEL_TAGS.search(path.name)
    data.append(("pyversion", wheel.group("pyver") if wheel else "source"))
    data.append(("filetype", "bdist_wheel" if path.name.endswith(".whl") else "sdist"))
    data.append(("sha256_digest", sha256))
    data.append(("blake2_256_digest", blake2_256))
    data.append((":action", "file_upload"))
    data.append(("protocol_version", "1"))
    return data


def _digests(path: Path, data: bytes | None) -> tuple[str, str]:
    """The sha256 and blake2b-256 of ``data``, else of ``path`` read in chunks."""
    size = len(data) if data is not None else path.stat().st_size
    sha256, blake2 = digests.sha256(size=size), digests.blake2b(digest_size=32)
    with contextlib.nullcontext(io.BytesIO(data)) if data is not None else path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            sha256.update(chunk)
            blake2.update(chunk)
    return sha256.hexdigest(), blake2.hexdigest()


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class _Form:
    """One file's multipart body: the fields before it, its bytes and the closing boundary.

    A file up to :data:`IN_MEMORY` bytes is read once: the bytes hashed are the bytes sent.
    A larger one is read again as it is sent and must hash to ``sha256`` as it goes."""

    path: Path
    sha256: str
    head: bytes
    tail: bytes
    size: int
    boundary: str
    data: bytes | None = field(default=None, repr=False)

    @classmethod
    def of(cls, path: Path, content: bytes | None = None) -> _Form:
        """The form of ``path``, or of ``content`` (its bytes, read and hashed already)."""
        data = content
        if data is None:
            size = path.stat().st_size
            data = path.read_bytes() if size <= IN_MEMORY else None
        if data is not None:
            size = len(data)
        sha256, blake2 = _digests(path, data)
        boundary = os.urandom(16).hex()
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(key)}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
            for key, value in form_fields(path, sha256, blake2, data)
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
            f'filename="{_quoted(path.name)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        head, tail = b"".join(parts), f"\r\n--{boundary}--\r\n".encode()
        return cls(path, sha256, head, tail, size, boundary, data)

    @property
    def length(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def pieces(self) -> Iterator[bytes]:
        """The body in pieces of about :data:`CHUNK` bytes (a small file in one); the last
        goes only once every byte read hashes to ``sha256``: a file that changed since is
        never sent whole."""
        if self.data is not None:
            body = memoryview(b"".join((self.head, self.data, self.tail)))
            for start in range(0, len(body), CHUNK):
                yield bytes(body[start : start + CHUNK])
            return
        pending, seen, read = self.head, digests.sha256(size=self.size), 0
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                seen.update(chunk)
                read += len(chunk)
                if read > self.size:
                    break
                if len(pending) >= CHUNK:
                    yield pending
                    pending = chunk
                else:
                    pending += chunk
        if read != self.size or seen.hexdigest() != self.sha256:
            raise _Changed(self.path.name)
        yield pending + self.tail


class _Changed(Exception):
    """The file's bytes changed between its hashing and its sending."""


def _answer(sock: socket.socket, wait: float, stall: float) -> tuple[bytes, str]:
    """The index's answer, as read until it closes the connection (or the answer says its
    length): the first byte within ``wait`` seconds, each next within ``wait``, all within
    ``wait + stall``, at most :data:`MAX_ANSWER` bytes. ``why`` is ``""``, ``"none"`` (no
    answer in time) or ``"unending"``; a reset connection ends the answer."""
    data = b""
    started = time.monotonic()
    while len(data) < MAX_ANSWER and not whole(data):
        left = wait + stall - (time.monotonic() - started)
        if left <= 0:
            return data, "unending"
        sock.settimeout(min(wait, left))
        try:
            chunk = sock.recv(_RECEIVE)
        except TimeoutError:
            return data, "none" if not data else "unending"
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data, ""


@dataclass(frozen=True)
class InProcess:
    """The upload form posted from this process (see the module doc)."""

    name: str = NAME
    batch: bool = True  # several files in one call; it stops at the first that fails
    in_process: bool = True

    def upload(self, request: Upload) -> Attempt:
        output: list[str] = []
        for path in request.paths:
            attempt = _post(path, request, output)
            if attempt is not None:
                return attempt
        return Attempt(OK, 1, output=_shown(output), tool=NAME)


def _shown(lines: list[str]) -> str:
    return redact("\n".join(lines))


def _post(path: Path, request: Upload, output: list[str]) -> Attempt | None:
    """One file in a connection of its own: ``None`` once the index took it, else how it ended."""
    network = request.network
    url = request.repository.upload_url

    def ended(
        kind: str,
        detail: str,
        status: int | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> Attempt:
        output.append(detail)
        shown = _shown(output)
        logger.debug("%s", shown)
        return Attempt(kind, 1, status, redact(detail), shown, NAME, headers, stopped_at=path.name)

    try:
        form = _Form.of(path, request.contents.get(path))
    except (OSError, ValueError) as exc:
        return ended(FAILED, f"{path.name} cannot be read: {exc}")
    output.append(f"Uploading {path.name} ({form.size} bytes) to {url}")
    headers = [
        ("Content-Type", f"multipart/form-data; boundary={form.boundary}"),
        ("Content-Length", str(form.length)),
        ("User-Agent", "relnox"),
        ("Connection", "close"),
    ]
    auth = request.credentials.basic_auth()
    if auth is not None:
        import base64

        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers.append(("Authorization", f"Basic {token}"))
    try:
        head = request_head("POST", url, headers)
    except WireError as exc:
        return ended(FAILED, f"{url}: cannot be posted to ({exc}); check the repository URL")
    wait = min(network.timeout, network.stall)
    parts = urlsplit(url)
    try:
        sock = connect((parts.hostname or "", parts.port or 80), wait)
    except OSError as exc:
        return ended(TRANSIENT, f"cannot connect to {url}: {exc}")
    with sock:
        return _send(sock, head, form, request, ended, output)


def _send(
    sock: socket.socket,
    head: bytes,
    form: _Form,
    request: Upload,
    ended: Callable[..., Attempt],
    output: list[str],
) -> Attempt | None:
    """``form`` posted on ``sock`` after ``head``, and the index's answer read."""
    network, path, url = request.network, form.path, request.repository.upload_url
    wait = min(network.timeout, network.stall)
    try:
        # the pieces go as they are given (no wait for the index's acknowledgement of the last)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(network.stall)  # each piece taken within stall: the stall rule
        pieces = form.pieces()
        sock.sendall(head + next(pieces))  # the headers and the fields in one piece
        try:
            for piece in pieces:
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the index stopped reading: its answer (a 401, a 413) may say why
    except _Changed:
        return ended(
            FAILED,
            f"{path.name} changed while it was being sent (its bytes no longer hash to the "
            "sha256 read just before); nothing more of it was sent",
        )
    except TimeoutError:
        return ended(
            STALL, f"no progress sending {path.name} for {network.stall:g}s ({proc.STALLED})"
        )
    except OSError as exc:
        return ended(TRANSIENT, f"cannot send {path.name} to {url}: {exc}")
    data, why = _answer(sock, wait, network.stall)
    if why == "none":
        said = f"{proc.STALLED}: {proc.NO_ANSWER} for {wait:g}s"
        return ended(
            STALL,
            f"no answer for {path.name} within {wait:g}s"
            + (f" ({said})" if network.timeout < network.stall else ""),
        )
    if why:
        return ended(
            STALL, f"the answer for {path.name} did not end within {wait + network.stall:g}s"
        )
    try:
        answer = parse(data)
    except WireError as exc:
        return ended(TRANSIENT, f"the connection to {url} failed for {path.name}: {exc}")
    status, phrase = answer.status, answer.reason
    text = answer_reason(answer.body.decode("utf-8", "replace"))
    said = f"{status} {phrase}" if phrase else str(status)
    output.append(f"{said}: {text}" if text else said)
    if 200 <= status < 300:
        logger.debug("%s", _shown(output[-2:]))
        return None
    if status in _REDIRECTS:
        location = answer.header("Location") or "another address"
        return ended(
            FAILED,
            f"{url} answered HTTP {status} and redirected the upload to "
            f"{redact(location)}; relnox does not follow an upload's redirect (the credentials "
            "stay with the address given); if you trust that address, use it as the repository URL",
            status,
        )
    if phrase and phrase != _standard_phrase(
        status
    ):  # the index's reason in its status line (as PyPI's)
        detail = f"HTTP {status}: {phrase}" + (f" ({text})" if text and phrase not in text else "")
    else:
        detail = f"HTTP {status} {phrase}" + (f": {text}" if text else "")
    headers = tuple(
        (key, value)
        for key, value in answer.headers
        if key.lower().startswith(("retry-after", "ratelimit"))
    )
    return ended(kind_of_status(status), detail, status, headers)


def _standard_phrase(status: int) -> str:
    """The standard reason of ``status`` (``http.client.responses``), ``""`` for another."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
