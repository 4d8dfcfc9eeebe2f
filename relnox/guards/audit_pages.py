"""What the audit reads from the index: a project's simple pages in both formats (PEP 691
JSON and PEP 503 HTML) with the project's status (PEP 792), and where the integrity API
(PEP 740) keeps a file's provenance."""

from __future__ import annotations

import json
from urllib.parse import quote

from packaging.utils import canonicalize_name

from relnox.errors import PublishError, RelnoxError
from relnox.tools.repositories import Repository, origin
from relnox.tools.simple_api import JSON_TYPE, IndexReader, page_of, page_url, read_page
from relnox.tools.simple_pages import ProjectPage

HTML_ACCEPT = "application/vnd.pypi.simple.v1+html, text/html;q=0.5"


class AuditError(RelnoxError):
    """A usage error of the audit (no manifest, an unknown package or version)."""


def pages_of(reader: IndexReader, project: str) -> tuple[list[tuple[str, ProjectPage]], list[str]]:
    """The project's page in each format the index serves (``"json"`` or ``"html"``, the
    page), and notes on the others."""
    url = page_url(reader.simple_url, project)
    pages: list[tuple[str, ProjectPage]] = []
    notes: list[str] = []
    for kind, accept in (("json", JSON_TYPE), ("html", HTML_ACCEPT)):
        status, content_type, text = read_from(reader, url, accept)
        served = "json" if content_type.split(";")[0].strip() == JSON_TYPE else "html"
        if status != 404 and served != kind:
            notes.append(f"{project}: the index serves no {kind.upper()} simple page; not checked")
            continue
        try:
            pages.append((kind, page_of(url, status, content_type, text.encode())))
        except PublishError as exc:  # not PEP 691's shape
            raise AuditError(str(exc)) from None
    return pages, notes


def read_from(reader: IndexReader, url: str, accept: str) -> tuple[int, str, str]:
    """``url`` read as ``reader`` reads: its credentials go to its index's simple API's and
    upload's origins only (an integrity API on another host is read without them)."""
    origins = frozenset({origin(reader.simple_url), *reader.origins})
    return read_page(
        url, accept=accept, auth=reader.auth, origins=origins, patience=reader.patience
    )


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
