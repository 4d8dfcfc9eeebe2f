"""The release's steps: what each one's dry-run preview says it would do."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def _stage_lines(root: Path, stage: str) -> list[str]:
    proc = run_relnox("release", "--dry-run", "--json", cwd=root, check=True)
    stages = {s["name"]: s["lines"] for s in json.loads(proc.stdout)["stages"]}
    return list(stages[stage])


def _tag_lines(root: Path) -> list[str]:
    return _stage_lines(root, "tag")


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


def test_a_release_without_a_bump_of_a_tag_versioned_package_past_its_tag_warns_of_a_dev_build(
    tmp_path: Path,
) -> None:
    """hatch-vcs, no --part: at its tag the build is the release; one commit past it, the
    build (and so the upload) is a development version, which the preview did not say."""
    vcs = '\n[tool.hatch.version]\nsource = "vcs"\n'
    files = {"pyproject.toml": project("acme", dynamic=True, backend="hatch-vcs", extra=vcs)}
    root = repo(tmp_path / "ws", files, tags=["v1.0.0"])
    assert _stage_lines(root, "bump") == ["no --part/--to given: releasing the current versions"]
    commit(root, {"README.md": "more\n"})
    _, warning = _stage_lines(root, "bump")
    assert warning == (
        "warning: acme's version comes from its tags and HEAD is past v1.0.0: its build is a "
        "development version, and so is what publish uploads; pass --part (its bump tags HEAD)"
    )
