from __future__ import annotations

from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import repo

#: a setup.py that builds a Rust tool's Python package, reading the crate's version
_READS_CARGO = (
    "try:\n    import tomllib\nexcept ImportError:\n    import tomli as tomllib\n\n"
    "from setuptools import setup\n\n"
    'with open("Cargo.toml", "rb") as fp:\n'
    '    version = tomllib.load(fp)["package"]["version"]\n\n'
    'setup(name="rustool", version=version)\n'
)


def test_a_setup_py_reading_its_version_from_cargo_toml_is_that_version(tmp_path: Path) -> None:
    """A setuptools bootstrap of a Rust tool: setup.py reads ``[package] version`` of the
    crate's Cargo.toml. ``packages`` said the version came from git tags and the bump only
    tagged; now it names Cargo.toml, and the bump moves it and Cargo.lock."""
    pyproject = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "rustool"\ndynamic = ["version"]\n'
    )
    lock = 'version = 3\n\n[[package]]\nname = "rustool"\nversion = "1.4.0"\n'
    files = {
        "pyproject.toml": pyproject,
        "setup.py": _READS_CARGO,
        "Cargo.toml": '[package]\nname = "rustool"\nversion = "1.4.0"\nedition = "2021"\n',
        "Cargo.lock": lock,
    }
    root = repo(tmp_path / "r", files, tags=["v1.4.0"])
    listed = run_relnox("packages", cwd=root, check=True).stdout
    assert "Cargo.toml [package].version" in listed and "git tags" not in listed
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert 'version = "1.4.1"' in (root / "Cargo.toml").read_text()
    assert (root / "Cargo.lock").read_text() == lock.replace("1.4.0", "1.4.1")


#: a setup.py that runs a version module deep in its namespace package, its path given
#: to ``os.path.join`` a folder at a time
_EXECS_JOINED = (
    "import os\n\nfrom setuptools import setup\n\n"
    "BASE_DIR = os.path.dirname(__file__)\n"
    'VERSION_FILENAME = os.path.join(BASE_DIR, "acme", "common", "context", "version.py")\n'
    "INFO = {}\nwith open(VERSION_FILENAME) as f:\n    exec(f.read(), INFO)\n\n"
    'setup(name="acme-context", version=INFO["__version__"])\n'
)


def test_a_version_module_named_a_folder_at_a_time_is_the_version(tmp_path: Path) -> None:
    """A member of a family that shares a namespace package runs its version module, whose
    path setup.py gives ``os.path.join`` one folder at a time. relnox found no file and took
    the version from the family's tags; now it names the module, and the bump moves it."""
    files = {
        "setup.py": _EXECS_JOINED,
        "acme/__init__.py": "",
        "acme/common/__init__.py": "",
        "acme/common/context/__init__.py": "",
        "acme/common/context/version.py": '__version__ = "0.2.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v0.2.0"])
    listed = run_relnox("packages", cwd=root, check=True).stdout
    assert "acme/common/context/version.py" in listed and "git tags" not in listed, listed
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "acme/common/context/version.py").read_text() == '__version__ = "0.2.1"\n'


def test_a_module_imported_from_a_folder_setup_py_puts_on_the_path_is_the_version(
    tmp_path: Path,
) -> None:
    """setup.py puts ``Lib/acme`` on ``sys.path``, imports ``pkginfo`` and passes
    ``pkginfo.__version__``: relnox found no file and took the version from the tags (a
    release moved no file); now it names ``Lib/acme/pkginfo.py``, and a bump moves the
    copy in ``acmeurl.py``, a module shipped alone (``py_modules``), with it."""
    setup = (
        "import os, sys\n\nfrom setuptools import setup\n\n"
        "sys.path.insert(0, os.path.join(os.getcwd(), 'Lib/acme'))\nimport pkginfo\n\n"
        "setup(name='acme', version=pkginfo.__version__, package_dir={'': 'Lib'},\n"
        "      packages=['acme'], py_modules=['acmeurl'])\n"
    )
    files = {
        "setup.py": setup,
        "Lib/acme/__init__.py": "from acme.pkginfo import __version__\n",
        "Lib/acme/pkginfo.py": "__version__ = '3.4.3'\n",
        "Lib/acmeurl.py": "__version__ = '3.4.3'\n",
    }
    root = repo(tmp_path / "r", files, tags=["acme-3.4.3"])
    listed = run_relnox("packages", cwd=root, check=True).stdout
    assert "Lib/acme/pkginfo.py" in listed and "git tags" not in listed, listed
    bump = run_relnox("bump", "--dry-run", "--part", "patch", "-v", cwd=root, check=True).stdout
    assert "+++ b/Lib/acmeurl.py" in bump, bump


def test_a_version_setup_py_finds_with_its_own_regex_is_the_version(tmp_path: Path) -> None:
    """setup.py opens ``acme/_version.py`` and finds ``__versionstr__ = "7.17.10"`` with a
    regex of its own; its tags lag (7.17.9): relnox read the tags and moved no file, now the
    regex finds the version there and a bump rewrites it."""
    setup = (
        "import re\nfrom os.path import dirname, join\n\nfrom setuptools import setup\n\n"
        'with open(join(dirname(__file__), "acme", "_version.py")) as f:\n'
        "    version = re.search(\n"
        '        r"__versionstr__\\s+=\\s+[\\"\\\']([^\\"\\\']+)[\\"\\\']", f.read()\n'
        "    ).group(1)\n\n"
        'setup(name="acme", version=version)\n'
    )
    files = {
        "setup.py": setup,
        "acme/__init__.py": "from ._version import __versionstr__\n",
        "acme/_version.py": '__versionstr__ = "7.17.10"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v7.17.9"])
    bump = run_relnox("bump", "--dry-run", "--part", "patch", cwd=root, check=True).stdout
    assert '+__versionstr__ = "7.17.11"' in bump, bump
