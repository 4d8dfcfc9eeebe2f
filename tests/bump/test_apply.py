"""A bump stopped half-way (Ctrl-C, SIGTERM) leaves the repository as it was, or done.

A git hook plays the user: it signals the running ``relnox`` while its ``git commit``
runs, the exact moment when the files are written and staged but nothing is committed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.sample import ProjectSpec, git_init, write_project
from tests.bump_support import error_lines, git_state, run_git, snapshot
from tests.conftest import FIND_RELNOX

HOOK = "#!/bin/sh\n" + FIND_RELNOX + '[ -n "$found" ] && kill -{signal} "$found"\nexit 0\n'


def _signalling_repo(root: Path, signum: signal.Signals) -> None:
    """A package (a version file, a changelog) whose pre-commit hook signals relnox."""
    write_project(root, ProjectSpec("stop-pkg", "1.0.0"))
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n- a change\n")
    git_init(root)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK.format(signal=signum.name.removeprefix("SIG")))
    hook.chmod(0o755)


def _bump(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "relnox", "bump", "--part", "minor", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_bump_stopped_during_its_commit_is_undone(tmp_path: Path, signum: signal.Signals) -> None:
    """The commit ends, then the tag would follow: the stop is honoured there, and the
    commit, the staged files and the written files are all undone."""
    root = tmp_path / "repo"
    _signalling_repo(root, signum)
    before, state = snapshot(root), git_state(root)
    proc = _bump(root, "--tag")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, lines
    assert f"the bump was stopped ({signum.name})" in lines[0]
    assert "the bump was undone: every file is as it was and no tag was left" in lines[0]
    assert snapshot(root) == before and git_state(root) == state
    assert not (root / ".git" / "index.lock").exists()


def test_a_stop_during_the_last_step_leaves_the_bump_complete(tmp_path: Path) -> None:
    """Nothing follows the commit: the bump is whole, and stays so (a clean result)."""
    root = tmp_path / "repo"
    _signalling_repo(root, signal.SIGTERM)
    proc = _bump(root)
    assert proc.returncode == 0, proc.stderr
    assert run_git(root, "status", "--porcelain", "--untracked-files=no") == ""
    assert run_git(root, "log", "-1", "--format=%s") == "Release stop-pkg 1.1.0"
    assert 'version = "1.1.0"' in (root / "pyproject.toml").read_text()
