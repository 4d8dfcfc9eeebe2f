"""Native wheels in release.yml: the wheel matrix of a package with a native build backend,
built by maturin-action or cibuildwheel, each wheel verified on its OS and Python."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.ci.actions import CIBUILDWHEEL, MATURIN, READ, UPLOAD, slug
from relnox.ci.pins import uses
from relnox.project.workspace import Package

if TYPE_CHECKING:
    from relnox.ci.workflows import WorkflowBuilder

#: the wheel builder of each native build backend (by the backend's module), and the
#: action each builder runs in the wheel matrix
NATIVE_BACKENDS = {
    "maturin": "maturin",
    "scikit_build_core": "cibuildwheel",
    "mesonpy": "cibuildwheel",
}
BUILDER_ACTIONS = {"maturin": MATURIN, "cibuildwheel": CIBUILDWHEEL}


def native_builder(pkg: Package) -> str | None:
    """``maturin`` or ``cibuildwheel`` for a package with a native build backend."""
    backend = pkg.backend.lower()
    return next((b for name, b in NATIVE_BACKENDS.items() if backend.startswith(name)), None)


def wheels_job(flow: WorkflowBuilder, pkg: Package) -> dict[str, Any]:
    directory = flow.directory_of(pkg)
    wheelhouse = "wheelhouse" if directory == "." else f"{directory}/wheelhouse"
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
    # the full install check of verify-install (imports, __version__, console scripts,
    # [tool.relnox.verify] commands) on this OS and the matrix Python (by its path);
    # relnox itself runs on the build Python, set up after the build
    matrix_python = flow.setup("${{ matrix.python.version }}", install=False)
    matrix_python[1] = {"id": "python", **matrix_python[1]}
    verify = (
        'nox -s verify_install -- --package "$PACKAGE" --dist "$WHEELHOUSE" --python "$PYTHON"\n'
    )
    return {
        "name": f"Wheels of {pkg.name} (${{{{ matrix.os }}}}, Python ${{{{ matrix.python.version }}}})",
        "needs": "plan",
        "if": f"contains(format(' {{0}} ', needs.plan.outputs.packages), ' {pkg.name} ')",
        "runs-on": "${{ matrix.os }}",
        "permissions": READ,
        "strategy": {
            "fail-fast": False,
            "matrix": {"os": list(flow.settings.os), "python": pythons},
        },
        "steps": [
            *matrix_python,
            build,
            *flow.setup(flow.build_python)[1:],  # relnox's own Python is the default
            {
                "name": "Install the wheel in a fresh environment and check it (verify-install)",
                "shell": "bash",
                "run": verify,
                "env": {
                    "PACKAGE": pkg.name,
                    "WHEELHOUSE": f"${{{{ github.workspace }}}}/{wheelhouse}",
                    "PYTHON": "${{ steps.python.outputs.python-path }}",
                },
            },
            {
                "uses": uses(UPLOAD),
                "with": {
                    "name": f"wheels-{slug(pkg.name)}-${{{{ matrix.os }}}}-${{{{ matrix.python.version }}}}",
                    "path": f"{wheelhouse}/*.whl",
                    "if-no-files-found": "error",
                },
            },
        ],
    }
