"""Run jobs of a dependency graph in parallel, the longest chain first, then the largest; a
failed job's dependents are skipped. With ``finish``, a job starts at once and
``finish(name, value)`` makes its outcome in order, once its dependencies have finished."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Generic, TypeVar

from relnox.errors import RelnoxError
from relnox.stage import Status

T = TypeVar("T")


class JobStatus(Status):
    """How one scheduled job ended."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # a dependency failed or was skipped
    NOT_RUN = "not run"  # stopped after another job failed (no --keep-going)


OK, FAILED, SKIPPED, NOT_RUN = JobStatus.OK, JobStatus.FAILED, JobStatus.SKIPPED, JobStatus.NOT_RUN


@dataclass(frozen=True)
class Outcome(Generic[T]):
    status: JobStatus
    value: T | None = None
    error: RelnoxError | None = None
    reason: str = ""


def run_graph(
    order: Sequence[str],
    deps: Mapping[str, Sequence[str]],
    work: Callable[[str], T],
    *,
    jobs: int,
    keep_going: bool = False,
    finish: Callable[[str, T], T] | None = None,
    size: Mapping[str, int] | None = None,
) -> dict[str, Outcome[T]]:
    """Run ``work(name)`` for every name of ``order`` (dependencies first); the outcomes."""
    inside = set(order)
    needs = {name: [d for d in deps.get(name, ()) if d in inside and d != name] for name in order}
    waits = needs if finish is None else dict.fromkeys(order, ())  # before it starts
    height = dict.fromkeys(order, 1)  # the longest chain of dependents from each (a leaf: 1)
    for name in reversed(order):  # dependents come after their dependencies in ``order``
        for dep in waits[name]:
            height[dep] = max(height[dep], height[name] + 1)
    sizes = size or {}
    # the longest chain first (of jobs that start at once, each is one), then the largest
    pending = sorted(order, key=lambda n: (-height[n], -sizes.get(n, 0)))
    done: dict[str, Outcome[T]] = {}
    held: dict[str, T] = {}  # worked, waiting to finish after its dependencies (``finish``)
    running: dict[Future[T], str] = {}
    stop = False

    def failed(name: str, exc: RelnoxError) -> None:
        nonlocal stop
        done[name] = Outcome(FAILED, error=exc, reason=str(exc).splitlines()[0])
        stop = stop or not keep_going

    def skipped(name: str) -> bool:
        bad = [d for d in needs[name] if d in done and done[d].status != OK]
        if bad:
            why = "failed" if done[bad[0]].status == FAILED else f"was {done[bad[0]].status}"
            done[name] = Outcome(SKIPPED, reason=f"needs {bad[0]}, which {why}")
        return bool(bad)

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="relnox-build") as pool:

        def start() -> None:
            for name in list(pending):
                if skipped(name):
                    pending.remove(name)
                elif stop:
                    done[name] = Outcome(NOT_RUN, reason="stopped after a failure")
                    pending.remove(name)
                elif len(running) < jobs and all(d in done for d in waits[name]):
                    pending.remove(name)
                    running[pool.submit(work, name)] = name

        start()
        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                try:
                    value = future.result()
                except RelnoxError as exc:
                    failed(name, exc)
                    continue
                if finish is None:
                    done[name] = Outcome(OK, value=value)
                else:
                    held[name] = value
            start()  # before the held jobs are finished: a worker never waits for that
            # the held jobs whose dependencies have all ended (finished or not)
            while finish is not None and (
                ready := [n for n in held if all(d in done for d in needs[n])]
            ):
                for name in ready:
                    if skipped(name):
                        del held[name]
                        continue
                    try:
                        done[name] = Outcome(OK, value=finish(name, held.pop(name)))
                    except RelnoxError as exc:
                        failed(name, exc)
    for name in [*pending, *held]:  # its dependencies form a cycle
        done[name] = Outcome(SKIPPED, reason="its dependencies form a cycle")
    return {name: done[name] for name in order}
