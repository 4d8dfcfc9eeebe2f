"""A bump's edits of the changelogs, with notes on what is left."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from relnox.bump.changelog import (
    heading_like,
    pending_other,
    release_ahead,
    release_changelog,
    release_headless,
    release_pending,
)
from relnox.bump.changelog_links import release_links
from relnox.bump.changelog_route import Release, route_changelog
from relnox.errors import ConfigError
from relnox.paths import rel as relative
from relnox.progress import MANY
from relnox.project.changelog import READ_ONLY, UNRELEASED, find_section, sections, unreleased_aside
from relnox.project.changelog_file import changelog_in, changelog_of
from relnox.project.changelog_rule import changelog_kept, left_unreleased, retitled
from relnox.project.changesets import changesets
from relnox.project.changie import changes
from relnox.project.scriv import fragments as scriv_fragments
from relnox.project.towncrier import news
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version, semver_spelling

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.bump.plan import Files


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
    setting = workspace.config.raw.get("changelog-pre-releases")
    if setting is not None and not isinstance(setting, bool):
        raise ConfigError(
            f"{workspace.config.source}: [tool.relnox] changelog-pre-releases = {setting!r} "
            "must be true or false"
        )
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
            dated = (
                release_pending(
                    text, title, today, _taken(workspace, selected, logs, path, versions)
                )
                or release_ahead(text, title, today)
                or release_headless(text, title, today)
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
    if len(workspace.packages) == 1 or (len(tags) == 1 and len(in_root) > 1):
        new = versions[in_root[0].name][1]
        release(root_log, new, tags.pop())
        return notes
    line = _main_line(files.get(root_log), in_root, versions, workspace)
    if line is not None:  # the changelog is titled by one tag's versions: so is this release
        release(root_log, *line)
        return notes
    users = [p for p in workspace.packages if logs[p.name] == root_log]
    if len(in_root) == len(users):  # all that use it at once: one section for all
        release(root_log, _title_of_all(in_root, versions), None)
        return notes
    kept = changelog_kept(workspace, root_log, _title_of_all(in_root, versions), in_root)
    if kept is not None:
        notes.append(f"note: {relative(root_log, workspace.root)} is {kept}")
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
    over: at its tag, ``path`` names it and none of them."""
    released = pkg.tags.released if pkg.tags else frozenset()
    pres = {v.release for v in released if v.pre is not None and v.dev is None}
    if not (finals := [v for v in released if not v.is_prerelease and v.release in pres]):
        return False
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
    for directory, new in first.items():
        if (found := news(directory)) is not None:
            where = relative(found.directory, workspace.root)
            if found.fragments:
                notes.append(
                    f"note: {where} holds {len(found.fragments)} towncrier fragment(s); relnox "
                    f"does not run towncrier: run towncrier build --yes --version {new} before "
                    "this bump"
                )
                towncrier[found.filename] = ""  # that note says it all
            else:
                towncrier[found.filename] = (
                    f"note: {relative(found.filename, workspace.root)} is written by towncrier "
                    f"and {where} holds no fragment: {new} gets no changelog section"
                )
        waiting = changes(directory, workspace.root)
        if waiting is not None and waiting.changelog is not None:
            changie[waiting.changelog.resolve()] = (
                ""  # the note on its entries says it all
                if waiting.entries
                else f"note: {relative(waiting.changelog, workspace.root)} is written by changie "
                f"and {relative(waiting.directory, workspace.root)} holds no entry: {new} gets "
                "no changelog section"
            )
        if waiting is not None and waiting.entries:
            where = relative(waiting.directory, workspace.root)
            top = waiting.config.parent
            notes.append(
                f"note: {where} holds {len(waiting.entries)} changie entr"
                f"{'ies' if len(waiting.entries) > 1 else 'y'}; relnox does not run changie: "
                f"run changie batch {semver_spelling(new)} and changie merge"
                f"{'' if top == workspace.root else f' in {relative(top, workspace.root)}'}"
                " before this bump"
            )
        if (pending := changesets(directory, workspace.root)) is not None and pending.entries:
            said = (
                f"note: {relative(pending.directory, workspace.root)} holds "
                f"{len(pending.entries)} changeset{'s' if len(pending.entries) > 1 else ''}; "
                "relnox does not run changesets: its changeset version writes the changelogs "
                "(and package.json versions) from them"
            )
            notes += [said] if said not in notes else []
        if (collected := scriv_fragments(directory)) is not None and collected.files:
            notes.append(
                f"note: {relative(collected.directory, workspace.root)} holds "
                f"{len(collected.files)} scriv fragment(s); relnox does not run scriv: run "
                f"scriv collect --version {new} before this bump"
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
