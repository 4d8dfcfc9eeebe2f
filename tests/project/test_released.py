"""The projects the release history says are released: tag names read only as far as a
wanted name needs, the same answer as reading every tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.project.released import evidence, tag_stems
from tests.shapes import git, repo

TAGS = [
    "v1.0.0",
    "agent/v1.0.0",
    "libs/Core_Lib-v2.0.0",
    "name==4.2.0",
    "Pkg.Name@1.0.0rc1",
    "cua-driver-rs-v0.1.0",
    "nightly-cua-driver-1.0.0",
    "python-v0.7.5",
    "docs-build",
    "release-2024",
]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = repo(tmp_path_factory.mktemp("stems") / "r", {"README.md": "x\n"})
    for tag in TAGS:
        git(root, "tag", tag)
    return root


@pytest.mark.parametrize(
    "among",
    [
        set(),
        {"agent"},
        {"corelib", "pkgname", "name"},
        {"cua", "cuadriver", "cuadriverrs", "python"},
        {"v", "", "release", "docs", "nightlycuadriver"},
        {"lib", "core", "driver"},
    ],
)
def test_wanted_names_give_what_every_tag_gives(tagged: Path, among: set[str]) -> None:
    every = tag_stems(tagged)
    assert every >= {"agent", "corelib", "name", "pkgname", "cuadriverrs", "python"}
    assert tag_stems(tagged, among) == every & among


def test_a_workflow_that_never_names_the_directory_is_no_evidence(tmp_path: Path) -> None:
    project = tmp_path / "runtime" / "linux"
    workflows = "jobs:\n  build:\n    working-directory: runtime/windows\n"
    assert evidence(project, "rt-linux", tmp_path, frozenset(), workflows) is None
    named = workflows + "    working-directory:\n      ./runtime/linux\n"
    assert evidence(project, "rt-linux", tmp_path, frozenset(), named) == (
        "the release workflow builds runtime/linux"
    )
