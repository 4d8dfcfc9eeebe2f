"""A release of many packages reads like a summary: the real ``relnox release`` on a
generated workspace, each package without a changelog, bumped in lockstep."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from pathlib import Path

from relnox.progress import Status, finished, started
from relnox.sample import generated_specs, git_init, write_workspace
from tests.conftest import run_relnox

#: only the stages that read and bump: the rest is other tests' subject
SKIP = "build,verify,publish-test,verify-test,skew,publish,tag,audit"


def _many(tmp_path: Path, count: int) -> Path:
    root = write_workspace(tmp_path / "ws", generated_specs(count, prefix="many"))
    (root / "CHANGELOG.md").unlink()  # every package: "no CHANGELOG.md"
    git_init(root)
    return root


def test_a_warning_many_packages_share_prints_once_with_their_count(tmp_path: Path) -> None:
    root = _many(tmp_path, 12)
    proc = run_relnox("release", "--part", "patch", "--skip", SKIP, cwd=root, check=True)

    said = [line for line in proc.stderr.splitlines() if "no CHANGELOG.md" in line]
    assert len(said) == 1, proc.stderr
    assert "(12 packages) (-v for names)" in said[0]
    assert "many-pkg3" not in said[0]
    doctor = next(line for line in proc.stdout.splitlines() if line.startswith("[ok] doctor"))
    assert "changelog <package> (12 packages)" in doctor
    assert len(doctor) < 200, doctor
    bump = next(line for line in proc.stdout.splitlines() if line.startswith("[ok] bump"))
    assert "12 packages 0.1.0 -> 0.1.1; commit " in bump


def test_the_names_are_there_with_v_and_in_json(tmp_path: Path) -> None:
    root = _many(tmp_path, 5)
    proc = run_relnox("-v", "release", "--part", "patch", "--skip", SKIP, cwd=root, check=True)

    names = [f"many-pkg{i}" for i in range(5)]
    assert f"  {', '.join(names)}\n" in proc.stderr
    proc = run_relnox("release", "--part", "patch", "--skip", SKIP, "--json", cwd=root, check=True)
    [shared] = [w for w in json.loads(proc.stdout)["warnings"] if "CHANGELOG" in w["warning"]]
    assert (
        shared["packages"] == names and "changelog <package>: no CHANGELOG.md" in shared["warning"]
    )


def test_a_few_packages_are_still_named(tmp_path: Path) -> None:
    root = _many(tmp_path, 2)
    proc = run_relnox("release", "--part", "patch", "--skip", SKIP, cwd=root, check=True)

    assert "many-pkg0 0.1.0 -> 0.1.1, many-pkg1 0.1.0 -> 0.1.1" in proc.stdout
    said = [line for line in proc.stderr.splitlines() if "no CHANGELOG.md" in line]
    assert [line.split(":")[1] for line in said] == [" changelog many-pkg0", " changelog many-pkg1"]


def _status(live: bool) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Status(stream, live=live))
    log = logging.getLogger(f"relnox-progress-test-{live}")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    return log, stream


def test_progress_in_a_log_is_a_line_at_the_half() -> None:
    log, stream = _status(live=False)
    for i in range(8):
        log.info("[%d/8] p%d: building", i + 1, i, extra=started("build", f"p{i}", 8))
    for i in range(8):
        log.info("p%d: built", i, extra=finished("build", f"p{i}"))
    log.info("a line of its own")

    assert stream.getvalue().splitlines() == [
        "build: 4/8 done; slowest running: p4 (0s)",
        "a line of its own",
    ]


def test_progress_on_a_terminal_is_one_line_redrawn_and_cleared() -> None:
    log, stream = _status(live=True)
    log.info("start", extra=started("upload", "p0", 1))
    log.info("done", extra=finished("upload", "p0"))
    log.info("next")

    assert stream.getvalue() == (
        "\r\x1b[Kupload: 0/1 done; slowest running: p0 (0s)\r\x1b[Kupload: 1/1 done\r\x1b[Knext\n"
    )


def test_builds_finishing_in_threads_of_their_own_keep_the_status_line_whole() -> None:
    """build-all starts every build at once and each logs from its own thread; logging calls
    a handler's filters outside its lock, so the status counts them one at a time."""
    log, stream = _status(live=True)
    errors: list[BaseException] = []

    def build(k: int) -> None:
        try:
            for i in range(2000):
                log.info("building", extra=started("build", f"p{k}-{i}", 12000))
                log.info("built", extra=finished("build", f"p{k}-{i}"))
        except Exception as exc:  # what a build's thread would die of
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two steps
    try:
        threads = [threading.Thread(target=build, args=(k,)) for k in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert stream.getvalue().endswith("\r\x1b[K")  # 12000/12000 done: the line cleared


def test_a_stage_run_again_counts_from_zero() -> None:
    """The demo tags its seed release, then the release: the second run is 1/3, not 4/3."""
    log, stream = _status(live=False)
    for run in ("seed", "release"):
        for i in range(3):
            log.info("tagged", extra=finished("tag", f"{run}-p{i}", 3))
    assert stream.getvalue().splitlines() == ["tag: 2/3 done", "tag: 2/3 done"]  # each at its half
