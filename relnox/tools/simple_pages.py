"""A project's page of the simple repository API, parsed (PEP 503 HTML, PEP 691 JSON): each
file with its hash and upload time (PEP 700), and the project's status (PEP 792)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from relnox.redact import redact


@dataclass(frozen=True)
class IndexedFile:
    filename: str
    url: str
    sha256: str | None  # None: the index gave no sha256 (IndexReader.sha256 reads the file)
    upload_time: datetime | None = None  # PEP 700 ``upload-time`` (JSON only)


@dataclass(frozen=True)
class ProjectPage:
    """What the index says about a project: its files and (PEP 792) its status."""

    files: dict[str, IndexedFile] = field(default_factory=dict)
    status: str = "active"  # "active", "archived", "quarantined" or "deprecated"
    reason: str = ""  # the index's words about the status, if any


#: the most of an index's own words (a PEP 792 status or its reason) relnox shows
SAID_MAX = 200


def index_said(value: object) -> str:
    """The index's free text as relnox may quote it: one line, secrets masked, then cut."""
    text = " ".join(redact(str(value)).split())
    return text if len(text) <= SAID_MAX else text[: SAID_MAX - 3].rstrip() + "..."


def upload_time(value: Any) -> datetime | None:
    """A PEP 700 ``upload-time`` (ISO 8601, UTC), or ``None`` when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _api_version_at_least(value: Any, wanted: tuple[int, int]) -> bool:
    if value is None:
        return True
    try:
        major, minor = (int(part) for part in str(value).split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= wanted


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.meta: dict[str, str] = {}  # <meta name=... content=...>
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            self.meta[values.get("name") or ""] = values.get("content") or ""
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


def parse_html_page(text: str, base_url: str) -> ProjectPage:
    """A PEP 503 project page (with PEP 792's ``pypi:project-status`` meta tag)."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    files: dict[str, IndexedFile] = {}
    for href, label in parser.links:
        url, _, fragment = urljoin(base_url, href).partition("#")
        name = _filename_of(url) or label
        algo, _, value = fragment.partition("=")
        files[name] = IndexedFile(name, url, value.lower() if algo == "sha256" and value else None)
    status = parser.meta.get("pypi:project-status", "")
    if not _api_version_at_least(parser.meta.get("pypi:repository-version"), (1, 4)):
        status = ""
    reason = index_said(parser.meta.get("pypi:project-status-reason", ""))
    return ProjectPage(files, index_said(status).lower() or "active", reason)


def parse_json_page(data: dict[str, Any], base_url: str) -> ProjectPage:
    """A PEP 691 project page: files (with PEP 700 upload times) and PEP 792 status."""
    files: dict[str, IndexedFile] = {}
    for entry in data.get("files", []):
        url = urljoin(base_url, entry.get("url", ""))
        name = entry.get("filename") or _filename_of(url)
        sha = (entry.get("hashes") or {}).get("sha256")
        sha = sha.lower() if isinstance(sha, str) else None
        files[name] = IndexedFile(name, url, sha, upload_time(entry.get("upload-time")))
    status, reason = "active", ""
    project_status = data.get("project-status")
    meta = data.get("meta")
    meta = meta if isinstance(meta, dict) else {}
    if isinstance(project_status, dict) and _api_version_at_least(meta.get("api-version"), (1, 4)):
        status = index_said(project_status.get("status") or "active").lower()
        reason = index_said(project_status.get("reason") or "")
    return ProjectPage(files, status, reason)
