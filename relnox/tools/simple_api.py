"""What an index already has: the simple API (PEP 691 JSON, or PEP 503 HTML) with sha256
hashes, read with urllib. Connection errors, timeouts, 5xx and 429 are retried with backoff;
credentials go only to the index's origins, after a 401, and never through a redirect to
another origin or to a scheme but http and https. Every answer is bounded: the head by
``timeout + stall``, the body by size and by time (``stall`` plus 1 s per MiB), all by a
deadline."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name

from relnox.config import Config
from relnox.errors import PublishError
from relnox.tools.network import NetworkSettings, network_settings
from relnox.tools.repositories import Origin, Repository, origin, resolve
from relnox.tools.simple_pages import (
    IndexedFile,
    ProjectPage,
    parse_html_page,
    parse_json_page,
)

logger = logging.getLogger("relnox")

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
#: the most a project page may hold (the largest real ones are tens of MiB)
MAX_PAGE = 256 * 1024 * 1024
#: the most a file download may hold when the size of ours is not known
MAX_FILE = 8 * 1024 * 1024 * 1024
_MIB = 1024 * 1024
_CHUNK = 64 * 1024


T = TypeVar("T")
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


class _Body:
    """An answer's body: kept (a page) or only hashed (a file)."""

    def __init__(self, keep: bool) -> None:
        self.keep, self.size, self.data, self.hash = keep, 0, bytearray(), hashlib.sha256()

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.keep:
            self.data += chunk
        else:
            self.hash.update(chunk)


def _read(resp: Any, url: str, body: _Body, *, limit: int, stall: float) -> None:
    """``resp``'s body into ``body``: at most ``limit`` bytes, within ``stall`` s plus 1 s per MiB."""
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


class WaitEnded(PublishError):
    """A read of the index that had not ended at its reader's deadline."""


@dataclass(frozen=True)
class Patience(NetworkSettings):
    """How long to wait for an index (``[tool.relnox.network]``), never past ``deadline``."""

    sleep: Callable[[float], None] = time.sleep
    deadline: float | None = None

    def bound(self, url: str, seconds: float) -> float:
        """``seconds``, but not past the deadline; past it, :class:`WaitEnded`."""
        if self.deadline is None:
            return seconds
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise WaitEnded(f"{url} gave no answer before the wait ended")
        return min(seconds, left)


def _fetch(
    reader: IndexReader, url: str, accept: str, limit: int = MAX_PAGE, keep: bool = True
) -> tuple[int, str, _Body]:
    """``(status, content type, body)``, 404 with an empty body; a 401 from one of the
    ``reader``'s origins is retried with its login."""
    auth, origins, patience = reader.auth, reader.allowed, reader.patience
    if urlsplit(url).scheme.lower() not in SCHEMES:
        raise PublishError(
            f"{url}: the index links a file at an address relnox does not read (only http "
            "and https); ask the index's administrator, or publish elsewhere"
        )
    use_auth: tuple[str, str] | None = None
    attempt = 0
    while True:
        attempt += 1
        timeout, stall = (patience.bound(url, s) for s in (patience.timeout, patience.stall))
        try:
            head = patience.bound(url, timeout + stall)
            headers = {"Accept": accept, "User-Agent": "relnox"}
            if use_auth is not None:
                token = base64.b64encode(":".join(use_auth).encode()).decode("ascii")
                headers["Authorization"] = f"Basic {token}"
            request = urllib.request.Request(url, headers=headers)
            opener = urllib.request.build_opener(SameOriginAuth(origins))
            opened = partial(opener.open, request, timeout=timeout)
            with within(head, opened, partial(HeadTooSlow, head)) as resp:
                body = _Body(keep)
                _read(resp, url, body, limit=limit, stall=stall)
                if keep and body.size >= limit and resp.read(1):
                    raise PublishError(
                        f"{url}: the index's answer is longer than {limit // _MIB} MiB, "
                        "more than any project page; check the repository URL"
                    )
                return resp.status, resp.headers.get("Content-Type", ""), body
        except urllib.error.HTTPError as exc:
            with contextlib.suppress(OSError, ValueError):  # closed now, not "ignored" at exit
                exc.close()
            code, answered_by = exc.code, exc.geturl() or url
            if code == 404:
                return 404, "", _Body(keep)
            login = auth if use_auth is None and code == 401 else None
            if login is not None and {origin(url), origin(answered_by)} <= origins:
                use_auth = login
                attempt -= 1
                continue
            if code not in TRANSIENT_STATUS or attempt > patience.retries:
                hint = _hint(code, url, answered_by, origins, keep)
                raise PublishError(
                    f"{url}: the index answered HTTP {code} {exc.reason}; {hint}"
                ) from None
            problem = f"HTTP {code}"
        except OSError as exc:
            patience.bound(url, 0)  # an answer cut off by the deadline: the wait ended
            problem = _unreachable(url, exc, attempt, patience.retries, timeout)
        delay = patience.bound(url, patience.backoff(attempt))
        logger.warning(
            "  %s: %s; retrying in %.1fs (attempt %d of %d)",
            url,
            problem,
            delay,
            attempt + 1,
            patience.retries + 1,
        )
        patience.sleep(delay)


def _unreachable(url: str, exc: OSError, attempt: int, retries: int, timeout: float) -> str:
    """What kept the index from answering; past the last retry, a :class:`PublishError`."""
    reason: object = getattr(exc, "reason", exc)  # a URLError's, or the error itself
    timed_out = isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError)
    if timed_out and not isinstance(reason, HeadTooSlow):  # that one says its bound
        reason = f"no answer within {timeout:g}s, [tool.relnox.network] timeout"
    if attempt > retries:
        raise PublishError(
            f"{url}: the index cannot be reached ({reason}) after {attempt} "
            f"attempt{'s' * (attempt != 1)}; check the repository URL and your network, "
            "then run again"
        ) from None
    return str(reason)


def _hint(status: int, url: str, answered_by: str, origins: Collection[Origin], keep: bool) -> str:
    if status != 401 or origin(answered_by) in origins:
        return "check the repository URL and that its simple API is readable"
    if answered_by == url and not keep:  # a file link to another host
        return (
            "it is not the index's own address, so relnox sends it no "
            "credentials; the index should list its files with a #sha256= hash, "
            "or serve them from its own address"
        )
    if answered_by == url:  # an API set on another host (an integrity-url)
        return (
            "it is not the index's own address, so relnox sends it none of the "
            "index's credentials; give the address on the index's own host, or "
            "make it readable without them"
        )
    return (
        f"it redirected to {answered_by}, which is not the index's own "
        "address, so relnox sends it no credentials; if you trust that "
        "address, use it as the repository URL"
    )


def page_url(simple_url: str, project: str) -> str:
    return f"{simple_url.rstrip('/')}/{canonicalize_name(project)}/"


def page_of(url: str, status: int, content_type: str, text: str) -> ProjectPage:
    """A project page from the index's answer (200, or 404: a project it does not know)."""
    if status == 404:
        logger.debug("  %s: not on the index yet", url)
        return ProjectPage()
    if content_type.split(";")[0].strip() == JSON_TYPE:
        try:
            return parse_json_page(json.loads(text), url)
        except (json.JSONDecodeError, AttributeError, TypeError):
            raise PublishError(
                f"{url}: the index sent invalid PEP 691 JSON; check the repository URL"
            ) from None
    return parse_html_page(text, url)


@dataclass(frozen=True)
class IndexReader:
    """One repository's simple API, read with its credentials (bound to ``origins``) and bounds."""

    simple_url: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    origins: frozenset[Origin] = frozenset()
    patience: Patience = Patience()

    @classmethod
    def named(
        cls,
        where: str,
        config: Config,
        environ: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **network: Any,
    ) -> tuple[Repository, IndexReader]:
        """The index ``where`` names (a name or a URL), read with its credentials within
        ``[tool.relnox.network]`` (``network``: settings of this reader's own)."""
        from relnox.tools.credentials import resolve_credentials

        repo = resolve(where, config, environ=environ)
        auth = resolve_credentials(repo, environ).basic_auth()
        return repo, cls.of(repo, auth, replace(network_settings(config), **network), sleep)

    @classmethod
    def of(
        cls,
        repo: Repository,
        auth: tuple[str, str] | None = None,
        network: NetworkSettings = NetworkSettings(),  # noqa: B008 - frozen
        sleep: Callable[[float], None] = time.sleep,
    ) -> IndexReader:
        """``repo``'s simple API, read within ``network`` (``[tool.relnox.network]``)."""
        return cls(repo.simple_url, auth, repo.origins, Patience(**asdict(network), sleep=sleep))

    def until(self, deadline: float) -> IndexReader:
        """This reader, never waiting past ``deadline`` (a :func:`time.monotonic` time)."""
        return replace(self, patience=replace(self.patience, deadline=deadline))

    @property
    def allowed(self) -> frozenset[Origin]:
        """Where its credentials may go: its simple API's origin and :attr:`origins`."""
        return frozenset({origin(self.simple_url), *self.origins})

    def files(self, project: str) -> dict[str, IndexedFile]:
        return self.page(project).files

    def page(self, project: str) -> ProjectPage:
        url = page_url(self.simple_url, project)
        return page_of(url, *self.read(url, ACCEPT))

    def read(self, url: str, accept: str) -> tuple[int, str, str]:
        """``(status, content type, text)`` of one page of the index or its APIs."""
        status, content_type, body = _fetch(self, url, accept)
        return status, content_type, body.data.decode("utf-8", "replace")

    def sha256(self, file: IndexedFile, size: int | None = None) -> str:
        """The sha256 of an indexed file: the listed one, else of at most ``size + 1`` bytes."""
        if file.sha256:
            return file.sha256
        limit = MAX_FILE if size is None else size + 1
        status, _, body = _fetch(self, file.url, "*/*", limit, keep=False)
        if status == 404:
            raise PublishError(
                f"{file.url}: listed by the index but not downloadable (404); "
                "the index is inconsistent, ask its administrator"
            )
        return body.hash.hexdigest()
