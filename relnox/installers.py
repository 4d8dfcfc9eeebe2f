"""Making environments and running commands in them: uv (``uv venv`` + ``uv pip
install``) or, where uv cannot run, ``python -m venv`` + pip; the output of every
command a package's build runs goes to its :class:`OutputLog`.
"""

from __future__ import annotations

import collections
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from relnox.errors import BuildError

logger = logging.getLogger("relnox")

INSTALLERS = ("auto", "uv", "pip")
TAIL_LINES = 25


def find_uv() -> str | None:
    """The uv binary: the ``uv`` package's, else one on PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which(os.environ.get("UV") or "uv")


class OutputLog:
    """What one package's subprocesses printed: streamed at DEBUG, the tail kept for errors."""

    def __init__(self, label: str, keep: int = 200) -> None:
        self.label = label
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self.warned: set[str] = set()

    def add(self, line: str) -> None:
        line = line.rstrip()
        self.lines.append(line)
        logger.debug("  [%s] %s", self.label, line)

    def warn(self, text: str) -> None:
        """A warning the backend raised: kept with the output, its first line shown once."""
        for line in text.splitlines():
            self.add(f"warning: {line}")
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if first and first not in self.warned:
            self.warned.add(first)
            logger.info("%s: the build backend warns: %s", self.label, first)

    def tail(self, count: int = TAIL_LINES) -> str:
        lines = [line for line in self.lines if line.strip()][-count:]
        return "\n".join(f"    {line}" for line in lines)


def run_logged(
    argv: Sequence[str],
    log: OutputLog,
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run ``argv``, feeding its merged output to ``log`` line by line; its exit code."""
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        log.add(f"cannot run {argv[0]}: {exc}")
        return 127
    assert proc.stdout is not None
    for line in proc.stdout:
        log.add(line)
    return proc.wait()


def check_logged(
    argv: Sequence[str],
    log: OutputLog,
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """:func:`run_logged`, raising :class:`subprocess.CalledProcessError` on failure."""
    code = run_logged(argv, log, cwd=cwd, env=env)
    if code != 0:
        raise subprocess.CalledProcessError(code, list(argv))


class Installer(Protocol):
    """Makes an environment and installs requirements into it (uv or pip)."""

    name: str

    def create(self, path: Path, python: Path, log: OutputLog) -> Path: ...

    def install(self, env_python: Path, requirements: Sequence[str], log: OutputLog) -> None: ...


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


def _env_python(path: Path) -> Path:
    for candidate in (path / "bin" / "python", path / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    raise BuildError(f"{path}: the new build environment has no python; is the venv module broken?")


@dataclass
class UvInstaller:
    uv: str
    name: str = "uv"

    def create(self, path: Path, python: Path, log: OutputLog) -> Path:
        argv = [self.uv, "venv", "--quiet", "--no-project", "--python", str(python), str(path)]
        check_logged(argv, log, env=_child_env())
        return _env_python(path)

    def install(self, env_python: Path, requirements: Sequence[str], log: OutputLog) -> None:
        argv = [self.uv, "pip", "install", "--quiet"]
        argv += ["--python", str(env_python), *requirements]
        check_logged(argv, log, env=_child_env())


@dataclass
class PipInstaller:
    name: str = "pip"

    def create(self, path: Path, python: Path, log: OutputLog) -> Path:
        check_logged([str(python), "-m", "venv", str(path)], log, env=_child_env())
        return _env_python(path)

    def install(self, env_python: Path, requirements: Sequence[str], log: OutputLog) -> None:
        argv = [str(env_python), "-m", "pip", "install", "--no-input", "--quiet"]
        argv += ["--disable-pip-version-check", *requirements]
        check_logged(argv, log, env=_child_env())


def make_installer(kind: str = "auto") -> Installer:
    """``uv`` when it can run (or is asked for), else pip."""
    if kind not in INSTALLERS:
        raise BuildError(f"installer {kind!r} is unknown; use one of {', '.join(INSTALLERS)}")
    uv = find_uv() if kind in ("auto", "uv") else None
    if kind == "uv" and uv is None:
        raise BuildError(
            "installer uv: uv is not installed; pip install uv, or use --installer pip"
        )
    if uv is not None and kind == "auto" and not _runs(uv):
        logger.warning("%s does not run here; build environments are made with pip", uv)
        uv = None
    return UvInstaller(uv) if uv else PipInstaller()


def _runs(program: str) -> bool:
    try:
        subprocess.run([program, "--version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return True
