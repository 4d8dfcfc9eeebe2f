"""What a wheel promises (read from the .whl) and how the check results are judged."""

from __future__ import annotations

import inspect
import zipfile
from pathlib import Path

import pytest

from relnox.errors import VerifyError
from relnox.sample import ProjectSpec, write_workspace
from relnox.verify import in_env, smoke
from relnox.verify.smoke import (
    compare_files,
    judge,
    wheel_facts,
)
from tests.conftest import run_relnox


def make_wheel(path: Path, files: dict[str, str], entry_points: str = "") -> Path:
    info = "demo_pkg-1.2.0.dist-info"
    with zipfile.ZipFile(path, "w") as whl:
        for name, text in files.items():
            whl.writestr(name, text)
        whl.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.2.0\n")
        if entry_points:
            whl.writestr(f"{info}/entry_points.txt", entry_points)
        record = "".join(f"{n},,\n" for n in [*files, f"{info}/METADATA", f"{info}/RECORD"])
        whl.writestr(f"{info}/RECORD", record)
    return path


def test_wheel_facts_come_from_the_wheel_itself(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path / "demo_pkg-1.2.0-py3-none-any.whl",
        {"demo_pkg/__init__.py": "", "demo_pkg/data.json": "{}"},
        "[console_scripts]\nDemo-Tool = demo_pkg:main\n[gui_scripts]\ngui = demo_pkg:gui\n",
    )
    facts = wheel_facts(wheel)

    assert (facts.name, facts.version) == ("demo-pkg", "1.2.0")
    assert facts.imports == ("demo_pkg",)
    assert facts.scripts == ("Demo-Tool",)
    assert facts.files == {"demo_pkg/__init__.py", "demo_pkg/data.json"}


def test_a_vendored_dist_info_inside_a_package_is_not_the_wheels_own(tmp_path: Path) -> None:
    # a backend that vendors a dependency with its metadata (pkg/vendor/tomli-1.2.3.dist-info)
    wheel = make_wheel(
        tmp_path / "demo_pkg-1.2.0-py3-none-any.whl",
        {
            "demo_pkg/__init__.py": "",
            "demo_pkg/vendor/tomli-1.2.3.dist-info/METADATA": "Name: tomli\n",
            "demo_pkg/vendor/tomli-1.2.3.dist-info/LICENSE": "MIT",
        },
    )
    facts = wheel_facts(wheel)

    assert (facts.name, facts.version) == ("demo-pkg", "1.2.0")
    assert facts.imports == ("demo_pkg",)


def test_a_file_that_is_no_wheel_is_a_verify_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(VerifyError, match="not a readable wheel"):
        wheel_facts(bad)


def test_a_wheel_whose_entry_points_are_no_ini_is_one_error_line(tmp_path: Path) -> None:
    """verify-install of a wheel another tool built with a broken entry_points.txt: was
    configparser's traceback, now the wheel, the file and the fix."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("demo-pkg")])
    info = "demo_pkg-0.1.0.dist-info"
    files = {
        "demo_pkg/__init__.py": "",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 0.1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": "[console_scripts\ndemo = demo_pkg:main\n",  # never closed
    }
    (root / "dist").mkdir()
    with zipfile.ZipFile(root / "dist" / "demo_pkg-0.1.0-py3-none-any.whl", "w") as whl:
        for name, text in files.items():
            whl.writestr(name, text)
        whl.writestr(f"{info}/RECORD", "".join(f"{n},,\n" for n in [*files, f"{info}/RECORD"]))
    proc = run_relnox("verify-install", "--dry-run", "--offline", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{info}/entry_points.txt cannot be read; rebuild it" in proc.stderr


def test_sdist_build_is_compared_file_by_file(tmp_path: Path) -> None:
    full = wheel_facts(
        make_wheel(tmp_path / "a.whl", {"demo_pkg/__init__.py": "", "demo_pkg/data.json": ""})
    )
    partial = wheel_facts(make_wheel(tmp_path / "b.whl", {"demo_pkg/__init__.py": ""}))

    assert compare_files(full, full).ok
    check = compare_files(partial, full)
    assert not check.ok
    assert "missing from the sdist build: demo_pkg/data.json" in check.detail


def test_judge_reports_each_check() -> None:
    seen = {
        "name": "demo-pkg",
        "installed": "1.2.0",
        "modules": [
            {"module": "demo_pkg", "ok": True, "version": "1.1.0", "inside": True},
            {"module": "helper", "ok": True, "version": None, "inside": False, "location": "/src"},
            {"module": "gone", "ok": False, "error": "ModuleNotFoundError: No module named 'gone'"},
        ],
    }
    checks = {c.name: c for c in judge("1.2.0", seen)}

    assert checks["metadata"].ok
    assert checks["import demo_pkg"].ok
    assert not checks["demo_pkg.__version__"].ok
    assert "'1.1.0', expected 1.2.0" in checks["demo_pkg.__version__"].detail
    assert "outside the fresh environment" in checks["import helper"].detail
    assert "No module named 'gone'" in checks["import gone"].detail
    assert not judge("1.2.0", {"name": "x", "installed": None, "modules": []})[0].ok


def test_the_check_script_is_the_in_env_module() -> None:
    script = smoke.check_script()
    assert script == Path(in_env.__file__).read_text(encoding="utf-8")
    assert inspect.getsource(in_env.import_names) in script
    compile(script, "check.py", "exec")  # the script is whole Python
