"""One lock per repository (:mod:`relnox.lock`): held across processes, waited for within a
bound, named when it is not released, taken over from a dead process, re-entrant; and two
real ``relnox publish`` runs at once never send a file twice."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.lock import LockError, describe, lock_path, lock_wait, repository_lock

HOLD = """
import sys
from pathlib import Path
from relnox.lock import repository_lock
with repository_lock(Path(sys.argv[1]), "relnox publish"):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes it
"""


def git_repo(path: Path) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of ``tmp_path/repo`` until its stdin is closed."""
    repo = git_repo(tmp_path / "repo")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(repo)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=30)


def test_the_lock_lives_in_the_git_directory(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / "sub").mkdir()
    assert lock_path(repo / "sub") == (repo / ".git" / "relnox.lock").resolve()
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = lock_path(plain)
    assert not outside.is_relative_to(plain.resolve())  # a refused command leaves nothing there
    assert outside == lock_path(plain / ".." / "plain") != lock_path(repo)


def test_a_second_run_waits_within_its_bound_then_names_the_holder(
    tmp_path: Path, holder: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    repo = tmp_path / "repo"
    pauses: list[float] = []
    clock = iter(range(100))
    with (
        caplog.at_level(logging.INFO, logger="relnox"),
        pytest.raises(LockError) as caught,
        repository_lock(
            repo, "relnox bump", wait=3, clock=lambda: float(next(clock)), pause=pauses.append
        ),
    ):
        pass
    message = str(caught.value)
    assert f"`relnox publish` (pid {holder.pid}, started " in message
    assert str(lock_path(repo)) in message and "waited 3s (RELNOX_LOCK_WAIT)" in message
    assert len(pauses) == 2  # looked at 0, 1, 2; gave up at 3
    assert "waiting up to 3s" in caplog.text

    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)
    with repository_lock(repo, "relnox bump", wait=0):
        held = json.loads(lock_path(repo).read_text())
        assert held["pid"] == os.getpid() and held["command"] == "relnox bump"
    assert lock_path(repo).read_text() == ""  # released: no holder named


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_note(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    repo = git_repo(tmp_path / "repo")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    pid = int(dead.stdout)
    lock_path(repo).write_text(json.dumps({"pid": pid, "command": "relnox tag", "started": 1.0}))
    with caplog.at_level(logging.WARNING, logger="relnox"), repository_lock(repo, "relnox bump"):
        pass
    assert f"left by `relnox tag` (pid {pid}" in caplog.text and "no longer running" in caplog.text


def test_the_lock_is_re_entrant_within_a_process(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    with repository_lock(repo, "relnox release"), repository_lock(repo, "relnox bump", wait=0):
        assert json.loads(lock_path(repo).read_text())["command"] == "relnox release"
    assert lock_path(repo).read_text() == ""


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "1e999", "86401"])
def test_a_malformed_wait_is_named(value: str) -> None:
    """inf (or 1e999, which float reads as inf) waited for the other command forever; a wait
    is a number of seconds up to a day, as every other of relnox's."""
    with pytest.raises(LockError, match=f"RELNOX_LOCK_WAIT='{value}'"):
        lock_wait({"RELNOX_LOCK_WAIT": value})


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    (repo / ".git" / "relnox.lock").mkdir()  # a folder where the lock file goes
    with (
        pytest.raises(LockError, match="cannot create the repository's lock"),
        repository_lock(repo, "relnox bump"),
    ):
        pass


def test_worktrees_of_one_repository_share_one_lock(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "other")], check=True)
    assert lock_path(tmp_path / "other") == lock_path(repo)


@pytest.mark.parametrize("started", [1e300, float("nan"), "yesterday", True, -1e18])
def test_a_holder_record_edited_by_hand_still_names_the_holder(started: object) -> None:
    """The lock file's ``started`` is the holder's word; a number no clock holds, or no
    number, leaves it out of the message instead of ending it in a traceback."""
    said = describe({"pid": 42, "command": "relnox publish", "started": started})
    assert said == "`relnox publish` (pid 42)"
