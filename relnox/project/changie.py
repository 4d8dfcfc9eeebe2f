"""changie's unreleased changes (``.changes/unreleased/Features-20260118-111437.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from relnox.files import text_or_none
from relnox.project.towncrier import inside

CONFIG_NAMES = (".changie.yaml", ".changie.yml", "changie.yaml", "changie.yml")


@dataclass(frozen=True)
class Changes:
    config: Path
    directory: Path  # the unreleased entries' directory
    entries: tuple[Path, ...]
    changelog: Path | None  # the file changie merge writes (changelogPath)


def _key(text: str, key: str, default: str) -> str:
    """A top-level ``key: value`` of the YAML text (quotes taken off), or ``default``."""
    match = re.search(rf"(?m)^{key}:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#.*)?$", text)
    value = match.group("value").strip("'\"") if match is not None else ""
    return value or default


def changes(directory: Path, top: Path | None = None) -> Changes | None:
    """The changie set-up of ``directory``, else of the repository's ``top``, with its entries."""
    found = _configured(directory)
    return found if found is not None or top is None or top == directory else _configured(top)


def _configured(directory: Path) -> Changes | None:
    for name in CONFIG_NAMES:
        if not (config := directory / name).is_file():
            continue
        if (text := text_or_none(config)) is None:  # unreadable or not UTF-8: no set-up to follow
            return None
        where = inside(
            directory,
            Path(_key(text, "changesDir", ".changes"), _key(text, "unreleasedDir", "unreleased")),
        )
        if where is None:
            return None
        found = sorted(
            path
            for pattern in ("*.yaml", "*.yml")
            for path in (where.glob(pattern) if where.is_dir() else ())
            if path.is_file()
        )
        changelog = inside(directory, Path(_key(text, "changelogPath", "CHANGELOG.md")))
        return Changes(config, where, tuple(found), changelog)
    return None
