"""A bump's edits of the changelogs: an Unreleased section turned into the release's (its link
definitions moved on; a shared changelog's entries routed to each package's section), or a
pending section dated, with notes on what is left."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.config import DEFAULT_CHANGELOG_HEADING
from relnox.paths import rel as relative
from relnox.progress import MANY
from relnox.project import news
from relnox.project.changelog import (
    DATE_PLACEHOLDER,
    PENDING_TAIL,
    READ_ONLY,
    RELEASES,
    UNDERLINE,
    UNRELEASED,
    Heading,
    Section,
    dated_status,
    find_section,
    headings,
    line_end,
    numbered_later,
    pending,
    pending_newest,
    release_line,
    sections,
    unreleased_aside,
)
from relnox.project.changelog_file import (
    changelog_in,
    changelog_kept,
    changelog_of,
    left_unreleased,
    retitled,
)
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version, semver_spelling

if TYPE_CHECKING:
    from relnox.bump.plan import Files

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
    lead = "" if lines[unreleased.end - 1].endswith(("\n", "\r")) else eol
    inline = _INLINE_COMPARE.search(lines[unreleased.line]) if unreleased.atx else None
    if inline is not None and tag is not None and "[{title}]" in heading_format:
        base, old = inline.group("base", "old")
        heading_format = heading_format.replace("[{title}]", f"[{{title}}]({base}{old}...{tag})")
        line = lines[unreleased.line]
        lines[unreleased.line] = line[: inline.start("old")] + tag + line[inline.end("old") :]
        text = "".join(lines)
    heading_end = sum(len(line) for line in lines[: unreleased.end])
    words = (heading_format if unreleased.atx else setext_format).format(title=title, date=day)
    top = next((s for s in sections(text) if s.label != UNRELEASED), None)
    if top is not None and top.atx == unreleased.atx and (top.atx or top.level != unreleased.level):
        heading = top.spelled(words, eol)  # the newest's #s, or its adornment under a title
    else:  # the Unreleased title's adornment, short when its is
        under, above = (lines[unreleased.end - i].strip() for i in (1, 2))
        heading = unreleased.spelled(words, eol, under if len(under) < len(above) else "")
    if retitle or numbered_later(unreleased):  # X.YY.Z (UNRELEASED): the release's, numbered
        start = sum(len(line) for line in lines[: unreleased.line])
        released = text[:start] + heading + eol + text[heading_end:]
    elif (newest := _newest_above(text, unreleased)) is not None:  # its entries above it
        stop = _body_stop(lines, unreleased)
        entries = "".join(lines[unreleased.end : stop]).strip("\r\n")
        moved = f"{heading}{eol}{eol}{entries}{eol}{eol}"
        before = (
            "".join(lines[: newest.line]) + moved + "".join(lines[newest.line : unreleased.end])
        )
        after = "".join(lines[stop:])
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


def release_status(text: str, version: str, day: date) -> str | None:
    """``text`` with ``version``'s pending status line and heading released; else None."""
    index, heading = pending(text, version)
    if index is None and heading is None:
        return None
    lines = text.splitlines(keepends=True)
    if heading is not None:  # ``0.4.4 (future)`` may have both: its status line too
        section = next(s for s in sections(text) if s.line == heading)
        _retitle(lines, section, PENDING_TAIL.sub("", lines[heading].rstrip("\r\n")))
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
    """:func:`release_status`, a newest pending section of a lower version, a development
    version's (the next release's, whatever it is numbered) or one of ``untagged`` renamed
    first; a development version takes no section."""
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
            (name is None or never)  # a name (towncrier's ``Acme 2.1.0rc1``) kept where it is
            and older is not None
            and new is not None
            and (older < new or older.is_devrelease)
            and not new.is_devrelease
            and lines[newest.line].count(old) == 1
        ):
            renamed = lines[newest.line].rstrip("\r\n").replace(old, title)
            _retitle(lines, newest, _redated(renamed, day))
            if (status := release_status("".join(lines), title, day)) is None and dev:
                status = "".join(lines)
    return None if status is None else release_ahead(status, title, day) or status


def _dev_undated(text: str, title: str) -> bool:
    """Whether ``title`` is a development version and no section below the newest is one's:
    the changelog dates releases, and a development version is none."""
    if (version := maybe_version(title)) is None or not version.is_devrelease:
        return False
    said = [maybe_version(v) for s in sections(text)[1:] for _name, v in s.versions]
    return not any(v is not None and v.is_devrelease for v in said)


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
    spelled = words if setext else f"{newest.marker} {words}"
    _retitle(lines, newest, spelled)
    return "".join(lines)


def _retitle(lines: list[str], heading: Heading, title: str) -> None:
    """``heading``'s title line in ``lines`` made ``title``; its reST underline (and overline)
    re-sized to it where it was the old title's length or is shorter than the new one."""
    at = heading.line + 1 if heading.end - heading.line == 3 else heading.line
    old = lines[at].rstrip("\r\n")
    lines[at] = title + lines[at][len(old) :]
    for index in (heading.line, heading.end - 1):
        rule = lines[index].rstrip("\r\n")
        if index != at and UNDERLINE.match(rule) and len(rule) in (len(old), *range(len(title))):
            lines[index] = rule[0] * len(title) + lines[index][len(rule) :]


def _redated(line: str, day: date) -> str:
    """``line`` with its first date (a release day as :data:`_DAYS` reads one) made ``day``."""
    for found, spelled in _DAYS:
        if (match := found.search(line)) is not None:
            return line[: match.start()] + spelled.format(date=day) + line[match.end() :]
    return line


_LIST_ITEM = re.compile(r"^\s*[-*+]\s")


def release_headless(text: str, title: str, day: date) -> str | None:
    """``text`` with a heading for ``title`` over the list above the newest release."""
    newest = next(iter(sections(text)), None)
    if newest is None or newest.label == UNRELEASED or newest.marker in READ_ONLY:
        return None
    if any(same_version(version, title) for _, version in newest.versions):
        return None  # its section is written already
    lines = text.splitlines(keepends=True)
    above = [h for h in headings(text.splitlines()) if h.end <= newest.line]
    if not above or above[-1].level >= newest.level:
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
    heading = newest.spelled(words, eol)
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
    (re.compile(rf"\b(?:{_MONTHS}), \d{{4}}\b"), "{date:%B}, {date:%Y}"),  # the month alone
    (re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b"), "{date:%B %Y}"),
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


def _pre_release_kept(workspace: Workspace, text: str, title: str) -> str | None:
    """Why pre-release ``title`` leaves the Unreleased section open (changelog-pre-releases;
    unset: a changelog of final releases only), or ``None`` when it gets its section."""
    if (version := maybe_version(title)) is not None and version.local:
        return (
            f"the Unreleased entries stay for the release, not {title}'s section (a local "
            "version marks development; no index takes it as a release)"
        )
    if version is None or not version.is_prerelease:
        return None
    setting = workspace.config.flag("changelog-pre-releases")
    if setting is True:
        return None
    if setting is None:
        said = [maybe_version(v) for s in sections(text) for _name, v in s.versions]
        released = [v for v in said if v is not None]
        if not released or any(v.is_prerelease for v in released):
            return None
    why = (
        "[tool.relnox] changelog-pre-releases = false"
        if setting is False
        else "its sections are all final releases'"
    )
    return (
        f"the Unreleased entries stay for the final release, not {title}'s section ({why}; "
        "[tool.relnox] changelog-pre-releases = true writes one for each pre-release)"
    )


def changelog_edits(
    workspace: Workspace,
    selected: Sequence[Package],
    versions: Mapping[str, tuple[str, str]],
    files: Files,
    today: date,
) -> list[str]:
    """Each released package's Unreleased entries become its section; notes on the rest."""
    config = workspace.config
    notes, towncrier, changie = _tool_notes(workspace, selected, versions)

    def release(path: Path, title: str, tag: str | None) -> None:
        rel = relative(path, workspace.root)
        if (said := changie.get(path.resolve())) is not None:  # changie merge writes it
            notes.extend(n for n in (said,) if n and n not in notes)
            return
        if (kept := changelog_kept(workspace, path, title, selected)) is not None:
            notes.append(f"note: {rel} is {kept}")
            return
        text = files.get(path)
        if (left := left_unreleased(workspace, path, text, selected)) is not None:
            notes.append(
                f"note: {rel}: its Unreleased section, below the releases, was there as it is "
                f"at {' and '.join(left)}, which left it: it is the history's, not {title}'s; "
                f"write {title}'s section by hand"
            )
            return
        if (section := find_section(text, UNRELEASED)) is None:
            # towncrier's fragments pending: its build writes the section, none is taken
            fragments = towncrier.get(path) == ""
            taken = frozenset() if fragments else _taken(workspace, selected, logs, path, versions)
            dated = (
                None
                if _dev_undated(text, title)
                else (
                    release_pending(text, title, today, taken)
                    or release_ahead(text, title, today)
                    or release_headless(text, title, today)
                )
            )
            # its links moved on to a release (not a dev version, nor a pre-release kept)
            base, version, linked = dated or text, maybe_version(title), None
            public = version is not None and not version.is_devrelease
            if tag is not None and public and _pre_release_kept(workspace, base, title) is None:
                linked = release_links(base, title, tag)
                linked = linked if linked != base else None
            if linked is not None and dated is None:
                files.set(path, linked)
                written = find_section(text, title) is not None  # by hand, before the bump
                notes.append(
                    f"note: {rel}: its links are moved on to {title}"
                    if written
                    else f"note: {rel} has no Unreleased section: its links are moved on to "
                    f"{title}; write {title}'s section by hand"
                )
            elif dated is not None:
                files.set(path, linked or dated)
            elif path in towncrier:
                notes.extend(n for n in (towncrier[path],) if n and n not in notes)
            elif (ahead := pending_other(text, title)) is not None:
                notes.append(
                    f"note: {rel}'s unreleased section is {ahead}'s, not {title}'s; it is left "
                    f"as it is: bump --to {ahead}, or retitle it {title}"
                )
            elif (covering := find_section(text, title)) is not None:
                whose = (  # "2.0.0 and newer" covers every later release
                    f"{title}'s section already"
                    if same_version(covering.label, title)
                    else f"'{covering.title}', which covers {title}"
                )
                notes.append(f"note: {rel} has {whose}; it is left as it is")
            elif (aside := unreleased_aside(path)) is not None:
                notes.append(
                    f"note: {rel} has no Unreleased section; its Unreleased entries are in "
                    f"{relative(aside, workspace.root)}, which relnox does not move: move them "
                    f"in as {title}'s section (the project's changelog tool) before this bump"
                )
            elif (newest := next(iter(sections(text)), None)) and newest.marker in READ_ONLY:
                first = newest.heading.splitlines()[0].strip()
                notes.append(
                    f"note: {rel} writes its releases as relnox reads but does not write them "
                    f"({first!r} for {newest.label}): write {title}'s by hand"
                )
            elif not ((dev := maybe_version(title)) is not None and dev.is_devrelease):
                notes.append(f"note: {rel} has no Unreleased section")
        elif not section.has_entries:
            notes.append(f"note: {rel} has no Unreleased entries; no section written for {title}")
        elif (kept := _pre_release_kept(workspace, text, title)) is not None:
            notes.append(f"note: {rel}: {kept}")
        else:
            heading = config.changelog_heading
            setext = "{title} ({date})"
            if "changelog-heading" not in config.raw:
                one = " " not in title  # one version: a heading naming its project is followed
                heading = heading_like(text, heading, one=one)
                setext = heading_like(text, setext, setext=True, one=one)
            last = retitled(workspace, path, selected)
            released = release_changelog(text, title, today, tag, heading, setext, bool(last))
            if released is not None:
                files.set(path, released)
            if released is not None and last is not None:
                notes.append(
                    f"note: {rel}: its Unreleased heading becomes {title}'s, as at {last} "
                    '(changelog-edit = "edit" writes it under Unreleased)'
                )

    root_log = changelog_in(workspace.root, config)
    logs = {p.name: changelog_of(workspace, p) for p in workspace.packages}  # each once

    in_root: list[Package] = []
    for pkg in selected:
        if (own := logs[pkg.name]) == root_log:
            in_root.append(pkg)
        elif own.is_file():
            new = versions[pkg.name][1]
            release(own, new, workspace.tag_for(pkg, new))
    if not root_log.is_file() or not in_root:
        return notes
    tags = {workspace.tag_for(p, versions[p.name][1]) for p in in_root}
    users = [p for p in workspace.packages if logs[p.name] == root_log]
    rel = relative(root_log, workspace.root)
    if len(workspace.packages) == 1 or (len(tags) == 1 and len(in_root) > 1):
        release(root_log, versions[in_root[0].name][1], tags.pop())
    elif (line := _main_line(files.get(root_log), in_root, versions, workspace)) is not None:
        release(root_log, *line)  # the changelog is titled by one tag's versions: so is this
    elif len(in_root) == len(users):  # all that use it at once: one section for all
        release(root_log, _title_of_all(in_root, versions), None)
    elif kept := changelog_kept(workspace, root_log, _title_of_all(in_root, versions), in_root):
        notes.append(f"note: {rel} is {kept}")
    elif (
        routed := route_changelog(
            files.get(root_log),
            [Release(p.name, p.directory.name, versions[p.name][1]) for p in in_root],
            [Release(p.name, p.directory.name, p.version) for p in workspace.packages],
            today,
            config.changelog_heading,
        )
    ) is None:
        notes.append(f"note: {rel} has no Unreleased section")
    else:
        files.set(root_log, routed.text)
        notes += [f"note: {rel}: {note}" for note in routed.notes]
    return notes


def _taken(
    workspace: Workspace,
    selected: Sequence[Package],
    logs: Mapping[str, Path],
    path: Path,
    versions: Mapping[str, tuple[str, str]],
) -> frozenset[Version]:
    """The versions whose newest section at ``path`` becomes the release's: those no tag
    released, and a pre-release of the new final (:func:`_folded`)."""
    found = set()
    for pkg in selected:
        old, new = (maybe_version(v) for v in versions[pkg.name])
        if old is None or logs[pkg.name] != path or not pkg.tags or not pkg.tags.released:
            continue
        found |= {old} - pkg.tags.released
        if new is None or new.is_prerelease or old.pre is None or old.release != new.release:
            continue
        found |= {old} if _folded(workspace, pkg, path) else set()
    return frozenset(found)


def _folded(workspace: Workspace, pkg: Package, path: Path) -> bool:
    """Whether the last final release after pre-releases of it took their changelog section
    over: at its tag, ``path`` names it and none of them; with no such release, it does."""
    released = pkg.tags.released if pkg.tags else frozenset()
    pres = {v.release for v in released if v.pre is not None and v.dev is None}
    if not (finals := [v for v in released if not v.is_prerelease and v.release in pres]):
        return True
    last = max(finals)
    top = git.toplevel(workspace.root)
    (text,) = git.show_files(top, [(workspace.tag_for(pkg, str(last)), relative(path, top))])
    said = {v for s in sections(text or "") for _, v in s.versions}
    named = {v for v in map(maybe_version, said) if v is not None and v.release == last.release}
    return last in named and not any(v.is_prerelease for v in named)


def _title_of_all(released: Sequence[Package], versions: Mapping[str, tuple[str, str]]) -> str:
    """The title of one section for ``released`` (many at one version: that version)."""
    if len(released) >= MANY and len(new := {versions[p.name][1] for p in released}) == 1:
        return new.pop()
    return ", ".join(f"{p.name} {versions[p.name][1]}" for p in released)


def _tool_notes(
    workspace: Workspace, selected: Sequence[Package], versions: Mapping[str, tuple[str, str]]
) -> tuple[list[str], dict[Path, str], dict[Path, str]]:
    """Notes on fragments another tool must collect first, per towncrier and changie file."""
    notes: list[str] = []
    towncrier: dict[Path, str] = {}  # news file -> the note for it when it has no Unreleased
    changie: dict[Path, str] = {}  # changie's changelog -> the note for it
    first: dict[Path, str] = {}  # each directory -> the new version of its first package
    for pkg in selected:
        first.setdefault(pkg.directory, versions[pkg.name][1])
    if len(moved := set(first.values())) == 1:  # the top's set-up, for members released as one
        first.setdefault(workspace.root, moved.pop())
    root = workspace.root
    for directory, new in first.items():
        town, batched = news.towncrier(directory), news.changie(directory, root)
        for found, written, noun in ((town, towncrier, "fragment"), (batched, changie, "entry")):
            if found is not None and found.changelog is not None:
                key = found.changelog if found is town else found.changelog.resolve()
                none = (
                    f"note: {relative(found.changelog, root)} is written by {found.tool} and "
                    f"{relative(found.directory, root)} holds no {noun}: {new} gets no "
                    "changelog section"
                )
                written[key] = "" if found.fragments else none  # else the fragments' note says it
        top = batched.config.parent if batched is not None else root
        steps = {  # each tool's fragments, and the step that collects them into a section
            "towncrier": ("towncrier fragment(s)", f"towncrier build --yes --version {new}"),
            "changie": (
                "changie entr{ies}",
                f"changie batch {semver_spelling(new)} and changie merge"
                f"{'' if top == root else f' in {relative(top, root)}'}",
            ),
            "scriv": ("scriv fragment(s)", f"scriv collect --version {new}"),
        }
        for found in (town, batched, news.changesets(directory, root), news.scriv(directory)):
            if found is None or not (count := len(found.fragments)):
                continue
            where = relative(found.directory, root)
            if found.tool == "changesets":  # said once: its one command writes every changelog
                said = (
                    f"note: {where} holds {count} changeset{'s' if count > 1 else ''}; relnox "
                    "does not run changesets: its changeset version writes the changelogs "
                    "(and package.json versions) from them"
                )
                notes += [said] if said not in notes else []
                continue
            what, step = steps[found.tool]
            notes.append(
                f"note: {where} holds {count} {what.format(ies='ies' if count > 1 else 'y')}; "
                f"relnox does not run {found.tool}: run {step} before this bump"
            )
    return notes, towncrier, changie


def _main_line(
    text: str,
    released: Sequence[Package],
    versions: Mapping[str, tuple[str, str]],
    workspace: Workspace,
) -> tuple[str, str] | None:
    """The new version and tag of the packages whose old one titles the newest release."""
    newest = next((s for s in sections(text) if s.versions), None)
    if newest is None or len(newest.versions) != 1 or newest.versions[0][0] is not None:
        return None
    old = newest.versions[0][1]
    line = [p for p in released if same_version(versions[p.name][0], old)]
    new = {versions[p.name][1] for p in line}
    tags = {workspace.tag_for(p, versions[p.name][1]) for p in line}
    root = [p.directory for p in released] == [workspace.root]
    if not root and (len(line) < 2 or len(line) == len(released)):
        return None  # one package, or all of them: the rules above decide
    return (new.pop(), tags.pop()) if line and len(new) == 1 and len(tags) == 1 else None


#: ``[label]: url`` (or reST's target ``.. _label: url``), one a line, at its start
_DEFINITION = re.compile(
    r"^(?:\[(?P<label>[^\]\r\n]+)\]|\.\. _(?P<target>[^:`\r\n]+)):(?P<gap>[ \t]*)(?P<url>\S+)"
    r"(?P<trail>[ \t]*)(?P<eol>\r?\n|\Z)",
    re.MULTILINE,
)


def _label(found: re.Match[str]) -> str:
    return found["label"] if found["label"] is not None else found["target"]


def _define(like: re.Match[str], label: str) -> str:
    """The start of ``label``'s definition, spelled as ``like``'s."""
    return f"[{label}]:" if like["label"] is not None else f".. _{label}:"


#: ``<base>/compare/OLD...HEAD``: what changed since OLD (GitHub, GitLab's ``/-/compare/``)
_COMPARE = re.compile(r"^(?P<base>\S*/compare/)(?P<old>\S+?)\.\.\.(?P<head>\S+)$")


def release_links(text: str, title: str, tag: str) -> str:
    """``text`` with ``[Unreleased]`` moved on to ``tag`` and a ``[title]`` definition added."""
    found = list(_DEFINITION.finditer(text))
    if any(_label(m).lower().lstrip("v") == title.lower().lstrip("v") for m in found):
        return text
    unreleased = next((m for m in found if _label(m).lower() == UNRELEASED), None)
    compare = _COMPARE.match(unreleased["url"]) if unreleased is not None else None
    if compare is not None and compare["old"] == tag:
        return text  # released already
    headed = {v.lstrip("vV") for section in sections(text) for _, v in section.versions}
    linked = [m for m in found if _label(m).lstrip("vV") in headed and maybe_version(_label(m))]
    new = maybe_version(title)  # the release before: the highest a heading names below it
    below = [(v, h) for h in headed if (v := maybe_version(h)) is not None and new and v < new]
    url = _new_url(linked, compare, title, tag, max(below)[1] if below else None)
    if unreleased is not None and compare is not None:
        base, head = compare.group("base", "head")
        moved = f"{_define(unreleased, _label(unreleased))}{unreleased['gap']}{base}{tag}...{head}"
        eol = unreleased["eol"] or line_end(text)
        added = f"{eol}{_define(unreleased, title)}{unreleased['gap']}{url}" if url else ""
        line = f"{moved}{unreleased['trail']}{added}{unreleased['eol']}"
        return text[: unreleased.start()] + line + text[unreleased.end() :]
    if url is None or (newest := _newest(linked)) is None:
        return text
    line = f"{_define(newest, title)}{newest['gap']}{url}{newest['eol'] or line_end(text)}"
    if linked[0] is newest:  # newest first: the new one above it
        return text[: newest.start()] + line + text[newest.start() :]
    if not newest["eol"]:  # the last line of the file: the new one goes below it
        line = line_end(text) + line.rstrip("\r\n")
    return text[: newest.end()] + line + text[newest.end() :]


def _newest(linked: Sequence[re.Match[str]]) -> re.Match[str] | None:
    return max(linked, key=lambda m: maybe_version(_label(m)) or Version("0")) if linked else None


def _new_url(
    linked: Sequence[re.Match[str]],
    compare: re.Match[str] | None,
    title: str,
    tag: str,
    previous: str | None,
) -> str | None:
    """The url of ``[title]`` in the style of the newest release's, else of ``[Unreleased]``."""
    newest = _newest(linked)
    since = _COMPARE.match(newest["url"]) if newest is not None else None
    if newest is None or (since is None and len(linked) == 1 and compare is not None):
        return f"{compare['base']}{compare['old']}...{tag}" if compare is not None else None
    if since is not None:
        old = compare["old"] if compare is not None else since["head"]
        said = _label(newest).lstrip("vV")
        if compare is None and previous and Version(previous) > Version(said):
            old = old.replace(said, previous) if old.count(said) == 1 else old
        return f"{since['base']}{old}...{tag}"
    # the tag's own page: the last segment names the newest version; name the new one there
    url = newest["url"]
    cut = url.rstrip("/").rfind("/") + 1
    segment = url[cut:]
    version = _label(newest).removeprefix("v").removeprefix("V")
    if segment.rstrip("/").count(version) != 1:
        return None
    return url[:cut] + segment.replace(version, title.removeprefix("v"))


_BULLET = re.compile(r"^[-*+]\s+")
_SCOPE = re.compile(
    r"^(?P<bullet>[-*+]\s+)(?:\*\*(?P<a>[\w.-]+)\*\*:?|\[(?P<b>[\w.-]+)\]:?|(?P<c>[\w.-]+):)\s+"
)


@dataclass(frozen=True)
class Release:
    name: str
    dir: str
    version: str

    def owns(self, scope: str) -> bool:
        """``scope`` is the package's name, directory, or name's end (``cli`` of ``mr-cli``)."""
        wanted = scope.lower().replace("_", "-")
        name = self.name.lower()
        return wanted in (name, self.dir.lower().replace("_", "-")) or name.endswith("-" + wanted)


@dataclass
class _Entry:
    lines: list[str]
    category: str | None  # the category sub-heading line it sits under (### Fixed)
    owner: str | None = None
    unscoped: str | None = None  # the first line without its scope (as released)
    group: str | None = None  # the package sub-heading it sits under (### acme-cli)


@dataclass
class Routed:
    text: str
    notes: list[str] = field(default_factory=list)


def _owner_of(title: str, releases: list[Release], everyone: list[Release]) -> str | None:
    """The package ``title`` (a sub-heading or a scope) names, by name or directory."""
    scope = title.strip().strip("[]")
    owners = {release.name for release in [*releases, *everyone] if release.owns(scope)}
    return owners.pop() if len(owners) == 1 else None  # two could own it: nobody does


def route_changelog(
    text: str,
    releases: list[Release],
    everyone: list[Release],
    day: date,
    heading_format: str = DEFAULT_CHANGELOG_HEADING,
) -> Routed | None:
    """``text`` with each release's entries moved to its own section (``None``: no Unreleased)."""
    if (unreleased := next((s for s in sections(text) if s.label == UNRELEASED), None)) is None:
        return None
    eol = line_end(text)
    lines = text.splitlines(keepends=True)
    start, stop = unreleased.end, _body_stop(lines, unreleased)
    entries, kept_heads = _entries(lines[start:stop], releases, everyone)
    routed = {r.name: [e for e in entries if e.owner == r.name] for r in releases}
    staying = [e for e in entries if e.owner not in routed]
    notes = []
    new_sections: list[str] = []
    level = unreleased.marker if unreleased.atx else "##"
    for release in releases:
        if not (mine := routed[release.name]):
            notes.append(
                f"no Unreleased entry names {release.name} (scope it as '- {release.dir}: ...' "
                f"or put it under '### {release.name}'); no section written for "
                f"{release.version}"
            )
            continue
        title = heading_format.format(
            title=f"{release.name} {release.version}", date=day.isoformat()
        )
        new_sections.append(
            "".join([f"{level} {title}{eol}", eol, *_render(mine, eol, released=True)])
        )
    if (unscoped := [e for e in staying if e.owner is None]) and releases:
        notes.append(
            f"{len(unscoped)} Unreleased "
            f"{'entry names' if len(unscoped) == 1 else 'entries name'} no package and "
            "stay under Unreleased; scope them ('- core: ...') to release them"
        )
    remaining = kept_heads + _render(staying, eol)
    rest = "".join(remaining).rstrip("\r\n")
    if not (head := "".join(lines[:start])).endswith(("\n", "\r")):
        head += eol
    out = head + eol + (rest + eol + eol if rest else "")
    out += "".join(s.rstrip("\r\n") + eol + eol for s in new_sections)
    tail = "".join(lines[stop:])
    return Routed(out + tail if tail else out.rstrip("\r\n") + eol, notes)


def _body_stop(lines: list[str], section: Section) -> int:
    """Where the body of ``section`` ends: at the next heading of its level or higher."""
    below = (h.line for h in headings(lines) if h.line >= section.end and h.level <= section.level)
    return next(below, len(lines))


def _entries(
    body: list[str], releases: list[Release], everyone: list[Release]
) -> tuple[list[_Entry], list[str]]:
    entries: list[_Entry] = []
    kept: list[str] = []  # prose that is no entry
    category: str | None = None
    package: str | None = None  # set by a sub-heading naming a package
    package_level = 0
    group: str | None = None
    current: _Entry | None = None
    marks = {h.line: h for h in headings(body)}
    skip_to = 0
    for index, line in enumerate(body):
        if index < skip_to:
            continue
        if (heading := marks.get(index)) is not None:
            skip_to = heading.end
            if (owner := _owner_of(heading.title, releases, everyone)) is not None:
                package, package_level, category = owner, heading.level, None
                group = "".join(body[index : heading.end])
            else:
                if package is not None and heading.level <= package_level:
                    package = group = None
                category = "".join(body[index : heading.end])
            current = None
            continue
        if _BULLET.match(line):
            scope = _SCOPE.match(line)
            owner = package
            bare = None
            if scope is not None:
                name = scope.group("a") or scope.group("b") or scope.group("c")
                if (scoped := _owner_of(name, releases, everyone)) is not None:
                    owner = scoped
                    bare = scope.group("bullet") + line[scope.end() :]
            current = _Entry([line], category, owner, bare, group)
            entries.append(current)
        elif current is not None and (line.startswith((" ", "\t")) or not line.strip()):
            current.lines.append(line)
        elif line.strip():
            kept.append(line)
            current = None
    return entries, kept


def _render(entries: list[_Entry], eol: str, *, released: bool = False) -> list[str]:
    """The entries under their sub-headings; released ones without scope or package heading."""
    out: list[str] = []
    last: tuple[str | None, str | None] = (None, None)
    for entry in entries:
        key = (None if released else entry.group, entry.category)
        for index, heading in enumerate(key):
            if heading is not None and key[: index + 1] != last[: index + 1]:
                if out and out[-1].strip():
                    out.append(eol)
                out += [heading if heading.endswith(("\n", "\r")) else heading + eol, eol]
        last = key
        lines = entry.lines
        if released and entry.unscoped is not None:
            lines = [entry.unscoped, *lines[1:]]
        out += [line for line in lines if line.strip()]
        if not out[-1].endswith(("\n", "\r")):
            out[-1] += eol
    return out
