"""The news tools' set-ups (towncrier, scriv, changie, changesets): each tool is one :class:`Tool`
of facts (its config files, its fragments' folder, which files are fragments, the file it writes)
and :func:`read` walks them, so every tool is found, bounded and kept inside alike."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from relnox.files import ini_sections, text_or_none
from relnox.toml import read_or_empty, table

#: towncrier's default fragment types, each with its section's title
TITLES = {
    "feature": "Features",
    "bugfix": "Bugfixes",
    "doc": "Improved Documentation",
    "removal": "Deprecations and Removals",
    "misc": "Misc",
}
#: the most files looked at below a fragments directory
MAX_FILES = 10_000
#: a YAML file's top-level ``key: value`` (changie's settings)
_YAML_KEY = re.compile(r"(?m)^(?P<key>[\w-]+):[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#.*)?$")

Settings = Mapping[str, Any]


@dataclass(frozen=True)
class News:
    """A news tool's set-up in a directory: its fragments' folder, those waiting there, and the
    file it writes (``None``: outside the directory)."""

    tool: str
    config: Path
    directory: Path
    fragments: tuple[Path, ...]
    changelog: Path | None


@dataclass(frozen=True)
class Tool:
    name: str
    configs: tuple[str, ...]  # the files that may hold its settings; the first that does wins
    folder: Callable[[Settings], Path | None]  # its fragments' folder, from the directory
    fragments: Callable[[Path, Settings], Iterable[Path]]  # the fragments in that folder
    writes: tuple[str, str] | None = None  # the setting naming the file it writes, its default
    strict: bool = False  # a folder or file outside the directory: no set-up (else no file)


def _settings(tool: Tool, directory: Path) -> tuple[Path, Settings] | None:
    """The first of ``tool``'s config files holding its settings (missing, unreadable, not UTF-8
    or not its format: passed over), and those settings."""
    for name in tool.configs:
        path = directory / name
        if not path.is_file() or (text := text_or_none(path)) is None:
            continue
        if path.suffix == ".toml":
            found: Settings | None = table(read_or_empty(path), "tool", tool.name) or None
        elif path.suffix in (".cfg", ".ini"):
            found = (ini_sections(text) or {}).get(tool.name)
        elif path.suffix in (".yaml", ".yml"):
            pairs = reversed(
                [(m["key"], m["value"].strip("'\"")) for m in _YAML_KEY.finditer(text)]
            )
            found = {key: value for key, value in pairs if value}
        else:
            found = {}  # its presence is the set-up
        if found is not None:
            return path, found
    return None


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


def read(tool: Tool, directory: Path, top: Path | None = None) -> News | None:
    """``tool``'s set-up in ``directory``, else in the repository's ``top``, with its fragments."""
    for where in dict.fromkeys(d for d in (directory, top) if d is not None):
        if (found := _settings(tool, where)) is None:
            continue
        config, settings = found
        key, default = tool.writes or ("", "")
        written = inside(where, settings.get(key, default)) if key else None
        if (folder := inside(where, tool.folder(settings))) is None or (
            tool.strict and written is None
        ):
            continue
        fragments = tuple(sorted(tool.fragments(folder, settings))) if folder.is_dir() else ()
        return News(tool.name, config, folder, fragments, written)
    return None


def _towncrier_folder(settings: Settings) -> Path | None:
    if isinstance(fragments_dir := settings.get("directory"), str) and fragments_dir:
        return Path(fragments_dir)
    package = settings.get("package", "")
    package_dir = settings.get("package_dir", ".")
    if not isinstance(package, str) or not isinstance(package_dir, str):
        return None
    return Path(package_dir, package, "newsfragments")


def _towncrier_fragments(where: Path, settings: Settings) -> Iterable[Path]:
    """The fragments below ``where`` of the types ``type`` or ``fragment`` names (else the five),
    links to directories not followed."""
    names: list[Any] = []
    for key in ("type", "fragment"):
        if isinstance(declared := settings.get(key), list):
            names += [t.get("directory") for t in declared if isinstance(t, dict)]
        elif isinstance(declared, dict):
            names += list(declared)
    types = frozenset(n for n in names if isinstance(n, str) and n) or frozenset(TITLES)
    seen = 0
    for folder, dirs, files in os.walk(where):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:  # 123.feature, +abc.bugfix.md, 123.feature.1.rst
            seen += 1
            if name.startswith(".") or name.lower().startswith(("readme", "template")):
                continue
            if any(part in types for part in name.split(".")[1:3]) and Path(folder, name).is_file():
                yield Path(folder, name)
        if seen > MAX_FILES:
            break


def _scriv_fragments(where: Path, settings: Settings) -> Iterable[Path]:
    suffix = "." + str(settings.get("format") or "rst").strip().lower()
    return (
        path
        for path in where.iterdir()
        if path.suffix == suffix and not path.name.startswith((".", "README")) and path.is_file()
    )


TOWNCRIER = Tool(
    "towncrier",
    ("towncrier.toml", "pyproject.toml"),
    _towncrier_folder,
    _towncrier_fragments,
    ("filename", "NEWS.rst"),
    strict=True,
)
SCRIV = Tool(
    "scriv",
    ("pyproject.toml", "setup.cfg", "tox.ini", "changelog.d/scriv.ini"),
    lambda settings: Path(str(settings.get("fragment_directory") or "changelog.d")),
    _scriv_fragments,
)
CHANGIE = Tool(
    "changie",
    (".changie.yaml", ".changie.yml", "changie.yaml", "changie.yml"),
    lambda s: Path(s.get("changesDir") or ".changes", s.get("unreleasedDir") or "unreleased"),
    lambda where, _: (p for n in ("*.yaml", "*.yml") for p in where.glob(n) if p.is_file()),
    ("changelogPath", "CHANGELOG.md"),
)
CHANGESETS = Tool(
    "changesets",
    (".changeset/config.json",),
    lambda _: Path(".changeset"),
    lambda where, _: (p for p in where.glob("*.md") if p.is_file() and p.stem.lower() != "readme"),
)

#: each tool's set-up in a directory (changie's and changesets', else the repository top's)
towncrier = partial(read, TOWNCRIER)
scriv = partial(read, SCRIV)
changie = partial(read, CHANGIE)
changesets = partial(read, CHANGESETS)


def news_file(directory: Path) -> Path | None:
    """The news file towncrier writes for ``directory``, when it exists."""
    found = _settings(TOWNCRIER, directory)
    path = inside(directory, found[1].get("filename", "NEWS.rst")) if found else None
    return path if path is not None and path.is_file() else None
