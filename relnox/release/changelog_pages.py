"""What doctor reads of a changelog beyond the file: the pages of notes one per release
(``CHANGELOG/2.0.0.md``), and a heading's date made the placeholder a suggestion shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

from packaging.version import Version

#: where a project keeps one page of notes per release: in its docs, or a changelog folder
_RELEASE_FOLDERS = (
    *(
        f"{docs}/{name}"
        for docs in ("doc/source", "docs/source", "doc", "docs")
        for name in ("release", "release-notes", "release_notes", "whatsnew")
    ),
    "CHANGELOG",
    "changelog",
    "CHANGES",
    "changes",
    "release-notes",
)
#: a page named for its release: ``2.0.0-notes.rst``, ``2.0.0.md``, ``v2.0.0.rst``
_RELEASE_PAGE = re.compile(
    r"^(?P<v>v?)(?P<version>\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?)(?P<rest>(?:-notes)?\.(?:rst|md))$",
    re.IGNORECASE,
)


def release_pages(directory: Path) -> tuple[Path, dict[Version, Path], str] | None:
    """The folder of one notes page per release (two at least), its pages and a page's name."""
    for name in _RELEASE_FOLDERS:
        folder = directory / name
        try:
            found = [m for n in os.listdir(folder) if (m := _RELEASE_PAGE.match(n)) is not None]
        except OSError:
            continue
        pages = {Version(m["version"]): folder / m.string for m in found}
        if len(pages) >= 2:
            newest = max(found, key=lambda m: Version(m["version"]))
            return folder, pages, f"{newest['v']}{{}}{newest['rest']}"
    return None


#: a date after a heading's version, in brackets (``(2025 Des 9)``) or to the end (``- July 29``)
_BRACKETED_DATE = re.compile(r"[(\[](?P<date>[^()\[\]]*\b(?:19|20)\d\d\b[^()\[\]]*)[)\]]")
_TRAILING_DATE = re.compile(
    r"(?P<sep>\s+[-\u2013\u2014:,]?\s*)(?P<date>[^-\u2013\u2014:()\[\]]*\b(?:19|20)\d\d\b"
    r"[^()\[\]]*)$"
)


def undated(after: str) -> str:
    """``after`` (a heading's text after its version) with its date made ``YYYY-MM-DD``."""
    if (bracketed := _BRACKETED_DATE.search(after)) is not None:
        return after[: bracketed.start("date")] + "YYYY-MM-DD" + after[bracketed.end("date") :]
    if (trailing := _TRAILING_DATE.search(after)) is not None:
        return after[: trailing.start("date")] + "YYYY-MM-DD"
    return after
