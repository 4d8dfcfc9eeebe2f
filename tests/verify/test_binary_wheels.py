"""A wheel of only a binary in ``.data/scripts`` (maturin ``bindings = "bin"``: ruff's
and this shape) is accepted by the artifact checks and verified by running the binary."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from relnox.artifacts.checks import Expectation, check_artifact
from relnox.sample import git_init
from tests.conftest import run_relnox

PYPROJECT = """[project]
name = "binpkg"
version = "1.0.0"
description = "A command written in Rust"
readme = "README.md"

[build-system]
requires = ["maturin>=1.5,<2"]
build-backend = "maturin"

[tool.maturin]
bindings = "bin"
"""


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def bin_wheel(out: Path, *, exit_code: int = 0, version: str = "1.0.0") -> Path:
    """A wheel as maturin writes one for ``bindings = "bin"``: .dist-info plus one binary."""
    info = f"binpkg-{version}.dist-info"
    files = {
        f"binpkg-{version}.data/scripts/binpkg": (
            f'#!/bin/sh\necho "binpkg {version}"\nexit {exit_code}\n'
        ).encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.3\nName: binpkg\nVersion: {version}\n"
            "Summary: A command written in Rust\n"
            "Description-Content-Type: text/markdown\n\n# binpkg\n"
        ).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: maturin\nRoot-Is-Purelib: false\n"
        b"Tag: py3-none-any\n",
    }
    record = [_record_line(name, data) for name, data in files.items()] + [f"{info}/RECORD,,"]
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"binpkg-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name)
            entry.external_attr = (0o755 if "/scripts/" in name else 0o644) << 16
            whl.writestr(entry, data)
        whl.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


def test_a_binary_only_wheel_passes_the_artifact_checks(tmp_path: Path) -> None:
    wheel = bin_wheel(tmp_path)
    assert check_artifact(wheel, Expectation("binpkg", "1.0.0")).problems == []
    empty = tmp_path / "empty"
    empty.mkdir()
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(empty / wheel.name, "w") as dst:
        for item in src.infolist():
            if ".data/" not in item.filename:
                dst.writestr(item, src.read(item))
    problems = check_artifact(empty / wheel.name, Expectation("binpkg", "1.0.0")).problems
    # (RECORD still lists the binary taken out: that is said too)
    assert next(p for p in problems if "RECORD" not in p).startswith("the wheel is empty")


@pytest.mark.slow
@pytest.mark.parametrize(("exit_code", "ok"), [(0, True), (3, False)])
def test_verify_install_runs_the_binary(tmp_path: Path, exit_code: int, ok: bool) -> None:
    root = tmp_path / "binpkg"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "README.md").write_text("# binpkg\n", encoding="utf-8")
    git_init(root)
    bin_wheel(root / "dist", exit_code=exit_code)
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert (proc.returncode == 0) is ok, proc.stdout + proc.stderr
    assert "run binpkg --version" in proc.stdout + proc.stderr, proc.stdout
    if ok:
        assert "import" not in proc.stdout.split("binpkg 1.0.0:", 1)[-1].splitlines()[0]
