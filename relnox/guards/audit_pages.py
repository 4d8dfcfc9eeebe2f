"""What the audit reads from the index: a project's simple pages in both formats (PEP 691
JSON and PEP 503 HTML) with the project's status (PEP 792), and where the integrity API
(PEP 740) keeps a file's provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote

from packaging.utils import canonicalize_name

from relnox.errors import RelnoxError
from relnox.tools.repositories import Repository, origin
from relnox.tools.simple_api import JSON_TYPE, IndexReader, read_page
from relnox.tools.simple_http import Origin
from relnox.tools.simple_pages import IndexedFile, index_said, parse_html, parse_json

HTML_ACCEPT = "application/vnd.pypi.simple.v1+html, text/html;q=0.5"


class AuditError(RelnoxError):
    """A usage error of the audit (no manifest, an unknown package or version)."""


class StatusMeta(HTMLParser):
    """The PEP 792 ``<meta name="pypi:project-status" content="...">`` of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.reason: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        found = dict(attrs)
        if found.get("name") == "pypi:project-status":
            self.status = found.get("content")
        elif found.get("name") == "pypi:project-status-reason":
            self.reason = found.get("content")


@dataclass(frozen=True)
class Page:
    kind: str  # "json" or "html"
    files: dict[str, IndexedFile]
    status: str | None  # PEP 792; None: not stated (active)
    reason: str | None = None


def pages_of(reader: IndexReader, project: str) -> tuple[list[Page], list[str]]:
    """The project's page in each format the index serves, and notes on the others."""
    url = f"{reader.simple_url.rstrip('/')}/{canonicalize_name(project)}/"
    pages: list[Page] = []
    notes: list[str] = []
    for kind, accept in (("json", JSON_TYPE), ("html", HTML_ACCEPT)):
        status, content_type, text = read_page(
            url,
            accept=accept,
            auth=reader.auth,
            origins=index_origins(reader),
            patience=reader.patience,
        )
        served = "json" if content_type.split(";")[0].strip() == JSON_TYPE else "html"
        if status == 404:
            pages.append(Page(kind, {}, None))
            continue
        if served != kind:
            notes.append(f"{project}: the index serves no {kind.upper()} simple page; not checked")
            continue
        if kind == "json":
            try:
                data = json.loads(text)
                state = data.get("project-status") or {}
                state = state if isinstance(state, dict) else {}
                files = parse_json(data, url)
            except (json.JSONDecodeError, AttributeError, TypeError):  # not PEP 691's shape
                raise AuditError(
                    f"{url}: the index sent invalid PEP 691 JSON; check the repository URL"
                ) from None
            pages.append(Page(kind, files, _said(state.get("status")), _said(state.get("reason"))))
        else:
            meta = StatusMeta()
            meta.feed(text)
            pages.append(Page(kind, parse_html(text, url), _said(meta.status), _said(meta.reason)))
    return pages, notes


def _said(value: object) -> str | None:
    """A status or reason of the page as relnox may show it (one line, bounded), or None."""
    return index_said(value) or None if value is not None else None


def index_origins(reader: IndexReader) -> frozenset[Origin]:
    """Where the index's credentials may go: its simple API's and upload's origins only (an
    integrity API on another host is read without them)."""
    return frozenset({origin(reader.simple_url), *reader.origins})


def integrity_base(repository: Repository) -> str:
    """Where the index's integrity API is: beside its simple API (``.../integrity/``)."""
    return repository.simple_url.removesuffix("simple/") + "integrity/"


def provenance_url(base: str, project: str, version: str, filename: str) -> str:
    name = canonicalize_name(project)
    return f"{base.rstrip('/')}/{name}/{quote(version)}/{quote(filename)}/provenance"


def has_bundles(text: str) -> bool:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and bool(data.get("attestation_bundles"))
