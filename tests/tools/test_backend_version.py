"""What a build backend says when relnox asks it for a version: a real in-tree PEP 517
backend in a real git repository, the ``relnox`` command run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bump_support import run_git, write_files

pytestmark = pytest.mark.slow

PYPROJECT = """\
[build-system]
requires = []
build-backend = "inbackend"
backend-path = ["."]

[project]
name = "warnpkg"
dynamic = ["version"]
"""

#: a backend that warns as it answers, the way setuptools warns of a deprecated license table
BACKEND = """\
import os
import warnings


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    warnings.warn("the license table is deprecated", UserWarning, stacklevel=1)
    name = "warnpkg-2.3.4.dist-info"
    os.mkdir(os.path.join(metadata_directory, name))
    with open(os.path.join(metadata_directory, name, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\\nName: warnpkg\\nVersion: 2.3.4\\n")
    return name
"""


def test_a_backends_warnings_stay_out_of_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    write_files(root, {"pyproject.toml": PYPROJECT, "inbackend.py": BACKEND})
    run_git(root, "init", "-q")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", "init")
    done = subprocess.run(
        [sys.executable, "-m", "relnox", "packages", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "2.3.4" in done.stdout  # what the backend said
    assert "deprecated" not in done.stderr + done.stdout
    assert "Warning" not in done.stderr


#: a backend whose version is the clock, the way calver's ``use_calver="%Y.%m.%d.%H"`` has it
CLOCK = """\
import os
import time


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    now = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    version = time.strftime("%Y.%m.%d.%H", time.gmtime(now)).replace(".0", ".")
    name = f"clockpkg-{version}.dist-info"
    os.mkdir(os.path.join(metadata_directory, name))
    with open(os.path.join(metadata_directory, name, "METADATA"), "w") as f:
        f.write(f"Metadata-Version: 2.1\\nName: clockpkg\\nVersion: {version}\\n")
    return name
"""


def test_a_version_from_the_clock_is_asked_at_the_commits_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The release tag names the hour of its commit; the backend, asked later, agrees (it is
    asked with the SOURCE_DATE_EPOCH build-all builds with), so check-tag passes."""
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    pyproject = PYPROJECT.replace("warnpkg", "clockpkg")
    write_files(root, {"pyproject.toml": pyproject, "inbackend.py": CLOCK})
    run_git(root, "init", "-q")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", "init", "--date", "2001-02-03T04:05:06Z")
    subprocess.run(  # the commit an hour in the past, as a release is once a later one comes
        ["git", "commit", "-q", "--amend", "--no-edit", "--reset-author"],
        cwd=root,
        env={**os.environ, "GIT_COMMITTER_DATE": "2001-02-03T04:05:06Z"},
        check=True,
        capture_output=True,
    )
    run_git(root, "tag", "2001.2.3.4")
    listed = _relnox(root, "packages")
    assert listed.returncode == 0, listed.stderr
    assert "2001.2.3.4" in listed.stdout
    assert "says" not in listed.stderr  # no disagreement with the tag
    checked = _relnox(root, "check-tag", "2001.2.3.4")
    assert checked.returncode == 0, checked.stderr + checked.stdout


def _relnox(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relnox", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


SETUPTOOLS_SCM = """\
[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "treepkg"
dynamic = ["version"]

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools_scm]
"""


def test_asking_setuptools_leaves_the_tree_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """setuptools writes ``src/treepkg.egg-info`` as it is asked for metadata: relnox
    removes it again, so ``packages`` and ``bump --dry-run`` leave nothing behind, not even
    an ignored file; what was there before stays."""
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    write_files(
        root,
        {"pyproject.toml": SETUPTOOLS_SCM, "src/treepkg/__init__.py": "", "notes.txt": "mine\n"},
    )
    run_git(root, "init", "-q")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", "init")
    run_git(root, "tag", "v1.0.0")
    (root / "later.txt").write_text("later\n")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-q", "-m", "later")
    for args in (("packages",), ("bump", "--part", "patch", "--dry-run")):
        done = _relnox(root, *args)
        assert done.returncode == 0, done.stderr
        assert run_git(root, "status", "--porcelain", "--ignored", "--untracked-files=all") == ""
    kept = "".join(p.read_text() for p in (tmp_path / "cache").rglob("history/*.json"))
    assert "1.0.1.dev1+g" in kept  # setuptools was asked
    assert (root / "notes.txt").read_text() == "mine\n"
