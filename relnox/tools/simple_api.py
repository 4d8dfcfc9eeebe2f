"""What an index already has: the simple API (PEP 691 JSON, or PEP 503 HTML) with sha256 hashes.

``project_files(simple_url, "demo-core")`` asks once per project and returns every
file the index lists, with the sha256 from the JSON ``hashes`` or the HTML link's
``#sha256=`` fragment; a file listed without a sha256 is downloaded and hashed.
A project the index does not know is an empty answer, not an error. Connection
errors, timeouts, 5xx and 429 are retried with backoff.

Credentials are bound to origins (scheme, host, port): they are sent only after a
401 from the index's own origin (or another origin of the same repository, passed
as ``origins``), never to a file host elsewhere, and a redirect to another origin
drops the ``Authorization`` header (the standard library's handler would copy it;
requests and pip drop it the same way).

Only ``http`` and ``https`` addresses are read, links and redirects alike (an index
linking ``file:///dev/zero`` gets an error, not a read of this machine). Every
answer is bounded: connect and each read by ``timeout``; the status line and headers
must all have come within ``timeout + stall`` seconds of the request (an index that
sends a header a byte at a time is given up on, as the in-process upload gives up on
its answer); the whole body by size (:data:`MAX_PAGE` for a project page; for a file,
one byte more than ours: anything longer is other content) and by time: it must be
complete within ``stall`` seconds plus one second per MiB received, so an index that
trickles a never-ending page is given up on, as a stalled upload is.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.client
import io
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

from relnox._records import dataclass, field
from relnox.errors import PublishError
from relnox.names import canonicalize_name
from relnox.tools.network import backoff_delay, connect
from relnox.tools.repositories import origin
from relnox.tools.simple_pages import (
    IndexedFile,
    ProjectPage,
    parse_html_page,
    parse_json_page,
)

Origin = tuple[str, str, "int | None"]

logger = logging.getLogger("relnox")

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
SCHEMES = ("http", "https")
#: project pages read at once: a small index server (pypiserver's default server listens
#: with a backlog of 5) drops connections beyond that, and each then waits a second
READERS = 4
#: the most a project page may hold (the largest real ones are tens of MiB)
MAX_PAGE = 256 * 1024 * 1024
#: the most a file download may hold when the size of ours is not known
MAX_FILE = 8 * 1024 * 1024 * 1024
_MIB = 1024 * 1024
_CHUNK = 64 * 1024


class _SameOriginAuth(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but ``Authorization`` only to the origins it may go to."""

    def __init__(self, allowed: Collection[Origin]) -> None:
        super().__init__()
        self.allowed = frozenset(allowed)

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in SCHEMES:
            raise urllib.error.HTTPError(
                newurl, code, f"redirected to a non-HTTP address {newurl}", headers, fp
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and origin(newurl) not in self.allowed:
            for key in [k for k in new.headers if k.lower() == "authorization"]:
                del new.headers[key]
            for key in [k for k in new.unredirected_hdrs if k.lower() == "authorization"]:
                del new.unredirected_hdrs[key]
            logger.debug("  redirected to another origin: %s, without credentials", newurl)
        return new


class _HeadTooSlow(TimeoutError):
    """The status line and headers of an answer did not all come within their bound."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"its status line and headers did not all come within {seconds:g}s "
            "([tool.relnox.network] timeout + stall)"
        )


class _HeadClock(io.RawIOBase):
    """A response's socket, read with one deadline for the status line and headers
    (each read within the socket's own timeout too); :meth:`done` lifts it for the body,
    whose bound is :func:`_read`'s."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, seconds: float) -> None:
        super().__init__()
        self.raw, self.sock, self.seconds = raw, sock, seconds
        self.per_read = sock.gettimeout()
        self.deadline: float | None = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        if self.deadline is None:
            return self.raw.readinto(buffer)
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _HeadTooSlow(self.seconds)
        self.sock.settimeout(left if self.per_read is None else min(left, self.per_read))
        try:
            return self.raw.readinto(buffer)
        except TimeoutError:
            if time.monotonic() >= self.deadline:
                raise _HeadTooSlow(self.seconds) from None
            raise

    def done(self) -> None:
        if self.deadline is not None:
            self.deadline = None
            self.sock.settimeout(self.per_read)

    def close(self) -> None:
        self.raw.close()
        super().close()


class _BoundedResponse(http.client.HTTPResponse):
    """An answer whose status line and headers must come within ``head`` seconds."""

    def __init__(self, sock: socket.socket, *args: Any, head: float, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        # the socket's reader, taken from the buffer urllib made (which would close it when
        # dropped) and buffered again behind the clock
        self._clock = _HeadClock(self.fp.detach(), sock, head)
        self.fp = io.BufferedReader(self._clock)

    def begin(self) -> None:
        try:
            super().begin()
        finally:
            self._clock.done()


class _HeadBound(urllib.request.AbstractHTTPHandler):
    """A urllib handler whose answers' heads are bounded (:class:`_BoundedResponse`)."""

    def __init__(self, head: float) -> None:
        super().__init__()
        self.head = head

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_bounded(http_class, self.head), req, **kwargs)


class _BoundedHandler(_HeadBound, urllib.request.HTTPHandler):
    """urllib's ``http`` handler, its answers' heads bounded."""


class _BoundedHTTPSHandler(_HeadBound, urllib.request.HTTPSHandler):
    """urllib's ``https`` handler, its answers' heads bounded."""


def _bounded(http_class: Any, head: float) -> Any:
    """``http_class``'s connections, each answer read as a :class:`_BoundedResponse`."""

    def connection(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        conn = http_class(*args, **kwargs)
        conn.response_class = functools.partial(_BoundedResponse, head=head)
        conn._create_connection = connect  # no idna codec (relnox.tools.network.connect)
        return conn  # type: ignore[no-any-return]

    return connection


def _request(url: str, accept: str, auth: tuple[str, str] | None) -> urllib.request.Request:
    headers = {"Accept": accept, "User-Agent": "relnox"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return urllib.request.Request(url, headers=headers)


class _Body:
    """Where an answer's body goes: kept (a page) or only hashed (a file)."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.chunks: list[bytes] = []
        self.hash = hashlib.sha256()
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.hash.update(chunk)
        if self.keep:
            self.chunks.append(chunk)

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


def _read(resp: Any, url: str, body: _Body, *, limit: int, stall: float) -> None:
    """``resp``'s body into ``body``: at most ``limit`` bytes (more are left unread), within
    ``stall`` s plus 1 s per MiB received."""
    started = time.monotonic()
    while body.size < limit:
        chunk = resp.read1(min(_CHUNK, limit - body.size))  # what has arrived, no more
        if not chunk:
            return
        body.add(chunk)
        if time.monotonic() - started > stall + body.size / _MIB:
            raise PublishError(
                f"{url}: the index was still sending its answer after "
                f"{time.monotonic() - started:.0f}s ({body.size} bytes so far), more than "
                f"[tool.relnox.network] stall = {stall:g} plus 1s per MiB allows; check the "
                "repository URL and that the index works, then run again"
            )


@dataclass(frozen=True)
class Patience:
    """How long to wait for an index: each request (``timeout``), a body that stops
    coming (``stall``), and how often to retry, backing off from ``retry_delay``."""

    timeout: float = 30.0
    retries: int = 3
    retry_delay: float = 1.0
    stall: float = 120.0
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def of(cls, network: Any, sleep: Callable[[float], None] = time.sleep) -> Patience:
        """From ``[tool.relnox.network]`` (:class:`relnox.tools.network.NetworkSettings`)."""
        return cls(network.timeout, network.retries, network.retry_delay, network.stall, sleep)


#: the openers a reader made, by the origins its credentials may go to and the bound of
#: an answer's head
Openers = dict[tuple[frozenset[Origin], float], urllib.request.OpenerDirector]


def _opener(
    allowed: frozenset[Origin], head: float, openers: Openers | None
) -> urllib.request.OpenerDirector:
    """An opener whose redirects keep credentials to ``allowed`` and whose answers bring
    their status line and headers within ``head`` seconds; made once per reader (each
    costs as much as a page of a local index is to read)."""
    opener = openers.get((allowed, head)) if openers is not None else None
    if opener is None:
        opener = urllib.request.build_opener(
            _SameOriginAuth(allowed), _BoundedHandler(head), _BoundedHTTPSHandler(head)
        )
        if openers is not None:
            openers[(allowed, head)] = opener
    return opener


def _fetch(
    url: str,
    *,
    accept: str,
    auth: tuple[str, str] | None,
    origins: Collection[Origin],
    patience: Patience,
    limit: int = MAX_PAGE,
    keep: bool = True,
    openers: Openers | None = None,
) -> tuple[int, str, _Body]:
    """``(status, content type, body)``; 404 is ``(404, "", <empty body>)``.

    A 401 from one of ``origins`` is retried with ``auth``; ``auth`` goes nowhere else.
    At most ``limit`` bytes of the body are read (a page longer than that is refused).
    ``openers`` keeps the opener made for ``origins`` for the next request (a reader's).
    """
    timeout, retries, stall = patience.timeout, patience.retries, patience.stall
    retry_delay, sleep = patience.retry_delay, patience.sleep
    if urlsplit(url).scheme.lower() not in SCHEMES:
        raise PublishError(
            f"{url}: the index links a file at an address relnox does not read (only http "
            "and https); ask the index's administrator, or publish elsewhere"
        )
    opener = _opener(frozenset(origins), timeout + stall, openers)
    use_auth: tuple[str, str] | None = None
    attempt = 0
    while True:
        attempt += 1
        try:
            with opener.open(_request(url, accept, use_auth), timeout=timeout) as resp:
                body = _Body(keep)
                _read(resp, url, body, limit=limit, stall=stall)
                if keep and body.size >= limit and resp.read(1):
                    raise PublishError(
                        f"{url}: the index's answer is longer than {limit // _MIB} MiB, more "
                        "than any project page; check the repository URL"
                    )
                return resp.status, resp.headers.get("Content-Type", ""), body
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return 404, "", _Body(keep)
            answered_by = exc.geturl() or url
            if (
                exc.code == 401
                and auth is not None
                and use_auth is None
                and origin(url) in origins
                and origin(answered_by) in origins
            ):
                use_auth = auth
                attempt -= 1
                continue
            if exc.code not in TRANSIENT_STATUS or attempt > retries:
                hint = "check the repository URL and that its simple API is readable"
                if exc.code == 401 and origin(answered_by) not in origins:
                    if answered_by == url and not keep:  # a file link to another host
                        hint = (
                            "it is not the index's own address, so relnox sends it no "
                            "credentials; the index should list its files with a #sha256= hash, "
                            "or serve them from its own address"
                        )
                    elif answered_by == url:  # an API set on another host (an integrity-url)
                        hint = (
                            "it is not the index's own address, so relnox sends it none of the "
                            "index's credentials; give the address on the index's own host, or "
                            "make it readable without them"
                        )
                    else:
                        hint = (
                            f"it redirected to {answered_by}, which is not the index's own "
                            "address, so relnox sends it no credentials; if you trust that "
                            "address, use it as the repository URL"
                        )
                raise PublishError(
                    f"{url}: the index answered HTTP {exc.code} {exc.reason}; {hint}"
                ) from None
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, _HeadTooSlow):
                pass  # it says its bound
            elif isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                reason = f"no answer within {timeout:g}s, [tool.relnox.network] timeout"
            if attempt > retries:
                raise PublishError(
                    f"{url}: the index cannot be reached ({reason}) after {attempt} "
                    f"attempt{'s' * (attempt != 1)}; check the repository URL and your network, "
                    "then run again"
                ) from None
            problem = str(reason)
        delay = backoff_delay(retry_delay, attempt)
        logger.warning(
            "  %s: %s; retrying in %.1fs (attempt %d of %d)",
            url,
            problem,
            delay,
            attempt + 1,
            retries + 1,
        )
        sleep(delay)


def project_page(
    simple_url: str,
    project: str,
    *,
    auth: tuple[str, str] | None = None,
    origins: Collection[Origin] = (),
    patience: Patience = Patience(),
    openers: Openers | None = None,
) -> ProjectPage:
    """What the index at ``simple_url`` says of ``project``: every file it lists (by file
    name), and the project's status.

    ``auth`` is sent only to the origin of ``simple_url`` and to ``origins``.
    """
    url = page_url(simple_url, project)
    status, content_type, body = _fetch(
        url,
        accept=ACCEPT,
        auth=auth,
        origins={origin(simple_url), *origins},
        patience=patience,
        openers=openers,
    )
    return page_of(url, status, content_type, body.data)


def page_url(simple_url: str, project: str) -> str:
    """The address of ``project``'s page on the index at ``simple_url``."""
    return f"{simple_url.rstrip('/')}/{canonicalize_name(project)}/"


def page_of(url: str, status: int, content_type: str, data: bytes) -> ProjectPage:
    """A project page from the index's answer (200, or 404: a project it does not know)."""
    if status == 404:
        logger.debug("  %s: not on the index yet", url)
        return ProjectPage()
    text = data.decode("utf-8", "replace")
    if content_type.split(";")[0].strip() == JSON_TYPE:
        try:
            return parse_json_page(json.loads(text), url)
        except (json.JSONDecodeError, AttributeError, TypeError):
            raise PublishError(
                f"{url}: the index sent invalid PEP 691 JSON; check the repository URL"
            ) from None
    return parse_html_page(text, url)


def project_files(simple_url: str, project: str, **kwargs: Any) -> dict[str, IndexedFile]:
    """Every file the index at ``simple_url`` lists for ``project`` (by file name)."""
    return project_page(simple_url, project, **kwargs).files


def file_sha256(
    file: IndexedFile,
    *,
    auth: tuple[str, str] | None = None,
    origins: Collection[Origin] = (),
    patience: Patience = Patience(timeout=60.0),
    size: int | None = None,
    openers: Openers | None = None,
) -> str:
    """The sha256 of an indexed file: the listed one, else of its downloaded content.

    ``auth`` is sent only when the file lives on one of ``origins`` (the index's own):
    a file on another host is downloaded without credentials. With ``size`` (of the
    file it is compared with) at most ``size + 1`` bytes are read: a longer file differs.
    """
    if file.sha256:
        return file.sha256
    status, _, body = _fetch(
        file.url,
        accept="*/*",
        auth=auth,
        origins=origins,
        patience=patience,
        limit=MAX_FILE if size is None else size + 1,
        keep=False,
        openers=openers,
    )
    if status == 404:
        raise PublishError(
            f"{file.url}: listed by the index but not downloadable (404); "
            "the index is inconsistent, ask its administrator"
        )
    return body.hash.hexdigest()


@dataclass(frozen=True)
class IndexReader:
    """One repository's simple API, read with its credentials (bound to ``origins``) and bounds."""

    simple_url: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    origins: frozenset[Origin] = frozenset()
    patience: Patience = Patience()
    _openers: Openers = field(default_factory=dict, repr=False, compare=False, hash=False)

    def files(self, project: str) -> dict[str, IndexedFile]:
        return self.page(project).files

    def page(self, project: str) -> ProjectPage:
        return project_page(
            self.simple_url,
            project,
            auth=self.auth,
            origins=self.origins,
            patience=self.patience,
            openers=self._openers,
        )

    def sha256(self, file: IndexedFile, size: int | None = None) -> str:
        return file_sha256(
            file,
            auth=self.auth,
            origins={origin(self.simple_url), *self.origins},
            patience=self.patience,
            size=size,
            openers=self._openers,
        )


def read_page(
    url: str,
    *,
    accept: str,
    auth: tuple[str, str] | None = None,
    origins: Collection[Origin] = (),
    patience: Patience = Patience(),
) -> tuple[int, str, str]:
    """``(status, content type, text)`` of one page of an index or its APIs (a project
    page in one format, PEP 740's integrity API); 404 is ``(404, "", "")``.

    ``auth`` goes only to ``origins`` (the index's own), whatever ``url`` is: an integrity
    API set elsewhere is read without the index's credentials."""
    status, content_type, body = _fetch(
        url,
        accept=accept,
        auth=auth,
        origins=origins,
        patience=patience,
    )
    return status, content_type, body.data.decode("utf-8", "replace")
