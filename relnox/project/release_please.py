"""The files release-please rewrites with a package's version: its ``extra-files``.

A monorepo released by release-please lists, per package directory, the other files that
say the version (``release-please-config.json``: ``"packages": {"packages/acme":
{"extra-files": ["acme/gapic_version.py", ...]}}``, paths relative to the package; a top-level ``"extra-files"`` for every package).
Each such Python file whose literal ``__version__`` says the package's version is a copy a
bump moves along, as bump-my-version's files are; one that says another version, a JSON or
XML entry (``{"type": "json", "jsonpath": ...}``) and a missing file are left alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError
from relnox.project.sources import VersionLocation, python_location

#: release-please's configuration, at the root of the repository it releases
CONFIG = "release-please-config.json"
#: release-please's record of each package's last release, beside its configuration
MANIFEST = ".release-please-manifest.json"


def extra_files(directory: Path, version: str, taken: set[Path]) -> list[VersionLocation]:
    """The ``extra-files`` of the package in ``directory`` (from the nearest
    ``release-please-config.json`` in it or above) that say ``version`` as their literal
    ``__version__``, but those in ``taken``."""
    found = _config_above(directory)
    if found is None:
        return []
    top, config = found
    rel = directory.relative_to(top).as_posix() if directory != top else "."
    packages = config.get("packages")
    own = packages.get(rel) if isinstance(packages, Mapping) else None
    if not isinstance(own, Mapping):
        return []  # release-please does not release this directory
    shared, listed = config.get("extra-files"), own.get("extra-files")
    entries = [
        *(shared if isinstance(shared, list) else ()),
        *(listed if isinstance(listed, list) else ()),
    ]
    locations: list[VersionLocation] = []
    for entry in entries:
        path_text = entry if isinstance(entry, str) else None
        if isinstance(entry, Mapping) and entry.get("type") in (None, "generic"):
            path_text = entry.get("path") if isinstance(entry.get("path"), str) else None
        if not path_text or not path_text.endswith(".py") or Path(path_text).is_absolute():
            continue
        path = (top if path_text.startswith("/") else directory) / path_text.lstrip("/")
        if ".." in Path(path_text).parts or path in taken or not path.is_file():
            continue
        try:
            loc = python_location(path, top_level=True)
        except (ConfigError, UnicodeDecodeError):
            continue
        if loc is not None and loc.value == version and all(k.path != path for k in locations):
            locations.append(loc)
    return locations


def _config_above(directory: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest ``release-please-config.json`` in ``directory`` or above it, read, with
    the directory holding it; ``None`` when there is none or it is no JSON object."""
    for folder in (directory, *directory.parents):
        path = folder / CONFIG
        try:
            stat = path.stat()
        except OSError:
            if (folder / ".git").exists():
                return None  # the repository's top: release-please's config is no higher
            continue
        config = _read(str(path), stat.st_mtime_ns, stat.st_size)
        return (folder, config) if config is not None else None
    return None


@lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> Mapping[str, Any] | None:
    """The configuration at ``path``, read once for every package of a run: ``mtime_ns``
    and ``size`` say it is unchanged."""
    from relnox.files import read_text

    try:
        data = json.loads(read_text(Path(path)))
    except (ConfigError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_entry(directory: Path, version: str, taken: set[Path]) -> VersionLocation | None:
    """The entry of a package below the repository's top in release-please's manifest
    beside its configuration (``"packages/acme": "3.30.1"``) when it says ``version``: the version release-please's next release starts
    from, a copy a bump moves along. The top's own ``"."`` entry is read with the package."""
    found = _config_above(directory)
    if found is None or found[0] == directory:
        return None
    top, config = found
    packages = config.get("packages")
    rel = directory.relative_to(top).as_posix()
    manifest = top / MANIFEST
    if not isinstance(packages, Mapping) or rel not in packages or manifest in taken:
        return None
    try:
        stat = manifest.stat()
    except OSError:
        return None
    text = _text(str(manifest), stat.st_mtime_ns, stat.st_size)
    import re

    pattern = rf'"{re.escape(rel)}"[ \t\r\n]*:[ \t\r\n]*"(?P<version>[^"\r\n]+)"'
    said = re.search(pattern, text or "")
    if said is None or said["version"] != version:
        return None
    return VersionLocation(manifest, "pattern", version, pattern=pattern)


@lru_cache(maxsize=8)
def _text(path: str, mtime_ns: int, size: int) -> str | None:
    """The manifest at ``path``, read once for every package of a run."""
    from relnox.files import read_text

    try:
        return read_text(Path(path))
    except (ConfigError, UnicodeDecodeError):
        return None
