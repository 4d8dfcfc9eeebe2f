"""What an index already has: the simple API (PEP 691 JSON, or PEP 503 HTML) with sha256 hashes.

``project_files(simple_url, "demo-core")`` asks once per project and returns every
file the index lists, with the sha256 from the JSON ``hashes`` or the HTML link's
``#sha256=`` fragment; a file listed without a sha256 is downloaded and hashed.
A project the index does not know is an empty answer, not an error. Connection
errors, 5xx and 429 are retried with backoff.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import canonicalize_name

from relnox.errors import PublishError

logger = logging.getLogger("relnox")

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class IndexedFile:
    filename: str
    url: str
    sha256: str | None  # None: the index gave no sha256 (see :func:`file_sha256`)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def _filename_of(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def parse_html(text: str, base_url: str) -> dict[str, IndexedFile]:
    """The files of a PEP 503 project page."""
    parser = _Links()
    parser.feed(text)
    files: dict[str, IndexedFile] = {}
    for href, label in parser.links:
        url, _, fragment = urljoin(base_url, href).partition("#")
        name = _filename_of(url) or label
        algo, _, value = fragment.partition("=")
        files[name] = IndexedFile(name, url, value.lower() if algo == "sha256" and value else None)
    return files


def parse_json(data: dict[str, Any], base_url: str) -> dict[str, IndexedFile]:
    """The files of a PEP 691 project page."""
    files: dict[str, IndexedFile] = {}
    for entry in data.get("files", []):
        url = urljoin(base_url, entry.get("url", ""))
        name = entry.get("filename") or _filename_of(url)
        sha = (entry.get("hashes") or {}).get("sha256")
        files[name] = IndexedFile(name, url, sha.lower() if isinstance(sha, str) else None)
    return files


def _request(url: str, accept: str, auth: tuple[str, str] | None) -> urllib.request.Request:
    headers = {"Accept": accept, "User-Agent": "relnox"}
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return urllib.request.Request(url, headers=headers)


def _fetch(
    url: str,
    *,
    accept: str,
    auth: tuple[str, str] | None,
    timeout: float,
    retries: int,
    retry_delay: float,
    sleep: Callable[[float], None],
) -> tuple[int, str, bytes]:
    """``(status, content type, body)``; 404 is ``(404, "", b"")``; 401 retries with ``auth``."""
    use_auth: tuple[str, str] | None = None
    attempt = 0
    while True:
        attempt += 1
        try:
            with urllib.request.urlopen(_request(url, accept, use_auth), timeout=timeout) as resp:
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return 404, "", b""
            if exc.code == 401 and auth is not None and use_auth is None:
                use_auth = auth
                attempt -= 1
                continue
            if exc.code not in TRANSIENT_STATUS or attempt > retries:
                raise PublishError(
                    f"{url}: the index answered HTTP {exc.code} {exc.reason}; "
                    "check the repository URL and that its simple API is readable"
                ) from None
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            if attempt > retries:
                reason = getattr(exc, "reason", exc)
                raise PublishError(
                    f"{url}: the index cannot be reached ({reason}); "
                    "check the repository URL and your network, then run again"
                ) from None
            problem = exc.__class__.__name__
        delay = retry_delay * 2 ** (attempt - 1)
        logger.info("  %s: %s, retrying in %.1fs", url, problem, delay)
        sleep(delay)


def project_files(
    simple_url: str,
    project: str,
    *,
    auth: tuple[str, str] | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    retry_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, IndexedFile]:
    """Every file the index at ``simple_url`` lists for ``project`` (by file name)."""
    url = f"{simple_url.rstrip('/')}/{canonicalize_name(project)}/"
    status, content_type, body = _fetch(
        url,
        accept=ACCEPT,
        auth=auth,
        timeout=timeout,
        retries=retries,
        retry_delay=retry_delay,
        sleep=sleep,
    )
    if status == 404:
        logger.debug("  %s: not on the index yet", project)
        return {}
    text = body.decode("utf-8", "replace")
    if content_type.split(";")[0].strip() == JSON_TYPE:
        try:
            return parse_json(json.loads(text), url)
        except (json.JSONDecodeError, AttributeError):
            raise PublishError(
                f"{url}: the index sent invalid PEP 691 JSON; check the repository URL"
            ) from None
    return parse_html(text, url)


def file_sha256(
    file: IndexedFile,
    *,
    auth: tuple[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    retry_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """The sha256 of an indexed file: the listed one, else of its downloaded content."""
    if file.sha256:
        return file.sha256
    status, _, body = _fetch(
        file.url,
        accept="*/*",
        auth=auth,
        timeout=timeout,
        retries=retries,
        retry_delay=retry_delay,
        sleep=sleep,
    )
    if status == 404:
        raise PublishError(
            f"{file.url}: listed by the index but not downloadable (404); "
            "the index is inconsistent, ask its administrator"
        )
    return hashlib.sha256(body).hexdigest()
