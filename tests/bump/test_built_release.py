"""A package released by tag whose build backend computes its version from something
else than its tags (the clock): its release is what the backend builds, never arithmetic
on it. A real in-tree PEP 517 backend in a real git repository, ``relnox bump`` run as a
user runs it."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.bump_support import run_git, write_files
from tests.tools.test_backend_version import CLOCK, PYPROJECT, _relnox

pytestmark = pytest.mark.slow


def _commit(root: Path, message: str, when: str | None = None) -> None:
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", message)
    if when is not None:
        subprocess.run(
            ["git", "commit", "-q", "--amend", "--no-edit", "--date", when],
            cwd=root,
            env={**os.environ, "GIT_COMMITTER_DATE": when},
            check=True,
            capture_output=True,
        )


def test_a_patch_of_a_version_from_the_clock_tags_what_the_backend_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    write_files(root, {"pyproject.toml": PYPROJECT.replace("warnpkg", "clockpkg")})
    write_files(root, {"inbackend.py": CLOCK})
    run_git(root, "init", "-q", "-b", "main")
    _commit(root, "first", when="2001-02-03T04:05:06Z")
    run_git(root, "tag", "2001.2.3.4")
    write_files(root, {"NEWS": "a change\n"})
    _commit(root, "a change")
    stamp = int(run_git(root, "log", "-1", "--format=%ct"))
    built = time.strftime("%Y.%m.%d.%H", time.gmtime(stamp)).replace(".0", ".")

    planned = _relnox(root, "bump", "--part", "patch", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert f"-- {built}\n" in planned.stdout  # the tag of what the backend builds
    assert "whatever --part patch says" in planned.stdout + planned.stderr

    done = _relnox(root, "bump", "--part", "patch")
    assert done.returncode == 0, done.stderr
    assert run_git(root, "tag", "--points-at", "HEAD") == built
    checked = _relnox(root, "check-tag", built)
    assert checked.returncode == 0, checked.stderr
