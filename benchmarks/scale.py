"""How relnox's cost grows with the number of packages.

    python benchmarks/scale.py                      # sizes 1,10,40: a quick run
    python benchmarks/scale.py --big                # sizes 1,50,200,500 (real builds: long)
    python benchmarks/scale.py --sizes 1,50,200     # any sizes
    python benchmarks/scale.py --no-build           # packages, plan and bump only

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
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from relnox.sample import generated_specs, git_env, git_init, write_workspace
from relnox.shards.split import split
from relnox.tools.index_server import LocalIndex

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


def command(argv: list[str], cwd: Path) -> Callable[[], float]:
    env = {**git_env(), "UV_PYTHON_DOWNLOADS": "never"}

    def run() -> float:
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stdout[-2000:]}\n{proc.stderr}")
        return seconds

    return run


def publish(root: Path, tmp: Path) -> float:
    """``relnox publish`` of the built release to a fresh local index."""
    data = Path(tempfile.mkdtemp(prefix="index-", dir=tmp))
    with LocalIndex(data) as index:
        argv = [sys.executable, "-m", "relnox", "publish", "-r", index.url]
        return command(argv, root)()


def shard_balance(root: Path, shards: int) -> tuple[float, int]:
    """``plan --shards``'s longest shard over the mean, and how many packages it estimated."""
    argv = [sys.executable, "-m", "relnox", "plan", "--shards", str(shards), "--json"]
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


def best(fn: Callable[[], float], runs: int, warm: bool = True) -> float:
    if warm:
        fn()
    return min(fn() for _ in range(max(1, runs)))


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
    args = parser.parse_args()
    sizes = sorted({int(s) for s in ("1,50,200,500" if args.big else args.sizes).split(",") if s})
    tasks = [t for t in TASKS if not (args.no_build and t in BUILT)]
    relnox = [sys.executable, "-m", "relnox"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    times: dict[str, dict[int, float]] = {task: {} for task in tasks}
    balance: dict[int, tuple[float, int]] = {}
    print(f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; sizes {sizes}", flush=True)
    with tempfile.TemporaryDirectory(prefix="relnox-bench-scale-") as tmp:
        for size in sizes:
            root = write_workspace(Path(tmp) / f"ws{size}", generated_specs(size, prefix="sc"))
            git_init(root)
            times["packages"][size] = best(command([*relnox, "packages"], root), args.runs)
            times["plan"][size] = best(command([*relnox, "plan"], root), args.runs)
            shard = [*relnox, "plan", "--shards", str(args.shards), "--json"]
            times["plan --shards"][size] = best(command(shard, root), args.runs)
            bump = [*relnox, "bump", "--part", "minor", "--dry-run"]
            times["bump --dry-run"][size] = best(command(bump, root), args.runs)
            if not args.no_build:
                build = command([*relnox, "build-all", *jobs], root)
                times["build-all cold"][size] = build()
                times["build-all unchanged"][size] = best(build, args.runs, warm=False)
                verify = command([*relnox, "verify-install", "--offline"], root)
                times["verify-install"][size] = best(verify, args.runs, warm=False)
                times["publish"][size] = min(publish(root, Path(tmp)) for _ in range(args.runs))
            balance[size] = shard_balance(root, args.shards)
            row = "  ".join(f"{task} {times[task][size]:.2f}s" for task in tasks)
            print(f"{size:>4} package(s): {row}", flush=True)
    print()
    print(f"{'task':22}" + "".join(f"{size:>10}" for size in sizes))
    for task in tasks:
        print(f"{task:22}" + "".join(f"{times[task][size]:>9.2f}s" for size in sizes))
    for small, big in itertools.pairwise(sizes):
        allowed = args.per_4x ** math.log(big / small, 4)
        print(f"\nratio {big}/{small} (packages x{big / small:.1f}; allowed {allowed:.2f})")
        for task in tasks:
            ratio = times[task][big] / times[task][small]
            verdict = "met" if ratio <= allowed else "MISSED"
            print(f"  {task:22} {ratio:5.2f}  {verdict}")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
