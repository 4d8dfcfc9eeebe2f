"""changesets' pending changes (``.changeset/empty-towns-jam.md``): ``changeset version``
turns them into the packages' versions and changelog sections."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Changesets:
    directory: Path
    entries: tuple[Path, ...]


def changesets(directory: Path, top: Path) -> Changesets | None:
    """The changesets set-up of ``directory``, else of the repository's ``top``."""
    for where in dict.fromkeys((directory, top)):
        folder = where / ".changeset"
        if (folder / "config.json").is_file():
            found = (p for p in folder.glob("*.md") if p.is_file() and p.stem.lower() != "readme")
            return Changesets(folder, tuple(sorted(found)))
    return None
