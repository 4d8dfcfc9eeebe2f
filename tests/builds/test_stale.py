"""A dist built before the last change is refused by verify-install, unless the package is
named with --allow-stale (recorded in the report); files relnox did not build are not
judged (real git repositories, real builds, real fresh environments)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.artifacts.manifest import read_manifest
from relnox.builds import sources
from relnox.builds.inputs import stale_builds
from relnox.builds.run import BuildOptions, build_all
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_project, write_workspace
from tests.build_support import IGNORED_SHIPPED, built_with_an_ignored_file, edit
from tests.conftest import run_relnox
from tests.shapes import git

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


def test_a_file_git_does_not_track_added_changed_or_removed_since_the_build_is_a_change(
    tmp_path: Path,
) -> None:
    """A module neither tracked nor ignored ships with the build (hatchling takes it): one
    added after the build is missing from the files, one there at the build and removed or
    edited since is in them but no longer in the tree. One left as it was is no change."""
    root = tmp_path / "ws"
    write_workspace(root, [ProjectSpec("loose-one"), ProjectSpec("loose-two")])
    git_init(root)
    kept = root / "packages/loose-two/loose_two/scratch.py"
    kept.write_text("KEPT = 1\n")
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()

    def stale() -> dict[str, str]:
        workspace = load_workspace(root)
        return stale_builds(workspace, read_manifest(root / "dist").packages, root / "dist")

    assert stale() == {}
    added = root / "packages/loose-one/loose_one/added.py"
    added.write_text("ADDED = 1\n")
    assert stale() == {
        "loose-one": "untracked files (which git status --untracked-files=all -- "
        "packages/loose-one lists) changed (packages/loose-one/loose_one/added.py)"
    }
    added.unlink()
    assert stale() == {}
    kept.write_text("KEPT = 2\n")
    assert list(stale()) == ["loose-two"]
    kept.unlink()
    assert stale()["loose-two"].startswith("untracked files (which git status")
    refused = run_relnox("verify-install", "--offline", "-p", "loose-two", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "packages/loose-two lists) changed since its files in" in refused.stderr


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


def test_a_bytecode_cache_never_makes_a_build_stale_and_a_refusal_names_the_file(
    tmp_path: Path,
) -> None:
    """A repository that does not ignore ``__pycache__/``: running a nox session after
    build-all writes ``__pycache__/noxfile.cpython-3X.pyc`` beside the noxfile, which no
    build reads; the build stays usable. A real change is refused by the file's name."""
    root = tmp_path / "proj"
    write_project(root, ProjectSpec("cache-pkg"))
    (root / ".gitignore").write_text("dist/\n")
    (root / "noxfile.py").write_text("import relnox.nox\n\nrelnox.nox.register()\n")
    git_init(root)
    assert run_relnox("build-all", cwd=root).returncode == 0
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=root, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert list((root / "__pycache__").glob("noxfile.*.pyc"))
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert proc.returncode == 0, proc.stderr
    edit(root / "cache_pkg/__init__.py", "def main", "NEW = 1\n\n\ndef main")
    git(root, "commit", "-q", "-am", "Change after the build")
    refused = run_relnox("verify-install", "--offline", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "changed (cache_pkg/__init__.py) since its files" in refused.stderr


def test_files_relnox_did_not_build_are_not_judged(tmp_path: Path) -> None:
    root = built_then_changed(tmp_path / "ws")
    foreign = tmp_path / "foreign"
    shutil.copytree(root / "dist", foreign)  # the files, without relnox's manifest
    proc = run_relnox("verify-install", "--offline", "--dist", str(foreign), cwd=root)
    assert proc.returncode == 0, proc.stderr


def _error_lines(stderr: str) -> list[str]:
    """The error relnox printed: its first line and the lines of its list."""
    assert "Traceback" not in stderr, stderr
    return stderr[stderr.index("relnox: error:") :].strip().splitlines()


TAKEN_CHANGED = f"files git ignores that its build took in changed: {IGNORED_SHIPPED}"


def test_a_shipped_file_git_ignores_is_recorded_and_hashed_again_when_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    shipped = built_with_an_ignored_file(root)
    records = {r.name: r for r in read_manifest(root / "dist").packages}
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert json.loads(records["ign-pkg"].inputs["taken"]) == {IGNORED_SHIPPED: digest}
    assert "taken" not in records["ign-other"].inputs

    # the check hashes the recorded files; it never lists the tree git ignores
    def no_listing(*args: object) -> list[str]:
        raise AssertionError("the stale check listed the files git ignores")

    monkeypatch.setattr(sources, "_ignored", no_listing)

    def judge() -> dict[str, str]:
        return stale_builds(load_workspace(root), list(records.values()), root / "dist")

    assert judge() == {}
    shipped.write_text('{"build": 2}\n', encoding="utf-8")
    assert judge() == {"ign-pkg": TAKEN_CHANGED}
    shipped.unlink()
    assert judge() == {"ign-pkg": TAKEN_CHANGED + " (deleted)"}
    shipped.write_text('{"build": 1}\n', encoding="utf-8")  # the bytes it was built with
    assert judge() == {}
    monkeypatch.undo()

    # a build of the changed file records its new bytes
    shipped.write_text('{"build": 3}\n', encoding="utf-8")
    build_all(root).raise_for_failures()
    rebuilt = read_manifest(root / "dist").packages
    assert stale_builds(load_workspace(root), rebuilt, root / "dist") == {}
    digest = hashlib.sha256(b'{"build": 3}\n').hexdigest()
    assert json.loads(read_manifest(root / "dist").get("ign-pkg").inputs["taken"]) == {
        IGNORED_SHIPPED: digest
    }


def test_a_record_without_the_part_is_judged_as_before(tmp_path: Path) -> None:
    """A manifest of an older relnox (no ``taken`` part) is judged by the other parts."""
    root = tmp_path / "ws"
    shipped = built_with_an_ignored_file(root)
    path = root / ".relnox/dist/build-manifest.json"
    data = json.loads(path.read_text())
    for package in data["packages"]:
        package["inputs"].pop("taken", None)
    path.write_text(json.dumps(data))
    shipped.write_text('{"build": 2}\n', encoding="utf-8")
    records = read_manifest(root / "dist").packages
    assert stale_builds(load_workspace(root), records, root / "dist") == {}


def test_verify_install_refuses_a_changed_or_deleted_shipped_file_git_ignores(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    shipped = built_with_an_ignored_file(root)
    shipped.write_text('{"build": 2}\n', encoding="utf-8")
    refused = run_relnox("verify-install", "--offline", cwd=root)
    assert refused.returncode == 1, refused.stderr
    first, *rest = _error_lines(refused.stderr)
    assert "changed since their files were built: ign-pkg;" in first
    assert "relnox build-all --package ign-pkg" in first and "--allow-stale ign-pkg" in first
    assert rest == [f"  ign-pkg: {TAKEN_CHANGED} since its files in {root / 'dist'} were built"]

    allowed = run_relnox(
        "verify-install", "--offline", "--allow-stale", "ign-pkg", "--json", cwd=root
    )
    assert allowed.returncode == 0, allowed.stderr
    assert list(json.loads(allowed.stdout)["allowed_stale"]) == ["ign-pkg"]
    assert f"ign-pkg: {TAKEN_CHANGED} since its files were built; used anyway" in allowed.stderr

    shipped.unlink()
    deleted = run_relnox("verify-install", "--offline", cwd=root)
    assert deleted.returncode == 1
    assert _error_lines(deleted.stderr)[1].startswith(f"  ign-pkg: {TAKEN_CHANGED} (deleted)")

    shipped.write_text('{"build": 1}\n', encoding="utf-8")  # the bytes it was built with
    same = run_relnox("verify-install", "--offline", cwd=root)
    assert same.returncode == 0, same.stderr
    assert "changed since" not in same.stderr
