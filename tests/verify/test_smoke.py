"""What a wheel promises (read from the .whl) and how the check results are judged."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from relnox.errors import VerifyError
from relnox.verify import smoke
from relnox.verify.smoke import (
    compare_files,
    judge,
    read_dist_info,
    top_level_names,
    wheel_facts,
)


def test_top_level_names_are_what_the_wheel_installs() -> None:
    paths = [
        "pkg/__init__.py",
        "pkg/sub/mod.py",
        "single.py",
        "_native.cpython-311-x86_64-linux-gnu.so",
        "extras.pth",
        "__pycache__/single.cpython-311.pyc",
        "name-1.0.dist-info/RECORD",
        "name-1.0.data/purelib/plugin/__init__.py",
        "name-1.0.data/scripts/tool",
        "not-an-identifier/data.txt",
    ]
    assert top_level_names(paths) == ("_native", "pkg", "plugin", "single")


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
    assert facts.top_level == ("demo_pkg",)
    assert facts.scripts == ("Demo-Tool",)
    assert facts.files == {"demo_pkg/__init__.py", "demo_pkg/data.json"}


def test_a_file_that_is_no_wheel_is_a_verify_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(VerifyError, match="not a readable wheel"):
        wheel_facts(bad)


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


_COMPARE = """
import importlib.metadata, json, sys
from pathlib import Path
from relnox.verify.smoke import read_dist_info
site = sys.argv[1]
seen, wrong = 0, []
for dist in importlib.metadata.distributions(path=[site]):
    name = dist.metadata["Name"]
    found = read_dist_info(name, [site])
    if found is None:
        continue
    (first,) = list(importlib.metadata.distributions(name=name, path=[site]))[:1]
    scripts = sorted(e.name for e in first.entry_points if e.group == "console_scripts")
    base = Path(str(first.locate_file(""))).resolve()
    if (found["version"], found["files"], found["scripts"], Path(found["base"]).resolve()) != (
        first.version, [str(f) for f in first.files or ()], scripts, base
    ):
        wrong.append(name)
    seen += 1
print(json.dumps({"seen": seen, "wrong": wrong, "none": read_dist_info("no-such", [site])}))
"""


def test_the_check_reads_what_importlib_metadata_reads(tmp_path: Path) -> None:
    """For every distribution of this environment (real ones, with RECORDs and console
    scripts), the check process's own reader of ``.dist-info`` gives importlib.metadata's
    version, files, console scripts and location, or leaves the answer to it.

    Both read one snapshot of the environment's ``.dist-info`` folders, in a new process
    as the check is: the environment can change under a running suite (on a fresh home,
    virtualenv appends the bytecode it compiles to its seed packages' RECORDs)."""
    site = tmp_path / "site"
    site.mkdir()
    for entry in sys.path:
        if not Path(entry or ".").is_dir():
            continue
        for info in sorted(Path(entry or ".").glob("*.dist-info")):
            if not (site / info.name).exists() and (info / "METADATA").is_file():
                shutil.copytree(info, site / info.name)
    ran = subprocess.run(
        [sys.executable, "-c", _COMPARE, str(site)], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    answer = json.loads(ran.stdout)
    assert answer["wrong"] == []
    assert answer["seen"] >= 10  # pytest, packaging, ruff, mypy... all plain .dist-info here
    assert answer["none"] is None


def test_the_check_leaves_what_it_cannot_read_to_importlib_metadata(tmp_path: Path) -> None:
    """A folded Version header, an egg-info or a zip on the path: no answer of its own."""
    site = tmp_path / "site"
    folded = site / "folded-1.0.dist-info"
    folded.mkdir(parents=True)
    (folded / "METADATA").write_text("Name: folded\nVersion:\n 1.0\n\n", encoding="utf-8")
    (site / "egged-1.0.egg-info").mkdir()
    (site / "egged-1.0.egg-info" / "PKG-INFO").write_text("Version: 1.0\n", encoding="utf-8")
    plain = site / "Plain_Pkg-2.0.dist-info"
    plain.mkdir()
    (plain / "METADATA").write_text("Name: plain.pkg\nversion:  2.0\n\nBody\n", encoding="utf-8")
    (plain / "entry_points.txt").write_text(
        "# c\n[gui_scripts]\ng = m:f\n[console_scripts]\n b = m:f \na=m:g\n", encoding="utf-8"
    )
    zipped = tmp_path / "lib.zip"
    zipped.write_bytes(b"PK")
    path = [str(site)]
    assert read_dist_info("folded", path) is None
    assert read_dist_info("egged", path) is None
    assert read_dist_info("plain-pkg", [str(zipped), *path]) is None
    assert read_dist_info("PLAIN.pkg", path) == {
        "version": "2.0",
        "files": [],
        "scripts": ["a", "b"],
        "base": str(site),
    }


#: what importing verify's face must not load: what only another stage, a check of an
#: artifact's metadata, or the run's check script needs (each made or imported on first use)
NOT_AT_START = (
    "import json, sys\n"
    "from relnox.verify import STAGE, smoke\n"
    "from relnox.builds import refuse_stale\n"
    "loaded = [m for m in ('relnox.builds.plan', 'relnox.builds.run', 'email.message',\n"
    "                      'packaging.metadata') if m in sys.modules]\n"
    "print(json.dumps({'loaded': loaded, 'script': smoke.check_script.cache_info().currsize}))\n"
)


def test_verifys_start_loads_only_what_it_uses() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", NOT_AT_START], cwd=root, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"loaded": [], "script": 0}


def test_the_check_script_made_on_first_use_is_the_one_script() -> None:
    from relnox import verify

    script = smoke.check_script()
    assert verify.CHECK_SCRIPT == smoke.CHECK_SCRIPT == script
    assert script.startswith("from __future__ import annotations\n")
    assert inspect.getsource(smoke.import_names) in script
    assert inspect.getsource(smoke.read_dist_info) in script
    compile(script, "check.py", "exec")  # the script is whole Python
