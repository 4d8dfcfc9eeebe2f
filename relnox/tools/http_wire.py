"""HTTP/1.1 on a plain socket, for an index on this machine: one request, one answer, the
connection closed after it.

An index on 127.0.0.1 (pypiserver, devpi in a test or a CI job) answers in a millisecond;
the standard library's client to ask it (``urllib.request`` with ``http.client``, ``email``
and ``ssl`` behind it) takes longer to import than a small release takes to upload. relnox
asks such an index itself (:mod:`relnox.publish.prefetch`, the page reads of
:mod:`relnox.tools.simple_api`, the uploads of :mod:`relnox.tools.http_upload`), with the same
rules as that client:

- the request line's target and every header value are refused if they hold a control
  character or a space (no request can be smuggled through a URL or a value);
- an answer is read as ``http.client`` reads one: ``1xx`` interim answers skipped, the
  status line ``HTTP/1.x NNN reason``, at most :data:`MAX_HEADERS` header lines of at most
  :data:`MAX_LINE` bytes each, folded lines joined, a body of ``Content-Length`` bytes,
  ``chunked``, or until the connection closes;
- :func:`get` sends no credentials, and its caller takes only what needs no judgement
  (:func:`plain`: a whole 200 or 404 that says its length, with no redirect and no other
  encoding) or a refusal (4xx, 5xx), judged as the standard library's would be. For
  anything else, and for the request with credentials a 401 asks for, the caller asks
  through the standard library, which follows the rules for the rest (redirects,
  credentials after a 401, proxies, TLS).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from relnox.tools.network import connect

#: the most bytes of one status or header line (``http.client``'s ``_MAXLINE``)
MAX_LINE = 65536
#: the most header lines of one answer (``http.client``'s ``_MAXHEADERS``)
MAX_HEADERS = 100
_RECEIVE = 65536
_MIB = 1024 * 1024


class WireError(ValueError):
    """An answer that is not HTTP, or a request that cannot be written."""


class TooSlow(TimeoutError):
    """An answer that did not all come within its bound (the message names the bound)."""


@dataclass(frozen=True)
class Answer:
    """One answer: its status, reason, headers (in order, as sent) and body."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    #: fewer body bytes came than the answer said (``http.client``'s ``IncompleteRead``)
    incomplete: bool = False

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), as ``http.client`` reads it."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


def host_header(parts: SplitResult) -> str:
    """The ``Host`` header of a URL, as ``http.client`` writes it (the port only when given)."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return host if parts.port is None else f"{host}:{parts.port}"


def target_of(parts: SplitResult) -> str:
    """The request line's target: the URL's path (``/`` when it has none) and query."""
    target = parts.path or "/"
    return f"{target}?{parts.query}" if parts.query else target


def _checked(value: str, what: str) -> str:
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value) or not value.isascii():
        raise WireError(f"{what} holds a space, a control or a non-ASCII character: {value!r}")
    return value


def request_head(method: str, url: str, headers: list[tuple[str, str]]) -> bytes:
    """The request line and headers of ``method url`` (``Host`` first), ended by a blank line."""
    parts = urlsplit(url)
    lines = [f"{method} {_checked(target_of(parts), 'the request target')} HTTP/1.1"]
    for key, value in [("Host", host_header(parts)), *headers]:
        if any(c in value for c in "\r\n\0") or not value.isascii():
            raise WireError(f"the {key} header's value cannot be sent: {value!r}")
        lines.append(f"{_checked(key, 'a header name')}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _line(data: bytes | bytearray, start: int) -> tuple[bytes, int]:
    """The line of ``data`` from ``start`` (its ``\\n`` kept) and where the next begins."""
    end = data.find(b"\n", start, start + MAX_LINE + 1)
    if end < 0:
        if len(data) - start > MAX_LINE:
            raise WireError("got more than 65536 bytes when reading a line")
        return bytes(data[start:]), len(data)
    return bytes(data[start : end + 1]), end + 1


def _head(data: bytes | bytearray, start: int) -> tuple[int, str, list[tuple[str, str]], int]:
    """The status, reason and headers of the answer at ``start``, and where its body begins.

    As ``http.client`` reads them: the status line split on whitespace; header lines up to
    the blank line, a folded one joined to the header before it, and from a line that is
    not a header on, the rest of the head skipped (the ``email`` parser stops there too)."""
    line, at = _line(data, start)
    if not line:
        raise WireError("the index closed the connection without an answer")
    status_line = line.decode("iso-8859-1").rstrip("\r\n")
    words = status_line.split(None, 2)
    code = words[1] if len(words) > 1 else ""
    if not words[0:1] or not words[0].startswith("HTTP/") or len(code) != 3 or not code.isdigit():
        raise WireError(f"not an HTTP status line: {status_line[:80]!r}")
    if int(code) < 100:
        raise WireError(f"not an HTTP status line: {status_line[:80]!r}")
    headers: list[tuple[str, str]] = []
    lines, junk = 0, False
    while True:
        line, at = _line(data, at)
        if line in (b"\r\n", b"\n", b""):
            break
        lines += 1
        if lines > MAX_HEADERS:
            raise WireError(f"got more than {MAX_HEADERS} headers")
        text = line.decode("iso-8859-1")
        if junk:
            continue
        if text[:1] in (" ", "\t"):  # a folded line, kept as email keeps it
            if headers:  # (one before any header, email leaves out)
                key, value = headers[-1]
                headers[-1] = (key, value + text)
            continue
        key, colon, value = text.partition(":")
        if not colon or not key or key != key.strip():
            junk = True
            continue
        headers.append((key, value.lstrip(" \t")))
    headers = [(key, value.rstrip("\r\n")) for key, value in headers]
    return int(code), words[2].strip() if len(words) > 2 else "", headers, at


def _chunked(data: bytes, at: int) -> tuple[bytes, bool]:
    """A ``chunked`` body from ``at``: the bytes and whether it ended short. As
    ``http.client`` reads one: a size that is not a hexadecimal number ends it short, and
    so does a chunk cut off (its bytes are not kept)."""
    pieces: list[bytes] = []
    while True:
        line, at = _line(data, at)
        try:
            size = int(line.split(b";", 1)[0], 16)
        except ValueError:
            return b"".join(pieces), True
        if size <= 0:
            return b"".join(pieces), size < 0
        piece = data[at : at + size]
        if len(piece) < size:
            return b"".join(pieces), True  # the whole chunks only, as http.client says
        pieces.append(piece)
        at += size
        if len(data) - at < 2:
            return b"".join(pieces), True
        at += 2  # the chunk's own line end


def parse(data: bytes, *, head_only: bool = False) -> Answer:
    """The answer in ``data`` (as read until the connection closed, or its end), after any
    ``100 Continue``; :class:`WireError` for one that is not HTTP. Its body as
    ``http.client`` reads it: ``chunked`` (that coding alone), else ``Content-Length`` bytes
    (one that is not a number is ignored), else everything to the end."""
    at = 0
    while True:
        status, reason, headers, at = _head(data, at)
        if status != 100:
            break
    answer = Answer(status, reason, tuple(headers), b"")
    if head_only or status in (204, 304) or 100 <= status < 200:
        return answer
    if (answer.header("Transfer-Encoding") or "").lower() == "chunked":
        body, short = _chunked(data, at)
        return Answer(status, reason, tuple(headers), body, short)
    length = answer.header("Content-Length")
    wanted = int(length) if length is not None and length.strip().isdigit() else None
    if wanted is not None:
        body = bytes(data[at : at + wanted])
        return Answer(status, reason, tuple(headers), body, len(body) < wanted)
    return Answer(status, reason, tuple(headers), bytes(data[at:]))


def _final_head(data: bytes | bytearray) -> tuple[Answer, int] | None:
    """The head of the answer in ``data`` after any ``100 Continue`` (an :class:`Answer`
    without its body) and where its body begins; ``None`` while it is still coming;
    :class:`WireError` for one that is not HTTP."""
    at = 0
    while True:
        end = data.find(b"\r\n\r\n", at)
        if end < 0:
            return None
        status, reason, headers, _ = _head(data[: end + 4], at)
        if status != 100:
            return Answer(status, reason, tuple(headers), b""), end + 4
        at = end + 4  # an interim answer: the real one follows


def _length(head: Answer) -> int | None:
    """The body's length the head says (``Content-Length``, no other coding), or ``None``."""
    length = head.header("Content-Length")
    if head.header("Transfer-Encoding") is not None or length is None:
        return None
    return int(length) if length.strip().isdigit() else None


def whole(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a whole answer that says its length (``Content-Length``), or
    one that is not HTTP (nothing more would make it one)."""
    try:
        found = _final_head(data)
    except WireError:
        return True
    if found is None:
        return False
    head, body = found
    length = _length(head)
    return length is not None and len(data) - body >= length


def get(url: str, accept: str, *, timeout: float, stall: float, limit: int) -> Answer | None:
    """``GET url`` without credentials, read within ``timeout`` per read and ``timeout +
    stall`` plus 1 s per MiB in all: the answer, ``None`` for one that is not HTTP or whose
    head is longer than :data:`MAX_LINE`. Its body is read only where the head says its
    length, at most ``limit`` bytes; another's is left unread (an answer without it, said
    ``incomplete``). :class:`OSError` (:class:`TooSlow`) when the index cannot be reached or
    does not answer in time. Whether the caller may take the answer as it is, :func:`plain`
    says."""
    parts = urlsplit(url)
    request = request_head(
        "GET",
        url,
        [("Accept", accept), ("User-Agent", "relnox"), ("Connection", "close")],
    )
    data = bytearray()
    started = time.monotonic()
    wanted: int | None = None  # the bytes of head and body to read
    with connect((parts.hostname or "", parts.port or 80), timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        while wanted is None or len(data) < wanted:
            if time.monotonic() - started > timeout + stall + len(data) / _MIB:
                raise TooSlow(
                    f"the answer did not end within {timeout + stall:g}s "
                    "([tool.relnox.network] timeout + stall)"
                )
            chunk = sock.recv(_RECEIVE)
            if not chunk:
                break
            data += chunk
            if wanted is None:
                try:
                    found = _final_head(data)
                except WireError:
                    return None
                if found is None:
                    if len(data) > MAX_LINE:
                        return None  # a head this long: the standard library's to read
                    continue
                head, body = found
                length = _length(head)
                if length is None or length > limit:
                    return Answer(head.status, head.reason, head.headers, b"", incomplete=True)
                wanted = body + length
    try:
        return parse(bytes(data))
    except WireError:
        return None


def plain(answer: Answer, limit: int) -> bool:
    """Whether ``answer`` needs no judgement: a whole 200 or 404 that says its length,
    without a redirect or another encoding, of at most ``limit`` bytes."""
    return (
        answer.status in (200, 404)
        and not answer.incomplete
        and answer.header("Content-Length") is not None
        and len(answer.body) <= limit
        and answer.header("Transfer-Encoding") is None
        and answer.header("Location") is None
    )
