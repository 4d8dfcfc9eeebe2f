"""Isolated build environments, one per distinct set of build requirements in a run (``uv
build`` makes two per package): no workspace sources, no interpreter downloads."""

from __future__ import annotations

import collections
import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox import _proc as proc
from relnox.errors import BuildError
from relnox.tools.envs import Environment, Installer, child_env, create_environment, install

logger = logging.getLogger("relnox")


class OutputLog:
    """What one package's subprocesses printed: streamed at DEBUG, the tail kept for errors."""

    def __init__(self, label: str, keep: int = 200, *, streamed: bool = True) -> None:
        self.label, self.streamed = label, streamed
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self.warned: set[str] = set()

    def add(self, line: str) -> None:
        line = line.rstrip()
        self.lines.append(line)
        if self.streamed:
            logger.debug("  [%s] %s", self.label, line)

    def warn(self, text: str) -> None:
        """A warning the backend raised: kept with the output, its first line shown once."""
        for line in text.splitlines():
            self.add(f"warning: {line}")
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if first and first not in self.warned:
            self.warned.add(first)
            logger.info("%s: the build backend warns: %s", self.label, first)

    def tail(self, count: int = 25) -> str:
        lines = [line for line in self.lines if line.strip()][-count:]
        return "\n".join(f"    {line}" for line in lines)

    def run(
        self, argv: list[str], *, cwd: Path | str | None = None, env: Mapping[str, str] | None
    ) -> int:
        return proc.run(argv, cwd=cwd, env=env, on_line=self.add).returncode


@dataclass(frozen=True)
class BuildEnv:
    path: Path
    python: Path
    requirements: tuple[str, ...]

    def missing(self, requirements: Iterable[str]) -> list[str]:
        installed = Environment(self.path, "build").installed()
        return [text for text in requirements if not _satisfied(text, installed)]

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` for a hook: this environment's scripts first on PATH, bytecode written."""
        return child_env(base, Environment(self.path, "build"), bytecode=True)


def _satisfied(text: str, installed: Mapping[str, str]) -> bool:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return False
    if req.marker is not None and not req.marker.evaluate():
        return True
    version = installed.get(canonicalize_name(req.name))
    return not req.url and version is not None and req.specifier.contains(version, prereleases=True)


@dataclass
class EnvPool:
    installer: Installer
    python: Path
    directory: Path
    fallback: Installer | None = None  # where the installer cannot make an environment
    _envs: dict[tuple[str, ...], BuildEnv] = field(default_factory=dict)
    _locks: dict[frozenset[str], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _failed: dict[tuple[str, ...], BuildError] = field(default_factory=dict)

    def get(self, requirements: Iterable[str]) -> BuildEnv:
        """The environment for ``requirements``, made on first use; one of the same projects
        that satisfies them is reused, never one of more (a plugin changes the backend)."""
        key = tuple(sorted({_normal(r) for r in requirements if r.strip()}))
        names = _names(key)
        with self._guard:
            lock = self._locks.setdefault(names, threading.Lock())
        with lock:  # environments for the same projects are made one after the other
            if key in self._failed:
                raise self._failed[key]
            if key not in self._envs:
                same = (env for env in self._envs.values() if _names(env.requirements) == names)
                reusable = next((env for env in same if not env.missing(key)), None)
                try:
                    self._envs[key] = reusable or self._create(key)
                except BuildError as exc:
                    self._failed[key] = exc
                    raise
            return self._envs[key]

    @property
    def count(self) -> int:
        return len({id(env) for env in self._envs.values()})

    def _create(self, key: tuple[str, ...]) -> BuildEnv:
        named = "\n".join((*key, os.path.realpath(self.python)))
        digest = hashlib.sha256(named.encode()).hexdigest()[:12]
        path = self.directory / f"env-{digest}"
        log = OutputLog(f"env {digest}")
        installer = self.installer
        logger.debug("making a build environment (%s) for %s", installer.name, key or "()")
        env, made = create_environment(installer, path, str(self.python), on_line=log.add)
        if not made.ok and self.fallback is not None:
            logger.warning(
                "uv cannot make an environment for %s; using venv and pip instead:\n%s",
                self.python,
                log.tail(5),
            )
            installer = self.fallback
            shutil.rmtree(path, ignore_errors=True)
            env, made = create_environment(installer, path, str(self.python), on_line=log.add)
        if made.ok and key:
            made = install(installer, env, key, on_line=log.add)
        if not made.ok:
            raise BuildError(
                f"could not install the build requirements {', '.join(key) or '(none)'} with "
                f"{installer.name} for {self.python}; the installer said:\n{log.tail()}"
            )
        return BuildEnv(path, env.python, key)


def _names(requirements: tuple[str, ...]) -> frozenset[str]:
    """The projects ``requirements`` name (the requirements themselves if one is invalid)."""
    try:
        return frozenset(canonicalize_name(Requirement(r).name) for r in requirements)
    except InvalidRequirement:
        return frozenset(requirements)


def _normal(requirement: str) -> str:
    try:
        return str(Requirement(requirement))
    except InvalidRequirement:
        return requirement.strip()
