"""bump-my-version's (and bumpversion's) ``current_version``: the version that tool believes
the repository is at. A repository that keeps one next to its build backend's version
(flit's ``.bumpversion.cfg``, setuptools-rust's) has a copy that a relnox bump must move
too, or the tool's next run finds none of its files at the version it expects.

Read from, first found: ``[tool.bumpversion]`` of ``pyproject.toml``, ``.bumpversion.toml``,
``.bumpversion.cfg``, and ``setup.cfg``'s ``[bumpversion]`` section.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError, VersionError
from relnox.files import read_text
from relnox.project.sources import VersionLocation, toml_location

#: the ``current_version`` line of an INI file's ``[bumpversion]`` section (``=`` or ``:``,
#: as configparser reads it), not crossing into the next section
_INI = (
    r"(?ms)^\[bumpversion\][ \t]*$(?:(?!^\[).)*?"
    r"^current_version[ \t]*[=:][ \t]*(?P<version>[^\s;#]+)"
)
_KEY = ("tool", "bumpversion", "current_version")


def current_version(
    directory: Path, doc: Mapping[str, Any], load: Callable[[Path], Mapping[str, Any]]
) -> VersionLocation | None:
    """Where ``directory``'s bump-my-version configuration writes ``current_version``;
    ``None`` when it has none (or it cannot be read: then it is not relnox's to judge)."""
    if _in_table(doc):
        return toml_location(directory / "pyproject.toml", doc, _KEY)
    toml_file = directory / ".bumpversion.toml"
    if toml_file.is_file():
        try:
            other = load(toml_file)
        except (ConfigError, VersionError):
            return None
        return toml_location(toml_file, other, _KEY) if _in_table(other) else None
    for name in (".bumpversion.cfg", "setup.cfg"):
        path = directory / name
        if not path.is_file():
            continue
        try:
            match = re.search(_INI, read_text(path))
        except (ConfigError, UnicodeDecodeError):
            return None
        if match is not None:
            return VersionLocation(path, "pattern", match.group("version"), pattern=_INI)
    return None


def _in_table(doc: Mapping[str, Any]) -> bool:
    tool = doc.get("tool")
    bump = tool.get("bumpversion") if isinstance(tool, Mapping) else None
    return isinstance(bump, Mapping) and isinstance(bump.get("current_version"), str)


#: a version as a search template's ``{current_version}`` stands for it
_ANY_VERSION = r"[0-9][0-9A-Za-z.+!]*"

#: a ``[bumpversion:file:PATH]`` section of an INI file and its body (up to the next section)
_INI_FILE = re.compile(
    r"(?ms)^\[bumpversion:file:(?P<path>[^\]\n]+)\][ \t]*$(?P<body>(?:(?!^\[).)*)"
)


def listed_files(
    directory: Path,
    doc: Mapping[str, Any],
    version: str,
    load: Callable[[Path], Mapping[str, Any]],
) -> list[VersionLocation]:
    """The files a bump tool keeps in step with the version, each found by its ``search``
    template (``__version__ = "{current_version}"``; a bare ``{current_version}`` when it
    has none) at the version the primary says: poetry-bumpversion's
    ``[tool.poetry_bumpversion.file."path"]`` and ``replacements`` (Powertools for AWS
    Lambda's ``shared/version.py``), and bump-my-version's ``[[tool.bumpversion.files]]``
    (``.bumpversion.toml`` too) and ``[bumpversion:file:path]`` sections (OpenLineage's
    ``client/constants.py``). A file that is missing, matched by a regex search or globs,
    or not at that version is that tool's own business, left alone."""
    entries = _poetry_entries(doc) + _bumpversion_entries(directory, doc, load)
    found: list[VersionLocation] = []
    for name, search in entries:
        location = _at_version(Path(os.path.normpath(directory / name)), search, version)
        if location is not None and all(location.path != f.path for f in found):
            found.append(location)
    return found


def _poetry_entries(doc: Mapping[str, Any]) -> list[tuple[str, object]]:
    settings = _tool(doc, "poetry_bumpversion")
    entries: list[tuple[str, object]] = []
    files = settings.get("file")
    for name, entry in files.items() if isinstance(files, Mapping) else ():
        entries.append((name, entry.get("search") if isinstance(entry, Mapping) else None))
    replacements = settings.get("replacements")
    for entry in replacements if isinstance(replacements, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("files"), list):
            entries += [(n, entry.get("search")) for n in entry["files"] if isinstance(n, str)]
    return entries


def _bumpversion_entries(
    directory: Path, doc: Mapping[str, Any], load: Callable[[Path], Mapping[str, Any]]
) -> list[tuple[str, object]]:
    settings = _tool(doc, "bumpversion")
    toml_file = directory / ".bumpversion.toml"
    if not settings and toml_file.is_file():
        try:
            settings = _tool(load(toml_file), "bumpversion")
        except (ConfigError, VersionError):
            return []
    if settings:
        files = settings.get("files")
        return [
            (entry["filename"], entry.get("search"))
            for entry in (files if isinstance(files, list) else [])
            if isinstance(entry, Mapping)
            and isinstance(entry.get("filename"), str)
            and entry.get("regex") is not True
        ]
    for name in (".bumpversion.cfg", "setup.cfg"):
        path = directory / name
        try:
            text = read_text(path) if path.is_file() else ""
        except (ConfigError, UnicodeDecodeError):
            continue
        sections = list(_INI_FILE.finditer(text))
        if sections:
            return [(m.group("path").strip(), _ini_search(m.group("body"))) for m in sections]
    return []


def _ini_search(body: str) -> str | None:
    """The ``search`` of one ``[bumpversion:file:...]`` section body (one line only)."""
    match = re.search(r"(?m)^search[ \t]*[=:][ \t]*(?P<value>.*?)[ \t]*$", body)
    return match.group("value") if match is not None else None


def _tool(doc: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    tool = doc.get("tool")
    settings = tool.get(name) if isinstance(tool, Mapping) else None
    return settings if isinstance(settings, Mapping) else {}


def _at_version(path: Path, search: object, version: str) -> VersionLocation | None:
    """The copy of ``version`` in ``path`` that ``search`` finds (``None``: not there)."""
    template = search if isinstance(search, str) else "{current_version}"
    if template.count("{current_version}") != 1 or "{" in template.replace("{current_version}", ""):
        return None
    before, _, after = template.partition("{current_version}")
    group = re.escape(version) if not before.strip() and not after.strip() else _ANY_VERSION
    pattern = f"{re.escape(before)}(?P<version>{group}){re.escape(after)}"
    try:
        match = re.search(pattern, read_text(path)) if path.is_file() else None
    except (ConfigError, UnicodeDecodeError):
        return None
    if match is None or match.group("version") != version:
        return None
    return VersionLocation(path, "pattern", version, pattern=pattern)
