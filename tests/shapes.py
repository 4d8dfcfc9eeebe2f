"""Small repositories with the shapes real projects have: written files, real commits and tags."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from relnox.sample import git_env


def git(root: Path, *args: str) -> str:
    """``git`` with the samples' identity: a module-scoped fixture runs before the
    per-test environment (tests/conftest.py) gives one, and a clean HOME has none."""
    proc = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, env=git_env()
    )
    return proc.stdout.strip()


def write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def repo(root: Path, files: Mapping[str, str | bytes], tags: Iterable[str] = ()) -> Path:
    """A git repository holding ``files`` in one commit, tagged with ``tags``."""
    root.mkdir(parents=True, exist_ok=True)
    write(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    for tag in tags:
        git(root, "tag", tag)
    return root


def commit(
    root: Path, files: Mapping[str, str | bytes], *tags: str, message: str = "change"
) -> None:
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    for tag in tags:
        git(root, "tag", tag)


def project(
    name: str,
    version: str | None = "1.0.0",
    *,
    backend: str = "hatchling",
    extra: str = "",
    dynamic: bool = False,
    requires: Iterable[str] = (),
) -> str:
    """A pyproject.toml text: ``[project]`` with a static or dynamic version."""
    backends = {
        "hatchling": ('["hatchling"]', "hatchling.build"),
        "hatch-vcs": ('["hatchling", "hatch-vcs"]', "hatchling.build"),
        "setuptools-scm": ('["setuptools>=64", "setuptools-scm>=8"]', "setuptools.build_meta"),
        "setuptools": ('["setuptools>=64"]', "setuptools.build_meta"),
        "maturin": ('["maturin>=1.5"]', "maturin"),
        "meson": ('["meson-python"]', "mesonpy"),
        "skbuild": ('["scikit-build-core"]', "scikit_build_core.build"),
        "pdm": ('["pdm-backend"]', "pdm.backend"),
    }
    req, build = backends[backend]
    version_line = (
        'dynamic = ["version"]' if dynamic or version is None else f'version = "{version}"'
    )
    deps = ", ".join(f'"{r}"' for r in requires)
    return (
        f'[project]\nname = "{name}"\n{version_line}\ndependencies = [{deps}]\n\n'
        f'[build-system]\nrequires = {req}\nbuild-backend = "{build}"\n{extra}'
    )
