"""Work started ahead in daemon threads: answers in order, the first error in order, and a
caller that stops first is neither held nor talked over."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

import pytest

from relnox.publish.ahead import Ahead


def test_answers_come_in_the_order_of_the_items_whichever_finishes_first() -> None:
    first_may_end = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            assert first_may_end.wait(timeout=30)
        elif n == 5:
            first_may_end.set()  # the first item ends only after a later one ran
        return n * n

    with Ahead(work, range(6), 3) as ahead:
        assert ahead.result() == [0, 1, 4, 9, 16, 25]
    no_items: list[int] = []
    with Ahead(work, no_items, 4) as empty:
        assert empty.result() == []


def test_the_first_failure_in_the_order_of_the_items_is_raised() -> None:
    later_failed = threading.Event()

    def work(n: int) -> int:
        if n == 3:
            later_failed.set()
            raise ValueError("three")
        if n == 1:
            assert later_failed.wait(timeout=30)  # 3 fails before 1 does
            raise KeyError("one")
        return n

    with pytest.raises(KeyError, match="one"), Ahead(work, range(4), 4) as ahead:
        ahead.result()


def test_a_caller_that_stops_first_hears_nothing_more_from_the_threads(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="relnox")
    go_on = threading.Event()

    def work(n: int) -> int:
        assert go_on.wait(timeout=30)
        logging.getLogger("relnox").warning("late word %d", n)
        return n

    with pytest.raises(RuntimeError, match="local check"), Ahead(work, [1, 2], 2) as ahead:
        raise RuntimeError("a local check failed")
    logging.getLogger("relnox").warning("the caller goes on")
    go_on.set()
    assert ahead.result() == [1, 2]  # they ended; what they said was dropped
    assert "late word" not in caplog.text and "the caller goes on" in caplog.text
    logging.getLogger("relnox").warning("after them")
    assert "after them" in caplog.text  # the filter went with them
    assert not logging.getLogger("relnox").filters


def test_threads_still_waiting_never_hold_the_process() -> None:
    code = (
        "import threading; from relnox.publish.ahead import Ahead\n"
        "with Ahead(lambda n: threading.Event().wait(), [1, 2], 2):\n"
        "    raise SystemExit('stopped: a local check failed')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.strip() == "stopped: a local check failed"
