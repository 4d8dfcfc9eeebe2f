"""The git questions of the stale-build check, as data: asked by
:func:`relnox.builds.inputs.package_inputs`, and asked ahead by a command that only reads
a dist directory (:func:`relnox.tools.history.ask_ahead`), which knows them from the build
manifest before the workspace is read. An answer asked ahead is taken only by the very
same question (:class:`relnox.tools.git.Ahead`): a guess that turns out wrong (the
workspace is not at the repository's top, a package moved) costs the two processes and
changes nothing. Light on purpose: a command's start imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relnox.artifacts.manifest import PackageRecord
    from relnox.tools.git import Ahead


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


def stale_questions(root: Path, records: Sequence[PackageRecord]) -> list[tuple[str, ...]]:
    """The two questions the stale-build check of ``records`` (a build manifest's) asks
    in ``root`` when ``root`` is the repository's top and each package is where the
    manifest says (:func:`relnox.builds.inputs.stale_builds`); none when no record is
    judged (built by relnox, with its inputs)."""
    from relnox.artifacts.manifest import BUILT

    top = root.resolve()
    dirs = [(top / r.directory).resolve() for r in records if r.origin == BUILT and r.inputs]
    if not dirs:
        return []
    where = places(top, dirs)
    return [status_question(where), staged_question(where)]


def ask_stale_ahead(ahead: Ahead, dist: Path) -> None:
    """Add to ``ahead`` (:func:`relnox.tools.history.ask_ahead`) the two questions of the
    stale-build check of the dist directory ``dist``, as its build manifest has them
    (:func:`stale_questions`): ~4 ms of waiting in the plan. A manifest that cannot be
    read asks nothing more (the command reads it again, and says why)."""
    import logging

    from relnox.artifacts.manifest import has_manifest, read_manifest
    from relnox.errors import RelnoxError

    try:
        if has_manifest(dist):
            ahead.ask(stale_questions(ahead.repo, read_manifest(dist).packages))
    except (RelnoxError, OSError, ValueError) as exc:
        logging.getLogger("relnox").debug("no stale-build questions asked ahead: %s", exc)
