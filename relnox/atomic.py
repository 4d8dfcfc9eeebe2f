"""Writing a file all at once: a temporary file next to it, then a rename (keeping the mode).
A change of several steps runs under :func:`signals_held`, undone or finished whole."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

#: the signals that stop relnox, held off by :func:`signals_held`
STOPPING = (signal.SIGINT, signal.SIGTERM)


def write_atomic(path: Path, data: bytes | str, *, through_link: bool = True) -> Path:
    """Replace ``path`` by ``data`` (UTF-8); a symlink is written through, or with
    ``through_link=False`` (relnox's own records) replaced by the file."""
    link = path.is_symlink()
    if link and through_link:
        path, link = path.resolve(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if link:  # replaced, not followed: the mode of a new file
            raise FileNotFoundError(path)
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:  # the umask, read by setting it and setting it back
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".relnox", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def snapshot(path: Path) -> bytes | None:
    """What ``path`` holds now (None: nothing), to put back if a change fails half-way."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def missing_dirs(*paths: Path) -> list[Path]:
    """``paths`` and their parents that do not exist yet, deepest first."""
    found = {
        folder
        for path in paths
        for folder in itertools.takewhile(lambda d: not d.exists(), (path, *path.parents))
    }
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def put_back(before: Mapping[Path, bytes | None], made: Sequence[Path]) -> None:
    """Put every path of ``before`` back (None: remove it), then remove ``made``; best effort."""
    for path, data in before.items():
        with contextlib.suppress(OSError):
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, data)
    for folder in made:
        with contextlib.suppress(OSError):
            (folder / ".gitignore").unlink(missing_ok=True)
            folder.rmdir()


def write_all(files: Mapping[Path, bytes | str]) -> None:
    """Write every file of ``files`` or none: a failure puts back those written, then raises."""
    made = missing_dirs(*(path.parent for path in files))
    before: dict[Path, bytes | None] = {}
    try:
        for path, data in files.items():
            before[path] = snapshot(path)
            write_atomic(path, data)
    except BaseException:
        put_back(before, made)
        raise


@contextlib.contextmanager
def signals_held() -> Iterator[Callable[[], str | None]]:
    """SIGINT and SIGTERM noted, not acted on; it gives a function naming the first one."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    received: list[int] = []

    def note(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {}
    for signum in STOPPING:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, note)
    try:
        yield lambda: signal.Signals(received[0]).name if received else None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
