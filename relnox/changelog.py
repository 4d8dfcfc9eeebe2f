"""Turn a changelog's "Unreleased" section into the section of a release.

``## [Unreleased]`` (or ``## Unreleased``) becomes ``## [1.2.0] - 2026-05-03``
and a fresh, empty ``## [Unreleased]`` heading (written exactly as before) goes
above it; the file's line endings are kept. A changelog without such a section
is left alone.
"""

from __future__ import annotations

import re
from datetime import date

UNRELEASED_RE = re.compile(
    r"^(?P<hashes>#{2,3})[ \t]+\[?unreleased\]?[ \t]*(?P<eol>\r?\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)


def has_unreleased(text: str) -> bool:
    return UNRELEASED_RE.search(text) is not None


def release_changelog(text: str, title: str, day: date) -> str | None:
    """``text`` with its Unreleased section titled ``[title] - day``; ``None`` if none."""
    match = UNRELEASED_RE.search(text)
    if match is None:
        return None
    eol = "\r\n" if "\r\n" in text else "\n"
    heading_end = match.end()
    lead = "" if match.group("eol") else eol
    section = f"{lead}{eol}{match.group('hashes')} [{title}] - {day.isoformat()}{eol}"
    return text[:heading_end] + section + text[heading_end:]
