"""A build's scratch directories, removed beside the builds rather than in their way.

Each package's build leaves an unpacked sdist (hundreds of files and directories) that
goes as soon as its build ends, so a run of 500 packages never holds them all. Removing
it is file-system work (on a 7-member workspace, 2 cores, loaded: 140 ``rmdir`` calls took 0.55 s)
that held up the build's worker before it could start the next package. A
:class:`Sweeper` takes the directory off its path at once, with one rename into its
``bin`` (in the same directory, so on the same file system), and a thread of its own
removes what is there; :meth:`Sweeper.close` waits for it, so nothing is left when the
run ends. Where the rename fails, the directory is removed at once, as before.
"""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import threading
from pathlib import Path


class Sweeper:
    """Removes the directories it is given, one after another, in a thread of its own."""

    def __init__(self, bin: Path) -> None:
        self.bin = bin
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._names = itertools.count()
        self._guard = threading.Lock()

    def sweep(self, path: Path) -> None:
        """Take ``path`` (a directory) away now; its files go in the background."""
        moved = self.bin / f"{next(self._names)}-{path.name}"
        try:
            self.bin.mkdir(parents=True, exist_ok=True)
            os.rename(path, moved)
        except OSError:  # no bin, or another file system: removed here and now
            shutil.rmtree(path, ignore_errors=True)
            return
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="relnox-sweeper", daemon=True
                )
                self._thread.start()
        self._queue.put(moved)

    def _work(self) -> None:
        while (path := self._queue.get()) is not None:
            shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        """Wait until everything given is removed (the bin too)."""
        with self._guard:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()
        shutil.rmtree(self.bin, ignore_errors=True)
