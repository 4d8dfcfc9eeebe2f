"""The one way relnox runs another program: argv lists (never a shell), a bound on time, and
a :class:`Result`, never an exception (127: cannot start, 124: stopped by a bound)."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from relnox.errors import RelnoxError
from relnox.redact import redact

logger = logging.getLogger("relnox")

TIMED_OUT = 124
CANNOT_RUN = 127
STALLED = "Stalled"  # the word the output of a stalled child ends with
#: what a child stopped by the ``answer`` rule says after :data:`STALLED`
NO_ANSWER = "sent everything and heard no answer"
#: where :func:`run` can stream a child's lines
LineSink = Callable[[str], None]


@dataclass(frozen=True)
class Result:
    """What a finished program did."""

    argv: tuple[str, ...]
    returncode: int
    output: str  # stdout (with stderr when merged)
    stderr: str = ""
    seconds: float = 0.0
    stalled: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 12) -> str:
        """Its last ``lines`` lines of output, each cut at :data:`LINE` characters."""
        text = "\n".join(part for part in (self.output.strip(), self.stderr.strip()) if part)
        # masked before the cut, which would leave a secret's first characters
        masked = [redact(line) for line in text.splitlines()[-lines:]]
        return "\n".join(
            s if len(s) <= LINE else f"{s[:LINE]}... ({len(s) - LINE} more characters)"
            for s in masked
        )

    def last_line(self) -> str:
        """Its last line of stderr (else stdout), or its exit code."""
        detail = (self.stderr or self.output).strip().splitlines()
        return detail[-1] if detail else f"exit {self.returncode}"

    def check(self, error: type[RelnoxError], what: str, where: Path | str | None = None) -> Result:
        """This result, or ``error("{what} failed in {where}: <last line>")`` when it failed."""
        if not self.ok:
            place = f" in {where}" if where is not None else ""
            raise error(f"{what} failed{place}: {self.last_line()}")
        return self


@dataclass(frozen=True)
class Watch:
    """Stop the child after ``stall`` seconds without output or I/O (or ``answer`` seconds
    once it has nothing left to send on its TCP connections)."""

    stall: float
    answer: float | None = None


def run(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float | None = None,
    merge: bool = True,
    on_line: LineSink | None = None,
    watch: Watch | None = None,
) -> Result:
    """``merge`` puts stderr into the output; ``on_line`` receives each line as it comes."""
    argv = _logged(argv)
    if on_line is not None or watch is not None:
        return _watched(argv, cwd, env, timeout, on_line, watch)
    return _plain(argv, cwd, env, input, timeout, merge, False)


def run_contained(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Result:
    """:func:`run` for a package's code: a timeout or a stop kills all it started."""
    return _plain(_logged(argv), cwd, env, None, timeout, True, True)


def _logged(argv: Sequence[str], note: str = "") -> list[str]:
    argv = [str(arg) for arg in argv]
    logger.debug("$ %s%s", shlex.join(argv), note)
    return argv


def _plain(
    argv: list[str],
    cwd: Path | str | None,
    env: Mapping[str, str] | None,
    input: str | None,
    timeout: float | None,
    merge: bool,
    session: bool,
) -> Result:
    """:func:`run` without a watch; ``session`` as :func:`run_contained` has it."""
    start = time.perf_counter()
    try:
        popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=session,
        )
    except OSError as exc:
        return Result(tuple(argv), CANNOT_RUN, f"cannot run {argv[0]}: {exc}", "", 0.0)
    kill = functools.partial(os.killpg if session else os.kill, popen.pid, signal.SIGKILL)
    _running[popen.pid] = session  # until reaped: stop_children stops it
    with popen:
        try:
            out, err = popen.communicate(input, timeout=timeout)
        except BaseException as exc:  # a timeout, or Ctrl-C: the child goes too
            with contextlib.suppress(OSError):
                kill()
            popen.wait()
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            message = "\n".join(filter(None, [_text(exc.output), f"timed out after {timeout:g}s"]))
            seconds = time.perf_counter() - start
            return Result(tuple(argv), TIMED_OUT, message, _text(exc.stderr), seconds)
        finally:
            _running.pop(popen.pid, None)
    return Result(tuple(argv), popen.returncode, out, err or "", time.perf_counter() - start)


#: the children running now (their ids), and whether each is in a session of its own
_running: dict[int, bool] = {}


def stop_children() -> None:
    """Kill every child running now with all it started (from a signal's handler)."""
    for pid, session in _running.copy().items():  # atomic: other threads start and reap
        with contextlib.suppress(OSError):
            (os.killpg if session else os.kill)(pid, signal.SIGKILL)


def spawn(argv: Sequence[str], *, log: IO[bytes], **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start a long-running ``argv`` (a server) writing to ``log``; the caller stops it."""
    return subprocess.Popen(_logged(argv, " &"), stdout=log, stderr=subprocess.STDOUT, **kwargs)


def fork_server(
    argv: Sequence[str], *, env: Mapping[str, str], pass_fds: Sequence[int]
) -> subprocess.Popen[bytes]:
    """Start a server that forks children running a package's code, in a session of its own;
    until :func:`reaped`, :func:`stop_children` kills its group. Raises ``OSError``."""
    popen = subprocess.Popen(
        _logged(argv, " &  (forks the hooks of this run)"),
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        pass_fds=tuple(pass_fds),
    )
    _running[popen.pid] = True  # until reaped: stop_children stops its group
    return popen


def reaped(popen: subprocess.Popen[Any]) -> None:
    """``popen`` (a :func:`fork_server`) has been waited for."""
    _running.pop(popen.pid, None)


def coprocess(argv: Sequence[str], *, cwd: Path | str | None = None) -> subprocess.Popen[bytes]:
    """Start ``argv`` with pipes to its stdin and from its stdout (requests and answers)."""
    return subprocess.Popen(
        _logged(argv, " (requests on stdin)"),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


#: the longest line of a :meth:`Result.tail`
LINE = 500


def _text(data: str | bytes | None) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""


def _io_counters(pid: int) -> tuple[int, int] | None:
    """Bytes a process has read and written so far (``None``: not readable here)."""
    try:
        text = Path(f"/proc/{pid}/io").read_text()
        values = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        return int(values["rchar"]), int(values["wchar"])
    except (OSError, KeyError, ValueError):
        return None


def _queued(pid: int) -> int | None:
    """Bytes ``pid`` has queued on its TCP connections, not taken yet; ``None``: none."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
        links = []
        for fd in fds:
            with contextlib.suppress(OSError):
                links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
    except OSError:
        return None
    inodes = {link[8:-1] for link in links if link.startswith("socket:[")}
    queued = None
    for table in ("tcp", "tcp6"):
        try:
            rows = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # 01 established, 02 connecting: both wait for the other side
            if len(fields) > 9 and fields[9] in inodes and fields[3] in ("01", "02"):
                queued = (queued or 0) + int(fields[4].split(":")[0], 16)  # tx_queue
    return queued


class _Output:
    """A child's output read as it comes: every chunk, when the last came, lines to on_line."""

    def __init__(self, fd: int, on_line: LineSink | None) -> None:
        self.fd, self.on_line = fd, on_line
        self.chunks: list[bytes] = []
        self.last = time.monotonic()

    def read(self) -> None:
        pending = b""
        for chunk in iter(lambda: os.read(self.fd, 65536), b""):
            self.chunks.append(chunk)
            self.last = time.monotonic()
            if self.on_line is not None:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self.on_line(line.decode("utf-8", "replace"))
        if self.on_line is not None and pending:
            self.on_line(pending.decode("utf-8", "replace"))


def _watched(
    argv: list[str],
    cwd: Path | str | None,
    env: Mapping[str, str] | None,
    timeout: float | None,
    on_line: LineSink | None,
    watch: Watch | None,
) -> Result:
    """A child in its own process group, its merged output read as it comes."""
    start = time.perf_counter()
    stall, answer = (watch.stall, watch.answer) if watch else (None, None)
    try:  # in its own session: a stop takes it and anything it started
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        if on_line is not None:
            on_line(f"cannot run {argv[0]}: {exc}")
        return Result(tuple(argv), CANNOT_RUN, f"cannot run {argv[0]}: {exc}", "", 0.0)
    assert proc.stdout is not None
    _running[proc.pid] = True  # until reaped (below): stop_children stops its group
    stopped = ""
    try:  # Ctrl-C or any error takes the child along
        out = _Output(proc.stdout.fileno(), on_line)
        reader = threading.Thread(target=out.read, daemon=True)
        reader.start()
        counters, queued = _io_counters(proc.pid), _queued(proc.pid)
        progress = time.monotonic()
        deadline = None if timeout is None else time.monotonic() + timeout
        poll = 0.25 if stall is None else min(0.25, stall / 4)
        while not stopped:  # a stopped child is killed below
            if reader.is_alive():  # its output ends when the child exits: wakes at once
                reader.join(timeout=poll)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0 if reader.is_alive() else poll)
                break
            now = time.monotonic()
            if deadline is not None and now > deadline:
                stopped = f"timed out after {timeout:g}s"
            elif stall is not None:
                # progress: the child read or wrote, printed, or the other side took queued bytes
                now_counters, now_queued = _io_counters(proc.pid), _queued(proc.pid)
                if now_counters is not None and now_counters != counters:
                    counters, progress = now_counters, now
                if now_queued != queued:
                    queued, progress = now_queued, now
                quiet = now - max(progress, out.last)  # nothing queued: sent all, no answer
                if answer is not None and answer < stall and quiet > answer and now_queued == 0:
                    stopped = f"{STALLED}: {NO_ANSWER} for {answer:g}s"
                elif quiet > stall:
                    stopped = f"{STALLED}: no progress for {stall:g}s"
    finally:
        if stopped or proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        _running.pop(proc.pid, None)
    reader.join(timeout=5)
    proc.stdout.close()
    output = b"".join(out.chunks).decode("utf-8", "replace") + (f"\n{stopped}\n" if stopped else "")
    code, seconds = TIMED_OUT if stopped else proc.returncode, time.perf_counter() - start
    return Result(tuple(argv), code, output, "", seconds, stalled=stopped.startswith(STALLED))
