"""A changelog's Unreleased section turned into the release's, or a pending section dated."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from relnox.bump.changelog_links import line_end, release_links
from relnox.bump.changelog_route import unreleased_lines
from relnox.config import DEFAULT_CHANGELOG_HEADING
from relnox.project.changelog import (
    DATE_PLACEHOLDER,
    READ_ONLY,
    RELEASES,
    UNDERLINE,
    UNRELEASED,
    Section,
    dated_status,
    find_section,
    headings,
    numbered_later,
    pending_heading,
    pending_newest,
    pending_status,
    release_line,
    released_heading,
    sections,
)
from relnox.versions.arithmetic import maybe_version, same_version

if TYPE_CHECKING:
    from packaging.version import Version

#: ``## [Unreleased](<base>compare/26.1.0...HEAD)``
_INLINE_COMPARE = re.compile(
    r"\[unreleased\]\((?P<base>[^)\s]*/compare/)(?P<old>[^)\s]+?)\.\.\.HEAD\)", re.IGNORECASE
)


def release_changelog(
    text: str,
    title: str,
    day: date,
    tag: str | None = None,
    heading_format: str = DEFAULT_CHANGELOG_HEADING,
    setext_format: str = "{title} ({date})",
    retitle: bool = False,
) -> str | None:
    """``text`` with a release heading for its Unreleased entries (``retitle``: in its place)."""
    if (unreleased := find_section(text, UNRELEASED)) is None:
        return None
    eol = line_end(text)
    lines = text.splitlines(keepends=True)
    heading_end = sum(len(line) for line in lines[: unreleased.end])
    lead = "" if lines[unreleased.end - 1].endswith(("\n", "\r")) else eol
    if unreleased.atx:
        inline = _INLINE_COMPARE.search(lines[unreleased.line])
        if inline is not None and tag is not None and "[{title}]" in heading_format:
            base, old = inline.group("base", "old")
            heading_format = heading_format.replace(
                "[{title}]", f"[{{title}}]({base}{old}...{tag})"
            )
            line = lines[unreleased.line]
            lines[unreleased.line] = line[: inline.start("old")] + tag + line[inline.end("old") :]
            text = "".join(lines)
            heading_end = sum(len(line) for line in lines[: unreleased.end])
        words = heading_format.format(title=title, date=day)
        top = next((s for s in sections(text) if s.label != UNRELEASED), None)  # the newest's #
        heading = f"{top.marker if top is not None and top.atx else unreleased.marker} {words}"
    else:  # setext: adorn the new title with the same character (short when its is) ...
        words = setext_format.format(title=title, date=day)
        under, above = (lines[unreleased.end - i].strip() for i in (1, 2))
        short = under if len(under) < len(above) else unreleased.marker * len(words)
        heading = _adorned(words, unreleased, eol, short)
        top = next((s for s in sections(text) if s.label != UNRELEASED), None)
        if top is not None and not top.atx and top.level != unreleased.level:
            heading = _adorned(words, top, eol)  # ... as the releases' under a title over them
    if retitle or numbered_later(unreleased):  # X.YY.Z (UNRELEASED): the release's, numbered
        start = sum(len(line) for line in lines[: unreleased.line])
        released = text[:start] + heading + eol + text[heading_end:]
    elif (newest := _newest_above(text, unreleased)) is not None:  # its entries above it
        body = unreleased_lines(lines, unreleased)
        entries = "".join(body).strip("\r\n")
        moved = f"{heading}{eol}{eol}{entries}{eol}{eol}"
        before = (
            "".join(lines[: newest.line]) + moved + "".join(lines[newest.line : unreleased.end])
        )
        after = "".join(lines[unreleased.end + len(body) :])
        released = before.rstrip("\r\n") + eol + (eol + after if after else "")
    else:
        released = text[:heading_end] + f"{lead}{eol}{heading}{eol}" + text[heading_end:]
    if tag is None or "[{title}]" not in heading_format:
        return released
    return release_links(released, title, tag)


def _newest_above(text: str, unreleased: Section) -> Section | None:
    """The newest release's section when it stands above the Unreleased one."""
    releases = [
        (version, section)
        for section in sections(text)
        if section.label != UNRELEASED
        and len(section.versions) == 1
        and (version := maybe_version(section.versions[0][1])) is not None
    ]
    if len(releases) < 2 or releases[0][0] <= releases[-1][0]:
        return None  # one release, or oldest first: the newest is the last, above Unreleased
    newest = releases[0][1]
    return newest if newest.line < unreleased.line else None


def _adorned(words: str, section: Section, eol: str, under: str = "") -> str:
    """``words`` adorned as ``section``'s reST title is (underlined by ``under``, maybe over)."""
    under = under or section.marker * len(words)
    over = f"{under}{eol}" if section.end - section.line == 3 else ""
    return f"{over}{words}{eol}{under}"


def release_status(text: str, version: str, day: date) -> str | None:
    """``text`` with ``version``'s pending status line and heading released; else None."""
    index, heading = pending_status(text, version), pending_heading(text, version)
    if index is None and heading is None:
        return None
    lines = text.splitlines(keepends=True)
    if heading is not None:  # ``0.4.4 (future)`` may have both: its status line too
        body = lines[heading].rstrip("\r\n")
        lines[heading] = released_heading(body) + lines[heading][len(body) :]
    if index is not None:
        body = lines[index].rstrip("\r\n")
        like = _status_below(text, version)
        dated = like.format(date=day) if like else dated_status(body, day.isoformat())
        lines[index] = dated + lines[index][len(body) :]
    return "".join(lines)


#: a release's status line: its date, maybe after ``Released``
_STATUS = re.compile(
    r"^(?P<lead>\s*[*_(\[]*(?:released(?:[ \t]+on)?:?[ \t]*)?)(?P<date>.+?)"
    r"(?P<tail>[*_)\].]*\s*)$",
    re.I,
)


def _status_below(text: str, version: str) -> str | None:
    """The release below ``version``'s dated status line as a template."""
    found = sections(text)
    at = next((i for i, s in enumerate(found) if same_version(s.label, version)), None)
    below = found[at + 1] if at is not None and at + 1 < len(found) else None
    if below is None or not below.body:
        return None
    match = _STATUS.match(below.body.splitlines()[0])
    spelled = next((form for day, form in _DAYS if match and day.fullmatch(match["date"])), None)
    if match is None or spelled is None:
        return None
    lead, tail = (match.group(g).replace("{", "{{").replace("}", "}}") for g in ("lead", "tail"))
    return lead + spelled + tail


def release_pending(
    text: str, title: str, day: date, untagged: frozenset[Version] = frozenset()
) -> str | None:
    """:func:`release_status`, a newest pending section of a lower version (or one of
    ``untagged``) renamed first; a development version takes no section."""
    status = release_status(text, title, day)
    newest = pending_newest(text)
    first = next(iter(sections(text)), None) if newest is None and untagged else None
    never = bool(
        first and len(first.versions) == 1 and maybe_version(first.versions[0][1]) in untagged
    )
    newest = first if never else newest
    if status is None and newest is not None:
        name, old = newest.versions[0]
        lines = text.splitlines(keepends=True)
        older, new = maybe_version(old), maybe_version(title)
        dev = older is not None and (older.is_devrelease or never)
        if (
            name is None
            and older is not None
            and new is not None
            and older < new
            and not new.is_devrelease
            and lines[newest.line].count(old) == 1
        ):
            lines[newest.line] = lines[newest.line].replace(old, title)
            if (status := release_status("".join(lines), title, day)) is None and dev:
                status = "".join(lines)
    return None if status is None else release_ahead(status, title, day) or status


def pending_other(text: str, title: str) -> str | None:
    """The version of the newest section when it is pending and not ``title``'s."""
    newest = pending_newest(text)
    version = newest.versions[0][1] if newest is not None else None
    if version is None or same_version(version, title):
        return None
    return None if (dev := maybe_version(title)) is not None and dev.is_devrelease else version


def release_ahead(text: str, title: str, day: date) -> str | None:
    """``text`` with ``title``'s newest, undated section dated as the release below is."""
    found = sections(text)
    if len(found) < 2 or not any(same_version(v, title) for _, v in found[0].versions):
        return None
    newest, below = found[0], found[1]
    if {newest.marker, below.marker} & READ_ONLY:
        return None
    lines = text.splitlines(keepends=True)
    first = lines[newest.line].rstrip("\r\n")
    if newest.line + 1 != newest.end and not UNDERLINE.match(lines[newest.line + 1]):
        return None  # over- and underlined: not worded here
    setext = not newest.atx
    template = heading_like(below.heading + "\n\n- x\n", "", setext=setext, one=" " not in title)
    rest = DATE_PLACEHOLDER.sub("", first.replace(newest.label, ""))
    if "{date" not in template or any(ch.isdigit() for ch in rest):
        return None
    words = template.format(title=newest.label, date=day)
    eol = line_end(text)
    if not setext:
        lines[newest.line] = f"{newest.marker} {words}" + lines[newest.line][len(first) :]
        return "".join(lines)
    under = lines[newest.line + 1].rstrip("\r\n")
    lines[newest.line] = words + lines[newest.line][len(first) :]
    lines[newest.line + 1] = newest.marker * max(len(words), len(under)) + (
        lines[newest.line + 1][len(under) :] or eol
    )
    return "".join(lines)


_LIST_ITEM = re.compile(r"^\s*[-*+]\s")


def release_headless(text: str, title: str, day: date) -> str | None:
    """``text`` with a heading for ``title`` over the list above the newest release."""
    if not (found := sections(text)) or found[0].label == UNRELEASED:
        return None
    newest = found[0]
    if any(same_version(version, title) for _, version in newest.versions):
        return None  # its section is written already
    if newest.marker in READ_ONLY:
        return None
    lines = text.splitlines(keepends=True)
    marks = list(headings([line.rstrip("\r\n") for line in lines]))
    above = [h for h in marks if h.end <= newest.line]
    level = next((h.level for h in marks if h.line == newest.line), None)
    if not above or level is None or above[-1].level >= level:
        return None
    start = next((i for i in range(above[-1].end, newest.line) if lines[i].strip()), None)
    if start is None or not _LIST_ITEM.match(lines[start]) or "](#" in lines[start]:
        return None  # no list, or a list of links to the sections below (contents)
    eol = line_end(text)
    if newest.marker == RELEASES:  # a line of the list, over the entries it releases
        heading = release_line(lines[newest.line].rstrip("\r\n"), title, day)
        return "".join(lines[:start]) + heading + eol + "".join(lines[start:])
    words = heading_like(f"## {newest.title}\n\n- x\n", "{title} ({date})").format(
        title=title, date=day
    )
    heading = f"{newest.marker} {words}" if newest.atx else _adorned(words, newest, eol)
    return "".join(lines[:start]) + heading + eol + eol + "".join(lines[start:])


#: a release day as changelogs write it, and the format that writes it again
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MON = "|".join(month[:3] for month in _MONTHS.split("|"))
_DAYS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "{date}"),
    (re.compile(r"\d{4}/\d{2}/\d{2}"), "{date:%Y/%m/%d}"),
    (re.compile(r"\d{2}\.\d{2}\.\d{4}"), "{date:%d.%m.%Y}"),  # 20.08.2026
    (re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}, \d{{4}}\b"), "{date:%B} {date.day}, {date:%Y}"),
    (re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b"), "{date.day} {date:%B %Y}"),
    (re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}} \d{{4}}\b"), "{date:%B} {date.day} {date:%Y}"),
    (re.compile(rf"\b(?:{_MON}) \d{{1,2}}, \d{{4}}\b"), "{date:%b} {date.day}, {date:%Y}"),
    (re.compile(rf"\b\d{{1,2}} (?:{_MON}) \d{{4}}\b"), "{date.day} {date:%b %Y}"),
)


def heading_like(text: str, default: str, *, setext: bool = False, one: bool = False) -> str:
    """The heading format of the newest release (``Release {title} ({date})``), or ``default``;
    one naming its project only for ``one`` version."""
    released = [s for s in sections(text) if s.label != UNRELEASED and len(s.versions) == 1]
    if not released or (released[0].versions[0][0] is not None and not one):
        return default
    section = released[0]
    title, version = section.title, section.versions[0][1]
    if section.atx == setext or title.count(version) != 1:
        return default
    before, _, after = title.partition(version)
    parts = []
    for part in (before, after):
        for i, (day, _) in enumerate(_DAYS):
            part = day.sub(chr(i + 1), part)
        parts.append(part.replace("{", "{{").replace("}", "}}"))
    if any(ch.isdigit() for part in parts for ch in part):
        return default
    template = parts[0] + "{title}" + parts[1]
    for i, (_, spelled) in enumerate(_DAYS):
        template = template.replace(chr(i + 1), spelled)
    return template
