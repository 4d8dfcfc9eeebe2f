"""Keep ``Cargo.lock`` in step when a bump edits a Cargo manifest's version.

maturin reads a native package's version from ``Cargo.toml``; the crate's own
entry in ``Cargo.lock`` repeats it. Left behind, ``cargo build --locked`` refuses
the tree and an unlocked build rewrites the lock after the release commit. Only
the ``version = "..."`` line of local crates (entries without ``source``) whose
version a bumped manifest sets changes; every other byte stays as cargo wrote it.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from relnox.project.sources import VersionLocation
from relnox.toml import table, tomllib

_KEY_RE = re.compile(r'^(?P<key>name|version)\s*=\s*"(?P<value>[^"]*)"', re.MULTILINE)


def _load(path: Path) -> Mapping[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError, RecursionError):  # relnox.toml.UNREADABLE, UnicodeDecodeError
        return {}


def _inheriting(manifest: Path, doc: Mapping[str, Any]) -> list[str]:
    """The crates of a Cargo workspace whose version is ``version.workspace = true``."""
    names: list[str] = []
    own = table(doc, "package")
    if isinstance(own.get("version"), Mapping) and isinstance(own.get("name"), str):
        names.append(own["name"])
    workspace = table(doc, "workspace")
    members = workspace.get("members", [])
    excluded = {
        (manifest.parent / e).resolve() for e in workspace.get("exclude", []) if isinstance(e, str)
    }
    for pattern in members if isinstance(members, list) else []:
        if not isinstance(pattern, str):
            continue
        for found in sorted(glob.glob(str(manifest.parent / pattern))):
            member = Path(found)
            if member.resolve() in excluded or not (member / "Cargo.toml").is_file():
                continue
            package = table(_load(member / "Cargo.toml"), "package")
            version = package.get("version")
            inherits = isinstance(version, Mapping) and version.get("workspace") is True
            if inherits and isinstance(package.get("name"), str):
                names.append(package["name"])
    return names


def crates_of(location: VersionLocation) -> list[str]:
    """The crates whose version ``location`` (a Cargo.toml version key) sets."""
    if location.path.name != "Cargo.toml" or location.kind != "toml":
        return []
    doc = _load(location.path)
    if location.key == ("package", "version"):
        name = table(doc, "package").get("name")
        return [name] if isinstance(name, str) else []
    if location.key == ("workspace", "package", "version"):
        return _inheriting(location.path, doc)
    return []


def lock_for(manifest: Path, root: Path) -> Path | None:
    """The ``Cargo.lock`` cargo uses for ``manifest``: the nearest one up to ``root``."""
    for directory in (manifest.parent, *manifest.parent.parents):
        if (directory / "Cargo.lock").is_file():
            return directory / "Cargo.lock"
        if directory == root or root not in directory.parents:
            break
    return None


def update_cargo_lock(text: str, versions: Mapping[str, tuple[str, str]]) -> str:
    """``text`` with each local crate named in ``versions`` moved from old to new."""
    lines = text.splitlines(keepends=True)
    out = list(lines)

    def flush(block: Iterable[int]) -> None:
        name: str | None = None
        version_at: int | None = None
        local = True
        for index in block:
            match = _KEY_RE.match(lines[index])
            if match and match.group("key") == "name":
                name = match.group("value")
            elif match and match.group("key") == "version":
                version_at = index
            elif lines[index].startswith("source"):
                local = False
        if name is not None and name in versions and version_at is not None and local:
            old, new = versions[name]
            match = _KEY_RE.match(lines[version_at])
            if match is not None and match.group("value") == old:
                begin, finish = match.span("value")
                out[version_at] = lines[version_at][:begin] + new + lines[version_at][finish:]

    start: int | None = None
    for index, line in enumerate(lines):
        if line.startswith("["):
            if start is not None:
                flush(range(start, index))
            start = index if line.strip() == "[[package]]" else None
    if start is not None:
        flush(range(start, len(lines)))
    return "".join(out)
