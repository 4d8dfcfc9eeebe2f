"""Scratch directories at paths that stay the same from run to run.

uv remembers what it learnt of an interpreter (its markers, its tags, where it installs)
under the interpreter's *path*, and checks the entry against the modification time of the
file the path leads to (``InterpreterInfo::query_cached``). An environment made in a new
temporary directory is a new path on every run, so every install into it starts a
Python process first, to ask (~30 ms, a third of a small verify). :func:`slot` hands out
one of a few directories of the user's cache instead
(``$XDG_CACHE_HOME/relnox/scratch/<kind>/<n>``, else ``~/.cache/...``): the same path
from run to run, so uv answers from what it remembered.

What keeps that as sound as a new directory:

* a slot is held with an exclusive ``flock`` on ``<n>.lock`` beside it for as long as it
  is used: two runs never share one (the next free slot is taken, up to :data:`SLOTS`);
  the children that run a package's code keep the lock open as well
  (:func:`relnox._proc.keep_in_children`), so a child a killed run left running (a
  package's import that hangs) keeps its slot busy, and is never emptied under;
* it is emptied before use (what a killed run left) and after (nothing of a run is left
  behind, only the empty lock file);
* an environment made in it is named by the interpreter it is made with
  (:func:`relnox.tools.envs.environment_dir`): the path uv remembers always leads to the
  same interpreter file, whose time uv checks, so what uv remembered was learnt of that
  very file;
* nothing relnox reads is kept there: every run makes its environments anew.

Where no slot can be had (no home, a cache that cannot be written, no ``flock``, every
slot busy), :func:`slot` gives a new temporary directory, as before: only slower.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from relnox import _proc as proc

#: slots of one kind: more runs at once than this get temporary directories
SLOTS = 16


def scratch_home() -> Path | None:
    """``relnox/scratch`` in the user's cache directory, or None when there is none.

    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG base directory specification
    asks, and so is a ``HOME`` that is empty or relative (a temporary directory then):
    either would put the slots in the working directory (a repository's own tree) or at
    the root. A cache whose path is not UTF-8 is none either: uv makes no environment there."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        home = Path(base) / "relnox" / "scratch"
    elif "HOME" in os.environ and not os.path.isabs(os.environ["HOME"]):
        return None
    else:
        try:
            home = Path.home() / ".cache" / "relnox" / "scratch"
        except RuntimeError:
            return None
    try:
        os.fsencode(home).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return home


class Slot:
    """A held slot (or a temporary directory): :attr:`path`, empty and this run's own
    until :meth:`release`."""

    def __init__(self, path: Path, lock: int | None) -> None:
        self.path = path
        self._lock = lock

    @property
    def stable(self) -> bool:
        """Whether :attr:`path` is a slot (the same path next run), not a temporary one."""
        return self._lock is not None

    def release(self) -> None:
        """Remove what is in it (the temporary directory itself) and let it go."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            lock, self._lock = self._lock, None
            proc.keep_in_children(lock, False)
            os.close(lock)  # closing the last descriptor of it drops the flock


def acquire(kind: str, prefix: str) -> Slot:
    """A free slot of ``kind``, emptied and created; else a new temporary directory whose
    name starts with ``prefix``."""
    home = scratch_home()
    if home is not None and sys.platform != "win32":
        try:
            found = _free_slot(home / kind)
        except OSError:  # a cache that cannot be written: a temporary directory
            found = None
        if found is not None:
            return found
    import tempfile  # only then: it imports random

    return Slot(Path(tempfile.mkdtemp(prefix=prefix)), None)


def _own_folder(path: Path) -> None:
    """Make ``path``, a folder only relnox writes in, or check the one there: a directory
    of this user, never a link (a link planted there would have each slot it holds,
    somewhere else, emptied); else :class:`OSError`."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise OSError(f"{path} is not a directory of this user")


def _free_slot(folder: Path) -> Slot | None:
    import fcntl

    folder.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _own_folder(folder.parent)  # relnox/scratch
    _own_folder(folder)  # relnox/scratch/<kind>
    for number in range(SLOTS):
        flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
        lock = os.open(folder / f"{number}.lock", flags, 0o600)  # a link there: no slot
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            continue
        except BaseException:
            os.close(lock)
            raise
        path = folder / str(number)
        try:
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISDIR(os.lstat(path).st_mode):  # a link, a file, a fifo...
                    path.unlink()
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(mode=0o700)
        except BaseException:
            os.close(lock)
            raise
        proc.keep_in_children(lock)  # a child left running keeps the slot busy
        return Slot(path, lock)
    return None


@contextlib.contextmanager
def slot(kind: str, prefix: str) -> Iterator[Path]:
    """:func:`acquire` as a ``with`` block: the directory, released when the block ends."""
    held = acquire(kind, prefix)
    try:
        yield held.path
    finally:
        held.release()
