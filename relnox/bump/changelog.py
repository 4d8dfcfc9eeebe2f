"""Turn a changelog's "Unreleased" section into the section of a release.

``## [Unreleased]`` (or ``## Unreleased``, at any level) becomes ``## [1.2.0] - 2026-05-03``
and a fresh, empty ``## [Unreleased]`` heading (written exactly as before) goes
above it; the file's line endings are kept. A setext ``Unreleased`` over ``----``
gets ``1.2.0 (2026-05-03)`` underlined the same way. The Unreleased section is the
one :mod:`relnox.project.changelog` finds (so a heading inside a code fence is text to
both); a changelog without one is left alone.

Given the new version's tag, the Keep-a-Changelog link definitions follow: when
the file defines ``[Unreleased]: .../compare/v1.0.0...HEAD`` (the shape GitHub,
GitLab and Gitea share), it becomes ``.../compare/v1.1.0...HEAD`` and
``[1.1.0]: .../compare/v1.0.0...v1.1.0`` goes right below it. Any other link
definitions, or none, are left alone.
"""

from __future__ import annotations

import re
from datetime import date

from relnox.config import DEFAULT_CHANGELOG_HEADING
from relnox.project.changelog import UNRELEASED, Section, sections

UNRELEASED_LINK_RE = re.compile(
    r"^(?P<label>\[unreleased\]:)(?P<gap>[ \t]*)(?P<base>\S*/compare/)(?P<old>\S+?)\.\.\.HEAD"
    r"(?P<trail>[ \t]*)(?P<eol>\r?\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)


def _unreleased(text: str) -> Section | None:
    return next((s for s in sections(text) if s.label == UNRELEASED), None)


def _eol(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def release_changelog(
    text: str,
    title: str,
    day: date,
    tag: str | None = None,
    heading_format: str = DEFAULT_CHANGELOG_HEADING,
) -> str | None:
    """``text`` with its Unreleased section titled ``[title] - day``; ``None`` if none.

    ``heading_format`` (``[tool.relnox] changelog-heading``) words an ATX heading. With
    ``tag`` (the new version's git tag) the compare links follow, see
    :func:`release_links` (only for a ``[title]`` heading, which a link can target).
    """
    unreleased = _unreleased(text)
    if unreleased is None:
        return None
    eol = _eol(text)
    lines = text.splitlines(keepends=True)
    heading_end = sum(len(line) for line in lines[: unreleased.end])
    lead = "" if lines[unreleased.end - 1].endswith(("\n", "\r")) else eol
    if unreleased.marker.startswith("#"):
        words = heading_format.format(title=title, date=day.isoformat())
        heading = f"{unreleased.marker} {words}"
    else:  # setext: underline the new title with the same character
        words = f"{title} ({day.isoformat()})"
        heading = f"{words}{eol}{unreleased.marker * len(words)}"
    released = text[:heading_end] + f"{lead}{eol}{heading}{eol}" + text[heading_end:]
    if tag is None or "[{title}]" not in heading_format:
        return released
    return release_links(released, title, tag)


def release_links(text: str, title: str, tag: str) -> str:
    """``text`` with its ``[Unreleased]`` compare link moved on to ``tag``.

    ``[Unreleased]: <base>compare/<old>...HEAD`` becomes ``<base>compare/<tag>...HEAD``
    followed by ``[title]: <base>compare/<old>...<tag>``. ``text`` is returned as
    is when it has no such definition, already defines ``[title]``, or the
    Unreleased link already starts at ``tag``.
    """
    match = UNRELEASED_LINK_RE.search(text)
    if match is None or match.group("old") == tag:
        return text
    defined = re.compile(rf"^\[{re.escape(title)}\]:", re.IGNORECASE | re.MULTILINE)
    if defined.search(text):
        return text
    label, gap, base = match.group("label", "gap", "base")
    eol = match.group("eol") or _eol(text)
    links = (
        f"{label}{gap}{base}{tag}...HEAD{match.group('trail')}{eol}"
        f"[{title}]:{gap}{base}{match.group('old')}...{tag}{match.group('eol')}"
    )
    return text[: match.start()] + links + text[match.end() :]
