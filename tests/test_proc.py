"""_proc.run's watched path (output streamed to a callback) on real cheap children."""

from __future__ import annotations

import sys
import time

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


def test_bytes_the_other_side_takes_from_the_send_queue_are_progress() -> None:
    """A child that handed its whole request to the kernel at once and waits: while the
    slow server takes the queued bytes (several ``stall`` long), it is not stalled."""
    import socket
    import threading

    taken: list[int] = []

    def slow_reader(server: socket.socket) -> None:
        conn, _ = server.accept()
        with conn:
            while sum(taken) < 600_000:
                taken.append(len(conn.recv(16_384)))
                if not taken[-1]:  # the child was stopped
                    return
                time.sleep(0.05)  # the link's rate: about 300 KB/s
            conn.sendall(b"k")

    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        reader = threading.Thread(target=slow_reader, args=(server,), daemon=True)
        reader.start()
        code = (
            "import socket; s = socket.socket(); "
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20); "
            f"s.connect(('127.0.0.1', {server.getsockname()[1]})); "
            "s.sendall(b'x' * 600_000); assert s.recv(1) == b'k'"
        )
        started = time.monotonic()
        result = proc.run([sys.executable, "-c", code], watch=proc.Watch(1, answer=30), timeout=60)
        reader.join(timeout=10)
    assert not result.stalled and result.returncode == 0, result.output
    assert time.monotonic() - started > 2  # it really took longer than the stall rule


def test_a_tail_cuts_a_line_of_megabytes() -> None:
    """A child that printed megabytes on one line (a package's import) gives a report
    line, not the megabytes."""
    result = proc.Result(("x",), 1, "start\n" + "x" * 3_000_000 + "\nend\n")
    lines = result.tail().splitlines()
    assert lines[0] == "start" and lines[-1] == "end"
    assert lines[1] == "x" * proc.LINE + f"... ({3_000_000 - proc.LINE} more characters)"
