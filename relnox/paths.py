"""Paths as relnox shows them: relative to a root, in POSIX form."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from relnox.errors import ConfigError


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form; as it is when outside ``root``."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def written_path(
    path: Path,
    top: Path,
    real_top: Path | None = None,
    resolve: Callable[[Path], Path] = Path.resolve,
) -> Path:
    """The file relnox writes for ``path``: itself, or where its link leads, inside ``top``
    (else a ConfigError). ``real_top``: ``top`` resolved."""
    real_top = real_top or top.resolve()
    if not path.is_symlink():
        found = resolve(path)
        if not found.is_relative_to(real_top):  # "../x", "/elsewhere/x"
            raise ConfigError(
                f"{path}: outside the repository {top} (a [tool.relnox] version-files or "
                "changelog path leads there); relnox writes no file outside it: name a file "
                "of the repository"
            )
        # a directory on the way may be a link (libs/skinny/pkg -> ../../pkg): git
        # takes no path beyond a link, so the file is written, and added, where it lives
        if path.absolute().is_relative_to(top.absolute()):
            inside = top / found.relative_to(real_top)
            if os.path.normpath(inside) != os.path.normpath(path.absolute()):
                return inside
        return path
    target = path.resolve()
    if not target.is_relative_to(real_top):
        raise ConfigError(
            f"{path}: a symbolic link to {target}, outside the repository {top}; relnox writes "
            "no file outside it: make it a file of the repository"
        )
    return target
