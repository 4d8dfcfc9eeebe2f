"""What a build backend says when relnox asks it for a version: a real in-tree PEP 517
backend in a real git repository, the ``relnox`` command run as a user runs it."""

from __future__ import annotations

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
