"""Which projects of a repository are packages to release, read as ``relnox`` reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo


def test_a_member_marked_private_do_not_upload_is_not_released(tmp_path: Path) -> None:
    """A uv workspace member classified ``Private :: Do Not Upload`` (its internal tools),
    named in no release setting: shown as not released, with why, and never planned; the
    setting that makes it a package is said."""
    hatch = '\n[tool.hatch.build.targets.wheel]\npackages = ["src/{0}"]\n'
    private = '"Programming Language :: Python :: 3", "Private :: Do Not Upload"'
    tools = project("acme-tools", "0.1.0", extra=hatch.format("tools"), requires=["acme-core"])
    files = {
        "pyproject.toml": '[project]\nname = "ws"\nversion = "0.0.0"\n\n[tool.uv]\n'
        'package = false\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/core/pyproject.toml": project("acme-core", "1.0.0", extra=hatch.format("core")),
        "packages/core/src/core/__init__.py": "",
        "packages/tools/pyproject.toml": tools.replace(
            'version = "0.1.0"\n', f'version = "0.1.0"\nclassifiers = [{private}]\n'
        ),
        "packages/tools/src/tools/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert [row["name"] for row in listed["packages"]] == ["acme-core"]
    (entry,) = listed["not_released"]
    assert entry["name"] == "acme-tools" and "Private :: Do Not Upload" in entry["why"]
    assert '"packages/tools" to [tool.relnox] packages' in entry["setting"]
    planned = json.loads(run_relnox("plan", "--json", cwd=root, check=True).stdout)
    assert [row["name"] for row in planned["packages"]] == ["acme-core"]


def test_projects_in_folders_named_for_tests_are_said_once_not_dropped(tmp_path: Path) -> None:
    """A compatibility suite's own project (``acme-compat-test/``, which the release workflow
    runs) and a project under ``tests/``: the scan leaves both out, as it does a suite's
    fixtures, and says so in one note naming each and the setting that releases them; without
    a root pyproject too."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/core/pyproject.toml": project("acme-core", "1.0.0"),
        "acme-compat-test/pyproject.toml": project("acme-compat", "2.0.0"),
        "tests/inner/pyproject.toml": project("acme-inner", "3.0.0"),
        # a release workflow that runs the compatibility suite before it publishes
        ".github/workflows/release.yml": "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n"
        "    steps:\n      - run: pytest\n        working-directory: acme-compat-test\n"
        "      - run: uv build && uv publish\n",
    }
    root = repo(tmp_path / "r", files)
    note = (
        "  note: projects in directories named for tests are left out as test fixtures "
        "(acme-compat-test (acme-compat), tests/inner (acme-inner)); add their directories "
        "to [tool.relnox] packages to release them with relnox"
    )
    for scanned in (False, True):
        if scanned:  # no root pyproject: every project below the root is scanned
            (root / "pyproject.toml").unlink()
        shown = run_relnox("packages", cwd=root, check=True).stdout.splitlines()
        assert [line for line in shown if "tests" in line] == [note]


def test_many_members_left_out_for_one_reason_are_one_line_their_names_with_v(
    tmp_path: Path,
) -> None:
    """Four uv workspace members with ``[tool.uv] package = false`` (examples its tool
    installs): packages and doctor say them in one line with their count, each with -v;
    -q keeps that warning and --json still lists each."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*", "examples/*"]\n',
        "packages/core/pyproject.toml": project("acme-core", "1.0.0"),
        "packages/core/acme_core/__init__.py": "",
    }
    for n in range(4):
        example = project(f"acme-example-{n}", "0.1.0", requires=["acme-core"])
        files[f"examples/ex{n}/pyproject.toml"] = example + "\n[tool.uv]\npackage = false\n"
    root = repo(tmp_path / "r", files)
    said = "<project>: its [tool.uv] package = false says its tool installs it and never builds"
    setting = "so not released; add its directory to [tool.relnox] packages if it is released"
    setting += " (4 projects; -v names them)"
    notes = run_relnox("packages", cwd=root, check=True).stdout.splitlines()
    notes = [line for line in notes if "not released" in line]
    assert notes == [f"  note: {said} it, {setting}"], notes
    each = run_relnox("-v", "packages", cwd=root, check=True).stdout
    assert each.count("so not released") == 4 and '"examples/ex3" to [tool.relnox]' in each
    quiet = run_relnox("-q", "doctor", cwd=root, check=True).stdout
    assert [line for line in quiet.splitlines() if "not released" in line] == [
        f"warning: workspace: {said} it, {setting}"
    ], quiet
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert len(listed["not_released"]) == 4 and len(listed["notes"]) == 4


def _python_folder(settings: str) -> dict[str, str]:
    """A repository of two projects at the top and fifteen packages in ``python/packages``,
    ``python/pyproject.toml`` holding ``settings``."""
    files = {"python/pyproject.toml": settings}
    for name, where in [("acme-cli", "cli"), ("acme-js", "js/bindings")] + [
        (f"acme-p{n}", f"python/packages/p{n}") for n in range(15)
    ]:
        files[f"{where}/pyproject.toml"] = project(name, "1.2.0")
        files[f"{where}/src/{name.replace('-', '_')}/__init__.py"] = ""
    return files


def test_packages_in_a_folder_whose_pyproject_holds_only_settings_are_found(
    tmp_path: Path,
) -> None:
    """No pyproject.toml at the root; ``python/pyproject.toml`` holds a linter's settings for
    the fifteen packages below it. The scan stopped at that file, taking ``python`` for a
    project, and ``packages`` listed the two projects at the top and nothing of ``python/``;
    a file of settings makes no project, so the scan looks below it, as below a root of
    settings."""
    root = repo(tmp_path / "r", _python_folder("[tool.ruff]\nline-length = 100\n"))
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    names = sorted(row["name"] for row in listed["packages"])
    assert names == sorted(["acme-cli", "acme-js", *(f"acme-p{n}" for n in range(15))])
    planned = json.loads(run_relnox("plan", "--json", cwd=root, check=True).stdout)
    assert len(planned["packages"]) == 17


def test_a_workspace_below_the_root_whose_members_are_not_released_from_it_is_named(
    tmp_path: Path,
) -> None:
    """The same repository with ``python/pyproject.toml`` a uv workspace of ``packages/*``
    and no tag: relnox run at the root releases the two projects at the top and takes the
    workspace's members for no release of its own (nothing shows them released from here),
    and now says so, naming the workspace and how to release them, where it said nothing."""
    workspace = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    root = repo(tmp_path / "r", _python_folder(workspace))
    shown = run_relnox("packages", cwd=root, check=True).stdout
    (note,) = [line for line in shown.splitlines() if "python/" in line]
    assert note == (
        "  note: python/pyproject.toml is a workspace ([tool.uv.workspace] members) of "
        "projects relnox does not release from here (acme-p0, acme-p1, acme-p10 and 12 more): "
        "no tag, release workflow or released package shows them released; run relnox in "
        "python (or pass --root python) to release them"
    )
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert sorted(row["name"] for row in listed["packages"]) == ["acme-cli", "acme-js"]
    inside = json.loads(run_relnox("packages", "--json", cwd=root / "python", check=True).stdout)
    assert len(inside["packages"]) == 15  # the way the note names
    # a root that is a package itself: the workspace beside it is named the same way
    commit(root, {"pyproject.toml": project("acme", "1.2.0"), "src/acme/__init__.py": ""})
    shown = run_relnox("packages", cwd=root, check=True).stdout
    assert "python/pyproject.toml is a workspace ([tool.uv.workspace] members) of" in shown


def test_a_project_a_workspace_below_the_root_lists_is_noted_as_listed_there(
    tmp_path: Path,
) -> None:
    """No pyproject.toml at the root; ``python/pyproject.toml`` is a uv workspace whose
    members ``packages/*`` hold a package released by its tags. Read from the root, the
    note said "no workspace file lists it"; it names the workspace that does, and, as relnox
    read the package from the root, not "run relnox in python to read it"."""
    files = {
        "python/pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "python/packages/core/pyproject.toml": project("acme-core", "1.0.0"),
        "python/packages/core/src/acme_core/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    for version in ("1.1.0", "1.2.0"):
        commit(
            root,
            {"python/packages/core/pyproject.toml": project("acme-core", version)},
            f"v{version}",
        )
    (note,) = load_workspace(root).notes
    assert note.startswith("python/packages/core is released (")
    assert "no workspace file lists it" not in note
    assert "though only python/pyproject.toml, a workspace below the root, lists it" in note
    assert "to read it" not in note  # relnox read it: the note says what is true
    assert "lists it (relnox run in python reads that workspace alone)" in note
    # nine packages its workspace project requires: one note, saying the same of them all
    names = [f"acme-p{n}" for n in range(9)]
    deps = ", ".join(f'"{name}"' for name in names)
    files = {
        "python/pyproject.toml": f'[project]\nname = "ws"\nversion = "0.1.0"\n'
        f'dependencies = [{deps}]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        **{f"python/packages/{name}/pyproject.toml": project(name) for name in names},
    }
    (note,) = load_workspace(repo(tmp_path / "many", files)).notes
    assert note.startswith("9 projects below are released, though only python/pyproject.toml")


def test_a_root_project_no_backend_builds_is_said_left_out(tmp_path: Path) -> None:
    """The root's ``[project]`` has a dynamic version and no ``[build-system]`` (its wheels
    are made by a tool of the repository's own) beside a released project below: the
    projects below are listed, and the root is said left out, with the setting that makes
    it a package."""
    files = {
        "pyproject.toml": '[project]\nname = "acme"\ndynamic = ["version"]\n',
        "Cargo.toml": '[workspace.package]\nversion = "2.0.0"\n',
        "py/pyproject.toml": project("acme-binding", "0.1.0"),
        "py/acme_binding/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert [row["name"] for row in listed["packages"]] == ["acme-binding"]
    (entry,) = listed["not_released"]
    assert entry["name"] == "acme" and "no [build-system]" in entry["why"]
    assert "[tool.relnox] version-files" in entry["setting"]
    # the binding below takes the root's name (the root holds its metadata): nothing is said
    commit(root, {"py/pyproject.toml": project("acme", "0.1.0")})
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert [row["name"] for row in listed["packages"]] == ["acme"]
    assert listed["not_released"] == []


def test_a_copy_of_another_repositorys_project_is_not_released(tmp_path: Path) -> None:
    """Projects found below a root that builds nothing; one's ``[project.urls]`` name
    another repository than the root's (a copy of a dependency kept in the tree), named by
    no tag and required by no package: said not released, with the setting that releases
    it; a project naming the root's repository (a folder of it) is released."""
    urls = '\n[project.urls]\nRepository = "https://github.com/{0}"\n'
    files = {
        "pyproject.toml": '[project]\nname = "acme"\ndynamic = ["version"]\n'
        + urls.format("acme/acme"),
        "py/pyproject.toml": project("acme-py", "2.0.0"),
        "py/acme_py/__init__.py": "",
        "third/widget-py/pyproject.toml": project(
            "widget", "2.5.0", extra=urls.format("someone/widget.git")
        ),
        "third/widget-py/widget/__init__.py": "",
        "plugins/one/pyproject.toml": project(
            "acme-one", "0.1.0", extra=urls.format("acme/acme/tree/main/plugins/one")
        ),
        "plugins/one/acme_one/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v2.0.0"])
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert sorted(row["name"] for row in listed["packages"]) == ["acme-one", "acme-py"]
    (entry,) = [row for row in listed["not_released"] if row["name"] == "widget"]
    assert "github.com/someone/widget" in entry["why"]
    assert "[tool.relnox] packages" in entry["setting"]


def test_a_project_in_a_test_folder_its_releases_version_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scanned repository whose test-suite helper (``tests/adapter/``) has had the version of
    each of the last tags HEAD's history holds (a newer one released another branch), with the
    packages beside it: released with them, while a fixture under ``tests/`` whose version no
    tag gave stays left out."""

    def tree(version: str) -> dict[str, str]:
        return {
            f"{where}/pyproject.toml": project(name, version)
            for where, name in (
                ("core", "acme-core"),
                ("plugins/pg", "acme-pg"),
                ("tests/adapter", "acme-tests-adapter"),
            )
        }

    settings = {"pyproject.toml": "[tool.ruff]\nline-length = 99\n"}
    fixture = {"tests/inner/pyproject.toml": project("acme-inner", "0.1.0")}
    root = repo(tmp_path / "r", {**settings, **fixture, **tree("1.0.0")}, tags=["v1.0.0"])
    commit(root, tree("1.1.0"), "v1.1.0")
    commit(root, tree("1.2.0"), "v1.2.0")
    git(root, "checkout", "-q", "-b", "next")  # a newer release on a branch HEAD does not hold
    (root / "tests/adapter/pyproject.toml").unlink()
    with monkeypatch.context() as later:  # the newest tag, whatever the clock says
        later.setenv("GIT_COMMITTER_DATE", "2090-01-01T00:00:00")
        commit(root, {"core/pyproject.toml": project("acme-core", "2.0.0")}, "v2.0.0")
    git(root, "checkout", "-q", "main")
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert sorted(row["name"] for row in listed["packages"]) == [
        "acme-core",
        "acme-pg",
        "acme-tests-adapter",
    ]
    shown = run_relnox("packages", cwd=root, check=True).stdout
    assert "left out as test fixtures (tests/inner (acme-inner))" in shown


def test_a_tag_made_on_the_development_commit_before_a_release_leaves_a_project_released(
    tmp_path: Path,
) -> None:
    """A project below the root package, no workspace file listing it, at the root's version at
    v1.0.0 and v1.1.0; v1.2.0 tagged on the commit before the release, where every version said
    1.2.0.dev: that tag said it was not released with the root before, so it was left out; a
    project's development version of a tag's release says neither way, and it is released."""

    def tree(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "acme/__init__.py": "",
            "plugins/pg/pyproject.toml": project("acme-pg", version),
        }

    root = repo(tmp_path / "r", tree("1.0.0"), tags=["v1.0.0"])
    commit(root, tree("1.1.0"), "v1.1.0")
    commit(root, tree("1.2.0.dev0"), "v1.2.0")
    commit(root, tree("1.3.0.dev0"))
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert sorted(row["name"] for row in listed["packages"]) == ["acme", "acme-pg"]


def test_a_project_below_released_with_the_root_before_its_layout_changed(tmp_path: Path) -> None:
    """A project below the root package that moved from a setup.py to a poetry pyproject since
    its last releases: at those tags its version module said each tag's version, so it is
    released with the root, though its pyproject is newer than every tag."""
    module = '__version__ = "{0}"\n'
    setup = 'from setuptools import setup\n\nsetup(name="acme-sk", version="{0}")\n'

    def tree(version: str, *, poetry: bool = False) -> dict[str, str]:
        files = {
            "pyproject.toml": project("acme", version),
            "acme/__init__.py": "",
            "runtimes/sk/acme_sk/__init__.py": "from .version import __version__\n",
            "runtimes/sk/acme_sk/version.py": module.format(version),
        }
        if poetry:
            files["runtimes/sk/pyproject.toml"] = (
                f'[tool.poetry]\nname = "acme-sk"\nversion = "{version}"\n\n[build-system]\n'
                'requires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
            )
        else:
            files["runtimes/sk/setup.py"] = setup.format(version)
        return files

    root = repo(tmp_path / "r", tree("1.0.0"), tags=["1.0.0"])
    commit(root, tree("1.1.0"), "1.1.0")
    (root / "runtimes/sk/setup.py").unlink()
    commit(root, tree("1.2.0.dev0", poetry=True))
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert sorted(row["name"] for row in listed["packages"]) == ["acme", "acme-sk"]


def test_a_workspace_root_at_a_local_version_is_not_released(tmp_path: Path) -> None:
    """A uv workspace root at ``1.2.0+private`` (it installs its members for development): a
    public index refuses a local version, so packages says in one line it is not released,
    plan and bump --part patch move only the member, and a bump naming it is refused in one
    line naming the setting that releases it. A ``+dev`` label marks work towards a
    release: that root is released."""
    extra = '\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project(
                "acme-root", "1.2.0+private", extra=extra, requires=["acme-core"]
            ),
            "acme_root/__init__.py": "",
            "packages/core/pyproject.toml": project("acme-core", "0.3.0"),
            "packages/core/acme_core/__init__.py": "",
        },
    )
    shown = run_relnox("packages", cwd=root, check=True).stdout
    assert (
        "pyproject.toml (acme-root) is at 1.2.0+private, a local version, which a public index "
        'refuses, so it is not released; add "." to [tool.relnox] packages'
    ) in shown
    plan = json.loads(run_relnox("plan", "--json", cwd=root, check=True).stdout)
    assert [row["name"] for row in plan["packages"]] == ["acme-core"]
    bump = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(bump.stdout)["versions"] == {"acme-core": "0.3.1"}
    named = run_relnox("bump", "-p", "acme-root", "--part", "patch", "--dry-run", cwd=root)
    assert named.returncode != 0 and "Traceback" not in named.stderr
    assert named.stderr.strip().endswith(
        'a local version, which a public index refuses; add "." to '
        "[tool.relnox] packages (with the others) to release it"
    )
    commit(root, {"pyproject.toml": project("acme-root", "1.2.0+dev", extra=extra)})
    dev = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(dev.stdout)["versions"] == {"acme-core": "0.3.1", "acme-root": "1.2.0"}
