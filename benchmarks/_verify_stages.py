"""``relnox verify-install`` in this process with timers around its stages
(``verify_install.py --stages``).

    python benchmarks/_verify_stages.py OUT.json relnox-arguments...

Runs the command as ``python -m relnox`` would, its modules imported when the command
imports them (a finder on ``sys.meta_path`` puts the timers on each module's functions
as it is loaded, so the imports stay where they are, as in a real run), and writes the marks (seconds since this script began, with
the thread that made each) to ``OUT.json`` when the process ends, with the wall-clock
times of that beginning and end: the parent adds the interpreter's start-up before it and
the teardown after it. The whole-process figures of ``verify_install.py`` are timed
without these timers.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from _trace import run_relnox

START, STARTED_AT = time.perf_counter(), time.time()
MARKS: list[tuple[float, str, str]] = []

#: module -> the functions (``name`` or ``Class.name``) timed in it, with their labels
TIMED: dict[str, list[tuple[str, str]]] = {
    "relnox.invoke._verify": [("_verify", "verify")],
    "relnox.project.discovery": [("load_workspace", "workspace")],
    "relnox.verify.plan": [("plan_verify", "plan (hashes, stale-build check, facts)")],
    "relnox.tools.envs": [("create_environment", "environment")],
    "relnox.verify.run": [
        ("run_plan", "run"),
        ("_RoundRun._check", "check"),
        ("_RoundRun._install", "install"),
    ],
    "relnox._proc": [("run", "child")],
}


def mark(what: str) -> None:
    MARKS.append((time.perf_counter() - START, threading.current_thread().name, what))


def _wrap(owner: Any, name: str, label: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        what = label
        if label == "child" and args:  # the program a child runs
            argv: Sequence[str] = args[0]
            what = f"child {' '.join(str(a).rsplit('/', 1)[-1] for a in list(argv)[:3])}"
        mark(f"> {what}")
        try:
            return original(*args, **kwargs)
        finally:
            mark(f"< {what}")

    setattr(owner, name, timed)


class _Timers(importlib.abc.MetaPathFinder):
    """Puts the timers of :data:`TIMED` on a module right after it is executed."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in TIMED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            for dotted, label in TIMED[fullname]:
                owner: Any = module
                *parents, name = dotted.split(".")
                for parent in parents:
                    owner = getattr(owner, parent)
                _wrap(owner, name, label)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    sys.meta_path.insert(0, _Timers())
    # the scratch directories (the environments, thousands of files each) deleted
    _wrap(tempfile.TemporaryDirectory, "cleanup", "delete scratch directory")
    run_relnox(out, args, MARKS, mark, STARTED_AT)


if __name__ == "__main__":
    main()
