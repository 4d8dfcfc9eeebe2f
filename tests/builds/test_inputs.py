"""Incremental builds: a package is rebuilt exactly when one of its inputs changed
(real git repositories, real builds; see :mod:`relnox.builds.inputs`)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from relnox.artifacts.manifest import read_manifest
from relnox.builds.inputs import SOURCE_PARTS, Inputs, package_inputs
from relnox.builds.run import BuildOptions, BuildResult, build_all
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, generated_specs, git_commit_all, git_init, write_workspace
from tests.build_support import edit, isolated
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds

NAMES = ["inc-pkg0", "inc-pkg1", "inc-pkg2"]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace of three packages built once; each test works on its own copy."""
    base = tmp_path_factory.mktemp("incremental")
    (base / "home").mkdir()
    with isolated(base / "home"):
        root = write_workspace(base / "ws", generated_specs(3, prefix="inc"))
        git_init(root)
        result = build_all(root, BuildOptions(jobs=2))
    result.raise_for_failures()
    return root


@pytest.fixture
def ws(first_build: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(first_build, root, symlinks=True)
    return root


def statuses(result: BuildResult) -> dict[str, str]:
    result.raise_for_failures()
    return {o.package.name: o.status for o in result.outcomes}


def rebuilt(result: BuildResult) -> dict[str, str]:
    return {o.package.name: o.why for o in result.outcomes if o.status == "built"}


def test_nothing_changed_reuses_every_package_and_keeps_the_record(ws: Path) -> None:
    before = read_manifest(ws / "dist")
    result = build_all(ws, BuildOptions(jobs=2))
    assert statuses(result) == dict.fromkeys(NAMES, "reused")
    assert {row["status"] for row in result.rows()} == {"unchanged, reused"}
    data = result.to_json()
    assert data["reused"] == NAMES and data["packages"] == NAMES and data["rebuilt"] == {}
    assert len(data["files"]) == 6
    after = read_manifest(ws / "dist")
    assert [r.files for r in after.packages] == [r.files for r in before.packages]
    assert all(r.inputs for r in after.packages)


def test_a_tampered_artifact_is_rebuilt(ws: Path) -> None:
    wheel = ws / "dist/inc_pkg1-0.1.0-py3-none-any.whl"
    good = file_digest(wheel)
    wheel.write_bytes(b"not the wheel that was built")
    result = build_all(ws, BuildOptions(jobs=2))
    assert rebuilt(result) == {"inc-pkg1": "its recorded files are missing or changed"}
    assert file_digest(wheel) == good  # reproducible: the same bytes again


def test_a_changed_tracked_file_rebuilds_only_its_package(ws: Path) -> None:
    edit(ws / "packages/inc-pkg1/inc_pkg1/__init__.py", "def main", "X = 1\n\n\ndef main")
    git_commit_all(ws, "Change pkg1")
    result = build_all(ws, BuildOptions(jobs=2))
    assert list(rebuilt(result)) == ["inc-pkg1"]
    assert "files changed" in rebuilt(result)["inc-pkg1"]
    assert statuses(result)["inc-pkg0"] == statuses(result)["inc-pkg2"] == "reused"


def test_changed_ignore_rules_above_the_packages_rebuild_them(ws: Path) -> None:
    with (ws / ".gitignore").open("a") as fh:
        fh.write("*.md\n")  # hatchling would now leave the tracked READMEs out
    git_commit_all(ws, "Ignore markdown")
    assert rebuilt(build_all(ws, BuildOptions(jobs=2))) == dict.fromkeys(NAMES, "ignore changed")


def test_a_modified_file_not_committed_rebuilds_and_says_so(ws: Path) -> None:
    edit(ws / "packages/inc-pkg2/README.md", "# inc-pkg2", "# inc-pkg2, changed")
    result = build_all(ws, BuildOptions(jobs=2))
    assert rebuilt(result) == {"inc-pkg2": "modified files: packages/inc-pkg2/README.md"}
    # and again: the inputs still cannot be established, so no reuse
    assert list(rebuilt(build_all(ws, BuildOptions(jobs=2)))) == ["inc-pkg2"]


def test_a_changed_build_requirement_rebuilds_only_its_package(ws: Path) -> None:
    edit(
        ws / "packages/inc-pkg0/pyproject.toml",
        'requires = ["hatchling"]',
        'requires = ["hatchling>=1"]',
    )
    git_commit_all(ws, "Pin the backend")
    result = build_all(ws, BuildOptions(jobs=2))
    assert list(rebuilt(result)) == ["inc-pkg0"]
    assert "build" in rebuilt(result)["inc-pkg0"].split(", ")


def test_a_changed_version_rebuilds_only_its_package(ws: Path) -> None:
    for path in ("pyproject.toml", "inc_pkg2/__init__.py"):
        edit(ws / "packages/inc-pkg2" / path, '"0.1.0"', '"0.1.1"')
    git_commit_all(ws, "Release pkg2 0.1.1")
    result = build_all(ws, BuildOptions(jobs=2))
    assert list(rebuilt(result)) == ["inc-pkg2"]
    assert "version" in rebuilt(result)["inc-pkg2"]
    assert (ws / "dist/inc_pkg2-0.1.1-py3-none-any.whl").is_file()


def test_an_untracked_file_rebuilds_only_its_package(ws: Path) -> None:
    (ws / "packages/inc-pkg0/inc_pkg0/extra.py").write_text("X = 1\n")
    result = build_all(ws, BuildOptions(jobs=2))
    assert rebuilt(result) == {"inc-pkg0": "untracked changes: packages/inc-pkg0/inc_pkg0/extra.py"}


def test_force_rebuilds_everything_and_the_command_says_why(ws: Path) -> None:
    proc = run_relnox("build-all", "--force", "--json", cwd=ws, check=True)
    data = json.loads(proc.stdout)
    assert data["reused"] == [] and data["rebuilt"] == dict.fromkeys(NAMES, "--force")
    proc = run_relnox("build-all", cwd=ws, check=True)
    rows = [line for line in proc.stdout.splitlines() if line.startswith("inc-pkg")]
    assert len(rows) == 3 and all(row.endswith("unchanged, reused") for row in rows)
    assert "0 package(s) built (3 unchanged, reused)" in proc.stdout


# --- inputs that cannot be established (no build needed to tell)


def _why(root: Path) -> dict[str, str]:
    workspace = load_workspace(root)
    inputs = package_inputs(
        workspace, workspace.packages, python=Path("/usr/bin/python3"), epochs={}, kinds="wheel"
    )
    return {name: facts.unknown for name, facts in inputs.items()}


def test_dynamic_build_steps_and_missing_git_are_never_fingerprinted(tmp_path: Path) -> None:
    specs = [
        ProjectSpec("dyn-plain"),
        ProjectSpec("dyn-hook"),
        ProjectSpec("dyn-custom"),
        ProjectSpec("dyn-cmdclass", backend="setuptools"),
        ProjectSpec(
            "dyn-setup",
            backend="setuptools",
            extra_files={"setup.py": "import setuptools\nsetuptools.setup()\n"},
        ),
        # The shape: hatchling, and a setup.py stub hatchling never runs
        ProjectSpec("dyn-stub", extra_files={"setup.py": "raise SystemExit('use pip')\n"}),
    ]
    root = write_workspace(tmp_path / "ws", specs)
    assert set(_why(root).values()) == {"no git repository"}
    with (root / "packages/dyn-hook/pyproject.toml").open("a") as fh:
        fh.write("\n[tool.hatch.build.hooks.custom]\n")
    edit(
        root / "packages/dyn-custom/pyproject.toml",
        'build-backend = "hatchling.build"',
        'build-backend = "backend"\nbackend-path = ["."]',
    )
    with (root / "packages/dyn-cmdclass/pyproject.toml").open("a") as fh:
        fh.write('\n[tool.setuptools.cmdclass]\nbuild_py = "custom.BuildPy"\n')
    git_init(root)
    assert _why(root) == {
        "dyn-cmdclass": "setuptools cmdclass or ext-modules (code or a compiler at build time)",
        "dyn-plain": "",
        "dyn-hook": "a hatch build hook",
        "dyn-custom": "a custom build backend (backend-path)",
        "dyn-setup": "setup.py runs code at build time",
        "dyn-stub": "",
    }


def test_each_package_is_dirty_from_its_own_files_only_whichever_are_asked(
    tmp_path: Path,
) -> None:
    """git is asked only about the packages being judged; a change is found for its own
    package whether that package is asked alone or with others, and never for another."""
    root = write_workspace(tmp_path / "ws", generated_specs(3, prefix="dirty"))
    git_init(root)
    edit(root / "packages/dirty-pkg1/README.md", "A sample", "A changed sample")
    (root / "packages/dirty-pkg2/new.py").write_text("NEW = 1\n", encoding="utf-8")
    ws = load_workspace(root)
    pkgs = {p.name: p for p in ws.packages}

    def unknown(*names: str) -> dict[str, str]:
        found = package_inputs(
            ws,
            [pkgs[n] for n in names],
            python=Path(shutil.which("python3") or "python3"),
            epochs={},
            kinds="sdist+wheel",
        )
        return {name: facts.unknown for name, facts in found.items()}

    assert unknown("dirty-pkg0") == {"dirty-pkg0": ""}
    assert unknown("dirty-pkg1") == {"dirty-pkg1": "modified files: packages/dirty-pkg1/README.md"}
    assert unknown("dirty-pkg0", "dirty-pkg2") == {
        "dirty-pkg0": "",
        "dirty-pkg2": "untracked changes: packages/dirty-pkg2/new.py",
    }


def test_the_stale_check_lists_no_ignored_files_and_judges_the_same(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """verify and publish compare only the source parts: the files git ignores (two git
    listings) are not read for them, and those parts are what a full reading gives."""
    root = write_workspace(tmp_path / "ws", generated_specs(2, prefix="src"))
    git_init(root)
    (root / "packages/src-pkg0/scratch.log").write_text("ignored\n", encoding="utf-8")
    with (root / ".gitignore").open("a", encoding="utf-8") as fh:
        fh.write("*.log\n")
    git_commit_all(root, "ignore logs")
    ws = load_workspace(root)
    python = Path(shutil.which("python3") or "python3")

    def inputs(ignored: bool) -> dict[str, Inputs]:
        return package_inputs(ws, ws.packages, python=python, epochs={}, kinds="", ignored=ignored)

    caplog.set_level(logging.DEBUG, logger="relnox")
    full = inputs(True)
    assert " -o -i " in caplog.text
    caplog.clear()
    sources = inputs(False)
    assert "ls-files" in caplog.text and " -o -i " not in caplog.text
    for name, facts in full.items():
        assert "ignored" in facts.parts and "ignored" not in sources[name].parts
        assert {p: facts.parts[p] for p in SOURCE_PARTS} == {
            p: sources[name].parts[p] for p in SOURCE_PARTS
        }
        assert facts.unknown == "" and sources[name].unknown  # never reused on these
