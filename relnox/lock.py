"""One lock per repository (a ``flock`` in git's directory), so ``bump``, ``build-all``,
``publish`` and ``tag`` never overlap; re-entrant within a process."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from relnox.errors import MOST_SECONDS, RelnoxError, seconds

logger = logging.getLogger("relnox")

#: seconds a second run waits for the lock by default
DEFAULT_WAIT = 15.0
WAIT_ENV = "RELNOX_LOCK_WAIT"
_POLL = 0.1

_held: set[Path] = set()  # lock files this process holds
_guard = threading.Lock()


class LockError(RelnoxError):
    """Another relnox command holds the repository's lock."""


def git_common_dir(path: Path) -> Path | None:
    """The git directory shared by every worktree of the repository holding ``path``."""
    for folder in (path, *path.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: <its own git directory>"
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            own = (folder / text.removeprefix("gitdir:").strip()).resolve()
            common = own / "commondir"
            if common.is_file():
                return (own / common.read_text(encoding="utf-8").strip()).resolve()
            return own
    return None


def lock_path(root: Path) -> Path:
    """Where the lock of the repository holding ``root`` lives."""
    root = root.resolve()
    common = git_common_dir(root)
    if common:
        return common.resolve() / "relnox.lock"
    import hashlib
    import tempfile

    key = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    user = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return Path(tempfile.gettempdir()) / f"relnox-locks-{user}" / f"{key}.lock"


def lock_wait(environ: Mapping[str, str] | None = None) -> float:
    """``RELNOX_LOCK_WAIT`` in seconds (default :data:`DEFAULT_WAIT`)."""
    value = (os.environ if environ is None else environ).get(WAIT_ENV, "")
    if not value.strip():
        return DEFAULT_WAIT
    wait = seconds(value)
    if wait is None:  # nan, and inf or 1e999: a wait no one ends
        raise LockError(
            f"{WAIT_ENV}={value!r}: give a number of seconds from 0 to {MOST_SECONDS:g} (a day), "
            "like 15"
        )
    return wait


def _holder(handle: IO[str]) -> dict[str, Any]:
    """What the lock file says of its holder (``{}``: nothing readable)."""
    handle.seek(0)
    try:
        data = json.loads(handle.read())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def describe(holder: Mapping[str, Any]) -> str:
    """``relnox publish (pid 1234, started 12:00:01 UTC, 35s ago)``."""
    started = holder.get("started")
    when = ""
    if isinstance(started, (int, float)) and not isinstance(started, bool):
        from datetime import datetime, timezone

        with contextlib.suppress(ValueError, OverflowError, OSError):  # a file edited by hand
            stamp = datetime.fromtimestamp(started, timezone.utc)
            ago = max(0, time.time() - started)
            when = f", started {stamp:%Y-%m-%d %H:%M:%S} UTC, {ago:.0f}s ago"
    return f"`{holder.get('command') or 'relnox'}` (pid {holder.get('pid', '?')}{when})"


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - no Windows runner here
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def repository_lock(
    root: Path,
    command: str,
    *,
    wait: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    pause: Callable[[float], None] = time.sleep,
) -> Iterator[Path]:
    """Hold the lock of the repository at ``root`` while running ``command``."""
    path = lock_path(root)
    with _guard:
        reentered = path in _held
    if reentered:  # its holder lets it go
        yield path
        return
    wait = lock_wait() if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held until the end
    except OSError as exc:
        raise LockError(
            f"{path}: cannot create the repository's lock ({exc.strerror or exc}); make its "
            "folder writable"
        ) from None
    try:
        deadline, told = clock() + wait, False
        while not _try_lock(handle):
            holder = _holder(handle)
            if clock() >= deadline:
                raise LockError(
                    f"another relnox command is running in this repository: {describe(holder)} "
                    f"holds {path}; waited {wait:g}s ({WAIT_ENV}); let it finish, then run "
                    "this again"
                )
            if not told:
                told = True
                logger.warning(
                    "%s is running in this repository (it holds %s); waiting up to %gs for it "
                    "to finish",
                    describe(holder),
                    path,
                    wait,
                )
            pause(_POLL)
        left = _holder(handle)
        pid = left.get("pid")
        if isinstance(pid, int) and pid != os.getpid():
            state = "no longer holding it"
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                state = "no longer running"
            except PermissionError:  # alive: another user's
                pass
            logger.warning("took over the lock %s left by %s, %s", path, describe(left), state)
        elif told:
            logger.info("the other relnox command finished; going on")
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps({"pid": os.getpid(), "command": command, "started": time.time()}) + "\n"
        )
        handle.flush()
        with _guard:
            _held.add(path)
        try:
            yield path
        finally:
            with _guard:
                _held.discard(path)
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()  # closing drops the flock
