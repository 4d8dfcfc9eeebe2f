"""Fresh virtual environments for verifying a release: uv first, ``venv`` + pip as fallback.

An :class:`Installer` only *builds argv lists* (plus creating the environment);
running them is :func:`run_command`, so the caller decides timeouts, retries and
what a failure means. Nothing here prints.
"""

from __future__ import annotations

import functools
import logging
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from relnox.errors import VerifyError

logger = logging.getLogger("relnox")

INSTALLERS = ("uv", "pip")
#: variables that would make the source tree or another environment importable
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONEXECUTABLE")


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 12) -> str:
        return "\n".join(self.output.strip().splitlines()[-lines:])


def run_command(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout: float
) -> CommandResult:
    """Run ``argv`` (never a shell); output and stderr together, never raises for failure."""
    start = time.perf_counter()
    logger.debug("$ %s", shlex.join(argv))
    try:
        proc = subprocess.run(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.output if isinstance(exc.output, str) else (exc.output or b"").decode()
        return CommandResult(
            tuple(argv), 124, f"{out}\ntimed out after {timeout:.0f}s", time.perf_counter() - start
        )
    except OSError as exc:
        return CommandResult(tuple(argv), 127, f"cannot run {argv[0]}: {exc}", 0.0)
    return CommandResult(tuple(argv), proc.returncode, proc.stdout, time.perf_counter() - start)


@dataclass(frozen=True)
class Environment:
    """A virtual environment made by an installer."""

    root: Path
    installer: str

    @property
    def bin_dir(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin_dir / ("python.exe" if os.name == "nt" else "python")

    def child_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default ``os.environ``) with this environment first on PATH and
        nothing that could make another tree importable."""
        env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _LEAKY}
        env["VIRTUAL_ENV"] = str(self.root)
        env["PATH"] = os.pathsep.join([str(self.bin_dir), env.get("PATH", os.defpath)])
        env["PYTHONNOUSERSITE"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env


@dataclass(frozen=True)
class InstallOptions:
    find_links: tuple[Path, ...] = ()
    default_index: str | None = None  # None: the installer's configured default
    extra_indexes: tuple[str, ...] = ()
    no_deps: bool = False
    offline: bool = False  # no index at all: find-links and the given files only
    fresh: tuple[str, ...] = ()  # packages whose cached data must not be reused
    constraints: Path | None = None


class Installer(Protocol):
    @property
    def name(self) -> str: ...

    def create_argv(self, root: Path, python: str) -> list[str]: ...

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]: ...

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]: ...


@dataclass(frozen=True)
class UvInstaller:
    uv: str
    name: str = "uv"

    def create_argv(self, root: Path, python: str) -> list[str]:
        return [self.uv, "venv", "--quiet", "--no-project", "--python", python, str(root)]

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]:
        argv = [self.uv, "pip", "install", "--python", str(env.python), "--no-progress"]
        for link in options.find_links:
            argv += ["--find-links", str(link)]
        if options.offline:  # uv refuses --refresh with --offline: nothing is fetched anyway
            argv += ["--offline", "--no-index"]
        else:
            if options.default_index:
                argv += ["--default-index", options.default_index]
            for url in options.extra_indexes:
                argv += ["--index", url]
            for name in options.fresh:
                argv += ["--refresh-package", name]
        if options.no_deps:
            argv.append("--no-deps")
        if options.constraints:
            argv += ["--constraints", str(options.constraints)]
        return [*argv, *requirements]

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]:
        argv = [self.uv, "build", "--wheel", "--no-progress", "--python", str(env.python)]
        argv += ["--out-dir", str(out_dir)]
        if options.offline:
            argv.append("--offline")
        return [*argv, str(sdist)]


@dataclass(frozen=True)
class PipInstaller:
    name: str = "pip"

    def create_argv(self, root: Path, python: str) -> list[str]:
        return [python, "-m", "venv", str(root)]

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]:
        argv = [
            str(env.python),
            "-m",
            "pip",
            "install",
            "--no-input",
            "--disable-pip-version-check",
        ]
        argv += ["--no-cache-dir", "--quiet"]
        for link in options.find_links:
            argv += ["--find-links", str(link)]
        if options.offline:
            argv.append("--no-index")
        else:
            if options.default_index:
                argv += ["--index-url", options.default_index]
            for url in options.extra_indexes:
                argv += ["--extra-index-url", url]
        if options.no_deps:
            argv.append("--no-deps")
        if options.constraints:
            argv += ["--constraint", str(options.constraints)]
        return [*argv, *requirements]

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]:
        argv = [str(env.python), "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--quiet"]
        if options.offline:
            argv.append("--no-index")
        return [*argv, "--wheel-dir", str(out_dir), str(sdist)]


def uv_binary() -> str | None:
    try:
        from uv import find_uv_bin

        found: str | None = find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
    return found


def find_installer(preferred: str | None = None) -> Installer:
    """uv when it can run, else pip (``preferred`` forces one: ``"uv"`` or ``"pip"``)."""
    if preferred not in (None, *INSTALLERS):
        raise VerifyError(
            f"unknown installer {preferred!r}; use one of {', '.join(INSTALLERS)} "
            "(or leave it unset for uv with pip as the fallback)"
        )
    if preferred != "pip":
        uv = uv_binary()
        if uv is not None:
            probe = run_command([uv, "--version"], env=os.environ, cwd=Path.cwd(), timeout=30)
            if probe.ok:
                return UvInstaller(uv)
            logger.warning("uv cannot run (%s); falling back to venv + pip", probe.tail(1))
        if preferred == "uv":
            raise VerifyError(
                "the uv installer was asked for but uv cannot run here; "
                "install uv (pip install uv) or use --installer pip"
            )
    return PipInstaller()


def resolve_python(python: str | None) -> str:
    """The interpreter to base the environment on (default: the one running relnox)."""
    if not python:
        return sys.executable
    if os.sep in python or (os.altsep and os.altsep in python):
        if not Path(python).exists():
            raise VerifyError(f"--python {python}: no such interpreter; give an existing path")
        return python
    is_version = python.replace(".", "").isdigit()
    found = shutil.which(f"python{python}" if is_version else python)
    if found is None and not is_version:
        raise VerifyError(
            f"--python {python}: not found on PATH; give a path or a version like 3.11"
        )
    return found or python  # a version no pythonX.Y on PATH has: uv may still find it


def interpreter_version(python: str, *, timeout: float = 60.0) -> str | None:
    """The version of the interpreter ``python`` (``3.11.7``), or None when it cannot run."""
    probe = "import platform; print(platform.python_version())"
    result = run_command([python, "-c", probe], env=os.environ, cwd=Path.cwd(), timeout=timeout)
    lines = result.output.strip().splitlines()
    return lines[-1].strip() if result.ok and lines else None


@functools.lru_cache(maxsize=64)
def find_python(requires_python: str) -> str | None:
    """An installed interpreter satisfying ``requires_python`` (``>=3.12``), found with
    ``uv python find`` (never downloaded); None when there is none, or no uv."""
    uv = uv_binary()
    if uv is None:
        return None
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    argv = [uv, "python", "find", "--no-python-downloads", requires_python]
    result = run_command(argv, env=env, cwd=Path.cwd(), timeout=60)
    lines = result.output.strip().splitlines()
    if not result.ok or not lines or not Path(lines[-1].strip()).exists():
        logger.debug("no interpreter for Python %s: %s", requires_python, result.tail(2))
        return None
    return lines[-1].strip()


def create_environment(
    installer: Installer, root: Path, python: str, *, cwd: Path, timeout: float
) -> tuple[Environment, CommandResult]:
    """Make a fresh environment in ``root``; the result says whether it worked."""
    result = run_command(
        installer.create_argv(root, python), env=os.environ, cwd=cwd, timeout=timeout
    )
    return Environment(root, installer.name), result
