"""Progress of the long stages: a live status line on a terminal, a line at the half in a CI
log, every line with ``-v``, from log records the core marks (``extra=finished(...)``)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any

#: a finding, a warning, a row or a version move shared by this many packages or more is
#: said once with its count (relnox.report, relnox.log.Repeats)
MANY = 4

#: the attribute a marked record carries: (stage, item, total or None, "start"/"done")
ITEM = "relnox_item"


def started(stage: str, name: str, total: int) -> dict[str, Any]:
    """``extra`` of the record that says ``name``, one of ``total`` items, has started."""
    return {ITEM: (stage, name, total, "start")}


def finished(stage: str, name: str, total: int | None = None) -> dict[str, Any]:
    """``extra`` of the record that says ``name`` is done (counted once, however often)."""
    return {ITEM: (stage, name, total, "done")}


def doing(stage: str, total: int) -> dict[str, Any]:
    """``extra`` of a record saying what ``stage`` (of ``total`` items) does now."""
    return {ITEM: (stage, "", total, "doing")}


def detail(stage: str) -> dict[str, Any]:
    """``extra`` of a record shown only with ``-v`` (a long list a summary line counts)."""
    return {ITEM: (stage, "", None, "detail")}


@dataclass
class _Stage:
    total: int = 0
    running: dict[str, float] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    shown: int = 0  # halves printed (plain lines)
    doing: tuple[str, float] | None = None  # what runs now, since when (a "doing" record)


class Status(logging.Filter):
    """Marked records become the status of their stage; others pass, the live line cleared."""

    def __init__(self, stream: IO[str], live: bool) -> None:
        super().__init__()
        self.stream, self.live = stream, live
        self.stages: dict[str, _Stage] = {}
        self.drawn = False
        self.lock = threading.Lock()  # logging calls a handler's filters before its lock

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:  # the stages' builds and uploads log from threads of their own
            return self._filter(record)

    def _filter(self, record: logging.LogRecord) -> bool:
        item = getattr(record, ITEM, None)
        if item is None:
            self.clear()
            return True
        stage, name, total, what = item
        if what == "detail" or (what == "doing" and not self.live):
            return bool(what == "doing")  # in a log, what runs now is a line of its own
        now = time.monotonic()
        state = self.stages.setdefault(stage, _Stage())
        complete = state.total and len(state.done) >= state.total and not state.running
        if (what == "start" and name in state.done) or (complete and name not in state.done):
            self.stages[stage] = state = _Stage()  # the stage again (the next index, a rerun)
        state.total = max(state.total, total or 0)
        if what == "doing":
            state.doing = (record.getMessage(), now)
        elif what == "start":
            state.running[name] = now
        else:
            state.running.pop(name, None)
            state.done.add(name)
        line = self.line(stage, state, now)
        if self.live:
            self._write("\r\x1b[K" + line)
            self.drawn = True
            if not state.running and state.total and len(state.done) >= state.total:
                self.clear()
        elif what == "done" and state.total and len(state.done) < state.total:
            # at the half: a sign of life; the end is the stage's own closing line
            half = 2 * len(state.done) // state.total
            if half > state.shown:
                state.shown = half
                self._write(line + "\n")
        return False

    def _write(self, text: str) -> None:
        """``text`` on the stream, now; a stream closed or gone says nothing (as logging's)."""
        with contextlib.suppress(OSError, ValueError):
            self.stream.write(text)
            self.stream.flush()

    @staticmethod
    def line(stage: str, state: _Stage, now: float) -> str:
        text = f"{stage}: {len(state.done)}/{state.total or '?'} done"
        if state.running:
            slowest = min(state.running, key=lambda n: state.running[n])
            text += f"; slowest running: {slowest} ({now - state.running[slowest]:.0f}s)"
        elif state.doing:
            text += f"; now: {state.doing[0]}"
        return text

    def clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False


def live(stream: IO[str]) -> bool:
    """A terminal someone watches: ``stream`` a tty and no ``CI`` variable set."""
    return not os.environ.get("CI") and bool(getattr(stream, "isatty", lambda: False)())


def attach(handler: logging.StreamHandler[Any], verbose: int = 0) -> None:
    """Put a :class:`Status` on ``handler`` (none with ``-v``: every line as it comes)."""
    for old in [f for f in handler.filters if isinstance(f, Status)]:
        handler.removeFilter(old)
    if not verbose:
        handler.addFilter(Status(handler.stream, live(handler.stream)))
