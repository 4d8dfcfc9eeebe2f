"""ci-init's tests: which relnox the generated workflows install.

The relnox under test is an editable install, which ci-init refuses to write into
a workflow; in-process tests see a relnox installed from an index instead: a real
``.dist-info`` directory (``METADATA`` and, where given, PEP 610's
``direct_url.json``), read by ``importlib.metadata``. Tests that run the
``relnox`` command set ``[tool.relnox.ci] relnox-requirement`` (:data:`PINNED`).

The pipelines run here (the GitHub workflows by tests/ci/harness.py, the GitLab pipeline
by gitlab-ci-local) install one wheel of this checkout (:func:`relnox_wheel`) into one
runner interpreter (:func:`runner_python`), each made once per test process: the first
job's ``python -m pip install`` installs it, every later one finds it installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


@pytest.fixture(scope="session")
def relnox_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout (a PEP 517 build by ``uv build``): the relnox the
    pipelines install."""
    out = tmp_path_factory.mktemp("relnox-wheel")
    argv = [find_uv_bin(), "build", "-q", "--wheel", "--out-dir", str(out), str(ROOT)]
    subprocess.run(argv, check=True, capture_output=True)
    [wheel] = out.glob("relnox-*.whl")
    return wheel


@pytest.fixture(scope="session")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runner's interpreter (setup-python's; the GitLab jobs' ``python``): a venv of
    this one with pip in it, empty until a job installs into it; its bin directory."""
    venv = tmp_path_factory.mktemp("runner") / "python"
    argv = [find_uv_bin(), "venv", "-q", "--seed", "--python", sys.executable, str(venv)]
    subprocess.run(argv, check=True, capture_output=True)
    return venv / "bin"


def pin_relnox(root: Path) -> Path:
    """Append :data:`PINNED` to ``root``'s pyproject.toml (for the ``relnox`` command)."""
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED)
    return root


__all__: list[str] = ["PINNED", "dist_info", "pin_relnox"]
