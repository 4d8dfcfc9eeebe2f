"""The git questions of the stale-build check, as data: asked by
:func:`relnox.builds.inputs.package_inputs`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path


def status_question(places: Sequence[str]) -> tuple[str, ...]:
    """``git status`` of the untracked and modified files under ``places``."""
    return ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *places)


def staged_question(specs: Sequence[str]) -> tuple[str, ...]:
    """``git ls-files`` of the tracked files under ``specs``, with their blobs and flags:
    ``-s`` and ``-v`` in one ("TAG MODE BLOB STAGE\\tPATH"; the tag says assume-unchanged
    in lower case, skip-worktree as S)."""
    return ("ls-files", "-s", "-v", "-z", "--full-name", "--", *specs)


def places(top: Path, directories: Iterable[Path]) -> list[str]:
    """Where git looks for the packages in ``directories`` (resolved): only there when
    each is inside the repository's ``top`` and none is the top, else everywhere."""
    dirs = list(directories)
    inside = all(d != top and d.is_relative_to(top) for d in dirs)
    return sorted({str(d) for d in dirs}) if dirs and inside else ["."]
