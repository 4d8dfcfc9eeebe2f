"""A docs theme's version switcher (its ``"preferred": true`` entry), moved on at a release."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from relnox.paths import rel as relative
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.bump.plan import Files
    from relnox.project.workspace import Package, Workspace


def switcher_edits(
    workspace: Workspace,
    selected: Sequence[Package],
    versions: Mapping[str, tuple[str, str]],
    files: Files,
) -> list[str]:
    """Each switcher in a released package's folder (the deepest's) moved on to its new
    version; a note for one it cannot write alike."""
    top = git.top_of(workspace.root)
    if top is None or not any(
        _release(versions[p.name][1]) for p in selected if p.name in versions
    ):
        return []
    listed = git.run(top, "grep", "-l", "-I", "--fixed-strings", '"preferred"', "--", "*.json")
    notes: list[str] = []
    for name in listed.output.splitlines() if listed.ok else ():
        path = top / name
        owners = [p for p in selected if p.name in versions and path.is_relative_to(p.directory)]
        if not owners:
            continue
        pkg = max(owners, key=lambda p: len(p.directory.parts))
        new = _release(versions[pkg.name][1])
        text = files.get(path)
        if new is None:
            continue
        if (moved := _moved(text, new)) is None:
            notes.append(
                f"note: {relative(path, workspace.root)} is left: relnox moves a version switcher "
                "written as a JSON list with json's indentation; move it to "
                f"{versions[pkg.name][1]} by hand"
            )
        elif moved != text:
            files.set(path, moved)
    return notes


def _release(text: str) -> Version | None:
    """``text`` as a release a switcher names: not a development or local version."""
    version = maybe_version(text)
    if version is None or version.is_devrelease or version.local is not None:
        return None
    return version


def _entry_version(entry: Any) -> Version | None:
    said = entry.get("version") if isinstance(entry, dict) else None
    return maybe_version(said.lstrip("vV")) if isinstance(said, str) else None


def _respelled(entry: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``entry`` with its strings naming ``old`` (as a whole version) naming ``new``."""
    said = re.compile(rf"(?<![\d.]){re.escape(old)}(?![\w]|\.\d)")
    return {k: said.sub(new, v) if isinstance(v, str) else v for k, v in entry.items()}


def _moved(text: str, new: Version) -> str | None:
    """``text`` moved on to release ``new``; None when it cannot be written alike."""
    try:
        entries = json.loads(text)
    except ValueError:
        return text
    if not isinstance(entries, list):
        return text
    stable = [i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("preferred")]
    if len(stable) != 1 or (was := _entry_version(entries[stable[0]])) is None:
        return text
    at = stable[0]
    if new.is_prerelease:
        moved = [
            _respelled(e, str(e["version"]).lstrip("vV"), str(new))
            if (v := _entry_version(e)) and v.is_prerelease and v.release == new.release and v < new
            else e
            for e in entries
        ]
    elif was < new and not was.is_prerelease:
        moved = _stable_moved(entries, at, was, new)
    else:
        return text
    if moved == entries:
        return text
    indent = re.match(r"\[\r?\n([ \t]+)", text)
    if indent is None or _dumps(entries, indent[1]) != text.rstrip("\r\n"):
        return None
    return _dumps(moved, indent[1]) + text[len(text.rstrip("\r\n")) :]


def _stable_moved(entries: list[Any], at: int, was: Version, new: Version) -> list[Any]:
    """``entries`` with the stable one (at ``at``, naming ``was``) naming ``new``, ``was`` kept
    as an entry like the next release's below it, and ``new``'s pre-releases' entries gone."""
    preferred = entries[at]
    old = str(preferred["version"]).lstrip("vV")
    releases = [e for e in entries[at + 1 :] if _entry_version(e) is not None]
    kept = []
    if releases and not any(_entry_version(e) == was for e in releases):
        like = releases[0]
        kept = [_respelled(like, str(like["version"]).lstrip("vV"), old)]
    below = [
        e
        for e in entries[:at]
        if (v := _entry_version(e)) is None or v.release != new.release or not v.is_prerelease
    ]
    return [*below, _respelled(preferred, old, str(new)), *kept, *entries[at + 1 :]]


def _dumps(entries: list[Any], indent: str) -> str:
    return json.dumps(entries, indent=indent, ensure_ascii=False)
