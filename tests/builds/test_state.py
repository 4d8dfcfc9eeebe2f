"""State that heals: a damaged, foreign or unwritable ``.relnox/`` makes build-all warn and
build everything, or stop with one line naming the path, never a traceback (real git
repositories, real builds; see :mod:`relnox.artifacts.manifest`)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from relnox.artifacts.manifest import manifest_path, read_manifest
from relnox.builds.run import BuildOptions, build_all
from relnox.sample import generated_specs, git_init, write_workspace
from tests.build_support import isolated
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds

NAMES = ["heal-pkg0", "heal-pkg1"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("heal")
    (base / "home").mkdir()
    with isolated(base / "home"):
        root = write_workspace(base / "ws", generated_specs(2, prefix="heal"))
        git_init(root)
        build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    return root


@pytest.fixture
def ws(first_build: Path, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "ws"
    shutil.copytree(first_build, root, symlinks=True)
    yield root
    for path in (root / ".relnox", root / ".relnox" / "dist"):  # let pytest clean up
        if path.is_dir():
            path.chmod(0o755)


def build(root: Path) -> tuple[int, str, dict[str, Any]]:
    proc = run_relnox("build-all", "--json", cwd=root)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stderr, json.loads(proc.stdout) if proc.returncode == 0 else {}


def test_a_manifest_with_one_extra_field_still_reuses(ws: Path) -> None:
    path = manifest_path(ws / "dist")
    data = json.loads(path.read_text())
    data["written_by_a_newer_relnox"] = True
    data["packages"][0]["new_field"] = [1, 2]
    path.write_text(json.dumps(data))
    code, err, result = build(ws)
    assert code == 0, err
    assert result["reused"] == NAMES


DAMAGE = {
    "not JSON": "<html>not a manifest</html>",
    "truncated": '{"schema": 1, "packages": [{"name": "heal-pkg0"',
    "a list": "[]",
    "wrong types": '{"schema": 1, "packages": [{"name": 1, "version": 2, "files": 3}]}',
    "missing keys": '{"schema": 1, "packages": [{"name": "heal-pkg0"}]}',
    "a newer major schema": '{"schema": 99, "packages": []}',
}


@pytest.mark.parametrize("text", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_manifest_is_a_warning_and_a_full_rebuild(ws: Path, text: str) -> None:
    manifest_path(ws / "dist").write_text(text)
    code, err, result = build(ws)
    assert code == 0, err
    assert str(manifest_path(ws / "dist")) in err and "building every package" in err
    assert result["reused"] == [] and sorted(result["packages"]) == NAMES
    assert read_manifest(ws / "dist").packages  # a good manifest replaces it
    assert build(ws)[2]["reused"] == NAMES


def test_a_manifest_that_is_a_directory_is_named(ws: Path) -> None:
    path = manifest_path(ws / "dist")
    path.unlink()
    path.mkdir()
    code, err, _ = build(ws)
    assert code != 0
    assert f"{path}: not a file" in err and len(err.strip().splitlines()) == 1


def test_the_state_directory_being_a_file_is_one_line_naming_it(ws: Path) -> None:
    shutil.rmtree(ws / ".relnox" / "dist")
    (ws / ".relnox" / "dist").write_text("not a directory\n")
    code, err, _ = build(ws)
    assert code != 0
    assert f"{ws / '.relnox' / 'dist'} is a file, not a directory" in err
    assert len(err.strip().splitlines()) == 1


def test_a_state_directory_under_a_file_is_one_line_naming_it(ws: Path) -> None:
    shutil.rmtree(ws / ".relnox")
    (ws / ".relnox").write_text("a file\n")
    code, err, _ = build(ws)
    assert code != 0
    assert f"{ws / '.relnox'} is a file, not a directory" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anyway")
def test_an_unwritable_state_directory_is_one_line_naming_it(ws: Path) -> None:
    state = ws / ".relnox" / "dist"
    state.chmod(stat.S_IRUSR | stat.S_IXUSR)
    code, err, _ = build(ws)
    assert code != 0
    assert str(state) in err and "Permission denied" in err
    assert len(err.strip().splitlines()) == 1
