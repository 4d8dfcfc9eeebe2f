"""relnox's own records are never inputs of a build, wherever the dist directory is."""

from __future__ import annotations

import sys
from pathlib import Path

from relnox.builds.inputs import package_inputs
from relnox.project.discovery import load_workspace
from tests.shapes import project, repo


def test_the_release_state_at_the_top_is_no_input_of_a_package_there(tmp_path: Path) -> None:
    """A package at the repository's top, built into build/dist: the release state in
    .relnox/release/ (written between a failed release and its rerun) changes none of
    its inputs, so the rerun's build reuses its files instead of making new bytes."""
    root = repo(
        tmp_path / "one",
        {
            "pyproject.toml": project("one", extra='\n[tool.relnox]\ndist-dir = "build/dist"\n'),
            "one/__init__.py": "",
            ".gitignore": "build/\n",
        },
    )
    ws = load_workspace(root)

    def inputs() -> dict[str, str]:
        found = package_inputs(
            ws,
            ws.packages,
            python=Path(sys.executable),
            epochs={},
            kinds="",
            output=root / "build" / "dist",
        )
        return dict(found["one"].parts)

    before = inputs()
    records = root / ".relnox"
    (records / "release").mkdir(parents=True)
    (records / ".gitignore").write_text("*\n")
    (records / "release" / "release-state.json").write_text("{}\n")
    assert inputs() == before
