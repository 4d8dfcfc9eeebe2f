"""Native packages for the workflow harness: each builds for real on this machine.

:func:`write_bin_crate` is a maturin ``bindings = "bin"`` package, the shape of ruff
and uv: a Rust binary of no crate dependency (crates.io is not reachable here) in the
wheel's ``.data/scripts``, its version in ``Cargo.toml``. :func:`write_c_extension` is
a scikit-build-core package with one C extension module (the shape of
tests/builds/test_run.py's), whose ``[tool.relnox.verify] commands`` call into it;
:func:`write_setuptools_extension` the same module built by setuptools from setup.py's
``ext_modules`` (this shape), which no backend name marks as native.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

#: the user's own home, whatever ``HOME`` says (a clean ``HOME`` still has rustup's toolchains)
_HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)
#: rustup's and cargo's homes (``cargo`` is a rustup shim), and cargo's bin directory on
#: ``PATH`` (rustup puts it there from a shell profile, which a clean environment skips);
#: crates.io is not reachable from here, so every cargo build is offline
_CARGO_HOME = os.environ.get("CARGO_HOME") or str(_HOME / ".cargo")
RUST_ENV = {
    "RUSTUP_HOME": os.environ.get("RUSTUP_HOME") or str(_HOME / ".rustup"),
    "CARGO_HOME": _CARGO_HOME,
    "CARGO_NET_OFFLINE": "true",
    "PATH": os.pathsep.join([os.environ.get("PATH", ""), str(Path(_CARGO_HOME) / "bin")]),
}

BIN_PYPROJECT = """[build-system]
requires = ["maturin>=1.5,<2"]
build-backend = "maturin"

[project]
name = "{name}"
dynamic = ["version"]
description = "A command written in Rust."
readme = "README.md"
requires-python = ">=3.9"

[tool.maturin]
bindings = "bin"
"""
CARGO_TOML = """[package]
name = "{name}"
version = "{version}"
edition = "2021"

[profile.release]
opt-level = 0  # a fixture: build fast
"""
MAIN_RS = """fn main() {
    println!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"));
}
"""
EXT_PYPROJECT = """[build-system]
requires = ["scikit-build-core>=0.8"]
build-backend = "scikit_build_core.build"

[project]
name = "{name}"
version = "{version}"
description = "A C extension."
readme = "README.md"
requires-python = ">=3.9"

[tool.relnox.verify]
commands = [["python", "-c", "import {module}._core as c; assert c.answer() == 42, c.answer()"]]
"""
CMAKE = """cmake_minimum_required(VERSION 3.15)
project(${{SKBUILD_PROJECT_NAME}} LANGUAGES C)
find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)
python_add_library(_core MODULE src/core.c WITH_SOABI)
install(TARGETS _core DESTINATION {module})
"""
C_SOURCE = """#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods};
PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
"""


SETUPTOOLS_PYPROJECT = """[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "A C extension built by setuptools."
readme = "README.md"
requires-python = ">=3.9"

[tool.setuptools]
packages = ["{module}"]

[tool.relnox.verify]
commands = [["python", "-c", "import {module}._core as c; assert c.answer() == 42, c.answer()"]]
"""
SETUP_PY = """from setuptools import Extension, setup

setup(ext_modules=[Extension("{module}._core", ["src/core.c"])])
"""


def need(*programs: str) -> None:
    """A toolchain the native flows build with is missing: a failure in CI (``CI`` set, as
    the gate runs: it never skips them), a skip saying what to install elsewhere (a
    machine with only Python runs every other test)."""
    missing = [p for p in programs if shutil.which(p, path=RUST_ENV["PATH"]) is None]
    if not missing:
        return
    why = f"the native CI flows need {', '.join(missing)} (Rust: rustup.rs; C: a compiler, cmake)"
    if os.environ.get("CI"):
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


def write_bin_crate(directory: Path, name: str, version: str) -> Path:
    """A maturin ``bindings = "bin"`` package with its ``Cargo.lock``; returns it."""
    need("cargo")
    (directory / "src").mkdir(parents=True)
    (directory / "pyproject.toml").write_text(BIN_PYPROJECT.format(name=name), encoding="utf-8")
    (directory / "Cargo.toml").write_text(
        CARGO_TOML.format(name=name, version=version), encoding="utf-8"
    )
    (directory / "src" / "main.rs").write_text(MAIN_RS, encoding="utf-8")
    (directory / "README.md").write_text(f"# {name}\n\nA command.\n", encoding="utf-8")
    (directory / ".gitignore").write_text("target/\n", encoding="utf-8")
    subprocess.run(
        ["cargo", "generate-lockfile", "--offline"],
        cwd=directory,
        env={**os.environ, **RUST_ENV},
        check=True,
        capture_output=True,
    )
    return directory


def write_c_extension(directory: Path, name: str, version: str) -> Path:
    """A scikit-build-core package whose ``_core`` extension is C; returns it."""
    need("cmake", "cc")
    module = name.replace("-", "_")
    (directory / "src" / module).mkdir(parents=True)
    (directory / "pyproject.toml").write_text(
        EXT_PYPROJECT.format(name=name, version=version, module=module), encoding="utf-8"
    )
    (directory / "CMakeLists.txt").write_text(CMAKE.format(module=module), encoding="utf-8")
    (directory / "src" / "core.c").write_text(C_SOURCE, encoding="utf-8")
    (directory / "src" / module / "__init__.py").write_text(
        f'"""{name}: a C extension."""\n\n__version__ = "{version}"\n', encoding="utf-8"
    )
    (directory / "README.md").write_text(f"# {name}\n\nA C extension.\n", encoding="utf-8")
    return directory


def write_setuptools_extension(
    directory: Path, name: str, version: str, *, scm_root: str = ""
) -> Path:
    """A setuptools package whose ``_core`` extension (setup.py's ``ext_modules``) is C;
    with ``scm_root`` (the repository's top, relative to it), versioned instead by
    setuptools-scm from its own tags (``NAME-vX.Y.Z``), ``version`` being the first."""
    need("cc")
    module = name.replace("-", "_")
    (directory / module).mkdir(parents=True)
    (directory / "src").mkdir()
    pyproject = SETUPTOOLS_PYPROJECT.format(name=name, version=version, module=module)
    init = f'"""{name}: a C extension."""\n\n__version__ = "{version}"\n'
    if scm_root:
        pyproject = pyproject.replace(f'version = "{version}"', 'dynamic = ["version"]')
        pyproject = pyproject.replace('"setuptools>=64"', '"setuptools>=64", "setuptools-scm>=8"')
        pyproject += (
            f'\n[tool.setuptools_scm]\nroot = "{scm_root}"\n'
            f"tag_regex = '^{name}-v(?P<version>.*)$'\n"
            f"git_describe_command = \"git describe --dirty --tags --long --match '{name}-v*'\"\n"
        )
        init = (
            f'"""{name}: a C extension."""\n\nfrom importlib.metadata import version\n\n'
            f'__version__ = version("{name}")\n'
        )
    (directory / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (directory / "setup.py").write_text(SETUP_PY.format(module=module), encoding="utf-8")
    (directory / "src" / "core.c").write_text(C_SOURCE, encoding="utf-8")
    (directory / module / "__init__.py").write_text(init, encoding="utf-8")
    (directory / "README.md").write_text(f"# {name}\n\nA C extension.\n", encoding="utf-8")
    (directory / "MANIFEST.in").write_text("include src/core.c\n", encoding="utf-8")
    (directory / ".gitignore").write_text("build/\n*.egg-info/\n", encoding="utf-8")
    return directory
