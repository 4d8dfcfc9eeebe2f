"""Discovery, version sources, release order and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from relnox.ci.init import default_pythons
from relnox.errors import ConfigError, VersionError
from relnox.project.discovery import discover, load_workspace
from relnox.sample import ProjectSpec, demo_specs, write_project, write_workspace
from tests.conftest import run_relnox
from tests.shapes import project, repo


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_workspace_release_order_and_dependencies(tmp_path: Path) -> None:
    specs = list(reversed(demo_specs()))  # runtime first on disk order: order must still be right
    write_workspace(tmp_path, specs)
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["demo-core", "demo-agents", "demo-runtime"]
    assert ws.get("demo-runtime").internal_deps == ("demo-core", "demo-agents")
    assert ws.is_workspace and ws.tag_format == "{name}-v{version}"
    assert [p.name for p in ws.dependents("demo-core")] == ["demo-agents", "demo-runtime"]
    assert ws.get("demo_core").name == "demo-core"  # any spelling of the name
    assert ws.get("demo-agents").backend == "setuptools.build_meta"


def test_single_package_root(tmp_path: Path) -> None:
    write_project(tmp_path, ProjectSpec("solo", "1.2.3", "hatchling"))
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert (pkg.name, pkg.version, pkg.version_source) == ("solo", "1.2.3", "project.version")
    assert [loc.kind for loc in pkg.locations] == ["toml", "python"]  # __version__ kept in step
    assert not ws.is_workspace and ws.tag_format == "v{version}"


def test_uv_members_exclude_and_virtual_root(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["libs/skip"]\n',
    )
    for name in ("a", "b", "skip"):
        write_project(tmp_path / "libs" / name, ProjectSpec(f"pkg-{name}"))
    _write(tmp_path / "libs" / "notes" / "README.md", "not a package")
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["pkg-a", "pkg-b"]


def test_root_with_package_false_is_not_released(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    assert "workspace-root" not in [p.name for p in load_workspace(tmp_path).packages]


def test_tool_relnox_packages_overrides_uv_members(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs(), relnox='packages = ["packages/demo-core"]')
    assert [p.name for p in load_workspace(tmp_path).packages] == ["demo-core"]


@pytest.mark.parametrize(
    ("pyproject", "files", "source", "kinds"),
    [
        (
            '[tool.poetry]\nname = "p"\nversion = "1.0.0"\n',
            {},
            "tool.poetry.version",
            ["toml"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "p/__about__.py"\n'
            '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            {"p/__about__.py": '__version__ = "1.0.0"\n', "p/__init__.py": ""},
            "hatch",
            ["python"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n'
            '[tool.setuptools.dynamic]\nversion = {attr = "p.__version__"}\n',
            {"src/p/__init__.py": "__version__ = '1.0.0'\n"},
            "setuptools-attr",
            ["python"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n'
            '[tool.setuptools.dynamic]\nversion = {file = "VERSION"}\n',
            {"VERSION": "1.0.0\n"},
            "setuptools-file",
            ["text"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n'
            '[tool.pdm.version]\nsource = "file"\npath = "p/_version.py"\n',
            {"p/_version.py": '__version__ = "1.0.0"\n', "p/__init__.py": ""},
            "pdm",
            ["python"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version", "description"]\n'
            '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n',
            {"p/__init__.py": '"""Doc."""\n__version__ = "1.0.0"\n'},
            "flit",
            ["python"],
        ),
        (
            '[project]\nname = "p"\nversion = "1.0.0"\n[tool.relnox]\n'
            'version-files = ["docs/conf.py", {path = "README.md", search = "p=={version}"}]\n',
            {
                "docs/conf.py": 'release = "x"\nversion = "1.0.0"\n',
                "README.md": "pip install p==1.0.0\n",
            },
            "project.version",
            ["toml", "python", "pattern"],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n',
            {},
            "vcs",
            [],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n[tool.setuptools_scm]\n',
            {},
            "vcs",
            [],
        ),
        (
            '[project]\nname = "p"\ndynamic = ["version"]\n[tool.pdm.version]\nsource = "scm"\n',
            {},
            "vcs",
            [],
        ),
    ],
    ids=[
        "poetry",
        "hatch-path",
        "setuptools-attr",
        "setuptools-file",
        "pdm-file",
        "flit",
        "version-files",
        "hatch-vcs",
        "setuptools-scm",
        "pdm-scm",
    ],
)
def test_version_sources(
    tmp_path: Path, pyproject: str, files: dict[str, str], source: str, kinds: list[str]
) -> None:
    _write(tmp_path / "pyproject.toml", pyproject)
    for rel, text in files.items():
        _write(tmp_path / rel, text)
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.version_source == source
    assert [loc.kind for loc in pkg.locations] == kinds
    assert pkg.version == ("0.0.0" if source == "vcs" else "1.0.0")


def test_vcs_version_comes_from_the_last_tag(make_project: object, tmp_path: Path) -> None:
    import subprocess

    root = tmp_path / "scm"
    _write(
        root / "pyproject.toml",
        '[project]\nname = "p"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n',
    )
    from relnox.sample import git_init

    git_init(root)
    for tag in ("v1.0.0", "v1.2.0", "v1.10.0rc1", "unrelated"):
        subprocess.run(["git", "tag", tag], cwd=root, check=True)
    assert load_workspace(root).packages[0].version == "1.10.0rc1"


def test_disagreeing_sources_are_drift_naming_each_file_and_value(tmp_path: Path) -> None:
    write_project(tmp_path, ProjectSpec("p", "1.0.0"))
    init = tmp_path / "p" / "__init__.py"
    init.write_text(init.read_text().replace('"1.0.0"', '"1.0.1"'))
    ws = load_workspace(tmp_path)  # a finding, not a wall
    (message,) = ws.warnings
    assert "'1.0.0'" in message and "'1.0.1'" in message
    assert "pyproject.toml" in message and "__init__.py" in message
    checked = run_relnox("check-versions", cwd=tmp_path)
    assert checked.returncode == 1 and "'1.0.1'" in checked.stdout


def test_cycle_names_the_cycle(tmp_path: Path) -> None:
    write_workspace(
        tmp_path,
        [
            ProjectSpec("a", requires=["b"]),
            ProjectSpec("b", requires=["c"]),
            ProjectSpec("c", requires=["a"]),
        ],
    )
    with pytest.raises(ConfigError, match=r"dependency cycle .*a -> b -> c -> a"):
        load_workspace(tmp_path)


def test_a_capitalised_name_finds_its_lowercase_flat_module(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "Flask-Login"\nversion = "0.6.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    )
    _write(tmp_path / "flask_login" / "__init__.py", '__version__ = "0.6.0"\n')
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.import_packages == ("flask_login",)
    assert [loc.path.name for loc in pkg.locations] == ["pyproject.toml", "__init__.py"]


def test_poetry_python_constraint_is_the_requires_python(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[tool.poetry]\nname = "ai-ops"\nversion = "1.0.0"\n'
        '[tool.poetry.dependencies]\npython = "^3.9,<3.12"\n',
    )
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.requires_python is not None
    assert SpecifierSet(pkg.requires_python) == SpecifierSet(">=3.9,<3.12,<4")
    assert default_pythons(load_workspace(tmp_path)) == ("3.10", "3.11")  # ci-init's matrix


def test_a_dotted_name_keeps_its_nested_version_module_in_step(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "Foo.Bar_baz"\nversion = "1.2.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["src/foo"]\n',
    )
    _write(tmp_path / "src" / "foo" / "bar_baz" / "__init__.py", '__version__ = "1.2.1"\n')
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.version == "1.2.0"  # the primary, [project] version
    assert [loc.path.parent.name for loc in pkg.drift] == ["bar_baz"]


def test_an_extra_on_a_package_that_needs_this_one_is_no_cycle(tmp_path: Path) -> None:
    # dask[distributed] -> distributed -> dask: dask is released first
    write_workspace(tmp_path, [ProjectSpec("dask"), ProjectSpec("distributed", requires=["dask"])])
    pyproject = tmp_path / "packages" / "dask" / "pyproject.toml"
    with pyproject.open("a", encoding="utf-8") as fh:
        fh.write('\n[project.optional-dependencies]\ndistributed = ["distributed>=0.1"]\n')
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["dask", "distributed"]
    assert ws.get("dask").internal_deps == ()
    assert [r.target for r in ws.get("dask").requirements] == ["distributed"]  # pins still follow
    assert [p.name for p in ws.dependents("dask")] == ["distributed"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[project\nname = "x"', "invalid TOML"),
        ('[project]\nname = "x"\n', "no version"),
        ('[project]\nname = "x"\nversion = "one"\n', "not a valid PEP 440 version"),
        ('[project]\nversion = "1.0"\n', "has no name"),
        ('[project]\ndependencies = ["x"]\n', "has no name"),  # and nothing below builds
        (
            '[project]\nname = "x"\nversion = "1.0"\n[tool.relnox]\nversion-scheme = "calver"\n',
            "version-scheme",
        ),
        (
            '[project]\nname = "x"\nversion = "1.0"\ndependencies = ["a b ((("]\n',
            "invalid requirement 'a b (((' in project.dependencies (Expected",
        ),
        (
            '[project]\nname = "x"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling", "a b((("]\n'
            'build-backend = "hatchling.build"\n',
            "invalid requirement 'a b(((' in [build-system] requires (Expected",
        ),
        (
            '[project]\nname = "x"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling"]\n'
            'build-backend = "hatchling build"\n',
            "[build-system] build-backend 'hatchling build' is no Python object path",
        ),
    ],
)
def test_bad_pyproject_raises_one_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    _write(tmp_path / "pyproject.toml", text)
    with pytest.raises((ConfigError, VersionError)) as info:
        load_workspace(tmp_path)
    message = str(info.value)
    assert expected in message and str(tmp_path / "pyproject.toml") in message
    assert "\n" not in message


def test_missing_root_pyproject(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject\.toml"):
        load_workspace(tmp_path)


def test_unknown_package_lists_known_ones(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    with pytest.raises(ConfigError, match=r"unknown package 'nope'.*demo-core"):
        load_workspace(tmp_path).select(["nope"])


def test_discover_collects_every_problem(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    _write(tmp_path / "packages" / "demo-core" / "pyproject.toml", "[project\n")
    agents = tmp_path / "packages" / "demo-agents" / "pyproject.toml"
    agents.write_text(agents.read_text().replace('version = "0.1.0"', 'version = "zero"'))
    ws = discover(tmp_path)
    assert len(ws.problems) == 2
    # discover (doctor, check-versions) keeps the healthy package and names the broken ones
    assert [p.name for p in ws.packages] == ["demo-runtime"]
    with pytest.raises(VersionError, match="zero"):
        ws.select(["demo-agents"])
    # a command never works on a silently smaller set: every problem at once, each its file
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("2 problems in the packages of ")
    assert "demo-core/pyproject.toml: invalid TOML" in lines[1]
    assert "demo-agents/pyproject.toml [project].version: 'zero'" in lines[2]


def test_packages_command_text_and_json(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    text = run_relnox("packages", cwd=tmp_path, check=True).stdout
    assert text.index("demo-core") < text.index("demo-agents") < text.index("demo-runtime")
    data = json.loads(run_relnox("packages", "--json", cwd=tmp_path, check=True).stdout)
    assert data["schema"] == 1 and data["notes"] == []
    data = data["packages"]
    assert data[2]["name"] == "demo-runtime" and data[2]["depends_on"] == [
        "demo-core",
        "demo-agents",
    ]
    assert data[2]["source"] == "flit"


def test_check_versions_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    ok = run_relnox("check-versions", cwd=tmp_path)
    assert ok.returncode == 0 and "3 package(s) checked" in ok.stdout
    _write(tmp_path / "packages" / "demo-core" / "pyproject.toml", "[project\n")
    agents = tmp_path / "packages" / "demo-agents" / "pyproject.toml"
    agents.write_text(agents.read_text().replace('version = "0.1.0"', 'version = "zero"'))
    bad = run_relnox("check-versions", cwd=tmp_path)
    assert bad.returncode == 1
    assert "invalid TOML" in bad.stdout and "'zero'" in bad.stdout
    assert "Traceback" not in bad.stderr and bad.stderr.strip().count("\n") == 0


def test_maturin_module_name_gives_the_import_package(tmp_path: Path) -> None:
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "fastcore"\nversion = "1.0.0"\n'
        '[tool.maturin]\npython-source = "."\nmodule-name = "fastcore._native"\n'
        '[build-system]\nrequires = ["maturin>=1,<2"]\nbuild-backend = "maturin"\n',
    )
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.import_packages == ("fastcore",) and pkg.backend == "maturin"


def test_the_lockstep_groups_are_worked_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """group_of is asked for every package (selection, bump, changes): the groups are
    worked out once per workspace, not once per question (500 packages sharing one tag
    took 500,500 tag format lookups that way), and the answers are the same."""
    from relnox.project.workspace import Workspace
    from relnox.sample import generated_specs

    root = write_workspace(tmp_path / "ws", generated_specs(30))
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox]\ntag-format = "v{version}"\n')
    workspace = load_workspace(root)
    expected = {p.name: tuple(q.name for q in group) for group in workspace.groups() for p in group}
    assert expected and len(next(iter(expected.values()))) == 30  # one tag: one group
    fresh = load_workspace(root)
    calls: list[str] = []
    original = Workspace.tag_format_of

    def counted(self: Workspace, pkg: object) -> str:
        calls.append(getattr(pkg, "name", ""))
        return original(self, pkg)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "tag_format_of", counted)
    found = {p.name: tuple(q.name for q in fresh.group_of(p)) for p in fresh.packages}
    assert found == expected
    assert len(calls) <= len(fresh.packages)


def test_projects_outside_the_members_are_named_once_and_links_to_members_are_not(
    tmp_path: Path,
) -> None:
    """One walk of the tree serves both readings of what lies outside the members: a
    project no member list names gets a note; a link to a member is that member."""
    _write(tmp_path / "pyproject.toml", '[tool.uv.workspace]\nmembers = ["libs/*"]\n')
    write_project(tmp_path / "libs" / "a", ProjectSpec("pkg-a"))
    write_project(tmp_path / "backend", ProjectSpec("backend"))
    (tmp_path / "alias").mkdir()
    (tmp_path / "alias" / "a").symlink_to(tmp_path / "libs" / "a")
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["pkg-a"]
    assert [n for n in ws.notes if "not a member" in n] == [
        "backend/pyproject.toml (backend) is not a member of this workspace; "
        'add "backend" to [tool.relnox] packages to release it with relnox'
    ]


@pytest.mark.parametrize("name", ["HISTORY.rst", "CHANGELOG.md", None])
def test_a_members_changelog_is_found_by_any_of_its_names(tmp_path: Path, name: str | None) -> None:
    write_project(tmp_path, ProjectSpec("solo", "1.2.3"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    if name is not None:
        _write(tmp_path / name, "# Changelog\n")
    (pkg,) = load_workspace(tmp_path).packages
    expected = tmp_path / name if name is not None else None
    assert pkg.changelog(load_workspace(tmp_path).config) == expected


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('[tool.uv.workspace]\nmembers = ["pkgs/*"]\n', "[tool.uv.workspace] members = ['pkgs/*']"),
        ('[tool.relnox]\npackages = ["pkgs/x"]\n', "[tool.relnox] packages = ['pkgs/x']"),
    ],
)
def test_members_that_name_no_package_directory_say_which_setting(
    tmp_path: Path, setting: str, said: str
) -> None:
    (tmp_path / "pkgs").mkdir()
    (tmp_path / "pkgs" / "x").write_text("a file, not a package directory\n")
    (tmp_path / "pkgs" / "loop").symlink_to(tmp_path / "pkgs")
    _write(tmp_path / "pyproject.toml", setting)
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: {said} names no directory")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('[tool.uv.workspace]\nmembers = ["pkgs/*", "/etc"]\n', "[tool.uv.workspace] members"),
        (
            '[tool.uv.workspace]\nmembers = ["pkgs/*"]\nexclude = ["/etc"]\n',
            "[tool.uv.workspace] exclude",
        ),
        ('[tool.relnox]\npackages = ["/etc"]\n', "[tool.relnox] packages"),
    ],
)
def test_an_absolute_member_path_is_a_one_line_error(
    tmp_path: Path, setting: str, said: str
) -> None:
    """pathlib cannot glob an absolute pattern (it raised NotImplementedError, a traceback)."""
    _write(tmp_path / "pyproject.toml", setting)
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'pyproject.toml'}: {said} has the absolute path '/etc'; write it "
        'relative to the workspace\'s root (a glob like "packages/*")'
    )


def test_a_pyproject_linked_to_the_roots_is_no_project_of_its_own(tmp_path: Path) -> None:
    """``requirements/pyproject.toml -> ../pyproject.toml`` (kept for a dependency bot):
    the root's project seen a second time, not a package or a project left out."""
    write_project(tmp_path, ProjectSpec("solo", "1.2.3", "hatchling"))
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "pyproject.toml").symlink_to("../pyproject.toml")
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["solo"]
    assert not ws.notes, ws.notes
    (tmp_path / "pkgs" / "b").mkdir(parents=True)  # a link to a project that is no member
    write_project(tmp_path / "pkgs" / "b", ProjectSpec("bee", "0.1.0", "hatchling"))
    (tmp_path / "requirements" / "pyproject.toml").unlink()
    (tmp_path / "requirements" / "pyproject.toml").symlink_to("../pkgs/b/pyproject.toml")
    notes = load_workspace(tmp_path).notes
    assert [n.split(" (")[0] for n in notes] == ["pkgs/b/pyproject.toml"], notes


def test_a_workspace_one_directory_down_is_named_with_the_way_to_use_it(tmp_path: Path) -> None:
    """No pyproject.toml at the root, ``python/pyproject.toml`` a uv workspace of
    ``packages/*``: the error names that workspace and ``--root python``, not a root
    pyproject.toml that does not exist."""
    (tmp_path / "python" / "packages" / "core").mkdir(parents=True)
    (tmp_path / "python" / "pyproject.toml").write_text(
        '[dependency-groups]\ndev = ["pytest"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    write_project(
        tmp_path / "python" / "packages" / "core", ProjectSpec("core", "0.7.5", "hatchling")
    )
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path)
    message = str(info.value)
    assert "python/pyproject.toml is a workspace ([tool.uv.workspace] members)" in message
    assert "pass --root python" in message and "no pyproject.toml here" in message
    assert [p.name for p in load_workspace(tmp_path / "python").packages] == ["core"]


def test_projects_a_package_requires_inside_it_are_packages_too(tmp_path: Path) -> None:
    """No root pyproject.toml, ``py-main/`` the project found below, and inside it the runtime
    wheels it pins (polars' ``py-polars/runtime/polars-runtime-32``): they are released with
    it, in order; a nested project it does not require, and a template, stay out."""
    main = project("main", "1.2.0", requires=["main-rt == 1.2.0"])
    main += '\n[project.optional-dependencies]\nrt64 = ["main-rt64 == 1.2.0"]\n'
    root = repo(
        tmp_path / "r",
        {
            "py-main/pyproject.toml": main,
            "py-main/runtime/main-rt/pyproject.toml": project(
                "main-rt", "1.2.0", backend="maturin"
            ),
            "py-main/runtime/main-rt64/pyproject.toml": project("main-rt64", "1.2.0"),
            "py-main/runtime/template/pyproject.toml": project("main-rt-{{SUFFIX}}", "1.2.0"),
            "py-main/debug/pyproject.toml": project("debugging", "0.1.0"),
            "py-main/tests/fixture/pyproject.toml": project("main-rt", "9.9.9"),
        },
    )
    ws = discover(root)
    assert [p.name for p in ws.packages] == ["main-rt", "main-rt64", "main"]
    assert ws.packages[0].directory == root / "py-main" / "runtime" / "main-rt"
    assert any("py-main/runtime/main-rt is released (main requires it)" in n for n in ws.notes)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("# Upcoming Release\n\n# Release 0.11.0\n* Migrated the template.\n", True),
        ("# How to release\n\n1. Bump the version.\n2. Tag it.\n", False),  # a guide
    ],
)
def test_a_release_md_with_release_headings_is_the_changelog(
    tmp_path: Path, text: str, found: bool
) -> None:
    """kedro's plugins keep ``RELEASE.md`` (``# Upcoming Release``, ``# Release 0.11.0``):
    their changelog, and its Upcoming Release is the Unreleased section; a RELEASE.md that
    says how to release is no changelog."""
    from relnox.project.changelog import UNRELEASED, sections

    write_project(tmp_path, ProjectSpec("solo", "0.11.0"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    _write(tmp_path / "RELEASE.md", text)
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert pkg.changelog(ws.config) == (tmp_path / "RELEASE.md" if found else None)
    if found:
        assert [s.label for s in sections(text)] == [UNRELEASED, "0.11.0"]


def test_a_root_pyproject_for_tools_only_leaves_the_packages_below(tmp_path: Path) -> None:
    """Ray's root pyproject.toml holds ``[project] requires-python`` (for its linters) and
    ruff's settings; the package is ``python/setup.py`` (no pyproject.toml of its own),
    tagged ``ray-2.40.0``. The root was read as a package without a name (an error)."""
    setup = (
        "import re\nfrom setuptools import find_packages, setup\n\n"
        "def find_version(path):\n"
        "    return re.search(r\"^__version__ = '(.*)'\", open(path).read(), re.M).group(1)\n\n"
        "setup(name='ray', version=find_version('ray/_version.py'), packages=find_packages())\n"
    )
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[project]\nrequires-python = ">=3.9"\n\n[tool.ruff]\nline-length = 88\n',
            "python/setup.py": setup,
            "python/ray/__init__.py": "",
            "python/ray/_version.py": "__version__ = '3.0.0.dev0'\n",
            "ci/lint/pyproject.toml": "[tool.black]\nline-length = 88\n",  # tools only too
        },
        tags=["ray-2.40.0"],
    )
    ws = discover(root)
    (pkg,) = ws.packages
    assert ws.broken == ()
    assert (pkg.name, pkg.version, pkg.directory) == ("ray", "3.0.0.dev0", root / "python")
    assert pkg.tags is not None and pkg.tags.convention.format == "ray-{version}"


def test_setup_py_projects_below_count_only_when_no_pyproject_builds_one(tmp_path: Path) -> None:
    """Arrow has no root pyproject.toml, pyarrow in ``python/pyproject.toml`` and a dev
    tool in ``dev/archery/setup.py``: the tool is not a package of the release."""
    root = repo(
        tmp_path / "r",
        {
            "python/pyproject.toml": project("pyarrow", "21.0.0"),
            "python/pyarrow/__init__.py": "",
            "dev/archery/setup.py": "from setuptools import setup\nsetup(name='archery')\n",
        },
    )
    assert [p.name for p in discover(root).packages] == ["pyarrow"]
