"""Time build_all against the seeds' way and against uv, on the same workspace.

    python benchmarks/build_all.py                 # a generated workspace of 8 packages
    python benchmarks/build_all.py --repo PATH     # a real repository snapshot instead
    python benchmarks/build_all.py --rounds 5 --packages 10

(a) the seeds' way: a serial loop of ``python -m build`` per package (sdist, then
    the wheel from it, each in a fresh pip-made environment), then ``twine check`` of
    what it built, as seed 002 does (``python -m build``, ``python -m twine check
    dist/*``) and seed 003's ``build_packages.sh`` says it does ("validates metadata",
    then ``twine check dist/*``); seed 003 installs uv for its workspace but does not
    show which command its script builds with: ``--seed-tool uv`` times a serial loop
    of ``uv build`` per package instead (the faster reading of it);
(b) ``relnox build-all`` (the real command: builds, every check, the manifest);
(c) ``uv build --all-packages --no-sources`` where the packages form a uv workspace;
(d) ``relnox build-all`` again with nothing changed (its earlier build reused, every
    recorded file's sha256 checked).

Every command runs once untimed first (warm caches), then ``--rounds`` times,
interleaved (``--seed-rounds 0`` leaves the slow (a) out); (b) builds into a fresh
directory each time, so nothing is reused. The median wall-clock time decides, the
best run and the CPU time (of all child processes, which other load on the machine
hardly changes) are printed beside it, and each ratio to (c) pair by pair (the runs of
one round are neighbours in time) as min/median/max with the machine's load. Targets:
(a)/(b) >= 8, (b)/(c) <= 1.0, (d)/(c) <= 0.1. ``--stages`` then builds once more in this
process with timers around relnox's stages (environments, hooks, normalisation, checks,
waiting) and prints where a cold build's time goes (``benchmarks/_stages.py``).

PATH is the workspace's root (the directory whose pyproject.toml lists the members); a
directory without a pyproject.toml (``libs/python`` of a repository whose root holds the
workspace) is taken as the nearest one above it that has one, and said so.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _pairs import load, relnox_command, spread

from relnox.project.discovery import load_workspace
from relnox.sample import generated_specs, git_init, write_workspace
from relnox.versions.sources import load_toml


class Failed(Exception):
    """A command of the benchmark failed."""


def _run(argv: list[str], cwd: Path) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise Failed(f"failed: {' '.join(argv)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def seeds_way(root: Path, out: Path, packages: Sequence[str] = (), tool: str = "build") -> None:
    """(a) a serial loop of python -m build (or uv build), one package after the other,
    then twine check of everything built."""
    for pkg in load_workspace(root).packages:
        if packages and pkg.name not in packages:
            continue
        if tool == "uv":
            from uv import find_uv_bin

            argv = [str(find_uv_bin()), "build", "--quiet", "--python", sys.executable]
            _run([*argv, "--out-dir", str(out), str(pkg.directory)], root)
        else:
            _run([sys.executable, "-m", "build", "--outdir", str(out), str(pkg.directory)], root)
    built = sorted(str(p) for p in out.iterdir() if p.name.endswith((".whl", ".tar.gz", ".zip")))
    _run([sys.executable, "-m", "twine", "check", *built], root)  # uv build adds a .gitignore


def workspace_root(path: Path) -> Path:
    """``path``, or the nearest directory above it with a pyproject.toml."""
    for candidate in (path, *path.parents):
        if (candidate / "pyproject.toml").is_file():
            if candidate != path:
                print(f"{path} has no pyproject.toml: using {candidate}, the workspace above it")
            return candidate
    raise SystemExit(f"{path}: no pyproject.toml here or above; pass a workspace's root")


def relnox_way(root: Path, out: Path, jobs: int, packages: Sequence[str] = ()) -> None:
    """(b) relnox build-all: builds, checks, manifest; (d) the same into a built ``out``;
    only ``packages`` when given (the members uv builds, where relnox finds more)."""
    argv = [*relnox_command(), "build-all", "--root", str(root), "--out", str(out)]
    argv += [arg for name in packages for arg in ("--package", name)]
    _run(argv + (["--jobs", str(jobs)] if jobs else []), root)


def uv_way(root: Path, out: Path) -> None:
    """(c) uv build --all-packages."""
    from uv import find_uv_bin

    argv = [str(find_uv_bin()), "build", "--all-packages", "--no-sources", "--quiet"]
    _run([*argv, "--python", sys.executable, "--out-dir", str(out)], root)


def is_uv_workspace(root: Path) -> bool:
    doc = load_toml(root / "pyproject.toml")
    return bool(doc.get("tool", {}).get("uv", {}).get("workspace"))


def uv_members(root: Path) -> list[str]:
    """The names of the members ``uv build --all-packages`` builds (its workspace's
    ``members`` globs less ``exclude``), so both sides build the same packages."""
    table = load_toml(root / "pyproject.toml").get("tool", {}).get("uv", {}).get("workspace", {})
    excluded = {p.resolve() for pattern in table.get("exclude", []) for p in root.glob(pattern)}
    names = []
    for pattern in table.get("members", []):
        for directory in sorted(root.glob(pattern)):
            pyproject = directory / "pyproject.toml"
            if directory.resolve() in excluded or not pyproject.is_file():
                continue
            name = load_toml(pyproject).get("project", {}).get("name")
            if name and name not in names:
                names.append(name)
    return names


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    fn: Callable[[Path], None], scratch: Path, out: Path | None = None
) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (of every child process) of one run into ``out``
    (default: a fresh directory, removed afterwards)."""
    fresh = out is None
    out = out or Path(tempfile.mkdtemp(dir=scratch))
    cpu, start = _cpu(), time.perf_counter()
    fn(out)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    if fresh:
        shutil.rmtree(out)
    return seconds, cpu


def _ratio(label: str, median: float, best: float, cpu: float) -> None:
    print(f"{label} = {median:.2f} (median wall; best-of {best:.2f}; CPU {cpu:.2f})")


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("path", nargs="?", help="a repository to build (default: a generated one)")
    parser.add_argument("--repo", help="the same as PATH: a repository snapshot to build")
    parser.add_argument("--packages", type=int, default=8, help="size of the generated workspace")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of (b) and (c)")
    parser.add_argument(
        "--seed-rounds", type=int, default=1, help="timed runs of (a), the slow one (0: skip)"
    )
    parser.add_argument("--jobs", type=int, default=0, help="relnox --jobs (default: CPUs)")
    parser.add_argument(
        "--seed-tool",
        choices=("build", "uv"),
        default="build",
        help="(a) loops over python -m build (seed 002) or uv build (a reading of seed 003)",
    )
    parser.add_argument(
        "--stages", action="store_true", help="then where a cold build's time goes, by stage"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="relnox-bench-") as tmp:
        scratch = Path(tmp)
        if args.path or args.repo:
            root = workspace_root(Path(args.path or args.repo).resolve())
        else:
            root = write_workspace(scratch / "ws", generated_specs(args.packages))
            git_init(root)
        found = [p.name for p in load_workspace(root).packages]
        same: list[str] = []
        if is_uv_workspace(root) and set(found) - set(uv_members(root)):
            same = [n for n in uv_members(root) if n in found]  # uv builds only these
            print(
                f"relnox finds {len(found)} packages, uv's workspace {len(same)}: both build those"
            )
        count = len(same or found)
        ways: dict[str, Callable[[Path], None]] = {
            "a": lambda out: seeds_way(root, out, same, args.seed_tool),
            "b": lambda out: relnox_way(root, out, args.jobs, same),
            "d": lambda out: relnox_way(root, out, args.jobs, same),
        }
        if not args.seed_rounds:
            del ways["a"]
        if is_uv_workspace(root):
            ways["c"] = lambda out: uv_way(root, out)
        names = {
            "a": f"serial {'uv' if args.seed_tool == 'uv' else 'python -m'} build+twine",
            "b": "relnox build-all (cold)",
            "c": "uv build --all-packages",
            "d": "relnox build-all unchanged",
        }
        built = scratch / "built" / "dist"  # (d) runs into this one, built by the warm-up
        outs = {"d": built}
        bytecode = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
        print(
            f"{count} packages at {root}; {os.cpu_count()} CPUs; bytecode writing {bytecode} "
            "(PYTHONDONTWRITEBYTECODE); warming up...",
            flush=True,
        )
        for key, fn in list(ways.items()):
            try:
                timed(fn, scratch, outs.get(key))
            except Failed as exc:
                if key != "c":
                    raise SystemExit(str(exc)) from None
                print(f"(c) left out: uv cannot build these packages as a workspace:\n{exc}")
                del ways["c"]
        times: dict[str, list[float]] = {key: [] for key in ways}
        cpus: dict[str, list[float]] = {key: [] for key in ways}
        for round_ in range(max(args.rounds, args.seed_rounds)):
            for key, fn in ways.items():
                if round_ >= (args.seed_rounds if key == "a" else args.rounds):
                    continue
                seconds, cpu = timed(fn, scratch, outs.get(key))
                times[key].append(seconds)
                cpus[key].append(cpu)
                print(f"  ({key}) {names[key]}: {seconds:.2f}s wall, {cpu:.2f}s CPU", flush=True)
        median = {key: statistics.median(values) for key, values in times.items()}
        best = {key: min(values) for key, values in times.items()}
        cpu_median = {key: statistics.median(values) for key, values in cpus.items()}
        print()
        for key in times:
            runs = [round(t, 2) for t in times[key]]
            print(
                f"({key}) {names[key]:26} median {median[key]:6.2f}s  best {best[key]:6.2f}s  "
                f"CPU {cpu_median[key]:6.2f}s  {runs}"
            )
        if "a" in median:
            _ratio(
                "(a)/(b)",
                median["a"] / median["b"],
                best["a"] / best["b"],
                cpu_median["a"] / cpu_median["b"],
            )
            print("        target >= 8:", _verdict(median["a"] / median["b"] >= 8))
        if "c" in median:
            for key, target in (("b", 1.0), ("d", 0.1)):
                _ratio(
                    f"({key})/(c)",
                    median[key] / median["c"],
                    best[key] / best["c"],
                    cpu_median[key] / max(cpu_median["c"], 1e-9),
                )
                print(f"        target <= {target}:", _verdict(median[key] / median["c"] <= target))
                pairs = [t / c for t, c in zip(times[key], times["c"], strict=True)]
                print(f"        pair by pair ({len(pairs)}): {spread(pairs)}; {load()}")
        else:
            print("(c) skipped: the packages do not form a uv workspace")
        if "a" in median:
            pairs = [a / b for a, b in zip(times["a"], times["b"], strict=False)]
            print(f"(a)/(b) pair by pair ({len(pairs)}): {spread(pairs)}; {load()}")
        if args.stages:
            from _stages import report

            report(root, scratch / "stages" / "dist", same or found, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
