"""The ``relnox verify-install`` command against a bare uv script doing the same job.

    python benchmarks/verify_install.py [--count 3] [--runs 7] [--seeds] [--stages]
    python benchmarks/verify_install.py --repo PATH [--online]   # a real repository

The packages of ``relnox.sample.generated_specs(count)`` (every third one needs the one
before it), or those of the repository at ``--repo`` (a snapshot you fetched yourself),
are built once with ``relnox build-all --out`` into a scratch directory (not timed).
Then, pair by pair (A then B, the order alternating), ``--runs`` times after a warm-up:

* A, what a user runs: ``relnox verify-install --offline --dist DIR`` as a new process
  (start-up, the workspace, the stale-build check, one fresh uv environment, one install
  command, one check process, the report);
* B, the bare script, each step a new process: ``uv venv``, one ``uv pip install`` of
  the same wheels (siblings from the same directory, no index), one
  ``python -I -c "import a, b, c"`` of every wheel's import names (``-I`` as relnox's
  check process runs: both write the imported modules' bytecode, whatever
  ``PYTHONDONTWRITEBYTECODE`` says; without it a harness that sets that variable times a
  bare import that writes none against a check that writes it).

``--stages`` then runs relnox once more with timers around its stages
(``_verify_stages.py``): the interpreter's start-up, the imports, the workspace, the plan,
the environment and the install, the check process, and the
teardown, in milliseconds, in the order they happened, with the thread of each.

``--cached`` is ``--online`` for the warm-up, then ``UV_OFFLINE=1`` on both sides for the
timed pairs: the same resolution from uv's cache, without a network's variance (a real
workspace's online pairs ranged 0.6-1.7).
``--online`` drops ``--offline``/``--no-index`` on both sides (third-party dependencies
from the installer's configured index), for a real repository whose dependencies are not
in uv's cache. Prints each side's min/median/max, the ratio A/B pair by pair (min,
median, max) and the machine's load; target: median ratio <= 1.1. ``--seeds`` also
times the seeds' way once (per package ``python -m venv`` + ``pip install`` + an import).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _pairs import bytecode_note, load, paired, relnox_command, report, timed  # noqa: E402

from relnox.sample import generated_specs, git_init, write_workspace  # noqa: E402
from relnox.tools.envs import uv_binary  # noqa: E402
from relnox.verify.smoke import wheel_facts  # noqa: E402


class Failed(Exception):
    """A command of the benchmark failed."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(argv: list[str], cwd: Path) -> None:
    proc = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise Failed(f"failed: {' '.join(argv)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def bare_uv(dist: Path, wheels: list[Path], modules: list[str], work: Path, online: bool) -> None:
    """B: uv venv + one uv pip install of every wheel + one import of them all."""
    uv = uv_binary()
    if not uv:
        raise Failed("uv is needed (pip install uv)")
    venv = Path(tempfile.mkdtemp(prefix="bare-", dir=work))
    _run([uv, "venv", "-q", "--python", sys.executable, str(venv / "v")], work)
    python = str(venv / "v" / "bin" / "python")
    offline = [] if online else ["--offline", "--no-index"]
    install = [uv, "pip", "install", "-q", "--python", python, *offline, "--find-links", str(dist)]
    _run([*install, *map(str, wheels)], work)
    _run([python, "-I", "-c", f"import {', '.join(modules)}"], venv)
    shutil.rmtree(venv)


def seeds_way(dist: Path, wheels: list[Path], modules: list[list[str]], work: Path) -> None:
    """Per package: a fresh venv, pip install of its wheel, an import."""
    for wheel, names in zip(wheels, modules, strict=True):
        venv = work / "seed-venv"
        _run([sys.executable, "-m", "venv", str(venv)], work)
        python = str(venv / "bin" / "python")
        _run(
            [python, "-m", "pip", "install", "-q", "--no-index", "-f", str(dist), str(wheel)], work
        )
        _run([python, "-c", f"import {', '.join(names)}"], work)
        shutil.rmtree(venv)


def stages(verify: list[str], root: Path, work: Path) -> None:
    """One more run with timers around the stages (``_verify_stages.py``), printed."""
    out = work / "stages.json"
    script = Path(__file__).with_name("_verify_stages.py")
    spawned = time.time()
    proc = subprocess.run(
        [sys.executable, str(script), str(out), *verify[verify.index("verify-install") :]],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    ended = time.time()
    if proc.returncode != 0 or not out.is_file():
        raise Failed(f"the traced run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    seen = json.loads(out.read_text(encoding="utf-8"))
    offset = (seen["started_at"] - spawned) * 1000
    print(f"\nwhere one run's time goes (ms from the process's start; {offset:.1f} start-up):")
    for seconds, thread, what in seen["marks"]:
        where = "" if thread == "MainThread" else f"  [{thread}]"
        print(f"  {offset + seconds * 1000:7.1f}  {what}{where}")
    print(f"  {(ended - spawned) * 1000:7.1f}  process ended (the teardown after exit)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--count", type=int, default=3, help="sample packages (default 3)")
    parser.add_argument("--runs", type=int, default=7, help="timed pairs (default 7)")
    parser.add_argument("--repo", type=Path, help="a repository snapshot instead of the sample")
    parser.add_argument("--online", action="store_true", help="dependencies from the index")
    parser.add_argument(
        "--cached",
        action="store_true",
        help="--online, then the timed pairs from uv's cache only (UV_OFFLINE=1 both sides)",
    )
    parser.add_argument("--seeds", action="store_true", help="also time the seeds' way once")
    parser.add_argument("--stages", action="store_true", help="then one traced run, by stage")
    args = parser.parse_args()
    args.online = args.online or args.cached
    with tempfile.TemporaryDirectory(prefix="relnox-bench-verify-") as tmp:
        work = Path(tmp)
        if args.repo:
            root = args.repo.resolve()
        else:
            root = write_workspace(work / "ws", generated_specs(args.count, prefix="vbench"))
            git_init(root)
        dist = work / "dist"
        relnox = relnox_command()
        start = time.perf_counter()
        try:
            _run([*relnox, "build-all", "--root", str(root), "--out", str(dist)], root)
        except Failed as exc:
            raise SystemExit(str(exc)) from None
        # a wheel this interpreter cannot install is skipped by relnox: the bare side drops it
        here = platform.python_version()
        facts = [wheel_facts(w) for w in sorted(dist.glob("*.whl"))]
        facts = [f for f in facts if here in SpecifierSet(f.requires_python or "")]
        wheels = [dist / f.filename for f in facts]
        modules = [list(f.imports) for f in facts]
        flat = sorted({m for names in modules for m in names})
        print(
            f"{len(wheels)} wheels of {root} built in {time.perf_counter() - start:.1f}s; "
            f"imports: {', '.join(flat)}; {bytecode_note()}; {load()}",
            flush=True,
        )
        offline = [] if args.online else ["--offline"]
        verify = [*relnox, "verify-install", "--root", str(root), "--dist", str(dist), *offline]

        def a() -> None:
            _run(verify, root)

        def b() -> None:
            bare_uv(dist, wheels, flat, work, args.online)

        try:
            if args.cached:  # the warm-up fills uv's cache; the pairs then never wait on a network
                a()
                b()
                os.environ["UV_OFFLINE"] = "1"
            times = paired(a, b, args.runs, warmup=0 if args.cached else 1)
        except Failed as exc:
            raise SystemExit(str(exc)) from None
        ratio = report("relnox verify-install", "bare uv venv + install + import", times)
        print(f"target median <= 1.1: {'met' if ratio <= 1.1 else 'MISSED'}")
        if args.stages:
            try:
                stages(verify, root, work)
            except Failed as exc:
                raise SystemExit(str(exc)) from None
        if args.seeds:
            seeds = timed(lambda: seeds_way(dist, wheels, modules, work))
            relnox_median = sorted(times[0])[len(times[0]) // 2]
            print(f"seeds' way (venv + pip install + import, per package): {seeds:.2f}s")
            print(f"ratio seeds/relnox: {seeds / relnox_median:.1f}x (target >= 20)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
