"""build_all on real fixture projects: every backend, a workspace with internal
dependencies, reproducibility, stale artifacts, --clean, --test, the native path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from relnox.artifacts.manifest import MANIFEST_TXT, read_manifest
from relnox.builds.run import BuildOptions, build_all, execute, plan_build
from relnox.errors import BuildError
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_project, write_workspace
from relnox.tools import git
from tests.build_support import edit, shared, summarize, wheel_metadata
from tests.bump_support import write_files
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds, serves or makes environments

CORE = "bk-core>=0.1.0,<0.2.0"
BACKEND_SPECS = [
    ProjectSpec("bk-core", backend="hatchling"),
    ProjectSpec("bk-agents", backend="setuptools", requires=[CORE]),
    ProjectSpec("bk-runtime", backend="flit", requires=[CORE, "bk-agents>=0.1.0"], script=True),
    ProjectSpec("bk-poetry", backend="poetry", requires=[CORE]),
    ProjectSpec("bk-pdm", backend="pdm"),
    ProjectSpec("bk-legacy", backend="none"),
]


def _backends(directory: Path) -> dict[str, Any]:
    root = write_workspace(directory / "ws", BACKEND_SPECS)
    # requires-python that excludes this interpreter: builds anyway, like python -m build
    edit(root / "packages/bk-pdm/pyproject.toml", '">=3.9"', '">=3.99"')
    git_init(root)
    dist = root / "dist"
    dist.mkdir()
    (dist / "bk_core-0.0.1.tar.gz").write_bytes(b"an old build")  # stale: another version
    (dist / "elsewhere-1.0-py3-none-any.whl").write_bytes(b"not ours")  # not a package here
    return summarize(build_all(root, BuildOptions(jobs=2)))


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    directory, summary = shared(tmp_path_factory, "backends", _backends)
    return directory / "ws", summary


def test_every_backend_builds_an_sdist_and_a_wheel(backends: tuple[Path, dict[str, Any]]) -> None:
    root, summary = backends
    assert summary["error"] == "" and summary["failed"] == []
    names = [s.name for s in BACKEND_SPECS]
    assert sorted(summary["packages"]) == sorted(names)
    expected = {
        f"{n.replace('-', '_')}-0.1.0{suffix}"
        for n in names
        for suffix in (".tar.gz", "-py3-none-any.whl")
    }
    assert set(summary["files"]) == expected
    on_disk = {p.name for p in (root / "dist").iterdir()}
    assert on_disk == expected | {
        "bk_core-0.0.1.tar.gz",
        "elsewhere-1.0-py3-none-any.whl",
    }  # nothing half-written or hidden is left behind


def test_a_package_is_done_only_after_its_dependencies(
    backends: tuple[Path, dict[str, Any]],
) -> None:
    """A package's files reach dist/ only after those of the packages it needs did."""
    _, summary = backends
    outcomes = summary["outcomes"]
    for spec in BACKEND_SPECS:
        for req in spec.requires:
            dep = req.split(">")[0]
            assert outcomes[dep]["finished"] <= outcomes[spec.name]["finished"]


def test_one_environment_per_set_of_build_requirements(
    backends: tuple[Path, dict[str, Any]],
) -> None:
    # hatchling, flit-core, poetry-core, pdm-backend, and one setuptools environment
    # shared by "setuptools>=61" and the PEP 517 default "setuptools>=40.8.0"
    assert backends[1]["environments"] == 5


def test_the_manifest_records_every_file(backends: tuple[Path, dict[str, Any]]) -> None:
    root, _ = backends
    manifest = read_manifest(root / "dist")
    assert [r.name for r in manifest.packages] == [p.name for p in load_workspace(root).packages]
    assert manifest.git_commit == git.head(root)
    assert manifest.source_date_epoch == int(git.git(root, "log", "-1", "--format=%ct"))
    assert manifest.created and manifest.extra["installer"] == "uv"
    runtime = manifest.get("bk-runtime")
    assert runtime.backend == "flit_core.buildapi"
    assert runtime.directory == "packages/bk-runtime"
    assert set(runtime.depends_on) == {"bk-core", "bk-agents"}
    assert runtime.seconds > 0
    for record in manifest.packages:
        assert [f.kind for f in record.files] == ["sdist", "wheel"]
        for artifact in record.files:
            path = manifest.checked_path(artifact)
            assert artifact.sha256 == file_digest(path) and artifact.size == path.stat().st_size
    text = (root / ".relnox" / "dist" / MANIFEST_TXT).read_text()
    assert "bk-poetry 0.1.0 (poetry.core.masonry.api" in text and "sha256:" in text


def test_wheels_carry_the_requirements_users_get(backends: tuple[Path, dict[str, Any]]) -> None:
    root, _ = backends
    agents = wheel_metadata(root / "dist/bk_agents-0.1.0-py3-none-any.whl")
    requires = [line for line in agents.splitlines() if line.startswith("Requires-Dist:")]
    assert requires == ["Requires-Dist: bk-core<0.2.0,>=0.1.0"]  # no workspace path or URL
    poetry = wheel_metadata(root / "dist/bk_poetry-0.1.0-py3-none-any.whl")
    assert "Requires-Dist: bk-core (>=0.1.0,<0.2.0)" in poetry


def test_requires_python_excluding_this_interpreter_still_builds(
    backends: tuple[Path, dict[str, Any]],
) -> None:
    root, summary = backends
    assert "bk-pdm" in summary["packages"]
    assert "Requires-Python: >=3.99" in wheel_metadata(root / "dist/bk_pdm-0.1.0-py3-none-any.whl")


def test_other_versions_in_dist_are_reported_not_recorded(
    backends: tuple[Path, dict[str, Any]],
) -> None:
    root, summary = backends
    assert summary["stale"] == ["bk_core-0.0.1.tar.gz"]
    recorded = {f.filename for r in read_manifest(root / "dist").packages for f in r.files}
    assert "bk_core-0.0.1.tar.gz" not in recorded


# --- one small hatchling project: reproducibility, --clean, SOURCE_DATE_EPOCH, --test


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "lib", ProjectSpec("repro-lib", "1.2.0", "hatchling"))
    (root / ".gitignore").write_text("dist/\nbuild/\n*.egg-info/\n")
    (root / "tests").mkdir()
    (root / "tests/test_it.py").write_text(
        "import os\n\ndef test_it():\n    assert os.environ.get('LIB_FAIL') != '1'\n"
    )
    with (root / "pyproject.toml").open("a") as fh:
        fh.write('\n[dependency-groups]\ntest = ["pytest"]\n')
    git_init(root)
    return root


def test_two_builds_of_one_commit_are_byte_identical(lib: Path, tmp_path: Path) -> None:
    first = build_all(lib, BuildOptions(out=tmp_path / "one"))
    second = build_all(lib, BuildOptions(out=tmp_path / "two"))
    hashes = [
        {f.filename: f.sha256 for o in r.built if o.record for f in o.record.files}
        for r in (first, second)
    ]
    assert hashes[0] == hashes[1] and len(hashes[0]) == 2
    assert first.plan.epoch_of(first.plan.packages[0]) == int(
        git.git(lib, "log", "-1", "--format=%ct")
    )


def test_a_package_scratch_goes_when_its_build_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a package's build ends, its scratch directory is gone already (removed as its
    build ended, not at the run's end); every scratch directory is gone after the run."""
    import tempfile

    import relnox.builds.run as run_module

    specs = [ProjectSpec("sc-one", backend="hatchling"), ProjectSpec("sc-two", backend="hatchling")]
    root = write_workspace(tmp_path / "ws", specs)
    git_init(root)
    made: list[Path] = []
    left_at_end: dict[str, list[str]] = {}
    real_mkdtemp = tempfile.mkdtemp
    real_place = run_module._Run.place  # the end of a package's build, its files in dist/

    def mkdtemp(*args: Any, **kwargs: Any) -> str:
        path = str(real_mkdtemp(*args, **kwargs))
        if Path(path).parent.name.startswith("relnox-build-"):  # in the run's directory
            made.append(Path(path))
        return path

    def place(run: Any, name: str, built: Any) -> Any:
        outcome = real_place(run, name, built)
        left_at_end[name] = sorted(p.name for p in made if p.exists())
        return outcome

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(run_module._Run, "place", place)
    result = build_all(root, BuildOptions(jobs=1))
    assert len(result.built) == 2 and len(made) == 2
    for name in ("sc-one", "sc-two"):
        own = name.replace("-", "_") + "-"
        assert not [p for p in left_at_end[name] if p.startswith(own)], left_at_end
    assert not any(p.exists() for p in made)


REPRO_SPECS = [
    ProjectSpec("rp-hatch", backend="hatchling"),
    ProjectSpec("rp-flit", backend="flit"),
    ProjectSpec("rp-pdm", backend="pdm"),
    ProjectSpec("rp-poetry", backend="poetry"),
    ProjectSpec("rp-setuptools", backend="setuptools"),
]


def test_an_unrelated_commit_changes_no_byte_of_a_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each package is built at its own last commit's time, whatever came after.

    The commits are dated a month apart, so a build dated by the repository's last
    commit (or by the clock) could not give the same bytes.
    """
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_workspace(tmp_path / "ws", REPRO_SPECS)
    (root / ".gitignore").write_text("dist/\nbuild/\n*.egg-info/\n")
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, "2026-01-01T12:00:00+00:00")
    git_init(root)

    def hashes(out: str) -> dict[str, str]:
        result = build_all(root, BuildOptions(out=tmp_path / out, jobs=3))
        assert {result.plan.epoch_of(p) for p in result.plan.packages} == {1767268800}
        assert result.to_json()["not_reproducible"] == {}
        return {f.filename: f.sha256 for o in result.built if o.record for f in o.record.files}

    first = hashes("one")
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, "2026-02-01T12:00:00+00:00")
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "later"], cwd=root, check=True)
    (root / "NOTES.md").write_text("unrelated\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "notes"], cwd=root, check=True)
    assert int(git.git(root, "log", "-1", "--format=%ct")) == 1769947200
    second = hashes("two")
    assert len(first) == 2 * len(REPRO_SPECS)
    changed = sorted(name for name in first if first[name] != second.get(name))
    assert changed == [], changed


def test_source_date_epoch_is_overridable(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = load_workspace(lib)
    assert plan_build(
        workspace, BuildOptions(source_date_epoch="1700000000")
    ).source_date_epoch == (1700000000)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert plan_build(workspace, BuildOptions()).source_date_epoch == 1600000000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="'yesterday' is not a whole number of seconds"):
        plan_build(workspace, BuildOptions())


@pytest.mark.parametrize("epoch", ["-1", "4294967296", "99999999999999"])
def test_a_source_date_epoch_no_sdist_can_hold_is_refused_before_a_build(
    lib: Path, epoch: str
) -> None:
    """-1 or a time past 2106 was handed to the backends, whose sdists failed in gzip's
    header (struct.error: a traceback blamed on each package); now one line first."""
    dist = lib / "dist"
    proc = run_relnox("build-all", cwd=lib, env={**os.environ, "SOURCE_DATE_EPOCH": epoch})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert f"SOURCE_DATE_EPOCH {epoch!r} is not a whole number of seconds from 0" in line, line
    assert not dist.exists() or not any(dist.iterdir())


def test_clean_removes_old_artifacts_first(lib: Path) -> None:
    dist = lib / "dist"
    dist.mkdir()
    (dist / "repro_lib-1.1.0-py3-none-any.whl").write_bytes(b"old")
    (dist / "notes.txt").write_text("kept: not an artifact")
    (lib / "build" / "lib").mkdir(parents=True)
    (lib / "repro_lib.egg-info").mkdir()
    plan = plan_build(load_workspace(lib), BuildOptions(clean=True, sdist=False))
    assert {p.name for p in plan.clean} == {
        "build",
        "repro_lib.egg-info",
        "repro_lib-1.1.0-py3-none-any.whl",
    }
    assert any(line.startswith("remove build") for line in plan.describe())
    result = execute(plan)
    assert result.stale == ()
    assert sorted(p.name for p in dist.iterdir()) == [
        "notes.txt",
        "repro_lib-1.2.0-py3-none-any.whl",
    ]
    assert not (lib / "build").exists() and not (lib / "repro_lib.egg-info").exists()


def test_clean_keeps_a_directory_holding_files_git_tracks(
    lib: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A package's committed build/ scripts, a committed egg-info or a tracked file in
    dist/ were removed by --clean (with an edit not yet committed); they are the
    project's, not a build's output: kept, and said so with the way to clean them."""
    (lib / "build").mkdir()
    (lib / "build/make.sh").write_text("echo made\n")
    (lib / "repro_lib.egg-info").mkdir()
    (lib / "repro_lib.egg-info/PKG-INFO").write_text("Name: repro-lib\n")
    (lib / "dist").mkdir()
    (lib / "dist/repro_lib-1.0.0-py3-none-any.whl").write_bytes(b"a wheel kept in git")
    git.git(lib, "add", "-f", "build", "repro_lib.egg-info", "dist")
    git_commit_all(lib, "tracked where builds write")
    (lib / "build/make.sh").write_text("echo edited, not committed\n")
    (lib / "dist/repro_lib-1.1.0-py3-none-any.whl").write_bytes(b"an old build")
    plan = plan_build(load_workspace(lib), BuildOptions(clean=True, sdist=False))
    assert [p.name for p in plan.clean] == ["repro_lib-1.1.0-py3-none-any.whl"]
    kept = [r.getMessage() for r in caplog.records if "--clean keeps" in r.getMessage()]
    assert kept == [
        f"--clean keeps {name}: git tracks files in it (a build's output is never "
        f"committed); remove what the build left there yourself (git clean -fX -- {name})"
        for name in ("build", "repro_lib.egg-info", "dist/repro_lib-1.0.0-py3-none-any.whl")
    ]
    execute(plan).raise_for_failures()
    assert (lib / "build/make.sh").read_text() == "echo edited, not committed\n"
    assert (lib / "repro_lib.egg-info/PKG-INFO").is_file()
    assert not (lib / "dist/repro_lib-1.1.0-py3-none-any.whl").exists()


def test_an_earlier_builds_files_of_the_same_version_are_moved_out_of_dist(lib: Path) -> None:
    """A wheel for other tags (another Python, another commit) and a second sdist of the
    version being built: publish could not tell them from files another tool added, so
    the build moves them to the state directory and dist/ holds this build only."""
    dist = lib / "dist"
    dist.mkdir()
    (dist / "repro_lib-1.2.0-py2-none-any.whl").write_bytes(b"an earlier build")
    (dist / "Repro_Lib-1.2.0.tar.gz").write_bytes(b"an earlier sdist")
    (dist / "repro_lib-1.1.0-py3-none-any.whl").write_bytes(b"another version: warned of")
    proc = run_relnox("build-all", cwd=lib)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in dist.iterdir()) == [
        "repro_lib-1.1.0-py3-none-any.whl",
        "repro_lib-1.2.0-py3-none-any.whl",
        "repro_lib-1.2.0.tar.gz",
    ]
    aside = lib / ".relnox/dist/earlier"
    assert sorted(p.name for p in aside.iterdir()) == [
        "Repro_Lib-1.2.0.tar.gz",
        "repro_lib-1.2.0-py2-none-any.whl",
    ]
    assert (aside / "repro_lib-1.2.0-py2-none-any.whl").read_bytes() == b"an earlier build"
    assert (
        "repro_lib-1.2.0-py2-none-any.whl: a file of repro-lib 1.2.0 this build did not make"
        in (proc.stderr)
    )
    # a wheel-only build leaves the sdist it did not replace
    (dist / "repro_lib-1.2.0-py2-none-any.whl").write_bytes(b"an earlier build")
    rebuilt = run_relnox("build-all", "--wheel-only", "--force", cwd=lib)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (dist / "repro_lib-1.2.0.tar.gz").is_file()
    assert not (dist / "repro_lib-1.2.0-py2-none-any.whl").exists()


def test_another_pythons_wheel_of_the_same_sources_stays_and_is_recorded(lib: Path) -> None:
    """A wheel build-all recorded for a build of the same sources (built with another
    Python before this one) stays beside this build's files, in its record; once the
    sources change, it is an earlier build's and goes aside."""
    dist = lib / "dist"
    first = build_all(lib, BuildOptions())
    first.raise_for_failures()
    other = dist / "repro_lib-1.2.0-py2-none-any.whl"  # as another interpreter's wheel
    shutil.copyfile(dist / "repro_lib-1.2.0-py3-none-any.whl", other)
    path = lib / ".relnox/dist/build-manifest.json"
    data = json.loads(path.read_text())
    data["packages"][0]["files"].append(
        {"filename": other.name, "kind": "wheel", "sha256": file_digest(other), "size": 1}
    )
    path.write_text(json.dumps(data))
    again = run_relnox("build-all", "--force", cwd=lib)
    assert again.returncode == 0, again.stderr
    assert f"kept {other.name}, built before from the same sources" in again.stderr
    assert other.is_file()
    (record,) = read_manifest(dist).packages
    assert other.name in [f.filename for f in record.files]

    edit(lib / "repro_lib/__init__.py", "def main", "CHANGED = 1\n\n\ndef main")
    git.git(lib, "commit", "-qam", "change")
    changed = run_relnox("build-all", cwd=lib)
    assert changed.returncode == 0, changed.stderr
    assert not other.exists() and (lib / ".relnox/dist/earlier" / other.name).is_file()
    (record,) = read_manifest(dist).packages
    assert other.name not in [f.filename for f in record.files]


def test_tests_run_against_the_built_wheel_and_strict_makes_them_count(
    lib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIB_FAIL", "1")
    lenient = build_all(lib, BuildOptions(out=tmp_path / "a", test=True, sdist=False))
    assert [o.tests for o in lenient.outcomes] == ["failed"] and not lenient.not_built
    strict = build_all(lib, BuildOptions(out=tmp_path / "b", test=True, strict=True, sdist=False))
    (outcome,) = strict.not_built
    assert "repro-lib: its tests failed (exit 1)" in str(outcome.error)
    assert "--strict" in str(outcome.error)
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").glob("*.whl"))


def test_a_src_layout_is_tested_against_its_wheel_and_a_missing_runner_is_named(
    tmp_path: Path,
) -> None:
    root = write_files(
        tmp_path / "srcpkg",
        {
            "pyproject.toml": '[project]\nname = "src-pkg"\nversion = "1.0.0"\n'
            'description = "x"\nreadme = "README.md"\n'
            '[project.optional-dependencies]\ntest = ["pytest"]\n'
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "src/src_pkg/__init__.py": "ANSWER = 42\n",
            "README.md": "# src-pkg\n",
            "tests/test_answer.py": "import src_pkg\n\ndef test_answer():\n"
            "    assert src_pkg.ANSWER == 42\n",
        },
    )
    git_init(root)
    result = build_all(root, BuildOptions(out=tmp_path / "dist", test=True, strict=True))
    assert [o.tests for o in result.outcomes] == ["passed"], result.to_json()
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('test = ["pytest"]', 'test = ["packaging"]'))
    result = build_all(root, BuildOptions(out=tmp_path / "dist2", test=True, strict=True))
    (outcome,) = result.not_built
    assert "--test runs pytest, but neither a test extra nor a test dependency group" in str(
        outcome.error
    )


def test_a_flat_layout_is_tested_against_its_wheel_not_its_source(tmp_path: Path) -> None:
    """A module beside the package that the wheel does not ship fails its test (seed 003)."""
    root = write_files(
        tmp_path / "flat",
        {
            "pyproject.toml": '[project]\nname = "flat-pkg"\nversion = "1.0.0"\n'
            'description = "x"\nreadme = "README.md"\n'
            '[project.optional-dependencies]\ntest = ["pytest"]\n'
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
            '[tool.hatch.build.targets.wheel]\npackages = ["flat_pkg"]\n',
            "flat_pkg/__init__.py": "ANSWER = 42\n",
            "helper.py": "HELP = 1\n",  # beside the package, not in the wheel
            "conftest.py": "",
            "README.md": "# flat-pkg\n",
            "tests/__init__.py": "",
            "tests/test_answer.py": "import flat_pkg\n\ndef test_answer():\n"
            "    assert flat_pkg.ANSWER == 42\n"
            "    assert 'site-packages' in flat_pkg.__file__, flat_pkg.__file__\n",
        },
    )
    git_init(root)
    result = build_all(root, BuildOptions(out=tmp_path / "dist", test=True, strict=True))
    assert [o.tests for o in result.outcomes] == ["passed"], result.to_json()
    (root / "tests" / "test_helper.py").write_text(
        "import helper\n\ndef test_helper():\n    assert helper.HELP == 1\n", encoding="utf-8"
    )
    git_commit_all(root, "A test of a module the wheel does not ship")
    result = build_all(root, BuildOptions(out=tmp_path / "dist2", test=True))
    assert [o.tests for o in result.outcomes] == ["failed"], result.to_json()


def test_the_pip_fallback_builds_the_same_files(lib: Path, tmp_path: Path) -> None:
    result = build_all(lib, BuildOptions(out=tmp_path / "pip", installer="pip"))
    installer = result.plan.installer
    assert installer is not None and installer.name == "pip" and not result.not_built
    assert sorted(result.to_json()["files"]) == [
        "repro_lib-1.2.0-py3-none-any.whl",
        "repro_lib-1.2.0.tar.gz",
    ]


def test_bad_options_fail_before_anything_is_touched(lib: Path) -> None:
    workspace = load_workspace(lib)
    with pytest.raises(BuildError, match="--wheel-only and --sdist-only exclude each other"):
        plan_build(workspace, BuildOptions(sdist=False, wheel=False))
    with pytest.raises(BuildError, match="--python /no/such/python: no such interpreter"):
        plan_build(workspace, BuildOptions(python="/no/such/python"))
    with pytest.raises(BuildError, match="unknown installer 'conda'"):
        plan_build(workspace, BuildOptions(installer="conda"))
    assert not (lib / "dist").exists()


# --- native backends


NATIVE_PYPROJECT = """[build-system]
requires = ["{requires}"]
build-backend = "{backend}"

[project]
name = "{name}"
version = "0.1.0"
description = "A native sample."
readme = "README.md"
requires-python = ">=3.9"
"""


def _native(root: Path, name: str, requires: str, backend: str) -> Path:
    directory = root / name
    (directory / "src" / name.replace("-", "_")).mkdir(parents=True)
    (directory / "src" / name.replace("-", "_") / "__init__.py").write_text("")
    (directory / "README.md").write_text(f"# {name}\n")
    (directory / "pyproject.toml").write_text(
        NATIVE_PYPROJECT.format(requires=requires, backend=backend, name=name)
    )
    return directory


def test_a_missing_native_toolchain_is_named_before_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "root"\nversion = "0"\n[tool.uv]\npackage = false\n'
        '[tool.uv.workspace]\nmembers = ["*"]\n'
    )
    _native(tmp_path, "nat-rs", "maturin>=1", "maturin")
    _native(tmp_path, "nat-c", "scikit-build-core", "scikit_build_core.build")
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))  # no cargo, no cmake, no compiler, no git
    monkeypatch.delenv("CC", raising=False)
    with pytest.raises(BuildError) as info:
        plan_build(load_workspace(tmp_path), BuildOptions())
    message = str(info.value)
    assert message.startswith("native build toolchain missing: ")
    assert "nat-rs (backend maturin) needs Rust's cargo (rustup.rs) (cargo on PATH)" in message
    assert "nat-c (backend scikit_build_core.build) needs CMake (cmake on PATH)" in message
    assert "a C compiler (cc or gcc or clang on PATH, or $CC)" in message
    assert message.endswith("install it, or leave the package out with --package")


CMAKE = """cmake_minimum_required(VERSION 3.15)
project(${SKBUILD_PROJECT_NAME} LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
python_add_library(_core MODULE src/core.c WITH_SOABI)
install(TARGETS _core DESTINATION nat_ext)
"""
C_SOURCE = """#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods};
PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
"""


@pytest.mark.skipif(
    not (shutil.which("cmake") and (shutil.which("cc") or shutil.which("gcc"))),
    reason="needs cmake and a C compiler",
)
def test_a_scikit_build_core_extension_builds_for_this_platform(tmp_path: Path) -> None:
    root = _native(tmp_path, "nat-ext", "scikit-build-core>=0.8", "scikit_build_core.build")
    (root / "CMakeLists.txt").write_text(CMAKE)
    (root / "src" / "core.c").write_text(C_SOURCE)
    result = build_all(root)
    assert not result.not_built, result.not_built[0].error
    (wheel,) = [f for f in result.to_json()["files"] if f.endswith(".whl")]
    assert wheel.startswith("nat_ext-0.1.0-cp3") and "-none-any" not in wheel
    # what relnox cannot make reproducible, the report names with the backend and why
    (why,) = result.to_json()["not_reproducible"].values()
    assert why.startswith("scikit_build_core.build: its wheel holds C/C++") and "compiler" in why
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(root / "dist" / wheel),
        ],
        check=True,
        capture_output=True,
    )
    answer = subprocess.run(
        [sys.executable, "-c", "import nat_ext._core as c; print(c.answer())"],
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.strip() == "42"


# --- the adapters: the real relnox command, and nox


def test_relnox_build_all_command(lib: Path) -> None:
    proc = run_relnox("build-all", "--wheel-only", "--json", "-v", cwd=lib)
    assert proc.returncode == 0, proc.stderr
    assert "making a build environment (uv) for ('hatchling',)" in proc.stderr  # -v: details
    data = json.loads(proc.stdout)
    assert data["files"] == ["repro_lib-1.2.0-py3-none-any.whl"] and data["failed"] == []
    assert "[1/1] repro-lib 1.2.0: building (hatchling.build)" in proc.stderr
    assert "repro-lib 1.2.0: built in " in proc.stderr
    dry = run_relnox("build-all", "--dry-run", "--clean", cwd=lib)
    assert dry.returncode == 0 and "build repro-lib 1.2.0 (hatchling.build)" in dry.stdout
    assert "remove dist/repro_lib-1.2.0-py3-none-any.whl" in dry.stdout
    assert (lib / "dist/repro_lib-1.2.0-py3-none-any.whl").is_file()  # a dry run touches nothing


def test_dist_holds_only_distributions_and_the_state_is_ignored_by_git(lib: Path) -> None:
    (lib / ".gitignore").write_text("build/\n*.egg-info/\n")  # dist/ itself not ignored
    git_commit_all(lib, "ignore less")
    proc = run_relnox("build-all", cwd=lib)
    assert proc.returncode == 0, proc.stderr
    dist = sorted(str(p) for p in (lib / "dist").iterdir())
    assert [Path(p).name for p in dist] == [
        "repro_lib-1.2.0-py3-none-any.whl",
        "repro_lib-1.2.0.tar.gz",
    ]
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *dist],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    state = lib / ".relnox"
    assert (state / "dist" / "build-manifest.json").is_file()
    assert (state / ".gitignore").read_text().splitlines()[-1] == "*"
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=lib,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".relnox" not in status and "dist/repro_lib-1.2.0.tar.gz" in status
    assert read_manifest(lib / "dist").get("repro-lib").version == "1.2.0"


def test_a_manifest_an_older_relnox_left_in_dist_is_read_and_moved_out(lib: Path) -> None:
    build_all(lib, BuildOptions(wheel=False))
    state = lib / ".relnox" / "dist"
    for name in ("build-manifest.json", MANIFEST_TXT):
        (state / name).replace(lib / "dist" / name)
    assert read_manifest(lib / "dist").get("repro-lib").files[0].kind == "sdist"
    build_all(lib, BuildOptions(sdist=False))
    assert sorted(p.name for p in (lib / "dist").iterdir()) == [
        "repro_lib-1.2.0-py3-none-any.whl",
        "repro_lib-1.2.0.tar.gz",
    ]
    assert (state / "build-manifest.json").is_file()


def test_nox_build_all_session(lib: Path) -> None:
    (lib / "noxfile.py").write_text("import relnox.nox\nrelnox.nox.register()\n")
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "build_all", "--", "--sdist-only"],
        cwd=lib,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "repro_lib-1.2.0.tar.gz" in proc.stdout and "built" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "build_all", "--", "--sdist-only", "--wheel-only"],
        cwd=lib,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "Session build_all aborted: relnox: error: --wheel-only and --sdist-only" in bad.stderr


def test_a_setup_py_description_without_a_content_type_builds_with_a_warning(
    tmp_path: Path,
) -> None:
    """The shape: ``setup(long_description=open("README.rst").read())``
    with no content type. PyPI renders it as reStructuredText and takes the upload; only
    ``twine check --strict`` refuses it, so the build stands and says how to add one."""
    setup = (
        "from setuptools import setup\n\n"
        "setup(name='sixish', version='1.17.0', description='Two and three.',\n"
        "      long_description=open('README.rst').read(), py_modules=['sixish'])\n"
    )
    root = write_files(
        tmp_path / "sixish",
        {
            "setup.py": setup,
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
            'build-backend = "setuptools.build_meta"\n',
            "sixish.py": '__version__ = "1.17.0"\n',
            "README.rst": "sixish\n======\n\nTwo and three.\n",
        },
    )
    git_init(root)
    result = build_all(root, BuildOptions(out=tmp_path / "dist"))
    (outcome,) = result.outcomes
    assert outcome in result.built, outcome.error
    assert any("no Description-Content-Type" in w for w in outcome.warnings), outcome.warnings


# --- a metapackage: a project that declares it ships nothing but its dependencies


META_SETUPTOOLS = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "meta-st"
version = "1.0.0"
description = "Depends on the others."
dependencies = ["meta-lib==1.0.0"]
{extra}"""

META_HATCH = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "meta-hatch"
version = "1.0.0"
description = "Depends on the others."
dependencies = ["meta-lib==1.0.0"]

[tool.hatch.build.targets.wheel]
bypass-selection = true
"""


def test_a_metapackage_builds_a_metadata_only_wheel_and_an_undeclared_empty_one_fails(
    tmp_path: Path,
) -> None:
    """A wheel holding only its .dist-info is right for a project that declares no package
    and no module (setuptools' ``packages = []``, hatch's ``bypass-selection``): built,
    and installed and checked by verify-install; it is still an error for a project whose
    backend found nothing to ship."""
    root = tmp_path / "ws"
    write_project(root / "packages/meta-lib", ProjectSpec("meta-lib", "1.0.0", "hatchling"))
    write_files(
        root,
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            ".gitignore": "dist/\nbuild/\n*.egg-info/\n",
            "packages/meta-st/pyproject.toml": META_SETUPTOOLS.format(
                extra="\n[tool.setuptools]\npackages = []\n"
            ),
            "packages/meta-hatch/pyproject.toml": META_HATCH,
        },
    )
    git_init(root)
    proc = run_relnox("build-all", "--wheel-only", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    metas = ["meta_hatch-1.0.0-py2.py3-none-any.whl", "meta_st-1.0.0-py3-none-any.whl"]
    assert sorted(data["files"]) == sorted([*metas, "meta_lib-1.0.0-py3-none-any.whl"])
    for wheel in metas:
        with zipfile.ZipFile(root / "dist" / wheel) as archive:
            assert all(n.split("/")[0].endswith(".dist-info") for n in archive.namelist())
    verified = run_relnox("verify-install", "--offline", cwd=root)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    undeclared = root / "packages/meta-st/pyproject.toml"
    undeclared.write_text(META_SETUPTOOLS.format(extra=""), encoding="utf-8")
    git_commit_all(root, "no packages setting")
    failed = run_relnox("build-all", "--wheel-only", "--package", "meta-st", cwd=root)
    assert failed.returncode != 0
    assert "the wheel is empty" in failed.stderr + failed.stdout


#: an in-tree backend: hatchling's hooks, warning as they build (as setuptools warns of a
#: deprecated license table)
WARNING_BACKEND = """\
import warnings

from hatchling import build as _hatchling
from hatchling.build import *  # noqa: F403


def build_wheel(*args, **kwargs):
    warnings.warn("the license table is deprecated", UserWarning, stacklevel=1)
    return _hatchling.build_wheel(*args, **kwargs)
"""


def test_a_backends_warning_goes_to_its_packages_log_once(tmp_path: Path) -> None:
    root = write_project(tmp_path / "warner", ProjectSpec("warner", backend="hatchling"))
    edit(
        root / "pyproject.toml",
        'build-backend = "hatchling.build"',
        'build-backend = "inbackend"\nbackend-path = ["."]',
    )
    (root / "inbackend.py").write_text(WARNING_BACKEND, encoding="utf-8")
    git_init(root)
    proc = run_relnox("build-all", "--wheel-only", cwd=root)
    assert proc.returncode == 0, proc.stderr
    said = proc.stdout + proc.stderr
    assert said.count("the build backend warns: the license table is deprecated") == 1, said
    assert "UserWarning" not in said and "BuildBackendWarning" not in said


def test_a_tag_versioned_package_past_its_tag_builds_its_dev_version_said_once(
    tmp_path: Path,
) -> None:
    """hatch-vcs, one commit past v1.0.0: the backend builds 1.0.1.dev1. Before, each file
    warned twice that it was not 1.0.0, the fresh files were called 'an artifact of another
    version' in dist/, and verify-install took them for files relnox did not build."""
    from tests.shapes import commit, project, repo

    vcs = '\n[tool.hatch.version]\nsource = "vcs"\nraw-options = { local_scheme = "no-local-version" }\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="hatch-vcs", extra=vcs),
        "acme/__init__.py": "",
    }
    root = repo(tmp_path / "acme", files, tags=["v1.0.0"])
    commit(root, {"acme/more.py": ""})
    proc = run_relnox("build-all", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    said = proc.stdout + proc.stderr
    assert "another version" not in said and "the version in the file name" not in said
    [line] = [x for x in said.splitlines() if "not a release" in x]
    assert "built 1.0.1.dev1, not a release: HEAD is past its tag v1.0.0" in line
    [record] = read_manifest(root / "dist").packages
    assert record.version == "1.0.1.dev1"
    verified = run_relnox("verify-install", "--offline", cwd=root)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "did not build" not in verified.stdout + verified.stderr
