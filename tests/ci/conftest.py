"""ci-init's tests: which relnox the generated workflows install.

The relnox under test is an editable install, which ci-init refuses to write into
a workflow; in-process tests see a relnox installed from an index instead: a real
``.dist-info`` directory (``METADATA`` and, where given, PEP 610's
``direct_url.json``), read by ``importlib.metadata``. Tests that run the
``relnox`` command set ``[tool.relnox.ci] relnox-requirement`` (:data:`PINNED`).
"""

from __future__ import annotations

import json
from importlib.metadata import Distribution, PathDistribution
from pathlib import Path
from typing import Any

import pytest

import relnox
from relnox.ci import requirement

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


def pin_relnox(root: Path) -> Path:
    """Append :data:`PINNED` to ``root``'s pyproject.toml (for the ``relnox`` command)."""
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED)
    return root


__all__: list[str] = ["PINNED", "dist_info", "pin_relnox"]
