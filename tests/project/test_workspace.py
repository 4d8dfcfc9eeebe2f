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
from tests.shapes import commit, git, project, repo, write


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
        '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["libs/skip", "libs/notes"]\n',
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
        (  # a file of the version alone, as a build script reads it
            '[project]\nname = "p"\nversion = "1.0.0"\n[tool.relnox]\n'
            'version-files = ["src/version.info"]\n',
            {"src/version.info": "1.0.0\n"},
            "project.version",
            ["toml", "text"],
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
        "version-files-text",
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
    ws = load_workspace(tmp_path)  # a note: a cycle refuses nothing
    assert [p.name for p in ws.packages] == ["c", "b", "a"]
    assert ws.get("c").internal_deps == ()  # its requirement on a closes the cycle
    assert [n for n in ws.notes if "a -> b -> c -> a" in n] == [
        "dependency cycle between workspace packages: a -> b -> c -> a; c is built and "
        "published before a, which it requires (remove one of these requirements to order "
        "them by need)"
    ]


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


def test_a_dynamic_project_version_poetry_core_reads_from_tool_poetry(tmp_path: Path) -> None:
    """A generated SDK's pyproject: ``[project]`` with ``dynamic =
    ["version"]`` and ``[tool.poetry] version = "7.0.9"``, built by poetry-core, which
    reads the version from there; relnox said the version is dynamic and unreadable."""
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "sdkish"\ndynamic = ["version"]\n\n'
        '[tool.poetry]\nname = "sdkish"\nversion = "7.0.9"\n'
        'packages = [{ include = "sdkish", from = "src" }]\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
    )
    _write(tmp_path / "src" / "sdkish" / "__init__.py", "")
    (pkg,) = load_workspace(tmp_path).packages
    assert (pkg.version, pkg.version_source) == ("7.0.9", "tool.poetry.version")
    assert pkg.locations[0].key == ("tool", "poetry", "version")


@pytest.mark.parametrize(("poetry_version", "copies"), [("0.1", 0), ("0.1.21", 1)])
def test_poetry_s_version_beside_another_backend_is_a_copy_only_when_it_agrees(
    tmp_path: Path, poetry_version: str, copies: int
) -> None:
    """Instrumentation packages: hatchling reads the version from version.py
    (0.1.21), and ``[tool.poetry] version = "0.1"`` is there only for poetry's
    development environment. No backend reads it, so it is no stale copy (check-versions
    and doctor called it an error); one that says the same version is kept in step."""
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "acme-beeai"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "src/acme/version.py"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["src/acme"]\n\n'
        f'[tool.poetry]\nversion = "{poetry_version}"\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    )
    _write(tmp_path / "src" / "acme" / "__init__.py", "")
    _write(tmp_path / "src" / "acme" / "version.py", '__version__ = "0.1.21"\n')
    ws = discover(tmp_path)
    (pkg,) = ws.packages
    assert pkg.version == "0.1.21" and pkg.drift == () and ws.warnings == ()
    poetry = [loc for loc in pkg.secondaries if loc.key == ("tool", "poetry", "version")]
    assert len(poetry) == copies


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


def test_a_flit_module_deep_in_namespaces_keeps_its_version_in_step(tmp_path: Path) -> None:
    """A provider package: flit builds ``[tool.flit.module] name =
    "acme.providers.amazon"`` from src/, below two namespace packages, and its
    ``__init__.py`` says ``__version__`` too. Only one namespace level was looked into, so
    the copy was not found and a bump left it behind; it is now a secondary, bumped along."""
    _write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "acme-providers-amazon"\nversion = "9.4.0"\ndescription = "x"\n'
        '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'
        '[tool.flit.module]\nname = "acme.providers.amazon"\n',
    )
    _write(
        tmp_path / "src" / "acme" / "providers" / "amazon" / "__init__.py",
        '__version__ = "9.3.0"\n',
    )
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.version == "9.4.0"
    assert [loc.path.relative_to(tmp_path).as_posix() for loc in pkg.drift] == [
        "src/acme/providers/amazon/__init__.py"
    ]


def test_a_poetry_package_below_its_namespace_keeps_its_version_module_in_step(
    tmp_path: Path,
) -> None:
    """poetry ships ``packages = [{ include = "acme/semconv" }]``, a package below the
    ``acme`` namespace, whose ``version.py`` says ``__version__`` too. Only the include's
    last part (``semconv``) was looked for at the top, so the copy was not found and a bump
    left it behind; it is now a secondary, bumped along."""
    _write(
        tmp_path / "pyproject.toml",
        '[tool.poetry]\nname = "acme-semconv"\nversion = "0.4.1"\ndescription = "x"\n'
        'authors = ["a <a@example.com>"]\npackages = [{ include = "acme/semconv" }]\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
    )
    _write(tmp_path / "acme" / "semconv" / "__init__.py", "")
    _write(tmp_path / "acme" / "semconv" / "version.py", '__version__ = "0.4.0"\n')
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.version == "0.4.1"
    assert [loc.path.relative_to(tmp_path).as_posix() for loc in pkg.drift] == [
        "acme/semconv/version.py"
    ]


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


def test_a_dependency_marked_with_an_extra_is_no_cycle(tmp_path: Path) -> None:
    """The shape: ``"flet-cli; extra == 'cli'"`` written in flet's [project]
    dependencies (an extra's requirement, spelled as a marker), and flet-cli requires flet:
    the extra is optional, so flet is released first, not a dependency cycle."""
    write_workspace(tmp_path, [ProjectSpec("flet"), ProjectSpec("flet-cli", requires=["flet"])])
    pyproject = tmp_path / "packages" / "flet" / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("dependencies = [\n]", "dependencies = [\"flet-cli; extra == 'cli'\"]", 1),
        encoding="utf-8",
    )
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["flet", "flet-cli"]
    assert ws.get("flet").internal_deps == ()
    assert [r.target for r in ws.get("flet").requirements] == ["flet-cli"]


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
    # a test's sample project (pipx's testdata/empty_project) is neither
    write_project(tmp_path / "testdata" / "empty_project", ProjectSpec("empty-project"))
    (tmp_path / "alias").mkdir()
    (tmp_path / "alias" / "a").symlink_to(tmp_path / "libs" / "a")
    # a template's placeholder name is no project to add; a setup.py project is named so
    _write(tmp_path / "_template" / "pyproject.toml", project("<REPLACE ME>"))
    _write(tmp_path / "cli" / "setup.py", "import setuptools\nsetuptools.setup(name='cli')\n")
    ws = load_workspace(tmp_path)
    assert [p.name for p in ws.packages] == ["pkg-a"]
    assert [n for n in ws.notes if "not a member" in n] == [
        "backend/pyproject.toml (backend) is not a member of this workspace; "
        'add "backend" to [tool.relnox] packages to release it with relnox',
        "cli/setup.py (cli) is not a member of this workspace; "
        'add "cli" to [tool.relnox] packages to release it with relnox',
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


def test_workspace_members_in_examples_directories_are_not_released_unless_tagged(
    tmp_path: Path,
) -> None:
    """The shape: a uv workspace lists its example servers (examples/servers/*)
    and an examples project to lock them with the library; only the library has release
    tags. The examples are said and left out (they were released beside it); one that a
    tag names stays, and [tool.relnox] packages decides otherwise."""
    members = '[tool.uv.workspace]\nmembers = ["examples", "examples/servers/*", "docs"]\n'
    files = {
        "pyproject.toml": project("sdk", dynamic=True, backend="hatch-vcs", extra=members),
        "sdk/__init__.py": "",
        "examples/pyproject.toml": project("sdk-example-stories", "0.0.0"),
        "examples/servers/echo/pyproject.toml": project("sdk-echo", "0.1.0"),
        "examples/servers/weather/pyproject.toml": project("sdk-weather", "0.1.0"),
        "docs/pyproject.toml": project("sdk-docs", "0.1.0"),
    }
    root = repo(tmp_path / "sdk", files, tags=["v1.0.0", "sdk-weather-v0.1.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["sdk", "sdk-weather"]
    [note] = [n for n in ws.notes if "examples" in n]
    assert note == (
        "examples (sdk-example-stories), examples/servers/echo (sdk-echo), docs (sdk-docs): "
        "in an examples, tests or docs directory, named by no tag and required by no "
        "released package, so not released; list those to release in [tool.relnox] packages"
    )
    write(
        root,
        {
            "pyproject.toml": files["pyproject.toml"]
            + '\n[tool.relnox]\npackages = [".", "examples/servers/*"]\n'
        },
    )
    assert [p.name for p in load_workspace(root).packages] == ["sdk", "sdk-echo", "sdk-weather"]
    # a repository of nothing but examples keeps them
    only = repo(
        tmp_path / "only",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["examples/*"]\n',
            "examples/a/pyproject.toml": project("a", "1.0.0"),
        },
    )
    assert [p.name for p in load_workspace(only).packages] == ["a"]


def test_a_sample_app_beside_the_packages_is_not_released(tmp_path: Path) -> None:
    """The shape: no root project, ``packages/*`` holds the released libraries
    (tagged ``v0.62.1``) and ``packages/sample-app``, an application that requires them and
    that no tag names: it shows the packages and is left out, said in a note."""
    files = {
        "packages/tracer-sdk/pyproject.toml": project("tracer-sdk", "0.62.1"),
        "packages/tracer-openai/pyproject.toml": project("tracer-openai", "0.62.1"),
        "packages/sample-app/pyproject.toml": project(
            "sample-app", "0.0.1", requires=["tracer-sdk", "tracer-openai"]
        ),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v0.62.1"]))
    assert sorted(p.name for p in ws.packages) == ["tracer-openai", "tracer-sdk"]
    assert [n.split(":")[0] for n in ws.notes if "examples, tests, docs or developer" in n] == [
        "packages/sample-app (sample-app)"
    ]
    [listed] = ws.unreleased  # listed as not released, with why, and --package explains
    assert (listed.name, listed.setting) == (
        "sample-app",
        "list those to release in [tool.relnox] packages",
    )
    with pytest.raises(ConfigError, match=r"'sample-app' \(packages/sample-app\) is not released"):
        ws.select(["sample-app"])


def test_a_package_whose_name_starts_with_demo_is_released(tmp_path: Path) -> None:
    """``packages/demo-core`` beside ``packages/fast-ext``, no tag yet: ``demo`` starts a
    package's name as often as a demonstration's (the sample-app rule above left it out,
    and the first release tagged only its sibling)."""
    files = {
        "packages/demo-core/pyproject.toml": project("demo-core", "1.0.0"),
        "packages/fast-ext/pyproject.toml": project("fast-ext", "1.0.0"),
    }
    ws = load_workspace(repo(tmp_path / "r", files))
    assert sorted(p.name for p in ws.packages) == ["demo-core", "fast-ext"]


def test_a_docs_snippet_member_is_not_released(tmp_path: Path) -> None:
    """The shape: the uv workspace lists ``python`` and ``docs-site/snippets/migration``,
    a snippet the documentation shows that requires the library; no tag names it, so it is
    left out with a note."""
    members = '[tool.uv.workspace]\nmembers = ["python", "docs-site/snippets/migration"]\n'
    files = {
        "pyproject.toml": members,
        "python/pyproject.toml": project("composer", "0.10.7"),
        "docs-site/snippets/migration/pyproject.toml": project(
            "migration", "0.1.0", requires=["composer"]
        ),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v0.10.7"]))
    assert [p.name for p in ws.packages] == ["composer"]
    assert [n.split(":")[0] for n in ws.notes if "examples, tests or docs" in n] == [
        "docs-site/snippets/migration (migration)"
    ]


def test_an_examples_member_a_released_package_requires_is_released(tmp_path: Path) -> None:
    """The shape: one tag ``v{version}`` for every member, the root's extra
    ``examples = ["pkg-examples=={{ version }}"]`` (a hatch metadata hook) and ``slim``'s
    dependency on ``pkg-helpers`` (under docs/) name members in example directories: the
    released packages cannot be installed without them, so they are released too; a
    development group's requirement does not count."""
    hook = (
        "\n[tool.hatch.metadata.hooks.uv-dynamic-versioning.optional-dependencies]\n"
        'examples = ["pkg-examples=={{ version }}"]\n'
        '\n[dependency-groups]\ndev = ["pkg-docs"]\n'
        '\n[tool.uv.workspace]\nmembers = ["slim", "examples", "docs/*"]\n'
    )
    files = {
        "pyproject.toml": project("pkg", dynamic=True, backend="hatch-vcs", extra=hook),
        "pkg/__init__.py": "",
        "slim/pyproject.toml": project(
            "pkg-slim", dynamic=True, backend="hatch-vcs", requires=["pkg-helpers"]
        ),
        "examples/pyproject.toml": project("pkg-examples", dynamic=True, backend="hatch-vcs"),
        "docs/helpers/pyproject.toml": project("pkg-helpers", dynamic=True, backend="hatch-vcs"),
        "docs/site/pyproject.toml": project("pkg-docs", "0.0.0"),
    }
    root = repo(tmp_path / "pkg", files, tags=["v1.2.0"])
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == [
        "pkg",
        "pkg-examples",
        "pkg-helpers",
        "pkg-slim",
    ]
    assert [n.split(":")[0] for n in ws.notes if "examples, tests or docs" in n] == [
        "docs/site (pkg-docs)"
    ]


@pytest.mark.parametrize(
    ("setting", "link"),
    [
        ('[tool.uv.workspace]\nmembers = ["../elsewhere", "libs/*"]\n', False),
        ('[tool.relnox]\npackages = ["libs/*", "../elsewhere"]\n', False),
        ('[tool.uv.workspace]\nmembers = ["libs/*"]\n', True),  # libs/b -> ../elsewhere
    ],
)
def test_a_member_outside_the_workspace_root_is_refused(
    tmp_path: Path, setting: str, link: bool
) -> None:
    """A bump would write a file the release commit cannot hold (and uv refuses it): a
    member path climbing out of the root, or a link out of it, is an error naming both."""
    root = tmp_path / "repo"
    write_project(tmp_path / "elsewhere", ProjectSpec("stranger"))
    write_project(root / "libs" / "a", ProjectSpec("pkg-a"))
    _write(root / "pyproject.toml", setting)
    if link:
        (root / "libs" / "b").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ConfigError) as info:
        load_workspace(root)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{root / 'pyproject.toml'}: ")
    assert f"outside the workspace's root {root}; move the project below the root" in message
    assert str(tmp_path / "elsewhere") in message
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    stranger = (tmp_path / "elsewhere" / "pyproject.toml").read_bytes()
    result = run_relnox("bump", "--part", "minor", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "outside the workspace's root" in result.stderr
    assert (tmp_path / "elsewhere" / "pyproject.toml").read_bytes() == stranger


def test_a_link_out_of_the_repository_inside_a_package_hides_no_package(tmp_path: Path) -> None:
    """``a/upstream`` links to a checkout of ``pkg-a`` outside the repository, and ``pkg-b``
    requires ``pkg-a``: the scan follows no link out of the tree, so ``pkg-a`` is listed (before,
    the copy was taken for a released project named alike and both were left out)."""
    root = tmp_path / "repo"
    write_project(root / "a", ProjectSpec("pkg-a"))
    write_project(root / "b", ProjectSpec("pkg-b", requires=["pkg-a>=0.1"]))
    write_project(tmp_path / "upstream", ProjectSpec("pkg-a"))
    (root / "a" / "upstream").symlink_to(tmp_path / "upstream")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    proc = run_relnox("packages", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["packages"]
    assert [(p["name"], p["directory"]) for p in listed] == [("pkg-a", "a"), ("pkg-b", "b")]


def test_a_project_named_like_a_member_inside_it_hides_no_member(tmp_path: Path) -> None:
    """``packages/pkg-a/legacy`` is an old copy named ``pkg-a``; ``pkg-b`` requires ``pkg-a``
    and tags name it: both are the member's, so the copy is no release of its own and
    ``pkg-a`` is listed (before, the copy was taken for a released project and both ``pkg-a``
    were left out as twins)."""
    root = write_workspace(
        tmp_path / "ws", [ProjectSpec("pkg-a"), ProjectSpec("pkg-b", requires=["pkg-a>=0.1"])]
    )
    write_project(root / "packages/pkg-a/legacy", ProjectSpec("pkg-a", version="0.0.1"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    git(root, "tag", "pkg-a-v0.0.1")
    proc = run_relnox("packages", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["packages"]
    assert [(p["name"], p["directory"]) for p in listed] == [
        ("pkg-a", "packages/pkg-a"),
        ("pkg-b", "packages/pkg-b"),
    ]


def test_a_root_of_tool_settings_only_finds_the_projects_beside_each_other(
    tmp_path: Path,
) -> None:
    """A root pyproject.toml with a [build-system] and tools' settings but no [project],
    no workspace and no [tool.relnox] packages lists no package: the packages are the
    projects below (``core/``, ``core_c/``, ``core_pool/``), as with no root file, each
    with the tags it really has (bare ones shared by two, ``pool-`` ones)."""
    settings = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[tool.mypy]\nfiles = ["core/core"]\n'
    )

    def files(core: str, pool: str) -> dict[str, str]:
        return {
            "core/pyproject.toml": project("core", core, backend="setuptools"),
            "core_c/pyproject.toml": project("core-c", core, backend="setuptools"),
            "core_pool/pyproject.toml": project("core-pool", pool, backend="setuptools"),
        }

    shape = {"pyproject.toml": settings, "tests/pyproject.toml": project("not-a-package")}
    root = repo(tmp_path / "r", {**shape, **files("3.3.4", "3.3.1")}, tags=["3.3.4"])
    commit(root, {}, "pool-3.3.1")
    commit(root, files("3.3.5.dev1", "3.3.2.dev1"))
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["core", "core-c", "core-pool"]
    assert ws.is_workspace and ws.notes == (
        "projects in directories named for tests are left out as test fixtures "
        "(tests (not-a-package)); add their directories to [tool.relnox] packages to "
        "release them with relnox",
    )
    tags = {p.name: (ws.tag_format_of(p), str(p.released)) for p in ws.packages}
    assert tags["core-pool"] == ("pool-{version}", "3.3.1")
    assert tags["core"] == tags["core-c"] == ("{version}", "3.3.4")
    _write(root / "core" / "pyproject.toml", "[tool.ruff]\nline-length = 99\n")
    _write(root / "core_c" / "pyproject.toml", "[tool.ruff]\nline-length = 99\n")
    _write(root / "core_pool" / "pyproject.toml", "[tool.uv.workspace]\nmembers = ['p/*']\n")
    with pytest.raises(ConfigError) as info:  # nothing below but a workspace: it is named
        load_workspace(root)
    assert str(info.value) == (
        f"{root / 'pyproject.toml'} holds no package, and core_pool/pyproject.toml is a "
        "workspace ([tool.uv.workspace] members): run relnox in core_pool, or pass "
        "--root core_pool"
    )


def test_setup_py_projects_without_a_pyproject_are_found_below_a_root_without_one(
    tmp_path: Path,
) -> None:
    """``src/app-tools/setup.py`` (no pyproject.toml, its version in a ``VERSION`` file it
    reads) beside pyproject projects: found like them; a setup.py whose name is computed is
    said and left out rather than stopping the others; test suites are not looked in, and
    the projects they hold are said in one note."""
    tools = (
        "from setuptools import setup\n"
        "setup(name='app-tools', version=open('VERSION').read().strip())\n"
    )
    computed = "import os\nfrom setuptools import setup\nsetup(name=os.environ['N'], version='1')\n"
    files = {
        "src/app/pyproject.toml": project("app", "1.18.5"),
        "src/app-tools/setup.py": tools,
        "src/app-tools/VERSION": "1.6.1\n",
        "src/app-tools/app_tools/__init__.py": "",
        "scripts/gen/setup.py": computed,
        # test infrastructure: a directory starting or ending with test(s) is not scanned
        "integration_tests/python_modules/k8s-infra/setup.py": tools.replace("app-tools", "i"),
        "app-e2e-tests/pyproject.toml": project("app-e2e", "1.0.0"),
        "test_suites/live/pyproject.toml": project("live", "1.0.0"),
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert {p.name: p.version for p in ws.packages} == {"app": "1.18.5", "app-tools": "1.6.1"}
    primary = ws.get("app-tools").primary
    assert primary is not None and primary.path == root / "src/app-tools/VERSION"
    assert ws.notes == (
        "scripts/gen/setup.py: no project name relnox can read (setup(name=...) is computed), "
        "so it is left out; write the name as a literal, or in setup.cfg [metadata]",
        "projects in directories named for tests are left out as test fixtures "
        "(app-e2e-tests (app-e2e), integration_tests/python_modules/k8s-infra (i), "
        "test_suites/live (live)); add their directories to [tool.relnox] packages to "
        "release them with relnox",
    )


def test_a_setup_py_requirement_on_another_package_orders_the_release(tmp_path: Path) -> None:
    """``install_requires`` and ``extras_require`` of setup.py projects on each other: a
    literal list, a module-level list, an f-string pin computed from the version (``f"core{pin}"``)
    and a ``"core" + pin`` sum all order the release; a setup.py's own name is no
    dependency."""
    core = "from setuptools import setup\nsetup(name='core', version='1.2.0')\n"
    aws = (
        "from pathlib import Path\nfrom setuptools import setup\n\ndef get_version():\n"
        "    version = {}\n"
        "    with open(Path(__file__).parent / 'core_aws/version.py') as fp:\n"
        "        exec(fp.read(), version)\n"
        "    return version['__version__']\n\n"
        "ver = get_version()\npin = '' if ver == '1!0+dev' else f'=={ver}'\n"
        "setup(name='core-aws', version=ver, install_requires=[f'core{pin}', 'boto3'],\n"
        "      extras_require={'test': ['core-aws[x]', 'core-pipes' + pin]})\n"
    )
    app = (
        "from setuptools import setup\nREQUIRES = ['core>=1.0', 'core-aws']\n"
        "setup(name='app', version='3.0.0', install_requires=REQUIRES)\n"
    )
    files = {
        "python_modules/app/setup.py": app,
        "python_modules/core/setup.py": core,
        "python_modules/libraries/core-aws/setup.py": aws,
        "python_modules/libraries/core-aws/core_aws/version.py": '__version__ = "0.28.0"\n',
        "python_modules/libraries/core-pipes/setup.py": core.replace("'core'", "'core-pipes'"),
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    names = [p.name for p in ws.packages]
    assert names.index("core") < names.index("core-aws") < names.index("app")
    assert ws.get("app").internal_deps == ("core", "core-aws")
    assert ws.get("core-aws").internal_deps == ("core", "core-pipes")
    (optional,) = [r for r in ws.get("core-aws").requirements if r.optional]
    assert optional.target == "core-pipes"
    literal = ws.get("app").requirements[0]
    assert (literal.text, literal.specifier) == ("core>=1.0", ">=1.0")


def test_a_helper_at_version_zero_found_by_scanning_is_left_out_with_a_note(
    tmp_path: Path,
) -> None:
    """Scanning finds ``tooling/setup.py`` ("we don't ship this", 0.0.0, never tagged)
    beside the real package: it is said and left out. A repository whose every project is
    at 0.0.0 (before its first release) keeps them all; a listed one is always kept."""
    helper = "from setuptools import setup\nsetup(name='lib-tooling', version='0.0.0')\n"
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 88\n",
        "lib/pyproject.toml": project("lib", "6.1.0"),
        "tooling/setup.py": helper,
        # a sentinel of development (epoch 1, a local label) is a package between releases
        "libraries/lib-aws/pyproject.toml": project("lib-aws", "1!0+dev"),
    }
    root = repo(tmp_path / "r", files, tags=["v6.1.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["lib", "lib-aws"]
    assert ws.notes == (
        "tooling/setup.py (lib-tooling) is at 0.0.0 and no tag released it, so it is taken "
        'for a helper and not released; add "tooling" to [tool.relnox] packages (with the '
        "others) to release it",
    )
    with pytest.raises(ConfigError) as info:  # --package naming it explains
        ws.get("lib-tooling")
    assert str(info.value) == (
        "'lib-tooling' (tooling) is not released: it is at 0.0.0, no tag released it and no "
        'file declares it; add "tooling" to [tool.relnox] packages (with the others) to '
        "release it"
    )
    del files["libraries/lib-aws/pyproject.toml"]
    fresh = repo(tmp_path / "new", {**files, "lib/pyproject.toml": project("lib", "0.0.0")})
    assert [p.name for p in load_workspace(fresh).packages] == ["lib", "lib-tooling"]
    _write(root / "pyproject.toml", '[tool.relnox]\npackages = ["lib", "tooling"]\n')
    assert [p.name for p in load_workspace(root).packages] == ["lib", "lib-tooling"]


def test_declared_members_in_tools_directories_or_named_for_tests_are_packages(
    tmp_path: Path,
) -> None:
    """A uv workspace declaring ``libs/tools`` (a code generator), ``libs/acme-test-utils``
    and ``libs/core`` with build backends: six members, six packages (none left out as a
    developer tool or a test helper), so ``select`` gives all of them. A project found
    below that no file declares is listed as not released, and naming it explains."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*", "tools/*", "dev"]\n',
        "libs/core/pyproject.toml": project("acme-core", "1.2.0"),
        "libs/tools/pyproject.toml": project("acme-codegen", "0.3.0", requires=["acme-core"]),
        "libs/acme-test-utils/pyproject.toml": project("acme-test-utils", "0.0.0"),
        "tools/gen/pyproject.toml": project("acme-gen", "0.1.0"),
        "dev/pyproject.toml": project("acme-dev", "0.1.0"),
        "scripts/pyproject.toml": project("acme-scripts", "0.1.0"),
        "stray/pyproject.toml": project("acme-stray", "0.1.0"),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["acme-core-v1.2.0"]))
    expected = ["acme-core", "acme-codegen", "acme-dev", "acme-gen", "acme-test-utils"]
    assert sorted(p.name for p in ws.select(())) == sorted(expected)
    assert sorted(u.name for u in ws.unreleased) == ["acme-scripts", "acme-stray"]
    with pytest.raises(ConfigError, match=r"^'acme-stray' \(stray\) is not released: no "):
        ws.get("acme-stray")


def test_a_declared_member_at_version_zero_is_a_package(tmp_path: Path) -> None:
    """The shape: a uv workspace of ``packages/*`` whose ``autogen-test-utils`` stays
    at 0.0.0, never tagged, required only by the others' development groups: a member the
    workspace declares, with a build backend, so a package (no guess drops it)."""
    core = project("ag-core", "0.7.5") + '\n[dependency-groups]\ndev = ["ag-test-utils"]\n'
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/core/pyproject.toml": core,
        "packages/test-utils/pyproject.toml": project("ag-test-utils", "0.0.0"),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["python-v0.7.5"]))
    assert [p.name for p in ws.packages] == ["ag-core", "ag-test-utils"]
    assert not ws.unreleased


def test_a_root_requiring_its_packages_by_direct_reference_is_not_released(
    tmp_path: Path,
) -> None:
    """A root [project] (a development meta-project) whose dependencies are direct
    references to the repository's projects (``core @ {root:uri}/projects/core``): no
    index accepts it, so it is left out with a note and the projects it references are
    the packages."""
    root_project = (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "suite-monorepo"\nversion = "5.0.0"\ndependencies = [\n'
        '    "suite-core @ {root:uri}/projects/core",\n'
        '    "suite @ {root:uri}/projects/suite",\n    "requests",\n]\n\n'
        "[project.optional-dependencies]\n"
        'test = ["suite-core[test] @ {root:uri}/projects/core", "pytest"]\n\n'
        "[tool.hatch.metadata]\nallow-direct-references = true\n"
    )
    files = {
        "pyproject.toml": root_project,
        "projects/core/pyproject.toml": project("suite-core", "3.0.0"),
        "projects/suite/pyproject.toml": project("suite", "5.0.0", requires=["suite-core>=3,<4"]),
        "projects/unlisted/pyproject.toml": project("suite-extra", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v5.0.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["suite-core", "suite"]
    assert ws.notes[0].startswith("projects/unlisted/pyproject.toml (suite-extra) is not")
    assert ws.notes[1] == (
        "pyproject.toml (suite-monorepo) requires its packages by direct reference "
        "(suite-core @ {root:uri}/projects/core), which no index accepts, so relnox takes "
        "it for the development project and releases the projects it references; "
        'add "." to [tool.relnox] packages if it is released'
    )


def test_projects_a_released_package_requires_are_released_too(tmp_path: Path) -> None:
    """A root package, no workspace: it requires ``index-core`` (in ``index-core/``),
    which requires ``index-base`` (``libs/base``): both are released, or the root's
    release could not be installed, and a note says why; a project only a dependency
    group names, or none, stays a note."""
    files = {
        "pyproject.toml": project(
            "index",
            "0.12.44",
            requires=["index-core>=0.12,<0.13", "nltk"],
            extra='\n[dependency-groups]\ndev = ["index-dev-tools"]\n',
        ),
        "index-core/pyproject.toml": project("index-core", "0.12.44", requires=["index-base"]),
        "libs/base/pyproject.toml": project("index-base", "1.0.0"),
        "tools/dev/pyproject.toml": project("index-dev-tools", "0.1.0"),
        "integrations/llms/openai/pyproject.toml": project(
            "index-llms-openai", "0.4.0", requires=["index-core"]
        ),
    }
    root = repo(tmp_path / "r", files, tags=["v0.12.44"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["index-base", "index-core", "index"]
    notes = "\n".join(ws.notes)
    assert "index-core is released (index requires it), though no workspace file lists it" in notes
    assert "libs/base is released (index-core requires it)" in notes
    assert "tools/dev/pyproject.toml (index-dev-tools) is not a member" in notes
    assert "integrations/llms/openai/pyproject.toml (index-llms-openai) is not a member" in notes


def test_loading_a_workspace_reads_each_pyproject_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace whose members are read for what they require of the projects beside
    them (and those projects for the notes): each pyproject.toml is parsed once."""
    from collections import Counter

    from relnox.project import pyproject
    from relnox.versions.sources import load_toml as real

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/app/pyproject.toml": project("app", "1.0.0", requires=["app-core"]),
        "packages/cli/pyproject.toml": project("app-cli", "1.0.0", requires=["app"]),
        "core/pyproject.toml": project("app-core", "1.0.0"),
        "tools/dev/pyproject.toml": project("app-dev-tools", "0.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    parsed: Counter[Path] = Counter()

    def counted(path: Path) -> dict[str, object]:
        parsed[path] += 1
        return real(path)

    monkeypatch.setattr(pyproject, "load_toml", counted)
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["app", "app-cli", "app-core"]
    assert set(parsed) >= {root / f / "pyproject.toml" for f in ("packages/app", "core")}
    assert max(parsed.values()) == 1, parsed


def test_many_projects_outside_the_workspace_are_one_note(tmp_path: Path) -> None:
    """Hundreds of integrations beside a root package that lists none: one note says how
    many, names a few and the globs that would list them, not one note each."""
    files = {"pyproject.toml": project("index", "0.12.44")}
    for kind in ("llms", "readers"):
        for number in range(6):
            name = f"index-{kind}-p{number}"
            files[f"integrations/{kind}/{name}/pyproject.toml"] = project(name, "0.3.1")
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["index"]
    assert ws.notes == (
        "12 projects below are not members of this workspace "
        "(integrations/llms/index-llms-p0/pyproject.toml (index-llms-p0), "
        "integrations/llms/index-llms-p1/pyproject.toml (index-llms-p1), "
        "integrations/llms/index-llms-p2/pyproject.toml (index-llms-p2) and 9 more); add "
        'their directories to [tool.relnox] packages (globs such as "integrations/llms/*", '
        '"integrations/readers/*") to release them with relnox',
    )


def test_projects_a_package_requires_inside_it_are_packages_too(tmp_path: Path) -> None:
    """No root pyproject.toml, ``py-main/`` the project found below, and inside it the runtime
    wheels it pins (``py-main/runtime/main-rt``): they are released with
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
        # a guide's numbered steps as headings are no releases
        ("# Releasing\n\n### 1. Update the dev version on `main`\n\n### 2. Branch off\n", False),
    ],
)
def test_a_release_md_with_release_headings_is_the_changelog(
    tmp_path: Path, text: str, found: bool
) -> None:
    """Plugins that keep ``RELEASE.md`` (``# Upcoming Release``, ``# Release 0.11.0``):
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


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Unreleased\n==========\n\n0.41.1\n======\n\n* Fix (#1092)\n", True),  # reST, no suffix
        ("GNU hello NEWS -- history of user-visible changes.\n\nSee the manual.\n", False),
    ],
)
def test_a_news_file_without_a_suffix_with_release_headings_is_the_changelog(
    tmp_path: Path, text: str, found: bool
) -> None:
    """A changelog kept in ``NEWS`` (reST headings, no suffix); relnox found no
    changelog. A NEWS file without a release heading is no changelog."""
    write_project(tmp_path, ProjectSpec("solo", "0.41.1"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    _write(tmp_path / "NEWS", text)
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert pkg.changelog(ws.config) == (tmp_path / "NEWS" if found else None)


@pytest.mark.parametrize("name", ["doc/whatsnew.rst", "doc/whats-new.rst", "docs/whats_new.rst"])
def test_a_whats_new_page_of_the_docs_is_the_changelog(tmp_path: Path, name: str) -> None:
    """``doc/whatsnew.rst`` (or ``doc/whats-new.rst``): the docs page of the
    release notes, ``Version 1.4.0 Release Notes (unreleased)`` above the releases; relnox
    said there was no CHANGELOG.md. A page of that name with no release heading is none."""
    write_project(tmp_path, ProjectSpec("solo", "1.3.4"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    notes = (
        "Release Notes\n=============\n\n"
        "Version 1.4.0 Release Notes (unreleased)\n========================================\n\n"
        "- A change.\n\n"
        "Version 1.3.4 Release Notes (2025-July-19)\n==========================================\n\n"
        "- Old.\n"
    )
    _write(tmp_path / name, notes)
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert pkg.changelog(ws.config) == tmp_path / name
    _write(tmp_path / name, "What's new\n==========\n\nSee the releases page.\n")
    (pkg,) = load_workspace(tmp_path).packages
    assert pkg.changelog(ws.config) is None


def test_release_notes_of_changes_from_one_version_to_the_next(tmp_path: Path) -> None:
    """A RELEASE_NOTES.rst of ``Changes from 2.14.2 to 2.14.3`` sections
    below the series' title; relnox said there was no CHANGELOG.md. Each section is the
    second version's, so the development version 2.14.3.dev0 has its section."""
    from relnox.project.changelog import find_section

    write_project(tmp_path, ProjectSpec("numish", "2.14.3.dev0"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    notes = (
        "=====================================\nRelease notes for NumExpr 2.14 series\n"
        "=====================================\n\n"
        "Changes from 2.14.2 to 2.14.3\n-----------------------------\n\n"
        "* **Under development.**\n\n"
        "Changes from 2.14.1 to 2.14.2\n-----------------------------\n\n* A fix.\n"
    )
    _write(tmp_path / "RELEASE_NOTES.rst", notes)
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert pkg.changelog(ws.config) == tmp_path / "RELEASE_NOTES.rst"
    section = find_section(notes, "2.14.2")
    assert section is not None and section.body == "* A fix."
    assert find_section(notes, "2.14.1") is None


def test_a_release_notes_page_in_the_docs_is_the_changelog(tmp_path: Path) -> None:
    """A changelog kept in ``docs/release_notes.rst`` (``0.14.4`` over ``===``); relnox
    found no changelog."""
    write_project(tmp_path, ProjectSpec("solo", "0.14.4"))
    for old in tmp_path.glob("CHANGELOG*"):
        old.unlink()
    _write(
        tmp_path / "docs/release_notes.rst",
        "Release Notes\n=============\n\n0.14.4\n------\n\n* New.\n",
    )
    ws = load_workspace(tmp_path)
    (pkg,) = ws.packages
    assert pkg.changelog(ws.config) == tmp_path / "docs/release_notes.rst"


def test_a_root_pyproject_for_tools_only_leaves_the_packages_below(tmp_path: Path) -> None:
    """A root pyproject.toml that holds ``[project] requires-python`` (for its linters) and
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
    """No root pyproject.toml, the library in ``python/pyproject.toml`` and a dev
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


def test_a_changelog_kept_with_the_docs_is_found_when_the_top_has_none(tmp_path: Path) -> None:
    """The shape: docs/changelog.rst holds the release notes and the top holds no
    changelog (doctor warned "no CHANGELOG.md"); a docs page of that name with no release
    heading (one that includes the top's) is not a changelog."""
    from relnox.project.changelog_file import changelog_in

    write(
        tmp_path,
        {
            "pyproject.toml": project("calc", "1.1.0"),
            "doc/CHANGES.rst": ".. include:: ../NEWS.txt\n",
            "docs/Changelog.rst": "Notes\n=====\n\nRelease 1.1\n===========\n\n* New.\n",
        },
    )
    config = load_workspace(tmp_path).config
    assert changelog_in(tmp_path, config) == tmp_path / "docs/Changelog.rst"
    (tmp_path / "docs/Changelog.rst").write_text("Changes\n=======\n\nSee the top.\n")
    assert changelog_in(tmp_path, config) == tmp_path / "CHANGELOG.md"


def test_a_changelog_named_in_another_case_is_found(tmp_path: Path) -> None:
    """The shape: ``Changelog.rst`` at the top; on a case-sensitive file system it was
    not CHANGELOG.rst, and doctor said there was no changelog."""
    from relnox.project.changelog_file import changelog_in

    write(tmp_path, {"pyproject.toml": project("calc", "1.1.0"), "Changelog.rst": "1.1.0\n=====\n"})
    config = load_workspace(tmp_path).config
    assert changelog_in(tmp_path, config) == tmp_path / "Changelog.rst"
    write(tmp_path, {"CHANGES.md": "# 1.1.0\n"})
    assert changelog_in(tmp_path, config) == tmp_path / "Changelog.rst"  # CHANGELOG first


def test_a_top_changelog_that_points_to_the_docs_loses_to_the_one_there(tmp_path: Path) -> None:
    """The shape: the top's CHANGES says "MOVED, please see docs/..." and has no
    release heading; a changelog in docs/ that has one is the changelog (a top file with
    releases still wins)."""
    from relnox.project.changelog_file import changelog_in

    write(
        tmp_path,
        {
            "pyproject.toml": project("calc", "1.1.0"),
            "CHANGES": "=====\nMOVED\n=====\n\nPlease see docs/changelog.rst.\n",
            "docs/changelog.rst": "Changelog\n=========\n\n1.1.0\n-----\n\n- New.\n",
        },
    )
    config = load_workspace(tmp_path).config
    assert changelog_in(tmp_path, config) == tmp_path / "docs/changelog.rst"
    write(tmp_path, {"CHANGES": "1.0.0\n=====\n\n- Old.\n"})
    assert changelog_in(tmp_path, config) == tmp_path / "CHANGES"


def test_a_changelog_folder_of_one_page_per_series_gives_the_newest_series(
    tmp_path: Path,
) -> None:
    """The shape: CHANGES.rst says MOVED; doc/build/changelog/ holds an index that
    is only a table of contents and ``changelog_20.rst``, ``changelog_21.rst`` (Sphinx's
    changelog directives); the newest series' page is the changelog (relnox read the
    pointer)."""
    from relnox.project.changelog_file import changelog_in

    def page(version: str) -> str:
        return f"Changelog\n=========\n\n.. changelog::\n    :version: {version}\n"

    write(
        tmp_path,
        {
            "pyproject.toml": project("sqla", "2.1.0b4"),
            "CHANGES.rst": "=====\nMOVED\n=====\n\nSee doc/build/changelog/.\n",
            "doc/build/changelog/index.rst": ".. toctree::\n\n    changelog_21\n",
            "doc/build/changelog/changelog_9.rst": page("0.9.10"),
            "doc/build/changelog/changelog_20.rst": page("2.0.52"),
            "doc/build/changelog/changelog_21.rst": page("2.1.0b4"),
        },
    )
    config = load_workspace(tmp_path).config
    assert changelog_in(tmp_path, config) == tmp_path / "doc/build/changelog/changelog_21.rst"


def test_release_notes_in_a_language_folder_of_the_docs_are_the_changelog(
    tmp_path: Path,
) -> None:
    """The shape: no changelog at the top; ``docs/en/docs/release-notes.md`` (mkdocs'
    folder per language) with ``## Latest Changes`` above ``## 0.141.1 (2026-07-29)``.
    relnox said there was no CHANGELOG.md; a bump heads the latest changes with the
    release, as the project does."""
    from relnox.bump import BumpOptions
    from relnox.bump.plan import plan_bump
    from relnox.project.changelog_file import changelog_in

    notes = (
        "# Release Notes\n\n## Latest Changes\n\n### Fixes\n\n* A fix.\n\n"
        "## 0.141.1 (2026-07-29)\n\n* Old.\n"
    )
    files = {
        "pyproject.toml": project("fast", "0.141.1"),
        "fast/__init__.py": "",
        "docs/en/docs/release-notes.md": notes,
    }
    root = repo(tmp_path / "r", files, tags=["0.141.1"])
    ws = load_workspace(root)
    assert changelog_in(root, ws.config) == root / "docs/en/docs/release-notes.md"
    plan = plan_bump(ws, BumpOptions(part="patch"))
    [edit] = [e for e in plan.edits if e.path.name == "release-notes.md"]
    assert edit.after.decode().startswith("# Release Notes\n\n## Latest Changes\n\n## 0.141.2 (")


def test_a_constants_module_and_sphinx_conf_that_say_the_version_move_with_it(
    tmp_path: Path,
) -> None:
    """The shape: setup.py's version="2.68.0", and its release script also rewrites
    ``VERSION = "2.68.0"`` in sdk/consts.py and ``release = "2.68.0"`` in docs/conf.py;
    relnox moved only setup.py. Sphinx's short ``version`` (the major.minor) moves to the
    release's; a constant that says another version (a protocol's) is not a copy, and stays."""
    from relnox.bump import BumpOptions, apply_bump, plan_bump

    consts = 'PROTOCOL = "7"\nVERSION = "2.68.0"\n'
    conf = 'project = "sdk"\nversion = "2.68"\nrelease = "2.68.0"\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("sdk", "2.68.0"),
            "sdk/__init__.py": "",
            "sdk/consts.py": consts,
            "sdk/constants.py": 'VERSION = "1.0"\n',
            "docs/conf.py": conf,
        },
        tags=["2.68.0"],
    )
    ws = load_workspace(root)
    names = [str(loc.path.relative_to(root)) for loc in ws.packages[0].locations]
    assert names == ["pyproject.toml", "sdk/consts.py", "docs/conf.py", "docs/conf.py"]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "sdk/consts.py").read_text() == consts.replace("2.68.0", "2.69.0")
    moved = conf.replace("2.68.0", "2.69.0").replace('"2.68"', '"2.69"')
    assert (root / "docs/conf.py").read_text() == moved
    assert (root / "sdk/constants.py").read_text() == 'VERSION = "1.0"\n'


def test_release_please_s_manifest_that_says_the_version_moves_with_it(tmp_path: Path) -> None:
    """The shape (release-please): ``.release-please-manifest.json`` records
    ``".": "3.3.1"``, the version release-please last released and starts the next one
    from; relnox left it at 3.3.1. A manifest that says another version is left alone."""
    from relnox.bump import BumpOptions, apply_bump, plan_bump

    manifest = '{\n  ".": "3.3.1"\n}\n'
    files = {
        "pyproject.toml": project("oai", "3.3.1"),
        "oai/__init__.py": "",
        ".release-please-manifest.json": manifest,
    }
    root = repo(tmp_path / "r", files, tags=["v3.3.1"])
    ws = load_workspace(root)
    names = [loc.path.name for loc in ws.packages[0].locations]
    assert names == ["pyproject.toml", ".release-please-manifest.json"]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / ".release-please-manifest.json").read_text() == manifest.replace(
        "3.3.1", "3.4.0"
    )
    stale = repo(tmp_path / "s", {**files, ".release-please-manifest.json": '{".": "3.2.0"}'})
    assert len(load_workspace(stale).packages[0].locations) == 1


def test_a_project_inside_the_shipped_package_is_its_data_not_a_member_to_add(
    tmp_path: Path,
) -> None:
    """The shape: ``calc/bench/nuts/setup.py``, a sample app inside the import
    package the wheel ships; doctor said to add it to [tool.relnox] packages. A project
    beside the package (``backend/``) is still named."""
    write(
        tmp_path,
        {
            "pyproject.toml": project("calc", "1.0.0"),
            "calc/__init__.py": "",
            "calc/bench/nuts/setup.py": "from setuptools import setup\nsetup(name='nuts')\n",
            "backend/pyproject.toml": project("calc-backend", "0.1.0"),
        },
    )
    notes = load_workspace(tmp_path).notes
    assert not any("nuts" in note for note in notes), notes
    assert any("backend/pyproject.toml (calc-backend)" in note for note in notes), notes


def test_a_release_notes_folder_in_the_docs_is_the_changelog(tmp_path: Path) -> None:
    """The shape: CHANGELOG.md says "See: <the docs>", and
    docs/release-notes/index.md holds ``## 9.4.1 (2026-05-26)``; doctor read the pointer
    ("no section for 9.4.1")."""
    from relnox.project.changelog_file import changelog_in

    write(
        tmp_path,
        {
            "pyproject.toml": project("es", "9.4.1"),
            "CHANGELOG.md": "See: https://example.org/release-notes.html\n",
            "docs/release-notes/index.md": "# Release notes\n\n## 9.4.1 (2026-05-26)\n\n- Fix.\n",
        },
    )
    config = load_workspace(tmp_path).config
    assert changelog_in(tmp_path, config) == tmp_path / "docs/release-notes/index.md"


def _sdk_with_fixture_members(tmp_path: Path, workflow: str) -> Path:
    """The shape: a released, tag-versioned root whose uv workspace members are
    sample plugins its end-to-end tests install from a dependency group."""
    vcs = '\n[tool.hatch.version]\nsource = "vcs"\n'
    members = "\n".join(f"acme-tap-{n} = {{ workspace = true }}" for n in ("csv", "sql"))
    root = (
        project("acme-sdk", None, backend="hatch-vcs", extra=vcs)
        + '\n[dependency-groups]\npackages = ["acme-tap-csv", "acme-tap-sql"]\n'
        + f'\n[tool.uv.sources]\n{members}\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    files = {
        "pyproject.toml": root,
        ".github/workflows/release.yml": workflow,
        **{
            f"packages/acme-tap-{n}/pyproject.toml": project(
                f"acme-tap-{n}", None, backend="hatch-vcs", extra=vcs, requires=["acme-sdk"]
            )
            for n in ("csv", "sql")
        },
    }
    root_dir = repo(tmp_path / "r", files, tags=["v0.4.0"])
    commit(root_dir, {"src.txt": "x"}, "v0.5.0")
    return root_dir


ROOT_ONLY = """on:
  push:
jobs:
  build:
    steps:
    - uses: hynek/build-and-inspect-python-package@v2
  publish:
    steps:
    - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_members_the_released_root_only_tests_with_are_packages(tmp_path: Path) -> None:
    """The shape: members the released root requires only in a
    dependency group are declared members with a build backend, so packages: no guess about
    its tests' samples drops one, whatever the workflows build."""
    workflow = ROOT_ONLY.replace(
        "- uses: hynek/build-and-inspect-python-package@v2", "- run: uv build --all"
    )
    for kind, text in (("root-only", ROOT_ONLY), ("all", workflow)):
        ws = load_workspace(_sdk_with_fixture_members(tmp_path / kind, text))
        assert sorted(p.name for p in ws.packages) == ["acme-sdk", "acme-tap-csv", "acme-tap-sql"]
        assert not ws.unreleased


def test_projects_in_developer_tool_directories_are_not_released_unless_tagged(
    tmp_path: Path,
) -> None:
    """The shape: no root project, the library in python/ and the developer
    tool dev/archery (a setup.py at 0.1.0, never released) found beside it; a
    ``release/`` tool is the same. A tagged one stays."""
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n",
        "python/pyproject.toml": project("acme", "2.0.0"),
        "dev/archery/setup.py": 'from setuptools import setup\nsetup(name="archery", version="0.1.0")\n',
        "release/pyproject.toml": project("acme-release-tool", "0.1.0", backend="setuptools"),
        "tools/lint/pyproject.toml": project("acme-lint", "0.3.0"),
    }
    root = repo(tmp_path / "r", files, tags=["acme-lint-v0.3.0"])
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["acme", "acme-lint"]
    [note] = [n for n in ws.notes if "developer tools" in n]
    assert note.startswith("release (acme-release-tool), dev/archery (archery): in an examples")


def test_a_root_project_no_backend_can_build_leaves_the_packages_below(tmp_path: Path) -> None:
    """The shape: the root pyproject.toml names ``acme`` with a dynamic version
    but has no [build-system], setup.py or setuptools setting to compute it (metadata a
    release script packs binaries with); the wheel is built by maturin from
    ``crates/acme-python``, its version in Cargo.toml. The root was an error."""
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[project]\nname = "acme"\ndynamic = ["version"]\n',
            "crates/acme-python/pyproject.toml": project("acme", None, backend="maturin"),
            "crates/acme-python/Cargo.toml": '[package]\nname = "acme-python"\nversion = "2.1.0"\n',
        },
        tags=["v2.0.0"],
    )
    ws = discover(root)
    assert ws.broken == ()
    (pkg,) = ws.packages
    assert (pkg.name, pkg.version, pkg.directory) == ("acme", "2.1.0", root / "crates/acme-python")
    alone = repo(
        tmp_path / "alone", {"pyproject.toml": '[project]\nname = "acme"\ndynamic = ["version"]\n'}
    )
    with pytest.raises(
        ConfigError, match=r"dynamic version and no \[build-system\].*version-files"
    ):
        discover(alone)


def test_tags_that_name_no_package_are_one_warning_for_all_of_them(tmp_path: Path) -> None:
    """The shape: dozens of servers with versions of their own, and repository
    tags (``2026.08.20260813230114``) naming none of them: one warning lists the packages,
    not one line each."""
    files = {f"src/s{n}/pyproject.toml": project(f"acme-s{n}-server", "1.0.0") for n in range(5)}
    root = repo(tmp_path / "r", files, tags=["2026.08.20260813230114"])
    ws = discover(root)
    tagged = [w for w in ws.warnings if "exist but none names" in w]
    assert tagged == [
        "acme-s0-server, acme-s1-server, acme-s2-server and 2 more: tags such as "
        "2026.08.20260813230114 exist but none names them; set tag-format (e.g. "
        'tag-format = "{version}", as 2026.08.20260813230114) in each one\'s [tool.relnox] '
        "if their releases are tagged another way"
    ]
    checked = run_relnox("check-versions", cwd=root, check=True).stdout
    assert [line[4:] for line in checked.splitlines() if line.startswith("  ! ")] == tagged


def test_a_dunder_version_in_another_module_that_says_the_version_moves_with_it(
    tmp_path: Path,
) -> None:
    """The shape: ``__version__ = "1.31.0"`` in ``tio/service.py`` (sent in
    its client headers) beside ``[project] version``; a release moves both. A module whose
    ``__version__`` says another version (a vendored one's), or whose ``VERSION`` says
    this one (an API's, by chance), is not a copy."""
    from relnox.bump import BumpOptions, apply_bump, plan_bump

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("tio", "1.31.0"),
            "tio/__init__.py": "",
            "tio/service.py": 'import os\n\n__version__ = "1.31.0"\n',
            "tio/vendored.py": '__version__ = "2.0.1"\n',
            "tio/api.py": 'VERSION = "1.31.0"\n',
        },
        tags=["1.31.0"],
    )
    ws = load_workspace(root)
    names = [str(loc.path.relative_to(root)) for loc in ws.packages[0].locations]
    assert names == ["pyproject.toml", "tio/service.py"]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "tio/service.py").read_text() == 'import os\n\n__version__ = "1.32.0"\n'
    assert (root / "tio/api.py").read_text() == 'VERSION = "1.31.0"\n'


def test_plugins_at_a_placeholder_local_version_are_not_released_by_relnox(
    tmp_path: Path,
) -> None:
    """The shape: ``plugins/*/setup.py`` at ``__version__ = "0.0.0+develop"``, which
    the release workflow replaces with the library's version before building: no index
    takes that version and no tag released it, so scanning leaves them out with a note
    (they were listed as releasable at 0.0.0+develop)."""
    plugin = (
        'from setuptools import setup\n\n__version__ = "0.0.0+develop"\n\n'
        "setup(name='flyte-plugin-{}', version=__version__)\n"
    )
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 88\n",
        "lib/pyproject.toml": project("flyte", "1.2.0"),
        "plugins/pod/setup.py": plugin.format("pod"),
        "plugins/sql/setup.py": plugin.format("sql"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["flyte"]
    assert any(
        n.startswith("plugins/pod/setup.py (flyte-plugin-pod) is at 0.0.0+develop")
        for n in ws.notes
    )


@pytest.mark.parametrize(("dist_name", "name"), [(None, "ptyx"), ("ptyx-dist", "ptyx-dist")])
def test_flit_s_old_metadata_table_is_a_package(
    tmp_path: Path, dist_name: str | None, name: str
) -> None:
    """The shape: no ``[project]``, only flit's ``[tool.flit.metadata]`` (module,
    maybe dist-name) that flit_core < 4 builds from, the version in the module's
    ``__version__``. relnox said there was no package to release."""
    from relnox.release.doctor import doctor

    flit = 'module = "ptyx"\ndescription-file = "README.rst"\nrequires-python = ">=3.7"\n'
    flit += f'dist-name = "{dist_name}"\n' if dist_name else ""
    flit += 'classifiers = ["License :: OSI Approved :: ISC License (ISCL)"]\n'
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["flit_core >=2,<4"]\n'
        'build-backend = "flit_core.buildapi"\n\n[tool.flit.metadata]\n' + flit,
        "ptyx/__init__.py": '"""Run it in a pty"""\n\n__version__ = "0.7.0"\n',
        "README.rst": "ptyx\n====\n\nRuns things.\n",
    }
    root = repo(tmp_path / "r", files, tags=["0.7.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version, pkg.version_source) == (name, "0.7.0", "flit")
    assert pkg.import_packages == ("ptyx",)
    assert not [c for c in doctor(root).checks if c.status == "error"]


def test_a_testbed_app_beside_lockstep_packages_is_not_released(tmp_path: Path) -> None:
    """The shape: no root project, the packages side by side (core/, gtk/ ...)
    versioned by the shared v tags, and testbed/, the app that runs the test suite on each
    platform (version 0.0.1, no tag of its own): said and left out, not bumped with them."""
    files = {
        "pyproject.toml": "[tool.coverage.run]\nrelative_files = true\n",
        "core/pyproject.toml": project("acme-core", dynamic=True, backend="setuptools-scm"),
        "gtk/pyproject.toml": project(
            "acme-gtk", dynamic=True, backend="setuptools-scm", requires=["acme-core"]
        ),
        "testbed/pyproject.toml": '[project]\nname = "testbed"\nversion = "0.0.1"\n',
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v0.5.6"]))
    assert sorted(p.name for p in ws.packages) == ["acme-core", "acme-gtk"]
    assert any(n.startswith("testbed (testbed): in an examples, tests") for n in ws.notes)


def test_a_tool_beside_a_workspace_below_is_not_taken_for_the_package(tmp_path: Path) -> None:
    """The shape: no root pyproject.toml; sdk/python/pyproject.toml is a uv workspace
    (a virtual project, no [build-system]) whose members sdk/python/packages/* lie below
    the walk's depth, and tools/docs-gen is the repository's own tool. The tool alone was
    taken for the repository's package (with its v tags); the error now names the
    workspace and how to run relnox on it."""
    files = {
        "sdk/python/pyproject.toml": (
            '[project]\nname = "acme-dev"\nversion = "0.1.0"\ndependencies = ["acme"]\n'
            '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
        ),
        "sdk/python/packages/acme/pyproject.toml": project("acme", "1.0.0"),
        "tools/docs-gen/pyproject.toml": project("docs-gen", "0.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    with pytest.raises(ConfigError) as info:
        load_workspace(root)
    assert "sdk/python/pyproject.toml is a workspace" in str(info.value)
    assert "pass --root sdk/python" in str(info.value)
    assert [p.name for p in load_workspace(root / "sdk" / "python").packages] == ["acme"]


def test_a_root_of_tools_settings_with_nothing_below_says_so(tmp_path: Path) -> None:
    """The shape: a JavaScript project whose root pyproject.toml holds only its
    linters' settings ([tool.codespell], [tool.ruff]) and no Python project below. The
    error said to add [tool.uv.workspace] members or [tool.relnox] packages, which could
    name nothing; it now says what the file holds and that nothing below is a project."""
    files = {
        "pyproject.toml": '[tool.codespell]\nskip = "*.js"\n\n[tool.ruff]\nline-length = 114\n',
        "core/package.json": '{"name": "core"}\n',
        "core/src/x.py": "X = 1\n",
    }
    root = repo(tmp_path / "r", files)
    with pytest.raises(ConfigError) as info:
        load_workspace(root)
    assert str(info.value) == (
        f"{root / 'pyproject.toml'}: no package to release: it holds only tools' settings "
        "([tool.codespell], [tool.ruff]) and no directory below holds a pyproject.toml or "
        "setup.py; run relnox where a Python package is (or pass --root), or add a [project] "
        "table with name and version if this is one"
    )


def test_a_released_project_the_uv_workspace_excludes_is_said_so(tmp_path: Path) -> None:
    """The shape: ``[tool.uv.workspace] exclude`` leaves its zipkin
    exporter out of the lock, and its tags still release it. The note said no workspace
    file lists it; it now names the exclude that leaves it out."""
    members = '[tool.uv.workspace]\nmembers = ["exporter/*"]\nexclude = ["exporter/zipkin"]\n'
    files = {
        "pyproject.toml": project("acme", "1.0.0", extra=members),
        "exporter/otlp/pyproject.toml": project("acme-otlp", "1.0.0"),
        "exporter/zipkin/pyproject.toml": project("acme-zipkin", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0", "acme-zipkin-v1.0.0"])
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["acme", "acme-otlp", "acme-zipkin"]
    assert (
        "exporter/zipkin is released (tags named acme-zipkin exist), though [tool.uv.workspace] "
        "exclude leaves it out; [tool.relnox] packages decides otherwise"
    ) in ws.notes


def test_an_empty_uv_exclude_entry_is_one_line_naming_it(tmp_path: Path) -> None:
    """``exclude = [""]``: pathlib refuses to glob an empty pattern, and discovery showed
    its ValueError as a traceback; it is now one line naming the entry and the fix."""
    members = '[tool.uv.workspace]\nmembers = ["libs/*"]\nexclude = ["libs/old", " "]\n'
    files = {
        "pyproject.toml": project("acme", "1.0.0", extra=members),
        "libs/core/pyproject.toml": project("acme-core", "1.0.0"),
    }
    root = repo(tmp_path / "r", files)
    with pytest.raises(ConfigError) as info:
        load_workspace(root)
    assert str(info.value) == (
        f"{root / 'pyproject.toml'}: [tool.uv.workspace] exclude has an empty entry ' '; "
        'remove it, or write the directory to leave out ("packages/old")'
    )


def test_a_private_directory_below_a_root_of_tools_settings_holds_no_package(
    tmp_path: Path,
) -> None:
    """The shape: ``libraries/*`` are the packages, beside
    ``libraries/_template`` (the project a script copies for a new integration, at 0.0.1
    with "<insert description here>"), which a leading underscore marks private: not a
    package (it was one, bumped and built with the others)."""
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "libraries/lib-a/pyproject.toml": project("lib-a", "0.1.0"),
        "libraries/lib-b/pyproject.toml": project("lib-b", "0.2.0"),
        "libraries/_template/pyproject.toml": project("example-integration", "0.0.1"),
    }
    ws = load_workspace(repo(tmp_path / "r", files))
    assert sorted(p.name for p in ws.packages) == ["lib-a", "lib-b"]


def test_a_workspace_member_named_for_tests_that_nothing_releases_is_left_out(
    tmp_path: Path,
) -> None:
    """The shape: ``packages/*`` holds the libraries and
    ``packages/kit-integration-tests`` (it requires them; no tag names it, no package
    requires it): the test suite, said and left out like an example (it was bumped and
    built as a package). Named by a tag, it stays."""
    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    files = {
        "pyproject.toml": members,
        "packages/kit/pyproject.toml": project("kit", "1.0.0"),
        "packages/kit-integration-tests/pyproject.toml": project(
            "kit-integration-tests", "0.1.0", requires=["kit"]
        ),
    }
    root = repo(tmp_path / "r", files, tags=["kit-v1.0.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["kit"]
    assert any(n.startswith("packages/kit-integration-tests (") for n in ws.notes), ws.notes
    git(root, "tag", "kit-integration-tests-v0.1.0")
    assert len(load_workspace(root).packages) == 2


def test_setup_py_requirements_behind_a_dynamic_dependencies_order_the_release(
    tmp_path: Path,
) -> None:
    """The shape: each plugin's pyproject.toml says ``dynamic = ["version",
    "dependencies"]`` and its setup.py gives ``install_requires``, a list of f-strings
    (``f"bot[plugin]>={version}"``) or one a module-level ``if`` extends
    (``install_requires.extend([f"zcore>={version}", f"bot>={version}"])`` unless a
    snap is built). relnox read requirements files only for a dynamic ``dependencies`` and
    saw no internal dependency at all (every plugin released before the core); setuptools
    takes them from setup.py, and so does relnox, in both shapes."""

    def pyproject(name: str) -> str:
        return (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
            f'[project]\nname = "{name}"\ndynamic = ["version", "dependencies"]\n'
        )

    plugin = (
        "import os\nfrom setuptools import setup\nversion = '2.1.0'\n"
        "install_requires = ['cloudflare>=4.0']\n"
        "if os.environ.get('SNAP_BUILD'):\n    install_requires.append('packaging')\n"
        "else:\n    install_requires.extend([f'zcore>={version}', f'bot>={version}'])\n"
        "setup(version=version, install_requires=install_requires)\n"
    )
    root = repo(
        tmp_path / "r",
        {
            "zcore/setup.py": "from setuptools import setup\nsetup(version='2.1.0')\n",
            "zcore/pyproject.toml": pyproject("zcore"),
            "zcore/zcore/__init__.py": "",
            "bot/setup.py": (
                "from setuptools import setup\nversion = '2.1.0'\n"
                "install_requires = [f'zcore>={version}', 'josepy']\n"
                "setup(version=version, install_requires=install_requires)\n"
            ),
            "bot/pyproject.toml": pyproject("bot"),
            "bot/bot/__init__.py": "",
            "bot-dns/setup.py": plugin,
            "bot-dns/pyproject.toml": pyproject("bot-dns"),
            "bot-dns/bot_dns/__init__.py": "",
        },
        ["v2.0.0"],
    )
    ws = load_workspace(root)
    deps = {pkg.name: pkg.internal_deps for pkg in ws.packages}
    assert deps == {"zcore": (), "bot": ("zcore",), "bot-dns": ("zcore", "bot")}
    assert [pkg.name for pkg in ws.packages] == ["zcore", "bot", "bot-dns"]


def test_a_root_with_an_empty_dependencies_list_is_the_development_project(tmp_path: Path) -> None:
    """The shape: the root's [project] has no build system and ``dependencies = []`` (it
    installs nothing), its dev group takes the packages below from their folders; they are
    released by their own tags. A bump releases them, not the root."""
    root_doc = (
        '[project]\nname = "acme-monorepo"\nversion = "0.1.0"\ndependencies = []\n\n'
        '[dependency-groups]\ndev = ["acme-lib"]\n\n'
        '[tool.uv.sources]\nacme-lib = { path = "libs/acme-lib", editable = true }\n'
    )
    files = {"pyproject.toml": root_doc, "libs/acme-lib/pyproject.toml": project("acme-lib")}
    root = repo(tmp_path / "r", files, tags=["libs/acme-lib/v1.0.0"])
    commit(root, {"libs/acme-lib/README.md": "fix\n"})
    done = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "acme-lib: 1.0.0 -> 1.0.1" in done.stdout
    assert "acme-monorepo" not in done.stdout
