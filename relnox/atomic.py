"""Writing a file all at once: a temporary file next to it, then a rename.

Every file relnox writes (version files, the build manifest, the publish report,
release notes) goes through :func:`write_atomic`, so a reader never sees half a file
and records get the same permissions as the artifacts next to them: an existing
file keeps its mode, a new one gets ``0666`` less the umask (``0644`` usually),
never the ``0600`` of a bare temporary file.

A change made of several steps (a bump's files, commit and tags) runs under
:func:`signals_held`: Ctrl-C and SIGTERM are noted, not acted on, so the step under
way (a ``git commit`` included) ends and the caller undoes or finishes the change
whole instead of dying half-way through it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

#: the signals that stop relnox, held off by :func:`signals_held`
STOPPING = (signal.SIGINT, signal.SIGTERM)


def umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes | str, *, through_link: bool = True) -> Path:
    """Replace ``path`` by ``data`` (text is UTF-8, ``\\n`` kept as is); parents are created.

    A symlink is written through: its target changes, the link stays a link (a version
    file the project keeps as a link). With ``through_link=False`` (relnox's own records
    and what it writes into a dist directory) the link itself is replaced by the file and
    its target left as it is: a record name committed as a link to ``~/.bashrc`` must not
    make relnox write that file.
    """
    link = path.is_symlink()
    if link and through_link:
        path, link = path.resolve(), False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if link:  # replaced, not followed: the mode of a new file
            raise FileNotFoundError(path)
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~umask()
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
    """What ``path`` holds now (None: nothing), to put back if a change of several files
    fails half-way."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def missing_dirs(path: Path) -> list[Path]:
    """``path`` and the parents of it that do not exist yet, deepest first."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def put_back(before: Mapping[Path, bytes | None], made: Sequence[Path]) -> None:
    """Put every path of ``before`` back as it was (None: remove it), then remove the
    directories of ``made`` (deepest first) a failed change created; best effort."""
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
    """Write every file of ``files`` (each with :func:`write_atomic`) or none: when one
    cannot be written, those written before it are put back as they were and the
    directories made for them removed, then the error is raised."""
    made = sorted(
        {folder for path in files for folder in missing_dirs(path.parent)},
        key=lambda p: len(p.parts),
        reverse=True,
    )
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
    """Within it, SIGINT and SIGTERM are noted, not acted on; it gives a function naming
    the first one received (``"SIGTERM"``) or ``None``. Outside the main thread (where no
    handler can be set) and for a signal the process ignores, nothing changes."""
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
