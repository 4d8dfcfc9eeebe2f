"""What verify-install blames when it fails: the package whose metadata is wrong (real
builds, real fresh environments, the real ``relnox`` command)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.sample import ProjectSpec, git_init, write_workspace
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow


def test_a_pin_on_an_old_version_of_a_sibling_blames_the_package_holding_it_once(
    tmp_path: Path,
) -> None:
    """``pin-a`` requires ``pin-x==0.1.6`` while the workspace holds 0.1.7; ``pin-c`` needs
    ``pin-a``. The closing error names pin-a's requirement, once, and not the network,
    the index, pin-c or pin-x as the cause."""
    root = write_workspace(
        tmp_path / "ws",
        [
            ProjectSpec("pin-x", "0.1.7"),
            ProjectSpec("pin-a", "0.1.7", requires=["pin-x==0.1.6"]),
            ProjectSpec("pin-b", "0.1.7", requires=["pin-x>=0.1"]),
            ProjectSpec("pin-c", "0.1.7", requires=["pin-a>=0.1"]),
        ],
    )
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    error = proc.stderr[proc.stderr.index("relnox: error:") :]
    assert "pin-a requires 'pin-x==0.1.6' (packages/pin-a/pyproject.toml)" in error, error
    assert "does not admit pin-x 0.1.7" in error and error.count("pin-x==0.1.6") == 1
    assert "network" not in error and "the package itself" not in error, error
    assert "pin-c need(s) one whose own install failed" in error, error
    assert "pin-b" not in error and "ok    pin-b" in proc.stdout
    # its install failed: no check of its own ran, so no time of its own ("(0.00s)")
    assert "FAIL  pin-a 0.1.7: install failed\n" in proc.stdout, proc.stdout


def test_a_module_the_package_imports_but_does_not_require_is_named(tmp_path: Path) -> None:
    """``acme`` imports a module nothing it requires installs (a dependency that came with
    another package before): its import and its console script fail on it. The error read
    a missing extra (for the script) and the package itself; it names the module and the
    fix, a requirement to declare, now. The same for a package in a namespace
    (``acme.plugins.nsu``), which read "the package itself"."""
    init = '__version__ = "0.1.0"\nimport undeclared_helper_mod\n\n\ndef main() -> int:\n    return 0\n'
    spec = ProjectSpec("und-pkg", "0.1.0", script=True, extra_files={"und_pkg/__init__.py": init})
    root = write_workspace(tmp_path / "ws", [spec, ProjectSpec("nsu-pkg", "0.1.0")])
    nsu = root / "packages" / "nsu-pkg"
    (nsu / "nsu_pkg" / "__init__.py").unlink()
    (nsu / "nsu_pkg").rmdir()
    (nsu / "acme" / "plugins" / "nsu").mkdir(parents=True)
    (nsu / "acme" / "plugins" / "nsu" / "__init__.py").write_text("import undeclared_ns_mod\n")
    wheel = '\n[tool.hatch.build.targets.wheel]\npackages = ["acme"]\n'
    (nsu / "pyproject.toml").write_text((nsu / "pyproject.toml").read_text() + wheel)
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert proc.returncode == 1 and "Traceback (most" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "relnox: error: verify-install failed because of a requirement not declared: "
        "importing nsu-pkg, und-pkg needs undeclared_ns_mod, undeclared_helper_mod, which "
        "nothing it requires installs "
        "(another package brought it before, or never did); add the distribution that "
        "provides it to [project] dependencies, then relnox build-all"
    )


def test_a_dependency_the_dist_directory_lacks_under_offline_is_named_with_its_fix(
    tmp_path: Path,
) -> None:
    """``--offline`` and a third-party dependency not in dist/: the error blamed "the network
    or the index" and advised "--offline with a complete dist directory", the flag given."""
    spec = ProjectSpec("off-pkg", "0.1.0", requires=["off-absent-dep>=1"])
    root = write_workspace(tmp_path / "ws", [spec])
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert proc.returncode == 1 and "Traceback (most" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "relnox: error: verify-install failed because of --offline: installing off-pkg needs "
        "off-absent-dep, which the dist directory does not hold and --offline asks no index "
        "for; run without --offline, so the installer's index (or --extra-index) supplies it"
    )
