"""The import packages a build ships, found the way each backend finds them."""

from __future__ import annotations

from pathlib import Path

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from relnox.project.modules import import_packages
from relnox.toml import tomllib
from tests.shapes import repo, write


def _doc(backend: str, extra: str = "") -> dict[str, object]:
    requires = {"hatchling.build": "hatchling", "poetry.core.masonry.api": "poetry-core"}
    text = (
        '[project]\nname = "x"\nversion = "1"\n[build-system]\n'
        f'requires = ["{requires.get(backend, "setuptools")}"]\nbuild-backend = "{backend}"\n'
        + extra
    )
    return tomllib.loads(text)


def test_hatch_only_include_of_a_source_root_ships_what_it_holds(tmp_path: Path) -> None:
    """``only-include = ["src"]`` with ``sources = ["src"]``: src/ is the wheel's root, so
    its packages and modules are shipped (black, blackd, blib2to3, _black_version)."""
    write(
        tmp_path,
        {
            "src/black/__init__.py": "",
            "src/blackd/__init__.py": "",
            "src/_black_version.py": "version = '1'\n",
            "src/notes.txt": "",
        },
    )
    extra = '[tool.hatch.build.targets.wheel]\nonly-include = ["src"]\nsources = ["src"]\n'
    found = import_packages(tmp_path, "black", _doc("hatchling.build", extra))
    assert found == ("_black_version", "black", "blackd")


def test_hatch_packages_below_a_source_root_keep_their_path_from_it(tmp_path: Path) -> None:
    """The shape: ``packages = ["src/dbt/adapters", "src/dbt/include"]`` with
    ``sources = ["src"]``: hatch rewrites the paths by its shortest source first, so the
    wheel holds ``dbt/adapters`` and ``dbt/include`` (the namespace ``dbt``), not
    ``adapters`` and ``include``; without ``sources`` each package is shipped by its name."""
    write(tmp_path, {"src/dbt/adapters/__init__.py": "", "src/dbt/include/__init__.py": ""})
    wheel = '[tool.hatch.build.targets.wheel]\npackages = ["src/dbt/adapters", "src/dbt/include"]\n'
    found = import_packages(
        tmp_path, "dbt-x", _doc("hatchling.build", wheel + 'sources = ["src"]\n')
    )
    assert found == ("dbt",)
    assert import_packages(tmp_path, "dbt-x", _doc("hatchling.build", wheel)) == (
        "adapters",
        "include",
    )


def test_poetry_ships_its_name_s_namespace_directory(tmp_path: Path) -> None:
    """poetry-core includes ``src/<name>`` with or without an ``__init__.py`` (``poetry``
    is a namespace shared with ``poetry.core``)."""
    write(tmp_path, {"src/poetry/__version__.py": "", "src/poetry/console/__init__.py": ""})
    assert import_packages(tmp_path, "poetry", _doc("poetry.core.masonry.api")) == ("poetry",)


def test_a_dotted_name_finds_its_package_below_the_namespace(tmp_path: Path) -> None:
    """``zope.interface`` ships ``src/zope/interface`` under the namespace ``zope``."""
    write(tmp_path, {"src/zope/interface/__init__.py": ""})
    found = import_packages(tmp_path, "zope.interface", _doc("setuptools.build_meta"))
    assert found == ("zope",)


def test_setup_py_packages_below_its_package_dir_are_shipped_and_their_version_kept_in_step(
    tmp_path: Path,
) -> None:
    """The shape: ``setup(name="PyYAMLish", package_dir={"": "lib"}, packages=["yaml",
    "_yaml"])``. The wheel ships ``yaml`` and ``_yaml``, whose ``__version__`` is a copy
    of the version that a bump rewrites with setup.py's."""
    setup = (
        "NAME = 'PyYAMLish'\nVERSION = '7.0.0.dev0'\n\nfrom setuptools import setup\n\n"
        "setup(name=NAME, version=VERSION, package_dir={'': 'lib'},\n"
        "      packages=['yamlish', '_yamlish'])\n"
    )
    files = {
        "setup.py": setup,
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "lib/yamlish/__init__.py": "__version__ = '7.0.0.dev0'\n",
        "lib/_yamlish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.import_packages == ("yamlish", "_yamlish")
    assert [loc.path for loc in pkg.locations] == [
        root / "setup.py",
        root / "lib/yamlish/__init__.py",
    ]
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert [e.path for e in plan.edits] == [root / "setup.py", root / "lib/yamlish/__init__.py"]


def test_a_setuptools_find_glob_ships_every_package_it_matches(tmp_path: Path) -> None:
    """``include = ["kedro_datasets*"]``: find_packages matches by fnmatch,
    so kedro_datasets_benchmarks and kedro_datasets_experimental ship too; tests and an
    excluded match do not."""
    write(
        tmp_path,
        {
            "kedro_datasets/__init__.py": "",
            "kedro_datasets_benchmarks/__init__.py": "",
            "kedro_datasets_experimental/__init__.py": "",
            "kedro_datasets_scratch/__init__.py": "",
            "tests/__init__.py": "",
        },
    )
    find = (
        "[tool.setuptools.packages.find]\n"
        'include = ["kedro_datasets*"]\nexclude = ["kedro_datasets_scratch"]\n'
    )
    doc = _doc("setuptools.build_meta", find)
    assert import_packages(tmp_path, "kedro-datasets", doc) == (
        "kedro_datasets",
        "kedro_datasets_benchmarks",
        "kedro_datasets_experimental",
    )


def test_hatch_include_moved_by_its_sources_ships_the_new_path(tmp_path: Path) -> None:
    """The shape: wheel ``include = ["src/mistralai", ...]`` with ``sources =
    {"src/mistralai" = "mistralai"}`` and no ``__init__.py`` there (a namespace of
    ``client`` and ``extra``); relnox found no import package. The wheel holds ``mistralai``;
    an include no source moves names nothing."""
    write(tmp_path, {"src/mistralai/client/__init__.py": "", "packages/gcp/src/x.py": ""})
    extra = (
        "[tool.hatch.build.targets.wheel]\n"
        'include = ["src/mistralai", "packages/gcp/src/mistralai"]\n'
        "[tool.hatch.build.targets.wheel.sources]\n"
        '"src/mistralai" = "mistralai"\n'
        '"packages/gcp/src/mistralai/gcp" = "mistralai/gcp"\n'
    )
    assert import_packages(tmp_path, "mistralai", _doc("hatchling.build", extra)) == ("mistralai",)


def test_setup_cfg_options_packages_find_of_a_namespace(tmp_path: Path) -> None:
    """The shape: pyproject.toml's ``[project]`` and setup.cfg's
    ``[options.packages.find]`` with ``include = google.genai``, ``google`` a namespace
    without ``__init__.py``; relnox found no import package. The wheel holds ``google``."""
    cfg = (
        "[options]\ninclude_package_data = True\n\n[options.packages.find]\nwhere =\n    .\n"
        "include =\n    google.genai\n    google.genai.*\nexclude =\n    tests\n"
    )
    files = {
        "pyproject.toml": (
            '[project]\nname = "google-genai"\nversion = "2.19.0"\n'
            '[build-system]\nrequires = ["setuptools"]\n'
        ),
        "setup.cfg": cfg,
        "google/genai/__init__.py": "",
        "tests/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root).packages
    assert pkg.import_packages == ("google",)


def test_a_stale_setuptools_table_beside_another_backend_names_no_module(tmp_path: Path) -> None:
    """The shape: flit_core builds it, and a ``[tool.setuptools.packages.find] include =
    ["README.md", "LICENSE"]`` left from setuptools days made its modules README and LICENSE,
    so flit's ``__version__`` of optax was never looked for ('the version is dynamic and
    relnox cannot read it'). flit ships optax, and its version is read there."""
    text = (
        '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n'
        '[project]\nname = "optaxish"\ndynamic = ["version"]\ndescription = "d"\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["README.md", "LICENSE"]\n'
    )
    files = {
        "pyproject.toml": text,
        "optaxish/__init__.py": '"""Optaxish."""\n\n__version__ = "0.2.9.dev"\n',
        "README.md": "r\n",
        "LICENSE": "l\n",
    }
    root = repo(tmp_path / "r", files, tags=["v0.2.8"])
    assert import_packages(root, "optaxish", tomllib.loads(text)) == ("optaxish",)
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "0.2.9.dev"
