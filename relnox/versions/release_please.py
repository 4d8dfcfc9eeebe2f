"""The copies of a package's version release-please rewrites: extra-files, the manifest."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError
from relnox.files import text_or_none
from relnox.versions.sources import VersionLocation, python_location

CONFIG = "release-please-config.json"
MANIFEST = ".release-please-manifest.json"
#: a release-please configuration and its folder (:func:`config_above`)
ReleasePleaseConfig = tuple[Path, Mapping[str, Any]]


def extra_files(
    directory: Path, found: ReleasePleaseConfig | None, version: str, taken: set[Path]
) -> list[VersionLocation]:
    """The ``extra-files`` of ``directory``'s package whose ``__version__`` says ``version``,
    and the lines of the others its generic updater rewrites (:func:`marked`)."""
    releasing = _releasing(directory, found)
    if found is None or releasing is None:
        return []  # release-please does not release this directory
    top, config = found
    key, own, borrowed = releasing
    folder = top / key if key != "." else top
    lists = (config.get("extra-files"), own.get("extra-files"))  # for every package, its own
    locations: list[VersionLocation] = []
    for path_text, generic in _extra_paths(lists):
        path = (top if path_text.startswith("/") else folder) / path_text.lstrip("/")
        if path in taken or any(k.path == path for k in locations) or not path.is_file():
            continue
        if borrowed and (path.suffix == ".py" or path.name in _PROJECT_FILES):
            continue  # a member's own version file, which its own package reads
        if not path_text.endswith(".py"):  # a JSON, YAML, TOML or XML path: its own updater
            typed = not generic and path.suffix in _TYPED
            lines = [] if typed else marked(path, text_or_none(path) or "")
            locations += [loc for loc in lines if not borrowed or loc.value == version]
            continue
        try:
            loc = python_location(path, top_level=True)
        except (ConfigError, UnicodeDecodeError):
            continue
        if loc is not None and loc.value == version:
            locations.append(loc)
    return locations


#: a project's own files: a member's version, which its own package reads
_PROJECT_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})


def _extra_paths(lists: tuple[object, ...]) -> list[tuple[str, bool]]:
    """The paths of the ``extra-files`` in ``lists``, each with whether it is ``generic``."""
    paths: list[tuple[str, bool]] = []
    for entry in (entry for found in lists if isinstance(found, list) for entry in found):
        path_text = entry if isinstance(entry, str) else None
        generic = isinstance(entry, Mapping) and entry.get("type") == "generic"
        if isinstance(entry, Mapping) and entry.get("type") in (None, "generic"):
            path_text = entry.get("path") if isinstance(entry.get("path"), str) else None
        if path_text and not Path(path_text).is_absolute() and ".." not in Path(path_text).parts:
            paths.append((path_text, generic))
    return paths


def _releasing(
    directory: Path, found: ReleasePleaseConfig | None
) -> tuple[str, Mapping[str, Any], bool] | None:
    """The release-please package that releases ``directory`` (its key, entry, whether it is
    another's): its own entry, else the one whose ``extra-files`` name a file inside it."""
    if found is None or not isinstance(packages := found[1].get("packages"), Mapping):
        return None
    top = found[0]
    rel = directory.relative_to(top).as_posix() if directory != top else "."
    if isinstance(own := packages.get(rel), Mapping):
        return rel, own, False
    for key, entry in packages.items():
        if not isinstance(entry, Mapping) or not isinstance(key, str):
            continue
        folder = top / key if key != "." else top
        for path_text, _ in _extra_paths((entry.get("extra-files"),)):
            path = (top if path_text.startswith("/") else folder) / path_text.lstrip("/")
            if directory in path.parents:
                return key, entry, True
    return None


#: the suffixes a path alone is rewritten by its format's updater for (its ``version`` key)
_TYPED = frozenset({".json", ".yaml", ".yml", ".toml", ".xml"})
#: the generic updater's marks: a line, and a block's first line and last
_INLINE = re.compile(r"x-release-please-(major|minor|patch|version)")
_START = re.compile(r"x-release-please-start-(major|minor|patch|version)")
_END = re.compile(r"x-release-please-end")
#: the version the generic updater replaces on a marked line (semver, or as PEP 440 spells it)
_VERSION = r"\d+\.\d+\.\d+(?:-[\w.]+|(?:\.?(?:a|b|rc|dev|post)\d*)+)?(?:\+[-\w.]+)?"


def marked(path: Path, text: str) -> list[VersionLocation]:
    """The versions release-please's generic updater rewrites in ``text``."""
    found: dict[tuple[str, str], VersionLocation] = {}
    scope: str | None = None
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if (inline := _INLINE.search(line)) is not None:
            kind = inline[1]
        elif scope is not None:
            kind, scope = scope, None if _END.search(line) else scope
        else:
            start = _START.search(line)
            scope = start[1] if start is not None else None
            continue
        said = re.search(_VERSION, line) if kind == "version" else None
        if said is None:
            continue
        before, after = re.escape(line[: said.start()]), re.escape(line[said.end() :])
        pattern = rf"(?m)^{before}(?P<version>{_VERSION}){after}\r?$"
        value = said[0]  # identical lines are one place, each rewritten (``every``)
        found[(pattern, value)] = VersionLocation(
            path, "pattern", value, pattern=pattern, every=True, semver="-" in value
        )
    return list(found.values())


def breaking_is_minor(directory: Path) -> bool:
    """Whether release-please's ``bump-minor-pre-major`` (the package's, else the config's) is on."""
    if (found := config_above(directory)) is None:
        return False
    top, config = found
    packages = config.get("packages")
    rel = directory.relative_to(top).as_posix() if directory != top else "."
    own = packages.get(rel) if isinstance(packages, Mapping) else None
    setting = "bump-minor-pre-major"
    return (own if isinstance(own, Mapping) and setting in own else config).get(setting) is True


def config_above(directory: Path) -> ReleasePleaseConfig | None:
    """The nearest ``release-please-config.json`` up to the repository's top, and its folder."""
    for folder in (directory, *directory.parents):
        text = text_or_none(folder / CONFIG)
        if text is None:
            if (folder / ".git").exists():
                return None
            continue
        try:
            config = json.loads(text)
        except ValueError:
            return None
        return (folder, config) if isinstance(config, dict) else None
    return None


def manifest_entry(
    directory: Path, found: ReleasePleaseConfig | None, version: str, taken: set[Path]
) -> VersionLocation | None:
    """The package's entry in release-please's manifest (``"packages/acme": "3.30.1"``)."""
    releasing = _releasing(directory, found)
    if found is None or found[0] == directory or releasing is None:
        return None  # the root's own entry: read as the root's copy
    manifest = found[0] / MANIFEST
    rel = releasing[0]
    if manifest in taken:
        return None
    text = text_or_none(manifest)
    pattern = rf'"{re.escape(rel)}"[ \t\r\n]*:[ \t\r\n]*"(?P<version>[^"\r\n]+)"'
    said = re.search(pattern, text or "")
    if said is None or said["version"] != version:
        return None
    return VersionLocation(manifest, "pattern", version, pattern=pattern)
