"""[tool.relnox.network] and the stall watchdog, on real cheap child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relnox import _proc as proc
from relnox.config import load_config
from relnox.errors import ConfigError
from relnox.tools.network import NetworkSettings, network_settings
from relnox.tools.upload import STALL, twine_classify


def test_defaults_end_a_hung_upload_in_minutes() -> None:
    settings = network_settings(None)
    assert settings == NetworkSettings(30.0, 120.0, 2)
    assert (settings.retries + 1) * settings.stall <= 600


def test_settings_are_read_and_checked(tmp_path: Path) -> None:
    source = tmp_path / "pyproject.toml"
    config = load_config(source, {"network": {"timeout": 5, "stall": 2.5, "retries": 0}})
    assert network_settings(config) == NetworkSettings(5.0, 2.5, 0)
    for table, message in (
        (
            {"stall": 0},
            r"stall must be a number of seconds above 0, not 0; for example stall = 120",
        ),
        ({"retries": 1.5}, r"retries must be a whole number"),
        ({"timeout": "30"}, r"timeout must be a number of seconds"),
        ({"stal": 3}, r"network\] has an unknown key 'stal'; did you mean 'stall'\?"),
        # no bound at all, or one past any clock: a wait that never ends, a backoff overflow
        ({"stall": float("inf")}, r"stall must be .*not inf; for example stall = 120.0 \(at most"),
        ({"timeout": float("nan")}, r"timeout must be .*not nan"),
        ({"timeout": 10**9}, r"timeout must be .*\(at most 86400\)"),
        ({"retries": 10**11}, r"retries must be .*\(at most 100\)"),
    ):
        with pytest.raises(ConfigError, match=message):
            network_settings(load_config(source, {"network": table}))


@pytest.mark.slow
def test_a_silent_child_is_stopped_after_the_stall_and_a_busy_one_is_not() -> None:
    started = time.monotonic()
    result = proc.run(
        [sys.executable, "-c", "import time; print('hello', flush=True); time.sleep(60)"],
        env={},
        watch=proc.Watch(0.5),
    )
    assert result.stalled and result.returncode == proc.TIMED_OUT
    assert result.output.startswith("hello")
    assert time.monotonic() - started < 30
    assert twine_classify(result) == (STALL, None)

    talker = "import time\nfor i in range(6):\n    print(i, flush=True); time.sleep(0.2)"
    result = proc.run([sys.executable, "-c", talker], env={}, watch=proc.Watch(3))
    assert (result.returncode, result.stalled) == (0, False)
    assert result.output.split() == ["0", "1", "2", "3", "4", "5"]


def test_ctrl_c_while_watching_kills_the_child_too(tmp_path: Path) -> None:
    fifo = tmp_path / "pid"
    os.mkfifo(fifo)
    child = f"import os, time; open({str(fifo)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    parent = (
        "import sys\n"
        "from relnox._proc import Watch, run\n"
        "try:\n"
        f"    run([sys.executable, '-c', {child!r}], env={{}}, watch=Watch(60))\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )
    # a test runner may start workers with SIGINT ignored, which children inherit and Python
    # then leaves ignored: give the parent the default so Ctrl-C becomes KeyboardInterrupt
    proc = subprocess.Popen(
        [sys.executable, "-c", parent],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        pid = int(fifo.read_text())  # blocks until the child runs
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone (killed and reaped by the parent)
    finally:
        proc.kill()
        proc.wait()
