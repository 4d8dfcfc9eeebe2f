"""towncrier's news fragments: a release's changelog entries kept as files until it is built.

A project configured for towncrier (``[tool.towncrier]`` in ``towncrier.toml`` or
``pyproject.toml``) writes each entry as a file (``CHANGES/123.feature.rst``,
``newsfragments/+abc.bugfix``) and ``towncrier build --version X`` turns them into X's
section of its news file. Until then the changelog has no section and no Unreleased
heading: the fragments are the unreleased entries. :func:`news` finds them the way
towncrier does: ``directory`` (relative to the configuration's directory), else
``newsfragments`` inside the ``package`` below ``package_dir`` (in ``package_dir`` itself,
the top by default, without one); a fragment's name is
``<issue>.<type>[.<counter>][.<ext>]`` of a configured type (towncrier's five by default),
and README or template files beside them are not fragments.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.errors import RelnoxError
from relnox.project.pyproject import load_toml
from relnox.toml import table

#: towncrier's fragment types when the configuration names none
DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")


@dataclass(frozen=True)
class News:
    """Where towncrier keeps a project's fragments and writes its news file."""

    config: Path  # the file holding [tool.towncrier]
    directory: Path  # the fragments' directory
    filename: Path  # the news file towncrier writes
    fragments: tuple[Path, ...]


def _config(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    for name in ("towncrier.toml", "pyproject.toml"):
        path = directory / name
        if not path.is_file():
            continue
        try:
            section = table(load_toml(path), "tool", "towncrier")
        except RelnoxError:
            return None  # a broken file is the reader's of that file to report
        if section:
            return path, dict(section)
    return None


def _types(section: dict[str, Any]) -> frozenset[str]:
    """The fragment types: ``[[tool.towncrier.type]]``'s directories, the keys of its
    mapping form, or of towncrier's newer ``[tool.towncrier.fragment.<type>]`` tables
    (``fragment.feat.name = "Features"``); towncrier's five when none is named."""
    names: list[Any] = []
    for key in ("type", "fragment"):
        declared = section.get(key)
        if isinstance(declared, list):
            names += [t.get("directory") for t in declared if isinstance(t, dict)]
        elif isinstance(declared, dict):  # the mapping form: [tool.towncrier.type.feature]
            names += list(declared)
    return frozenset(n for n in names if isinstance(n, str) and n) or frozenset(DEFAULT_TYPES)


def _is_fragment(name: str, types: frozenset[str]) -> bool:
    """``123.feature``, ``+abc.bugfix.md``, ``123.feature.1.rst``: a type among its parts
    after the first."""
    if name.startswith(".") or name.lower().startswith(("readme", "template")):
        return False
    return any(part in types for part in name.split(".")[1:3])


def news(directory: Path) -> News | None:
    """The towncrier set-up configured in ``directory``, with its fragments; ``None`` when
    it has none."""
    found = _config(directory)
    if found is None:
        return None
    config, section = found
    fragments_dir = section.get("directory")
    if isinstance(fragments_dir, str) and fragments_dir:
        where = directory / fragments_dir
    else:
        # no package: newsfragments in package_dir, the top by default (a towncrier.toml
        # holding only title_format)
        package = section.get("package", "")
        package_dir = section.get("package_dir", ".")
        if not isinstance(package, str) or not isinstance(package_dir, str):
            return None
        where = directory / package_dir / package / "newsfragments"
    filename = _inside(directory, section.get("filename", "NEWS.rst"))
    if filename is None or _inside(directory, where) is None:
        return None
    return News(config, where, filename, _fragments(where, _types(section)))


def news_file(directory: Path) -> Path | None:
    """The news file towncrier writes for ``directory`` (``[tool.towncrier] filename``,
    ``NEWS.rst`` by default) when it exists, its fragments not looked at."""
    found = _config(directory)
    path = _inside(directory, found[1].get("filename", "NEWS.rst")) if found else None
    return path if path is not None and path.is_file() else None


def _inside(directory: Path, name: object) -> Path | None:
    """``directory / name`` when it stays inside ``directory``: a directory or file outside
    the project (``directory = "/"``) is none of its news."""
    if not isinstance(name, str | Path) or not str(name):
        return None
    path = directory / name
    try:
        path.resolve().relative_to(directory.resolve())
    except (OSError, ValueError):
        return None
    return path


#: the most files looked at below a fragments directory (a news directory holds dozens)
MAX_FILES = 10_000


def _fragments(where: Path, types: frozenset[str]) -> tuple[Path, ...]:
    """The fragments below ``where`` (its section subdirectories too; links to other
    directories are not followed)."""
    found: list[Path] = []
    seen = 0
    for folder, dirs, files in os.walk(where):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            seen += 1
            if _is_fragment(name, types) and (Path(folder, name)).is_file():
                found.append(Path(folder, name))
        if seen > MAX_FILES:
            break
    return tuple(sorted(found))
