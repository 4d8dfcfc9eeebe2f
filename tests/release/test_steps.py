"""The release's steps: they read the repository as the commands they stand for do (a bump
plans under git.held, so a workspace of many packages asks git no question per package), and
what each one's dry-run preview says it would do."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from relnox import _proc as proc
from relnox.release.pipeline import STAGES, ReleaseOptions, StageReport, release
from relnox.sample import generated_specs, git_init, write_workspace
from relnox.tools import git
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


class _BumpDone(Exception):
    """Raised by the progress callback once the bump stage reported: nothing after it runs."""


def _release_gits(root: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The git commands (their first two words, counted) a release runs up to its bump."""
    asked: Counter[str] = Counter()
    real = proc.run

    def counted(argv: Sequence[str], *args: Any, **kwargs: Any) -> proc.Result:
        if os.path.basename(str(argv[0])) == "git":
            asked[" ".join(str(a) for a in argv[1:3])] += 1
        return real(argv, *args, **kwargs)

    def stop(report: StageReport) -> None:
        if report.name == "bump":
            raise _BumpDone

    monkeypatch.setattr(proc, "run", counted)
    skip = frozenset(STAGES) - {"bump", "tag"}  # tag kept: its names are checked before
    with pytest.raises(_BumpDone):
        release(root, ReleaseOptions(part="patch", skip=skip, yes=True), progress=stop)
    monkeypatch.setattr(proc, "run", real)
    return asked


def _lockstep(root: Path, count: int) -> Path:
    specs = generated_specs(count, prefix=f"step{count}")
    write_workspace(root, specs, relnox='tag-format = "v{version}"')
    git_init(root)
    git.git(root, "tag", "v0.1.0")
    return root


def test_a_release_s_checks_and_bump_ask_git_nothing_per_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lockstep workspaces, of 2 and of 6 packages sharing one tag: the release's tag
    name check (one name), its rerun check and its bump's plan run the same git commands,
    as many of each. Before, each package's tag name was checked (git check-ref-format),
    its tag looked up (rev-parse --verify) and the bump's plan asked git for the
    repository's top twice per package: 248 processes for a 73-package workspace, 28 now."""
    few = _release_gits(_lockstep(tmp_path / "few", 2), monkeypatch)
    many = _release_gits(_lockstep(tmp_path / "many", 6), monkeypatch)
    assert many == few
    assert few["check-ref-format refs/tags/v0.1.0"] == 1, few


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
