"""A full release rehearsal by relnox against the seeds' way, on the same 5 packages.

    python benchmarks/release.py [--count 5] [--runs 1]

The workspace is ``relnox.sample.generated_specs(5)`` (hatchling; every third package
needs the one before it), committed in a git repository. In one run:

* relnox: ``relnox.release.rehearse.rehearse(root, part="minor")``, the whole call: a
  temporary clone, two embedded pypiservers started and stopped, doctor, bump,
  build_all (sdist + wheel from sdist, checks, manifest), verify_install, upload
  to the TestPyPI stand-in, verify from it, upload to the PyPI stand-in, tag, and
  a final install of every package from the PyPI stand-in;
* the seeds' way (seed 003's build_packages.sh + publish_packages.sh, seed 002's
  validation): a serial ``python -m build`` per package, ``twine check``, per
  package a ``python -m venv`` + ``pip install`` of its wheel (siblings from dist/)
  + an import, and a ``twine upload`` per package to a pypiserver on 127.0.0.1
  that is already running (its start-up is not counted).

Both warm their caches once first (an untimed run). Prints both times and the
ratio seeds / relnox (the target is >= 5).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relnox.project.discovery import load_workspace  # noqa: E402
from relnox.release.pipeline import ReleaseOptions  # noqa: E402
from relnox.release.rehearse import rehearse  # noqa: E402
from relnox.sample import generated_specs, git_init, write_workspace  # noqa: E402
from relnox.tools.index_server import LocalIndex  # noqa: E402


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "TWINE_", "VIRTUAL"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def seeds_way(root: Path, index_url: str, work: Path) -> float:
    """Serial build, twine check, venv + pip + import per package, twine upload per package."""
    env = _env()
    dist = work / "dist"
    started = time.perf_counter()
    workspace = load_workspace(root)
    for pkg in workspace.packages:
        subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(dist), str(pkg.directory)],
            check=True,
            capture_output=True,
            env=env,
        )
    subprocess.run(
        [sys.executable, "-m", "twine", "check", *map(str, sorted(dist.iterdir()))],
        check=True,
        capture_output=True,
        env=env,
    )
    for pkg in workspace.packages:
        venv = work / f"venv-{pkg.name}"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
        wheel = next(dist.glob(f"{pkg.dist_name}-*.whl"))
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "--find-links", str(dist), str(wheel)],
            check=True,
            capture_output=True,
            env=env,
        )
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", f"import {pkg.import_packages[0]}"],
            check=True,
            env=env,
        )
    for pkg in workspace.packages:
        files = sorted(map(str, dist.glob(f"{pkg.dist_name}-*")))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "twine",
                "upload",
                "--non-interactive",
                "--disable-progress-bar",
                "--repository-url",
                index_url,
                "-u",
                "bench",
                "-p",
                "bench",
                *files,
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    return time.perf_counter() - started


def relnox_way(root: Path) -> float:
    started = time.perf_counter()
    rehearsal = rehearse(root, ReleaseOptions(part="minor"))
    elapsed = time.perf_counter() - started
    assert rehearsal.result.ok, rehearsal.result.stages
    return elapsed


def _workspace(base: Path, count: int, prefix: str) -> Path:
    root = write_workspace(base / prefix, generated_specs(count, prefix=prefix))
    git_init(root)
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relnox-bench-release-") as tmp:
        base = Path(tmp)
        with LocalIndex(base / "seeds-index") as index:
            seeds, ours = [], []
            for run in range(args.runs + 1):  # run 0 warms the caches
                work = base / f"seeds-{run}"
                work.mkdir()
                # distinct names per run: an index refuses a second upload of the same file
                s = seeds_way(_workspace(work, args.count, f"s{run}"), index.upload_url, work)
                r = relnox_way(_workspace(base / f"relnox-{run}", args.count, f"r{run}"))
                if run:
                    seeds.append(s)
                    ours.append(r)
                print(f"{'warm-up' if run == 0 else f'run {run}'}: seeds {s:.1f}s, relnox {r:.1f}s")
                shutil.rmtree(work, ignore_errors=True)
    best_seeds, best_ours = min(seeds), min(ours)
    print(
        f"seeds' way (serial build, twine check, venv+pip per package, upload per package): {best_seeds:.2f}s"
    )
    print(
        f"relnox rehearse (full release against two local indexes):                        {best_ours:.2f}s"
    )
    print(f"ratio seeds/relnox: {best_seeds / best_ours:.2f} (target >= 5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
