"""The release that intent gives (docs/release-pr.md): each package's part from its news
fragments, else its conventional commits since its last release, else a patch when it changed.
A package no tag released yet, or versioned by tags, is left out with a note."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError
from relnox.files import text_or_none
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version
from relnox.versions.release_please import breaking_is_minor

#: a fragment's or commit's type -> the part it asks for; "none" releases nothing
DEFAULT_PARTS = {
    **dict.fromkeys(("removal", "removed", "breaking", "major"), "major"),
    **dict.fromkeys(("feature", "features", "feat", "added", "minor"), "minor"),
    **dict.fromkeys(("bugfix", "fix", "fixed", "doc", "misc", "perf", "revert"), "patch"),
    **dict.fromkeys(("chore", "docs", "ci", "test", "tests", "style", "refactor", "build"), "none"),
}
PARTS = ("none", "patch", "minor", "major")  # weakest first
NOTHING_ASKS = "no fragment, conventional commit or change asks for one"
_CONVENTIONAL = re.compile(r"(?P<type>[A-Za-z]+)(?:\([^)]*\))?(?P<bang>!)?: \S")


@dataclass(frozen=True)
class Fragment:
    """One news fragment: where it is, its tool, and its entries as (type, text)."""

    path: Path
    tool: str  # towncrier, scriv, changie, release file
    changelog: Path  # the file its tool writes the section into
    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Release:
    name: str
    old: str
    new: str
    why: str
    fragments: tuple[Fragment, ...] = ()


@dataclass
class Intent:
    releases: list[Release] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)  # what bump is given (BumpOptions.parts)
    names: tuple[str, ...] = ()  # the workspace's packages: a note many share is said once
    folders: dict[str, str] = field(default_factory=dict)  # each one's folder (a note's path)

    def describe(self, verbose: int = 0) -> list[str]:
        from relnox.report import PINS, counted, grouped

        notes = grouped(self.notes, self.names, verbose, self.folders)
        if not self.releases:  # the reason in words: the notes say why each was left out
            why = "every package that changed is left out" if self.notes else NOTHING_ASKS
            return [f"no release: {why}", *notes]
        moves = [f"{r.name}: {r.old} -> {r.new} ({r.why})" for r in self.releases]
        lines = grouped(moves, self.names, verbose)  # "<package>: 1.7.0 -> 1.8.0 (...)"
        return lines + [f"  {line}" for line in counted(self.rewrites, PINS, verbose)] + notes

    def to_json(self) -> dict[str, Any]:
        return {
            "packages": [r.name for r in self.releases],
            "versions": {r.name: r.new for r in self.releases},
            "previous": {r.name: r.old for r in self.releases},
            "why": {r.name: r.why for r in self.releases},
            "rewrites": list(self.rewrites),
            "notes": list(self.notes),
        }


def type_parts(workspace: Workspace) -> dict[str, str]:
    """:data:`DEFAULT_PARTS` with ``[tool.relnox.intent]`` over it (type = part)."""
    section = workspace.config.section("intent")
    for key, value in section.items():
        if value not in PARTS:
            raise ConfigError(
                f"{workspace.config.source}: [tool.relnox.intent] {key} = {value!r} is not a "
                f'part; write "major", "minor", "patch" or "none" (releases nothing)'
            )
    return {**DEFAULT_PARTS, **{str(k).lower(): str(v) for k, v in section.items()}}


def _strongest(parts: list[str]) -> str:
    return max(parts, key=PARTS.index, default="none")


def _towncrier(path: Path, text: str) -> tuple[tuple[str, str], ...]:
    pieces = path.name.split(".")
    kind = next((p for p in pieces[1:3] if not p.isdigit()), pieces[-1])
    return ((kind, text.strip() + (f" (#{pieces[0]})" if pieces[0].isdigit() else "")),)


def _scriv(path: Path, text: str) -> tuple[tuple[str, str], ...]:
    from relnox.project.changelog import headings

    entries: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    marks = {mark.line: mark for mark in headings(lines)}
    index = 0
    while index < len(lines):  # each category's heading (the one reader's) over its entries
        if (mark := marks.get(index)) is not None:
            entries.append((mark.title.strip().lower(), []))
            index = mark.end
            continue
        if entries and not lines[index].strip().startswith(".. "):
            entries[-1][1].append(lines[index])
        index += 1
    kept = tuple((kind, "\n".join(body).strip()) for kind, body in entries)
    return tuple(e for e in kept if e[1])


def _changie(path: Path, text: str) -> tuple[tuple[str, str], ...]:
    kind = re.search(r"(?m)^kind:\s*['\"]?([^'\"\n]*)", text)
    body = re.search(r"(?m)^body:\s*['\"]?([^'\"\n]*)", text)
    return (((kind.group(1).strip() if kind else "misc").lower(), body.group(1) if body else ""),)


def _news(directory: Path) -> list[Fragment]:
    """The fragments of the news tools set up in ``directory``, each read into its entries."""
    from relnox.project import news

    made = []
    readers = ((news.TOWNCRIER, _towncrier), (news.SCRIV, _scriv), (news.CHANGIE, _changie))
    for tool, entries in readers:
        if (found := news.read(tool, directory)) is None:
            continue
        for path in found.fragments:
            rst = tool is news.SCRIV and path.suffix != ".md"  # scriv's, changie's: beside them
            log = directory / ("CHANGELOG.rst" if rst else "CHANGELOG.md")
            if tool is news.TOWNCRIER and found.changelog is not None:  # its news file
                log = found.changelog
            text = path.read_text(encoding="utf-8", errors="replace")
            made.append(Fragment(path, tool.name, log, entries(path, text)))
    return made


#: a release file's line naming its part: ``Release type: minor``, ``RELEASE_TYPE: patch``
_RELEASE_TYPE = re.compile(r"(?im)^release[ _]type:[ \t]*(major|minor|patch)[ \t]*$")


def _release_file(directory: Path) -> list[Fragment]:
    """``RELEASE.md`` (or ``.rst``) naming the next release's part: one fragment of that part."""
    made = []
    for name in ("RELEASE.md", "RELEASE.rst"):
        text = text_or_none(directory / name) or ""
        if (found := _RELEASE_TYPE.search(text)) is not None:
            body = text[found.end() :].partition("\n---\n")[2] if text.startswith("---") else ""
            entry = (found[1].lower(), (body or text[found.end() :]).strip())
            log = directory / ("CHANGELOG.md" if name.endswith(".md") else "CHANGELOG.rst")
            made.append(Fragment(directory / name, "release file", log, (entry,)))
    return made


def fragments(workspace: Workspace) -> tuple[dict[str, list[Fragment]], list[str]]:
    """Every fragment by the package it belongs to, and a note for each that belongs to none."""
    directories = dict.fromkeys([workspace.root, *(p.directory for p in workspace.packages)])
    seen: dict[Path, Fragment] = {}
    for directory in directories:
        for reader in (_news, _release_file):
            for fragment in reader(directory):
                seen.setdefault(fragment.path.resolve(), fragment)
    found: dict[str, list[Fragment]] = {}
    notes = []
    for fragment in seen.values():
        if (owner := _owner(workspace, fragment.path)) is None:
            notes.append(
                f"note: {rel(fragment.path, workspace.root)} names no package: put a package's "
                "name in its file name (123.feature.NAME.md) or its first line (NAME: ...)"
            )
        else:
            found.setdefault(owner.name, []).append(fragment)
    return found, notes


def _owner(workspace: Workspace, path: Path) -> Package | None:
    """The package a fragment names (file name or first line), else the innermost one holding it."""
    if len(workspace.packages) == 1:
        return workspace.packages[0]
    first = path.read_text(encoding="utf-8", errors="replace").partition("\n")[0]
    for pkg in workspace.packages:
        if pkg.name in path.name.split(".")[1:] or first.startswith(f"{pkg.name}:"):
            return pkg
    holders = [p for p in workspace.packages if p.directory.resolve() in path.resolve().parents]
    return max(holders, key=lambda p: len(p.directory.resolve().parts), default=None)


def _commits(workspace: Workspace, spec: list[str], since: str) -> list[tuple[str, str, str]]:
    log = ("log", "--format=%h%x1f%s%x1f%b%x1e", f"{since}..HEAD", "--", *spec)
    out = git.git(workspace.root, *log)
    found = []
    for record in out.split("\x1e"):  # git.git strips the last record's empty body away
        sha, _, rest = record.strip("\n").partition("\x1f")
        subject, _, body = rest.partition("\x1f")
        if sha:
            found.append((sha, subject, body))
    return found


def _left_out(pkg: Package) -> str:
    """Why ``pkg``, whose version no tag released, is left out, and the way on."""
    if (current := maybe_version(pkg.version)) is not None and current.is_devrelease:
        return (
            f"note: {pkg.name} {pkg.version} is a development version no tag released: it is "
            f"left out (release it: relnox bump --package {pkg.name} --part release)"
        )
    return (
        f"note: {pkg.name} {pkg.version} is not released by any tag yet: it is left out "
        "(tag it: relnox tag --missing)"
    )


def _waiting(pkg: Package) -> bool:
    """No tag released its version: a release commit waiting for its tag, or a first release."""
    facts, current = pkg.tags, maybe_version(pkg.version)
    if facts is None or facts.last is None or current is None:
        return True
    return current > facts.last and current not in facts.released


def _why(workspace: Workspace, pkg: Package, row: Any, mine: list[Fragment]) -> str | None:
    """``part: reason`` for ``pkg``, or ``None`` when nothing asks for a release."""
    parts = type_parts(workspace)
    if mine:
        kinds = [kind for f in mine for kind, _ in f.entries] or ["misc"]
        part = _strongest([parts.get(k, "patch") for k in kinds])
        shown = ", ".join(sorted(set(kinds)))
        if len(mine) == 1 and mine[0].tool == "release file":
            return f"{part}: {mine[0].path.name} says release type: {shown}"
        return f"{part}: {len(mine)} fragment{'s' if len(mine) > 1 else ''} ({shown})"
    if not row.changed:
        return None
    from relnox.project.changes import pathspec

    conventional = []
    current = maybe_version(pkg.version)
    # below 1.0 a breaking change is a minor release where release-please is told so
    minor = current and current.major < 1 and breaking_is_minor(pkg.directory)
    major = "minor" if minor else "major"
    for sha, subject, body in _commits(workspace, pathspec(workspace, pkg), str(row.last_tag)):
        if (match := _CONVENTIONAL.match(subject)) is None:
            continue
        breaking = match.group("bang") or "BREAKING CHANGE" in body
        part = major if breaking else parts.get(match.group("type").lower(), "none")
        conventional.append((part, sha, subject))
    if conventional:
        part, sha, subject = max(conventional, key=lambda c: PARTS.index(c[0]))
        return f"{part}: {len(conventional)} conventional commit(s), strongest {sha} {subject!r}"
    return f"patch: changed since {row.last_tag} ({row.commits} commits), no fragment"


def release_intent(workspace: Workspace, today: date | None = None) -> Intent:
    """The release the recorded intent gives, its versions as ``bump`` would make them."""
    from relnox.bump import BumpOptions, plan_bump
    from relnox.project.changes import plan

    found, notes = fragments(workspace)
    whys: dict[str, str] = {}
    for row in plan(workspace):
        pkg = workspace.get(row.name)
        if _waiting(pkg):
            if row.changed or found.get(pkg.name):
                notes.append(_left_out(pkg))
            continue
        why = _why(workspace, pkg, row, found.get(pkg.name, []))
        if why is not None and pkg.vcs_versioned:  # its bump is a tag: no commit carries it
            notes.append(
                f"note: {pkg.name}'s version comes from git tags, so no release commit can "
                f"carry it ({why}): release it with relnox bump --package {pkg.name} --tag"
            )
        elif why is not None and not why.startswith("none:"):
            whys[pkg.name] = why
    parts = {name: why.split(":", 1)[0] for name, why in whys.items()}
    for name in list(parts):  # a lockstep group moves by its strongest part
        group = [p.name for p in workspace.group_of(workspace.get(name))]
        strongest = _strongest([parts.get(n, "none") for n in group])
        parts.update({n: strongest for n in group})
    from relnox.report import package_folders

    names = tuple(p.name for p in workspace.packages)
    intent = Intent(notes=notes, parts=parts, names=names, folders=package_folders(workspace))
    if not parts:
        return intent
    bumped = plan_bump(workspace, BumpOptions(parts=parts, commit=False, dry_run=True, today=today))
    intent.rewrites = list(bumped.rewrites)
    for name, (old, new) in bumped.versions.items():
        deps = [d for d in workspace.get(name).internal_deps if d in bumped.versions]
        why = whys.get(name) or (
            f"{parts[name]}: its lockstep group moves"
            if name in parts
            else f"patch: its pin on {', '.join(deps)} moves"
        )
        intent.releases.append(Release(name, old, new, why, tuple(found.get(name, ()))))
    return intent
