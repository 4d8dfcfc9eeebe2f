"""Helpers of the bump tests: hand-written projects, tree snapshots, git look-ups."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from relnox.sample import git_env


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` except git's and nox's own directories."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".git/", ".nox/")) and "__pycache__" not in rel:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=git_env(), check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


def git_state(root: Path) -> tuple[str, str, str]:
    """HEAD, the tag list and ``git status`` of a repository (``__pycache__/`` left out,
    as :func:`snapshot` leaves it out: Python writes it, not relnox)."""
    status = run_git(root, "status", "--porcelain").splitlines()
    return (
        run_git(root, "rev-parse", "HEAD"),
        run_git(root, "tag", "--list"),
        "\n".join(line for line in status if "__pycache__" not in line),
    )


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]
