"""``relnox publish`` in this process with timers around its stages (``publish.py --stages``).

    python benchmarks/_publish_stages.py OUT.json relnox-arguments...

Runs the command as ``python -m relnox`` would, with marks at the entry and exit of the
functions a publish goes through, and writes them (seconds since this script began) to
``OUT.json`` when the process ends, with the wall-clock times of that beginning and end:
the parent adds the interpreter's start-up before it and the teardown after it. The whole-process figures of ``publish.py`` are
timed without these timers.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from _trace import run_relnox

START, STARTED_AT = time.perf_counter(), time.time()
MARKS: list[tuple[float, str]] = []


def mark(what: str) -> None:
    MARKS.append((time.perf_counter() - START, what))


def wrap(owner: Any, name: str, label: str | None = None) -> None:
    original: Callable[..., Any] = getattr(owner, name)
    label = label or name

    def timed(*args: Any, **kwargs: Any) -> Any:
        mark(f"> {label}")
        try:
            return original(*args, **kwargs)
        finally:
            mark(f"< {label}")

    setattr(owner, name, timed)


def install() -> None:
    # the command's own imports; the run's modules, which the command loads while the
    # preflight waits on the index, load here with the rest (the imports row holds them)
    import relnox.cli  # noqa: F401
    import relnox.invoke._publish as task
    import relnox.project.discovery as discovery
    import relnox.publish.plan as plan
    import relnox.publish.report as report
    import relnox.publish.run as run
    import relnox.publish.uploader as uploader

    mark("< imports")
    wrap(task, "_publish")
    wrap(discovery, "load_workspace")
    for name in ("load_release", "refuse_stale", "check_files", "_check_artifacts"):
        wrap(plan, name)
    for name in ("against_index", "choose_transport"):
        wrap(plan, name)
    # the run's functions, imported by plan where they are used: wrapped where they live
    wrap(run, "upload_all")
    wrap(report, "write_report")
    wrap(run, "wait_visible")
    wrap(uploader.PackageUploader, "send", "upload child")


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    install()
    run_relnox(out, args, MARKS, mark, STARTED_AT)


if __name__ == "__main__":
    main()
