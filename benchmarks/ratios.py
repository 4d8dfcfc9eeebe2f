"""The speed figures of whole relnox jobs, each as a ratio to its baseline, in pairs.

    python benchmarks/ratios.py                          # generated workspaces (70 and 7)
    python benchmarks/ratios.py --build-repo PATH        # a fetched real workspace instead
    python benchmarks/ratios.py --verify-repo PATH       # (dependencies in uv's cache)
    python benchmarks/ratios.py --listing-repo PATH      # packages/plan on a real workspace
    python benchmarks/ratios.py --baseline-relnox OTHER/bin/relnox --only listing
    python benchmarks/ratios.py --baseline-relnox OTHER/bin/relnox --only build --build-repo PATH
    python benchmarks/ratios.py --runs 9 --count 70 --only build

1. ``relnox verify-install --offline`` of a workspace's wheels over the bare script doing
   the same job (``verify_install.py``'s: ``uv venv``, one ``uv pip install`` of the
   wheels, one ``python -I -c "import a, b, ..."``); target <= 1.1.
2. ``relnox build-all`` with nothing changed (every package reused) over a cold ``uv
   build --all-packages`` of the same workspace into a fresh directory; target <= 0.1;
   then a cold ``relnox build-all`` (a fresh output directory) over the same cold uv
   build; target <= 1.0; with ``--baseline-relnox``, over that relnox's cold build-all.
3. ``relnox --version``, ``relnox packages`` and ``relnox plan`` (a read of the workspace
   and its tags, warm) over ``--baseline-relnox`` (another install of relnox: the figures
   before a change), else over ``python -c "import invoke"`` (the floor: relnox's
   commands are invoke tasks); target: packages and plan under 1 s (median wall time on
   a quiet machine; the CPU seconds are printed beside it).

Each workspace is built once first (not timed); then each pair runs A and B in turn, the
order alternating, ``--runs`` times after a warm-up (``_pairs.py``), and prints both
sides, the ratio pair by pair (wall and CPU) and the load average. The workspaces are
:func:`relnox.sample.generated_specs` committed in a fresh repository, or a clone you
fetched yourself (``--build-repo``, ``--verify-repo``; nothing of it is committed here).
"""

from __future__ import annotations

import argparse
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pairs import bytecode_note, load, paired, relnox_command, report
from build_all import Failed as BuildFailed
from build_all import uv_way
from verify_install import Failed, _run, bare_uv

from relnox.sample import generated_specs, git_init, write_workspace
from relnox.verify.smoke import wheel_facts


def _workspace(repo: Path | None, work: Path, count: int, prefix: str) -> Path:
    if repo is not None:
        return repo.resolve()
    root = write_workspace(work / prefix, generated_specs(count, prefix=prefix))
    git_init(root)
    return root


def _built(root: Path, dist: Path) -> None:
    start = time.perf_counter()
    _run([*relnox_command(), "build-all", "--root", str(root), "--out", str(dist)], root)
    print(f"{root}: built into {dist} in {time.perf_counter() - start:.1f}s (not timed)")


def verify_ratio(root: Path, work: Path, runs: int) -> float:
    """Figure 1: verify-install over the bare script."""
    dist = work / "verify-dist"
    _built(root, dist)
    wheels = sorted(dist.glob("*.whl"))
    modules = sorted({m for w in wheels for m in wheel_facts(w).imports})
    verify = [*relnox_command(), "verify-install", "--root", str(root), "--dist", str(dist)]
    verify.append("--offline")
    print(f"verify-install of {len(wheels)} wheels against the bare script; {load()}")
    times = paired(
        lambda: _run(verify, root),
        lambda: bare_uv(dist, wheels, modules, work, online=False),
        runs,
    )
    ratio = report("relnox verify-install", "bare uv venv + install + import", times)
    print(f"target median <= 1.1: {'met' if ratio <= 1.1 else 'MISSED'}\n")
    return ratio


def build_ratio(root: Path, work: Path, runs: int, baseline: Path | None = None) -> float:
    """Figure 2: a no-change build-all over a cold uv build --all-packages (and a cold
    build-all over ``baseline``'s)."""
    dist = work / "build-dist"
    _built(root, dist)
    again = [*relnox_command(), "build-all", "--root", str(root), "--out", str(dist)]
    fresh = work / "uv-out"

    def cold_uv() -> None:
        shutil.rmtree(fresh, ignore_errors=True)
        uv_way(root, fresh)

    print(f"build-all with nothing changed against a cold uv build; {load()}")
    times = paired(lambda: _run(again, root), cold_uv, runs)
    ratio = report("relnox build-all, nothing changed", "uv build --all-packages", times)
    print(f"target median <= 0.1: {'met' if ratio <= 0.1 else 'MISSED'}\n")
    fresh_relnox = work / "relnox-out"
    cold = [*relnox_command(), "build-all", "--root", str(root), "--out", str(fresh_relnox)]

    def cold_relnox() -> None:
        shutil.rmtree(fresh_relnox, ignore_errors=True)
        _run(cold, root)

    print(f"cold build-all against a cold uv build; {load()}")
    times = paired(cold_relnox, cold_uv, runs)
    cold_ratio = report("relnox build-all, cold", "uv build --all-packages", times)
    print(f"target median <= 1.0: {'met' if cold_ratio <= 1.0 else 'MISSED'}\n")
    if baseline is not None:
        other_out = work / "baseline-out"
        other = [str(baseline), "build-all", "--root", str(root), "--out", str(other_out)]

        def cold_baseline() -> None:
            shutil.rmtree(other_out, ignore_errors=True)
            _run(other, root)

        print(f"cold build-all against a cold build-all of {baseline}; {load()}")
        times = paired(cold_relnox, cold_baseline, runs)
        report("relnox build-all, cold", f"{baseline} build-all, cold", times)
        print()
    return ratio


def listing_ratios(root: Path, runs: int, baseline: Path | None) -> dict[str, float]:
    """Figure 3: the commands that only read, each over the baseline."""
    floor = [sys.executable, "-c", "import invoke"]
    medians = {}
    for command in (["--version"], ["packages"], ["plan"]):
        mine = [*relnox_command(), *command]
        other = [str(baseline), *command] if baseline is not None else floor
        print(f"relnox {command[0]} in {root} against {' '.join(other)}; {load()}")
        times = paired(
            functools.partial(_quiet, mine, root), functools.partial(_quiet, other, root), runs
        )
        ratio = report(f"relnox {command[0]}", " ".join(other), times)
        medians[command[0]] = statistics.median(times[0])
        if command[0] != "--version":
            met = "met" if medians[command[0]] < 1.0 else "MISSED"
            print(f"target median < 1 s: {met} ({medians[command[0]]:.3f} s)")
        print(f"ratio {ratio:.2f}\n")
    return medians


def _quiet(argv: list[str], cwd: Path) -> None:
    """Run ``argv`` in ``cwd``, its output dropped; a failure stops the benchmark."""
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Failed(f"failed: {' '.join(argv)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="timed pairs (default 7)")
    parser.add_argument("--count", type=int, default=70, help="verify: generated packages")
    parser.add_argument("--build-count", type=int, default=7, help="build: generated packages")
    parser.add_argument("--verify-repo", type=Path, help="verify: a real workspace instead")
    parser.add_argument("--build-repo", type=Path, help="build: a real workspace instead")
    parser.add_argument("--listing-repo", type=Path, help="listing: a real workspace instead")
    parser.add_argument(
        "--baseline-relnox",
        type=Path,
        help="listing and cold build: another relnox to pair with (before)",
    )
    parser.add_argument("--only", choices=("verify", "build", "listing"), help="one figure only")
    args = parser.parse_args()
    print(f"{bytecode_note()}; {load()}")
    with tempfile.TemporaryDirectory(prefix="relnox-bench-ratios-") as tmp:
        work = Path(tmp)
        try:
            if args.only in (None, "verify"):
                root = _workspace(args.verify_repo, work, args.count, "vratio")
                verify_ratio(root, work, args.runs)
            if args.only in (None, "build"):
                root = _workspace(args.build_repo, work, args.build_count, "bratio")
                build_ratio(root, work, args.runs, args.baseline_relnox)
            if args.only in (None, "listing"):
                root = _workspace(args.listing_repo, work, args.count, "lratio")
                listing_ratios(root, args.runs, args.baseline_relnox)
        except (Failed, BuildFailed) as exc:
            raise SystemExit(str(exc)) from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
