"""The standard library's client for an index's simple API (``urllib.request``): redirects
followed with credentials kept to their origins, and every answer's head bounded in time.
:mod:`relnox.tools.simple_api` reads every page and file through it.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from relnox.tools.repositories import origin

logger = logging.getLogger("relnox")

Origin = tuple[str, str, "int | None"]
SCHEMES = ("http", "https")


class TooSlow(TimeoutError):
    """An answer that did not come within its bound (it says which)."""


class SameOriginAuth(urllib.request.HTTPRedirectHandler):
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


class HeadTooSlow(TooSlow):
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
            raise HeadTooSlow(self.seconds)
        self.sock.settimeout(left if self.per_read is None else min(left, self.per_read))
        try:
            return self.raw.readinto(buffer)
        except TimeoutError:
            if time.monotonic() >= self.deadline:
                raise HeadTooSlow(self.seconds) from None
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
        return conn  # type: ignore[no-any-return]

    return connection


def request(url: str, accept: str, auth: tuple[str, str] | None) -> urllib.request.Request:
    headers = {"Accept": accept, "User-Agent": "relnox"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return urllib.request.Request(url, headers=headers)


def opener(allowed: frozenset[Origin], head: float) -> urllib.request.OpenerDirector:
    """An opener whose redirects keep credentials to ``allowed`` and whose answers bring
    their status line and headers within ``head`` seconds."""
    return urllib.request.build_opener(
        SameOriginAuth(allowed), _BoundedHandler(head), _BoundedHTTPSHandler(head)
    )
