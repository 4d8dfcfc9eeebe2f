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
