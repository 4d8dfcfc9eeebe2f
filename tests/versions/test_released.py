"""The projects the release history says are released: tag names read only as far as a
wanted name needs, the same answer as reading every tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.errors import ConfigError, VersionError
from relnox.project.discovery import load_workspace
from relnox.versions.released import evidence, tag_stems
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

TAGS = [
    "v1.0.0",
    "agent/v1.0.0",
    "libs/Core_Lib-v2.0.0",
    "name==4.2.0",
    "Pkg.Name@1.0.0rc1",
    "cua-driver-rs-v0.1.0",
    "nightly-cua-driver-1.0.0",
    "python-v0.7.5",
    "docs-build",
    "release-2024",
]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = repo(tmp_path_factory.mktemp("stems") / "r", {"README.md": "x\n"})
    for tag in TAGS:
        git(root, "tag", tag)
    return root


@pytest.mark.parametrize(
    "among",
    [
        set(),
        {"agent"},
        {"corelib", "pkgname", "name"},
        {"cua", "cuadriver", "cuadriverrs", "python"},
        {"v", "", "release", "docs", "nightlycuadriver"},
        {"lib", "core", "driver"},
    ],
)
def test_wanted_names_give_what_every_tag_gives(tagged: Path, among: set[str]) -> None:
    every = tag_stems(tagged)
    assert every >= {"agent", "corelib", "name", "pkgname", "cuadriverrs", "python"}
    assert tag_stems(tagged, among) == every & among


def test_a_workflow_that_never_names_the_directory_is_no_evidence(tmp_path: Path) -> None:
    project = tmp_path / "runtime" / "linux"
    workflows = "jobs:\n  build:\n    working-directory: runtime/windows\n"
    assert evidence(project, "rt-linux", tmp_path, frozenset(), workflows) is None
    named = workflows + "    working-directory:\n      ./runtime/linux\n"
    assert evidence(project, "rt-linux", tmp_path, frozenset(), named) == (
        "the release workflow builds runtime/linux"
    )


def test_a_cache_key_ending_in_path_names_no_build_directory(tmp_path: Path) -> None:
    """``cache-dependency-path: requirements/*.txt`` (setup-python's cache key) says where
    the lock files are, not where a release is built."""
    project = tmp_path / "requirements"
    cached = "jobs:\n  test:\n    with:\n      cache-dependency-path: requirements/*.txt\n"
    assert evidence(project, "reqs", tmp_path, frozenset(), cached) is None
    built = cached + "      path: requirements\n"
    assert evidence(project, "reqs", tmp_path, frozenset(), built) is not None
    # a reusable workflow's input naming the directory it builds (this shape)
    module = cached + '      module_path: "requirements"\n'
    assert evidence(project, "reqs", tmp_path, frozenset(), module) is not None


def test_a_plugin_whose_dist_folder_the_release_workflow_publishes_is_released(
    tmp_path: Path,
) -> None:
    """A root package beside ``plugins/templater`` ([project], no [build-system]: built by
    setuptools' default) that no workspace lists: a release workflow that takes
    ``plugins/templater/dist`` says it is released, in step with the root's bare tags and
    its pin on the root followed; a plugin no workflow names stays a note, and a tag
    named after a project without [build-system] is no evidence on its own."""
    workflow = (
        "on:\n  release:\n    types: [published]\njobs:\n  run:\n    steps:\n"
        "      - run: tox -e build-dist -- plugins/templater\n"
        "      - run: cp -r plugins/templater/dist/. dist/\n"
    )
    plugin = '[project]\nname = "tool-templater"\nversion = "4.3.0"\n'
    plugin += 'dependencies = ["tool==4.3.0"]\n'
    files = {
        "pyproject.toml": project("tool", "4.3.0", backend="setuptools"),
        "plugins/templater/pyproject.toml": plugin,
        "plugins/linter/pyproject.toml": '[project]\nname = "tool-linter"\nversion = "1.0.0"\n',
        ".github/workflows/publish.yml": workflow,
    }
    root = repo(tmp_path / "r", files, tags=["4.3.0", "tool-linter-v1.0.0"])
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["tool", "tool-templater"], ws.notes
    assert any(
        "the release workflow takes the files of plugins/templater/dist" in n for n in ws.notes
    )
    assert any(
        n.startswith("plugins/linter/pyproject.toml (tool-linter) is not a member")
        for n in ws.notes
    ), ws.notes
    assert str(ws.get("tool-templater").released) == "4.3.0"
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert plan.versions == {"tool": ("4.3.0", "4.4.0"), "tool-templater": ("4.3.0", "4.4.0")}
    assert plan.rewrites == [
        "tool-templater requires tool==4.4.0 (was tool==4.3.0) in plugins/templater/pyproject.toml"
    ]


def test_a_dist_folder_is_evidence_only_as_a_path_of_its_own(tmp_path: Path) -> None:
    project_dir = tmp_path / "plugins" / "x"
    for text, found in [
        ("run: cp plugins/x/dist/* dist/", True),
        ("packages-dir: './plugins/x/dist'", True),
        ("run: cp myplugins/x/dist/* dist/", False),
        ("run: cp plugins/x/distribution/* dist/", False),
        ("run: cp tests/plugins/x/dist dist", False),
    ]:
        why = evidence(project_dir, "x", tmp_path, frozenset(), text)
        assert (why is not None) == found, text


def test_a_project_a_dispatched_publishing_workflow_builds_is_released(tmp_path: Path) -> None:
    """The shape: the root package, and a CLI in ``cli/python`` (tagged ``cli-v0.2.11``)
    and an integration in ``integrations/strands-memo/python`` (not yet tagged), each
    published by a workflow a release router dispatches (``on: workflow_dispatch``, with
    ``working-directory`` and the PyPI publish action): those workflows release them. So
    does the tag workflow whose publishing action is given ``working_directory: "libs/parse"``
    (an action's input spelled with an underscore)."""

    def publishing(rel: str) -> str:
        return (
            "on:\n  workflow_dispatch:\n    inputs:\n      tag:\n        type: string\n"
            f"jobs:\n  publish:\n    defaults:\n      run:\n        working-directory: {rel}\n"
            "    steps:\n      - run: hatch build --clean\n"
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        )

    files = {
        "pyproject.toml": project("memo", "2.0.18"),
        "cli/python/pyproject.toml": project("memo-cli", "0.2.11"),
        "integrations/strands-memo/python/pyproject.toml": project("strands-memo", "0.1.0"),
        "integrations/other/python/pyproject.toml": project("memo-other", "0.3.0"),
        ".github/workflows/cli-python-cd.yml": publishing("cli/python"),
        ".github/workflows/strands-cd.yml": publishing("integrations/strands-memo/python"),
        "libs/parse/pyproject.toml": project("memo-parse", "2.0.18"),
        ".github/workflows/tag-cd.yml": (
            "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    steps:\n"
            "      - uses: acme/poetry-publish@v2\n"
            '        with:\n          working_directory: "libs/parse"\n'
        ),
        # a workflow that only tests a project is no evidence
        ".github/workflows/other-ci.yml": publishing("integrations/other/python").replace(
            "      - uses: pypa/gh-action-pypi-publish@release/v1\n", "      - run: pytest\n"
        ),
    }
    root = repo(tmp_path / "r", files, tags=["v2.0.18", "cli-v0.2.11"])
    ws = load_workspace(root)
    names = sorted(p.name for p in ws.packages)
    assert names == ["memo", "memo-cli", "memo-parse", "strands-memo"], ws.notes
    assert ws.tag_format_of(ws.get("memo-cli")) == "cli-v{version}"
    assert ws.tag_format_of(ws.get("strands-memo")) == "{name}-v{version}"


def test_a_project_below_each_of_the_roots_last_tags_releases_is_released(
    tmp_path: Path,
) -> None:
    """The shape: the root ``uv`` and ``crates/uv-build`` (no workspace lists it) at one
    version, each of the root's last tags (``0.12.3`` ... ``0.12.5``) made where both files
    say it; the build workflow that builds the crate is called by the release, not run on
    tags. The tags release it with the root, one tag for both. A benchmark under
    ``scripts/`` bumped along is the repository's own tool."""

    def at(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("tool", version),
            "crates/tool-build/pyproject.toml": project("tool-build", version),
            "scripts/bench/pyproject.toml": project("tool-bench", version),
        }

    root = repo(tmp_path / "r", at("0.12.3"), tags=["0.12.3"])
    commit(root, at("0.12.4"), "0.12.4")
    commit(root, at("0.12.5"), "0.12.5")
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["tool", "tool-build"], ws.notes
    assert ws.tag_format_of(ws.get("tool-build")) == "{version}"
    plan = plan_bump(ws, BumpOptions(part="patch", packages=("tool",)))
    assert plan.versions == {"tool": ("0.12.5", "0.12.6"), "tool-build": ("0.12.5", "0.12.6")}


def test_projects_a_released_root_requires_through_a_dependencies_plugin_are_released(
    tmp_path: Path,
) -> None:
    """The shape: the root ``acme`` lists ``acme-core ==
    {version}`` and an extra per plugin in ``[tool.setuptools_dynamic_dependencies]``
    (filled with the root's version at build), and each of ``packages/*`` is
    tag-versioned from the same tags: the root cannot be installed without them, so they
    are released with it (they were notes)."""
    scm = '\n[tool.setuptools_scm]\nroot = "../.."\n'
    root_extra = (
        "\n[tool.setuptools_scm]\n\n[tool.setuptools_dynamic_dependencies]\n"
        'dependencies = ["acme-core == {version}"]\n\n'
        "[tool.setuptools_dynamic_dependencies.optional-dependencies]\n"
        'plug = ["acme-plug == {version}"]\n'
    )
    files = {
        "pyproject.toml": project("acme", None, backend="setuptools-scm", extra=root_extra),
        "packages/acme_core/pyproject.toml": project(
            "acme-core", None, backend="setuptools-scm", extra=scm
        ),
        "packages/acme_plug/pyproject.toml": project(
            "acme-plug", None, backend="setuptools-scm", extra=scm
        ),
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["acme", "acme-core", "acme-plug"], ws.notes
    assert {p.name: p.version for p in ws.packages} == dict.fromkeys(
        ["acme", "acme-core", "acme-plug"], "1.2.0"
    )
    assert [p.name for p in ws.packages][-1] == "acme"  # released after what it requires


def test_many_projects_released_without_a_workspace_file_are_one_note(tmp_path: Path) -> None:
    """A root's 33 plugins it requires: one note says how many and a few,
    not one note each."""
    plugins = [f"acme-p{n:02}" for n in range(12)]
    deps = ", ".join(f'"{name}==1.0.0"' for name in plugins)
    files = {
        "pyproject.toml": project("acme", "1.0.0")
        + f"\n[project.optional-dependencies]\nall = [{deps}]\n",
        **{f"packages/{name}/pyproject.toml": project(name, "1.0.0") for name in plugins},
    }
    ws = load_workspace(repo(tmp_path / "r", files))
    assert len(ws.packages) == 13
    released = [n for n in ws.notes if "though no workspace file lists" in n]
    assert released == [
        "12 projects below are released, though no workspace file lists them "
        "(packages/acme-p00: acme requires it; packages/acme-p01: acme requires it; "
        "packages/acme-p02: acme requires it and 9 more); [tool.relnox] packages decides "
        "otherwise"
    ]


def test_a_project_below_a_line_released_as_betas_is_released(tmp_path: Path) -> None:
    """The shape: the line is released only as betas
    (``v0.63b1``, ``v0.64b0``, ``v0.65b0``; one old final ``v1.16.0`` made by mistake), and
    ``processor/otel-processor-baggage``, which no workspace lists, holds its version in a
    hatch ``path`` file that says each tag's version at its commit: released with them."""
    hatch = '[tool.hatch.version]\npath = "src/{}/version.py"\n'
    members = '[tool.uv.workspace]\nmembers = ["instrumentation/*"]\n'

    def at(version: str) -> dict[str, str]:
        line = f'__version__ = "{version}"\n'
        return {
            "pyproject.toml": project("otel-contrib", "0.0.0", extra=members),
            "instrumentation/flask/pyproject.toml": project(
                "otel-flask", None, extra=hatch.format("flask")
            ),
            "instrumentation/flask/src/flask/version.py": line,
            "processor/baggage/pyproject.toml": project(
                "otel-processor-baggage", None, extra=hatch.format("baggage")
            ),
            "processor/baggage/src/baggage/version.py": line,
        }

    root = repo(tmp_path / "r", at("0.62b0"), tags=["v1.16.0"])
    for version in ("0.63b1", "0.64b0", "0.65b0"):
        commit(root, at(version), f"v{version}")
    commit(root, at("0.66b0.dev"))
    ws = load_workspace(root)
    assert "otel-processor-baggage" in [p.name for p in ws.packages], ws.notes
    assert ws.tag_format_of(ws.get("otel-processor-baggage")) == "v{version}"


def test_setup_py_projects_whose_version_file_says_each_of_the_roots_last_tags_are_released(
    tmp_path: Path,
) -> None:
    """The shape: a root ``setup.py`` metapackage (its pyproject.toml holds only tools'
    settings) reads its version from ``acme-core/acme/_version.py``, and each of
    ``acme-core/`` and ``acme-plug/`` is a setup.py project whose ``setup.py`` reads its own
    ``_version.py``; the shared tags ``v1.6.0``, ``v1.7.0`` are made where every file says
    them. The tags release them with the root (they were notes, and a bump moved only the
    root's file)."""
    setup = (
        "import runpy\nfrom setuptools import setup\n"
        "__version__ = runpy.run_path('{path}')['__version__']\n"
        "setup(name='{name}', version=__version__, packages=['{pkg}'])\n"
    )
    build = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'

    def at(version: str) -> dict[str, str]:
        line = f'__version__ = "{version}"\n'
        files = {
            "pyproject.toml": build + "\n[tool.black]\nline-length = 100\n",
            "setup.py": setup.format(
                path="acme-core/acme/_version.py", name="acme", pkg=""
            ).replace("['']", "[]"),
        }
        for name, pkg in (("acme-core", "acme"), ("acme-plug", "acme_plug")):
            files[f"{name}/pyproject.toml"] = build
            files[f"{name}/setup.py"] = setup.format(path=f"{pkg}/_version.py", name=name, pkg=pkg)
            files[f"{name}/{pkg}/__init__.py"] = "from ._version import __version__\n"
            files[f"{name}/{pkg}/_version.py"] = line
        return files

    root = repo(tmp_path / "r", at("1.6.0"), tags=["v1.6.0"])
    commit(root, at("1.7.0"), "v1.7.0")
    commit(root, at("1.8.0.dev0"))
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["acme", "acme-core", "acme-plug"], ws.notes
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert plan.versions == dict.fromkeys(
        ["acme", "acme-core", "acme-plug"], ("1.8.0.dev0", "1.8.0")
    )


def test_a_binding_uv_never_builds_below_a_root_without_pyproject_is_released_by_its_workflow(
    tmp_path: Path,
) -> None:
    """The shape: no root pyproject.toml, a Rust core, and ``bindings/python`` (maturin,
    ``[tool.uv] package = false`` so ``uv run`` does not rebuild it) that the release
    workflow builds on ``v*`` tags, the core's: found and released (it was "no package in the
    directories below"). Without the workflow, the error names it and ``--root``. A minor
    bump onto another project's tag says what the binding's file said there."""
    uv_virtual = "\n[tool.uv]\npackage = false\n"
    workflow = (
        "on:\n  push:\n    tags: ['v*']\njobs:\n  wheels:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: maturin build\n        working-directory: bindings/python\n"
    )
    files = {
        "core/Cargo.toml": '[package]\nname = "core"\nversion = "0.5.0"\n',
        "bindings/python/pyproject.toml": project("binding", "0.1.0", extra=uv_virtual),
        "bindings/python/binding/__init__.py": "",
        ".github/workflows/release.yml": workflow,
    }
    root = repo(tmp_path / "r", files, tags=["v0.3.0"])
    core, binding = "core/Cargo.toml", "bindings/python/pyproject.toml"
    commit(root, {core: '[package]\nname = "core"\nversion = "0.6.0"\n'}, "v0.6.0")
    commit(root, {binding: project("binding", "0.2.1", extra=uv_virtual)})
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["binding"], ws.notes
    with pytest.raises(VersionError) as info:
        plan_bump(ws, BumpOptions(part="minor"))
    assert "(its tag v0.3.0 exists, but bindings/python/pyproject.toml says 0.1.0 at its" in str(
        info.value
    )
    git(root, "rm", "-q", ".github/workflows/release.yml")
    git(root, "commit", "-q", "-m", "no workflow")
    with pytest.raises(ConfigError) as error:
        load_workspace(root)
    assert str(error.value) == (
        f"{root}: no pyproject.toml here, and bindings/python/pyproject.toml sets [tool.uv] "
        "package = false (a project uv never builds) with no tag or release workflow naming "
        "it: if it is released, run relnox in bindings/python, or pass --root bindings/python"
    )


def test_a_root_project_that_builds_and_installs_nothing_beside_released_packages_is_not_one(
    tmp_path: Path,
) -> None:
    """The shape: the root ``[project]`` (``lite-root``, a name and version for
    dependency groups, no ``[build-system]``, setup.py or dependencies) beside ``py/lite``
    and ``py/lite-core``, whose hatch version files say each of the last ``v*`` tags. The
    root is the development project, not a package (relnox released it as a setuptools
    project), and its version moves with theirs."""
    hatch = '[tool.hatch.version]\npath = "{}/__init__.py"\n'

    def at(version: str) -> dict[str, str]:
        files = {
            "pyproject.toml": f'[project]\nname = "lite-root"\nversion = "{version}"\n\n'
            '[dependency-groups]\ndev = ["ruff"]\n'
        }
        for name in ("lite", "lite-core"):
            module = name.replace("-", "_")
            files[f"py/{name}/pyproject.toml"] = project(name, None, extra=hatch.format(module))
            files[f"py/{name}/{module}/__init__.py"] = f'__version__ = "{version}"\n'
        return files

    root = repo(tmp_path / "r", at("0.7.0"), tags=["v0.7.0"])
    commit(root, at("0.8.0"), "v0.8.0")
    commit(root, at("0.9.0a0"))
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["lite", "lite-core"], ws.notes
    assert any(n.startswith("pyproject.toml (lite-root) has no [build-system]") for n in ws.notes)
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert plan.versions == dict.fromkeys(["lite", "lite-core"], ("0.9.0a0", "0.9.0"))
    assert root / "pyproject.toml" in {edit.path for edit in plan.edits}


def test_an_extension_whose_tags_call_it_by_a_word_of_its_name_is_released(
    tmp_path: Path,
) -> None:
    """The shape: a core package tagged ``v1.17.5`` and, in ``ext/acme-ext-workflow`` (no
    workspace file lists it), an extension tagged ``workflow-v1.17.5`` where its file says
    1.17.5, at each of its highest tags; a core release without it (``v1.18.0``) and an old
    tag its file never said (``workflow-v1.14.1`` at 0.5.0). The short tags are its releases:
    listed, its next tag ``workflow-v1.17.6``; the old one is never its last release."""
    ext = "ext/acme-ext-workflow/pyproject.toml"
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.17.2"), ext: project("acme-ext-workflow", "0.5.0")},
        tags=["v1.17.2", "workflow-v1.14.1"],
    )
    for version in ("1.17.3", "1.17.4", "1.17.5"):
        files = {
            "pyproject.toml": project("acme", version),
            ext: project("acme-ext-workflow", version),
        }
        commit(root, files, f"v{version}", f"workflow-v{version}")
    commit(root, {"pyproject.toml": project("acme", "1.18.0")}, "v1.18.0")
    commit(root, {"ext/acme-ext-workflow/README.md": "x\n"})
    listed = run_relnox("packages", cwd=root, check=True).stdout
    assert "workflow-v{version}" in listed, listed
    planned = run_relnox("plan", cwd=root, check=True).stdout
    assert "workflow-v1.17.5" in planned, planned
    bumped = run_relnox("bump", "--part", "patch", "--dry-run", "--tag", cwd=root, check=True)
    assert "-- workflow-v1.17.6" in bumped.stdout, bumped.stdout
