"""_proc.run's watched path (output streamed to a callback) on real cheap children."""

from __future__ import annotations

import sys

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
