"""The check process's own code, run in real processes: what it reads of an environment's
``.dist-info`` folders, and what it imports to start."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.verify.in_env import check_module, dumps, read_dist_info
from relnox.verify.smoke import judge, write_check

_COMPARE = """
import importlib.metadata, json, sys
from pathlib import Path
from relnox.verify.in_env import read_dist_info
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


def test_the_check_process_imports_only_what_every_run_needs(tmp_path: Path) -> None:
    """typing, email, zipfile or importlib.metadata would cost every check process its
    import time: a plain ``.dist-info`` is read without them."""
    site = tmp_path / "site"
    (site / "plain_pkg").mkdir(parents=True)
    (site / "plain_pkg" / "__init__.py").write_text('__version__ = "1.0"\n', encoding="utf-8")
    info = site / "plain_pkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: plain-pkg\nVersion: 1.0\n\n", encoding="utf-8")
    (info / "RECORD").write_text("plain_pkg/__init__.py,,\n", encoding="utf-8")
    check_dir = tmp_path / "check"
    check_dir.mkdir()
    script, spec, out = write_check(check_dir, [("plain-pkg", ["plain_pkg"])])
    (tmp_path / "empty.py").write_text("", encoding="utf-8")
    env = {"PYTHONPATH": str(site)}  # as -I would find it in the environment's site-packages

    def imports(*argv: str) -> set[str]:
        ran = subprocess.run(
            [sys.executable, "-X", "importtime", *argv],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=tmp_path,
        )
        assert ran.returncode == 0, ran.stderr
        return {line.split("|")[-1].strip() for line in ran.stderr.splitlines() if "|" in line}

    imported = imports(script, spec, out) - imports(str(tmp_path / "empty.py"))
    seen = json.loads(Path(out).read_text(encoding="utf-8"))["packages"][0]
    assert seen["installed"] == "1.0" and seen["modules"][0]["ok"], seen
    assert "_json" in imported  # (importlib.import_module is not timed: plain_pkg is not listed)
    heavy = {"typing", "email", "zipfile", "importlib.metadata", "subprocess", "json", "csv", "re"}
    assert not imported & heavy


@pytest.mark.parametrize(
    "value",
    [
        {"prefix": "/v", "python": "3.11.7", "packages": []},
        {"a": [1, -2, 3.5, 1e300, -0.0, True, False, None], "b": {"c": ""}},
        {"nan": float("nan"), "inf": float("inf"), "minus": float("-inf")},
        ['quote " back \\ slash', "tab\tnew\nline\r\x00\x1f\x7f", "é ü 中文 \U0001f600"],
        {"error": 'Traceback (most recent call last):\n  File "x"\nValueError: \ud800'},
        [[], {}, [[{}]], (1, "t")],
    ],
)
def test_the_check_writes_what_json_dumps_writes(value: object) -> None:
    """The check process writes its findings without :mod:`json` (it imports re): the
    same text as ``json.dumps``, read back by relnox to the same value."""
    assert dumps(value) == json.dumps(value)
    back = json.loads(dumps(value))
    assert json.dumps(back) == json.dumps(json.loads(json.dumps(value)))


_HOSTILE_MODULES = {
    "str_raises": "class V:\n    def __str__(self):\n        raise RuntimeError('no')\n"
    "__version__ = V()\n",
    "huge_int": "__version__ = 10 ** 5000\n",
    "getattr_raises": "def __getattr__(name):\n    raise RuntimeError(name)\n",
    "file_not_str": "__version__ = b'1.0'\n__file__ = 12\n",
    "file_with_nul": "__version__ = float('nan')\n__file__ = 'a\\x00b\\udcff\\nc'\n",
}


@pytest.mark.parametrize("name", sorted(_HOSTILE_MODULES))
def test_a_module_s_own_attributes_never_break_the_check(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``__version__`` that is not a str (whose ``str()`` raises, an int too long to
    print, bytes, nan), a module ``__getattr__`` that raises, a ``__file__`` that is not a
    path: the check still gives JSON relnox reads, and the version says what it was."""
    module = f"relnox_hostile_{name}"
    (tmp_path / f"{module}.py").write_text(_HOSTILE_MODULES[name], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        seen = check_module(module, str(tmp_path))
    finally:
        sys.modules.pop(module, None)
    assert seen["ok"], seen
    back = json.loads(dumps(seen))
    assert back["module"] == module and len(back["version"] or "") <= 203
    assert isinstance(back["location"], (str, type(None))) and isinstance(back["inside"], bool)
    if name in ("str_raises", "huge_int"):
        assert back["version"].startswith("<") and "whose str() raised" in back["version"]


def test_a_version_tuple_is_seen_as_its_setup_py_joins_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """django-reversion's ``__version__ = VERSION = (6, 1, 0)``, which setup.py joins with
    dots: the module says 6.1.0 and the wheel at 6.1.0 passes (verify-install failed on
    ``__version__ is '(6, 1, 0)', expected 6.1.0``). Another kind of tuple is shown as it is.
    incremental's own ``__version__`` is its Version object, read by its ``public()``."""
    module = "relnox_tuple_version"
    (tmp_path / f"{module}.py").write_text("__version__ = (6, 1, 0)\n", encoding="utf-8")
    (tmp_path / "relnox_tuple_other.py").write_text("__version__ = (6, 1.5)\n", encoding="utf-8")
    incremental = (
        "class Version:\n    def public(self):\n        return '22.10.0.post0'\n\n"
        "    def __str__(self):\n        return '[Incremental, version 22.10.0.post0]'\n\n\n"
        "__version__ = Version()\n"
    )
    (tmp_path / "relnox_incremental_like.py").write_text(incremental, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        seen = check_module(module, str(tmp_path))
        other = check_module("relnox_tuple_other", str(tmp_path))
        public = check_module("relnox_incremental_like", str(tmp_path))
    finally:
        sys.modules.pop(module, None)
        sys.modules.pop("relnox_tuple_other", None)
        sys.modules.pop("relnox_incremental_like", None)
    assert seen["version"] == "6.1.0" and other["version"] == "(6, 1.5)"
    assert public["version"] == "22.10.0.post0"  # incremental's Version(): its public()
    assert all(
        check.ok for check in judge("6.1.0", {"name": "x", "installed": "6.1.0", "modules": [seen]})
    )
