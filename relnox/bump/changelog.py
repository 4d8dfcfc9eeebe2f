"""Turn a changelog's "Unreleased" section into the section of a release.

``## [Unreleased]`` (or ``## Unreleased``, at any level) becomes ``## [1.2.0] - 2026-05-03``
and a fresh, empty ``## [Unreleased]`` heading (written exactly as before) goes
above it; the file's line endings are kept. A setext ``Unreleased`` over ``----``
gets ``1.2.0 (2026-05-03)`` underlined the same way. The Unreleased section is the
one :mod:`relnox.project.changelog` finds (so a heading inside a code fence is text to
both); a changelog without one is left alone, unless the new version's section is
already written with an ``Unreleased`` status line (``Version 2.3.0`` over ``---``, then
``Unreleased``, as the Pallets projects keep it): that line becomes
``Released 2026-05-03``.

Given the new version's tag, the Keep-a-Changelog link definitions follow: when
the file defines ``[Unreleased]: .../compare/v1.0.0...HEAD`` (the shape GitHub,
GitLab and Gitea share), it becomes ``.../compare/v1.1.0...HEAD`` and
``[1.1.0]: .../compare/v1.0.0...v1.1.0`` goes right below it. Any other link
definitions, or none, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Protocol

from relnox.bump.changelog_route import Release, route_changelog
from relnox.config import DEFAULT_CHANGELOG_HEADING
from relnox.paths import rel as relative
from relnox.project.changelog import (
    UNRELEASED,
    Section,
    dated_status,
    find_section,
    pending_status,
    sections,
)
from relnox.project.changie import changes
from relnox.project.towncrier import news
from relnox.project.workspace import Package, Workspace, changelog_in


class Texts(Protocol):
    """The files a bump edits, as it will leave them (nothing is written until it applies)."""

    def get(self, path: Path) -> str: ...

    def set(self, path: Path, text: str) -> None: ...


UNRELEASED_LINK_RE = re.compile(
    r"^(?P<label>\[unreleased\]:)(?P<gap>[ \t]*)(?P<base>\S*/compare/)(?P<old>\S+?)\.\.\.HEAD"
    r"(?P<trail>[ \t]*)(?P<eol>\r?\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)


#: an Unreleased heading that links its own compare view: ``## [Unreleased](<base>compare/26.1.0...HEAD)``
_INLINE_COMPARE = re.compile(
    r"\[unreleased\]\((?P<base>[^)\s]*/compare/)(?P<old>[^)\s]+?)\.\.\.HEAD\)", re.IGNORECASE
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
        inline = _INLINE_COMPARE.search(lines[unreleased.line])
        if inline is not None and tag is not None and "[{title}]" in heading_format:
            # [Unreleased](.../compare/26.1.0...HEAD): the link moves on, the new one compares
            base, old = inline.group("base", "old")
            heading_format = heading_format.replace(
                "[{title}]", f"[{{title}}]({base}{old}...{tag})"
            )
            line = lines[unreleased.line]
            lines[unreleased.line] = line[: inline.start("old")] + tag + line[inline.end("old") :]
            text = "".join(lines)
            heading_end = sum(len(line) for line in lines[: unreleased.end])
        words = heading_format.format(title=title, date=day.isoformat())
        heading = f"{_release_marker(text, unreleased.marker)} {words}"
    else:  # setext: underline the new title with the same character
        words = (
            f"{title} ({day.isoformat()})"
            if heading_format == DEFAULT_CHANGELOG_HEADING
            else heading_format.format(title=title, date=day.isoformat())
        )
        heading = f"{words}{eol}{unreleased.marker * len(words)}"
    released = text[:heading_end] + f"{lead}{eol}{heading}{eol}" + text[heading_end:]
    if tag is None or "[{title}]" not in heading_format:
        return released
    return release_links(released, title, tag)


def _release_marker(text: str, marker: str) -> str:
    """The ``#`` marker of the changelog's newest release section, or the Unreleased
    heading's ``marker`` when none is ATX: git-chglog writes ``# Unreleased`` over
    ``## [v3.2.0] - 2024-10-22`` (Powertools for AWS Lambda), and the new release is one of
    the latter."""
    newest = next((s for s in sections(text) if s.label != UNRELEASED), None)
    return newest.marker if newest is not None and newest.marker.startswith("#") else marker


def release_status(text: str, version: str, day: date) -> str | None:
    """``text`` with ``version``'s ``Unreleased`` status line dated ``day``; ``None`` if
    its section has no such line (see :func:`relnox.project.changelog.pending_status`)."""
    index = pending_status(text, version)
    if index is None:
        return None
    lines = text.splitlines(keepends=True)
    line = lines[index]
    body = line.rstrip("\r\n")
    lines[index] = dated_status(body, day.isoformat()) + line[len(body) :]
    return "".join(lines)


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


def changelog_edits(
    workspace: Workspace,
    selected: Sequence[Package],
    versions: Mapping[str, tuple[str, str]],
    files: Texts,
    today: date,
) -> list[str]:
    """Each released package's Unreleased entries become its section.

    A package's own changelog gets ``## [0.4.0] - day``. The root changelog gets the same
    when the workspace has one package or the released packages share one tag; in a
    workspace of independent packages each package's entries (scoped or under its
    sub-heading, see :mod:`relnox.bump.changelog_route`) go to ``## [name 0.4.0] - day``;
    when every package is released at once, one ``## [a 0.4.0, b 1.2.0] - day`` holds all.
    An Unreleased section without entries gives no empty section.
    """

    config = workspace.config
    notes: list[str] = []
    for directory in dict.fromkeys(p.directory for p in selected):
        found = news(directory)
        if found is not None and found.fragments:
            where = relative(found.directory, workspace.root)
            new = next(versions[p.name][1] for p in selected if p.directory == directory)
            notes.append(
                f"note: {where} holds {len(found.fragments)} towncrier fragment(s); relnox does "
                f"not run towncrier: run towncrier build --yes --version {new} before this bump"
            )
        waiting = changes(directory)
        if waiting is not None and waiting.entries:
            where = relative(waiting.directory, workspace.root)
            new = next(versions[p.name][1] for p in selected if p.directory == directory)
            notes.append(
                f"note: {where} holds {len(waiting.entries)} changie entr"
                f"{'ies' if len(waiting.entries) > 1 else 'y'}; relnox does not run changie: "
                f"run changie batch {new} and changie merge in {relative(directory, workspace.root)}"
                " before this bump"
            )

    def release(path: Path, title: str, tag: str | None) -> None:
        text = files.get(path)
        section = find_section(text, UNRELEASED)
        rel = relative(path, workspace.root)
        if section is None:
            dated = release_status(text, title, today)
            if dated is None:
                notes.append(f"note: {rel} has no Unreleased section")
            else:
                files.set(path, dated)
        elif not section.has_entries:
            notes.append(f"note: {rel} has no Unreleased entries; no section written for {title}")
        else:
            heading = config.changelog_heading
            if "changelog-heading" not in config.raw:
                heading = heading_like(text, heading, one=" " not in title)
            released = release_changelog(text, title, today, tag, heading)
            if released is not None:
                files.set(path, released)

    root_log = changelog_in(workspace.root, config)
    logs: dict[Path, Path] = {}  # each directory's changelog looked for once

    def log_of(pkg: Package) -> Path:
        if pkg.directory not in logs:
            logs[pkg.directory] = changelog_in(pkg.directory, config)
        return logs[pkg.directory]

    in_root: list[Package] = []
    for pkg in selected:
        own = log_of(pkg)
        if own != root_log and own.is_file():
            new = versions[pkg.name][1]
            release(own, new, workspace.tag_for(pkg, new))
        else:
            in_root.append(pkg)
    if not root_log.is_file() or not in_root:
        return notes
    tags = {workspace.tag_for(p, versions[p.name][1]) for p in in_root}
    if len(workspace.packages) == 1 or (len(tags) == 1 and len(in_root) > 1):
        new = versions[in_root[0].name][1]
        release(root_log, new, tags.pop())
        return notes
    users = [p for p in workspace.packages if log_of(p) == root_log or not log_of(p).is_file()]
    if len(in_root) == len(users):  # all that use it at once: one section for all
        release(root_log, ", ".join(f"{p.name} {versions[p.name][1]}" for p in in_root), None)
        return notes
    routed = route_changelog(
        files.get(root_log),
        [Release(p.name, p.directory.name, versions[p.name][1]) for p in in_root],
        [Release(p.name, p.directory.name, p.version) for p in workspace.packages],
        today,
        config.changelog_heading,
    )
    rel = relative(root_log, workspace.root)
    if routed is None:
        notes.append(f"note: {rel} has no Unreleased section")
        return notes
    files.set(root_log, routed.text)
    notes += [f"note: {rel}: {note}" for note in routed.notes]
    return notes


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def heading_like(text: str, default: str, *, one: bool = False) -> str:
    """The heading format the changelog's newest release already has (kedro's
    ``# Release 0.11.0`` gives ``Release {title}``; libcloud's reST ``Changes in Apache
    Libcloud 3.8.0`` gives ``Changes in Apache Libcloud {title}``), or ``default``: its
    version becomes ``{title}`` and an ISO date ``{date}``; a title with other digits left
    (a date written in words, a second version) is not followed. A heading naming its
    project before the version is followed only when the new title is ``one`` version (a
    root changelog's title of several packages names them itself)."""
    released = [s for s in sections(text) if s.label != UNRELEASED and len(s.versions) == 1]
    if not released or (released[0].versions[0][0] is not None and not one):
        return default
    section = released[0]
    title = section.heading.splitlines()[0].lstrip("#").strip()
    version = section.versions[0][1]
    if title.count(version) != 1:
        return default
    before, _, after = title.partition(version)
    parts = [
        _ISO_DAY.sub("\0", part).replace("{", "{{").replace("}", "}}") for part in (before, after)
    ]
    if any(ch.isdigit() for part in parts for ch in part.replace("\0", "")):
        return default
    return (parts[0] + "{title}" + parts[1]).replace("\0", "{date}")
