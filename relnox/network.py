"""How long relnox waits on the network: ``[tool.relnox.network]``, and a child bounded by it.

::

    [tool.relnox.network]
    timeout = 30    # seconds to connect to an index, and to wait for each of its answers
    stall = 120     # seconds an upload may go without any progress before it is stopped
    retries = 2     # how often a transient failure (timeout, stall, 5xx, 429) is retried

Retries wait 1 s, 2 s, 4 s ... in between and say so. With the defaults a hung
upload ends after ``(retries + 1) * stall`` seconds plus the backoff: six minutes.

:func:`run_watched` runs a child (``twine upload``) and kills it, with everything it
started, once it has shown no progress for ``stall`` seconds: no output and, where
``/proc/<pid>/io`` can be read (Linux), no bytes read or written. Elsewhere only
output counts, so ``stall`` bounds the whole upload of one file.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.config import Config
from relnox.errors import ConfigError

KEYS = ("timeout", "stall", "retries")
#: the exit code of a child stopped for a stall (as coreutils' ``timeout``)
STALLED_EXIT = 124
STALLED = "Stalled"  # the word its output ends with


@dataclass(frozen=True)
class NetworkSettings:
    timeout: float = 30.0
    stall: float = 120.0
    retries: int = 2
    retry_delay: float = 1.0  # the first backoff; doubles with each retry


def _positive(source: Path, key: str, value: Any, *, whole: bool = False) -> Any:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < (0 if whole else 0.001):
        what = "a whole number, 0 or more" if whole else "a number of seconds above 0"
        raise ConfigError(
            f"{source}: [tool.relnox.network] {key} must be {what}, not {value!r}; "
            f"for example {key} = {getattr(NetworkSettings, key)!r}"
        )
    return value


def network_settings(config: Config | None) -> NetworkSettings:
    """``[tool.relnox.network]`` of ``config``, validated; the defaults without one."""
    if config is None:
        return NetworkSettings()
    table = config.section("network")
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                f"{config.source}: [tool.relnox.network] has an unknown key {key!r}; "
                f"known keys: {', '.join(KEYS)}"
            )
    defaults = NetworkSettings()
    return NetworkSettings(
        timeout=float(_positive(config.source, "timeout", table.get("timeout", defaults.timeout))),
        stall=float(_positive(config.source, "stall", table.get("stall", defaults.stall))),
        retries=int(
            _positive(config.source, "retries", table.get("retries", defaults.retries), whole=True)
        ),
    )


def _io_counters(pid: int) -> tuple[int, int] | None:
    """Bytes a process has read and written so far (``None``: not readable here)."""
    try:
        text = Path(f"/proc/{pid}/io").read_text()
    except OSError:
        return None
    values = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    try:
        return int(values["rchar"]), int(values["wchar"])
    except (KeyError, ValueError):
        return None


def run_watched(
    argv: Sequence[str], env: Mapping[str, str], *, stall: float
) -> tuple[int, str, bool]:
    """``(returncode, output, stalled)`` of ``argv``; stopped after ``stall`` s without progress."""
    proc = subprocess.Popen(
        list(argv),
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a stall kills the child and anything it started
    )
    chunks: list[bytes] = []
    last_output = [time.monotonic()]
    stalled = False

    def read() -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        for chunk in iter(lambda: os.read(fd, 65536), b""):
            chunks.append(chunk)
            last_output[0] = time.monotonic()

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    try:  # from here on, Ctrl-C or any error takes the child along
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        counters = _io_counters(proc.pid)
        progress = time.monotonic()
        poll = min(0.25, stall / 4)
        while True:
            try:
                proc.wait(timeout=poll)
                break
            except subprocess.TimeoutExpired:
                pass
            now_counters = _io_counters(proc.pid)
            if now_counters is not None and now_counters != counters:
                counters, progress = now_counters, time.monotonic()
            progress = max(progress, last_output[0])
            if time.monotonic() - progress > stall:
                stalled = True
                kill()
                break
    finally:
        if proc.poll() is None:
            kill()
    reader.join(timeout=5)
    if proc.stdout is not None:
        proc.stdout.close()
    output = b"".join(chunks).decode("utf-8", "replace")
    if stalled:
        output += f"\n{STALLED}: no progress for {stall:g}s\n"
        return STALLED_EXIT, output, True
    return proc.returncode, output, False
