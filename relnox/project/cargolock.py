"""Keep ``Cargo.lock`` in step when a bump edits a Cargo manifest's version: only the
``version`` line of the local crates it sets changes."""

from __future__ import annotations

import glob
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from relnox.project.uvlock import update_entries
from relnox.toml import read_or_empty, table
from relnox.versions.sources import VersionLocation


def _inheriting(manifest: Path, doc: Mapping[str, Any]) -> list[str]:
    """The crates of a Cargo workspace whose version is ``version.workspace = true``."""
    names: list[str] = []
    own = table(doc, "package")
    if isinstance(own.get("version"), Mapping) and isinstance(own.get("name"), str):
        names.append(own["name"])
    workspace = table(doc, "workspace")
    members = workspace.get("members", [])
    exclude = [e for e in workspace.get("exclude", []) if isinstance(e, str)]
    excluded = {(manifest.parent / e).resolve() for e in exclude}
    for pattern in members if isinstance(members, list) else []:
        if not isinstance(pattern, str):
            continue
        for found in sorted(glob.glob(str(manifest.parent / pattern))):
            member = Path(found)
            if member.resolve() in excluded or not (member / "Cargo.toml").is_file():
                continue
            package = table(read_or_empty(member / "Cargo.toml"), "package")
            version = package.get("version")
            inherits = isinstance(version, Mapping) and version.get("workspace") is True
            if inherits and isinstance(package.get("name"), str):
                names.append(package["name"])
    return names


def crates_of(location: VersionLocation) -> list[str]:
    """The crates whose version ``location`` (a Cargo.toml version key) sets."""
    if location.path.name != "Cargo.toml" or location.kind != "toml":
        return []
    doc = read_or_empty(location.path)
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
    def new_of(name: str, old: str, source: str) -> str | None:
        moved = versions.get(name)
        return moved[1] if moved is not None and not source and moved[0] == old else None

    return update_entries(text, new_of)
