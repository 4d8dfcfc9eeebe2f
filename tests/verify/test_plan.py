"""Which wheel verify-install takes from a directory holding several of one package."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace
from relnox.sample import git_init
from relnox.verify.plan import writes_dunder_version
from relnox.verify.smoke import judge
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
    tag = "-".join(wheel.name.removesuffix(".whl").split("-")[2:])
    verify_support.retag(wheel, tag.replace("-linux_", "-musllinux_1_2_"), wheelhouse)
    args = ("--package", "fast-ext", "--dist", "wheelhouse", "--python", other_python)
    result = run_relnox("verify-install", *args, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1/1 package checks passed" in result.stdout + result.stderr


def test_a_dunder_version_the_build_does_not_read_is_not_compared(tmp_path: Path) -> None:
    """The shape: setuptools reads ``attr = "mysqlish.VERSION_STRING"`` (1.2.0) and
    the module keeps ``__version__ = "2.2.8"`` for another tool; verify-install failed on
    ``mysqlish.__version__ is '2.2.8', expected 1.2.0`` although the wheel is 1.2.0. A
    ``__version__`` that is the version's own place is still compared."""
    root = tmp_path / "mysqlish"
    (root / "mysqlish").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "mysqlish"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "mysqlish.VERSION_STRING"}\n',
        encoding="utf-8",
    )
    module = root / "mysqlish" / "__init__.py"
    module.write_text('VERSION_STRING = "1.2.0"\n__version__ = "2.2.8"\n', encoding="utf-8")
    git_init(root)
    built = run_relnox("build-all", cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    result = run_relnox("verify-install", "--offline", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "__version__" not in result.stdout
    # versioned by its __version__, the module's __version__ is the version's own place
    assert not writes_dunder_version(load_workspace(root).packages[0])
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text.replace("VERSION_STRING", "__version__"))
    assert writes_dunder_version(load_workspace(root).packages[0])
    seen = {"name": "mysqlish", "installed": "1.2.0", "modules": [MODULE_228]}
    assert "mysqlish.__version__" not in {c.name for c in judge("1.2.0", seen, dunder=False)}
    assert not {c.name: c for c in judge("1.2.0", seen)}["mysqlish.__version__"].ok


MODULE_228 = {"module": "mysqlish", "ok": True, "version": "2.2.8", "inside": True}
