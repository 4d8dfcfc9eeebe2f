"""Reading sections of a Keep-a-Changelog style ``CHANGELOG.md`` (never writing it).

Headings such as ``## [1.2.0] - 2026-01-01``, ``## 1.2.0``, ``## v1.2.0 (2026-01-01)``
and ``## [Unreleased]`` start a section; it runs to the next heading of the same
or a higher level. Versions compare by PEP 440 (``1.2`` is ``1.2.0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from relnox.sources import read_text

_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_TITLE = re.compile(r"^\[?\s*(?P<label>unreleased|v?[0-9][0-9A-Za-z.+!_-]*)\s*\]?", re.IGNORECASE)
UNRELEASED = "unreleased"


@dataclass(frozen=True)
class Section:
    label: str  # "unreleased" or the version as written (without a leading v)
    heading: str
    body: str  # the text under the heading, stripped

    @property
    def has_entries(self) -> bool:
        """Has at least one list item or paragraph (sub-headings alone do not count)."""
        return any(
            line.strip() and not line.lstrip().startswith("#") for line in self.body.splitlines()
        )


def _label(title: str) -> str | None:
    match = _TITLE.match(title)
    if match is None:
        return None
    label = match.group("label")
    if label.lower() == UNRELEASED:
        return UNRELEASED
    label = label.removeprefix("v").removeprefix("V").rstrip(".")
    try:
        Version(label)
    except InvalidVersion:
        return None
    return label


def sections(text: str) -> list[Section]:
    """Every release section of a changelog, in file order."""
    lines = text.splitlines()
    found: list[tuple[int, int, str, str]] = []  # line index, level, label, heading
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None:
            continue
        label = _label(match.group("title"))
        if label is not None:
            found.append((index, len(match.group("level")), label, line.strip()))
    result = []
    for index, level, label, heading in found:
        end = len(lines)
        in_fence = False
        for later in range(index + 1, len(lines)):
            if lines[later].lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            match = None if in_fence else _HEADING.match(lines[later])
            if match and len(match.group("level")) <= level:
                end = later
                break
        result.append(Section(label, heading, "\n".join(lines[index + 1 : end]).strip()))
    return result


def _same(label: str, version: str) -> bool:
    if label == UNRELEASED or version.lower() == UNRELEASED:
        return label == version.lower()
    try:
        return Version(label) == Version(version.removeprefix("v"))
    except InvalidVersion:
        return label == version


def find_section(text: str, version: str) -> Section | None:
    """The section of ``version`` (or ``"unreleased"``), if the changelog has one."""
    for section in sections(text):
        if _same(section.label, version):
            return section
    return None


def read_section(path: Path, version: str) -> Section | None:
    """:func:`find_section` of the file at ``path`` (``None`` if the file does not exist)."""
    if not path.is_file():
        return None
    return find_section(read_text(path), version)
