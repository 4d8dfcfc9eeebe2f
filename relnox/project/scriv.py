"""scriv's fragments (``changelog.d/20240105_133254_fix.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.files import ini_sections, text_or_none
from relnox.project.towncrier import inside
from relnox.toml import read_or_empty, table

DEFAULT_DIRECTORY = "changelog.d"


@dataclass(frozen=True)
class Fragments:
    """Where scriv keeps a project's fragments, and those it holds."""

    directory: Path
    files: tuple[Path, ...]


def _settings(directory: Path) -> Mapping[str, Any] | None:
    """scriv's settings in ``directory``: ``[tool.scriv]``, else a ``[scriv]`` section."""
    if found := table(read_or_empty(directory / "pyproject.toml"), "tool", "scriv"):
        return found
    for name in ("setup.cfg", "tox.ini", f"{DEFAULT_DIRECTORY}/scriv.ini"):
        # missing, unreadable, not UTF-8 or not INI: not scriv's
        if "scriv" in (sections := ini_sections(text_or_none(directory / name) or "") or {}):
            return sections["scriv"]
    return None


def fragments(directory: Path) -> Fragments | None:
    """The scriv set-up configured in ``directory``, with its fragments."""
    if (settings := _settings(directory)) is None:
        return None
    where = inside(directory, str(settings.get("fragment_directory") or DEFAULT_DIRECTORY))
    suffix = "." + str(settings.get("format") or "rst").strip().lower()
    if where is None:
        return None
    found = sorted(
        path
        for path in (where.iterdir() if where.is_dir() else ())
        if path.suffix == suffix and not path.name.startswith((".", "README")) and path.is_file()
    )
    return Fragments(where, tuple(found))
