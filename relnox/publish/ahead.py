"""Work started ahead, in daemon threads, while the caller does something else: the
index's answers a publish's preflight needs, asked while the files are checked here.

The caller takes the answers with :meth:`Ahead.result` (the first failure, in the order
of the items, is raised there, as a serial loop would raise it). A caller that stops
first (a local check failed) leaves the ``with`` block with its error: the threads'
remaining log records are dropped, so the error stays the last thing said, and being
daemon threads they never hold the process while an index is slow to answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

logger = logging.getLogger("relnox")

K = TypeVar("K")
T = TypeVar("T")


class Ahead(Generic[K, T]):
    """``work(item)`` for each of ``items``, at most ``workers`` at a time, started now."""

    def __init__(
        self, work: Callable[[K], T], items: Sequence[K], workers: int, name: str = "relnox-ahead"
    ) -> None:
        self._work = work
        self._items = list(items)
        self._answers: dict[int, T] = {}
        self._errors: dict[int, BaseException] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._running = max(1, min(workers, len(self._items)))
        self._threads: set[int] = set()
        self._abandoned = False
        self._started: list[threading.Thread] = []
        if not self._items:
            self._done.set()
            return
        for _ in range(self._running):
            thread = threading.Thread(target=self._loop, name=name, daemon=True)
            thread.start()
            self._started.append(thread)

    def _loop(self) -> None:
        with self._lock:
            self._threads.add(threading.get_ident())
        while True:
            with self._lock:
                position, self._next = self._next, self._next + 1
            if position >= len(self._items):
                break
            try:
                self._answers[position] = self._work(self._items[position])
            except BaseException as exc:
                self._errors[position] = exc
        with self._lock:
            self._threads.discard(threading.get_ident())  # an ident is reused after its end
            self._running -= 1
            if self._running == 0:
                self._done.set()
                if self._abandoned:
                    logger.removeFilter(self._quiet)

    def result(self) -> list[T]:
        """Every answer, in the order of the items, once all are in (or the first error)."""
        self._done.wait()
        if self._errors:
            raise self._errors[min(self._errors)]
        return [self._answers[i] for i in range(len(self._items))]

    def join(self) -> None:
        """Wait until every thread has ended (a caller that leaves nothing running)."""
        for thread in self._started:
            thread.join()

    def _quiet(self, record: logging.LogRecord) -> bool:
        return record.thread not in self._threads

    def abandon(self) -> None:
        """The caller stopped: nothing the threads still log is shown."""
        with self._lock:
            if self._abandoned or self._done.is_set():
                return
            self._abandoned = True
            logger.addFilter(self._quiet)

    def __enter__(self) -> Ahead[K, T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.abandon()
