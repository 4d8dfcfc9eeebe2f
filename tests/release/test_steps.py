"""The release's steps: what each one's dry-run preview says it would do."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def _tag_lines(root: Path) -> list[str]:
    proc = run_relnox("release", "--dry-run", "--json", cwd=root, check=True)
    stages = {s["name"]: s["lines"] for s in json.loads(proc.stdout)["stages"]}
    return list(stages["tag"])


def test_a_release_of_the_current_version_previews_its_existing_tag_as_the_tag_step_treats_it(
    tmp_path: Path,
) -> None:
    """No --part: the version's tag exists, on HEAD or on an older commit. The preview said
    "create v1.0.0" for both, while the tag step creates neither."""
    root = repo(tmp_path / "ws", {"pyproject.toml": project("acme")}, tags=["v1.0.0"])
    [line] = _tag_lines(root)
    assert line.startswith("skip v1.0.0 (acme 1.0.0) on ") and line.endswith(": already on HEAD")
    commit(root, {"README.md": "more\n"})
    [line] = _tag_lines(root)
    assert line.startswith("warning: not moving v1.0.0 (acme 1.0.0) from older commit ")
    assert "bump acme to release HEAD" in line
    commit(root, {"pyproject.toml": project("acme", "1.1.0")})
    assert _tag_lines(root) == ["create v1.1.0"]
