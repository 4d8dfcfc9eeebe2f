"""The dependency-graph scheduler behind build_all (pure: real threads, no builds)."""

from __future__ import annotations

import threading

import pytest

from relnox.errors import BuildError
from relnox.schedule import FAILED, NOT_RUN, OK, SKIPPED, run_graph

#  a <- b <- c     d (independent)     e <- f
ORDER = ["a", "b", "c", "d", "e", "f"]
DEPS = {"b": ["a"], "c": ["b", "a"], "f": ["e"]}


class Recorder:
    """Records what started and finished; the jobs named in ``meet`` wait for each other
    (a barrier), so they pass only when the scheduler runs them at the same time."""

    def __init__(
        self, fail: frozenset[str] = frozenset(), meet: frozenset[str] = frozenset()
    ) -> None:
        self.fail = fail
        self.meet = meet
        self.barrier = threading.Barrier(max(len(meet), 1), timeout=30)
        self.lock = threading.Lock()
        self.started: list[str] = []
        self.finished: list[str] = []
        self.running = 0
        self.most = 0

    def __call__(self, name: str) -> str:
        with self.lock:
            self.started.append(name)
            self.running += 1
            self.most = max(self.most, self.running)
        if name in self.meet:
            self.barrier.wait()
        with self.lock:
            self.running -= 1
            self.finished.append(name)
        if name in self.fail:
            raise BuildError(f"{name} broke")
        return name.upper()


def test_every_job_runs_after_its_dependencies_in_parallel() -> None:
    work = Recorder(meet=frozenset({"a", "e"}))  # the heads of the two longest chains
    outcomes = run_graph(ORDER, DEPS, work, jobs=2)
    assert {n: o.status for n, o in outcomes.items()} == dict.fromkeys(ORDER, OK)
    assert outcomes["c"].value == "C"
    for name, deps in DEPS.items():
        for dep in deps:
            assert work.finished.index(dep) < work.started.index(name)
    assert work.most == 2


def test_the_longest_chain_starts_first() -> None:
    work = Recorder()
    run_graph(ORDER, DEPS, work, jobs=1)
    # a heads a chain of 3, b and e chains of 2; ties keep the given order
    assert work.started == ["a", "b", "e", "c", "d", "f"]


def test_keep_going_skips_dependents_and_builds_the_rest() -> None:
    work = Recorder(fail=frozenset({"b"}))
    outcomes = run_graph(ORDER, DEPS, work, jobs=2, keep_going=True)
    status = {n: o.status for n, o in outcomes.items()}
    assert status == {"a": OK, "b": FAILED, "c": SKIPPED, "d": OK, "e": OK, "f": OK}
    assert outcomes["c"].reason == "needs b, which failed"
    assert isinstance(outcomes["b"].error, BuildError) and "b broke" in outcomes["b"].reason
    assert "c" not in work.started


def test_without_keep_going_the_first_failure_stops_new_jobs() -> None:
    work = Recorder(fail=frozenset({"a"}))
    outcomes = run_graph(ORDER, DEPS, work, jobs=1)
    assert outcomes["a"].status == FAILED
    assert work.started == ["a"]
    assert {outcomes[n].status for n in "bcdef"} <= {SKIPPED, NOT_RUN}
    assert outcomes["d"].status == NOT_RUN


def test_a_bug_is_not_swallowed() -> None:
    def work(name: str) -> None:
        raise ZeroDivisionError(name)

    with pytest.raises(ZeroDivisionError):
        run_graph(["x"], {}, work, jobs=1)


def test_dependencies_outside_the_selection_are_ignored() -> None:
    outcomes = run_graph(["c"], DEPS, Recorder(), jobs=4)
    assert outcomes["c"].status == OK


def test_with_finish_a_job_starts_at_once_and_finishes_after_its_dependencies() -> None:
    b_started = threading.Event()
    work = Recorder()
    finished: list[str] = []

    def started_at_once(name: str) -> str:
        if name == "b":
            b_started.set()
        if name == "a":  # b needs a, and starts while a is still running
            assert b_started.wait(timeout=30)
        return work(name)

    def finish(name: str, value: str) -> str:
        finished.append(name)
        return value + "!"

    outcomes = run_graph(ORDER, DEPS, started_at_once, jobs=2, finish=finish)
    assert {n: o.value for n, o in outcomes.items()} == {n: n.upper() + "!" for n in ORDER}
    for name, deps in DEPS.items():
        for dep in deps:
            assert finished.index(dep) < finished.index(name)


def test_with_finish_a_job_whose_dependency_failed_is_skipped_unfinished() -> None:
    finished: list[str] = []

    def finish(name: str, value: str) -> str:
        finished.append(name)
        return value

    outcomes = run_graph(
        ORDER, DEPS, Recorder(fail=frozenset({"a"})), jobs=2, keep_going=True, finish=finish
    )
    status = {n: o.status for n, o in outcomes.items()}
    assert status == {"a": FAILED, "b": SKIPPED, "c": SKIPPED, "d": OK, "e": OK, "f": OK}
    assert outcomes["b"].reason == "needs a, which failed"
    assert sorted(finished) == ["d", "e", "f"]


def test_with_finish_the_largest_job_starts_first() -> None:
    """Jobs that start at once start by size, the largest first (the one that ends last
    when it starts last); no size, the given order."""
    work = Recorder()
    run_graph(ORDER, DEPS, work, jobs=1, finish=lambda _, v: v, size={"f": 10, "c": 5})
    assert work.started == ["f", "c", "a", "b", "d", "e"]


def test_a_freed_worker_takes_its_next_job_before_the_finished_one_is_finished() -> None:
    b_started = threading.Event()
    work = Recorder()

    def started(name: str) -> str:
        if name == "b":
            b_started.set()
        return work(name)

    def finish(name: str, value: str) -> str:
        if name == "a":  # b starts while a is finished (its files put into dist/)
            assert b_started.wait(timeout=30)
        return value

    outcomes = run_graph(["a", "b"], {}, started, jobs=1, finish=finish)
    assert {n: o.status for n, o in outcomes.items()} == {"a": OK, "b": OK}
