"""A project not released whose version the history moves with a package's releases: a
copy of that package's version, so a bump keeps it in step."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.errors import ConfigError, RelnoxError, shortlist
from relnox.files import text_or_none
from relnox.paths import rel
from relnox.project.package_load import load_package
from relnox.project.workspace import Package, Unreleased, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.sources import (
    VersionLocation,
    pattern_location,
    read_text,
    undated,
    version_at,
)
from relnox.versions.tag_name import last_releases

#: ``[tool.relnox] unreleased-versions``
RULES = ("history", "keep")
#: the template of a file whose every line saying a release said the next one at its tag
EVERY = "{version}"
#: a development version (``5.6.0.dev0``, ``2.0b1.dev``) on a line
_DEV = re.compile(r"\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?\.dev\d*")
#: an exact pin in a dependency list, to its end or marker (``"name == 1.2b0",``), or a floor,
#: alone or with its cap (``"name >= 1.2.0,<1.2.1"``)
_EXACT_PIN = re.compile(
    r'"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:===?|(?P<floor>>=))\s*(?P<version>[^",;<\s]+)'
    r'(?(floor)(?:\s*,\s*<\s*(?P<cap>\d+(?:\.\d+)*))?|)\s*[";]'
)


def with_moved_copies(workspace: Workspace, read: Callable[[Path], Mapping[str, Any]]) -> Workspace:
    """``workspace`` with the version of each project it does not release added as a copy
    to every package whose last releases (two at least) it said at their tags, with a note."""
    keep = unreleased_rule(workspace) == "keep"
    if keep or not workspace.unreleased or not git.is_repo(workspace.root):
        return workspace
    held = {loc.path for pkg in workspace.packages for loc in pkg.locations}
    packages, notes = list(workspace.packages), list(workspace.notes)
    said: list[tuple[str, str]] = []
    moves: dict[Path, list[tuple[str, str]]] = {}  # each package's last moves, read once
    for entry in workspace.unreleased:
        member = _loaded(workspace, entry, read)
        if member is None or member.primary is None or member.primary.path in held:
            continue
        # each version the packages say compared once (lockstep packages say one)
        same = {v for v in {p.version for p in packages} if same_version(v, member.version)}
        moved = [
            (i, why)
            for i, pkg in enumerate(packages)
            if pkg.version in same
            and (
                why := _moved_with(workspace, pkg, member, moves)
                or (_new_in_group(workspace, pkg, member) if entry.declared else None)
            )
        ]
        for i, _ in moved:
            packages[i] = replace(
                packages[i], locations=(*packages[i].locations, *member.locations)
            )
        if moved:
            held.update(loc.path for loc in member.locations)
            note = (
                f"{rel(member.primary.path, workspace.root)} ({entry.name}) is not released "
                f"but said {moved[0][1]}, so a bump "
                f"moves it with {shortlist([packages[i].name for i, _ in moved])}; "
                '[tool.relnox] unreleased-versions = "keep" leaves it'
            )
            notes.append(note)
            said += [(packages[i].name, note) for i, _ in moved]
    return replace(workspace, packages=tuple(packages), notes=tuple(notes), moved=tuple(said))


def unreleased_rule(workspace: Workspace) -> str:
    return history_rule(workspace, "unreleased-versions", RULES)


def history_rule(workspace: Workspace, key: str, rules: tuple[str, ...]) -> str:
    """``[tool.relnox] <key>``: one of ``rules``, ``history`` (read from the history) unless set."""
    if (rule := workspace.config.raw.get(key, "history")) not in rules:
        raise ConfigError(
            f"{workspace.config.source}: [tool.relnox] {key} = {rule!r} is none of "
            f"{', '.join(rules)}; use one of them"
        )
    return str(rule)


def _loaded(
    workspace: Workspace, entry: Unreleased, read: Callable[[Path], Mapping[str, Any]]
) -> Package | None:
    if not (entry.directory / "pyproject.toml").is_file() or entry.directory == workspace.root:
        return None
    try:
        return load_package(entry.directory, read(entry.directory), set(), workspace.config, False)
    except (RelnoxError, OSError):
        return None


def _moved_with(
    workspace: Workspace,
    pkg: Package,
    member: Package,
    moves: dict[Path, list[tuple[str, str]]],
) -> str | None:
    """What ``member`` said in step with ``pkg``: each of its last releases' version at its tag,
    else the version of each of its last two version moves (the development versions between
    releases) at its commit; None when neither."""
    if tags := _moved_at(workspace, pkg, member):
        return f"each release's version at {', '.join(reversed(tags))}"
    if pkg.primary is None:
        return None
    if pkg.primary.path not in moves:
        moves[pkg.primary.path] = _last_moves(workspace.root, pkg.primary)
    found = moves[pkg.primary.path]
    if len(found) < 2 or not all(
        same_version(version_at(workspace.root, member.locations, commit), version)
        for commit, version in found
    ):
        return None
    commits = ", ".join(commit[:10] for commit, _ in reversed(found))
    return f"{pkg.name}'s version at each of its last two moves ({commits})"


def _new_in_group(workspace: Workspace, pkg: Package, member: Package) -> str | None:
    """Why ``member``, a declared member too new for a history of releases, at the version of
    ``pkg``'s lockstep group, moves with it: at none of the group's last releases did it say
    another version (made since, or saying each since it was made); None otherwise."""
    if len(workspace.group_of(pkg)) < 2 or not (last := last_releases(pkg, workspace.tag_format)):
        return None
    said = [(tag, version_at(workspace.root, member.locations, tag)) for _, tag in last]
    if any(
        text is not None and not same_version(text, str(v))
        for (v, _), (_, text) in zip(last, said, strict=True)
    ):
        return None  # it said another version at a release: its history decides
    if at := [tag for tag, text in reversed(said) if text is not None]:
        return f"{pkg.name}'s version at each release since it was made ({', '.join(at)})"
    return f"{pkg.name}'s version, its lockstep group's, since it was made after {last[0][1]}"


def _last_moves(root: Path, primary: VersionLocation) -> list[tuple[str, str]]:
    """The last two commits that moved ``primary``'s version, newest first, with the version,
    when both moved it to a development version (a release's move is the tags' to read)."""
    if not _development(primary.value):
        return []
    log = git.run(root, "log", "--format=%H", "-n", "40", "--", "./" + rel(primary.path, root))
    commits = log.output.split() if log.ok else []
    said = [version_at(root, [primary], commit) for commit in commits[:1]]
    moves: list[tuple[str, str]] = []
    for i, commit in enumerate(commits[:-1]):
        said.append(version_at(root, [primary], commits[i + 1]))
        if None not in said[i : i + 2] and said[i] != said[i + 1]:
            if not _development(said[i]):
                return []
            moves.append((commit, str(said[i])))
            if len(moves) == 2:
                break
    return moves


def _development(version: str | None) -> bool:
    return (parsed := maybe_version(version or "")) is not None and parsed.is_devrelease


def _moved_at(workspace: Workspace, pkg: Package, member: Package) -> list[str]:
    """The tags of ``pkg``'s last releases at each of which ``member`` said its version."""
    if pkg.primary is None or len(finals := last_releases(pkg, workspace.tag_format)) < 2:
        return []
    for version, tag in finals:
        if not same_version(version_at(workspace.root, member.locations, tag), str(version)):
            return []
    return [tag for _, tag in finals]


def _at_last(version: str, last: Version) -> bool:
    """Whether ``version`` is the ``last`` release, the development toward it or a later one, or
    a candidate above it no tag released yet: not a maintenance line below it."""
    if (parsed := maybe_version(version)) is not None and parsed.dev is None and parsed > last:
        return True
    if parsed is None or parsed.dev is None:
        return same_version(version, str(last))
    return (maybe_version(parsed.public.rsplit(".dev", 1)[0]) or parsed) >= last


def copies_moved(
    workspace: Workspace, pkg: Package, new: Version | None = None
) -> tuple[list[VersionLocation], str]:
    """The files no version source reads whose version line moved from each of ``pkg``'s last
    releases to the next, as places a bump (to ``new``) writes, and the note."""
    places, note = _copies(workspace, pkg)
    if not places or new is None or not new.is_devrelease or pkg.primary is None:
        return places, note
    if len(last := last_releases(pkg, workspace.tag_format)) < 2:  # moved with dev versions
        return places, note
    found = _releases_only(workspace.root, pkg.primary.path, places, last[-1][1], last[0][1])
    if found is None:
        return places, note
    said, stay = found
    names = ", ".join(rel(place.path, workspace.root) for place in stay)
    them = "them" if len(stay) > 1 else "it"
    kept = (
        f"{names} said only releases between {last[-1][1]} and {last[0][1]}, while the "
        f"version said {said}, so a bump to a development version leaves {them}"
    )
    return [p for p in places if p not in stay], f"{note}; {kept}"


def _releases_only(
    root: Path, own: Path, places: list[VersionLocation], older: str, newer: str
) -> tuple[str, list[VersionLocation]] | None:
    """The development version ``own`` said between tags ``older`` and ``newer``, and the
    ``places`` that said none there (a help text naming the last release); None if it said none."""
    top = git.toplevel(root)
    paths = {rel(place.path, top): place for place in places}
    mine = rel(own, top)
    log = git.run(top, "log", "-p", "--format=", f"{older}..{newer}", "--", mine, *paths)
    said: dict[str, str] = {}  # a file -> the last development version a line of it said
    path = ""
    for line in log.output.splitlines() if log.ok else ():
        if line.startswith("+++ "):
            path = line[6:] if line[4:6] == "b/" else ""
        elif path and line[:1] == "+" and (dev := _DEV.search(line)) is not None:
            said.setdefault(path, dev[0])
    stay = [place for path, place in paths.items() if path not in said]
    return (said[mine], stay) if mine in said and stay else None


def _copies(workspace: Workspace, pkg: Package) -> tuple[list[VersionLocation], str]:
    if (pkg.primary is None and not pkg.vcs_versioned) or unreleased_rule(workspace) == "keep":
        return [], ""
    if pkg.tags is not None and pkg.tags.carried:
        return [], ""
    last = last_releases(pkg, workspace.tag_format)  # fewer than it reads: every release
    if len(last) < 2 or not _at_last(pkg.copies_say, last[0][0]):
        return _copies_in_step(workspace, pkg)
    finals, tags = [v for v, _ in last], [t for _, t in last]
    top = git.toplevel(workspace.root)
    if pinned := _outside_pins(workspace, pkg, top, last):
        pins = [pin for _, pin in pinned]
        note = (
            f"{rel(pkg.pyproject, workspace.root)} pinned "
            f"{shortlist([name for name, _ in pinned])} at {pkg.name}'s version at "
            f"{', '.join(reversed(tags))}, so a bump moves the pin too; "
            '[tool.relnox] unreleased-versions = "keep" leaves it'
        )
        places, more = _copies_moved(workspace, pkg, top, finals, tags)
        return [*pins, *places], f"{note}; {more}" if more else note
    places, note = _copies_moved(workspace, pkg, top, finals, tags)
    return (places, note) if places else _copies_in_step(workspace, pkg)


def _outside_pins(
    workspace: Workspace, pkg: Package, top: Path, last: list[tuple[Version, str]]
) -> list[tuple[str, VersionLocation]]:
    """The exact pins in ``pkg``'s pyproject.toml on projects outside the workspace that said
    each of its last releases at its tag (a family released in step from two repositories)."""
    text = text_or_none(pkg.pyproject) or ""  # unreadable: no pins
    ours = {p.name for p in workspace.packages}
    lines = {}
    for found in _EXACT_PIN.finditer(text):
        if (
            same_version(found["version"], pkg.version)
            and canonicalize_name(found["name"]) not in ours
        ):
            start, end = (i - found.start() for i in found.span("version"))
            lines[found[0][:start] + "{version}" + found[0][end:]] = found
    if not lines:
        return []
    path = rel(pkg.pyproject, top)
    said = git.show_files(top, [(tag, path) for _, tag in last])
    return [  # each line pinning alike (the same floor in an extra's list) moves; a cap is one
        (found["name"], replace(place, every=found["cap"] is None))
        for line, found in lines.items()
        if all(
            old is not None and _pinned_at(old, found, version)
            for old, (version, _) in zip(said, last, strict=True)
        )
        and (place := _saying(pkg.pyproject, line, found["version"])) is not None
    ]


def _pin_shape(found: re.Match[str]) -> str:
    """The pin ``found`` with its version as ``{version}`` and its cap as ``{cap}``."""
    shape, start = "", found.start()
    for group in ("version", "cap"):
        if found[group] is not None:
            low, high = found.span(group)
            shape, start = f"{shape}{found.string[start:low]}{{{group}}}", high
    return shape + found.string[start : found.end()]


def _pinned_at(old: str, found: re.Match[str], version: Version) -> bool:
    """Whether ``old`` pins as ``found`` does, at release ``version``, its cap
    as far above it as now: versions compared as versions (a pin 1.2.0 of a tag 1.2)."""
    cap = None
    if found["cap"] is not None:
        from relnox.project.pins import upper_bound  # off the publish path: pins are the bump's

        cap = Version(upper_bound(version, Version(found["cap"]), Version(found["version"])))
    return any(
        _pin_shape(pin) == _pin_shape(found)
        and maybe_version(pin["version"]) == version
        and (cap is None or maybe_version(pin["cap"]) == cap)
        for pin in _EXACT_PIN.finditer(old)
    )


def _copies_moved(
    workspace: Workspace, pkg: Package, top: Path, finals: list[Version], tags: list[str]
) -> tuple[list[VersionLocation], str]:
    found: dict[str, str] | None = None  # a file (from the top) -> its line, {version} for it
    young: dict[str, str] = {}  # made after a release saying it: older releases say nothing
    made: frozenset[str] = frozenset()
    for i in range(len(finals) - 1):
        old, new = tags[i + 1], tags[i]
        moved, was_made = _moved_lines(top, workspace.root, old, new, finals[i + 1], finals[i])
        asked = tuple(sorted((p, t) for p, t in (found or {}).items() if p in made - moved.keys()))
        if asked:
            young |= _made_saying(top, asked, finals[i], f"{new}..{tags[i - 1]}")
        held = {
            p: t for p, t in (found or {}).items() if p not in made | moved.keys() | young.keys()
        }
        young |= _written_since(top, held, (old, new), (finals[i + 1], finals[i]))
        made = was_made
        found = (
            moved
            if found is None
            else {p: t for p, t in _agreed(found, young | moved).items() if t}
        )
        if not found:
            return [], ""
    how = f"moved from each release to the next at {', '.join(reversed(tags))}"
    return _moved_note(workspace, _places(workspace, pkg, top, found or {}), how)


def _copies_in_step(workspace: Workspace, pkg: Package) -> tuple[list[VersionLocation], str]:
    """The files whose line moved with ``pkg``'s version at each of its last two moves (the
    development versions of a line whose releases are tagged elsewhere), and the note."""
    if pkg.primary is None or not git.is_repo(workspace.root):
        return [], ""
    top = git.toplevel(workspace.root)
    found: dict[str, str] | None = None
    moves = _last_moves(workspace.root, pkg.primary)
    for commit, version in moves if len(moves) == 2 else ():
        old = maybe_version(version_at(workspace.root, [pkg.primary], f"{commit}^") or "")
        new = maybe_version(version)
        if old is None or new is None:
            return [], ""
        moved, _ = _moved_lines(top, workspace.root, f"{commit}^", commit, old, new)
        found = moved if found is None else {p: t for p, t in _agreed(found, moved).items() if t}
        if not found:
            return [], ""
    commits = ", ".join(commit[:10] for commit, _ in reversed(moves))
    how = f"moved with the version at each of its last two moves ({commits})"
    return _moved_note(workspace, _places(workspace, pkg, top, found or {}), how)


def _moved_note(
    workspace: Workspace, places: list[VersionLocation], how: str
) -> tuple[list[VersionLocation], str]:
    if not places:
        return [], ""
    names = ", ".join(rel(place.path, workspace.root) for place in places)
    them = "them" if len(places) > 1 else "it"
    return places, (
        f"{names} {how}, so a bump moves {them} too; "
        f'[tool.relnox] unreleased-versions = "keep" leaves {them}'
    )


def _places(
    workspace: Workspace, pkg: Package, top: Path, found: Mapping[str, str]
) -> list[VersionLocation]:
    """Where the files of ``found`` (from the top, with their line) say ``pkg``'s version now,
    but those a bump writes already, lock files and changelogs."""
    places = []
    written = {str(loc.path) for each in workspace.packages for loc in each.locations}
    written |= {str(req.path) for each in workspace.packages for req in each.requirements}
    # what a bump writes already: not a tag-versioned package's own, whose literal it leaves
    written |= {str(each.pyproject) for each in workspace.packages if not each.vcs_versioned}
    written = {os.path.normpath(f) for f in written}
    # a copy says the version as the package's own file spells it: Cargo's 0.4.0-dev.0
    semver = pkg.primary is not None and pkg.primary.semver and not pkg.stamped
    spelled = pkg.primary.value if pkg.primary is not None and semver else pkg.copies_say
    for path, line in sorted((found or {}).items()):
        where = Path(os.path.normpath(top / path))
        if str(where) in written or "lock" in where.name.lower() or not where.is_file():
            continue
        if where in workspace.changelogs:  # a member's, or the root's they share: the rule's
            continue
        if (place := _saying(where, line, spelled)) is not None:
            places.append(replace(place, semver=semver))
    return places


@functools.cache  # packages released under one tag ask alike
def _made_saying(
    top: Path, asked: tuple[tuple[str, str], ...], version: Version, span: str
) -> dict[str, str]:
    """The files of ``asked`` made in ``span`` with their line saying ``version``."""
    paths = [path for path, _ in asked]
    log = git.run(top, "log", "--reverse", "--diff-filter=A", "-p", "--format=", span, "--", *paths)
    made: dict[str, set[str]] = {}
    path = ""
    for line in log.output.splitlines() if log.ok else ():
        if line.startswith("+++ b/"):
            path = "" if line[6:] in made else line[6:]  # its first making only
            made |= {path: set()} if path else {}
        elif path and line[:1] == "+":
            made[path] |= _templates(line[1:].strip(), version)
    return {p: t for p, t in asked if t in made.get(p, ())}


def _written_since(
    top: Path, lines: Mapping[str, str], pair: tuple[str, str], versions: tuple[Version, Version]
) -> dict[str, str]:
    """The files of ``lines`` (a file -> its line's template) whose line did not say the older
    release at its tag (``pair``'s first; a copy left behind, a line written since) and said the
    newer one at its own: a line that began to move with the releases there, as a file made."""
    paths = list(lines)
    older = git.show_files(top, [(pair[0], path) for path in paths])
    newer = git.show_files(top, [(pair[1], path) for path in paths])
    return {
        path: lines[path]
        for path, was, now in zip(paths, older, newer, strict=True)
        if was is not None
        and not _says(was, lines[path], versions[0])
        and _says(now or "", lines[path], versions[1])
    }


def _says(text: str, line: str, version: Version) -> bool:
    """Whether ``text`` has a line of template ``line`` saying ``version``."""
    return any(
        line == EVERY or undated(said) == undated(line)
        for row in text.splitlines()
        for said in _templates(row.strip(), version)
    )


def _agreed(found: Mapping[str, str], moved: Mapping[str, str]) -> dict[str, str | None]:
    """The line of each file two releases moved alike (one line, or :data:`EVERY`), undated
    where only the release's day differed."""
    agreed: dict[str, str | None] = {}
    for path, line in found.items():
        other = moved.get(path)
        agreed[path] = line if other in (line, EVERY) else other if line == EVERY else None
        if other and agreed[path] is None and undated(line) == undated(other):
            agreed[path] = undated(line)
    return agreed


def _saying(path: Path, line: str, version: str) -> VersionLocation | None:
    """Where ``path`` says ``version`` on a line of template ``line``, or None."""
    try:
        place = pattern_location(path, line)
    except ConfigError:
        return None
    if line != EVERY and place.value == version:
        return place  # not an earlier match spelled otherwise (npm's 1.1.0-alpha.1 of 1.1.0a1)
    said = re.finditer(place.pattern or "", read_text(path))
    if not any(m["version"] == version for m in said):
        return None
    return replace(place, value=version, every=True)


#: a version written on a line: ``4.4.0``, ``v1.2.0rc1``, ``2.0.0.dev3``, ``1.3.0.dev`` (not a
#: part of a longer one)
_WRITTEN = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d*)?(?![\w+-]|\.\d)"
)


def _templates(line: str, version: Version, or_older: bool = False) -> set[str]:
    """``line`` with the version it says as ``{version}``: ``version`` however it is spelled
    (``4.4.0`` of a tag ``4.4``) or its development version (``1.3.0.dev`` at the tag of 1.3.0:
    a copy the release left behind, moved at the next), or, ``or_older``, any earlier one (a
    copy that lagged, at 4.1.0 until the release moved it); else ``version`` as written where
    it is in ``line``."""
    said = {
        found[0]
        for found in _WRITTEN.finditer(line)
        if (written := maybe_version(found[0])) is not None
        and (
            written == version
            or (written.is_devrelease and Version(written.base_version) == version)
            or (or_older and written < version)
        )
    }
    if not said and str(version) in line:
        said = {str(version)}
    return {line.replace(text, "{version}") for text in said}


@functools.cache  # packages released under one tag read one diff
def _moved_lines(
    top: Path, root: Path, old_tag: str, new_tag: str, old: Version, new: Version
) -> tuple[dict[str, str], frozenset[str]]:
    """The files below ``root`` whose line said ``old`` at ``old_tag`` (or that did not exist
    then) and says ``new`` at ``new_tag``, with its template, whatever its indentation
    (:data:`EVERY` where several did), from one diff; and those of them made since."""
    below = rel(root, top) if root.resolve() != top.resolve() else "."
    # -G, not -S: a line from 1.1.0rc1 to 1.1.0 beside another saying 1.1.0 keeps the count
    # a development version's own spelling may differ (1.3.0.dev of 1.3.0.dev0): its release's
    spelled = re.escape(new.base_version if new.is_devrelease else str(new))
    result = git.run(top, "diff", "-U0", f"-G{spelled}", old_tag, new_tag, "--", below)
    if not result.ok:
        return {}, frozenset()
    minus: dict[str, set[str]] = {}
    plus: dict[str, set[str]] = {}
    added: set[str] = set()  # made at ``new_tag``, saying ``new``: as good as a move
    path, made = "", False
    for line in result.output.splitlines():
        if line.startswith(("--- ", "+++ ")):
            made = line == "--- /dev/null" or (made and line[:1] == "+")
            path = line[6:] if line[4:6] in ("a/", "b/") else ""
            added |= {path} if made and path else set()
        elif path and line[:1] == "-" and (said := _templates(line[1:].strip(), old, True)):
            minus.setdefault(path, set()).update(said)
        elif path and line[:1] == "+" and (said := _templates(line[1:].strip(), new)):
            plus.setdefault(path, set()).update(said)
    both = {p: minus[p] & plus.get(p, set()) for p in minus} | {
        p: plus[p] for p in added & set(plus)
    }
    for p in [p for p, lines in both.items() if not lines and p in plus]:
        # the line says the release's day too (a man page's title): {day} moved with it
        both[p] = {undated(t) for t in minus[p]} & {undated(t) for t in plus[p]}
    found = {p: next(iter(lines)) for p, lines in both.items() if len(lines) == 1}
    many = sorted(p for p, lines in both.items() if len(lines) > 1)
    fresh = frozenset(added & both.keys())
    if not many:
        return found, fresh
    # the files that still say ``old`` at ``new_tag`` (1: none; unreadable: all)
    grep = git.run(top, "grep", "-l", "-F", "-w", "-e", str(old), new_tag, "--", *many)
    if grep.returncode not in (0, 1):
        return found, fresh
    still = {line.removeprefix(f"{new_tag}:") for line in grep.output.splitlines()}
    return found | {p: EVERY for p in many if p not in still}, fresh
