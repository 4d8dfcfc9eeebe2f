"""A shared changelog: each bumped package's Unreleased entries (under a sub-heading naming it,
or scoped: ``- core: fix``) move to its section; the rest stay."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from relnox.bump.changelog_links import line_end
from relnox.config import DEFAULT_CHANGELOG_HEADING
from relnox.project.changelog import UNRELEASED, Section, headings, sections

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
    start = unreleased.end
    stop = start + len(unreleased_lines(lines, unreleased))
    body = lines[start:stop]
    entries, kept_heads = _entries(body, releases, everyone)
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


def unreleased_lines(lines: list[str], unreleased: Section) -> list[str]:
    """The lines of the Unreleased body: up to the next heading of its level or higher."""
    start = unreleased.end
    for heading in headings(lines):
        if heading.line >= start and heading.level <= unreleased.level:
            return lines[start : heading.line]
    return lines[start:]


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
