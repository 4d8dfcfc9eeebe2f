"""Which wheel verify-install takes from a directory holding several of one package."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.sample import git_init
from tests.ci.native_projects import write_c_extension
from tests.conftest import run_relnox

#: installed CPythons of this machine other than the running one, read before HOME is isolated
#: the user's own home, whatever ``HOME`` says (a clean ``HOME`` still has pyenv's Pythons)
HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)
CANDIDATES = sorted(HOME.glob(".pyenv/versions/3.*/bin/python3")) + [
    Path(found) for minor in range(9, 15) if (found := shutil.which(f"python3.{minor}"))
]


@pytest.fixture(scope="session")
def other_python() -> str:
    """A CPython 3.9+ of another minor version than the one running the tests."""
    for candidate in CANDIDATES:
        probe = subprocess.run(
            [str(candidate), "-c", "import sys, pip; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        version = tuple(int(part) for part in probe.stdout.split()) if probe.returncode == 0 else ()
        if version and (3, 9) <= version != sys.version_info[:2]:
            return str(candidate)
    pytest.skip("no second CPython (3.9+, with pip) on this machine")


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
