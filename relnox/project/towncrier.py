"""towncrier's news fragments (``newsfragments/123.feature``), found as towncrier finds them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.errors import RelnoxError
from relnox.toml import table
from relnox.versions.sources import load_toml

DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")


@dataclass(frozen=True)
class News:
    """Where towncrier keeps a project's fragments and writes its news file."""

    directory: Path  # the fragments' directory
    filename: Path  # the news file towncrier writes
    fragments: tuple[Path, ...]


def _config(directory: Path) -> dict[str, Any] | None:
    for name in ("towncrier.toml", "pyproject.toml"):
        if not (path := directory / name).is_file():
            continue
        try:
            section = table(load_toml(path), "tool", "towncrier")
        except RelnoxError:
            return None  # the reader of that file reports it
        if section:
            return dict(section)
    return None


def news(directory: Path) -> News | None:
    """The towncrier set-up configured in ``directory``, with its fragments."""
    if (section := _config(directory)) is None:
        return None
    if isinstance(fragments_dir := section.get("directory"), str) and fragments_dir:
        where = directory / fragments_dir
    else:
        package = section.get("package", "")
        package_dir = section.get("package_dir", ".")
        if not isinstance(package, str) or not isinstance(package_dir, str):
            return None
        where = directory / package_dir / package / "newsfragments"
    filename = inside(directory, section.get("filename", "NEWS.rst"))
    if filename is None or inside(directory, where) is None:
        return None
    names: list[Any] = []  # the fragment types ``type`` or ``fragment`` names; else the five
    for key in ("type", "fragment"):
        if isinstance(declared := section.get(key), list):
            names += [t.get("directory") for t in declared if isinstance(t, dict)]
        elif isinstance(declared, dict):
            names += list(declared)
    types = frozenset(n for n in names if isinstance(n, str) and n) or frozenset(DEFAULT_TYPES)
    return News(where, filename, _fragments(where, types))


def news_file(directory: Path) -> Path | None:
    """The news file towncrier writes for ``directory``, when it exists."""
    found = _config(directory)
    path = inside(directory, found.get("filename", "NEWS.rst")) if found else None
    return path if path is not None and path.is_file() else None


def inside(directory: Path, name: object) -> Path | None:
    """``directory / name`` when it stays inside ``directory``."""
    if not isinstance(name, str | Path) or not str(name):
        return None
    path = directory / name
    try:
        path.resolve().relative_to(directory.resolve())
    except (OSError, ValueError):
        return None
    return path


#: the most files looked at below a fragments directory
MAX_FILES = 10_000


def _fragments(where: Path, types: frozenset[str]) -> tuple[Path, ...]:
    """The fragments below ``where`` (links to directories not followed)."""
    found: list[Path] = []
    seen = 0
    for folder, dirs, files in os.walk(where):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:  # 123.feature, +abc.bugfix.md, 123.feature.1.rst
            seen += 1
            if name.startswith(".") or name.lower().startswith(("readme", "template")):
                continue
            if any(part in types for part in name.split(".")[1:3]) and Path(folder, name).is_file():
                found.append(Path(folder, name))
        if seen > MAX_FILES:
            break
    return tuple(sorted(found))
