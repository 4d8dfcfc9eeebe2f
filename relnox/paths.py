"""Paths as relnox shows them: relative to a root, in POSIX form."""

from __future__ import annotations

from pathlib import Path


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (``.`` for ``root`` itself) in POSIX form; as it is
    when it lies outside ``root``."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
