"""verify_install against what a fast user would script with uv, on the same wheels.

    python benchmarks/verify_install.py [--count 5] [--runs 5] [--seeds]

The packages of ``relnox.sample.generated_specs(count)`` (every third one needs the one
before it) are built once with ``uv build`` (not timed). Then, interleaved, ``--runs``
times each after one warm-up of each:

* relnox: ``verify_install(workspace, offline=True)``, the whole call: the sha256 of
  every file against the manifest, one fresh uv environment, one install command, one
  check process (metadata, imports, ``__version__``, files), console scripts;
* the bare uv way: ``uv venv`` + ``uv pip install`` of the same wheels (siblings from
  ``dist/``, no index) + one ``python -c "import X"`` per package.

Prints the median and best of each and the ratio relnox / bare uv (target <= 1.3).
``--seeds`` also times the seeds' way (per package ``python -m venv`` + ``pip install``
+ an import) once, against relnox (the older target: >= 20).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relnox.project.discovery import load_workspace  # noqa: E402
from relnox.sample import generated_specs, write_workspace  # noqa: E402
from relnox.tools.envs import uv_binary  # noqa: E402
from relnox.verify.run import render_report, verify_install  # noqa: E402
from tests.verify_support import build_release  # noqa: E402


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CONFIG_FILE"] = os.devnull
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def bare_uv(dist: Path, wheels: list[tuple[str, Path]], work: Path) -> None:
    """uv venv + uv pip install of every wheel (siblings from dist/) + an import per package."""
    uv, env = uv_binary(), _env()
    assert uv, "uv is needed"
    venv = Path(tempfile.mkdtemp(prefix="bare-", dir=work))
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=env)
    python = str(venv / "bin" / "python")
    install = [uv, "pip", "install", "-q", "--python", python, "--offline", "--no-index"]
    subprocess.run(
        [*install, "--find-links", str(dist), *[str(w) for _, w in wheels]], check=True, env=env
    )
    for module, _ in wheels:
        subprocess.run([python, "-c", f"import {module}"], check=True, env=env, cwd=venv)
    shutil.rmtree(venv)


def seeds_way(dist: Path, wheels: list[tuple[str, Path]], work: Path) -> None:
    """Per package: a fresh venv, pip install of its wheel, an import."""
    env = _env()
    for module, wheel in wheels:
        venv = work / f"venv-{module}"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
        python = venv / "bin" / "python"
        pip = [str(python), "-m", "pip", "install", "--quiet", "--no-index"]
        subprocess.run([*pip, "--find-links", str(dist), str(wheel)], check=True, env=env)
        subprocess.run([str(python), "-c", f"import {module}"], check=True, env=env, cwd=work)
        shutil.rmtree(venv)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5, help="packages (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--seeds", action="store_true", help="also time the seeds' way once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relnox-bench-verify-") as tmp:
        work = Path(tmp)
        root = write_workspace(work / "ws", generated_specs(args.count, prefix="vbench"))
        start = time.perf_counter()
        manifest = build_release(root)
        print(f"built {args.count} packages with uv build in {time.perf_counter() - start:.1f}s")
        workspace = load_workspace(root)
        wheels = [
            (record.name.replace("-", "_"), manifest.dist_dir / record.wheels[0].filename)
            for record in manifest.packages
        ]

        def relnox() -> None:
            report = verify_install(workspace, offline=True)
            assert report.ok, "\n".join(render_report(report))

        ways: dict[str, Callable[[], object]] = {
            "relnox verify-install": relnox,
            "bare uv venv + install + imports": lambda: bare_uv(manifest.dist_dir, wheels, work),
        }
        for fn in ways.values():  # warm-up: uv's cache and interpreter discovery
            fn()
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.runs):
            for name, fn in ways.items():
                times[name].append(timed(fn))
        for name, values in times.items():
            runs = ", ".join(f"{v:.2f}" for v in values)
            print(
                f"{name:34} median {statistics.median(values):5.2f}s  "
                f"best {min(values):5.2f}s  [{runs}]"
            )
        relnox_median, bare_median = (statistics.median(v) for v in times.values())
        relnox_best, bare_best = (min(v) for v in times.values())
        ratio = relnox_median / bare_median
        print(
            f"ratio relnox/bare uv: {ratio:.2f} median (best-of {relnox_best / bare_best:.2f}); "
            f"target <= 1.3: {'met' if ratio <= 1.3 else 'MISSED'}"
        )
        if args.seeds:
            seeds = timed(lambda: seeds_way(manifest.dist_dir, wheels, work))
            print(f"seeds' way (venv + pip install + import, per package): {seeds:.2f}s")
            print(f"ratio seeds/relnox: {seeds / relnox_median:.1f}x (target >= 20)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
