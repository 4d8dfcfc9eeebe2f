"""One package's PEP 517 builds: the sdist, then the wheel from it (proving the sdist holds
what the wheel needs), by :class:`build.ProjectBuilder` in an :class:`EnvPool` environment;
then, with ``--test``, its tests."""

from __future__ import annotations

import functools
import io
import logging
import os
import py_compile
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import threading
import zipfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from packaging.utils import canonicalize_name

from relnox.artifacts.checks import name_and_version
from relnox.artifacts.reproducible import shipped_sdist
from relnox.builds.envpool import BuildEnv, EnvPool, OutputLog
from relnox.builds.plan import TEST_DIRS, BuildPlan
from relnox.errors import BuildError, one_line
from relnox.project.pyproject import is_project_dir
from relnox.project.workspace import Package
from relnox.toml import table
from relnox.tools.envs import create_environment, install
from relnox.versions.sources import load_toml

if TYPE_CHECKING:
    from build import ProjectBuilder, RunnerType

    from relnox.builds.hook_server import HookServers

logger = logging.getLogger("relnox")

Kind = Literal["sdist", "wheel"]


class BackendError(BuildError):
    """The build backend failed; the message ends with its last lines of output."""


IN_PROCESS = "_in_process.py"  # pyproject-hooks' script: python SCRIPT HOOK DIRECTORY
_compiling = threading.Lock()


def _compiled(cmd: list[str], env: BuildEnv) -> list[str]:
    """``cmd`` with pyproject-hooks' script replaced by its bytecode, compiled once per
    environment of this interpreter (3 ms of a hook's 25)."""
    if len(cmd) != 4 or Path(cmd[1]).name != IN_PROCESS:
        return cmd
    if os.path.realpath(env.python) != os.path.realpath(sys.executable):
        return cmd
    target = env.path / "relnox-hooks" / (Path(IN_PROCESS).stem + ".pyc")
    with _compiling:
        if not target.is_file():
            try:  # written atomically by py_compile
                py_compile.compile(cmd[1], cfile=str(target), doraise=True)
            except (py_compile.PyCompileError, OSError) as exc:
                logger.debug("running %s as it is: %s", cmd[1], exc)
                return cmd
    return [cmd[0], str(target), *cmd[2:]]


def _runner(
    env: BuildEnv,
    log: OutputLog,
    environ: Mapping[str, str],
    servers: HookServers | None = None,
) -> RunnerType:
    def run(
        cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
    ) -> None:
        full = env.environ(environ) | dict(extra_environ or {})
        argv = _compiled(list(cmd), env)
        code = servers.run(env, argv, cwd, full, log.add) if servers is not None else None
        if code is None:
            code = log.run(argv, cwd=cwd, env=full)
        if code != 0:  # the runner contract of pyproject-hooks (and so of build)
            raise subprocess.CalledProcessError(code, list(cmd))

    return run


def _project_builder(
    source: Path, python: str, runner: RunnerType | None, label: str
) -> ProjectBuilder:
    from build import BuildException, ProjectBuilder

    try:
        if runner is None:
            return ProjectBuilder(source, python_executable=python)
        return ProjectBuilder(source, python_executable=python, runner=runner)
    except BuildException as exc:
        raise BuildError(
            f"{label}: {source / 'pyproject.toml'}: {exc}; fix its [build-system] table"
        ) from None


def unpack_sdist(sdist: Path, destination: Path, tar: bytes | None = None) -> Path:
    """Unpack ``sdist`` (or ``tar``, its uncompressed archive) under ``destination``; its top."""
    destination.mkdir(parents=True, exist_ok=True)
    if sdist.name.endswith(".zip"):
        with zipfile.ZipFile(sdist) as archive:
            archive.extractall(destination)
    else:
        try:
            read = None if tar is None else io.BytesIO(tar)  # already uncompressed
            with tarfile.open(sdist, "r" if read is None else "r:", read) as archive:
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(destination, filter="data")
                else:  # pragma: no cover - Pythons without extraction filters
                    archive.extractall(destination)
        except tarfile.TarError as exc:
            raise BuildError(
                f"{sdist.name}: the sdist cannot be unpacked ({one_line(exc)}); a path or link in it "
                "leads outside its directory (a file the pyproject names outside the package, "
                "like readme = '../../README.md'?): name a file inside the package directory "
                "(a copy, or a link relnox resolves), or build with --wheel-only"
            ) from None
    tops = [p for p in destination.iterdir() if p.is_dir()]
    if len(tops) != 1 or not is_project_dir(tops[0]):
        raise BuildError(
            f"{sdist.name}: the sdist does not unpack to one directory holding pyproject.toml "
            "or setup.py; the wheel cannot be built from it"
        )
    return tops[0]


_REMOVE = functools.partial(shutil.rmtree, ignore_errors=True)


@dataclass
class PackageBuilder:
    label: str  # "name version", for messages
    backend: str
    pool: EnvPool
    log: OutputLog
    environ: Mapping[str, str]
    servers: HookServers | None = None
    discard: Callable[[Path], object] = _REMOVE  # scratch done with

    def _failure(self, what: str, exc: Exception) -> BackendError:
        inner = getattr(exc, "exception", None)  # build's BuildBackendException wraps the cause
        traceback = str(getattr(inner, "traceback", "") or "")  # BackendUnavailable's import error
        for line in [line for line in traceback.splitlines() if line.strip()][-3:]:
            self.log.add(line)
        tail = self.log.tail()
        detail = str(exc).strip() or type(exc).__name__
        # -v streamed every line as it came: not said twice
        said = "; its output is above" if logger.isEnabledFor(logging.DEBUG) else ""
        known = (  # a known cause's fix, before the backend's lines
            "; the build imports pkg_resources, which setuptools removed in 82: pin "
            '"setuptools<82" in [build-system] requires of its pyproject.toml, or import '
            "importlib.metadata instead"
            if "No module named 'pkg_resources'" in tail  # gone since setuptools 82
            else ""
        )
        return BackendError(
            f"{self.label}: the build backend {self.backend} failed to build {what} ({detail})"
            + known
            + ((said or f"; its last lines:\n{tail}") if tail else "")
        )

    def _env(self, requirements: list[str]) -> BuildEnv:
        try:
            return self.pool.get(requirements)
        except BuildError as exc:
            raise BuildError(f"{self.label}: {exc}") from None

    def _builder(self, source: Path, env: BuildEnv) -> ProjectBuilder:
        runner = _runner(env, self.log, self.environ, self.servers)
        return _project_builder(source, str(env.python), runner, self.label)

    def build_one(self, source: Path, kind: Kind, outdir: Path) -> Path:
        from build import BuildBackendException, BuildException

        requires = sorted(
            _project_builder(source, sys.executable, None, self.label).build_system_requires
        )
        try:
            env = self._env(requires)
            builder = self._builder(source, env)
            extra = sorted(builder.get_requires_for_build(kind))
            missing = env.missing(extra)
            if missing:
                logger.debug("%s: the backend also needs %s", self.label, ", ".join(missing))
                env = self._env([*requires, *extra])
                builder = self._builder(source, env)
            built = Path(builder.build(kind, outdir))
        except (BuildBackendException, BuildException, subprocess.CalledProcessError) as exc:
            raise self._failure(f"the {kind}", exc) from None
        problem = _not_built(built, outdir)
        if problem:
            raise BackendError(
                f"{self.label}: the build backend {self.backend} returned "
                f"{os.path.relpath(built, os.path.abspath(outdir))!r} as "
                f"the {kind} it built, but {problem}; a backend writes the file into "
                "the directory it is given and returns its name (PEP 517): fix the backend"
            )
        return built

    def build(
        self,
        source: Path,
        workdir: Path,
        *,
        sdist: bool = True,
        wheel: bool = True,
        epoch: int | None = None,
    ) -> list[Path]:
        outdir = workdir / "out"
        files: list[Path] = []
        wheel_source = source
        try:
            if sdist:
                built = self.build_one(source, "sdist", outdir)
                files.append(built)
                shipped = shipped_sdist(built, source, epoch)
                for name in shipped.replaced:
                    self.log.add(f"{built.name}: {name} linked outside the sdist; its file put in")
                if shipped.normalized:
                    self.log.add(f"{built.name}: archive times, owners and order made reproducible")
                if not wheel:
                    shipped.write(built)
                    return files
                # its file compressed and written while the wheel builds from the same bytes
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="relnox-sdist") as writer:
                    written = writer.submit(shipped.write, built)
                    wheel_source = unpack_sdist(built, workdir / "unpacked", shipped.tar)
                    files.append(self.build_one(wheel_source, "wheel", outdir))
                    self.discard(workdir / "unpacked")
                    written.result()
            else:
                files.append(self.build_one(source, "wheel", outdir))
        except BackendError as exc:
            hint = _failure_hint(source, message=f"{exc.message}\n{self.log.tail()}")
            if not hint and files and wheel_source != source:  # the wheel from the sdist
                hint = self._sdist_hint(source, workdir)
            if hint:
                raise BackendError(f"{exc.message}\n  ({hint})") from None
            raise
        return files

    def _sdist_hint(self, source: Path, workdir: Path) -> str:
        logger.info("%s: the wheel from the sdist failed; building it from the source", self.label)
        try:  # its output is not streamed: the same traceback again, under -v, says nothing
            unshown = OutputLog(self.label, streamed=False)
            replace(self, log=unshown).build_one(source, "wheel", workdir / "src")
        except BuildError:
            return ""
        return (
            "the wheel builds from the source tree but not from the sdist, which leaves out "
            "a file the wheel needs; check the sdist target's include settings or MANIFEST.in"
        )


def _not_built(built: Path, outdir: Path) -> str:
    """Why ``built``, the path a backend's hook named, is not a file in ``outdir`` (or "")."""
    if Path(os.path.normpath(built)).parent != Path(os.path.abspath(outdir)):
        return "that name leads out of the directory it was given"
    if not os.path.lexists(built):
        return "no such file is there"
    if built.is_symlink() or not built.is_file():
        return "it is not a regular file"
    return ""


#: the module a build's Python could not import (its traceback's last line)
_NO_MODULE = re.compile(r"""ModuleNotFoundError: No module named ['"](?P<module>[\w.]+)['"]""")


def _failure_hint(source: Path, *, message: str = "") -> str:
    """What a failed build of ``source`` lacks: its submodules, or a build requirement."""
    from relnox.tools import git

    unfilled = git.submodules_hint(source)
    if unfilled:
        return unfilled
    missing = _NO_MODULE.search(message)
    top = missing["module"].split(".")[0] if missing is not None else ""
    # a module of its own beside its setup.py or in src/ (one the sdist may have left out)
    holds = any((b / f"{top}.py").is_file() or (b / top).is_dir() for b in (source, source / "src"))
    if top and top != "pkg_resources" and not holds:
        return (
            f"the build imports {top}, which neither its build environment nor the project "
            "holds: add the distribution that provides it to [build-system] requires in "
            "pyproject.toml (the build environment has only those)"
        )
    return ""


TEST_EXTRAS = ("test", "tests", "testing")


def run_package_tests(
    pkg: Package,
    plan: BuildPlan,
    files: Sequence[Path],
    workdir: Path,
    log: OutputLog,
    environ: Mapping[str, str],
) -> str:
    """``build-all --test``: ``passed``, ``failed`` (only without --strict) or ``none`` for
    the package's tests against its wheel in a fresh environment; pytest runs from an empty
    directory in importlib mode, so tests import the installed wheel, never the source tree."""
    command, installer, python = plan.test_command or (), plan.installer, plan.python
    assert installer is not None
    tests = next((pkg.directory / d for d in TEST_DIRS if (pkg.directory / d).is_dir()), None)
    if tests is None:
        logger.info("%s: no tests/ directory, nothing to test", pkg.name)
        return "none"
    wheel = next((f for f in files if f.name.endswith(".whl")), None)
    if wheel is None:
        logger.info("%s: no wheel built (--sdist-only), its tests need one", pkg.name)
        return "none"
    doc = load_toml(pkg.pyproject) if pkg.pyproject.is_file() else {}
    extras, groups = table(doc, "project", "optional-dependencies"), table(doc, "dependency-groups")
    extra = next((e for e in TEST_EXTRAS if e in extras), None)
    group: list[object] = next((groups[g] for g in TEST_EXTRAS if g in groups), [])
    wanted = {canonicalize_name(name) for name in pkg.internal_deps}
    wheels = sorted(plan.dist_dir.glob("*.whl"))
    siblings = [str(p) for p in wheels if (nv := name_and_version(p.name)) and nv[0] in wanted]
    env, made = create_environment(installer, workdir / "test-env", str(python), on_line=log.add)
    target = f"{pkg.name}[{extra}] @ {wheel.as_uri()}" if extra else str(wheel)
    if made.ok:
        requirements = [target, *siblings, *(r for r in group if isinstance(r, str))]
        made = install(installer, env, requirements, on_line=log.add)
    if not made.ok:
        raise BuildError(
            f"{pkg.name}: its test environment could not be made (installing {wheel.name}"
            f"{f' with [{extra}]' if extra else ''}); the last lines:\n{log.tail()}"
        ) from None
    argv = [a.format(python=env.python, tests=tests) for a in command]
    if argv[1:3] == ["-m", "pytest"]:  # the source tree off sys.path (see above)
        if log.run([str(env.python), "-c", "import pytest"], cwd=workdir, env=environ):
            raise BuildError(
                f"{pkg.name}: --test runs pytest, but neither a test extra nor a test dependency "
                f"group of {pkg.pyproject.name} brings it; add pytest to "
                "[project.optional-dependencies] test or [dependency-groups] test (or set "
                "[tool.relnox.builds] test-command)"
            )
        given = " ".join(argv)
        argv[3:3] = [
            *([] if "--import-mode" in given else ["--import-mode=importlib"]),
            *([] if "--rootdir" in given else [f"--rootdir={pkg.directory}"]),
        ]
    away = workdir / "test-run"  # python -m puts the working directory first on sys.path
    away.mkdir(parents=True, exist_ok=True)
    logger.info("%s: running its tests against %s: %s", pkg.name, wheel.name, shlex.join(argv))
    code = log.run(argv, cwd=away, env=environ)
    if code == 5:  # pytest collected no tests
        return "none"
    if code == 0:
        return "passed"
    message = f"{pkg.name}: its tests failed (exit {code}); the last lines:\n{log.tail()}"
    if plan.options.strict:
        raise BuildError(message + "\n(--strict makes failing tests fail the build)")
    logger.warning("%s\n(building anyway; --strict would stop here)", message)
    return "failed"
