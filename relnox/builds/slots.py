"""How many hook processes run at once: ``--jobs``, however many packages are in flight.

A package's build is a chain of hook processes (the sdist's ``get_requires`` and build,
then the wheel's from the unpacked sdist) with relnox's own work between and after them
(unpacking, normalising, checks, the fingerprint). With one package per job, a job's
core idled during that work, and at the end of the run while the last package started
ran its whole chain alone. So without ``--test`` ``build_all`` keeps twice ``--jobs``
packages in flight and lets ``--jobs`` of their hook processes run at once: a freed slot
goes to the waiting hook of the package with the most hooks still to run (the fewest
run so far), then to the earliest in the build order (the head of the longest chain, as
:func:`relnox.schedule.run_graph` orders them). Packages in flight thus move in step and
the last ones end together.

Measured on a workspace of 7 members on pdm-backend (2 CPUs, shared with other work), the
time between the first hook and the last with fewer than 2 hook processes running
(a core the build left idle; medians of 5): one package per job 0.46 s; 3 in flight
by build order 0.22-0.46 s; 4 in flight by build order 0.31 s, by hooks still to run
0.04-0.07 s; all 7 in flight 0.07 s.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
from collections.abc import Iterator

#: compared as tuples: the lowest is given a slot first
Priority = tuple[int, ...]


class Slots:
    """``count`` slots for hook processes, handed out by priority (lowest first, then
    first come)."""

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self._free = self.count
        self._waiting: list[tuple[Priority, int]] = []  # (priority, ticket), a heap
        self._tickets = itertools.count()
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        """How many are waiting for a slot."""
        with self._changed:
            return len(self._waiting)

    @contextlib.contextmanager
    def hold(self, priority: Priority = ()) -> Iterator[None]:
        """Hold a slot while the block runs (waits for one, by ``priority``)."""
        with self._changed:
            me = (priority, next(self._tickets))
            heapq.heappush(self._waiting, me)
            self._changed.notify_all()  # for wait_for_waiting
            while not (self._free and self._waiting[0] == me):
                self._changed.wait()
            heapq.heappop(self._waiting)
            self._free -= 1
            self._changed.notify_all()  # the next in line may take another free slot
        try:
            yield
        finally:
            with self._changed:
                self._free += 1
                self._changed.notify_all()

    def wait_for_waiting(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` are waiting for a slot (a test's synchronisation)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._waiting) >= count, timeout)
