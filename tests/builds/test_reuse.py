"""Reuse is sound by construction: for every shape of input git alone does not see, an
incremental build's dist/ is byte-identical to a clean build of the same tree, or the
package is rebuilt with the reason printed (real git repositories, real PEP 517 builds;
see :mod:`relnox.builds.inputs` and :mod:`relnox.builds.sources`)."""

from __future__ import annotations

import os
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from relnox.artifacts.manifest import read_manifest
from relnox.builds.inputs import stale_builds
from relnox.builds.run import BuildOptions, BuildResult, build_all
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.tools import git
from tests.build_support import edit
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds

PKG = "reuse-pkg"
MODULE = "reuse_pkg"


def workspace(root: Path, backend: str = "hatchling", files: dict[str, str] | None = None) -> Path:
    """One package ``reuse-pkg`` in ``packages/reuse-pkg``, and ``files`` (paths relative to
    the repository)."""
    write_workspace(root, [ProjectSpec(PKG, backend=backend)])
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def package(root: Path) -> Path:
    return root / "packages" / PKG


def statuses(result: BuildResult) -> dict[str, tuple[str, str]]:
    result.raise_for_failures()
    return {o.package.name: (o.status, o.why) for o in result.outcomes}


def dist_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def assert_same_as_clean(root: Path, tmp_path: Path) -> None:
    """dist/ after an incremental build holds the bytes a clean build of the tree makes."""
    clean = tmp_path / "clean-out" / "dist"
    build_all(root, BuildOptions(force=True, out=clean)).raise_for_failures()
    assert dist_bytes(root / "dist") == dist_bytes(clean)


def sdist_member(root: Path, member: str) -> tarfile.TarInfo:
    (sdist,) = (root / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        return archive.getmember(f"{MODULE}-0.1.0/{member}")


def wheel_names(root: Path) -> list[str]:
    (wheel,) = (root / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_a_license_linked_from_the_top_builds_and_its_change_rebuilds(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", files={"LICENSE": "MIT, the first words\n"})
    os.symlink("../../LICENSE", package(root) / "LICENSE")
    git_init(root)
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    member = sdist_member(root, "LICENSE")
    assert member.isfile() and member.size == len("MIT, the first words\n")

    assert statuses(build_all(root)) == {PKG: ("reused", "")}
    (root / "LICENSE").write_text("MIT, other words\n", encoding="utf-8")
    git_commit_all(root, "Change the license")
    status, why = statuses(build_all(root))[PKG]
    assert status == "built" and "contents" in why
    assert_same_as_clean(root, tmp_path)


def test_a_shared_directory_linked_into_a_package_is_hashed_where_it_lives(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "ws", files={"shared/schemas/a.json": '{"v": 1}\n'})
    os.symlink("../../../shared/schemas", package(root) / MODULE / "schemas")
    git_init(root)
    assert statuses(build_all(root))[PKG][0] == "built"
    assert f"{MODULE}/schemas/a.json" in wheel_names(root)
    assert statuses(build_all(root)) == {PKG: ("reused", "")}

    (root / "shared/schemas/a.json").write_text('{"v": 2}\n', encoding="utf-8")
    git_commit_all(root, "Change a shared schema")
    status, why = statuses(build_all(root))[PKG]
    assert (status, why) == ("built", "contents changed")
    assert_same_as_clean(root, tmp_path)

    (root / "shared/schemas/b.json").write_text("{}\n", encoding="utf-8")  # a new shared file
    git_commit_all(root, "Add a shared schema")
    assert statuses(build_all(root))[PKG][0] == "built"
    assert f"{MODULE}/schemas/b.json" in wheel_names(root)
    assert_same_as_clean(root, tmp_path)


def test_hatch_artifacts_are_always_rebuilt_and_the_reason_printed(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    pyproject = package(root) / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f'\n[tool.hatch.build]\nartifacts = ["{MODULE}/_gen.txt"]\n'
    )
    (package(root) / ".gitignore").write_text("_gen.txt\n")
    (package(root) / MODULE / "_gen.txt").write_text("generated 1\n")
    git_init(root)
    build_all(root).raise_for_failures()
    assert f"{MODULE}/_gen.txt" in wheel_names(root)
    (package(root) / MODULE / "_gen.txt").write_text("generated 2\n")
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "hatch artifacts" in result.stderr + result.stdout
    assert_same_as_clean(root, tmp_path)


def test_a_file_git_ignores_force_included_under_another_name_is_rebuilt_and_judged(
    tmp_path: Path,
) -> None:
    """A wheel built from the tree holds ``gen/info.json`` as ``reuse_pkg/_info.json``:
    neither its path nor its name's tail finds it, the force-include table does; a change
    to it rebuilds the wheel, and makes the built one stale for verify and publish."""
    root = workspace(tmp_path / "ws")
    pyproject = package(root) / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + "\n[tool.hatch.build.targets.wheel.force-include]\n"
        + f'"gen/info.json" = "{MODULE}/_info.json"\n'
    )
    (package(root) / ".gitignore").write_text("gen/\n")
    (package(root) / "gen").mkdir()
    (package(root) / "gen/info.json").write_text("1\n")
    git_init(root)
    wheel_only = BuildOptions(sdist=False)
    build_all(root, wheel_only).raise_for_failures()
    assert f"{MODULE}/_info.json" in wheel_names(root)
    record = read_manifest(root / "dist").get(PKG)
    assert "gen/info.json is in its artifacts but git ignores it" in record.inputs["unprovable"]

    (package(root) / "gen/info.json").write_text("2\n")
    stale = stale_builds(load_workspace(root), [record], root / "dist")
    assert stale == {PKG: "files git ignores that its build took in changed: gen/info.json"}
    status, why = statuses(build_all(root, wheel_only))[PKG]
    assert (status, why) == ("built", "gen/info.json is in its artifacts but git ignores it")
    (wheel,) = (root / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(f"{MODULE}/_info.json") == b"2\n"


def test_ignored_setuptools_package_data_is_rebuilt_with_the_reason(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", backend="setuptools")
    pyproject = package(root) / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f'\n[tool.setuptools.package-data]\n{MODULE} = ["*.dat"]\n'
    )
    (package(root) / ".gitignore").write_text("*.dat\n")
    (package(root) / MODULE / "table.dat").write_text("first\n")
    git_init(root)
    build_all(root).raise_for_failures()
    assert f"{MODULE}/table.dat" in wheel_names(root)
    record = read_manifest(root / "dist").get(PKG)
    assert "table.dat is in its artifacts but git ignores it" in record.inputs["unprovable"]

    (package(root) / MODULE / "table.dat").write_text("second\n")
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "table.dat is in its artifacts but git ignores it" in result.stderr + result.stdout
    assert_same_as_clean(root, tmp_path)


def test_no_change_reuses_a_setuptools_package_despite_its_egg_info(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", backend="setuptools")
    git_init(root)
    build_all(root).raise_for_failures()
    assert statuses(build_all(root)) == {PKG: ("reused", "")}


def test_a_new_ignored_file_in_the_package_rebuilds_it(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    (package(root) / ".gitignore").write_text("*.local\n")
    git_init(root)
    build_all(root).raise_for_failures()
    (package(root) / MODULE / "notes.local").write_text("mine\n")
    status, why = statuses(build_all(root))[PKG]
    assert (status, why) == ("built", "ignored changed")
    assert f"{MODULE}/notes.local" not in wheel_names(root)
    assert statuses(build_all(root)) == {PKG: ("reused", "")}
    # left out by name, it stays out whatever it holds
    (package(root) / MODULE / "notes.local").write_text("other words\n")
    assert statuses(build_all(root)) == {PKG: ("reused", "")}
    assert_same_as_clean(root, tmp_path)


def test_a_module_ignored_only_by_the_global_excludes_file_is_never_trusted(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path / "ws")
    excludes = tmp_path / "global-ignore"
    excludes.write_text("secret_mod.py\n")
    git.git(tmp_path, "config", "--global", "core.excludesFile", str(excludes))
    (package(root) / MODULE / "secret_mod.py").write_text("VALUE = 1\n")
    git_init(root)
    build_all(root).raise_for_failures()
    assert f"{MODULE}/secret_mod.py" in wheel_names(root)  # hatchling reads no global excludes
    (package(root) / MODULE / "secret_mod.py").write_text("VALUE = 2\n")
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "ignored only by .git/info/exclude or core.excludesFile" in result.stdout + result.stderr
    assert f"{MODULE}/secret_mod.py" in result.stdout + result.stderr
    assert_same_as_clean(root, tmp_path)


def test_an_assume_unchanged_file_is_rebuilt_with_the_reason(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    git_init(root)
    build_all(root).raise_for_failures()
    module = f"packages/{PKG}/{MODULE}/__init__.py"
    git.git(root, "update-index", "--assume-unchanged", module)
    edit(root / module, "def main", "CHANGED = True\n\n\ndef main")
    assert git.git(root, "status", "--porcelain") == ""  # git no longer sees the change
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert f"{module} is marked assume-unchanged" in result.stdout + result.stderr
    assert_same_as_clean(root, tmp_path)


def test_a_readme_outside_the_package_is_hashed_not_refused(tmp_path: Path) -> None:
    root = workspace(
        tmp_path / "ws", "pdm", files={"README.md": "# The workspace\n\nShared words.\n"}
    )
    edit(package(root) / "pyproject.toml", 'readme = "README.md"', 'readme = "../../README.md"')
    git_init(root)
    build_all(root).raise_for_failures()
    assert statuses(build_all(root)) == {PKG: ("reused", "")}

    edit(root / "README.md", "Shared words.", "Other shared words.")
    git_commit_all(root, "Change the workspace README")
    assert statuses(build_all(root)) == {PKG: ("built", "outside changed")}
    assert statuses(build_all(root)) == {PKG: ("reused", "")}
    assert_same_as_clean(root, tmp_path)


def test_an_environment_variable_a_backend_reads_rebuilds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace(tmp_path / "ws")
    git_init(root)
    build_all(root).raise_for_failures()
    monkeypatch.setenv("HATCH_BUILD_NO_HOOKS", "true")
    assert statuses(build_all(root)) == {PKG: ("built", "environ changed")}
    assert statuses(build_all(root)) == {PKG: ("reused", "")}


def pdm_workspace(root: Path) -> Path:
    """A uv workspace of pdm-backend members under ``libs/python/<short dir>``, each with a
    readme of its own, the repository ignoring ``.pdm-build/`` (the shape of a real
    monorepo on pdm-backend)."""
    specs = [
        ProjectSpec("acme-core", backend="pdm", dir="core"),
        ProjectSpec("acme-agent", backend="pdm", dir="agent", requires=["acme-core>=0.1.0"]),
    ]
    write_workspace(root, specs, members_dir="libs/python")
    with (root / ".gitignore").open("a", encoding="utf-8") as fh:
        fh.write(".pdm-build/\n")
    return root


def uv_build_in_tree(root: Path, out: Path) -> None:
    """What a user's ``uv build --all-packages`` does to the tree: pdm-backend builds each
    member in place and leaves its ``.pdm-build/`` there."""
    from uv import find_uv_bin

    argv = [find_uv_bin(), "build", "-q", "--all-packages", "--no-sources", "--out-dir", str(out)]
    proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_pdm_members_are_reused_after_another_frontend_built_them_in_place(
    tmp_path: Path,
) -> None:
    root = pdm_workspace(tmp_path / "ws")
    git_init(root)
    build_all(root).raise_for_failures()
    uv_build_in_tree(root, tmp_path / "uv-out")
    assert (root / "libs/python/core/.pdm-build").is_dir()  # what made them rebuild before
    assert statuses(build_all(root)) == {
        "acme-core": ("reused", ""),
        "acme-agent": ("reused", ""),
    }
    uv_build_in_tree(root, tmp_path / "uv-out")
    result = run_relnox("build-all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "2 unchanged, reused" in result.stdout + result.stderr
    assert_same_as_clean(root, tmp_path)


def test_pdm_scratch_kept_by_pdm_build_no_clean_is_an_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDM_BUILD_NO_CLEAN", "1")  # pdm-backend then builds from .pdm-build
    root = pdm_workspace(tmp_path / "ws")
    git_init(root)
    build_all(root).raise_for_failures()
    (root / "libs/python/core/.pdm-build").mkdir(exist_ok=True)
    (root / "libs/python/core/.pdm-build/extra.py").write_text("EXTRA = 1\n", encoding="utf-8")
    assert statuses(build_all(root))["acme-core"] == ("built", "ignored changed")
    assert statuses(build_all(root))["acme-core"] == ("reused", "")
