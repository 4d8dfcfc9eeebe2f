"""Isolated build environments, shared by every package that needs the same ones.

How builds are driven was decided by measuring, on 8 generated hatchling packages
with internal dependencies, 2 cores (shared with other work), warm uv cache
(``python benchmarks/build_all.py``; wall-clock, CPU of all processes):

    serial ``python -m build`` per package (the seeds)    48-52 s          33 s CPU
    ``uv build --no-sources`` per package, serial         10.5 s
    ``uv build --all-packages --no-sources``              3.9-4.9 s quiet   9 s CPU
    relnox: one shared env per requirement set + hooks    3.5 s quiet     6 s CPU

(medians of 5 runs on the loaded machine: uv 9.2 s, relnox 6.6 s, the seeds' way 50 s.)

``uv build`` makes two fresh environments per package (one for the sdist, one for
the wheel) and resolves their requirements each time; its environments hold no
bytecode, so every hook process compiles the backend anew (a hatchling hook costs
0.20-0.36 s that way, 0.09-0.15 s with bytecode). Here an environment is made once
per distinct set of build requirements and run (``uv venv`` + ``uv pip install``)
and the PEP 517 hooks run in it through :class:`build.ProjectBuilder`, one fresh
process per hook as PEP 517 asks. Bytecode is written by the first hook process
that imports a module (``PYTHONDONTWRITEBYTECODE`` is lifted for hooks): on 6
packages with 6 different backends that measured 5.4-6.2 s against 6.3-7.7 s for
compiling whole environments up front (``uv pip install --compile-bytecode``), and
the same on 8 hatchling packages (3.6 s). Where uv cannot run, ``python -m venv``
+ pip make the environments (slower, same files).

Build environments never see workspace sources (``[tool.uv.sources]`` is a uv
resolver setting, not metadata), use the interpreter relnox runs under or
``--python``, and never download one (``UV_PYTHON_DOWNLOADS=never``). A project's
``requires-python`` is not checked, as with ``python -m build``.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Protocol

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox.errors import BuildError

logger = logging.getLogger("relnox")

INSTALLERS = ("auto", "uv", "pip")
TAIL_LINES = 25

#: backend module prefix -> (tools of which one must be on PATH, what to install)
NATIVE_TOOLCHAINS: dict[str, tuple[tuple[str, ...], str]] = {
    "maturin": (("cargo",), "Rust's cargo (rustup.rs)"),
    "scikit_build_core": (("cmake",), "CMake"),
    "mesonpy": (("ninja", "samu"), "ninja"),
}
#: backends that compile C/C++ and need a compiler too
C_BACKENDS = ("scikit_build_core", "mesonpy")
C_COMPILERS = ("cc", "gcc", "clang")


def find_uv() -> str | None:
    """The uv binary: the ``uv`` package's, else one on PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which(os.environ.get("UV") or "uv")


def resolve_python(python: str | None) -> Path:
    """The interpreter builds run on: ``python`` (a path or a name on PATH) or this one."""
    if not python:
        return Path(sys.executable)
    candidate = Path(python).expanduser()
    found = str(candidate) if candidate.is_file() else shutil.which(python)
    if not found:
        raise BuildError(
            f"--python {python}: no such interpreter (not a file, not on PATH); "
            "pass the path of an installed Python"
        )
    return Path(found).absolute()


def missing_toolchain(backend: str) -> list[str]:
    """Tools a native backend needs that are not on PATH (empty for pure-Python backends)."""
    module = backend.split(":")[0].split(".")[0]
    missing: list[str] = []
    if module in NATIVE_TOOLCHAINS:
        tools, label = NATIVE_TOOLCHAINS[module]
        if not any(shutil.which(tool) for tool in tools):
            missing.append(f"{label} ({' or '.join(tools)} on PATH)")
    if module in C_BACKENDS:
        compiler = os.environ.get("CC")
        if not (compiler and shutil.which(compiler.split()[0])) and not any(
            shutil.which(cc) for cc in C_COMPILERS
        ):
            missing.append(f"a C compiler ({' or '.join(C_COMPILERS)} on PATH, or $CC)")
    return missing


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


@dataclass(frozen=True)
class BuildEnv:
    """One isolated environment holding a set of build requirements."""

    path: Path
    python: Path
    requirements: tuple[str, ...]

    @property
    def scripts(self) -> Path:
        return self.python.parent

    @property
    def purelib(self) -> Path | None:
        found = sorted(self.path.glob("lib/python*/site-packages")) or sorted(
            self.path.glob("Lib/site-packages")
        )
        return found[0] if found else None

    def installed(self) -> dict[str, str]:
        """Canonical name -> version of what is installed (read from disk, no subprocess)."""
        purelib = self.purelib
        if purelib is None:
            return {}
        return {
            canonicalize_name(dist.metadata["Name"]): dist.version
            for dist in importlib_metadata.distributions(path=[str(purelib)])
            if dist.metadata["Name"]
        }

    def missing(self, requirements: Iterable[str]) -> list[str]:
        """The requirements this environment does not satisfy."""
        installed = self.installed()
        missing: list[str] = []
        for text in requirements:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                missing.append(text)
                continue
            if req.marker is not None and not req.marker.evaluate():
                continue
            version = installed.get(canonicalize_name(req.name))
            if req.url or version is None or not req.specifier.contains(version, prereleases=True):
                missing.append(text)
        return missing

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` for a hook: this environment's scripts first on PATH, no PYTHONPATH,
        and bytecode written (see the module's docstring)."""
        env = {k: v for k, v in base.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["PATH"] = os.pathsep.join(filter(None, [str(self.scripts), base.get("PATH", "")]))
        env["VIRTUAL_ENV"] = str(self.path)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the first hook to import a module caches it
        return env


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


@dataclass
class EnvPool:
    """Build environments of one run, one per distinct requirement set, made once."""

    installer: Installer
    python: Path
    directory: Path
    fallback: Installer | None = None  # where the installer cannot make an environment
    _envs: dict[tuple[str, ...], BuildEnv] = field(default_factory=dict)
    _locks: dict[frozenset[str], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _failed: dict[tuple[str, ...], BuildError] = field(default_factory=dict)

    def get(self, requirements: Iterable[str]) -> BuildEnv:
        """The environment for ``requirements``: made on first use, then shared.

        One made for the same projects is reused when it satisfies them too
        (``setuptools>=61`` and ``setuptools>=40.8.0`` share one); one with more
        projects never stands in for fewer (a plugin such as setuptools-scm changes
        what a backend does).
        """
        key = tuple(sorted({_normal(r) for r in requirements if r.strip()}))
        names = _names(key) or frozenset(key)
        with self._guard:
            lock = self._locks.setdefault(names, threading.Lock())
        with lock:  # environments for the same projects are made one after the other
            if key in self._failed:
                raise self._failed[key]
            if key not in self._envs:
                same = [
                    env
                    for env in self._envs.values()
                    if (_names(env.requirements) or frozenset(env.requirements)) == names
                ]
                reusable = next((env for env in same if not env.missing(key)), None)
                try:
                    self._envs[key] = reusable or self._create(key)
                except BuildError as exc:
                    self._failed[key] = exc
                    raise
            return self._envs[key]

    def prefetch(self, requirement_sets: Iterable[Iterable[str]]) -> None:
        """Start making these environments now, in the background (errors surface in get)."""

        def make(requirements: tuple[str, ...]) -> None:
            try:
                self.get(requirements)
            except BuildError as exc:  # the package that needs it reports it
                logger.debug("making a build environment failed: %s", exc)

        for requirements in {tuple(sorted(r)) for r in requirement_sets}:
            thread = threading.Thread(target=make, args=(requirements,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        """Wait for the environments still being made (before their directory goes)."""
        for thread in self._threads:
            thread.join()

    @property
    def count(self) -> int:
        return len({id(env) for env in self._envs.values()})

    def _create(self, key: tuple[str, ...]) -> BuildEnv:
        digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:12]
        path = self.directory / f"env-{digest}"
        log = OutputLog(f"env {digest}")
        installer = self.installer
        logger.debug("making a build environment (%s) for %s", installer.name, key or "()")
        try:
            try:
                python = installer.create(path, self.python, log)
            except subprocess.CalledProcessError:
                if self.fallback is None:
                    raise
                logger.warning(
                    "uv cannot make an environment for %s; using venv and pip instead:\n%s",
                    self.python,
                    log.tail(5),
                )
                installer = self.fallback
                shutil.rmtree(path, ignore_errors=True)
                python = installer.create(path, self.python, log)
            if key:
                installer.install(python, key, log)
        except subprocess.CalledProcessError:
            raise BuildError(
                f"could not install the build requirements {', '.join(key) or '(none)'} with "
                f"{installer.name} for {self.python}; the installer said:\n{log.tail()}"
            ) from None
        return BuildEnv(path, python, key)


def _names(requirements: Iterable[str]) -> frozenset[str] | None:
    try:
        return frozenset(canonicalize_name(Requirement(r).name) for r in requirements)
    except InvalidRequirement:
        return None


def _normal(requirement: str) -> str:
    try:
        return str(Requirement(requirement))
    except InvalidRequirement:
        return requirement.strip()
