"""ci-init's tests: which relnox the generated workflows install.

The relnox under test is an editable install, which ci-init refuses to write into
a workflow; in-process tests see a relnox installed from an index instead: a real
``.dist-info`` directory (``METADATA`` and, where given, PEP 610's
``direct_url.json``), read by ``importlib.metadata``. Tests that run the
``relnox`` command set ``[tool.relnox.ci] relnox-requirement`` (:data:`PINNED`).

The pipelines run here (the GitHub workflows by tests/ci/harness.py, the GitLab pipeline
by gitlab-ci-local) install one wheel of this checkout (:func:`relnox_wheel`) into one
runner interpreter (:func:`runner_python`), each made once per test run and shared by its
processes (pytest-xdist's workers): the first job's ``python -m pip install`` installs it,
every later one, in any process, finds it installed (:func:`pip_installs`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import Distribution, PathDistribution
from pathlib import Path
from typing import Any

import pytest
from uv import find_uv_bin

import relnox
from relnox.ci import requirement

ROOT = Path(__file__).resolve().parents[2]

#: what the subprocess tests' projects set, as a user of an editable relnox must
PINNED = f'[tool.relnox.ci]\nrelnox-requirement = "relnox=={relnox.__version__}"\n'


def dist_info(where: Path, direct_url: dict[str, Any] | None = None) -> Distribution:
    """A real installed-metadata directory for relnox, as pip leaves it."""
    path = where / f"relnox-{relnox.__version__}.dist-info"
    path.mkdir(parents=True, exist_ok=True)
    (path / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: relnox\nVersion: {relnox.__version__}\n", encoding="utf-8"
    )
    if direct_url is not None:
        (path / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    return PathDistribution(path)


@pytest.fixture(autouse=True)
def relnox_from_an_index(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = dist_info(tmp_path_factory.mktemp("site"))
    monkeypatch.setattr(requirement, "installed_distribution", lambda: installed)


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every process of this test run shares: the run's own base directory,
    whose ``popen-gwN`` folders are pytest-xdist's workers' (their parent), else the base."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """``path`` held with ``flock`` (exclusive) by this process; released when the block
    ends, or when the process does."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def relnox_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout (a PEP 517 build by ``uv build``): the relnox the
    pipelines install; built by the first process of the run that asks."""
    shared = shared_dir(tmp_path_factory)
    out = shared / "relnox-wheel"
    with locked(shared / "relnox-wheel.lock"):
        if not out.is_dir():
            scratch = shared / "relnox-wheel.building"
            argv = [find_uv_bin(), "build", "-q", "--wheel", "--out-dir", str(scratch), str(ROOT)]
            subprocess.run(argv, check=True, capture_output=True)
            scratch.rename(out)
    [wheel] = out.glob("relnox-*.whl")
    return wheel


@pytest.fixture(scope="session")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's interpreter (setup-python's; the GitLab jobs' ``python``): a venv of
    this one with pip in it, empty until a job installs into it; its bin directory. Made by
    the first process of the run that asks; the jobs of every process run in it."""
    shared = shared_dir(tmp_path_factory)
    venv = shared / "runner" / "python"
    made = shared / "runner" / "made"  # written once the venv is whole
    with locked(shared / "runner.lock"):
        if not made.exists():
            argv = [find_uv_bin(), "venv", "-q", "--seed", "--clear", "--python", sys.executable]
            subprocess.run([*argv, str(venv)], check=True, capture_output=True)
            made.touch()
    return venv / "bin"


@contextlib.contextmanager
def pip_installs(runner: Path) -> Iterator[set[str]]:
    """The ``pip install`` lines that ran and passed in the runner's interpreter (bin
    directory ``runner``) in this test run, by any of its processes, held while the block
    runs so that one install at a time goes into it; lines the block adds are kept, unless
    it raises."""
    home = runner.parent.parent
    record = home / "pip-installs"
    with locked(home / "pip-installs.lock"):
        done = set(record.read_text(encoding="utf-8").split("\0")) if record.exists() else set()
        before = set(done)
        yield done
        if done != before:
            record.write_text("\0".join(sorted(done - {""})), encoding="utf-8")


def pin_relnox(root: Path) -> Path:
    """Append :data:`PINNED` to ``root``'s pyproject.toml (for the ``relnox`` command)."""
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED)
    return root


__all__: list[str] = ["PINNED", "dist_info", "locked", "pin_relnox", "pip_installs"]
