"""Native wheels in release.yml: the wheel matrix of a package that compiles."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from relnox.ci.pins import CIBUILDWHEEL, MATURIN, slug, upload, uses
from relnox.errors import ConfigError
from relnox.project.pyproject import project_doc
from relnox.project.workspace import Package
from relnox.toml import table
from relnox.versions.setup_py import setup_py_tree

if TYPE_CHECKING:
    from relnox.ci.workflows import WorkflowBuilder

#: the wheel builder of each native build backend, and the action each builder runs
NATIVE_BACKENDS = {
    "maturin": "maturin",
    "scikit_build_core": "cibuildwheel",
    "mesonpy": "cibuildwheel",
}
BUILDER_ACTIONS = {"maturin": MATURIN, "cibuildwheel": CIBUILDWHEEL}
#: what setup.py calls to describe a compiled module (setuptools', pybind11's, Cython's)
_EXTENSION_CALLS = frozenset({"Extension", "Pybind11Extension", "cythonize"})
#: hatchling's wheel build hooks that compile modules
_COMPILING_HOOKS = ("mypyc", "cython", "scikit-build")


def native_builder(pkg: Package) -> str | None:
    """``maturin`` or ``cibuildwheel`` for a package that compiles, else None."""
    backend = pkg.backend.lower()
    found = next((b for name, b in NATIVE_BACKENDS.items() if backend.startswith(name)), None)
    if found is None and backend.startswith(("setuptools", "poetry", "hatchling")):
        return "cibuildwheel" if compiles_extensions(pkg) else None
    if found is None and _in_tree_cython(pkg):
        return "cibuildwheel"
    return found


def _in_tree_cython(pkg: Package) -> bool:
    if not table(_doc(pkg), "build-system").get("backend-path"):
        return False
    return any(
        next((base / name).rglob("*.pyx"), None) is not None
        for name in pkg.import_packages
        for base in (pkg.directory / "src", pkg.directory)
        if (base / name).is_dir()
    )


def compiles_extensions(pkg: Package) -> bool:
    """Whether the build compiles extension modules."""
    tool = table(_doc(pkg), "tool")
    setuptools, poetry = table(tool, "setuptools"), table(tool, "poetry")
    build = poetry.get("build")  # a table with its script, or (poetry 1) the script
    script = build.get("script") if isinstance(build, dict) else build
    hooks = table(tool, "hatch", "build", "targets", "wheel", "hooks")
    if any(
        isinstance(hooks.get(hook), dict) and hooks[hook].get("enable-by-default", True)
        for hook in _COMPILING_HOOKS
    ):
        return True
    if setuptools.get("ext-modules") or (isinstance(script, str) and script):
        return True
    tree = setup_py_tree(pkg.directory)
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.Call):
            continue
        if getattr(node.func, "id", getattr(node.func, "attr", None)) in _EXTENSION_CALLS:
            return True
        for keyword in node.keywords:
            value = keyword.value
            empty = isinstance(value, (ast.List, ast.Tuple)) and not value.elts
            none = isinstance(value, ast.Constant) and value.value is None
            if keyword.arg == "ext_modules" and not empty and not none:
                return True
    return False


def _doc(pkg: Package) -> dict[str, Any]:
    try:
        return project_doc(pkg.directory)
    except ConfigError:
        return {}


def wheels_job(flow: WorkflowBuilder, pkg: Package) -> dict[str, Any]:
    directory, wheelhouse = flow.directory_of(pkg), flow.wheelhouse(pkg)
    pythons = [
        {"version": v, "cp": "cp" + v.replace(".", "")} for v in flow.settings.python_versions
    ]
    builder = native_builder(pkg) or "cibuildwheel"
    if builder == "maturin":
        build: dict[str, Any] = {
            "name": "Build the wheel (maturin)",
            "uses": uses(BUILDER_ACTIONS[builder]),
            "with": {
                "working-directory": directory,
                "command": "build",
                "args": "--release --out wheelhouse --interpreter ${{ runner.os == 'Linux' "
                "&& format('python{0}', matrix.python.version) || 'python' }}",
                "manylinux": "auto",
            },
        }
    else:
        build = {
            "name": "Build the wheels (cibuildwheel)",
            "uses": uses(BUILDER_ACTIONS[builder]),
            "with": {"package-dir": directory, "output-dir": wheelhouse},
            "env": {"CIBW_BUILD": "${{ matrix.python.cp }}-*"},
        }
    # verify-install on this OS and the matrix Python (by its path); relnox on its own
    return flow.job(
        f"Wheels of {pkg.name} (${{{{ matrix.os }}}}, Python ${{{{ matrix.python.version }}}})",
        *flow.setup("${{ matrix.python.version }}", builds=True),
        build,
        *flow.setup()[1:],  # relnox's own Python is the default
        {
            "name": "Install the wheel in a fresh environment and check it (verify-install)",
            "shell": "bash",
            "run": 'nox -s verify_install -- --package "$PACKAGE" --dist "$WHEELHOUSE" --python "$PYTHON"\n',
            "env": {
                "PACKAGE": pkg.name,
                "WHEELHOUSE": f"${{{{ github.workspace }}}}/{wheelhouse}",
                "PYTHON": "${{ steps.python.outputs.python-path }}",
            },
        },
        upload(
            f"wheels-{slug(pkg.name)}-${{{{ matrix.os }}}}-${{{{ matrix.python.version }}}}",
            f"{wheelhouse}/*.whl",
        ),
        needs="plan",
        when=f"contains(format(' {{0}} ', needs.plan.outputs.packages), ' {pkg.name} ')",
        runs_on="${{ matrix.os }}",
        strategy={
            "fail-fast": False,
            "matrix": {"os": list(flow.settings.os), "python": pythons},
        },
    )
