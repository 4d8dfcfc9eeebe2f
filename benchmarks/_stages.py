"""Where a cold ``build-all`` spends its time, stage by stage (``build_all.py --stages``).

One cold build runs in this process with timers around relnox's own functions (the
whole-process figures of ``build_all.py`` are timed without them). Each stage's time is
summed over the worker threads, so with ``--jobs`` above 1 the stages add up to more
than the wall clock; the wall clock of the run and the worker-seconds it offered
(``jobs x`` the build phase) are printed beside them, the rest being idle slots.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

STAGES = (
    ("workspace", "load the workspace (pyprojects, tags)"),
    ("plan", "plan: inputs, epochs, what to reuse"),
    ("env create", "make build environments (uv venv + install)"),
    ("env wait", "a package waiting for its environment"),
    ("hook requires", "hook processes: get_requires_for_build_*"),
    ("hook build", "hook processes: build_sdist / build_wheel"),
    ("unpack", "unpack the sdist for the wheel"),
    ("normalise", "sdist links resolved and normalised (SOURCE_DATE_EPOCH)"),
    ("checks", "checks of every file (twine's and more)"),
    ("fingerprint", "inputs read again after the build"),
    ("manifest", "write the manifest"),
)


class _Clock:
    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self.lock = threading.Lock()
        self.spans: dict[str, list[float]] = {}  # stage -> [first start, last end]
        self.hooks: list[tuple[float, float]] = []  # each hook process: start, end

    def add(self, stage: str, start: float, end: float) -> None:
        with self.lock:
            if stage.startswith("hook"):
                self.hooks.append((start, end))
            self.total[stage] = self.total.get(stage, 0.0) + end - start
            span = self.spans.setdefault(stage, [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)

    def wrap(
        self, owner: Any, name: str, stage: str | Callable[..., str | None]
    ) -> Callable[[], None]:
        """Time ``owner.name`` as ``stage`` (or as what ``stage(*args)`` names; None: not)."""
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                which = stage if isinstance(stage, str) else stage(*args)
                if which is not None:
                    self.add(which, start, time.perf_counter())

        setattr(owner, name, timed)
        return lambda: setattr(owner, name, original)


def _hook(log: Any, argv: Sequence[str], *args: Any, **kwargs: Any) -> str | None:
    """The stage of a process a build's log runs: a hook (by its name), else none."""
    if len(argv) > 2 and "_in_process" in str(argv[1]):
        return "hook requires" if str(argv[2]).startswith("get_requires") else "hook build"
    return None


def _forked(servers: Any, env: Any, argv: Sequence[str], *args: Any, **kwargs: Any) -> str | None:
    """The stage of a hook a hook server forks (its start included, for the first hook of an
    environment): as :func:`_hook` has it."""
    return _hook(None, argv)


@contextlib.contextmanager
def _timers(clock: _Clock) -> Iterator[None]:
    import relnox.artifacts.reproducible as reproducible
    import relnox.builds.backend as backend
    import relnox.builds.envpool as envpool
    import relnox.builds.hook_server as hook_server
    import relnox.builds.run as run

    undo = [
        clock.wrap(run, "load_workspace", "workspace"),
        clock.wrap(run, "plan_build", "plan"),
        clock.wrap(envpool.EnvPool, "_create", "env create"),
        clock.wrap(backend.PackageBuilder, "_env", "env wait"),
        clock.wrap(envpool.OutputLog, "run", _hook),  # the hook processes themselves
        clock.wrap(hook_server.HookServers, "run", _forked),  # or the hooks forked for them
        clock.wrap(backend, "unpack_sdist", "unpack"),
        clock.wrap(backend, "shipped_sdist", "normalise"),  # links resolved, bytes normalised
        clock.wrap(reproducible.Shipped, "write", "normalise"),  # beside the wheel's build
        clock.wrap(run, "check_for_record", "checks"),
        clock.wrap(run._Run, "_inputs", "fingerprint"),
        clock.wrap(run, "_write_manifest", "manifest"),
    ]
    try:
        yield
    finally:
        for restore in reversed(undo):
            restore()


def report(root: Path, out: Path, packages: Sequence[str], jobs: int) -> None:
    """Build ``packages`` of ``root`` cold into ``out`` in this process; print the stages."""
    from relnox.builds.run import BuildOptions, build_all

    clock = _Clock()
    with _timers(clock):
        start = time.perf_counter()
        result = build_all(root, BuildOptions(packages=packages, out=out, jobs=jobs or None))
        wall = time.perf_counter() - start
    result.raise_for_failures()
    phase = result.seconds  # execute: the build phase, after loading and planning
    print(f"\nwhere a cold build's time goes ({len(result.outcomes)} packages, in-process):")
    for stage, label in STAGES:
        seconds = clock.total.get(stage, 0.0)
        print(f"  {stage:14} {seconds:6.2f}s  {label}")
    hooks = [clock.spans[s] for s in ("hook requires", "hook build") if s in clock.spans]
    if hooks:  # the critical path: nothing but start-up before the first hook, the tail after
        first, last = min(h[0] for h in hooks) - start, max(h[1] for h in hooks) - start
        print(
            f"  first hook starts at {first:.2f}s (imports excluded: the workspace, the plan, "
            f"the first environment); the last hook ends at {last:.2f}s, "
            f"{wall - last:.2f}s before the end"
        )
    if clock.hooks:
        jobs = result.plan.jobs
        short = _fewer_than(clock.hooks, jobs)
        print(
            f"  from the first hook to the last: {short:.2f}s with fewer than {jobs} hook "
            "process(es) running (a core left idle by the build)"
        )
    print(
        f"  wall {wall:.2f}s; build phase {phase:.2f}s x {result.plan.jobs} job(s) = "
        f"{phase * result.plan.jobs:.2f} worker-seconds (env wait and hooks overlap: "
        "a hook waits for its environment)"
    )


def _fewer_than(intervals: Sequence[tuple[float, float]], count: int) -> float:
    """Seconds between the first start and the last end with fewer than ``count`` running."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running, since, short = 0, edges[0][0], 0.0
    for at, step in edges:
        if running < count:
            short += at - since
        running, since = running + step, at
    return short
