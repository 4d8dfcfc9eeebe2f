"""urllib's client for an index: redirects followed with credentials kept to their origins
(never to a scheme but http and https), every answer's head bounded in time."""

from __future__ import annotations

import base64
import logging
import queue
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from typing import Any, TypeVar
from urllib.parse import urlsplit

from relnox.tools.repositories import origin

logger = logging.getLogger("relnox")

T = TypeVar("T")
Origin = tuple[str, str, "int | None"]
SCHEMES = ("http", "https")


class HeadTooSlow(TimeoutError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"its status line and headers did not all come within {seconds:g}s "
            "([tool.relnox.network] timeout + stall)"
        )


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
            for table in (new.headers, new.unredirected_hdrs):
                for key in [k for k in table if k.lower() == "authorization"]:
                    del table[key]
            logger.debug("  redirected to another origin: %s, without credentials", newurl)
        return new


def within(seconds: float, work: Callable[[], T], too_slow: Callable[[], Exception]) -> T:
    """``work()``'s answer, or ``too_slow()`` after ``seconds`` (urllib bounds each read only)."""
    answers: queue.Queue[Any] = queue.Queue()

    def run() -> None:
        try:
            answers.put((True, work()))
        except Exception as exc:  # raised again in the caller's thread
            answers.put((False, exc))

    threading.Thread(target=run, name="relnox-http", daemon=True).start()
    try:
        done, answer = answers.get(timeout=seconds)
    except queue.Empty:
        raise too_slow() from None
    if not done:
        raise answer
    return answer  # type: ignore[no-any-return]


def open_url(
    url: str,
    accept: str,
    auth: tuple[str, str] | None,
    allowed: Collection[Origin],
    *,
    timeout: float,
    head: float,
) -> Any:
    """``url``'s answer, ``auth`` only to ``allowed``: each read within ``timeout``, the
    status line and headers within ``head``."""
    headers = {"Accept": accept, "User-Agent": "relnox"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    req = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(SameOriginAuth(allowed))
    return within(head, lambda: opener.open(req, timeout=timeout), lambda: HeadTooSlow(head))
