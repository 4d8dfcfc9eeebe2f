"""Which wheel verify-install takes from a directory holding several of one package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from relnox.sample import git_init
from tests import verify_support
from tests.ci.native_projects import write_c_extension
from tests.conftest import run_relnox


@pytest.fixture(scope="session")
def other_python() -> str:
    """A CPython 3.9+ of another minor version than the one running the tests."""
    found = verify_support.other_python()
    if found is None:
        pytest.skip("no second CPython (3.9+, with pip) on this machine")
    return found


@pytest.mark.slow
def test_the_wheel_of_the_given_python_is_verified_not_relnoxs(
    tmp_path: Path, other_python: str
) -> None:
    """A wheel matrix job runs relnox on one Python and verifies the wheel of another
    (``--python``): of cibuildwheel's manylinux and musllinux wheels, the one that
    interpreter installs is picked, not one for relnox's own interpreter (none fits)."""
    root = write_c_extension(tmp_path / "fast-ext", "fast-ext", "1.0.0")
    git_init(root)
    wheelhouse = root / "wheelhouse"
    subprocess.run(
        [other_python, "-m", "pip", "wheel", "-q", "--no-deps", str(root), "-w", str(wheelhouse)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheelhouse.glob("*.whl")
    # a stand-in for the musllinux wheel cibuildwheel builds beside it: never picked here
    shutil.copy(wheel, wheelhouse / wheel.name.replace("-linux_", "-musllinux_1_2_"))
    args = ("--package", "fast-ext", "--dist", "wheelhouse", "--python", other_python)
    result = run_relnox("verify-install", *args, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1/1 package checks passed" in result.stdout + result.stderr
