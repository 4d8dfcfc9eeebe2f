"""The programs a native backend needs, named before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.builds.inputs import missing_toolchain


def test_a_pure_python_backend_needs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert missing_toolchain("hatchling.build") == []
    assert missing_toolchain("pdm.backend") == []


def test_each_native_backend_names_what_it_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CC", raising=False)
    assert missing_toolchain("maturin") == ["Rust's cargo (rustup.rs) (cargo on PATH)"]
    assert missing_toolchain("mesonpy") == [
        "ninja (ninja or samu on PATH)",
        "a C compiler (cc or gcc or clang on PATH, or $CC)",
    ]
    for name in ("cmake", "cc"):
        tool = tmp_path / name
        tool.write_text("#!/bin/sh\n", encoding="utf-8")
        tool.chmod(0o755)
    assert missing_toolchain("scikit_build_core.build") == []
    (tmp_path / "cc").unlink()
    monkeypatch.setenv("CC", "cmake --as-a-compiler")  # $CC's program is on PATH
    assert missing_toolchain("scikit_build_core.build") == []
