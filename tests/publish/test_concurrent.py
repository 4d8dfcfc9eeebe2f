"""Two real ``relnox publish`` runs at once in one repository, against one real index:
each file is sent exactly once (the repository's lock, :mod:`relnox.lock`), and the second
run says what happened."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from relnox.tools.index_server import LocalIndex
from tests.fault_server import FaultServer, Seen
from tests.publish.conftest import TOKEN
from tests.publish_support import USER


def _start(ws: Path, url: str, wait: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": TOKEN,
        "RELNOX_LOCK_WAIT": wait,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "relnox", "publish", "-r", url, "-p", "demo-core", "-v"],
        cwd=ws,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    """``proc``'s output lines as they come (``""`` at its end)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines


def _rest(lines: queue.Queue[str]) -> str:
    text = []
    while (line := lines.get(timeout=120)) != "":
        text.append(line)
    return "".join(text)


@pytest.mark.slow
@pytest.mark.parametrize("second_waits", [True, False], ids=["waits", "gives-up"])
def test_two_publishes_at_once_send_each_file_exactly_once(
    second_waits: bool, ws: Path, index: LocalIndex
) -> None:
    """The first publish is held at its first upload (the proxy blocks it) while the second
    starts; the second waits for the lock (and then finds everything published) or, with
    no time to wait, says which process holds it. No sleeps: events and pipes only."""
    uploading, go_on = threading.Event(), threading.Event()

    def hold_first_upload(seen: Seen) -> None:
        if seen.method == "POST":
            uploading.set()
            go_on.wait(timeout=120)

    first = second = None
    with FaultServer(upstream=index.url, rule=hold_first_upload) as proxy:
        try:
            first = _start(ws, proxy.url, "60")
            first_lines = _lines(first)
            assert uploading.wait(timeout=120), _rest(first_lines)
            second = _start(ws, proxy.url, "120" if second_waits else "0")
            second_lines = _lines(second)
            seen: list[str] = []
            if second_waits:
                while "is running in this repository" not in "".join(seen[-1:]):
                    seen.append(second_lines.get(timeout=120))
                    assert seen[-1], "".join(seen)  # it ended without waiting
            else:
                assert second.wait(timeout=120) == 1
            go_on.set()
            first_out, second_out = _rest(first_lines), "".join(seen) + _rest(second_lines)
            assert first.wait(timeout=120) == 0, first_out
            posted = [s.filename for s in proxy.seen if s.method == "POST"]
        finally:
            go_on.set()
            for proc in (first, second):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.wait()
    assert (
        sorted(posted)
        == sorted(set(posted))
        == [
            "demo_core-0.1.0-py3-none-any.whl",
            "demo_core-0.1.0.tar.gz",
        ]
    )
    holder = f"`relnox publish` (pid {first.pid}, started "
    assert holder in second_out, second_out
    if second_waits:
        assert second.wait(timeout=120) == 0, second_out
        assert "already published" in second_out
    else:
        assert "relnox: error: another relnox command is running in this repository" in second_out
        assert "waited 0s (RELNOX_LOCK_WAIT)" in second_out
