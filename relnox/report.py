"""Plain-text tables and rows for what tasks print (no printing here)."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.paths import rel
from relnox.progress import MANY as MANY  # the one threshold, the log's too
from relnox.progress import live
from relnox.project.workspace import NOT_RELEASED, Unreleased, Workspace
from relnox.versions.sources import VersionLocation


def _where(workspace: Workspace, loc: VersionLocation) -> str:
    return loc.label.replace(str(loc.path), rel(loc.path, workspace.root), 1)


def packages_rows(workspace: Workspace) -> list[dict[str, Any]]:
    """One row per package: its version truth with the evidence, and its tag convention."""
    rows = []
    for p in workspace.packages:
        tags = p.tags
        findings = [tags.problem, tags.finding] if tags else []
        rows.append(
            {
                "name": p.name,
                "version": p.version,
                "source": p.version_source,
                "backend": p.backend,
                "depends_on": list(p.internal_deps),
                "directory": rel(p.directory, workspace.root),
                "locations": [loc.label for loc in p.locations],
                "primary": _where(workspace, p.primary) if p.primary else "git tags",
                "evidence": p.evidence,
                "secondaries": [
                    {
                        "where": _where(workspace, loc),
                        "value": loc.value,
                        "agrees": loc not in p.drift,
                    }
                    for loc in p.secondaries
                ],
                "tag_format": workspace.tag_format_of(p),
                "tag_evidence": tags.convention.evidence if tags else "not a git repository",
                # HEAD's line, as plan says; the highest anywhere when another branch is above
                "last_release": str(tags.newest[0]) if tags and tags.newest[0] else None,
                "last_tag": tags.newest[1] if tags else None,
                "highest_tag": tags.highest_tag if tags else None,
                "warnings": [*p.drift_notes, *filter(None, findings)],
            }
        )
    return rows


def unreleased_rows(workspace: Workspace) -> list[dict[str, str]]:
    """The projects taken for not released: each with why, and the setting that releases it."""
    return [
        {
            "name": u.name,
            "directory": rel(u.directory, workspace.root),
            "why": u.why,
            "setting": u.setting,
        }
        for u in workspace.unreleased
    ]


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return "-" if value is None or value == "" else str(value)


def render_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A left-aligned text table with a header row; on a terminal someone watches, a last
    column that would run past the screen wrapped to it."""
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    indent = sum(widths[:-1]) + 2 * (len(widths) - 1)
    screen = shutil.get_terminal_size().columns if live(sys.stdout) else 0
    wrap = indent + widths[-1] > screen and screen - indent >= 30
    if wrap:
        widths[-1] = max(len(columns[-1]), screen - indent - 1)
    lines = ["  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        last = (textwrap.wrap(r[-1], widths[-1], break_on_hyphens=False) if wrap else []) or [r[-1]]
        first = [c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)]
        lines.append("  ".join([*first, last[0]]).rstrip())
        lines += [" " * indent + more for more in last[1:]]
    return "\n".join(lines)


def package_folders(workspace: Workspace) -> dict[str, str]:
    """Each package's folder from the repository's root, as a finding naming its files
    says it (``libs/cli`` of ``libs/cli/CHANGELOG.md``): what :func:`shared_findings`
    recognises a package by besides its name."""
    return {p.name: rel(p.directory, workspace.root) for p in workspace.packages}


@dataclass(frozen=True)
class Shared:
    """One finding and the packages it holds for (``()``: it names no package), with the
    folder of each where the finding names the package by its folder."""

    text: str
    packages: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()

    @property
    def many(self) -> bool:
        return len(self.packages) >= MANY

    @property
    def template(self) -> str:
        """The finding for any of its packages: ``<package>`` (or ``<folder>``) in their place."""
        return self.text.format(package="<package>", folder="<folder>")

    def lines(self) -> list[str]:
        """One line for many packages (their count), else one line each."""
        if self.many:
            return [f"{self.template} ({len(self.packages)} packages)"]
        folders = self.folders or self.packages
        each = zip(self.packages, folders, strict=True)
        return [self.text.format(package=p, folder=f) for p, f in each] or [self.text.format()]


def shared_findings(
    findings: Iterable[str], names: Iterable[str], folders: Mapping[str, str] | None = None
) -> list[Shared]:
    """``findings`` grouped by their text with the package each names taken out, in order.

    A package is named by its name, or by its folder (``folders``: name -> folder from the
    repository's root) where a finding names a file in it: ``libs/cli/CHANGELOG.md``. A
    finding naming two packages, or none, is a line of its own."""
    names, folders = list(names), folders or {}
    by_folder = _folders(names, folders)
    pattern = _names_pattern(names, by_folder)
    groups: dict[str, list[str]] = {}
    for finding in findings:
        text, start, named = "", 0, set()
        for found in pattern.finditer(finding) if pattern else ():
            is_folder = finding.startswith("/", found.end()) and found[0] in by_folder
            named.add(by_folder[found[0]] if is_folder else found[0])
            text += _escaped(finding[start : found.start()])
            text += "{folder}" if is_folder else "{package}"
            start = found.end()
        if len(named) != 1:  # no package named, or another package too: a line of its own
            groups.setdefault(_escaped(finding), [])
        else:
            groups.setdefault(text + _escaped(finding[start:]), []).append(named.pop())
    shared = []
    for text, held in groups.items():
        packages = tuple(dict.fromkeys(held))
        told = tuple(folders[p] for p in packages) if "{folder}" in text else ()
        shared.append(Shared(text, packages, told))
    return shared


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _folders(names: Sequence[str], folders: Mapping[str, str]) -> dict[str, str]:
    """Each folder that tells its package -> the package: not the root's, nor one that says
    the package's name already (``packages/acme-x/CHANGELOG.md`` names acme-x)."""
    return {
        folder: name
        for name in names
        if (folder := folders.get(name, ".")) not in (".", "") and name not in folder.split("/")
    }


def package_free(text: str, names: Iterable[str]) -> str:
    """``text`` without the package names in it: ``metadata acme-x`` is ``metadata``."""
    pattern = _names_pattern(names)
    return " ".join((pattern.sub("", text) if pattern else text).split())


def _names_pattern(names: Iterable[str], folders: Iterable[str] = ()) -> re.Pattern[str] | None:
    """A package's name standing alone, or one of ``folders`` before a ``/``."""
    said = {re.escape(n): len(n) for n in names}
    said |= {f"{re.escape(f)}(?=/)": len(f) for f in folders}
    if not said:
        return None
    alternatives = "|".join(sorted(said, key=lambda a: -said[a]))  # gen-pkg10 before gen-pkg1
    return re.compile(rf"(?<![\w.-])({alternatives})(?![\w-]|\.\w)")


def version_moves(moves: Mapping[str, tuple[str, str]]) -> str:
    """``72 packages 1.7.0 -> 1.7.1`` for a lockstep group, each other package by name."""
    return ", ".join(move_lines(moves, ""))


def move_lines(moves: Mapping[str, tuple[str, str]], colon: str = ":") -> list[str]:
    """:func:`version_moves` one a line: ``acme-x: 1.0 -> 1.1`` (``colon`` after a name)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, move in moves.items():
        groups.setdefault(move, []).append(name)
    parts = []
    for (old, new), members in groups.items():
        change = f"{old} -> {new}" if old != new else new
        if len(members) >= MANY:
            parts.append(f"{len(members)} packages {change}")
        else:
            parts += [f"{name}{colon} {change}" for name in members]
    return parts


def counted(lines: Sequence[str], what: str, verbose: int = 0) -> list[str]:
    """``lines``, or when MANY or more and no ``verbose``, one line counting them."""
    if verbose or len(lines) < MANY:
        return list(lines)
    return [f"{len(lines)} {what} (-v lists them)"]


#: what :func:`counted` calls a bump's rewritten requirements
PINS = "pins follow the new versions"


def wrapped(names: Iterable[str], width: int = 100, indent: str = "    ") -> list[str]:
    """``names`` comma-separated on lines of about ``width`` characters."""
    lines: list[str] = []
    line = ""
    for name in names:
        if line and len(line) + len(name) + 2 > width:
            lines.append(f"{indent}{line},")
            line = ""
        line = f"{line}, {name}" if line else name
    return [*lines, f"{indent}{line}"] if line else lines


def grouped(
    findings: Iterable[str],
    names: Iterable[str],
    verbose: int = 0,
    folders: Mapping[str, str] | None = None,
) -> list[str]:
    """Each finding once: those differing only in the package (its name, or its folder in
    ``folders``) are one line when MANY share it."""
    lines = []
    for shared in shared_findings(findings, names, folders):
        if not shared.many:
            lines += shared.lines()
        elif verbose:
            lines += [f"{shared.lines()[0]}:", *wrapped(shared.packages)]
        else:
            lines.append(f"{shared.lines()[0][:-1]}; -v names them)")
    return lines


def fold_not_released(
    lines: Sequence[str], unreleased: Sequence[Unreleased], root: Path, verbose: int = 0
) -> list[str]:
    """``lines`` with the projects of ``unreleased`` left out for one reason one line when
    MANY or more share it; every line with ``verbose``."""
    if verbose:
        return list(lines)
    notes = sorted(((u.note(root), u) for u in unreleased), key=lambda nu: -len(nu[0]))
    keys: list[tuple[str, str, str] | None] = []
    for line in lines:
        found = next(((n, u) for n, u in notes if line.endswith(n)), None)
        if found is None:
            keys.append(None)
            continue
        note, entry = found
        directory = f'"{rel(entry.directory, root)}"'
        setting = entry.setting.replace(directory, "its directory")
        keys.append((line[: -len(note)], entry.why, setting))
    counts = Counter(key for key in keys if key)
    folded: list[str] = []
    said: set[tuple[str, str, str]] = set()
    for line, key in zip(lines, keys, strict=True):
        if key is None or counts[key] < MANY:
            folded.append(line)
        elif key not in said:
            said.add(key)
            head, why, setting = key
            folded.append(
                f"{head}<project>: {why}{NOT_RELEASED}{setting} "
                f"({counts[key]} projects; -v names them)"
            )
    return folded


def attention(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fine: Callable[[Mapping[str, Any]], str | None],
    verbose: int = 0,
) -> list[str]:
    """A table of the rows that need attention (``fine(row)`` None), the others counted by
    kind; every row with ``verbose`` or when fewer than MANY are fine."""
    kinds = [fine(row) for row in rows]
    quiet = [k for k in kinds if k is not None]
    if verbose or len(quiet) < MANY:
        return [render_table(rows, columns)] if rows else []
    shown = [row for row, kind in zip(rows, kinds, strict=True) if kind is None]
    lines = [render_table(shown, columns)] if shown else []
    told = ", ".join(f"{n} {kind}" for kind, n in Counter(quiet).items())
    return [*lines, f"{told} (-v lists them)"]
