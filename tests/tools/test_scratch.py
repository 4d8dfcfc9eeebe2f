"""Scratch slots (the same path from run to run, one run at a time, emptied before and
after) and the environments verify makes in them: real directories, real locks held by
real processes, real interpreters asked what they are."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from relnox.tools import scratch
from relnox.tools.envs import (
    UvInstaller,
    can_make_here,
    create_environment,
    environment_dir,
    made_here,
    uv_binary,
)

_HOLD = """
import sys
from relnox.tools import scratch
held = scratch.acquire("verify", "relnox-test-")
print(held.path, flush=True)
sys.stdin.readline()  # held until the test says
held.release()
"""


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)


def test_a_slot_is_the_same_path_next_run_and_emptied_after(tmp_path: Path) -> None:
    first = scratch.acquire("verify", "relnox-test-")
    assert first.stable and first.path.parent == tmp_path / "home/.cache/relnox/scratch/verify"
    (first.path / "venv").mkdir()
    (first.path / "venv" / "file").write_text("x", encoding="utf-8")
    first.release()
    assert not first.path.exists()
    second = scratch.acquire("verify", "relnox-test-")
    try:
        assert second.path == first.path and list(second.path.iterdir()) == []
    finally:
        second.release()


def test_two_runs_at_once_never_share_a_slot(tmp_path: Path) -> None:
    """A slot another process holds is skipped; it is free again when that one ends."""
    other = subprocess.Popen(
        [sys.executable, "-c", _HOLD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(tmp_path / "home")},
    )
    try:
        assert other.stdout is not None and other.stdin is not None
        theirs = Path(other.stdout.readline().strip())
        mine = scratch.acquire("verify", "relnox-test-")
        try:
            assert mine.stable and mine.path != theirs and mine.path.parent == theirs.parent
        finally:
            mine.release()
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.wait(timeout=60) == 0
    finally:
        if other.poll() is None:
            other.kill()
            other.wait()
    again = scratch.acquire("verify", "relnox-test-")
    try:
        assert again.path == theirs  # the first slot, free again
    finally:
        again.release()


_KILLED = """
import sys
from relnox import _proc as proc
from relnox.tools import scratch
held = scratch.acquire("verify", "relnox-test-")
child = proc.fork_server([sys.executable, "-c", "import time; time.sleep(120)"], env={}, pass_fds=())
print(held.path, child.pid, flush=True)
sys.stdin.readline()  # killed here
"""


def test_a_child_a_killed_run_left_running_keeps_its_slot_busy(tmp_path: Path) -> None:
    """relnox killed (SIGKILL) while a child it started still works in its slot: the next
    run takes another slot, never empties the one the child works in."""
    run = subprocess.Popen(
        [sys.executable, "-c", _KILLED],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOME": str(tmp_path / "home")},
    )
    assert run.stdout is not None
    path, pid = run.stdout.readline().split()
    run.kill()
    run.wait()
    try:
        mine = scratch.acquire("verify", "relnox-test-")
        try:
            assert mine.stable and mine.path != Path(path)
        finally:
            mine.release()
    finally:
        os.kill(int(pid), signal.SIGKILL)  # the child left running
    assert run.stdin is not None
    run.stdin.close()


def test_what_a_killed_run_left_is_removed_before_use(tmp_path: Path) -> None:
    held = scratch.acquire("verify", "relnox-test-")
    held.release()
    held.path.mkdir()
    (held.path / "wheel-0").mkdir()
    (held.path / "wheel-0" / "stale").write_text("left", encoding="utf-8")
    again = scratch.acquire("verify", "relnox-test-")
    try:
        assert again.path == held.path and list(again.path.iterdir()) == []
    finally:
        again.release()


def test_a_link_planted_as_a_slot_is_removed_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep").write_text("mine", encoding="utf-8")
    held = scratch.acquire("verify", "relnox-test-")
    held.release()
    held.path.symlink_to(target)
    again = scratch.acquire("verify", "relnox-test-")
    try:
        assert not again.path.is_symlink() and list(again.path.iterdir()) == []
    finally:
        again.release()
    assert (target / "keep").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("level", ["scratch", "scratch/verify"])
def test_a_link_planted_as_the_slots_folder_is_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str
) -> None:
    """A link where relnox's own folders are (``scratch``, ``scratch/<kind>``) would have
    each slot it leads to emptied, elsewhere: a temporary directory instead."""
    target = tmp_path / "elsewhere"
    (target / "verify" / "0").mkdir(parents=True)
    (target / "0").mkdir()
    for kept in (target / "verify" / "0" / "keep", target / "0" / "keep"):
        kept.write_text("mine", encoding="utf-8")
    planted = tmp_path / "home/.cache/relnox" / level
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(target)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = scratch.acquire("verify", "relnox-test-")
    try:
        assert not held.stable and held.path.parent == tmp_path
    finally:
        held.release()
    assert (target / "verify" / "0" / "keep").read_text(encoding="utf-8") == "mine"
    assert (target / "0" / "keep").read_text(encoding="utf-8") == "mine"


def test_a_fifo_planted_as_a_slot_is_removed(tmp_path: Path) -> None:
    held = scratch.acquire("verify", "relnox-test-")
    held.release()
    os.mkfifo(held.path)
    again = scratch.acquire("verify", "relnox-test-")
    try:
        assert again.stable and again.path == held.path and again.path.is_dir()
    finally:
        again.release()


@pytest.mark.parametrize(
    ("variable", "value"), [("XDG_CACHE_HOME", "cache"), ("HOME", "home"), ("HOME", "")]
)
def test_a_relative_cache_or_home_puts_nothing_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A relative ``XDG_CACHE_HOME`` is ignored (the XDG specification): the home's cache;
    a relative or empty ``HOME``: a temporary directory, never the working directory (a
    repository) nor the root."""
    work = tmp_path / "repo"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = scratch.acquire("verify", "relnox-test-")
    try:
        if variable == "XDG_CACHE_HOME":
            assert held.path.parent == tmp_path / "home/.cache/relnox/scratch/verify"
        else:
            assert not held.stable and held.path.parent == tmp_path
    finally:
        held.release()
    assert list(work.iterdir()) == []


def test_a_cache_whose_path_is_not_utf8_gives_a_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uv makes no environment under a path that is not UTF-8 (a verify there failed,
    blaming the interpreter): such a cache has no slots."""
    monkeypatch.setenv("XDG_CACHE_HOME", os.fsdecode(os.fsencode(str(tmp_path)) + b"/c\xff"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = scratch.acquire("verify", "relnox-test-")
    try:
        assert not held.stable and held.path.parent == tmp_path
    finally:
        held.release()


def test_no_writable_cache_gives_a_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    held = scratch.acquire("verify", "relnox-test-")
    assert not held.stable and held.path.parent == tmp_path
    assert held.path.name.startswith("relnox-test-")
    held.release()
    assert not held.path.exists()


def test_each_interpreter_has_its_own_environment_path(tmp_path: Path) -> None:
    """The path uv remembers an interpreter by leads to one interpreter file: another
    file is another path, a link to the same file the same one."""
    link = tmp_path / "python-link"
    link.symlink_to(sys.executable)
    other = tmp_path / "other-python"
    other.write_text("#!/bin/sh\n", encoding="utf-8")
    work = tmp_path / "wheel-0"
    assert environment_dir(work, str(link)) == environment_dir(work, sys.executable)
    assert environment_dir(work, str(other)) != environment_dir(work, sys.executable)
    assert environment_dir(work, sys.executable).parent == work


_PATHS = (
    "import json, sys, sysconfig; print(json.dumps({'prefix': sys.prefix, "
    "'base': sys.base_prefix, 'version': sys.version, 'paths': sysconfig.get_paths()}))"
)


def _seen(python: Path, root: Path) -> dict[str, object]:
    ran = subprocess.run(
        [str(python), "-I", "-c", _PATHS], capture_output=True, text=True, check=True
    )
    facts = json.loads(ran.stdout)
    text = json.dumps(facts).replace(str(root), "<root>")
    return dict(json.loads(text))


def test_an_environment_made_here_is_what_python_m_venv_makes(tmp_path: Path) -> None:
    """The environment relnox makes in its own process: the interpreter inside it says
    what one ``python -m venv --without-pip`` made says (prefix, base, every install
    path), and uv installs into it."""
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    result = made_here(mine)
    assert result.ok and result.argv[1:4] == ("-m", "venv", "--without-pip")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(theirs)], check=True)
    assert _seen(mine / "bin" / "python", mine) == _seen(theirs / "bin" / "python", theirs)
    assert (mine / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()[:4] == (
        theirs / "pyvenv.cfg"
    ).read_text(encoding="utf-8").splitlines()[:4]
    uv = uv_binary()
    assert uv is not None
    env, made = create_environment(UvInstaller(uv), tmp_path / "by-uv-installer", sys.executable)
    assert made.ok and made.argv[0] == sys.executable  # made here, not by `uv venv`
    assert env.python.is_file()


def test_another_interpreter_is_made_by_uv(tmp_path: Path) -> None:
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    assert not can_make_here(str(fake)) and not can_make_here(str(tmp_path / "missing"))
    uv = uv_binary()
    assert uv is not None
    _, made = create_environment(UvInstaller(uv), tmp_path / "venv", str(fake))
    assert made.argv[:2] == (uv, "venv") and not made.ok


def test_a_failed_environment_is_a_result_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = made_here(blocker / "venv")
    assert not result.ok and "cannot make an environment" in result.output


def test_a_path_the_standard_builder_refuses_is_made_by_uv(tmp_path: Path) -> None:
    """venv refuses a directory with the PATH separator in its path; uv makes it."""
    uv = uv_binary()
    assert uv is not None
    root = tmp_path / "a:b" / "venv"
    assert not made_here(root).ok  # the standard library's refusal
    env, made = create_environment(UvInstaller(uv), root, sys.executable)
    assert made.ok and made.argv[:2] == (uv, "venv") and env.python.is_file()
