"""_proc.run's watched path (output streamed to a callback) on real cheap children."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from relnox import _proc as proc


def test_streamed_output_and_exit_code() -> None:
    lines: list[str] = []
    code = "print('one'); print('two', flush=True); raise SystemExit(3)"
    result = proc.run([sys.executable, "-c", code], on_line=lines.append)
    assert lines == ["one", "two"] and result.returncode == 3
    assert result.output == "one\ntwo\n"


def test_a_child_that_closes_its_output_early_still_meets_its_timeout() -> None:
    code = "import os, time; os.close(1); os.close(2); time.sleep(30)"
    result = proc.run([sys.executable, "-c", code], on_line=lambda _: None, timeout=1)
    assert result.returncode == proc.TIMED_OUT and "timed out after 1s" in result.output


def test_a_grandchild_holding_the_output_open_does_not_hold_the_run() -> None:
    spawn = (
        "import subprocess, sys; "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3)']); print('parent')"
    )
    result = proc.run([sys.executable, "-c", spawn], on_line=lambda _: None, timeout=60)
    assert result.returncode == 0 and "parent" in result.output


def test_a_child_waiting_for_an_answer_is_stopped_after_answer_seconds() -> None:
    """It sent its whole request to a server that takes it and never answers: ``answer``
    bounds the silence, not ``stall``; a child silent for other reasons keeps ``stall``."""
    import socket
    import time

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        code = (
            f"import socket; s = socket.create_connection(('127.0.0.1', {port})); "
            "s.sendall(b'POST / HTTP/1.0\\r\\n\\r\\n'); s.recv(1)"
        )
        started = time.monotonic()
        result = proc.run([sys.executable, "-c", code], watch=proc.Watch(30, answer=1), timeout=60)
        assert result.stalled and proc.NO_ANSWER in result.output
        assert time.monotonic() - started < 10
    quiet = "import time; time.sleep(30)"
    result = proc.run([sys.executable, "-c", quiet], watch=proc.Watch(2, answer=0.5), timeout=60)
    assert result.stalled and "no progress for 2s" in result.output
    assert proc.NO_ANSWER not in result.output


_WAITS = (
    "import sys; word = sys.stdin.readline().strip(); "
    "print('went' if word == 'go' else 'stopped'); sys.exit(0 if word == 'go' else 5)"
)


def test_a_child_started_ahead_works_only_on_its_go(tmp_path: Path) -> None:
    ahead = proc.standby([sys.executable, "-c", _WAITS], cwd=tmp_path)
    result = ahead.go("go", timeout=60)
    assert result is not None and result.ok and result.output == "went\n" and ahead.used
    assert result.argv == (sys.executable, "-c", _WAITS)
    ahead.cancel()  # after its end: nothing to stop


def test_a_child_started_ahead_and_cancelled_never_works(tmp_path: Path) -> None:
    marker = tmp_path / "worked"
    code = f"import sys; sys.stdin.readline() == 'go\\n' and open({str(marker)!r}, 'w')"
    ahead = proc.standby([sys.executable, "-c", code])
    ahead.cancel()
    ahead.cancel()  # twice is once
    assert not marker.exists()
    assert ahead.go("go") is None  # stopped: it cannot go any more


def test_a_child_started_ahead_keeps_its_timeout_from_its_go() -> None:
    ahead = proc.standby(
        [sys.executable, "-c", "import sys, time; sys.stdin.readline(); time.sleep(30)"]
    )
    result = ahead.go("go", timeout=0.5)
    assert (
        result is not None
        and result.returncode == proc.TIMED_OUT
        and "timed out after 0.5s" in result.output
    )


def test_a_child_that_cannot_start_or_ended_cannot_go(tmp_path: Path) -> None:
    assert proc.standby([str(tmp_path / "missing")]).go("go") is None
    ended = proc.standby([sys.executable, "-c", "pass"])
    ended._popen.wait()  # type: ignore[union-attr]  # it ends before its go
    assert ended.go("go") is None


def test_a_child_started_ahead_is_stopped_with_all_it_started(tmp_path: Path) -> None:
    """A grandchild holding the output open (a package's import that starts a server) does
    not hold the go past its timeout, nor outlive it; nor does it outlive a cancel."""
    pids = tmp_path / "pids"
    code = (
        "import subprocess, sys, time; sys.stdin.readline(); "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
        f"open({str(pids)!r}, 'a').write(f'{{child.pid}}\\n'); time.sleep(120)"
    )
    ahead = proc.standby([sys.executable, "-c", code])
    start = time.monotonic()
    result = ahead.go("go", timeout=2)
    assert result is not None and result.returncode == proc.TIMED_OUT
    assert time.monotonic() - start < 30
    (grandchild,) = (int(line) for line in pids.read_text(encoding="utf-8").split())
    assert _ends(grandchild), f"{grandchild} outlived the timeout"
    ahead.cancel()


def _ends(pid: int, within: float = 10.0) -> bool:
    """Whether ``pid`` is gone (or a zombie) within ``within`` seconds: a SIGKILLed process
    is still exiting for a moment after the kill (a loaded machine: long enough to be seen)."""
    import select

    try:
        fd = os.pidfd_open(pid)  # readable once the process has ended
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], within)
    finally:
        os.close(fd)
    return bool(readable) or _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether ``pid`` has ended and waits to be reaped (by init, its parent gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").split(") ")[1][0] in "ZX"
    except (OSError, IndexError):
        return True


def test_a_tail_cuts_a_line_of_megabytes() -> None:
    """A child that printed megabytes on one line (a package's import) gives a report
    line, not the megabytes."""
    result = proc.Result(("x",), 1, "start\n" + "x" * 3_000_000 + "\nend\n")
    lines = result.tail().splitlines()
    assert lines[0] == "start" and lines[-1] == "end"
    assert lines[1] == "x" * proc.LINE + f"... ({3_000_000 - proc.LINE} more characters)"
