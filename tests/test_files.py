"""Reading the repository's own files: only regular files, and only so much of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relnox.files import read_bytes
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import project, repo


def test_a_regular_file_and_a_link_to_one_are_read(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x\r\ny")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert read_bytes(tmp_path / "a") == read_bytes(tmp_path / "b") == b"x\r\ny"


def test_devices_pipes_directories_and_long_files_are_refused_at_once(tmp_path: Path) -> None:
    """/dev/zero never ends and a FIFO with no writer never starts: each is an OSError at
    once (they filled memory, or waited forever)."""
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    for name in ("zero", "fifo"):
        with pytest.raises(OSError, match="not a regular file"):
            read_bytes(tmp_path / name)
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path)
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "missing")
    (tmp_path / "long").write_bytes(b"x" * (3 << 20))
    with pytest.raises(OSError, match="longer than 2 MiB"):
        read_bytes(tmp_path / "long", limit=2 << 20)
    assert len(read_bytes(tmp_path / "long", limit=3 << 20)) == 3 << 20


def test_a_workflow_linked_to_a_device_and_a_pipe_for_a_pyproject(tmp_path: Path) -> None:
    """A workflow linked to /dev/zero is left out (reading it filled memory: a
    MemoryError traceback); a FIFO named pyproject.toml is a one-line error (it hung)."""
    root = repo(
        tmp_path / "r", {"pyproject.toml": project("calc", "1.0.0"), "calc/__init__.py": ""}
    )
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").symlink_to("/dev/zero")
    assert [p.name for p in load_workspace(root).packages] == ["calc"]
    (root / "pyproject.toml").unlink()
    os.mkfifo(root / "pyproject.toml")
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"relnox: error: {root / 'pyproject.toml'}: cannot be read (not a regular file (a "
        "device, socket or pipe)); fix the file"
    ]
