"""How relnox's cost grows with the number of packages.

    python benchmarks/scale.py                      # sizes 1,10,40: a quick run
    python benchmarks/scale.py --big                # sizes 1,50,200,500 (real builds: long)
    python benchmarks/scale.py --sizes 1,50,200     # any sizes
    python benchmarks/scale.py --no-build           # packages, plan and bump only
    python benchmarks/scale.py --keep DIR           # the workspaces kept in DIR (profiling)

For each size a generated workspace (:func:`relnox.sample.generated_specs`, a third of
the packages requiring the one before them) is written and committed; then the real
commands run in a child process each, as a user runs them:

* ``relnox packages``, ``relnox plan``, ``relnox plan --shards 8``, ``relnox bump --part
  minor --dry-run``: the best of ``--runs`` after one warm-up;
* ``relnox build-all`` cold (a fresh output directory; once per size) and with nothing
  changed (the same directory again: every package reused; best of ``--runs``);
* ``relnox verify-install --offline`` of what was built (best of ``--runs``);
* ``relnox publish`` of it to a fresh local index each run (pypiserver on 127.0.0.1;
  best of ``--runs``).

Prints a table of seconds per task and size, then per task the ratio of each size to
the one before it, against an allowance of ``--per-4x`` (2.2: a task may take 2.2 times
as long for 4 times the packages) scaled to the pair's count ratio (``2.2 ** log4(ratio)``).

Two readings of the target, and each line says which one it meets:

* literal: the time grows by at most the allowance (2.2x per 4x packages). A task whose
  work is fixed (start-up, one discovery, one plan) must meet it;
* linear or better: the time per package does not grow (its ratio <= 1.0). A cold build,
  a verify and a publish do work for every package (a PEP 517 build, an install, an
  upload), so 4x the packages is 4x that work: they can meet the literal reading only
  while that work is small next to the fixed costs, and linear is the honest reading.

For those per-package tasks the same job is also done the simplest way at the same size
(``--no-baseline`` leaves it out): ``uv build --all-packages`` for the cold build; ``uv
venv`` + one ``uv pip install`` of the wheels + one import of every module for verify;
``uv publish --check-url`` of the same files to a fresh index of the same kind for
publish. Printed per size: seconds per package of each, relnox over the baseline, and
relnox's own overhead (relnox minus baseline) per package, so whether relnox adds work
that grows faster than the packages can be seen apart from what the host and the index
add. The index is pypiserver; with watchdog installed its ``cached-dir`` backend serves
both sides (listings and hashes kept between reads), else ``simple-dir`` (each request
lists the directory). Either way each upload lists the directory to refuse a duplicate,
so an upload costs more the more files the index holds: a publish of n files is
O(n^2) on the index for relnox and uv alike.

Then the balance of ``plan --shards`` (``--shards``, default 8): the longest shard over
the mean shard (target <= 1.15), by the build times build-all recorded (every package
estimated alike with --no-build), and for a synthetic 500-package workspace whose build
times have a long tail, as real ones do (no builds: the split is a pure function).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from _pairs import relnox_command

from relnox.sample import generated_specs, git_env, git_init, write_workspace
from relnox.shards.split import split
from relnox.tools.envs import uv_binary
from relnox.tools.index_server import LocalIndex, cached_backend
from relnox.verify.smoke import wheel_facts

TASKS = (
    "packages",
    "plan",
    "plan --shards",
    "bump --dry-run",
    "build-all cold",
    "build-all unchanged",
    "verify-install",
    "publish",
)
BUILT = ("build-all cold", "build-all unchanged", "verify-install", "publish")
#: the tasks that do work for every package, and the simplest way to do the same job
PER_PACKAGE = {
    "build-all cold": "uv build --all-packages",
    "verify-install": "uv venv + uv pip install + import",
    "publish": "uv publish --check-url",
}
#: the index both sides publish to: pypiserver's cached backend where watchdog is installed
BACKEND = "cached-dir" if cached_backend() else "simple-dir"


def _env() -> dict[str, str]:
    return {**git_env(), "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(argv, cwd=cwd, env=env or _env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stdout[-2000:]}\n{proc.stderr}")


class Sample(NamedTuple):
    """A timed run: wall seconds, and CPU seconds (user + system) of the processes it
    waited for (relnox or the baseline and their children; never the index server, which
    is waited for after the run). On a shared machine the CPU is the steadier figure."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start() -> Sample:
    return Sample(time.perf_counter(), _children_cpu())


def since(begin: Sample) -> Sample:
    return Sample(time.perf_counter() - begin.wall, _children_cpu() - begin.cpu)


def fastest(samples: Iterable[Sample]) -> Sample:
    """The least wall time and the least CPU time of several runs."""
    got = list(samples)
    return Sample(min(s.wall for s in got), min(s.cpu for s in got))


def command(argv: list[str], cwd: Path) -> Callable[[], Sample]:
    def run() -> Sample:
        begin = start()
        _run(argv, cwd)
        return since(begin)

    return run


@contextmanager
def fresh_index(tmp: Path) -> Iterator[LocalIndex]:
    data = Path(tempfile.mkdtemp(prefix="index-", dir=tmp))
    try:
        with LocalIndex(data, backend=BACKEND) as index:
            yield index
    finally:
        shutil.rmtree(data, ignore_errors=True)


def publish(root: Path, tmp: Path) -> Sample:
    """``relnox publish`` of the built release to a fresh local index."""
    with fresh_index(tmp) as index:
        argv = [*relnox_command(), "publish", "-r", index.url]
        return command(argv, root)()


def uv_publish(root: Path, tmp: Path) -> Sample:
    """The baseline: ``uv publish --check-url`` of the same files to a fresh index."""
    uv = uv_binary()
    assert uv is not None
    files = sorted(str(p) for p in (root / "dist").iterdir() if p.suffix in (".whl", ".gz"))
    env = {**_env(), "UV_PUBLISH_USERNAME": "bench", "UV_PUBLISH_PASSWORD": "bench"}
    with fresh_index(tmp) as index:
        argv = [uv, "publish", "--no-progress", "--publish-url", index.url]
        argv += ["--check-url", index.simple_url, "--trusted-publishing", "never", *files]
        begin = start()
        _run(argv, root, env)
        return since(begin)


def uv_build(root: Path, tmp: Path) -> Sample:
    """The baseline: ``uv build --all-packages`` into a fresh directory."""
    uv = uv_binary()
    assert uv is not None
    out = Path(tempfile.mkdtemp(prefix="uv-dist-", dir=tmp))
    argv = [uv, "build", "--all-packages", "--no-sources", "--quiet"]
    argv += ["--python", sys.executable, "--out-dir", str(out)]
    try:
        return command(argv, root)()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def uv_verify(root: Path, tmp: Path) -> Sample:
    """The baseline: ``uv venv``, one ``uv pip install`` of every wheel, one import of
    every module they ship (each a new process, as a bare script runs them)."""
    uv = uv_binary()
    assert uv is not None
    dist = root / "dist"
    wheels = sorted(dist.glob("*.whl"))
    facts = [wheel_facts(wheel) for wheel in wheels]
    modules = sorted({name for fact in facts for name in fact.imports})
    venv = Path(tempfile.mkdtemp(prefix="bare-", dir=tmp))
    begin = start()
    _run([uv, "venv", "-q", "--python", sys.executable, str(venv / "v")], tmp)
    python = str(venv / "v" / "bin" / "python")
    install = [uv, "pip", "install", "-q", "--python", python, "--offline", "--no-index"]
    _run([*install, "--find-links", str(dist), *map(str, wheels)], tmp)
    _run([python, "-c", f"import {', '.join(modules)}"], venv)
    seconds = since(begin)
    shutil.rmtree(venv, ignore_errors=True)
    return seconds


def shard_balance(root: Path, shards: int) -> tuple[float, int]:
    """``plan --shards``'s longest shard over the mean, and how many packages it estimated."""
    argv = [*relnox_command(), "plan", "--shards", str(shards), "--json"]
    proc = subprocess.run(argv, cwd=root, env=git_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stderr}")
    data = json.loads(proc.stdout)
    return float(data["balance"]), len(data["estimated"])


def synthetic_balance(packages: int, shards: int, seed: int = 0) -> float:
    """The split's balance for ``packages`` with long-tailed times (a pure function)."""
    rng = random.Random(seed)
    names = [f"p{i}" for i in range(packages)]
    times = {n: rng.lognormvariate(0.5, 0.9) for n in names}
    loads = [sum(times[n] for n in shard) for shard in split(names, times, shards)]
    return max(loads) / (sum(loads) / shards)


def best(fn: Callable[[], Sample], runs: int, warm: bool = True) -> Sample:
    if warm:
        fn()
    return fastest(fn() for _ in range(max(1, runs)))


def reading(ratio: float, allowed: float, growth: float) -> str:
    """Which reading of the target a pair's time ratio meets."""
    if ratio <= allowed:
        return "met: 2.2x per 4x"
    if ratio <= growth:
        return "met: linear or better (not 2.2x per 4x)"
    return "MISSED both readings"


def measure(
    root: Path, size: int, args: argparse.Namespace, tmp: Path
) -> tuple[dict[str, Sample], dict[str, Sample]]:
    """Seconds of each task at ``size``, and of each baseline."""
    relnox = relnox_command()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    got: dict[str, Sample] = {}
    base: dict[str, Sample] = {}
    got["packages"] = best(command([*relnox, "packages"], root), args.runs)
    got["plan"] = best(command([*relnox, "plan"], root), args.runs)
    shard = [*relnox, "plan", "--shards", str(args.shards), "--json"]
    got["plan --shards"] = best(command(shard, root), args.runs)
    bump = [*relnox, "bump", "--part", "minor", "--dry-run"]
    got["bump --dry-run"] = best(command(bump, root), args.runs)
    if args.no_build:
        return got, base
    build = command([*relnox, "build-all", *jobs], root)
    got["build-all cold"] = build()
    got["build-all unchanged"] = best(build, args.runs, warm=False)
    verify = command([*relnox, "verify-install", "--offline"], root)
    got["verify-install"] = best(verify, args.runs, warm=False)
    got["publish"] = fastest(publish(root, tmp) for _ in range(args.runs))
    if not args.no_baseline:
        base["build-all cold"] = uv_build(root, tmp)
        base["verify-install"] = best(lambda: uv_verify(root, tmp), args.runs)
        base["publish"] = fastest(uv_publish(root, tmp) for _ in range(args.runs))
    return got, base


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,40", help="workspace sizes (default 1,10,40)")
    parser.add_argument("--big", action="store_true", help="sizes 1,50,200,500 (long)")
    parser.add_argument("--shards", type=int, default=8, help="plan --shards N (default 8)")
    parser.add_argument(
        "--per-4x", type=float, default=2.2, help="allowed growth per 4x packages (default 2.2)"
    )
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="build-all --jobs (default: CPUs)")
    parser.add_argument("--no-build", action="store_true", help="leave build-all out")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="leave out the uv baselines of the per-package tasks",
    )
    parser.add_argument("--keep", type=Path, help="write the workspaces in DIR and keep them")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in ("1,50,200,500" if args.big else args.sizes).split(",") if s})
    tasks = [t for t in TASKS if not (args.no_build and t in BUILT)]
    per_package = [t for t in tasks if t in PER_PACKAGE]
    times: dict[str, dict[int, Sample]] = {task: {} for task in tasks}
    baseline: dict[str, dict[int, Sample]] = {task: {} for task in per_package}
    balance: dict[int, tuple[float, int]] = {}
    print(
        f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; sizes {sizes}; "
        f"index: pypiserver {BACKEND} backend"
        + ("" if BACKEND == "cached-dir" else " (pip install watchdog for cached-dir)"),
        flush=True,
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="relnox-bench-scale-") as tmp:
        for size in sizes:
            where = (args.keep or Path(tmp)) / f"ws{size}"
            if where.exists():
                shutil.rmtree(where)
            root = write_workspace(where, generated_specs(size, prefix="sc"))
            git_init(root)
            got, base = measure(root, size, args, Path(tmp))
            for task, sample in got.items():
                times[task][size] = sample
            for task, sample in base.items():
                baseline[task][size] = sample
            balance[size] = shard_balance(root, args.shards)
            row = "  ".join(
                f"{task} {sample.wall:.2f}s (cpu {sample.cpu:.2f}s)"
                for task, sample in [*got.items(), *((f"baseline {t}", b) for t, b in base.items())]
            )
            print(f"{size:>4} package(s): {row}  (load {os.getloadavg()[0]:.1f})", flush=True)
    report(args, sizes, tasks, times, baseline, balance)
    return 0


def _table(
    title: str,
    sizes: list[int],
    tasks: list[str],
    times: dict[str, dict[int, Sample]],
    baseline: dict[str, dict[int, Sample]],
    field: str,
) -> None:
    print(f"\n{title:44}" + "".join(f"{size:>10}" for size in sizes))
    rows = [(task, times[task]) for task in tasks]
    rows += [(f"  baseline: {PER_PACKAGE[t]}", got) for t, got in baseline.items() if got]
    for label, got in rows:
        print(f"{label:44}" + "".join(f"{getattr(got[size], field):>9.2f}s" for size in sizes))


def report(
    args: argparse.Namespace,
    sizes: list[int],
    tasks: list[str],
    times: dict[str, dict[int, Sample]],
    baseline: dict[str, dict[int, Sample]],
    balance: dict[int, tuple[float, int]],
) -> None:
    _table("wall seconds (best of --runs)", sizes, tasks, times, baseline, "wall")
    _table("CPU seconds (relnox's side only)", sizes, tasks, times, baseline, "cpu")
    for small, big in itertools.pairwise(sizes):
        growth = big / small
        allowed = args.per_4x ** math.log(growth, 4)
        print(
            f"\nratio {big}/{small} (packages x{growth:.1f}; allowed {allowed:.2f} by 2.2x per 4x, "
            f"{growth:.1f} by linear)"
        )
        for task in tasks:
            wall = times[task][big].wall / times[task][small].wall
            cpu = times[task][big].cpu / times[task][small].cpu
            print(
                f"  {task:20} wall {wall:5.2f} {reading(wall, allowed, growth):40}"
                f" cpu {cpu:5.2f} {reading(cpu, allowed, growth)}"
            )
    per_package = [t for t in tasks if t in PER_PACKAGE]
    if per_package:
        print(
            "\nper-package tasks: wall ms per package; linear or better = the same or less per"
            " package at each size"
        )
    for task in per_package:
        base = baseline.get(task, {})
        print(f"  {task} (baseline: {PER_PACKAGE[task] if base else 'left out'})")
        for size in sizes:
            mine = times[task][size].wall / size
            line = f"    {size:>4}: relnox {mine * 1000:7.1f}"
            if size in base:
                theirs = base[size].wall / size
                line += (
                    f"   baseline {theirs * 1000:7.1f}   relnox/baseline {mine / theirs:5.2f}"
                    f"   relnox minus baseline {(mine - theirs) * 1000:7.1f}"
                )
            print(line)
        for small, big in itertools.pairwise(sizes):
            grow = (times[task][big].wall / big) / (times[task][small].wall / small)
            cpu = (times[task][big].cpu / big) / (times[task][small].cpu / small)
            verdict = "linear or better" if grow <= 1.0 else "grew per package"
            line = f"    {big}/{small}: per package x{grow:.2f} wall ({verdict}), x{cpu:.2f} CPU"
            if small in base and big in base:
                theirs = (base[big].wall / big) / (base[small].wall / small)
                over_small = (times[task][small].wall - base[small].wall) / small
                over_big = (times[task][big].wall - base[big].wall) / big
                line += f"; baseline's x{theirs:.2f}"
                if over_small > 0 and over_big > 0:
                    line += f"; relnox minus baseline x{over_big / over_small:.2f}"
                else:
                    line += "; relnox at or under the baseline"
            print(line)
    print(f"\nplan --shards {args.shards}: longest shard / mean shard (target <= 1.15)")
    for size in sizes:
        ratio, estimated = balance[size]
        how = f"{estimated} estimated" if estimated else "recorded build times"
        if size < args.shards:
            how += "; fewer packages than shards, so some shards are empty"
        print(f"  {size:>4} package(s): {ratio:.3f}  ({how})")
    synthetic = synthetic_balance(500, args.shards)
    verdict = "met" if synthetic <= 1.15 else "MISSED"
    print(f"   500 synthetic, long-tailed times: {synthetic:.3f}  {verdict}")
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
