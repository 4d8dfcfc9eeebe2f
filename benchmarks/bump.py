"""Benchmark version_bump: ``bump --part minor --dry-run`` over 1, 50 and 200 packages.

Run: ``python benchmarks/bump.py [--runs N]``. Generated workspaces
(:func:`relnox.sample.generated_specs`, a third of the packages pinning the one
before them, so a minor bump rewrites their requirements) live in a temp dir.

Prints, for each size, the best in-process time of load + :func:`plan_bump` +
``describe()`` and the best time of the real ``relnox bump --part minor --dry-run``
command; then ``ratio 200/1`` of the command (target <= 10), and ``relnox --help``
against ``python -c "import invoke, tomlkit, packaging.version"`` (target <= 1.3).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _pairs import relnox_command

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from relnox.sample import generated_specs, git_env, git_init, write_workspace

SIZES = (1, 50, 200)


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def command(argv: list[str], cwd: Path | None = None) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(argv, cwd=cwd, env=git_env(), check=True, capture_output=True)

    return run


def in_process(root: Path) -> Callable[[], object]:
    def run() -> object:
        return plan_bump(load_workspace(root), BumpOptions(part="minor")).describe()

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs (default 5)")
    args = parser.parse_args()
    relnox = relnox_command()
    plan_times: dict[int, float] = {}
    cmd_times: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="relnox-bench-") as tmp:
        for size in SIZES:
            root = write_workspace(Path(tmp) / f"ws{size}", generated_specs(size))
            git_init(root)
            in_process(root)()  # warm caches and imports
            plan_times[size] = best(in_process(root), args.runs)
            bump = command([*relnox, "bump", "--part", "minor", "--dry-run"], root)
            bump()
            cmd_times[size] = best(bump, args.runs)
            print(
                f"{size:>4} package(s): plan+describe {plan_times[size] * 1000:8.1f} ms   "
                f"relnox bump --dry-run {cmd_times[size] * 1000:8.1f} ms"
            )
    print(f"in-process ratio 200/1: {plan_times[200] / plan_times[1]:.2f} (per-package work only)")
    print(f"ratio 200/1: {cmd_times[200] / cmd_times[1]:.2f} (target <= 10)")

    runs = max(args.runs, 7)
    help_time = best(command([*relnox, "--help"]), runs)
    base = best(command([sys.executable, "-c", "import invoke, tomlkit, packaging.version"]), runs)
    print(f"relnox --help {help_time * 1000:.1f} ms, bare imports {base * 1000:.1f} ms")
    print(f"ratio help/imports: {help_time / base:.2f} (target <= 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
