"""How relnox's cost grows with the number of packages: 1, 50 and 200 by default.

    python benchmarks/scale.py                      # sizes 1,50,200 (200 real builds: long)
    python benchmarks/scale.py --sizes 1,10,40      # a quick run
    python benchmarks/scale.py --no-build           # packages, plan and bump only

For each size a generated workspace (:func:`relnox.sample.generated_specs`, a third of
the packages requiring the one before them) is written and committed; then the real
commands run in a child process each, as a user runs them:

* ``relnox packages``, ``relnox plan``, ``relnox bump --part minor --dry-run``: the
  best of ``--runs`` after one warm-up;
* ``relnox build-all`` cold (a fresh output directory; once per size) and with nothing
  changed (the same directory again: every package reused; best of ``--runs``);
* ``relnox verify-install --offline`` of what was built (best of ``--runs``);
* ``relnox publish`` of it to a fresh local index each run (pypiserver on 127.0.0.1;
  best of ``--runs``).

Prints a table of seconds per task and size, then per task the ratio of the largest
size to the one before it, against the ratio of their package counts. The target for
200/50 is <= 4.5 (linear growth is 4.0); for other sizes the verdict scales the same
allowance (ratio <= count ratio x 1.125).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from relnox.sample import generated_specs, git_env, git_init, write_workspace
from relnox.tools.index_server import LocalIndex

TASKS = (
    "packages",
    "plan",
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


def best(fn: Callable[[], float], runs: int, warm: bool = True) -> float:
    if warm:
        fn()
    return min(fn() for _ in range(max(1, runs)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="1,50,200", help="workspace sizes (default 1,50,200)")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="build-all --jobs (default: CPUs)")
    parser.add_argument("--no-build", action="store_true", help="leave build-all out")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    tasks = [t for t in TASKS if not (args.no_build and t in BUILT)]
    relnox = [sys.executable, "-m", "relnox"]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    times: dict[str, dict[int, float]] = {task: {} for task in tasks}
    print(f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}; sizes {sizes}", flush=True)
    with tempfile.TemporaryDirectory(prefix="relnox-bench-scale-") as tmp:
        for size in sizes:
            root = write_workspace(Path(tmp) / f"ws{size}", generated_specs(size, prefix="sc"))
            git_init(root)
            times["packages"][size] = best(command([*relnox, "packages"], root), args.runs)
            times["plan"][size] = best(command([*relnox, "plan"], root), args.runs)
            bump = [*relnox, "bump", "--part", "minor", "--dry-run"]
            times["bump --dry-run"][size] = best(command(bump, root), args.runs)
            if not args.no_build:
                build = command([*relnox, "build-all", *jobs], root)
                times["build-all cold"][size] = build()
                times["build-all unchanged"][size] = best(build, args.runs, warm=False)
                verify = command([*relnox, "verify-install", "--offline"], root)
                times["verify-install"][size] = best(verify, args.runs, warm=False)
                times["publish"][size] = min(publish(root, Path(tmp)) for _ in range(args.runs))
            row = "  ".join(f"{task} {times[task][size]:.2f}s" for task in tasks)
            print(f"{size:>4} package(s): {row}", flush=True)
    print()
    print(f"{'task':22}" + "".join(f"{size:>10}" for size in sizes))
    for task in tasks:
        print(f"{task:22}" + "".join(f"{times[task][size]:>9.2f}s" for size in sizes))
    if len(sizes) >= 2:
        big, small = sizes[-1], sizes[-2]
        allowed = big / small * 1.125
        print(
            f"\nratio {big}/{small} (package count ratio {big / small:.1f}; allowed {allowed:.2f})"
        )
        for task in tasks:
            ratio = times[task][big] / times[task][small]
            verdict = "met" if ratio <= allowed else "MISSED"
            print(f"  {task:22} {ratio:5.2f}  {verdict}")
    print(f"load at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
