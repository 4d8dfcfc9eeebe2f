"""Every test folder is collected by the gate: no folder name pytest skips by default
(``build``, ``dist``, ...) or a conftest can hide a stage's tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def test_every_test_folder_is_collected(request: pytest.FixtureRequest) -> None:
    """Read from this run's own collection when it holds every test file (the gate's run);
    a run of fewer files (``pytest tests/test_collection.py``) collects all in a child."""
    folders = {
        p.parent.relative_to(TESTS).parts[0]
        for p in TESTS.glob("*/**/test_*.py")
        if "__pycache__" not in p.parts
    }
    assert folders, "no test folders found"
    files = {str(p.relative_to(TESTS.parent)) for p in TESTS.rglob("test_*.py")}
    here = {item.nodeid.split("::")[0] for item in request.session.items}
    if files <= here:
        return  # this run collected every test file, so every folder
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", str(TESTS)],
        capture_output=True,
        text=True,
        cwd=TESTS.parent,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    collected = {Path(line.split("::")[0]).parts[1] for line in ids if line.startswith("tests/")}
    missing = sorted(folders - collected)
    assert not missing, f"test folders the gate never collects: {missing}"
    per_file = {line.split("::")[0] for line in ids}
    assert files <= per_file, f"test files with no collected test: {sorted(files - per_file)}"
