"""Every way a backend keeps a version, read as the backend reads it; bad inputs; drift."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.errors import ConfigError, VersionError
from relnox.project.discovery import discover, load_workspace
from relnox.versions.setup_py_layout import setup_py_layout
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo, write

INIT = '__version__ = "{}"\n'


@pytest.mark.parametrize(
    "extra",
    [
        '[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n',
        '[tool.hatch.version]\nsource = "versioningit"\n',
        "[tool.versioningit]\n",
        "[tool.setuptools-git-versioning]\nenabled = true\n",
        '[tool.pdm.version]\nsource = "scm"\n',
    ],
)
def test_version_from_tags_plugins(tmp_path: Path, extra: str) -> None:
    files = {"pyproject.toml": project("plug", None, extra=extra), "src/plug/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v2.1.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version_source, pkg.version) == ("vcs", "2.1.0")


def test_version_source_override(tmp_path: Path) -> None:
    extra = '[tool.relnox]\nversion-source = "vcs"\n'
    root = repo(tmp_path / "r", {"pyproject.toml": project("plug", None, extra=extra)}, ["0.3.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.evidence.startswith("[tool.relnox] version-source")) == ("0.3.0", True)


def test_maturin_cargo_version_with_workspace_inheritance(tmp_path: Path) -> None:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.4.0-beta.2"\n',
        "crates/py/Cargo.toml": '[package]\nname = "fast"\nversion.workspace = true\n',
        "crates/py/pyproject.toml": project("fast", None, backend="maturin"),
        "crates/py/python/fast/__init__.py": "",
        "pyproject.toml": '[tool.relnox]\npackages = ["crates/py"]\n',
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "0.4.0b2" and pkg.primary is not None
    assert pkg.primary.path == root / "Cargo.toml"
    # said from the package's directory, not as this machine's absolute paths
    assert pkg.evidence == (
        "../../Cargo.toml [workspace.package] version, inherited by Cargo.toml (maturin)"
    )
    apply_bump(plan_bump(ws, BumpOptions(to="0.4.0rc1", commit=True)))
    assert 'version = "0.4.0-rc.1"' in (root / "Cargo.toml").read_text()
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="release")))
    assert 'version = "0.4.0"' in (root / "Cargo.toml").read_text()


def test_maturin_own_cargo_version(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("native", None, backend="maturin"),
        "Cargo.toml": '[package]\nname = "native"\nversion = "1.2.3"\n',
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert (pkg.version, pkg.version_source) == ("1.2.3", "cargo")


def test_scikit_build_regex_and_meson(tmp_path: Path) -> None:
    sk = (
        "[tool.scikit-build.metadata.version]\n"
        'provider = "scikit_build_core.metadata.regex"\ninput = "src/sk/__init__.py"\n'
    )
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["sk", "ms"]\n',
        "sk/pyproject.toml": project("sk", None, backend="skbuild", extra=sk),
        "sk/src/sk/__init__.py": INIT.format("3.1.0"),
        "ms/pyproject.toml": project("ms", None, backend="meson"),
        "ms/meson.build": "project(\n  'ms',\n  'c',\n  meson_version: '>= 1.1',\n  version: '2.0.1',\n)\n",
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert {p.name: p.version for p in ws.packages} == {"sk": "3.1.0", "ms": "2.0.1"}
    apply_bump(plan_bump(ws, BumpOptions(part="minor", packages=["ms"])))
    assert "version: '2.1.0'" in (root / "ms/meson.build").read_text()
    assert "meson_version: '>= 1.1'" in (root / "ms/meson.build").read_text()


@pytest.mark.parametrize(
    "meson_build",
    [
        # a version: keyword inside the call that computes the version
        "project(\n  'mpl',\n  'c',\n  version: run_command(\n"
        "    find_program('python3', 'python', version: '>= 3.10'),\n"
        "    '-m', 'setuptools_scm', check: true).stdout().strip(),\n)\n",
        # a version: keyword of a dependency() after project()
        "project('mpl', 'c',\n  version: run_command(find_program('python3'), '-m', "
        "'setuptools_scm', check: true).stdout().strip(),\n)\n"
        "dep = dependency('pybind11', version: '>=2.6')\n",
    ],
)
def test_a_meson_version_computed_by_setuptools_scm_is_read_from_the_tags(
    tmp_path: Path, meson_build: str
) -> None:
    """The ``version: '...'`` of another call (find_program's, dependency's) is not
    project()'s version: the version comes from [tool.setuptools_scm]'s git tags."""
    scm = '[tool.setuptools_scm]\nversion_scheme = "release-branch-semver"\n'
    files = {
        "pyproject.toml": project("mpl", None, backend="meson", extra=scm).replace(
            '["meson-python"]', '["meson-python", "setuptools_scm>=7"]'
        ),
        "meson.build": meson_build,
        "mpl/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v3.10.1"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("3.10.1", "vcs")
    bump = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert bump.versions == {"mpl": ("3.10.1", "3.11.0")} and bump.tags == ["v3.11.0"]


@pytest.mark.parametrize(
    ("cfg_version", "more", "expected"),
    [
        ("1.4.1", {}, "1.4.1"),
        ("attr: sig.__version__", {"sig/__init__.py": INIT.format("1.4.2")}, "1.4.2"),
        ("file: VERSION", {"VERSION": "1.4.3\n"}, "1.4.3"),
    ],
)
def test_setup_cfg_metadata(
    tmp_path: Path, cfg_version: str, more: dict[str, str], expected: str
) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.cfg": f"[metadata]\nname = sig\nversion = {cfg_version}\n\n[options]\npython_requires = >=3.9\n",
        **more,
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.name, pkg.version, pkg.requires_python) == ("sig", expected, ">=3.9")
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert load_workspace(root).packages[0].version.startswith("1.5.0")


def test_a_setup_cfg_version_of_a_section_before_metadata_is_neither_read_nor_bumped(
    tmp_path: Path,
) -> None:
    """setuptools reads ``[metadata] version``: a ``version =`` of another section above it is
    not the package's, at HEAD, at its release tag, or in what a bump writes."""
    cfg = "[tool:docs]\nversion = 9.9\n\n[metadata]\nname = sig\nversion = 1.4.3\n"
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": cfg,
    }
    root = repo(tmp_path / "r", files, tags=["v1.4.3"])
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    assert (root / "setup.cfg").read_text() == cfg.replace("1.4.3", "1.5.0")
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "1.5.0"


@pytest.mark.parametrize(
    "config",
    [
        {"setup.cfg": "[metadata]\nname = sig\nversion = attr: sig.VERSION\n"},
        {"extra": '[tool.setuptools.dynamic]\nversion = {attr = "sig.VERSION"}\n'},
    ],
)
def test_a_setuptools_attr_naming_a_tuple_is_read_joined_with_dots_and_bumped_there(
    tmp_path: Path, config: dict[str, str]
) -> None:
    """setuptools joins a tuple or list ``attr`` names with dots: ``VERSION = (1, 4, 2)``
    builds 1.4.2, with no ``__version__`` string anywhere."""
    extra = config.pop("extra", "")
    pyproject = (
        project("sig", None, backend="setuptools", extra=extra)
        if extra
        else '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    files = {"pyproject.toml": pyproject, "sig/__init__.py": "VERSION = (1, 4, 2)\n", **config}
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("sig", "1.4.2")
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert (root / "sig/__init__.py").read_text() == "VERSION = (1, 5, 0)\n"


@pytest.mark.parametrize(("cfg_version", "expected"), [("2.1.0", "2.1.0"), ("", "2.0.0")])
def test_pbrs_backend_with_a_setup_cfg_version_builds_that_version_as_setup_py_pbr_does(
    tmp_path: Path, cfg_version: str, expected: str
) -> None:
    """pbr's pre-versioning: setup.cfg's ``[metadata] version`` is the release to make (the
    build gives 2.1.0.devN until 2.1.0 is tagged); read as setup.py's ``setup(pbr=True)``
    already was, not as the last tag. Without one, the tags give it."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["pbr>=6", "setuptools>=64"]\n'
        'build-backend = "pbr.build"\n',
        "setup.py": "import setuptools\n\nsetuptools.setup(pbr=True)\n",
        "setup.cfg": "[metadata]\nname = foo\n"
        + (f"version = {cfg_version}\n" if cfg_version else "")
        + "\n[files]\npackages = foo\n",
        "foo/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["2.0.0"])
    commit(root, {"foo/more.py": ""})
    (pkg,) = load_workspace(root).packages
    assert pkg.version == expected
    assert (pkg.version_source == "vcs") == (not cfg_version)


@pytest.mark.parametrize(
    ("scm_table", "expected"),
    [("", ("setup.cfg-attr", "2.1.0")), ("[tool.setuptools_scm]\n", ("vcs", "2.0.0"))],
)
def test_setuptools_scm_only_among_the_build_requirements_leaves_setup_cfgs_version(
    tmp_path: Path, scm_table: str, expected: tuple[str, str]
) -> None:
    """setuptools-scm in ``[build-system] requires`` with no ``[tool.setuptools_scm]`` versions
    nothing: setup.cfg's ``version = attr: pkg.__about__.__version__`` is built and is the
    file a bump writes (it read the last tag, 2.0.0, and wrote nothing). With the table, the tags."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "setuptools-scm"]\n'
        f'build-backend = "setuptools.build_meta"\n{scm_table}',
        "setup.cfg": "[metadata]\nname = pkg\nversion = attr: pkg.__about__.__version__\n\n"
        "[options]\npackages = pkg\n",
        "pkg/__init__.py": "",
        "pkg/__about__.py": INIT.format("2.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["2.0.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version_source, pkg.version) == expected


def test_a_setup_py_version_from_a_helper_on_sys_path_running_git_describe_is_the_tags(
    tmp_path: Path,
) -> None:
    """The shape: ``sys.path.insert(0, UTIL_PATH)`` then ``from version import
    get_git_version`` and ``setup(version=get_git_version())``, the helper running ``git
    describe``: versioned by the tags, not 'setup.py computes the version'."""
    setup_py = (
        "import os\nimport sys\nfrom setuptools import setup\n\n"
        "SETUP_DIRECTORY = os.path.dirname(os.path.abspath(__file__))\n"
        'UTIL_PATH = os.path.join(SETUP_DIRECTORY, "obsp", "util")\n'
        "sys.path.insert(0, UTIL_PATH)\nfrom version import get_git_version\n"
        "sys.path.pop(0)\n\nsetup(name='obsp', version=get_git_version())\n"
    )
    helper = (
        "import subprocess\n\n\ndef get_git_version():\n"
        "    command = ['git', 'describe', '--tags', '--always']\n"
        "    return subprocess.check_output(command).decode().strip()\n"
    )
    files = {
        "pyproject.toml": project("obsp", None, backend="setuptools"),
        "setup.py": setup_py,
        "obsp/__init__.py": "",
        "obsp/util/__init__.py": "",
        "obsp/util/version.py": helper,
    }
    root = repo(tmp_path / "r", files, tags=["1.5.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("1.5.0", "vcs") and pkg.build_computes
    assert "the build computes the version" in pkg.evidence


def test_a_setup_py_making_its_version_of_git_describe_is_the_tags_past_its_data_files(
    tmp_path: Path,
) -> None:
    """The shape: ``version = "unknown"``, then ``git describe`` of it (a docstring's
    ``version = '1.2'`` example above), ``setup(version=version, data_files=[... .png])``:
    the tags version it, tagged ``0.26-release``; the png it names is no version file to
    read (that was 'not UTF-8 text')."""
    setup_py = (
        "import subprocess\nfrom setuptools import setup\n\n\nclass Doc:\n"
        '    """For instance::\n\n       version = \'1.2\'\n    """\n\n\n'
        'version = "unknown"\n'
        "proc = subprocess.Popen(['git', 'describe', '--tags'], stdout=subprocess.PIPE)\n"
        "out = proc.communicate()[0].decode().strip()\n"
        "if proc.returncode == 0:\n    version = out.split('-')[0]\n\n"
        "setup(\n    name='bpyish',\n    version=version,\n    packages=['bpyish'],\n"
        "    data_files=[('share/icons', ['data/bpyish.png'])],\n)\n"
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": project("bpyish", None, backend="setuptools"),
        "setup.py": setup_py,
        "data/bpyish.png": b"\x89PNG\r\n\x1a\n\xff\xfe",
        "bpyish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["0.25-release", "0.26-release"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("0.26", "vcs")
    assert "the build computes the version" in pkg.evidence
    bump = plan_bump(load_workspace(root), BumpOptions(part="minor", tag=True))
    assert bump.tags == ["0.27-release"]


def test_pbr_building_itself_in_tree_is_versioned_by_tags(tmp_path: Path) -> None:
    """pbr's own shape: ``build-backend = "pbr.build"`` with ``backend-path = ["."]`` and
    no pbr among its build requirements (it is the tree), setup.py calling
    ``setup(**setupcfg.setup_cfg_to_args())``: the tags, as for any pbr project."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64.0.0"]\n'
        'build-backend = "pbr.build"\nbackend-path = ["."]\n',
        "setup.py": "import setuptools\n\nfrom pbr import setupcfg\n\n"
        "setuptools.setup(**setupcfg.setup_cfg_to_args())\n",
        "setup.cfg": "[metadata]\nname = pbr\n\n[files]\npackages = pbr\n",
        "pbr/__init__.py": "",
        "pbr/build.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["7.0.3"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version, pkg.version_source) == ("pbr", "7.0.3", "vcs")
    assert not pkg.build_computes  # read from the tags: no backend asked to referee offline


def test_a_setup_py_loading_a_version_module_that_runs_git_describe_is_the_tags(
    tmp_path: Path,
) -> None:
    """The shape: setup.py loads ``<pkg>/_version.py`` by its path (``spec_from_file_
    location``), whose ``__version__ = get_version()`` runs ``git describe``; tags
    ``v0.8.0`` and the development marker ``v0.9.0-dev``: versioned by the tags, the next
    release v0.9.0, not 'computes it (no literal __version__)'."""
    setup_py = (
        "import os\nfrom importlib.util import module_from_spec, spec_from_file_location\n"
        "from setuptools import setup\n\n\ndef get_version(pkg_path):\n"
        '    spec = spec_from_file_location("version", os.path.join(pkg_path, "_version.py"))\n'
        "    module = module_from_spec(spec)\n    spec.loader.exec_module(module)\n"
        "    return module.__version__\n\n\n"
        'setup(name="minish", version=get_version("minish"), packages=["minish"])\n'
    )
    version_py = (
        "import subprocess\n\n\ndef get_version():\n"
        '    out = subprocess.check_output(["git", "describe", "--long", "--always"])\n'
        "    return out.decode().strip()\n\n\n__version__ = get_version()\n"
    )
    files = {"setup.py": setup_py, "minish/__init__.py": "", "minish/_version.py": version_py}
    root = repo(tmp_path / "r", files, tags=["v0.8.0"])
    commit(root, {"minish/more.py": ""}, "v0.9.0-dev")
    (pkg,) = load_workspace(root).packages
    assert pkg.version_source == "vcs" and "the build computes the version" in (pkg.evidence)
    bump = plan_bump(load_workspace(root), BumpOptions(part="minor", tag=True))
    assert bump.tags == ["v0.9.0"]


def test_a_hatch_path_to_a_bare_version_file_without_a_pattern_names_the_pattern(
    tmp_path: Path,
) -> None:
    """``[tool.hatch.version] path = "VERSION"`` of a file holding only ``1.2.3``: hatch's
    default pattern finds no ``__version__ = "..."`` there and its build fails; the error
    says so and gives the pattern, with which the file is read and bumped."""
    files = {
        "pyproject.toml": project("pk", None, extra='[tool.hatch.version]\npath = "VERSION"\n'),
        "VERSION": "1.2.3\n",
        "pk/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    (problem,) = discover(root).problems
    assert "holds only the version 1.2.3, which hatch's default pattern" in problem
    assert 'add pattern = "(?P<version>.+)" to [tool.hatch.version]' in problem
    pattern = '[tool.hatch.version]\npath = "VERSION"\npattern = "(?P<version>.+)"\n'
    write(root, {"pyproject.toml": project("pk", None, extra=pattern)})
    assert load_workspace(root).packages[0].version == "1.2.3"


def test_setup_py_calling_setup_alike_in_each_branch_is_read_as_one_call(
    tmp_path: Path,
) -> None:
    """The shape: ``VERSION = "7.47.0"``, ``setup_args = dict(version=VERSION, ...)``
    and ``setup(**setup_args)`` in two branches of ``if __name__ == "__main__"``: one
    call's keywords, the version read and bumped at VERSION."""
    setup_py = (
        'import sys\nfrom setuptools import setup\n\nVERSION = "7.47.0"\n\n'
        "setup_args = dict(name='curlish', version=VERSION, packages=['curlish'])\n\n"
        "if __name__ == '__main__':\n    if '--help' in sys.argv:\n"
        "        setup(**setup_args)\n    else:\n        setup(**setup_args)\n"
    )
    files = {
        "pyproject.toml": project("curlish", None, backend="setuptools"),
        "setup.py": setup_py,
        "curlish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v7.47.0"])
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "7.47.0"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert 'VERSION = "7.48.0"' in (root / "setup.py").read_text()


def test_version_files_are_read_before_giving_up(tmp_path: Path) -> None:
    extra = '[tool.relnox]\nversion-files = ["VERSION.txt"]\n'
    files = {
        "pyproject.toml": project("odd", None, backend="setuptools", extra=extra),
        "VERSION.txt": 'version = "5.0.0"\n',
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert (pkg.version, pkg.version_source) == ("5.0.0", "version-files")


def test_a_version_file_assigning_the_version_among_other_names_gets_its_search_named(
    tmp_path: Path,
) -> None:
    """The shape: ``tag = version = commit = "17.1"`` in the file version-files
    lists. The error gives the entry to copy, whose ``search`` reads and bumps that line."""
    version_py = 'released = False\n\ntag = version = commit = "17.1"\n'
    extra = '[tool.relnox]\nversion-files = ["src/wsish/version.py"]\n'
    files = {
        "pyproject.toml": project("wsish", None, backend="setuptools", extra=extra),
        "setup.py": "import setuptools\nexec(open('src/wsish/version.py').read())\n"
        "setuptools.setup(version=version)\n",
        "src/wsish/__init__.py": "",
        "src/wsish/version.py": version_py,
    }
    root = repo(tmp_path / "r", files, tags=["17.0.1"])
    entry = """{ path = "src/wsish/version.py", search = 'tag = version = commit = "{version}"' }"""
    with pytest.raises(ConfigError) as said:
        load_workspace(root)
    assert str(said.value).endswith(f"add one or give {entry}"), said.value
    commit(
        root,
        {
            "pyproject.toml": files["pyproject.toml"].replace(
                '["src/wsish/version.py"]', f"[{entry}]"
            )
        },
    )
    ws = load_workspace(root)
    assert ws.packages[0].version == "17.1"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert 'tag = version = commit = "17.2"' in (root / "src/wsish/version.py").read_text()


def test_package_false_root_is_a_package_when_listed(tmp_path: Path) -> None:
    base = project("native", "0.2.0") + "[tool.uv]\npackage = false\n"
    root = repo(tmp_path / "r", {"pyproject.toml": base})
    with pytest.raises(ConfigError, match=r"package = false.*add packages = \[\"\.\"\]"):
        load_workspace(root)
    write(root, {"pyproject.toml": base + '[tool.relnox]\npackages = ["."]\n'})
    assert [p.name for p in load_workspace(root).packages] == ["native"]
    members = '[tool.uv.workspace]\nmembers = ["py/*"]\n'
    write(root, {"pyproject.toml": base + members, "py/helper/pyproject.toml": project("helper")})
    ws = load_workspace(root)  # beside members, the root is left out, and that is said
    assert [p.name for p in ws.packages] == ["helper"]
    assert any("(native) has a [build-system] but [tool.uv] package = false" in n for n in ws.notes)


def test_no_root_pyproject_finds_the_projects_below(tmp_path: Path) -> None:
    files = {
        "python/pyproject.toml": project("sdk", "1.0.0"),
        "docs/pyproject.toml": project("docs-site", "0.0.1"),
        "scripts/templates/pyproject.toml": project("$pkg-haystack", "0.0.0"),
        "README.md": "hi\n",
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["sdk"]
    (note,) = ws.notes  # a template is said and left out, not a package nor an error
    assert note.startswith("scripts/templates/pyproject.toml: '$pkg-haystack' is not a valid")
    write(root, {"pyproject.toml": '[tool.relnox]\npackages = ["python", "scripts/templates"]\n'})
    listed = discover(root)  # listed: an error of that member only
    assert [p.name for p in listed.packages] == ["sdk"]
    (problem,) = listed.problems
    assert "'$pkg-haystack' is not a valid project name" in problem


@pytest.mark.slow
def test_drift_is_a_finding_rewritten_by_bump_to(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "libs/one/pyproject.toml": project("one", "0.5.0"),
        "libs/one/one/__init__.py": INIT.format("0.4.0"),
        "libs/two/pyproject.toml": project("two", "1.0.0"),
    }
    root = repo(tmp_path / "r", files)
    packages = run_relnox("packages", cwd=root)
    assert packages.returncode == 0 and "says '0.4.0'" in packages.stderr
    assert run_relnox("check-versions", cwd=root).returncode == 1
    doctor = run_relnox("doctor", cwd=root)
    assert doctor.returncode == 1 and "says '0.4.0'" in doctor.stdout
    other = run_relnox("bump", "--package", "two", "--part", "minor", "--allow-dirty", cwd=root)
    assert other.returncode == 0, other.stderr  # an unrelated package is not blocked
    bumped = run_relnox("bump", "--package", "one", "--to", "0.5.1", "--allow-dirty", cwd=root)
    assert bumped.returncode == 0, bumped.stderr
    assert "(was 0.4.0" in bumped.stdout
    assert (root / "libs/one/one/__init__.py").read_text() == INIT.format("0.5.1")
    assert run_relnox("check-versions", cwd=root).returncode == 0


def test_a_module_laid_out_by_backend_includes_is_seen(tmp_path: Path) -> None:
    extra = '[tool.pdm.build]\nincludes = ["computer/"]\n'
    files = {
        "pyproject.toml": project("cua-computer", "0.3.0", backend="pdm", extra=extra),
        "computer/__init__.py": INIT.format("0.2.0"),
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert pkg.import_packages == ("computer",)
    assert [loc.path.parent.name for loc in pkg.drift] == ["computer"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        ('\ufeff[project]\nname = "x"\nversion = "1.0"\n'.encode(), "byte order mark (BOM)"),
    ],
)
def test_unreadable_pyproject_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": content})
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_two_members_with_one_name(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "libs/a/pyproject.toml": project("same", "1.0.0"),
        "libs/b/pyproject.toml": project("Same", "2.0.0"),
        "libs/c/pyproject.toml": project("other", "1.0.0"),
    }
    ws = discover(repo(tmp_path / "r", files))
    assert [p.name for p in ws.packages] == ["other"]
    # one clash is one problem, said once, naming both files and both spellings
    assert len(ws.problems) == 1
    assert "libs/a/pyproject.toml and libs/b/pyproject.toml" in ws.problems[0]
    assert "'same' and 'Same' are one name" in ws.problems[0]


def test_unknown_relnox_key_suggests_the_right_one(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project(
                "x", "1.0.0", extra='[tool.relnox]\ntag_format = "v{version}"\n'
            )
        },
    )
    with pytest.raises(ConfigError, match="unknown key 'tag_format'; did you mean 'tag-format'"):
        discover(root)


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_bump_writes_through_a_symlinked_pyproject(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r", {"shared/pyproject.toml": project("linked", "1.0.0"), "README.md": ""}
    )
    (root / "pyproject.toml").symlink_to("shared/pyproject.toml")
    commit(root, {})
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert (root / "pyproject.toml").is_symlink()
    assert 'version = "1.1.0"' in (root / "shared/pyproject.toml").read_text()


def test_version_error_names_file_for_invalid_primary(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": project("x", "banana")})
    with pytest.raises(VersionError, match="'banana' is not a valid PEP 440 version"):
        load_workspace(root)


def test_flit_follows_the_module_it_imports_the_version_from(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "fl"\ndynamic = ["version", "description"]\n'
        '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n',
        "fl/__init__.py": '"""fl."""\nfrom ._version import __version__\n',
        "fl/_version.py": INIT.format("0.6.0"),
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert (pkg.version, pkg.version_source) == ("0.6.0", "flit")


def test_a_setup_py_version_held_in_a_module_constant_is_read_and_bumped_there(
    tmp_path: Path,
) -> None:
    """The shape: ``VERSION = '7.0.0.dev0'`` at the top of setup.py, then
    ``setup(version=VERSION)``. A constant bound twice (or computed) is not guessed."""
    setup = (
        "\nNAME = 'PyYAMLish'\nVERSION = '7.0.0.dev0'\nDESCRIPTION = 'YAML'\n\n"
        "from setuptools import setup\n\n"
        "if __name__ == '__main__':\n"
        "    setup(name=NAME, version=VERSION, description=DESCRIPTION, packages=['yamlish'])\n"
    )
    files = {"pyproject.toml": SETUP_TOOLS_ONLY, "setup.py": setup, "yamlish/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["6.0.3"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.version_source) == ("7.0.0.dev0", "setup.py")
    assert pkg.evidence == "setup.py setup(version=VERSION), VERSION = '7.0.0.dev0'"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert "\nVERSION = '7.0.0'\n" in (root / "setup.py").read_text()


def test_setup_py_literal_and_tag_regex(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": 'from setuptools import setup\nsetup(name="lit", version="2.2.0")\n',
    }
    ws = load_workspace(repo(tmp_path / "r", files))
    assert [(p.name, p.version, p.version_source) for p in ws.packages] == [
        ("lit", "2.2.0", "setup.py")
    ]
    extra = '[tool.setuptools_scm]\ntag_regex = "^rel/(?P<version>[0-9.]+)$"\n'
    root = repo(
        tmp_path / "scm",
        {"pyproject.toml": project("scm", None, backend="setuptools-scm", extra=extra)},
        tags=["rel/3.0.0", "v9.0.0"],
    )
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "3.0.0"


def test_runtime_packages_pinned_exactly_follow_the_main_package(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("main-pkg", "0.9.0", requires=["main-pkg-runtime==0.9.0"])
        + '[tool.relnox]\npackages = [".", "runtime/*"]\nlockstep = true\n',
        "runtime/linux/pyproject.toml": project("main-pkg-runtime", None, backend="maturin"),
        "runtime/linux/Cargo.toml": '[package]\nname = "rt"\nversion = "0.9.0"\n',
    }
    root = repo(tmp_path / "r", files)
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert '"main-pkg-runtime==0.10.0"' in (root / "pyproject.toml").read_text()
    assert 'version = "0.10.0"' in (root / "runtime/linux/Cargo.toml").read_text()


def test_setuptools_flat_layout_module_with_another_name_is_seen(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("dist-name", "1.1.0", backend="setuptools"),
        "engine/__init__.py": INIT.format("1.0.0"),
        "tests/__init__.py": "",
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert pkg.import_packages == ("engine",)
    assert [loc.value for loc in pkg.drift] == ["1.0.0"]


def test_meson_installed_packages_are_read_from_meson_build(tmp_path: Path) -> None:
    """meson-python ships what meson.build installs: ``subdir: 'pkg'`` or ``pkg/__init__.py``;
    a ``subdir: 'bpy/fft/tests'`` installs below ``bpy``, never a top-level ``tests``."""
    files = {
        "a/pyproject.toml": project("a-dist", None, backend="meson"),
        "a/meson.build": "project('a-dist', version: '1.3.0.dev1')\nsubdir('lib/alib')\n",
        "a/lib/alib/meson.build": (
            "srcs = ['__init__.py', '_version.py']\npy.install_sources(srcs, subdir: 'alib')\n"
        ),
        "a/lib/alib/__init__.py": "from ._version import __version__\n",
        "a/lib/alib/_version.py": INIT.format("1.3.0.dev1"),
        "b/pyproject.toml": project("b-python", "0.5.0", backend="meson"),
        "b/meson.build": "project('b-python')\npy.install_sources('bpy/__init__.py')\n",
        "b/bpy/__init__.py": INIT.format("0.5.0"),
        # The shape: each subpackage's meson.build installs its tests/ below it
        "b/bpy/fft/meson.build": (
            "py.install_sources(['__init__.py'], subdir: 'bpy/fft')\n"
            "py.install_sources(\n  ['tests/__init__.py', 'tests/test_fft.py'],\n"
            "  subdir: 'bpy/fft/tests',\n  install_tag: 'tests'\n)\n"
        ),
        "b/bpy/fft/__init__.py": "",
        "b/bpy/fft/tests/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    for name, module, path in (
        ("a", "alib", "lib/alib/_version.py"),
        ("b", "bpy", "bpy/__init__.py"),
    ):
        (pkg,) = load_workspace(root / name).packages
        assert pkg.import_packages == (module,)
        assert str(root / name / path) in {str(loc.path) for loc in pkg.locations}
    apply_bump(plan_bump(load_workspace(root / "a"), BumpOptions(part="minor", allow_dirty=True)))
    assert (root / "a/lib/alib/_version.py").read_text() == INIT.format(
        "1.3.0"
    )  # a dev release of 1.3.0 -> 1.3.0
    assert "version: '1.3.0'" in (root / "a/meson.build").read_text()


def test_version_inside_a_namespace_package_is_seen(tmp_path: Path) -> None:
    extra = '[tool.poetry]\npackages = [{ include = "acme", from = "src" }]\n'
    files = {
        "pyproject.toml": project("acme-core", "2.3.2", extra=extra),
        "src/acme/core/__init__.py": INIT.format("2.3.1"),
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert pkg.import_packages == ("acme",)
    assert [(loc.path.parent.name, loc.value) for loc in pkg.drift] == [("core", "2.3.1")]


def _lock(*crates: tuple[str, str, bool]) -> str:
    entries = [
        f'[[package]]\nname = "{name}"\nversion = "{version}"\n'
        + ('source = "registry+https://example.invalid/index"\n' if remote else "")
        for name, version, remote in crates
    ]
    return "# generated by cargo\nversion = 4\n\n" + "\n".join(entries)


def test_cargo_lock_follows_the_manifest_versions_a_bump_edits(tmp_path: Path) -> None:
    """The crate's own Cargo.lock entry moves with it; a registry crate at that version stays."""
    files = {
        "own/pyproject.toml": project("native", None, backend="maturin"),
        "own/Cargo.toml": '[package]\nname = "native-core"\nversion = "1.2.3"\n',
        "own/Cargo.lock": _lock(("itoa", "1.2.3", True), ("native-core", "1.2.3", False)),
        "ws/Cargo.toml": (
            '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/tool"]\n\n'
            '[workspace.package]\nversion = "0.4.0-beta.2"\n'
        ),
        "ws/crates/py/Cargo.toml": '[package]\nname = "fast-py"\nversion.workspace = true\n',
        "ws/crates/py/pyproject.toml": project("fast", None, backend="maturin"),
        "ws/crates/lib/Cargo.toml": '[package]\nname = "fast-lib"\nversion.workspace = true\n',
        "ws/crates/tool/Cargo.toml": '[package]\nname = "tool"\nversion = "0.4.0-beta.2"\n',
        "ws/Cargo.lock": _lock(
            ("fast-lib", "0.4.0-beta.2", False),
            ("fast-py", "0.4.0-beta.2", False),
            ("tool", "0.4.0-beta.2", False),
        ),
        "ws/pyproject.toml": '[tool.relnox]\npackages = ["crates/py"]\n',
    }
    root = repo(tmp_path / "r", files)
    plan = plan_bump(load_workspace(root / "own"), BumpOptions(part="minor", commit=True))
    assert [edit.path.name for edit in plan.edits] == ["Cargo.toml", "Cargo.lock"]
    apply_bump(plan)
    assert (root / "own/Cargo.lock").read_text() == _lock(
        ("itoa", "1.2.3", True), ("native-core", "1.3.0", False)
    )
    apply_bump(plan_bump(load_workspace(root / "ws"), BumpOptions(to="0.4.0rc1", commit=True)))
    assert (root / "ws/Cargo.lock").read_text() == _lock(
        ("fast-lib", "0.4.0-rc.1", False),
        ("fast-py", "0.4.0-rc.1", False),
        ("tool", "0.4.0-beta.2", False),  # excluded, its own version: not the workspace's
    )


def test_a_maturin_crate_saying_the_static_project_version_is_a_copy_bumped_with_its_lock(
    tmp_path: Path,
) -> None:
    """maturin builds ``[project] version``; a ``Cargo.toml`` saying the same version is a
    copy a release moves too, with the crate's ``Cargo.lock`` entry (orjson bumps all
    three), in ``rust/`` too when the package is in ``src/<name>/`` (maturin's Python-first
    layout). A crate at a version of its own is the crate's: neither read as drift nor
    edited."""
    files = {
        "same/pyproject.toml": project("fastjson", "3.11.8", backend="maturin"),
        "same/Cargo.toml": '[package]\nname = "fastjson"\nversion = "3.11.8"\n',
        "same/Cargo.lock": _lock(("itoa", "3.11.8", True), ("fastjson", "3.11.8", False)),
        "own/pyproject.toml": project("fastxml", "2.0.0", backend="maturin"),
        "own/Cargo.toml": '[package]\nname = "fastxml-core"\nversion = "0.1.0"\n',
        # maturin's Python-first layout: the crate in rust/, the package in src/<name>/
        "first/pyproject.toml": project("fastdate", "1.4.0", backend="maturin"),
        "first/rust/Cargo.toml": '[package]\nname = "_fastdate"\nversion = "1.4.0"\n',
        "first/src/fastdate/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    (first,) = load_workspace(root / "first").packages
    assert [loc.path for loc in first.locations][1:] == [root / "first/rust/Cargo.toml"]
    ws = load_workspace(root / "same")
    (pkg,) = ws.packages
    assert [loc.label for loc in pkg.locations] == [
        f"{root / 'same/pyproject.toml'} [project].version",
        f"{root / 'same/Cargo.toml'} [package].version",
    ]
    plan = plan_bump(ws, BumpOptions(to="3.12.0rc1"))
    assert [edit.path.name for edit in plan.edits] == ["pyproject.toml", "Cargo.toml", "Cargo.lock"]
    apply_bump(plan)
    assert 'version = "3.12.0-rc.1"' in (root / "same/Cargo.toml").read_text()
    assert (root / "same/Cargo.lock").read_text() == _lock(
        ("itoa", "3.11.8", True), ("fastjson", "3.12.0-rc.1", False)
    )
    (own,) = load_workspace(root / "own").packages
    assert (len(own.locations), own.drift) == (1, ())
    plan = plan_bump(load_workspace(root / "own"), BumpOptions(part="minor", allow_dirty=True))
    assert [edit.path.name for edit in plan.edits] == ["pyproject.toml"]


def test_templated_requirements_of_a_metadata_hook_order_the_release(tmp_path: Path) -> None:
    """``core=={{ version }}`` in a hatch metadata hook: filled by the build, never rewritten."""
    hook = "[tool.hatch.metadata.hooks.uv-dynamic-versioning]\n"
    files = {
        "pyproject.toml": (
            project("app", "1.0.0", extra=hook + 'dependencies = ["core[x]=={{ version }}"]\n')
            + '\n[tool.uv.workspace]\nmembers = ["core"]\n'
        ),
        "core/pyproject.toml": project("core", "1.0.0"),
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["core", "app"]
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert plan.rewrites == []
    apply_bump(plan)
    assert "core[x]=={{ version }}" in (root / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    "table",
    [
        '[[tool.dynamic-metadata]]\nfield = "version"\nprovider = "dynamic_metadata.regex"\n'
        'input = "py/fast/_about.py"\n',
        '[tool.dynamic-metadata.version]\nprovider = "dynamic_metadata.plugins.regex"\n'
        'input = "py/fast/_about.py"\n',
    ],
)
def test_dynamic_metadata_protocol_and_scikit_build_wheel_packages(
    tmp_path: Path, table: str
) -> None:
    """scikit-build-core 1.0 reads the version through the dynamic-metadata protocol, and
    ships ``wheel.packages``: its other ``__version__`` copies are seen."""
    extra = table + '\n[tool.scikit-build]\nwheel.packages = ["py/fast"]\n'
    files = {
        "pyproject.toml": project("fast-native", None, backend="skbuild", extra=extra),
        "py/fast/_about.py": INIT.format("0.9.1"),
        "py/fast/__init__.py": INIT.format("0.9.0"),
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert (pkg.version, pkg.version_source) == ("0.9.1", "scikit-build")
    assert pkg.import_packages == ("fast",)
    assert [(loc.path.name, loc.value) for loc in pkg.drift] == [("__init__.py", "0.9.0")]


def test_dynamic_metadata_vcs_provider_is_tag_versioned(tmp_path: Path) -> None:
    extra = '[[tool.dynamic-metadata]]\nfield = "version"\nprovider = "vcs_versioning"\n'
    files = {"pyproject.toml": project("fast-native", None, backend="skbuild", extra=extra)}
    (pkg,) = load_workspace(repo(tmp_path / "r", files, tags=["v2.0.0"])).packages
    assert (pkg.version, pkg.vcs_versioned) == ("2.0.0", True)


def test_doctor_names_a_pin_that_does_not_admit_the_workspace_version(tmp_path: Path) -> None:
    """``app`` pins ``lib==0.1.6`` while ``lib`` here is 0.1.2: its release would not take it."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["app", "lib", "cli"]\n',
        "app/pyproject.toml": project("app", "1.0.0", requires=["lib==0.1.6"]),
        "lib/pyproject.toml": project("lib", "0.1.2"),
        "cli/pyproject.toml": project("cli", "0.3.0", requires=["lib>=0.1,<0.2"]),
    }
    root = repo(tmp_path / "r", files)
    out = run_relnox("doctor", cwd=root).stdout
    assert "app/pyproject.toml requires 'lib==0.1.6', which does not admit lib 0.1.2" in out
    assert "pins cli" not in out


def test_hatch_nodejs_version_reads_and_bumps_package_json(tmp_path: Path) -> None:
    """``source = "nodejs"`` (hatch-nodejs-version): the version is package.json's, not
    the tags'; its dependencies' versions are left alone."""
    nodejs = '\n[tool.hatch.version]\nsource = "nodejs"\n'
    package_json = (
        '{\n  "name": "@acme/ext",\n  "version": "5.0.0",\n'
        '  "dependencies": {\n    "left-pad": "1.3.0"\n  }\n}\n'
    )
    files = {
        "pyproject.toml": project("acme-ext", None, backend="hatchling", extra=nodejs),
        "package.json": package_json,
    }
    root = repo(tmp_path / "r", files, tags=["v4.0.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.vcs_versioned) == ("5.0.0", False)
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert (root / "package.json").read_text() == package_json.replace("5.0.0", "5.1.0")
    (root / "package.json").unlink()
    with pytest.raises(
        VersionError, match=r"source = 'nodejs' reads package\.json, which is missing"
    ):
        load_workspace(root)


SETUP_TOOLS_ONLY = "[tool.pytest.ini_options]\naddopts = '-q'\n"  # a pyproject with no [project]


@pytest.mark.parametrize(
    ("setup", "where"),
    [
        # the version imported from a module of the package
        (
            "from setuptools import setup\nfrom calc.version import __version__ as version\n"
            "setup(name='calc', version=version)\n",
            "calc/version.py",
        ),
        # a regex over the package's __init__.py, its path joined from a base and literals
        (
            "import os, re\nfrom setuptools import setup\nROOT = os.path.dirname(__file__)\n"
            "VERSION_RE = re.compile(r'''__version__ = ['\"]([0-9.]+)['\"]''')\n"
            "def get_version():\n"
            "    init = open(os.path.join(ROOT, 'calc', '__init__.py')).read()\n"
            "    return VERSION_RE.search(init).group(1)\n"
            "setup(name='calc', version=get_version())\n",
            "calc/__init__.py",
        ),
        # the name held in a module constant, the file named through it
        (
            "import os, setuptools\nNAME = 'calc'\nhere = os.path.abspath(os.path.dirname(__file__))\n"
            "def meta():\n    with open(os.path.join(here, NAME, '__init__.py')) as fh:\n"
            "        return dict(l.split(' = ') for l in fh if l.startswith('__'))\n"
            "setuptools.setup(name=NAME, version=meta()['__version__'].strip(\"'\"))\n",
            "calc/__init__.py",
        ),
        # exec of a version module at a pathlib path
        (
            "from pathlib import Path\nfrom setuptools import setup\nabout = {}\n"
            "exec((Path(__file__).parent / 'src' / 'calc' / '_version.py').read_text(), about)\n"
            "setup(name='calc', version=about['__version__'])\n",
            "src/calc/_version.py",
        ),
        # a module constant holding the package's directory, a file read below it
        (
            "from pathlib import Path\nfrom setuptools import setup\n"
            "ROOT = Path(__file__).parent.resolve()\nPACKAGE_ROOT = ROOT / 'calc'\n"
            "def setup_package():\n    about = {}\n"
            "    with (PACKAGE_ROOT / 'about.py').open('r') as f:\n"
            "        exec(f.read(), about)\n"
            "    setup(name='calc', version=about['__version__'])\n",
            "calc/about.py",
        ),
        # a version file that is not a module, its path joined from a constant
        (
            "import os, re\nfrom setuptools import setup\nFOLDER = 'calc'\n"
            "with open(os.path.join(FOLDER, 'version.txt')) as fd:\n"
            "    version = re.search(r'__version__ = \"(.*)\"', fd.read()).group(1)\n"
            "setup(name='calc', version=version)\n",
            "calc/version.txt",
        ),
        # a helper given the path's parts, joining them itself (``*parts``)
        (
            "import os, re\nfrom setuptools import setup\n"
            "def find_version(*parts):\n"
            "    with open(os.path.join(os.path.dirname(__file__), *parts)) as f:\n"
            "        return re.search(r\"^__version__ = '([^']*)'\", f.read(), re.M)[1]\n"
            "setup(name='calc', version=find_version('calc', 'ext', '__init__.py'))\n",
            "calc/ext/__init__.py",
        ),
    ],
)
def test_a_setup_py_reading_its_version_from_a_file_of_the_package_is_read_there(
    tmp_path: Path, setup: str, where: str
) -> None:
    files = {
        "pyproject.toml": SETUP_TOOLS_ONLY,
        "setup.py": setup,
        "calc/__init__.py": '"""Calc."""\n',
        where: INIT.format("2.4.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v2.3.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.name, pkg.version, pkg.version_source) == ("calc", "2.4.0", "setup.py")
    assert pkg.primary is not None and pkg.primary.path == root / where
    assert pkg.evidence == f"setup.py reads __version__ of {where}"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert INIT.format("2.5.0") in (root / where).read_text()


def test_a_setup_py_reading_a_version_file_in_a_folder_it_names_is_read_there(
    tmp_path: Path,
) -> None:
    """A namespace package's setup.py (``find_namespace_packages``, no ``__init__.py``) reads
    ``os.path.join(FOLDER, "version.txt")``, ``FOLDER = "acme"``: that file is the version
    a bump writes, not a tag (the build reads the file)."""
    setup = (
        "import os, re\nfrom setuptools import find_namespace_packages, setup\n"
        'FOLDER = "acme"\n'
        'with open(os.path.join(FOLDER, "version.txt")) as fd:\n'
        "    version = re.search(r'^VERSION = \"(.*)\"', fd.read(), re.M).group(1)\n"
        "setup(name='acme-tools', version=version, packages=find_namespace_packages())\n"
    )
    files = {
        "pyproject.toml": SETUP_TOOLS_ONLY,
        "setup.py": setup,
        "acme/tools/run.py": "",
        "acme/version.txt": 'VERSION = "1.6.1"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.6.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.primary is not None and pkg.primary.path == root / "acme/version.txt"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "acme/version.txt").read_text() == 'VERSION = "1.7.0"\n'


def test_a_poetry_table_beside_a_setup_py_the_build_runs_is_not_the_version(
    tmp_path: Path,
) -> None:
    """A pyproject.toml with ``[tool.poetry] version = "0.2.0.dev0"`` (a placeholder) and no
    ``[build-system]``: the build runs setup.py, which says 0.1.0 from its version file;
    that file is the version, the poetry table is not read as it."""
    files = {
        "pyproject.toml": '[tool.poetry]\nname = "calc"\nversion = "0.2.0.dev0"\n',
        "setup.py": "from calc.version import __version__\n"
        "from setuptools import setup\nsetup(name='calc', version=__version__)\n",
        "calc/__init__.py": "",
        "calc/version.py": INIT.format("0.1.0"),
    }
    (pkg,) = load_workspace(repo(tmp_path / "r", files)).packages
    assert (pkg.version, pkg.primary and pkg.primary.path.name) == ("0.1.0", "version.py")


def test_a_setup_py_reading_two_version_files_names_the_setting_that_decides(
    tmp_path: Path,
) -> None:
    setup = (
        "import os\nfrom setuptools import setup\n"
        "for f in ('calc/__init__.py', 'calc/_legacy.py'):\n    exec(open(f).read())\n"
        "setup(name='calc', version=__version__)\n"
    )
    files = {
        "setup.py": setup,
        "calc/__init__.py": INIT.format("2.4.0"),
        "calc/_legacy.py": INIT.format("1.0.0"),
    }
    root = repo(tmp_path / "r", files)
    (problem,) = discover(root).problems
    assert "setup.py reads a __version__ of calc/__init__.py and of calc/_legacy.py" in problem
    assert 'version-files = ["calc/__init__.py"]' in problem


@pytest.mark.parametrize(
    "init",
    [
        "from . import _version\n\n__version__ = _version.__version__\ndel _version\n",
        "from ._version import __version__\n",
        # among other names, also in parentheses over lines
        "from ._version import VERSION, __version__\n",
        "from ._version import (\n    VERSION as V,\n    __version__,\n)\n",
        # a name of the sibling bound to __version__
        "from ._version import name, version\n\n__version__ = version\n",
        # the sibling imported by the package's own dotted name
        "from pil import _version\n\n__version__ = _version.__version__\n",
    ],
)
def test_a_setuptools_attr_whose_module_takes_the_version_from_a_sibling_is_read_there(
    tmp_path: Path, init: str
) -> None:
    """setuptools imports the module when its ``__version__`` is no literal: the value is
    the sibling's (``src/pil/_version.py``), which is where a bump writes."""
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "pil.__version__"}\n'
    files = {
        "pyproject.toml": project("pillowish", None, backend="setuptools", extra=extra),
        "src/pil/__init__.py": init,
        "src/pil/_version.py": INIT.format("13.0.0.dev0"),
    }
    root = repo(tmp_path / "r", files, tags=["12.3.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.version_source) == ("13.0.0.dev0", "setuptools-attr")
    assert pkg.primary is not None and pkg.primary.path == root / "src/pil/_version.py"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert INIT.format("13.0.0") in (root / "src/pil/_version.py").read_text()


def test_a_setuptools_attr_whose_module_asks_setuptools_scm_is_versioned_by_tags(
    tmp_path: Path,
) -> None:
    """setuptools-scm's own shape: ``version = {attr = "_own_version_helper.version"}``, an
    in-tree module whose ``__getattr__`` calls ``setuptools_scm.get_version``; relnox said
    the module had no literal version and stopped every command. A module that computes
    its version another way (no module that reads git tags) is still that error."""
    helper = (
        "from setuptools import build_meta as build_meta\n"
        "from setuptools_scm import Configuration, get_version\n\n"
        "def __getattr__(name):\n"
        "    if name == 'version':\n"
        "        return get_version(relative_to=__file__)\n"
        "    raise AttributeError(name)\n"
    )
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "_helper.version"}\n'
    files = {
        "pyproject.toml": project("scmish", None, backend="setuptools", extra=extra),
        "_helper.py": helper,
        "scmish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v8.1.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("8.1.0", "vcs")
    assert "the build computes the version" in pkg.evidence


def test_a_pdm_call_getter_reading_git_tags_is_versioned_by_tags(tmp_path: Path) -> None:
    """The shape (a project template's): ``[tool.pdm.version] source = "call"``,
    ``getter = "scripts.get_version:get_version"``, a script calling pdm-backend's
    ``get_version_from_scm``; relnox said the version was dynamic and stopped every
    command. A getter that reads no tags is still that error."""
    script = (
        "from pdm.backend.hooks.version import get_version_from_scm\n\n"
        "def get_version():\n    return str(get_version_from_scm('.').version)\n"
    )
    extra = '[tool.pdm.version]\nsource = "call"\ngetter = "scripts.get_version:get_version"\n'
    files = {
        "pyproject.toml": project("docsish", None, backend="pdm", extra=extra),
        "scripts/get_version.py": script,
        "src/docsish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["1.0.6"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("1.0.6", "vcs")


@pytest.mark.parametrize(("prefix", "tag"), [("", "0.67.0"), ("v", "v0.67.0")])
def test_versioneer_versions_from_tags_with_its_tag_prefix(
    tmp_path: Path, prefix: str, tag: str
) -> None:
    """versioneer (setup.cfg ``[versioneer]``): ``git describe --match '<tag_prefix>[0-9]*'``
    gives the version, as a setuptools-scm project's tags do."""
    setup = (
        "from setuptools import setup\nimport versioneer\n"
        "setup(name='numbaish', version=versioneer.get_version(),\n"
        "      cmdclass=versioneer.get_cmdclass())\n"
    )
    cfg = (
        "[versioneer]\nVCS = git\nstyle = pep440\nversionfile_source = numbaish/_version.py\n"
        f"tag_prefix = {prefix}\nparentdir_prefix = numbaish-\n"
    )
    files = {
        "setup.py": setup,
        "setup.cfg": cfg,
        "versioneer.py": "def get_version():\n    return '0+unknown'\n",
        "numbaish/__init__.py": "from ._version import get_versions\n",
        "numbaish/_version.py": "def get_versions():\n    return {}\n",
    }
    root = repo(tmp_path / "r", files, tags=["other-v9.0.0", tag])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version_source, pkg.version) == ("vcs", "0.67.0")
    assert pkg.evidence.startswith(f"versioneer (versions from git tags, tag_prefix = {prefix!r})")
    assert ws.tag_for(pkg, "0.68.0") == f"{prefix}0.68.0"


def test_versioneer_with_no_prefix_takes_tags_starting_with_a_digit(tmp_path: Path) -> None:
    """The shape: ``tag_prefix =`` (empty) and one early ``Modin-v0.1.0`` among bare
    ``0.37.0`` tags. Its _version.py (versioneer 0.29) describes with ``--match
    '[[:digit:]]*'``, so the bare tags are the releases, not the one named tag."""
    cfg = (
        "[versioneer]\nVCS = git\nstyle = pep440\nversionfile_source = modinish/_version.py\n"
        "tag_prefix =\nparentdir_prefix = modinish-\n"
    )
    describe = '"describe", "--tags", "--long", "--match", f"{tag_prefix}[[:digit:]]*",\n'
    files = {
        "setup.py": "from setuptools import setup\nimport versioneer\n"
        "setup(name='Modinish', version=versioneer.get_version())\n",
        "setup.cfg": cfg,
        "versioneer.py": "def get_version():\n    return '0+unknown'\n",
        "modinish/__init__.py": "from ._version import get_versions\n",
        "modinish/_version.py": f"def get_versions(tag_prefix=''):\n    return [{describe}]\n",
    }
    root = repo(tmp_path / "r", files, tags=["Modinish-v0.1.0"])
    commit(root, {"modinish/x.py": ""}, "0.36.0")
    commit(root, {"modinish/y.py": ""}, "0.37.0")
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, ws.tag_for(pkg, "0.38.0")) == ("0.37.0", "0.38.0")


def test_a_versioneer_version_file_that_is_not_utf8_is_read_as_an_older_one(
    tmp_path: Path,
) -> None:
    """``versionfile_source`` names a file that is not UTF-8 (a Latin-1 comment): relnox
    cannot see which tags its ``git describe`` matches, so it takes every tag, as for an
    older versioneer's file, instead of dying of a UnicodeDecodeError."""
    cfg = (
        "[versioneer]\nVCS = git\nstyle = pep440\nversionfile_source = modinish/_version.py\n"
        "tag_prefix =\nparentdir_prefix = modinish-\n"
    )
    files = {
        "setup.py": "from setuptools import setup\nimport versioneer\n"
        "setup(name='Modinish', version=versioneer.get_version())\n",
        "setup.cfg": cfg,
        "versioneer.py": "def get_version():\n    return '0+unknown'\n",
        "modinish/__init__.py": "from ._version import get_versions\n",
    }
    root = repo(tmp_path / "r", files, tags=["0.37.0"])
    (root / "modinish" / "_version.py").write_bytes(b"# caf\xe9\ndef get_versions():\n    pass\n")
    listed = run_relnox("packages", "--json", cwd=root)
    assert listed.returncode == 0, listed.stderr
    (pkg,) = json.loads(listed.stdout)["packages"]
    assert pkg["version"] == "0.37.0"


def test_a_setuptools_attr_module_that_is_not_utf8_is_one_line_naming_it(
    tmp_path: Path,
) -> None:
    """``[tool.setuptools.dynamic] version = {attr = "pkg.VERSION_STRING"}`` names a module
    that is not UTF-8 (a Latin-1 comment): relnox cannot read the literal a bump rewrites,
    and says so in one line naming the file and the fix, not a UnicodeDecodeError
    traceback."""
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "pkg.VERSION_STRING"}\n'
    files = {"pyproject.toml": project("pkg", None, backend="setuptools", extra=extra)}
    root = repo(tmp_path / "r", files)
    (root / "pkg").mkdir()
    module = root / "pkg" / "__init__.py"
    module.write_bytes(b"# caf\xe9\nVERSION_STRING = '1.2.0'\n")
    listed = run_relnox("packages", cwd=root)
    assert listed.returncode == 1 and "Traceback" not in listed.stderr, listed.stderr
    assert f"{module}: not UTF-8 text (binary data?); save it as UTF-8" in listed.stderr


def test_a_version_module_setup_py_imports_from_its_package_is_read(tmp_path: Path) -> None:
    """The shape: setup.py does ``from tfx import version`` and passes
    ``version.__version__``; the package's __init__.py re-exports it with an absolute
    import. The module is tfx/version.py, where the literal is (and a bump writes it)."""
    setup = (
        "from setuptools import setup\nfrom tfxish import version\n"
        "setup(name='tfxish', version=version.__version__, packages=['tfxish'])\n"
    )
    files = {
        "setup.py": setup,
        "tfxish/__init__.py": "from tfxish.version import __version__ as __version__\n",
        "tfxish/version.py": "# setup.py uses this version.\n__version__ = '1.22.0.dev'\n",
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v1.21.0"]))
    (pkg,) = ws.packages
    assert (pkg.version, pkg.evidence) == (
        "1.22.0.dev",
        "setup.py reads __version__ of tfxish/version.py",
    )


def test_the_name_of_a_setup_py_project_is_setup_s_not_an_extension_s(tmp_path: Path) -> None:
    """``Extension(name='calc._speedups')`` above ``setup(**metadata)`` with
    ``metadata = dict(name='calc', ...)``: the project is calc."""
    setup = (
        "from setuptools import Extension, setup\n"
        "ext = Extension(name='calc._speedups', sources=['calc/_speedups.c'])\n"
        "metadata = dict(name='calc', version='1.2.0', ext_modules=[ext])\n"
        "setup(**metadata)\n"
    )
    root = repo(tmp_path / "r", {"setup.py": setup, "calc/__init__.py": ""})
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("calc", "1.2.0")
    # another key of the dict filled in later (its long_description) leaves the name
    later = setup.replace(
        "setup(**metadata)", "metadata['long_description'] = 'x'\nsetup(**metadata)"
    )
    root = repo(tmp_path / "later", {"setup.py": later, "calc/__init__.py": ""})
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("calc", "1.2.0")


def test_a_setup_py_taking_its_name_from_a_meta_file_is_read_there(tmp_path: Path) -> None:
    """The shape (an older project template's): ``setup(name=find_meta("title"),
    version=find_meta("version"))``, ``find_meta`` reading ``__title__`` and ``__version__``
    of ``META_PATH = os.path.join("src", "ossl", "version.py")`` with a regex; relnox
    said setup() was given no literal name and stopped every command."""
    setup = (
        "import os, re\nfrom setuptools import setup\n"
        "HERE = os.path.abspath(os.path.dirname(__file__))\n"
        "META_PATH = os.path.join('src', 'ossl', 'version.py')\n"
        "def read_file(*parts):\n"
        "    with open(os.path.join(HERE, *parts)) as f:\n        return f.read()\n"
        "META_FILE = read_file(META_PATH)\n"
        "def find_meta(meta):\n"
        '    return re.search(rf\'^__{meta}__ = ["]([^"]*)["]\', META_FILE, re.M).group(1)\n'
        "setup(name=find_meta('title'), version=find_meta('version'))\n"
    )
    meta = '__all__ = ["__title__", "__version__"]\n__version__ = "26.4.0"\n__title__ = "pyOSSL"\n'
    files = {"setup.py": setup, "src/ossl/__init__.py": "", "src/ossl/version.py": meta}
    root = repo(tmp_path / "r", files, tags=["26.4.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.project_name, pkg.version) == ("pyOSSL", "26.4.0")
    assert pkg.primary is not None and pkg.primary.path == root / "src/ossl/version.py"


def test_a_setup_py_read_by_its_text_skips_an_extensions_name(tmp_path: Path) -> None:
    """Two setup() calls (one with the extension, one without) leave the text to read: the
    first ``name='...'`` that is no ``Extension(name=...)`` is the project's."""
    from relnox.project.package_load import name_of

    (tmp_path / "setup.py").write_text(
        "import os\nfrom setuptools import Extension, setup\n"
        "ext = Extension(\n    name='calc._speedups', sources=['calc/_speedups.c'])\n"
        "if os.environ.get('PURE'):\n    setup(name='calc', version='1.0')\n"
        "else:\n    setup(name='calc', version='1.0', ext_modules=[ext])\n",
        encoding="utf-8",
    )
    assert name_of(tmp_path, {}) == "calc"


@pytest.mark.parametrize(
    "read",
    [
        "(here / 'VERSION').read_text(encoding='utf-8').strip()",
        "open(os.path.join(os.path.dirname(__file__), 'VERSION')).read().strip()",
    ],
)
def test_a_setup_py_reading_a_plain_version_file_is_read_there(tmp_path: Path, read: str) -> None:
    """The shape: no pyproject.toml, setup.cfg says ``name = calc``, setup.py says
    ``name='Calc'`` and reads ``VERSION`` (a file holding only the version) through a
    path it spells. The version is that file's and a bump writes it (relnox said setup.py
    computes the version); the name is setup()'s, which setuptools applies over
    setup.cfg's (it was setup.cfg's). The README setup.py also opens is no version."""
    setup = (
        "import os\nfrom pathlib import Path\nfrom setuptools import setup\n"
        "here = Path(__file__).resolve().parent\n"
        "README = (here / 'README.rst').read_text(encoding='utf-8')\n"
        f"VERSION = {read}\n"
        "setup(name='Calc', version=VERSION, long_description=README)\n"
    )
    files = {
        "setup.py": setup,
        "setup.cfg": "[metadata]\nname = calc\n",
        "VERSION": "40.35.0\n",
        "README.rst": "2.0\n",
        "calc/__init__.py": 'VERSION = "40.35.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v40.35.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.project_name, pkg.version, pkg.version_source) == ("Calc", "40.35.0", "setup.py")
    assert pkg.primary is not None and pkg.primary.path == root / "VERSION"
    assert pkg.evidence == "setup.py reads the version file VERSION"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "VERSION").read_text() == "40.36.0\n"


def test_a_setup_py_reading_a_version_file_in_the_folder_above_is_read_there(
    tmp_path: Path,
) -> None:
    """Two projects in folders of one repository, each setup.py reading its version from a
    file of the top folder (``os.path.join(here, os.pardir)``): ``VERSION`` for one,
    ``VERSION-EXTRA`` for the other, at versions of their own. Each is read and bumped there
    (relnox read both from the repository's bare tags, the second at the first's version)."""
    setup = (
        "import os\nfrom setuptools import setup\n"
        "here = os.path.abspath(os.path.dirname(__file__))\n"
        "parent = os.path.abspath(os.path.join(here, os.pardir))\n"
        "with open(os.path.join(parent, {file!r})) as f:\n"
        "    __version__ = f.read().strip()\n"
        "setup(name={name!r}, version=__version__)\n"
    )
    files = {
        "VERSION": "2.2.353\n",
        "VERSION-EXTRA": "0.0.51\n",
        "core/setup.py": setup.format(file="VERSION", name="acme-core"),
        "extra/setup.py": setup.format(file="VERSION-EXTRA", name="acme-extra"),
    }
    root = repo(tmp_path / "r", files, tags=["2.2.353"])
    packages = {p.name: p for p in discover(root).packages}
    assert {n: p.version for n, p in packages.items()} == {
        "acme-core": "2.2.353",
        "acme-extra": "0.0.51",
    }
    extra = packages["acme-extra"]
    assert extra.primary is not None and extra.primary.path == root / "VERSION-EXTRA"


INCREMENTAL = (
    '"""Provides Twisty version information."""\n\nfrom incremental import Version\n\n'
    "__version__ = Version({})\n"
)


@pytest.mark.parametrize(
    ("extra", "requires"),
    [
        ('[tool.hatch.version]\nsource = "incremental"\n', "hatch"),
        ("[tool.incremental]\n", "setuptools"),
    ],
)
def test_incremental_versions_from_its_version_file_not_from_tags(
    tmp_path: Path, extra: str, requires: str
) -> None:
    """incremental's hatch source and setuptools hook read ``Version(...)`` of the
    package's ``_version.py`` (``24.7.0.post0`` after the 24.7.0 tag): a bump rewrites the
    call, never only tags."""
    backend = "hatchling" if requires == "hatch" else "setuptools"
    text = project("Twisty", None, backend=backend, extra=extra).replace(
        "requires = [", 'requires = ["incremental", '
    )
    files = {
        "pyproject.toml": text,
        "src/twisty/__init__.py": "",
        "src/twisty/_version.py": INCREMENTAL.format('"Twisty", 24, 7, 0, post=0'),
    }
    root = repo(tmp_path / "r", files, tags=["twisty-24.7.0", "twisty-24.7.0rc1"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.version_source, pkg.vcs_versioned) == (
        "24.7.0.post0",
        "incremental",
        False,
    )
    assert pkg.primary is not None and pkg.primary.path == root / "src/twisty/_version.py"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    version_py = root / "src/twisty/_version.py"
    assert version_py.read_text() == INCREMENTAL.format('"Twisty", 24, 8, 0')
    apply_bump(plan_bump(load_workspace(root), BumpOptions(to="25.1.0rc2", allow_dirty=True)))
    assert version_py.read_text() == INCREMENTAL.format('"Twisty", 25, 1, 0, release_candidate=2')
    assert load_workspace(root).packages[0].version == "25.1.0rc2"
    with pytest.raises(VersionError, match=r"Version\(\) cannot spell 25\.2\.0b1"):
        plan_bump(load_workspace(root), BumpOptions(to="25.2.0b1", allow_dirty=True))


def test_incremental_without_its_package_folder_names_the_setting(tmp_path: Path) -> None:
    extra = '[tool.hatch.version]\nsource = "incremental"\n'
    files = {"pyproject.toml": project("twisty", None, extra=extra), "other/__init__.py": ""}
    root = repo(tmp_path / "r", files)
    with pytest.raises(
        VersionError, match=r"reads twisty/_version\.py .*\[tool\.incremental\] name"
    ):
        load_workspace(root)
    write(root, {"src/twisty/_version.py": '__version__ = "1.0"\n'})
    with pytest.raises(VersionError, match=r'no __version__ = Version\("twisty", major'):
        load_workspace(root)


def test_setup_py_use_incremental_reads_the_shipped_package_s_version_file(
    tmp_path: Path,
) -> None:
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "incremental"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": 'from setuptools import setup\n\nsetup(name="twisty", packages=["twisty"], '
        'use_incremental=True, setup_requires=["incremental"])\n',
        "twisty/__init__.py": "",
        "twisty/_version.py": INCREMENTAL.format('"twisty", 3, 0, 1, dev=2'),
    }
    root = repo(tmp_path / "r", files, tags=["3.0.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("3.0.1.dev2", "incremental")


def test_setup_cfg_attr_importing_an_incremental_version_reads_that_call(
    tmp_path: Path,
) -> None:
    """incremental's own shape: setup.cfg ``version = attr: twisty._setuptools_version``
    (a function returning ``__version__.public()``), ``__version__`` imported from
    ``._version``, which holds ``Version(...)``: that call is the version and a bump
    rewrites it."""
    init = (
        "from ._version import __version__\n\n\n"
        "def _setuptools_version():\n    return __version__.public()\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": "[metadata]\nname = twisty\nversion = attr: twisty._setuptools_version\n",
        "src/twisty/__init__.py": init,
        "src/twisty/_version.py": INCREMENTAL.format('"Twisty", 22, 10, 0, post=0'),
    }
    root = repo(tmp_path / "r", files, tags=["twisty-22.10.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.version_source) == ("22.10.0.post0", "setup.cfg-attr")
    assert pkg.primary is not None and pkg.primary.path == root / "src/twisty/_version.py"
    apply_bump(plan_bump(ws, BumpOptions(to="22.11.0")))
    version_py = root / "src/twisty/_version.py"
    assert version_py.read_text() == INCREMENTAL.format('"Twisty", 22, 11, 0')


def test_a_setup_py_version_constant_and_its_package_dir_are_read(tmp_path: Path) -> None:
    """``VERSION = '7.0.0.dev0'`` passed as ``setup(version=VERSION)`` is the primary; its
    ``package_dir={'': 'lib'}`` and ``packages=[...]`` say what ships, so the copy in
    ``lib/yamlish/__init__.py`` is a secondary a bump rewrites too."""
    setup_py = (
        "from setuptools import setup\n\nNAME = 'PyYamlish'\nVERSION = '7.0.0.dev0'\n\n"
        "if __name__ == '__main__':\n    setup(name=NAME, version=VERSION,\n"
        "          package_dir={'': 'lib'}, packages=['yamlish', '_yamlish'])\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": setup_py,
        "lib/yamlish/__init__.py": "__version__ = '7.0.0.dev0'\n",
        "lib/_yamlish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["6.0.3"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.import_packages) == ("7.0.0.dev0", ("yamlish", "_yamlish"))
    assert [loc.path for loc in pkg.locations] == [
        root / "setup.py",
        root / "lib/yamlish/__init__.py",
    ]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert "VERSION = '7.0.0'\n" in (root / "setup.py").read_text()
    assert (root / "lib/yamlish/__init__.py").read_text() == "__version__ = '7.0.0'\n"
    # bound twice (a computed suffix): not a literal setup.py holds
    write(root, {"setup.py": setup_py.replace("\nif", "VERSION += '.post1'\nif")})


def test_a_setup_py_version_constant_is_read_and_bumped_in_its_line(tmp_path: Path) -> None:
    """``VERSION = "1.39.0"  # PEP-440`` at the top of ``lib/setup.py`` and
    ``setup(version=VERSION)`` (no root pyproject.toml): read there, and a bump rewrites
    that line only; a constant bound twice (in branches) is no single line to read."""
    setup = (
        'from setuptools import setup\n\nVERSION = "1.39.0"  # PEP-440\n\n'
        "def check():\n    if tag != VERSION:\n        raise SystemExit(1)\n\n"
        "setup(name='streamlitish', version=VERSION)\n"
    )
    root = repo(tmp_path / "r", {"lib/setup.py": setup}, tags=["1.39.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("streamlitish", "1.39.0")
    assert pkg.evidence == "setup.py setup(version=VERSION), VERSION = '1.39.0'"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch")))
    assert (root / "lib/setup.py").read_text() == setup.replace('"1.39.0"', '"1.39.1"')


def test_a_setup_py_find_packages_where_is_a_source_root(tmp_path: Path) -> None:
    setup_py = (
        "from setuptools import setup, find_packages\n\n"
        "setup(name='nested-app', version='1.0', package_dir={'': 'code'},\n"
        "      packages=find_packages(where='code', exclude=['tests*']))\n"
    )
    files = {
        "setup.py": setup_py,
        "code/appcore/__init__.py": "__version__ = '1.0'\n",
        "code/tests/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ("appcore",)
    assert [loc.path for loc in pkg.locations][1:] == [root / "code/appcore/__init__.py"]


def test_meson_installs_a_private_top_level_package_too(tmp_path: Path) -> None:
    """A src/meson.build: ``subdir('imageish')`` and ``subdir('_imageish2')``,
    each installing its package; relnox never looked below a directory named with an
    underscore, and said the wheel ships no ``_imageish2``."""
    files = {
        "pyproject.toml": project("imageish", "0.26.0", backend="meson"),
        "meson.build": "project('imageish')\nsubdir('src')\n",
        "src/meson.build": "subdir('imageish')\nsubdir('_imageish2')\n",
        "src/imageish/meson.build": "py3.install_sources(['__init__.py'], subdir: 'imageish')\n",
        "src/imageish/__init__.py": "",
        "src/_imageish2/meson.build": (
            "py3.install_sources(['__init__.py'], subdir: '_imageish2')\n"
        ),
        "src/_imageish2/__init__.py": "",
        "src/__pycache__/meson.build": "py3.install_sources(['x.py'], subdir: 'cached')\n",
    }
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ("_imageish2", "imageish")


def test_meson_version_computed_by_versioneer_is_versioned_by_tags(tmp_path: Path) -> None:
    """``run_command(['generate_version.py', '--print'])`` with ``[tool.versioneer]``
    (this shape): versions from the tags versioneer matches, not an error."""
    extra = '[tool.versioneer]\nVCS = "git"\nstyle = "pep440"\ntag_prefix = "v"\n'
    files = {
        "pyproject.toml": project("pandish", None, backend="meson", extra=extra),
        "meson.build": "project('pandish', 'c',\n    version: run_command(['generate_version.py',"
        " '--print'], check: true).stdout().strip(),\n)\n",
        "generate_version.py": "import versioneer\nprint(versioneer.get_version())\n",
        "pandish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v2.3.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.vcs_versioned) == ("2.3.0", True)
    assert load_workspace(root).tag_for(pkg) == "v2.3.0"


def test_meson_version_from_a_script_running_git_describe_is_versioned_by_tags(
    tmp_path: Path,
) -> None:
    """The shape: ``version: run_command(['tools/version.py'], ...)``, a script
    running ``git describe --tags --match [0-9]*`` itself (a stale VERSION file its
    fallback); relnox said project() computes its version and stopped every command."""
    script = (
        "import subprocess\n\ndef _git(*args):\n"
        "    return subprocess.run(['git', *args], capture_output=True, text=True).stdout\n\n"
        "print(_git('describe', '--tags', '--match', '[0-9]*').strip())\n"
    )
    files = {
        "pyproject.toml": project("treeish", None, backend="meson"),
        "meson.build": "project('treeish',\n  version: run_command(['tools/version.py'], "
        "check: true).stdout().strip(),\n)\n",
        "tools/version.py": script,
        "VERSION": "4.1.0\n",
        "treeish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["4.2.1"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.vcs_versioned) == ("4.2.1", True)
    assert "the build computes the version" in pkg.evidence


def test_a_helper_s_name_keyword_in_setup_py_is_not_the_project_s(tmp_path: Path) -> None:
    """``_load_py_module(name="assistant", location=...)`` loads a helper, and
    ``setup(**setup_args)`` is given a name computed elsewhere (a setup.py that
    was read as the project "assistant"): no name is read, and the error says where to
    write one without changing the build."""
    from relnox.project.package_load import name_of

    setup = (
        "import setuptools\n"
        "def _load_py_module(name, location): ...\n"
        'assistant = _load_py_module(name="assistant", location="actions/assistant.py")\n'
        'setup_args = _load_py_module(name="calc_setup", location="src/calc/__setup__.py")\n'
        "if __name__ == '__main__':\n    setuptools.setup(**setup_args._setup_args())\n"
    )
    files = {"setup.py": setup, "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'}
    root = repo(tmp_path / "r", {**files, "src/calc/__init__.py": ""})
    assert name_of(root, {}) is None
    with pytest.raises(ConfigError, match=r"add \[metadata\] name = .* to setup.cfg"):
        load_workspace(root)
    commit(root, {"setup.cfg": "[metadata]\nname = calc\nversion = 1.2.0\n"})
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("calc", "1.2.0")
    # setup()'s own keyword after a helper's is the project's, read from the text too
    # (two setup() calls)
    two = "name='calc')\nelse:\n    setuptools.setup(name='calc', version='1')"
    (root / "setup.py").write_text(setup.replace("**setup_args._setup_args())", two))
    assert name_of(root, {}) == "calc"


@pytest.mark.parametrize(
    ("module", "bumped"),
    [
        (
            "VERSION = (0, 3, 1)\n__version__ = '.'.join(map(str, VERSION))\n",
            "VERSION = (0, 4, 0)\n__version__ = '.'.join(map(str, VERSION))\n",
        ),
        (
            'version_info = 0, 3, 1, "dev0"\n\n'
            '__version__ = ".".join(str(v) for v in version_info)\n',
            'version_info = 0, 3, 1\n\n__version__ = ".".join(str(v) for v in version_info)\n',
        ),
        (  # each part formatted, "{0}".format(x), not str(x)
            "__version_info__ = (0, 3, 1)\n"
            '__version__ = ".".join("{0}".format(x) for x in __version_info__)\n',
            "__version_info__ = (0, 4, 0)\n"
            '__version__ = ".".join("{0}".format(x) for x in __version_info__)\n',
        ),
    ],
)
def test_a_version_tuple_joined_into_version_is_read_and_bumped_in_the_tuple(
    tmp_path: Path, module: str, bumped: str
) -> None:
    """setuptools imports the module for ``attr``: ``__version__`` is the tuple joined with
    dots, and a bump writes the tuple (a dev part as its last, string, element)."""
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "tup.__version__"}\n'
    files = {
        "pyproject.toml": project("tup", None, backend="setuptools", extra=extra),
        "tup/__init__.py": module,
    }
    root = repo(tmp_path / "r", files, tags=["v0.3.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    old = "0.3.1.dev0" if "dev0" in module else "0.3.1"
    assert (pkg.version, pkg.version_source) == (old, "setuptools-attr")
    assert pkg.primary is not None and pkg.primary.path == root / "tup/__init__.py"
    part = "patch" if "dev0" in module else "minor"
    apply_bump(plan_bump(ws, BumpOptions(part=part)))
    assert (root / "tup/__init__.py").read_text() == bumped
    again = load_workspace(root).packages[0]
    assert again.version == ("0.3.1" if "dev0" in module else "0.4.0")
    with pytest.raises(VersionError, match=r"tuple cannot spell 1!1\.0"):
        plan_bump(load_workspace(root), BumpOptions(to="1!1.0", allow_dirty=True))


def test_flit_s_computed_version_names_the_module_it_reads(tmp_path: Path) -> None:
    """flit imports the module for a ``__version__`` it computes (such as
    ``version_info(3, 3, 3, "final", 1).__version__``): the error names that module."""
    pyproject = (
        '[build-system]\nrequires = ["flit_core >=3.12,<4"]\nbuild-backend = "flit_core.buildapi"'
        '\n\n[project]\nname = "parsish"\ndynamic = ["version", "description"]\n'
    )
    module = (
        '"""Parsish."""\n\n__version_info__ = (3, 3, 3, "final", 1)\n'
        '__version__ = "%d.%d.%d" % __version_info__[:3]\n'
    )
    root = repo(tmp_path / "r", {"pyproject.toml": pyproject, "parsish/__init__.py": module})
    (problem,) = discover(root).problems
    assert problem.startswith(
        f'{root / "parsish/__init__.py"}: no literal __version__ = "..." line, which '
        f"{root / 'pyproject.toml'} dynamic version (flit's __version__) points at"
    ), problem


def test_a_py_module_listed_without_its_file_ships_nothing(tmp_path: Path) -> None:
    """A setup.cfg's ``py_modules = inflish`` after the module became the
    package ``inflish/``; setuptools finds no ``inflish.py`` and builds an empty
    wheel. relnox read ``inflish`` as shipped (the package named like the project);
    it reads nothing now, as the backend builds."""
    cfg = "[metadata]\nname = inflish\nversion = 0.5.1\n\n[options]\npy_modules = inflish\n"
    pyproject = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    files = {"pyproject.toml": pyproject, "setup.cfg": cfg, "inflish/__init__.py": ""}
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ()
    write(root, {"inflish.py": ""})
    assert load_workspace(root).packages[0].import_packages == ("inflish",)


@pytest.mark.parametrize("where", ["setup.py", "pyproject.toml"])
def test_py_modules_ship_beside_the_packages(tmp_path: Path, where: str) -> None:
    """``py_modules=['isymbolic']`` beside its ``symbolic`` package (found by its name):
    both are shipped (``[tool.setuptools] py-modules`` alike)."""
    setup_py = "from setuptools import setup\n\nsetup(name='symbolic', version='1.15.0.dev'"
    setup_py += ", py_modules=['isymbolic'])\n" if where == "setup.py" else ")\n"
    pyproject = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    if where == "pyproject.toml":
        pyproject += '\n[tool.setuptools]\npy-modules = ["isymbolic"]\n'
    files = {
        "pyproject.toml": pyproject,
        "setup.py": setup_py,
        "symbolic/__init__.py": "",
        "isymbolic.py": "import symbolic\n",
    }
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ("symbolic", "isymbolic")


def test_setup_py_packages_bound_to_a_name_are_read(tmp_path: Path) -> None:
    """``packages = ['Compiled', 'Compiled.Build', 'pyxhook']`` at the top of setup.py,
    passed as ``packages=packages`` (this shape): every top-level one ships; a list
    changed later (``packages.append(...)``) is not read."""
    setup_py = (
        "from setuptools import setup\n\npackages = [\n    'Compiled',\n"
        "    'Compiled.Build',\n    'pyxhook',\n]\n\n"
        "setup(name='compiled', version='3.3.0', packages=packages)\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": setup_py,
        "Compiled/__init__.py": "",
        "Compiled/Build/__init__.py": "",
        "pyxhook/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ("Compiled", "pyxhook")
    assert setup_py_layout(root) == {"packages": ["Compiled", "Compiled.Build", "pyxhook"]}
    write(root, {"setup.py": setup_py.replace("\nsetup(", "\npackages.append('extra')\nsetup(")})
    assert setup_py_layout(root) == {}


def test_a_version_bound_to_two_version_names_at_once_is_a_secondary(tmp_path: Path) -> None:
    """The shape: ``__version__ = version = "1.13.0"`` in the shipped
    ``version.py`` (imported by ``__init__``) is a copy of ``[project] version`` that a bump
    rewrites, and that must agree; a chain naming other things (``tag = version``) is not."""
    files = {
        "pyproject.toml": project("rustish", "1.13.0", backend="setuptools"),
        "rustish/__init__.py": "from .version import version as __version__\n",
        "rustish/version.py": '__version__ = version = "1.13.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.13.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert [loc.path for loc in pkg.locations] == [
        root / "pyproject.toml",
        root / "rustish/version.py",
    ]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "rustish/version.py").read_text() == '__version__ = version = "1.14.0"\n'
    write(root, {"rustish/version.py": 'tag = version = "1.14.0"\n'})
    (pkg,) = load_workspace(root).packages
    assert [loc.path for loc in pkg.locations] == [root / "pyproject.toml"]


def test_setup_py_use_scm_version_is_versioned_by_tags(tmp_path: Path) -> None:
    """The shape: no pyproject.toml, ``setup(use_scm_version={...},
    setup_requires=["setuptools_scm"])``: the version is the last tag, a bump is a tag;
    ``use_scm_version=False`` is no such thing."""
    setup = (
        "from setuptools import setup\n\nsetup(\n    name='modelish',\n"
        "    use_scm_version={'version_scheme': 'post-release'},\n"
        "    setup_requires=['setuptools_scm'],\n    packages=['modelish'],\n)\n"
    )
    files = {"setup.py": setup, "modelish/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["5.0.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("5.0.0", "vcs")
    assert "use_scm_version" in pkg.evidence


@pytest.mark.parametrize(
    ("keyword", "off"),
    [
        ('setuptools_git_versioning={"enabled": True, "template": "{tag}"}', '{"enabled": False}'),
        ("version_config=True", "False"),  # its keyword before 1.8
    ],
)
def test_setup_py_setuptools_git_versioning_is_versioned_by_tags(
    tmp_path: Path, keyword: str, off: str
) -> None:
    """setuptools-git-versioning configured in setup.py (``setup(setuptools_git_versioning=
    {...}, setup_requires=["setuptools-git-versioning"])``): the tags version it, as its
    ``[tool.setuptools-git-versioning]`` table does; switched off, it is no such thing."""
    setup = (
        "from setuptools import setup\n\nsetup(\n    name='gitvish',\n"
        f"    {keyword},\n"
        "    setup_requires=['setuptools-git-versioning'],\n    packages=['gitvish'],\n)\n"
    )
    files = {"setup.py": setup, "gitvish/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v1.3.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("1.3.0", "vcs")
    assert pkg.evidence.startswith("setuptools-git-versioning: setup.py's setup(")
    write(root, {"setup.py": setup.replace(keyword, f"{keyword.split('=')[0]}={off}")})
    (pkg,) = load_workspace(root).packages
    assert "setuptools-git-versioning" not in pkg.evidence


def test_a_hatch_code_script_reading_git_tags_is_versioned_by_tags(tmp_path: Path) -> None:
    """The shape: ``[tool.hatch.version] source = "code"`` runs a script that asks
    pdm-backend's SCM reader for the version: the git tags give it, not a literal; a script
    with a literal of its own is still read as one."""
    script = (
        "from pdm.backend.hooks.version import get_version_from_scm\n\n"
        "def get_version():\n    return str(get_version_from_scm('.').version)\n"
    )
    extra = (
        '\n[tool.hatch.version]\nsource = "code"\npath = "scripts/get_version.py"\n'
        'expression = "get_version()"\n'
    )
    files = {
        "pyproject.toml": project("griffish", dynamic=True, extra=extra),
        "scripts/get_version.py": script,
        "griffish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["2.2.0"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("2.2.0", "vcs")
    assert "the build computes the version" in pkg.evidence
    commit(root, {"scripts/get_version.py": '__version__ = "2.3.0"\n' + script})
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("2.3.0", "hatch")


def test_hatch_toml_beside_pyproject_is_read_as_hatchling_reads_it(tmp_path: Path) -> None:
    """The shape: each package keeps hatch's settings in ``hatch.toml`` (its
    ``[version] path`` and ``[build.targets.wheel]``), none under ``[tool.hatch]``; the
    version is read and bumped there, the wheel's packages are hatch.toml's, and a
    setuptools project's hatch.toml is not read."""
    hatch = (
        '[version]\npath = "src/acme/db/__version__.py"\n\n'
        '[build.targets.wheel]\npackages = ["src/acme"]\nsources = ["src"]\n'
    )
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["acme-db", "acme-other"]\n',
        "acme-db/pyproject.toml": project("acme-db", None),
        "acme-db/hatch.toml": hatch,
        "acme-db/src/acme/db/__init__.py": "",
        "acme-db/src/acme/db/__version__.py": 'version = "1.11.0rc1"\n',
        "acme-other/pyproject.toml": project("acme-other", "2.0.0", backend="setuptools"),
        "acme-other/hatch.toml": '[version]\npath = "nowhere.py"\n',
        "acme-other/acme_other/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    db, other = load_workspace(root).packages
    assert (db.version, db.import_packages) == ("1.11.0rc1", ("acme",))
    assert db.evidence == "hatch.toml [version] path = 'src/acme/db/__version__.py'"
    assert other.version == "2.0.0"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor", packages=("acme-db",))))
    version_file = root / "acme-db/src/acme/db/__version__.py"
    assert version_file.read_text() == 'version = "1.11.0"\n'


#: The shape: setup.py reads the first line of a version.py that holds no __version__
#: the release workflow that builds the stubs beside the root (no workspace file lists them)
#: its stubs: a member whose setup.py copies the sibling's version.py beside it and reads it


def test_flit_module_of_a_namespace_package_is_read_by_its_full_name(tmp_path: Path) -> None:
    """The shape: ``[tool.flit.module] name = "google.adk"`` under src/, the
    namespace ``google`` holds nothing, and ``google/adk/__init__.py`` binds ``__version__ =
    version.__version__`` after ``from . import version``: flit imports google.adk, so the
    version is version.py's, and a bump writes it there."""
    extra = '[tool.flit.module]\nname = "google.adk"\n'
    files = {
        "pyproject.toml": project("google-adk", None, extra=extra).replace(
            '["hatchling"]\nbuild-backend = "hatchling.build"',
            '["flit_core >=3.8,<4"]\nbuild-backend = "flit_core.buildapi"',
        ),
        "src/google/adk/__init__.py": "from . import version\n\n__version__ = version.__version__\n",
        "src/google/adk/version.py": '# version: major.minor.patch\n__version__ = "1.4.2"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.4.2"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.evidence) == ("1.4.2", "flit: __version__ of google.adk")
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert '__version__ = "1.5.0"' in (root / "src/google/adk/version.py").read_text()


def test_a_placeholder_the_build_stamps_is_no_second_version(tmp_path: Path) -> None:
    """The shape: setup.py reads ``VERSION`` (3.1.59) and its build stamps the
    version over ``__version__ = "git"`` in ``git/__init__.py``, which setup.py names too.
    relnox called them two readings, then a copy out of step that bump would overwrite;
    a word that is no version is neither."""
    setup_py = (
        "from setuptools import setup\n\n\n"
        "def _read_content(path):\n    with open(path) as f:\n        return f.read()\n\n\n"
        "version = _read_content('VERSION').strip()\n\n\n"
        "def _stamp_version(filename):\n    lines = open(filename).readlines()\n\n\n"
        "_stamp_version('gitish/__init__.py')\n"
        "setup(name='gitish', version=version, packages=['gitish'])\n"
    )
    files = {
        "setup.py": setup_py,
        "VERSION": "3.1.59\n",
        "gitish/__init__.py": '__version__ = "git"\n',
    }
    root = repo(tmp_path / "r", files, tags=["3.1.59"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "3.1.59"
    assert [loc.path for loc in pkg.locations] == [root / "VERSION"]
    assert ws.problems == () and pkg.drift_notes == ()


def test_a_setup_py_name_from_a_dict_a_version_file_was_exec_d_into(tmp_path: Path) -> None:
    """The shape: setup.py execs ``slugify/__version__.py`` into ``about`` and
    passes ``name=about['__title__']``, ``version=about['__version__']``. relnox said
    setup() was given no literal name; the file's ``__title__`` is the name."""
    setup_py = (
        "import os\nfrom setuptools import setup\n\npackage = 'slug'\n"
        "here = os.path.abspath(os.path.dirname(__file__))\n\nabout = {}\n"
        "with open(os.path.join(here, package, '__version__.py'), 'r') as f:\n"
        "    exec(f.read(), about)\n\n"
        "setup(name=about['__title__'], version=about['__version__'], packages=[package])\n"
    )
    files = {
        "setup.py": setup_py,
        "slug/__init__.py": "",
        "slug/__version__.py": "__title__ = 'python-slug'\n__version__ = '8.0.4'\n",
    }
    root = repo(tmp_path / "r", files, tags=["v8.0.4"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("python-slug", "8.0.4")
    assert pkg.primary is not None and pkg.primary.path == root / "slug/__version__.py"


def test_a_setup_py_name_from_an_attribute_of_the_package_it_imports(tmp_path: Path) -> None:
    """The shape: ``import cachish`` then ``setup(name=cachish.__title__,
    version=cachish.__version__)``. relnox said setup() was given no literal name; the
    package's ``__title__`` is the name."""
    setup_py = (
        "from setuptools import setup\n\nimport cachish\n\n"
        "setup(name=cachish.__title__, version=cachish.__version__, packages=['cachish'])\n"
    )
    init = "__title__ = 'cachish-lib'\n__version__ = '5.6.3'\n"
    root = repo(tmp_path / "r", {"setup.py": setup_py, "cachish/__init__.py": init})
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("cachish-lib", "5.6.3")
    assert pkg.primary is not None and pkg.primary.path == root / "cachish/__init__.py"


def test_a_setup_py_name_composed_of_the_file_s_constants(tmp_path: Path) -> None:
    """A plugin's setup.py: ``PLUGIN = "athena"``, ``lib = f"acmeplugins-{PLUGIN}"`` and
    ``setup(name=lib)`` (or ``name="acme-" + PLUGIN``). relnox said setup() was given no
    literal name and stopped every command; the f-string of the file's constants is the
    name."""
    setup_py = (
        "from setuptools import setup\n\nPLUGIN = 'athena'\nlib = f'acmeplugins-{PLUGIN}'\n"
        "__version__ = '1.2.0'\n\nsetup(name=lib, version=__version__, packages=['a'])\n"
    )
    root = repo(tmp_path / "r", {"setup.py": setup_py, "a/__init__.py": ""})
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version) == ("acmeplugins-athena", "1.2.0")
    plus = setup_py.replace("name=lib", "name='acme-' + PLUGIN")
    write(root, {"setup.py": plus})
    assert load_workspace(root).packages[0].name == "acme-athena"


def test_sphinx_theme_builder_reads_the_version_of_the_package_named_like_the_project(
    tmp_path: Path,
) -> None:
    """The shape: ``build-backend = "sphinx_theme_builder"`` with a dynamic
    version, which the backend reads from ``src/<name, dashes as underscores>/__init__.py``.
    relnox said it could not read the version without running the build."""
    pyproject = (
        '[build-system]\nrequires = ["sphinx-theme-builder>=0.3.2"]\n'
        'build-backend = "sphinx_theme_builder"\n\n'
        '[project]\nname = "themeish-sphinx"\ndynamic = ["version"]\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "src/themeish_sphinx/__init__.py": '"""A theme."""\n\n' + INIT.format("0.20.0"),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v0.20.0"]))
    (pkg,) = ws.packages
    assert pkg.version == "0.20.0"
    assert pkg.locations[0].path.name == "__init__.py" and "sphinx-theme-builder" in pkg.evidence
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert [e.path.relative_to(ws.root).as_posix() for e in plan.edits] == [
        "src/themeish_sphinx/__init__.py"
    ]


def test_setup_py_opening_a_version_file_with_a_mode_reads_that_file(tmp_path: Path) -> None:
    """The shape: ``version_str = open('version.txt', 'r').read().strip()``, then a
    build string or a git hash added to it. relnox joined the mode to the path
    (``version.txt/r``) and said setup.py computes the version; it reads version.txt."""
    setup_py = (
        "from setuptools import setup\n\n"
        "version_str = open('version.txt', 'r').read().strip()\n"
        "version_str += '+abc123'\n\n"
        "setup(name='speedish', version=version_str, packages=['speedish'])\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": setup_py,
        "version.txt": "0.19.6\n",
        "speedish/__init__.py": "",
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v0.19.5"]))
    (pkg,) = ws.packages
    assert (pkg.version, pkg.locations[0].path.name) == ("0.19.6", "version.txt")


def test_sphinx_theme_builder_reads_the_version_of_the_package_under_src(tmp_path: Path) -> None:
    """The backend sphinx-theme-builder reads ``__version__`` of
    ``src/<name>/__init__.py``; relnox said the dynamic version could not be read."""
    pyproject = (
        '[build-system]\nrequires = ["sphinx-theme-builder >= 0.2.0a10"]\n'
        'build-backend = "sphinx_theme_builder"\n\n[project]\nname = "furish-theme"\n'
        'dynamic = ["version"]\n'
    )
    init = '"""A theme."""\n\n__version__ = "2025.12.19.dev1"\n'
    root = repo(tmp_path / "r", {"pyproject.toml": pyproject, "src/furish_theme/__init__.py": init})
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "2025.12.19.dev1"
    assert pkg.primary is not None and pkg.primary.path == root / "src/furish_theme/__init__.py"
    apply_bump(plan_bump(ws, BumpOptions(to="2026.1.5")))
    assert '__version__ = "2026.1.5"' in (root / "src/furish_theme/__init__.py").read_text()


def test_a_version_imported_from_a_submodule_by_the_package_s_own_name(tmp_path: Path) -> None:
    """``geoish/__init__.py``: ``from geoish.util import __version__,
    __version_info__, get_version`` (absolute, among other names), with setup.cfg's
    ``version = attr: geoish.__version__``; relnox said there was no literal __version__.
    It is read, and bumped, in ``geoish/util.py``."""
    cfg = "[metadata]\nname = geoish\nversion = attr: geoish.__version__\n"
    pyproject = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    init = (
        "from geoish.point import Point  # noqa\n"
        "from geoish.util import __version__, __version_info__, get_version  # noqa\n"
    )
    util = '__version__ = "2.5.0"\n__version_info__ = (2, 5, 0)\n\n\ndef get_version():\n    return __version__\n'
    files = {
        "pyproject.toml": pyproject,
        "setup.cfg": cfg,
        "geoish/__init__.py": init,
        "geoish/point.py": "Point = tuple\n",
        "geoish/util.py": util,
    }
    root = repo(tmp_path / "r", files, tags=["2.5.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "2.5.0"
    assert pkg.primary is not None and pkg.primary.path == root / "geoish/util.py"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (
        '__version__ = "2.6.0"\n__version_info__ = (2, 6, 0)\n'
        in (root / "geoish/util.py").read_text()
    )


def test_a_hatch_plugin_source_given_a_version_file_reads_it(tmp_path: Path) -> None:
    """The shape: hatch-regex-commit's ``source = "regex_commit"`` with ``path =
    "acme/__init__.py"`` reads the version there, as hatch's regex source does (and commits
    and tags its bumps): the file is the version and a bump writes it; relnox read it as
    versions from git tags. A tag-reading source keeps its tags."""
    extra = '[tool.hatch.version]\nsource = "regex_commit"\npath = "acme/__init__.py"\n'
    files = {
        "pyproject.toml": project("acme", None, extra=extra),
        "acme/__init__.py": '__version__ = "15.0.5"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v15.0.4"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert (pkg.version, pkg.vcs_versioned) == ("15.0.5", False)
    assert pkg.primary is not None and pkg.primary.path == root / "acme/__init__.py"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "acme/__init__.py").read_text() == '__version__ = "15.1.0"\n'
    write(root, {"pyproject.toml": files["pyproject.toml"].replace("regex_commit", "vcs")})
    assert load_workspace(root).packages[0].vcs_versioned


def test_flits_namespace_module_taking_its_version_from_a_sibling_by_its_dotted_name(
    tmp_path: Path,
) -> None:
    """The shape: flit's module ``acme.kit`` (a namespace ``acme``) whose
    ``__init__.py`` says ``from acme.kit import version`` and ``__version__ =
    version.__version__``: flit imports it and finds ``acme/kit/version.py``'s literal,
    where a bump writes (relnox said it could not read the version)."""
    flit = (
        '[project]\nname = "acme-kit"\ndynamic = ["version"]\n\n[build-system]\n'
        'requires = ["flit_core >=3.5,<4"]\nbuild-backend = "flit_core.buildapi"\n\n'
        '[tool.flit.module]\nname = "acme.kit"\n'
    )
    files = {
        "kit/pyproject.toml": flit,
        "kit/acme/__init__.py": "",
        "kit/acme/kit/__init__.py": (
            "from acme.kit import handlers\nfrom acme.kit import version\n\n"
            "__version__ = version.__version__\n"
        ),
        "kit/acme/kit/handlers.py": "",
        "kit/acme/kit/version.py": "__version__ = '0.12.4'\n",
    }
    root = repo(tmp_path / "r", files)
    pkg = load_workspace(root).get("acme-kit")
    assert (pkg.version, pkg.locations[0].path) == ("0.12.4", root / "kit/acme/kit/version.py")


def test_scikit_build_regex_results_remove_is_taken_out_when_read_and_put_back_when_bumped(
    tmp_path: Path,
) -> None:
    """A scikit-build-core regex ``result = "{major}.{minor}.{patch}.{pre}"`` with ``remove =
    ".$"`` (the dot before an empty pre-release part): the version is 2.8.1 (relnox read
    '2.8.1.' and refused it), and a minor bump writes 2.9.0 in the groups, the empty part
    kept empty."""
    sk = (
        "[tool.scikit-build.metadata.version]\n"
        'provider = "scikit_build_core.metadata.regex"\ninput = "src/kit/version.py"\n'
        "regex = '''(?sx)\n"
        'version_info\\s*=\\s*\\("(?P<major>\\d+)",\\s*"(?P<minor>\\d+)",\\s*"(?P<patch>\\d+)"\\)\\s*\n'
        'version_prerelease\\s*=\\s*"(?P<pre>\\w*)"\n'
        "'''\n"
        'result = "{major}.{minor}.{patch}.{pre}"\nremove = ".$"\n'
    )
    version = 'version_info = ("2", "8", "1")\nversion_prerelease = ""\n'
    files = {
        "pyproject.toml": project("kit", None, backend="skbuild", extra=sk),
        "src/kit/version.py": version,
    }
    root = repo(tmp_path / "r", files, tags=["2.8.1"])
    ws = load_workspace(root)
    assert ws.get("kit").version == "2.8.1"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "src/kit/version.py").read_text() == version.replace('"8", "1"', '"9", "0"')
    assert load_workspace(root).get("kit").version == "2.9.0"


@pytest.mark.parametrize(
    ("init", "attr"),
    [
        (  # a fallback literal inside a function, then the written file's
            "def _get_version():\n    __version__ = '999'\n    try:\n"
            "        from ._version import __version__\n    except ImportError:\n"
            "        pass\n    return __version__\n\n__version__ = _get_version()\n",
            "scmish.__version__",
        ),
        (
            "try:\n    from scmish._version import __version__\nexcept ImportError:\n"
            "    __version__ = '0.0.0'\n",
            "scmish.__version__",
        ),
        ("", "scmish._version.__version__"),  # the written file itself, not there yet
    ],
)
def test_a_setuptools_attr_reading_the_file_setuptools_scm_writes_is_versioned_by_tags(
    tmp_path: Path, init: str, attr: str
) -> None:
    """The shape: ``version = {attr = "flox.__version__"}`` beside ``[tool.setuptools_scm]
    write_to = "flox/_version.py"``, and ``flox/__init__.py`` takes ``__version__`` from
    that file (a fallback ``"999"`` when it is missing). The build writes the file from
    the tags before setuptools imports the attr: the wheel is 0.11.3.dev3. relnox read the
    fallback and proposed 999.1.0; the version is the tags'."""
    extra = (
        '[tool.setuptools.dynamic]\nversion = {attr = "' + attr + '"}\n\n'
        '[tool.setuptools_scm]\nfallback_version = "999"\nwrite_to = "scmish/_version.py"\n'
    )
    files = {
        "pyproject.toml": project("scmish", None, backend="setuptools-scm", extra=extra),
        "scmish/__init__.py": init,
        "scmish/utils.py": (
            "def _get_version():\n    __version__ = 'unknown'\n    try:\n"
            "        from ._version import __version__\n    except ImportError:\n"
            "        pass\n    return __version__\n"
        ),
        ".gitignore": "scmish/_version.py\n",
    }
    root = repo(tmp_path / "r", files, tags=["v0.11.2"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("0.11.2", "vcs")
    assert "scmish/_version.py" in pkg.evidence


def test_an_attr_module_whose_sibling_computes_the_version_is_versioned_by_tags(
    tmp_path: Path,
) -> None:
    """The attr module takes ``__version__`` from a function of a sibling module whose
    only ``__version__`` is a fallback inside that function (``'unknown'``): no literal
    relnox rewrites, so the build computes it (the tags, here), never the fallback."""
    extra = (
        '[tool.setuptools.dynamic]\nversion = {attr = "scmish.__version__"}\n\n'
        '[tool.setuptools_scm]\nwrite_to = "scmish/_version.py"\n'
    )
    files = {
        "pyproject.toml": project("scmish", None, backend="setuptools-scm", extra=extra),
        "scmish/__init__.py": "from .utils import _get_version\n\n__version__ = _get_version()\n",
        "scmish/utils.py": (
            "def _get_version():\n    __version__ = 'unknown'\n    try:\n"
            "        from ._version import __version__\n    except ImportError:\n"
            "        pass\n    return __version__\n"
        ),
        ".gitignore": "scmish/_version.py\n",
    }
    root = repo(tmp_path / "r", files, tags=["v0.11.2"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source, pkg.locations) == ("0.11.2", "vcs", ())
    assert "the build computes the version" in pkg.evidence


def test_meson_version_from_the_tag_the_ci_builds_is_versioned_by_tags(tmp_path: Path) -> None:
    """The shape: ``version: run_command(['build_tools/get_tag.py'])``, a script
    printing the tag of ``GITHUB_REF`` (``refs/tags/v2.1.1``) without its v, else 0.0.0;
    relnox said project() computes its version and stopped every command. The release is
    the tag the CI builds."""
    script = (
        "import os\n\nDEFAULT_TAG = '0.0.0'\n"
        "if os.getenv('GITHUB_REF', '').startswith('refs/tags/'):\n"
        "    tag = os.getenv('GITHUB_REF').split('/')[-1]\n"
        "    print(tag[1:] if tag.startswith('v') else tag)\n"
        "else:\n    print(DEFAULT_TAG)\n"
    )
    files = {
        "pyproject.toml": project("arimaish", None, backend="meson"),
        "meson.build": "project('arimaish',\n  version: run_command(['build_tools/get_tag.py'],"
        " check: true).stdout().strip(),\n)\n",
        "build_tools/get_tag.py": script,
        "arimaish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v2.1.1"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.vcs_versioned) == ("2.1.1", True)
    assert "the build computes the version" in pkg.evidence


def test_setup_py_use_pyscaffold_is_versioned_by_tags(tmp_path: Path) -> None:
    """The shape (PyScaffold 3): ``setup(use_pyscaffold=True)`` with pyscaffold in the
    build requirements and setup.cfg holding the metadata; PyScaffold gives setuptools-scm
    the version. relnox said setup.py computes the version and stopped every command."""
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools<70", "wheel", "pyscaffold>=3.3a0,<4"]\n'
            'build-backend = "setuptools.build_meta"\n'
        ),
        "setup.cfg": "[metadata]\nname = freshish\n\n[pyscaffold]\nversion = 3.2.3\n",
        "setup.py": (
            "from setuptools import setup\n\n"
            'if __name__ == "__main__":\n    setup(use_pyscaffold=True)\n'
        ),
        "freshish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v0.21.2"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("0.21.2", "vcs")
    assert "use_pyscaffold" in pkg.evidence


def test_a_setup_py_literal_version_written_with_a_v_is_read_and_keeps_it(
    tmp_path: Path,
) -> None:
    """The shape: ``setup(version="v4.0.3")``, which setuptools normalises to 4.0.3;
    relnox said setup.py computes the version and stopped every command. It is 4.0.3, and
    a bump writes ``v4.1.0``, keeping the file's spelling."""
    setup_py = (
        "from setuptools import setup\n\n"
        'setup(\n    name = "oceanish",\n    version = "v4.0.3",\n    packages=["oceanish"],\n)\n'
    )
    files = {"setup.py": setup_py, "oceanish/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v4.0.3"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "4.0.3"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert 'version = "v4.1.0",' in (root / "setup.py").read_text()


@pytest.mark.slow
def test_a_version_the_module_computes_is_the_backends_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``__version__`` computed beyond a literal or a plain join (a join with a filter of
    the parts) has no literal relnox rewrites: the build computes it, so setuptools is
    asked through PEP 517 and its answer is the version (the finding names it)."""
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    module = (
        "version_info = (0, 3, 1, '')\n"
        "__version__ = '.'.join([str(p) for p in version_info if p or p == 0])\n"
    )
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "calc.__version__"}\n'
    pyproject = project("calc", None, backend="setuptools", extra=extra)
    root = repo(tmp_path / "r", {"pyproject.toml": pyproject, "calc/__init__.py": module})
    (pkg,) = discover(root).packages
    assert pkg.evidence.startswith(
        "[tool.setuptools.dynamic] version = {attr = 'calc.__version__'}"
    )
    assert "the build computes the version" in pkg.evidence
    assert pkg.version == "0.3.1"
    assert "setuptools.build_meta says 0.3.1" in pkg.referee


def test_meson_version_from_a_script_reading_the_module_s_literal_is_that_literal(
    tmp_path: Path,
) -> None:
    """``version: run_command(['tools/version.py'])``, a script reading ``__version__`` out
    of the package's ``__init__.py``: the version is that literal (1.3.0, the next release),
    not the last tag, and a bump rewrites it there."""
    script = (
        "import pathlib, re\n"
        "init = pathlib.Path(__file__).parent.parent / 'src' / 'acme' / '__init__.py'\n"
        "print(re.search(r'__version__ = \"(.+)\"', init.read_text()).group(1))\n"
    )
    files = {
        "pyproject.toml": project("acme", None, backend="meson"),
        "meson.build": "project('acme', 'c',\n  version: run_command(['tools/version.py'], "
        "check: true).stdout().strip(),\n)\npy = import('python').find_installation()\n"
        "py.install_sources(['src/acme/__init__.py'], subdir: 'acme')\n",
        "tools/version.py": script,
        "src/acme/__init__.py": '__version__ = "1.3.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    listed = run_relnox("packages", "--json", cwd=root, check=True)
    (row,) = json.loads(listed.stdout)["packages"]
    assert (row["version"], row["primary"]) == ("1.3.0", "src/acme/__init__.py")
    bump = run_relnox("bump", "--dry-run", "--part", "minor", cwd=root, check=True)
    assert "acme: 1.3.0 -> 1.4.0" in bump.stdout and "+++ b/src/acme/__init__.py" in bump.stdout


def test_meson_version_from_a_script_reading_a_module_and_marking_dev_builds_with_git(
    tmp_path: Path,
) -> None:
    """``version: run_command('src/acme/_build/version.py')``, a script reading the
    ``__version__`` line of ``../../acme/__init__.py`` (a path from its own folder) and, for
    a development version only, appending ``+git<date>.<hash>`` that it asks git for: the
    version is the module's literal, not the last tag (git only marks development builds)."""
    script = (
        "import subprocess\nfrom pathlib import Path\n\n"
        "init = Path(__file__).parent / '../../acme/__init__.py'\n"
        "line = next(l for l in init.read_text().splitlines() if l.startswith('__version__ ='))\n"
        "version = line.split(' = ')[1].strip(\"'\")\n"
        "if 'dev' in version:\n"
        "    out = subprocess.run(['git', 'log', '-1', '--format=%h'], capture_output=True)\n"
        "    version += '+git' + out.stdout.decode().strip()\n"
        "print(version)\n"
    )
    files = {
        "pyproject.toml": project("acme", None, backend="meson"),
        "meson.build": "project('acme', 'c',\n  version: run_command("
        "'src/acme/_build/version.py', check: true).stdout().strip(),\n)\n",
        "src/acme/_build/version.py": script,
        "src/acme/__init__.py": "__version__ = '0.26.1rc0.dev0'\n",
    }
    root = repo(tmp_path / "r", files, tags=["v0.26.0"])
    listed = run_relnox("packages", "--json", cwd=root, check=True)
    (row,) = json.loads(listed.stdout)["packages"]
    assert (row["version"], row["primary"]) == ("0.26.1rc0.dev0", "src/acme/__init__.py")
    bump = run_relnox("bump", "--dry-run", "--to", "0.27.0rc0", cwd=root, check=True)
    assert (
        "+++ b/src/acme/__init__.py" in bump.stdout and "+__version__ = '0.27.0rc0'" in bump.stdout
    )


def test_a_meson_build_saying_the_static_project_version_is_a_copy(tmp_path: Path) -> None:
    """meson-python builds the static ``[project] version``; meson.build's ``project(version:
    ...)`` saying the same is a copy every release moves too. One at a version of its own
    is meson's, left."""
    meson = "project(\n  'Wave',\n  'c',\n  version: '{}',\n  license: 'MIT',\n)\n"
    files = {
        "same/pyproject.toml": project("wave", "1.10.0.dev0", backend="meson"),
        "same/meson.build": meson.format("1.10.0.dev0"),
        "own/pyproject.toml": project("tide", "2.0.0", backend="meson"),
        "own/meson.build": meson.format("0.1"),
    }
    root = repo(tmp_path / "r", files)
    out = run_relnox("bump", "--to", "1.10.0", "--dry-run", cwd=root / "same", check=True).stdout
    assert "-  version: '1.10.0.dev0',\n+  version: '1.10.0',\n" in out
    own = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root / "own", check=True).stdout
    assert "meson.build" not in own


def test_a_version_module_reading_the_project_s_version_file_is_that_file(
    tmp_path: Path,
) -> None:
    """The shape: ``version = {attr = "coreish.core._version.__version__"}``, whose module
    reads ``VERSION`` three folders up (``os.path.join(here, "..", "..", "..")``), the
    project's own; relnox said the build computes the version and took the last tag's. The
    version is that file's, and a bump rewrites it."""
    module = (
        "import os\n\nhere = os.path.dirname(os.path.abspath(__file__))\n"
        'root = os.path.abspath(os.path.join(here, "..", "..", ".."))\n\n'
        'with open(os.path.join(root, "VERSION")) as f:\n    __version__ = f.read().strip()\n'
    )
    extra = '\n[tool.setuptools.dynamic]\nversion = {attr = "coreish.core._version.__version__"}\n'
    files = {
        "core/pyproject.toml": project("coreish", dynamic=True, backend="setuptools", extra=extra),
        "core/VERSION": "2.20.0\n",
        "core/src/coreish/core/_version.py": module,
        "pyproject.toml": '[tool.relnox]\npackages = ["core"]\n',
    }
    root = repo(tmp_path / "r", files, tags=["v2.19.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.version == "2.20.0" and pkg.primary is not None
    assert pkg.primary.path == root / "core/VERSION"
    apply_bump(plan_bump(ws, BumpOptions(part="patch")))
    assert (root / "core/VERSION").read_text() == "2.20.1\n"
