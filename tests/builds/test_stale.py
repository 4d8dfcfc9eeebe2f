"""A dist built before the last change is refused by verify-install, unless the package is
named with --allow-stale (recorded in the report); files relnox did not build are not
judged (real git repositories, real builds, real fresh environments)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from relnox.artifacts.manifest import read_manifest
from relnox.builds.inputs import stale_builds
from relnox.builds.run import BuildOptions, build_all
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from tests.build_support import edit
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds and makes environments


def built_then_changed(root: Path) -> Path:
    """Two packages built; then a commit changes the code of ``stale-one``."""
    write_workspace(root, [ProjectSpec("stale-one"), ProjectSpec("stale-two")])
    git_init(root)
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    edit(root / "packages/stale-one/stale_one/__init__.py", "def main", "NEW = 1\n\n\ndef main")
    git_commit_all(root, "Change stale-one after the build")
    return root


def test_stale_builds_names_only_the_changed_package(tmp_path: Path) -> None:
    root = built_then_changed(tmp_path / "ws")
    manifest = read_manifest(root / "dist")
    found = stale_builds(load_workspace(root), manifest.packages, root / "dist")
    assert list(found) == ["stale-one"]
    assert "contents" in found["stale-one"] and "files" in found["stale-one"]


def test_verify_install_refuses_a_stale_dist_and_allow_stale_lets_it_through(
    tmp_path: Path,
) -> None:
    root = built_then_changed(tmp_path / "ws")
    refused = run_relnox("verify-install", "--offline", cwd=root)
    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    assert "stale-one" in refused.stderr and "stale-two:" not in refused.stderr
    assert "relnox build-all --package stale-one" in refused.stderr
    assert "--allow-stale stale-one" in refused.stderr

    allowed = run_relnox(
        "verify-install", "--offline", "--allow-stale", "stale-one", "--json", cwd=root
    )
    assert allowed.returncode == 0, allowed.stderr
    data = json.loads(allowed.stdout)
    assert list(data["allowed_stale"]) == ["stale-one"]
    assert "stale-one" in allowed.stderr  # the warning says it was used anyway

    rebuilt = run_relnox("build-all", cwd=root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert run_relnox("verify-install", "--offline", cwd=root).returncode == 0


def test_files_relnox_did_not_build_are_not_judged(tmp_path: Path) -> None:
    root = built_then_changed(tmp_path / "ws")
    foreign = tmp_path / "foreign"
    shutil.copytree(root / "dist", foreign)  # the files, without relnox's manifest
    proc = run_relnox("verify-install", "--offline", "--dist", str(foreign), cwd=root)
    assert proc.returncode == 0, proc.stderr
