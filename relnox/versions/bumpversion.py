"""bump-my-version's ``current_version`` and the files it rewrites: copies a bump moves too."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.files import ini_sections, text_or_none
from relnox.toml import read_or_empty, table
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import VersionLocation, toml_location

#: the ``current_version`` line of an INI file's ``[bumpversion]`` section
_INI = (
    r"(?ms)^\[bumpversion\][ \t]*$(?:(?!^\[).)*?"
    r"^current_version[ \t]*[=:][ \t]*(?P<version>[^\s;#]+)"
)
_KEY = ("tool", "bumpversion", "current_version")


def _config(directory: Path, doc: Mapping[str, Any]) -> tuple[Path, Mapping[str, Any] | str] | None:
    """The file holding bump-my-version's configuration, with its TOML document or INI text."""
    if _in_table(doc):
        return directory / "pyproject.toml", doc
    toml_file = directory / ".bumpversion.toml"
    if toml_file.is_file():
        return toml_file, read_or_empty(toml_file)
    for name in (".bumpversion.cfg", "setup.cfg"):
        path = directory / name
        text = text_or_none(path) if path.is_file() else ""
        if text is None:
            return None
        if re.search(_INI, text):
            return path, text
    return None


def current_version(directory: Path, doc: Mapping[str, Any]) -> VersionLocation | None:
    """Where ``directory``'s bump-my-version configuration writes ``current_version``."""
    if (found := _config(directory, doc)) is None:
        return None
    path, config = found
    if isinstance(config, str):
        match = re.search(_INI, config)
        if match is not None and maybe_version(match["version"]) is None:
            # a serialize writing a version tuple: current_version = 4, 7, 0, "alpha", 1
            from relnox.versions import tuple_copy

            line = config[match.start("version") :].partition("\n")[0].strip()
            value = tuple_copy.said(line)
            if value is None:
                logging.getLogger("relnox").warning(
                    "warning: %s: current_version = %s is in a shape its serialize sets that "
                    "relnox cannot write; a bump leaves it: move it by hand",
                    path.name,
                    line,
                )
            return tuple_copy.location(path, value) if value is not None else None
        return VersionLocation(path, "pattern", match["version"], pattern=_INI) if match else None
    return toml_location(path, config, _KEY) if _in_table(config) else None


#: an INI section naming a file: ``bumpversion:file:README.rst``, ``bumpversion:file(badge):...``
_FILE_SECTION = re.compile(r"^bumpversion:file\s*(?:\([^)]*\))?:(?P<name>.+)$")


def _entries(directory: Path, doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = _config(directory, doc)
    config = found[1] if found is not None else {}
    if not isinstance(config, str):
        files = table(config, "tool", "bumpversion").get("files")
        return [
            f
            for f in (files if isinstance(files, list) else ())
            if isinstance(f, Mapping) and isinstance(f.get("filename"), str)
        ]
    return [
        {**entry, "filename": match["name"].strip()}
        for section, entry in (ini_sections(config, strict=False) or {}).items()
        if (match := _FILE_SECTION.match(section)) is not None
    ]


def tool_files(directory: Path, doc: Mapping[str, Any], version: str) -> list[VersionLocation]:
    """The files bump-my-version rewrites, each where its ``search`` finds ``version`` (not
    an entry relnox could not write the same way: a glob, a regex, ...)."""
    searches: list[tuple[str, str]] = []
    for entry in _entries(directory, doc):
        if any(key in entry for key in ("glob", "regex", "parse", "serialize")):
            continue
        search = entry.get("search", "{current_version}")
        replace = entry.get("replace", "{new_version}")
        if not isinstance(search, str) or not isinstance(replace, str):
            continue
        if replace == search.replace("{current_version}", "{new_version}"):
            searches.append((entry["filename"], search))
    return searched_files(directory, searches, version)


def searched_files(
    directory: Path, searches: Sequence[tuple[str, str]], version: str
) -> list[VersionLocation]:
    """The files ``searches`` (name, template) name, each where a search finds ``version``, or
    another version after text (a copy out of step)."""
    pairs_of: dict[Path, list[tuple[str, str]]] = {}  # each file's (before, after) pairs
    for name, search in searches:
        before, middle, after = search.partition("{current_version}")
        if not middle or "{" in before + after or "}" in before + after:
            continue
        if (path := _in_repository(directory, name)) is not None:
            pairs_of.setdefault(path, []).append((before, after))
    found: list[VersionLocation] = []
    for path, pairs in pairs_of.items():
        pattern = _searches_pattern(pairs)
        said = [m["version"] for m in re.finditer(pattern, text_or_none(path) or "")]
        value = version if version in said else None
        if value is None and all(before for before, _after in pairs):
            value = next((v for v in said if maybe_version(v) is not None), None)
        if value is not None:
            found.append(VersionLocation(path, "pattern", value, pattern=pattern, every=True))
    return found


#: a version as a search finds it: ``7.0.0`` in ``/v7.0.0.svg`` or ``v7.0.0...master``
VERSION_PATTERN = r"[0-9][0-9A-Za-z+!_-]*(?:\.[0-9A-Za-z+!_-]+)*"
_VERSION = rf"(?P<version>{VERSION_PATTERN})"


def _searches_pattern(pairs: list[tuple[str, str]]) -> str:
    befores = "|".join(f"(?<={re.escape(before)})" for before, _ in pairs if before)
    if any(not before for before, _ in pairs):
        befores = ""  # the bare {current_version}: anywhere
    afters = "|".join(re.escape(after) for _, after in pairs if after)
    if any(not after for _, after in pairs):
        afters = r"(?![0-9A-Za-z+!_-]|\.[0-9A-Za-z])"  # the version ends there
    lead = f"(?:{befores})" if befores else ""
    return lead + _VERSION + (f"(?={afters})" if afters else "")


def _in_repository(directory: Path, name: str) -> Path | None:
    """``directory / name`` when it lies in the repository (``../impl/Cargo.toml``)."""
    path = Path(os.path.normpath(directory / name))
    above = (directory, *directory.parents)
    top = next((f for f in above if os.path.lexists(f / ".git")), directory)
    try:
        path.resolve().relative_to(top.resolve())
    except (OSError, ValueError):
        return None
    return path


def _in_table(doc: Mapping[str, Any]) -> bool:
    return isinstance(table(doc, "tool", "bumpversion").get("current_version"), str)


#: a version as a search template's ``{current_version}`` stands for it
_ANY_VERSION = r"[0-9][0-9A-Za-z.+!]*"


def poetry_files(directory: Path, doc: Mapping[str, Any], version: str) -> list[VersionLocation]:
    """The files poetry-bumpversion keeps in step, where its ``search`` finds ``version``."""
    found: list[VersionLocation] = []
    for name, search in _poetry_entries(doc):
        path = _in_repository(directory, name)
        location = _at_version(path, search, version) if path is not None else None
        if location is not None and all(location.path != f.path for f in found):
            found.append(location)
    return found


def _poetry_entries(doc: Mapping[str, Any]) -> list[tuple[str, object]]:
    settings = table(doc, "tool", "poetry_bumpversion")
    entries: list[tuple[str, object]] = []
    files = settings.get("file")
    for name, entry in files.items() if isinstance(files, Mapping) else ():
        entries.append((name, entry.get("search") if isinstance(entry, Mapping) else None))
    replacements = settings.get("replacements")
    for entry in replacements if isinstance(replacements, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("files"), list):
            entries += [(n, entry.get("search")) for n in entry["files"] if isinstance(n, str)]
    return entries


def _at_version(path: Path, search: object, version: str) -> VersionLocation | None:
    """The copy of ``version`` in ``path`` that ``search`` finds (``None``: not there)."""
    template = search if isinstance(search, str) else "{current_version}"
    if template.count("{current_version}") != 1 or "{" in template.replace("{current_version}", ""):
        return None
    before, _, after = template.partition("{current_version}")
    group = re.escape(version) if not before.strip() and not after.strip() else _ANY_VERSION
    pattern = f"{re.escape(before)}(?P<version>{group}){re.escape(after)}"
    match = re.search(pattern, text_or_none(path) or "")
    if match is None or match.group("version") != version:
        return None
    return VersionLocation(path, "pattern", version, pattern=pattern)
