"""verify_install against the seeds' way of checking a release, on the same 5 wheels.

    python benchmarks/verify_install.py [--count 5] [--relnox-runs 3]

The 5 packages of ``relnox.sample.generated_specs(5)`` (every third one needs the one
before it) are built once with ``uv build`` (not timed). Then, in one run:

* relnox: ``verify_install(workspace, offline=True)``, the whole call: one fresh uv
  environment, one install command, one check process (metadata, imports,
  ``__version__``); the best of ``--relnox-runs`` runs after one warm-up;
* the seeds: for each package ``python -m venv``, ``pip install`` of its wheel with
  ``--find-links dist`` for its siblings, and ``python -c "import x"``.

Both install from dist/ only (no index), so the network plays no part. Prints the
time of each and the ratio seeds / relnox (the target is >= 20).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from relnox.project.workspace import load_workspace  # noqa: E402
from relnox.sample import generated_specs, write_workspace  # noqa: E402
from relnox.verify.run import render_report, verify_install  # noqa: E402
from tests.verify_support import build_release  # noqa: E402


def seeds_way(dist: Path, wheels: list[tuple[str, Path]], work: Path) -> float:
    """Per package: a fresh venv, pip install of its wheel, an import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CONFIG_FILE"] = os.devnull
    start = time.perf_counter()
    for module, wheel in wheels:
        venv = work / f"venv-{module}"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
        python = venv / "bin" / "python"
        pip = [str(python), "-m", "pip", "install", "--quiet", "--no-index"]
        subprocess.run([*pip, "--find-links", str(dist), str(wheel)], check=True, env=env)
        subprocess.run([str(python), "-c", f"import {module}"], check=True, env=env, cwd=work)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--relnox-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relnox-bench-verify-") as tmp:
        root = write_workspace(Path(tmp) / "ws", generated_specs(args.count, prefix="vbench"))
        start = time.perf_counter()
        manifest = build_release(root)
        print(f"built {args.count} packages with uv build in {time.perf_counter() - start:.1f}s")
        workspace = load_workspace(root)

        report = verify_install(workspace, offline=True)  # warm-up: uv's interpreter cache
        assert report.ok, "\n".join(render_report(report))
        runs = []
        for _ in range(args.relnox_runs):
            start = time.perf_counter()
            report = verify_install(workspace, offline=True)
            runs.append(time.perf_counter() - start)
            assert report.ok, "\n".join(render_report(report))
        relnox_seconds = min(runs)
        print("\n".join(render_report(report)))

        wheels = [
            (record.name.replace("-", "_"), manifest.dist_dir / record.wheels[0].filename)
            for record in manifest.packages
        ]
        seeds_seconds = seeds_way(manifest.dist_dir, wheels, Path(tmp))

    ratio = seeds_seconds / relnox_seconds
    print(
        f"relnox verify_install ({args.count} wheels): {relnox_seconds:.2f}s "
        f"(best of {len(runs)}: {', '.join(f'{r:.2f}' for r in runs)})"
    )
    print(f"seeds' way (venv + pip install + import, per package): {seeds_seconds:.2f}s")
    print(f"ratio seeds/relnox: {ratio:.1f}x (target >= 20)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
