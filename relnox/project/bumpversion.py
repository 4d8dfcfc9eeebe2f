"""bump-my-version's (and bumpversion's) ``current_version``: the version that tool believes
the repository is at. A repository that keeps one next to its build backend's version
(flit's ``.bumpversion.cfg``, setuptools-rust's) has a copy that a relnox bump must move
too, or the tool's next run finds none of its files at the version it expects.

Read from, first found: ``[tool.bumpversion]`` of ``pyproject.toml``, ``.bumpversion.toml``,
``.bumpversion.cfg``, and ``setup.cfg``'s ``[bumpversion]`` section.
"""

from __future__ import annotations

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


def poetry_bumpversion_files(
    directory: Path, doc: Mapping[str, Any], version: str
) -> list[VersionLocation]:
    """The copies poetry-bumpversion keeps in step with ``[tool.poetry] version``: each
    ``[tool.poetry_bumpversion.file."path"]`` and each file of a
    ``[[tool.poetry_bumpversion.replacements]]``, found by its ``search`` template
    (``VERSION = "{current_version}"``; bare ``{current_version}`` when none), at the
    version the primary says. A file that is missing or does not hold it is that tool's own
    business, left alone."""
    tool = doc.get("tool")
    settings = tool.get("poetry_bumpversion") if isinstance(tool, Mapping) else None
    if not isinstance(settings, Mapping):
        return []
    entries: list[tuple[object, object]] = []
    files = settings.get("file")
    for name, entry in files.items() if isinstance(files, Mapping) else ():
        search = entry.get("search") if isinstance(entry, Mapping) else None
        entries.append((name, search))
    replacements = settings.get("replacements")
    for entry in replacements if isinstance(replacements, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("files"), list):
            entries += [(name, entry.get("search")) for name in entry["files"]]
    found: list[VersionLocation] = []
    for name, search in entries:
        template = search if isinstance(search, str) else "{current_version}"
        if not isinstance(name, str) or template.count("{current_version}") != 1:
            continue
        before, _, after = template.partition("{current_version}")
        group = re.escape(version) if not before and not after else _ANY_VERSION
        pattern = f"{re.escape(before)}(?P<version>{group}){re.escape(after)}"
        path = directory / name
        try:
            match = re.search(pattern, read_text(path)) if path.is_file() else None
        except (ConfigError, UnicodeDecodeError):
            continue
        if match is not None and match.group("version") == version:
            found.append(VersionLocation(path, "pattern", version, pattern=pattern))
    return found
