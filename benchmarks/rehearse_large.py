"""A release of many packages: ``relnox rehearse --part patch`` against its local indexes,
next to ``uv build --all-packages`` of the same workspace in the same run.

    python benchmarks/rehearse_large.py                       # a generated 72-package workspace
    python benchmarks/rehearse_large.py --packages 100 --rounds 3
    python benchmarks/rehearse_large.py --real PATH           # also a fetched real workspace
    python benchmarks/rehearse_large.py --relnox-path DIR     # another checkout's relnox (before)
    python benchmarks/rehearse_large.py --no-generated --real PATH --rounds 5 \
        --versus before=/path/to/venv/bin/python              # whole rehearsals, side by side

The generated workspace is :func:`relnox.sample.generated_specs` (a third of the packages
requiring the one before them), committed in a fresh git repository; ``--real PATH`` is
a clone of a real workspace (not committed here: fetch it yourself), rehearsed as it is
(``--extra-index URL`` for its third-party dependencies). Each round runs the rehearsal
and the uv build in a child process each, the order alternating from round to round, the
uv build into a fresh directory. Printed per round: each stage's seconds (the rehearsal's
own stage lines), the three install checks (verify, verify-test, install-from-index)
together, the whole rehearsal, the uv build and the ratio of the two, each in wall and CPU
seconds (user + system of the child and all it waited for); with the load average before
and after, since the machine may be shared. ``--versus LABEL=PYTHON`` (repeatable) instead
rehearses with this environment's relnox and each other interpreter's (its environment's
relnox: a worktree of another commit in a venv of its own), one whole process each per
round, the order rotating from round to round, and prints each one's seconds and load
per round, then the medians and each side's per-round ratio to this environment's (no
uv build: the rehearsals are compared with each other). ``--stages`` then rehearses once more with
each stage's CPU time and its costliest children (``_rehearse_stages.py``): where the
time goes, which the untraced figures above do not say.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from relnox.sample import generated_specs, git_env, git_init, write_workspace
from relnox.tools.envs import uv_binary

#: a stage line: ``[ok] verify-test        done            3.3s  ...``
STAGE = re.compile(r"^\[(?:ok|--|XX)\] (\S+)\s+.*?\s(\d+\.\d)s(?:\s|$)")
CHECKS = ("verify", "verify-test", "install-from-index")


def load() -> str:
    return Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"


def _env(relnox_path: str | None) -> dict[str, str]:
    env = {**git_env(), "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("CI", None)
    if relnox_path:
        env["PYTHONPATH"] = relnox_path
    return env


def cpu() -> float:
    """User + system seconds of this process's finished children so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def rehearse(
    root: Path, relnox_path: str | None, extra: list[str], python: str = sys.executable
) -> tuple[float, float, dict[str, float]]:
    """Seconds (wall, then CPU) of the whole rehearsal, and of each of its stages."""
    argv = [python, "-m", "relnox", "rehearse", "--part", "patch", *extra]
    start, used = time.perf_counter(), cpu()
    proc = subprocess.run(argv, cwd=root, env=_env(relnox_path), capture_output=True, text=True)
    seconds, used = time.perf_counter() - start, cpu() - used
    if proc.returncode != 0:
        raise SystemExit(
            f"rehearse failed in {root}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    stages = {}
    for line in proc.stdout.splitlines():
        found = STAGE.match(line)
        if found:
            stages[found.group(1)] = float(found.group(2))
    return seconds, used, stages


def uv_build(root: Path, tmp: Path) -> tuple[float, float]:
    """Seconds (wall, then CPU) of ``uv build --all-packages`` into a fresh directory."""
    uv = uv_binary()
    if uv is None:
        raise SystemExit("uv is needed for the baseline: pip install uv")
    out = Path(tempfile.mkdtemp(prefix="uv-dist-", dir=tmp))
    argv = [uv, "build", "--all-packages", "--no-sources", "--quiet"]
    argv += ["--python", sys.executable, "--out-dir", str(out)]
    start, used = time.perf_counter(), cpu()
    proc = subprocess.run(argv, cwd=root, env=_env(None), capture_output=True, text=True)
    seconds, used = time.perf_counter() - start, cpu() - used
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"uv build failed in {root}:\n{proc.stderr[-3000:]}")
    return seconds, used


def traced(root: Path, relnox_path: str | None, extra: list[str], tmp: Path) -> None:
    """One traced rehearsal: each stage's wall and CPU time, and its costliest children."""
    here = Path(__file__).resolve().parent
    out = tmp / "stages.json"
    argv = [sys.executable, str(here / "_rehearse_stages.py"), str(out)]
    argv += ["rehearse", "--part", "patch", *extra]
    proc = subprocess.run(argv, cwd=root, env=_env(relnox_path), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"traced rehearse failed in {root}:\n{proc.stdout[-3000:]}")
    sys.path.insert(0, str(here))
    from _rehearse_stages import report

    print("by stage (one traced rehearsal; cpu = relnox + the children it waited for):")
    print("\n".join(report(str(out))), flush=True)


def generated(base: Path, count: int) -> Path:
    root = write_workspace(base / f"generated-{count}", generated_specs(count, prefix="large"))
    git_init(root)
    return root


def measure(label: str, root: Path, args: argparse.Namespace, tmp: Path) -> None:
    extra = ["--extra-index", args.extra_index] if args.extra_index else []
    print(f"\n== {label}: {root}", flush=True)
    for round_ in range(args.rounds):
        before = load()
        if round_ % 2:
            uv, uv_cpu = uv_build(root, tmp)
            whole, whole_cpu, stages = rehearse(root, args.relnox_path, extra)
        else:
            whole, whole_cpu, stages = rehearse(root, args.relnox_path, extra)
            uv, uv_cpu = uv_build(root, tmp)
        checks = sum(stages.get(name, 0.0) for name in CHECKS)
        print(f"round {round_ + 1}  (load before: {before}; after: {load()})")
        for name, seconds in stages.items():
            print(f"  {name:20} {seconds:7.1f}s")
        print(
            f"  {'three install checks':20} {checks:7.1f}s ({checks / whole:.0%} of the rehearsal)"
        )
        print(f"  {'rehearse (whole)':20} {whole:7.1f}s  (cpu {whole_cpu:.1f}s)")
        print(f"  {'uv build --all':20} {uv:7.1f}s  (cpu {uv_cpu:.1f}s)")
        print(
            f"  rehearse / uv build: {whole / uv:.2f} (cpu {whole_cpu / uv_cpu:.2f}); "
            f"build / uv build: {stages.get('build', 0.0) / uv:.2f}",
            flush=True,
        )
    if args.stages:
        traced(root, args.relnox_path, extra, tmp)


def versus(root: Path, args: argparse.Namespace) -> None:
    """Rehearsals of ``root`` by this environment's relnox and each ``--versus`` one, one
    whole process each per round, the order rotating; medians and per-round ratios."""
    extra = ["--extra-index", args.extra_index] if args.extra_index else []
    sides = [("this", sys.executable)]
    sides += [(label, python) for label, _, python in (v.partition("=") for v in args.versus)]
    seconds: dict[str, list[float]] = {label: [] for label, _ in sides}
    print(f"\n== {root}: {', '.join(f'{label} ({python})' for label, python in sides)}")
    for round_ in range(args.rounds):
        turn = round_ % len(sides)
        said = []
        for label, python in sides[turn:] + sides[:turn]:
            before = load().split()[0]
            whole, used, _ = rehearse(root, None, extra, python)
            seconds[label].append(whole)
            said.append(
                f"{label} {whole:.1f}s (cpu {used:.1f}s, load {before}->{load().split()[0]})"
            )
        print(f"round {round_ + 1}: {'; '.join(said)}", flush=True)
    base = seconds["this"]
    for label, values in seconds.items():
        median = statistics.median(values)
        line = f"{label:>10}: median {median:.1f}s, {min(values):.1f}-{max(values):.1f}"
        if label != "this":
            ratios = [a / b for a, b in zip(values, base, strict=True)]
            line += (
                f"; / this, round by round: {', '.join(f'{r:.2f}' for r in ratios)} "
                f"(median {statistics.median(ratios):.2f})"
            )
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=72, help="size of the generated workspace")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--real", type=Path, help="a clone of a real workspace, rehearsed too")
    parser.add_argument("--extra-index", help="where a real workspace's dependencies come from")
    parser.add_argument("--relnox-path", help="run the relnox of this checkout (PYTHONPATH)")
    parser.add_argument("--no-generated", action="store_true", help="only --real")
    parser.add_argument("--stages", action="store_true", help="then one traced run, by stage")
    parser.add_argument(
        "--versus",
        action="append",
        default=[],
        metavar="LABEL=PYTHON",
        help="--real only: rehearse with this interpreter's relnox too, rounds rotating",
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load {load()}; relnox from {args.relnox_path or 'this env'}")
    if args.versus:
        if not args.real or any("=" not in v for v in args.versus):
            parser.error("--versus LABEL=PYTHON needs --real PATH")
        versus(args.real.resolve(), args)
        return 0
    with tempfile.TemporaryDirectory(prefix="rehearse-large-") as tmp:
        if not args.no_generated:
            measure(
                f"generated, {args.packages} packages",
                generated(Path(tmp), args.packages),
                args,
                Path(tmp),
            )
        if args.real:
            measure("real workspace", args.real.resolve(), args, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
