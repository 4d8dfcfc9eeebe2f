"""Pair-by-pair timing of whole processes, shared by the benchmarks.

Each round runs A then B (the order alternating from round to round), so a drift of the
machine's speed hits both sides of a pair; the ratio A/B is taken pair by pair and
printed as min, median and max, with the load average before and after.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

#: CPU seconds (user + system) of each side's child processes, run by run, kept by
#: :func:`paired`: on a shared machine whose load changes from second to second, the CPU
#: a side spends is steadier than its wall time, and :func:`report` prints both ratios
CPU: dict[str, list[float]] = {"a": [], "b": []}


def load() -> str:
    """The 1-minute load average and the CPU count, for the printed figures."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return f"load unknown, {os.cpu_count()} CPUs"
    return f"load {one:.2f} (1 min) {five:.2f} (5 min), {os.cpu_count()} CPUs"


def bytecode_note() -> str:
    """Whether this interpreter writes ``__pycache__``: a user's wheel install of relnox
    has it compiled; an editable checkout under ``PYTHONDONTWRITEBYTECODE`` recompiles
    every module of relnox on every start (run ``python -m compileall -q relnox`` first)."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "bytecode writing off (PYTHONDONTWRITEBYTECODE): compile relnox first"
    return "bytecode writing on"


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object], side: str | None = None) -> float:
    cpu = children_cpu()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    if side is not None:
        CPU[side].append(children_cpu() - cpu)
    return seconds


def paired(
    a: Callable[[], object], b: Callable[[], object], runs: int, *, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Seconds of ``runs`` runs of ``a`` and of ``b``, in pairs, after ``warmup`` each (the
    CPU seconds of this pairing alone are kept in :data:`CPU`)."""
    CPU["a"].clear()
    CPU["b"].clear()
    for _ in range(warmup):
        a()
        b()
    times_a: list[float] = []
    times_b: list[float] = []
    for round_ in range(runs):
        if round_ % 2:
            tb, ta = timed(b, "b"), timed(a, "a")
        else:
            ta, tb = timed(a, "a"), timed(b, "b")
        times_a.append(ta)
        times_b.append(tb)
        print(f"  round {round_ + 1}: A {ta:.3f}s  B {tb:.3f}s  A/B {ta / tb:.2f}", flush=True)
    return times_a, times_b


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f}"


def report(label_a: str, label_b: str, times: tuple[list[float], list[float]]) -> float:
    """Print each side and the pair-by-pair ratio; return the median ratio."""
    times_a, times_b = times
    ratios = [ta / tb for ta, tb in zip(times_a, times_b, strict=True)]
    print(f"A {label_a}: {spread(times_a)} s")
    print(f"B {label_b}: {spread(times_b)} s")
    print(f"A/B pair by pair ({len(ratios)} pairs): {spread(ratios)}; {load()}")
    if len(CPU["a"]) == len(CPU["b"]) == len(ratios):
        cpu = [ca / cb for ca, cb in zip(CPU["a"], CPU["b"], strict=True) if cb > 0]
        print(
            f"CPU seconds of the children: A {spread(CPU['a'])}; B {spread(CPU['b'])}; "
            f"A/B pair by pair: {spread(cpu)} (steadier than wall time on a busy machine)"
        )
    return statistics.median(ratios)


def relnox_command() -> list[str]:
    """The ``relnox`` console script of this interpreter's environment (what a user types),
    else ``python -m relnox``."""
    script = Path(sys.executable).parent / "relnox"
    return [str(script)] if script.exists() else [sys.executable, "-m", "relnox"]
