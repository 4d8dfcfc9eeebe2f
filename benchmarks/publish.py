"""relnox publish against ``uv publish --check-url`` of the same files to the same kind of index.

    python benchmarks/publish.py [--count 20] [--runs 3]

The packages of ``relnox.sample.generated_specs(count)`` (every third one needs the one
before it, so the publish has several dependency tiers) are built once with relnox
build-all (not timed). Then, interleaved, ``--runs`` times each after one warm-up of each,
every run against a fresh local index (pypiserver on 127.0.0.1, uploads need a password):

* relnox: ``relnox publish -r URL`` as a user runs it (a new process: start-up, the
  workspace, the preflight that asks the index about every file, the uploads in tiers,
  the wait until each tier shows, the report);
* uv: ``uv publish --publish-url URL --check-url SIMPLE`` of the same files.

Each round runs both (the order alternating from round to round, so a drift of the
machine's speed hits both sides of a pair); prints each side's min/median/max, the ratio
relnox / uv pair by pair (min, median, max) and the machine's load; target: median ratio
<= 1.5. Each index is started and stopped outside the timed part.

``--stages`` then runs relnox once more with timers around its stages
(``_publish_stages.py``): the interpreter's start-up, the imports, the workspace, each
preflight step, each tier's upload child and wait until it shows, the report and the
teardown, in milliseconds, in the order they happened.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _pairs import bytecode_note, children_cpu, load, relnox_command, spread  # noqa: E402

from relnox.sample import generated_specs, git_init, write_workspace  # noqa: E402
from relnox.tools.envs import uv_binary  # noqa: E402
from relnox.tools.index_server import LocalIndex, write_htpasswd  # noqa: E402

USER, PASSWORD = "bench", "bench-password-1"


def _check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def relnox_way(root: Path, index: LocalIndex) -> None:
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": PASSWORD}
    argv = [*relnox_command(), "-q", "publish", "-r", index.url, "--root", str(root)]
    _check(subprocess.run(argv, env=env, capture_output=True, text=True), "relnox publish")


def uv_way(files: list[Path], index: LocalIndex) -> None:
    uv = uv_binary()
    assert uv is not None
    env = {**os.environ, "UV_PUBLISH_USERNAME": USER, "UV_PUBLISH_PASSWORD": PASSWORD}
    argv = [uv, "publish", "--no-progress", "--publish-url", index.url]
    argv += ["--check-url", index.simple_url, "--trusted-publishing", "never"]
    _check(subprocess.run([*argv, *map(str, files)], env=env, capture_output=True, text=True), "uv")


#: CPU seconds (user + system) of each way's processes, run by run (not the index's)
CPU: dict[str, list[float]] = {}


def timed(work: Path, label: str, run: Callable[[LocalIndex], None], htpasswd: Path) -> float:
    with LocalIndex(
        Path(tempfile.mkdtemp(prefix=f"{label}-", dir=work)), password_file=htpasswd
    ) as index:
        cpu = children_cpu()
        start = time.perf_counter()
        run(index)
        seconds = time.perf_counter() - start
        CPU.setdefault(label, []).append(children_cpu() - cpu)
        stored = len(list(index.data_dir.iterdir()))
    return seconds if stored else float("nan")


#: what a traced function does until the next mark (else its name)
INSIDE = {
    "upload_all": "the tier loop until its first child",
    "upload child": "an upload call (a child)",
    "refuse_stale": "the stale check (its git children)",
}
#: what happens between a traced function's end and the next one's start
AFTER = {
    "imports": "the command line until the task",
    "load_release": "select the packages",
    "check_files": "after check_files",
    "_check_artifacts": "the index reader made",
    "refuse_stale": "after the stale check",
    "upload child": "after the upload call",
    "wait_visible": "the next tier's start",
    "_publish": "the table",
}


def stages(root: Path, work: Path, htpasswd: Path) -> None:
    """One traced ``relnox publish`` to a fresh index: where its wall time goes."""
    out = work / "stages.json"
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": PASSWORD}
    script = Path(__file__).with_name("_publish_stages.py")
    with LocalIndex(
        Path(tempfile.mkdtemp(prefix="stages-", dir=work)), password_file=htpasswd
    ) as index:
        argv = [sys.executable, str(script), str(out), "-q", "publish", "-r", index.url]
        spawned = time.time()
        proc = subprocess.run([*argv, "--root", str(root)], env=env, capture_output=True, text=True)
        ended = time.time()
    _check(proc, "relnox publish (traced)")
    data = json.loads(out.read_text())
    marks: list[tuple[float, str]] = [(float(t), str(w)) for t, w in data["marks"]]
    rows = [("interpreter start-up", data["started_at"] - spawned)]
    previous, label = 0.0, "imports: relnox, its command line, the publish path"
    for at, what in marks:
        rows.append((label, at - previous))
        previous, name = at, what[2:]
        label = (
            INSIDE.get(name, name) if what.startswith("> ") else AFTER.get(name, f"after {name}")
        )
    rows.append(("teardown", ended - data["exit_at"]))
    print(f"where one traced relnox publish spends {ended - spawned:.3f}s ({load()}):")
    for what, seconds in rows:
        if seconds >= 0.0005:
            print(f"  {seconds * 1000:7.1f} ms  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stages", action="store_true", help="then one traced run, by stage")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relnox-bench-publish-") as tmp:
        work = Path(tmp)
        root = write_workspace(work / "ws", generated_specs(args.count))
        git_init(root)
        built = subprocess.run(
            [*relnox_command(), "-q", "build-all", "--root", str(root)],
            capture_output=True,
            text=True,
        )
        _check(built, "relnox build-all")
        files = sorted(p for p in (root / "dist").iterdir() if p.suffix in (".whl", ".gz"))
        htpasswd = write_htpasswd(work / "htpasswd", {USER: PASSWORD})
        ways: dict[str, Callable[[LocalIndex], None]] = {
            "relnox publish": lambda index: relnox_way(root, index),
            "uv publish --check-url": lambda index: uv_way(files, index),
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        print(
            f"{args.count} packages, {len(files)} files, {args.runs} pairs after a warm-up; "
            f"{bytecode_note()}; {load()}",
            flush=True,
        )
        for round_ in range(args.runs + 1):  # the first round warms caches, untimed
            order = list(ways.items()) if round_ % 2 else list(reversed(ways.items()))
            got = {name: timed(work, name.split()[0], way, htpasswd) for name, way in order}
            if round_:
                for name, seconds in got.items():
                    times[name].append(seconds)
                ratio = got["relnox publish"] / got["uv publish --check-url"]
                print(
                    f"  round {round_}: relnox {got['relnox publish']:.3f}s  "
                    f"uv {got['uv publish --check-url']:.3f}s  relnox/uv {ratio:.2f}",
                    flush=True,
                )
        for name, values in times.items():
            print(f"  {name:24} {spread(values)} s")
        ratios = [
            r / u
            for r, u in zip(times["relnox publish"], times["uv publish --check-url"], strict=True)
        ]
        print(f"relnox / uv pair by pair ({len(ratios)} pairs): {spread(ratios)}; {load()}")
        mine, theirs = CPU["relnox"][1:], CPU["uv"][1:]  # the warm-up round left out
        cpu = [m / t for m, t in zip(mine, theirs, strict=True) if t > 0]
        print(
            f"CPU seconds (the index's left out): relnox {spread(mine)}; uv {spread(theirs)}; "
            f"relnox / uv pair by pair: {spread(cpu)}"
        )
        ratio = statistics.median(ratios)
        print(f"target median <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'}")
        if args.stages:
            stages(root, work, htpasswd)


if __name__ == "__main__":
    main()
