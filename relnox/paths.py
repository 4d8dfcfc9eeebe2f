"""Paths as relnox shows them: relative to a root, in POSIX form."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path


def rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (``.`` for ``root`` itself) in POSIX form; as it is
    when it lies outside ``root``."""
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
    """The file relnox writes for ``path`` in the repository ``top``: ``path`` itself, or
    the file a symbolic link ``path`` leads to, which must be inside ``top`` (a
    :class:`~relnox.errors.ConfigError` otherwise: relnox writes no file outside the
    repository, through a link or a path climbing out of it, and git commits the target,
    not the unchanged link). ``real_top``: ``top`` resolved, and ``resolve`` (a
    :class:`Resolver`), by a caller asking for many files at once."""
    real_top = real_top or top.resolve()
    if not path.is_symlink():
        found = resolve(path)
        if not found.is_relative_to(real_top):  # "../x", "/elsewhere/x"
            from relnox.errors import ConfigError

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
        from relnox.errors import ConfigError

        raise ConfigError(
            f"{path}: a symbolic link to {target}, outside the repository {top}; relnox writes "
            "no file outside it: make it a file of the repository"
        )
    return target


def own_dist_dir(dist_dir: Path, root: Path, setting: str, packages: Sequence[Path] = ()) -> Path:
    """``dist_dir`` when it is a directory of its own: never the repository's root or a
    directory above it, where built files would lie among the sources (and be taken into
    the next sdist) and relnox's records beside it would land outside the repository; nor
    in git's own directory (``.git``) or in the directory of a package other than the
    root's (``packages``), whose next sdist would take them in; a
    :class:`~relnox.errors.ConfigError` naming ``setting`` otherwise."""
    from relnox.errors import ConfigError

    resolved, top = dist_dir.resolve(), root.resolve()
    if top.is_relative_to(resolved):
        raise ConfigError(
            f"{setting} {dist_dir} is the repository's root {root} or above it; built files "
            'would lie among the sources: give them a directory of their own (e.g. "dist")'
        )
    inside = next(
        (d for d in packages if d.resolve() != top and resolved.is_relative_to(d.resolve())),
        None,
    )
    if resolved.is_relative_to(top) and ".git" in resolved.relative_to(top).parts:
        inside = top / ".git"
    if inside is not None:
        raise ConfigError(
            f"{setting} {dist_dir} lies in {inside}, where built files would be taken for "
            "its own (the next sdist, git's records): give them a directory of their own "
            '(e.g. "dist" at the root)'
        )
    return dist_dir


class Resolver:
    """``Path.resolve()`` for many paths below a few directories, each directory asked of
    the file system once.

    ``resolve()`` looks at every part of a path each time (an ``lstat`` per part); a command
    over 500 members resolved the same workspace directories thousands of times. Here a
    path's parent is resolved once and remembered, and the path itself costs one ``lstat``
    (whether its last part is a link): the answer is ``resolve()``'s. A part ``..`` is left
    to ``resolve()`` whole, as it undoes a link before it. One resolver serves one reading
    of the tree (a command's discovery); a link changed while it lives is not seen.
    """

    def __init__(self) -> None:
        self._seen: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        path = path.absolute()
        found = self._seen.get(path)
        if found is not None:
            return found
        parent = path.parent
        if parent == path or path.name == ".." or os.path.islink(path):
            found = path.resolve()
        else:
            found = self(parent) / path.name
        self._seen[path] = found
        return found
