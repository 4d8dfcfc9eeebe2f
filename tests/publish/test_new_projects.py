"""First releases of many new projects within PyPI's rules: pending trusted publishers
three at a time, one environment each, dependencies first; else the daily limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish.new_projects import first_release_batches
from tests.shapes import project, repo

#: seven new projects; the later ones need earlier ones (and "g-app" needs two)
NEEDS = {
    "a-core": [],
    "b-util": [],
    "c-io": ["a-core"],
    "d-net": ["c-io"],
    "e-cli": ["d-net"],
    "f-web": ["a-core"],
    "g-app": ["e-cli", "f-web"],
}


@pytest.fixture
def seven(tmp_path: Path) -> Path:
    files: dict[str, str | bytes] = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["p/*"]\n'}
    for name, needs in NEEDS.items():
        files[f"p/{name}/pyproject.toml"] = project(name, "0.1.0", requires=needs)
    return repo(tmp_path / "seven", files)


def test_seven_new_projects_with_trusted_publishing_take_three_rounds(seven: Path) -> None:
    workspace = load_workspace(seven)
    order = [p.name for p in workspace.packages]
    plan = first_release_batches(workspace, sorted(NEEDS), order, trusted=True)
    batches = {n: {r.name for r in plan if r.batch == n} for n in (1, 2, 3)}
    assert [len(b) for b in batches.values()] == [3, 3, 1] and len(plan) == 7
    assert len({r.environment for r in plan}) == 7  # one pending publisher each
    assert {r.environment for r in plan if r.name == "g-app"} == {"pypi-g-app"}
    batch = {r.name: r.batch for r in plan}
    for name, needs in NEEDS.items():  # a dependency is never in a later round
        assert all(batch[dep] <= batch[name] for dep in needs), name
        assert all(order.index(dep) < order.index(name) for dep in needs), name


def test_without_trusted_publishing_the_daily_limit_makes_the_rounds(seven: Path) -> None:
    workspace = load_workspace(seven)
    order = [p.name for p in workspace.packages]
    plan = first_release_batches(workspace, list(NEEDS), order, trusted=False)
    assert [r.batch for r in plan] == [1, 1, 1, 1, 2, 2, 2]  # PyPI's four a day
    assert {r.environment for r in plan} == {"pypi"}
    assert [
        r.batch for r in first_release_batches(workspace, ["a-core"], order, trusted=False, limit=1)
    ] == [1]
    with pytest.raises(PublishError, match="c-io needs a-core, which the release order"):
        first_release_batches(workspace, ["a-core", "c-io"], ["c-io", "a-core"], trusted=True)
