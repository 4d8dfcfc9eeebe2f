"""``relnox rehearse`` in this process with each stage's CPU time and its children
(``rehearse_large.py --stages``).

    python benchmarks/_rehearse_stages.py OUT.json relnox-arguments...

Runs the command as ``python -m relnox`` would, with two things added: each release stage
(and the rehearsal's install-from-index) is timed, wall and CPU (user + system of this
process, and of the children it waited for meanwhile), and every child is reaped with
``os.wait4``, so its own CPU time (with all it waited for) is known: which programs each
stage ran, how many and what they cost. Written to ``OUT.json`` when the process ends.
Also kept: the seconds each stage spends removing directories (``shutil.rmtree``: the
fresh environments of the install checks, thousands of files each, are I/O more than
CPU), the stretches outside the stages (the clone and the local indexes' start before
the first, the temporary directory's removal after the last) and the local indexes' own
CPU: they run the whole rehearsal, serving every upload and page read of every stage,
and are reaped after the last stage.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from _trace import run_relnox

STAGES: list[dict[str, Any]] = []
CHILDREN: list[dict[str, Any]] = []
REMOVED: dict[str, float] = {}  # stage -> wall seconds in shutil.rmtree
#: stage -> [directories, files] those removals took away: on a file system that discards
#: freed blocks, each directory (and each file whose data reached the disk) costs milliseconds
GONE: dict[str, list[int]] = {}
_removing = threading.local()  # inside shutil.rmtree: its os.rmdir / os.unlink are counted
_now = ["(start)"]  # the stage running now
_started: dict[int, tuple[float, list[str]]] = {}
_lock = threading.Lock()


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _timed(name: str, act: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        _now[0] = name
        (own, children), wall = _cpu(), time.perf_counter()
        try:
            return act(*args, **kwargs)
        finally:
            _now[0] = f"(after {name})"
            own_after, children_after = _cpu()
            STAGES.append(
                {
                    "stage": name,
                    "wall": time.perf_counter() - wall,
                    "cpu self": own_after - own,
                    "cpu children": children_after - children,
                }
            )

    return run


def _watch_children() -> None:
    execute = subprocess.Popen._execute_child  # type: ignore[attr-defined]

    def started(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        execute(self, args, *rest, **kwargs)
        argv = [str(a) for a in (args if isinstance(args, list | tuple) else [args])]
        _started[self.pid] = (time.perf_counter(), argv)

    def waitpid(pid: int, flags: int) -> tuple[int, int]:
        found, status, used = os.wait4(pid, flags)
        if found:
            at, argv = _started.pop(found, (time.perf_counter(), [str(found)]))
            with _lock:
                CHILDREN.append(
                    {
                        "stage": _now[0],
                        "argv": argv[:8],
                        "wall": time.perf_counter() - at,
                        "cpu": used.ru_utime + used.ru_stime,
                    }
                )
        return found, status

    subprocess.Popen._execute_child = started  # type: ignore[attr-defined]
    os.waitpid = waitpid


def _watch_removals() -> None:
    remove, rmdir, unlink = shutil.rmtree, os.rmdir, os.unlink

    def rmtree(*args: Any, **kwargs: Any) -> None:
        at, stage = time.perf_counter(), _now[0]
        _removing.stage = stage
        try:
            remove(*args, **kwargs)
        finally:
            _removing.stage = None
            with _lock:
                REMOVED[stage] = REMOVED.get(stage, 0.0) + time.perf_counter() - at

    def counted(act: Callable[..., None], kind: int) -> Callable[..., None]:
        def run(*args: Any, **kwargs: Any) -> None:
            act(*args, **kwargs)
            stage = getattr(_removing, "stage", None)
            if stage is not None:
                with _lock:
                    GONE.setdefault(stage, [0, 0])[kind] += 1

        return run

    shutil.rmtree = rmtree  # type: ignore[assignment]
    os.rmdir, os.unlink = counted(rmdir, 0), counted(unlink, 1)


def main() -> None:
    out, args = sys.argv[1], sys.argv[2:]
    import relnox.release.pipeline as pipeline
    import relnox.release.rehearse  # noqa: F401  (the module, which the function shadows)
    from relnox.release.steps import STEPS

    rehearse = sys.modules["relnox.release.rehearse"]
    timed = tuple(replace(s, act=_timed(s.name, s.act)) for s in STEPS)
    setattr(pipeline, "STEPS", timed)  # what the pipeline's loop reads  # noqa: B010
    rehearse._final_check = _timed("install-from-index", rehearse._final_check)  # type: ignore[attr-defined]
    _watch_children()
    _watch_removals()
    started, wall = time.time(), time.perf_counter()

    def dump_too(*_: Any) -> None:
        own, children = _cpu()
        whole = {"wall": time.perf_counter() - wall, "cpu": own + children}
        with open(out + ".children", "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "stages": STAGES,
                    "children": CHILDREN,
                    "removed": REMOVED,
                    "gone": GONE,
                    "whole": whole,
                },
                fh,
            )

    import atexit

    atexit.register(dump_too)
    run_relnox(out, args, [], lambda _what: None, started)


def report(path: str, top: int = 3) -> list[str]:
    """The lines ``rehearse_large.py --stages`` prints from the file :func:`main` wrote."""
    with open(path + ".children", encoding="utf-8") as fh:
        data = json.load(fh)
    removed, gone_counts = data.get("removed", {}), data.get("gone", {})

    def counts(stages: list[str]) -> str:
        dirs = sum(gone_counts.get(s, [0, 0])[0] for s in stages)
        files = sum(gone_counts.get(s, [0, 0])[1] for s in stages)
        return f" ({dirs:,} directories, {files:,} files)" if dirs or files else ""

    lines = []
    for stage in data["stages"]:
        own, children = stage["cpu self"], stage["cpu children"]
        mine = [c for c in data["children"] if c["stage"] == stage["stage"]]
        gone = removed.get(stage["stage"], 0.0)
        lines.append(
            f"  {stage['stage']:20} {stage['wall']:6.1f}s wall  cpu {own + children:5.1f}s "
            f"(relnox {own:4.1f}s, {len(mine)} children {children:5.1f}s)"
            + (
                f"; removing directories {gone:.1f}s wall{counts([stage['stage']])}"
                if gone >= 0.05
                else ""
            )
        )
        for child in sorted(mine, key=lambda c: -c["cpu"])[:top]:
            argv = " ".join(a.rsplit("/", 1)[-1] for a in child["argv"])
            lines.append(f"      {child['cpu']:5.1f}s cpu {child['wall']:5.1f}s wall  {argv[:90]}")
    if "whole" in data:  # the clone, the indexes' start, the last removal: outside any stage
        whole = data["whole"]
        wall = whole["wall"] - sum(s["wall"] for s in data["stages"])
        cpu = whole["cpu"] - sum(s["cpu self"] + s["cpu children"] for s in data["stages"])
        elsewhere = [k for k in removed if k not in {s["stage"] for s in data["stages"]}]
        outside = sum(removed[k] for k in elsewhere)
        servers = [c for c in data["children"] if "pypiserver" in " ".join(c["argv"])]
        lines.append(
            f"  {'outside the stages':20} {wall:6.1f}s wall  cpu {cpu:5.1f}s (of which the "
            f"local indexes' own {sum(c['cpu'] for c in servers):.1f}s; removing directories "
            f"{outside:.1f}s wall{counts(elsewhere)})"
        )
        lines.append(
            f"  {'rehearse (traced)':20} {whole['wall']:6.1f}s wall  cpu {whole['cpu']:5.1f}s"
        )
    return lines


if __name__ == "__main__":
    main()
