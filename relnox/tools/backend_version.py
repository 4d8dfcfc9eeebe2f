"""The version a project's build backend gives it (``prepare_metadata_for_build_wheel`` in a
kept environment, its tree left as it was), kept under :mod:`relnox.tools.history`'s key."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from relnox import _proc as proc
from relnox.atomic import write_atomic
from relnox.errors import RelnoxError, one_line
from relnox.tools import git, history

logger = logging.getLogger("relnox")

ENVS = Path("relnox", "backend-envs")  # under the user's cache directory
_VERSION = 3  # 2: asked with the SOURCE_DATE_EPOCH builds use; 3: name and version kept
FETCH_STALL = 20.0  # seconds without progress before installing from a URL stops
COMPILING = ("mesonpy",)  # backends that compile before they can say (meson's setup)


class BackendVersionError(RelnoxError):
    """The backend could not say the version; the message ends with what it printed."""


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether backends are asked (``RELNOX_ASK_BACKEND=0`` turns it off)."""
    value = (os.environ if environ is None else environ).get("RELNOX_ASK_BACKEND", "1")
    return value.strip().lower() not in ("0", "false", "no", "off")


def fetched(requires: Sequence[str]) -> str | None:
    """The first of ``requires`` named by a URL off this machine (its install needs the network)."""
    from packaging.requirements import InvalidRequirement, Requirement

    for text in requires:
        try:
            url = Requirement(text).url
        except InvalidRequirement:
            continue
        if url and not url.startswith("file:"):
            return text
    return None


def compiles(backend: str) -> bool:
    """Whether ``backend`` cannot give a version without compiling the project."""
    return backend.split(".")[0].split(":")[0] in COMPILING


class Metadata(NamedTuple):
    name: str
    version: str


@dataclass(frozen=True)
class Question:
    directory: Path
    requires: tuple[str, ...]
    backend: str


def _env_dir(requires: Sequence[str], python: str) -> Path | None:
    home = history.cache_home()
    if home is None:
        return None
    named = "\n".join((*sorted(requires), os.path.realpath(python)))
    return home / ENVS / f"env-{hashlib.sha256(named.encode()).hexdigest()[:16]}"


_making: dict[Path, threading.Lock] = {}
_unmade: dict[Path, BackendVersionError] = {}  # said once a run, not waited for again
_guard = threading.Lock()


def kept(requires: Sequence[str]) -> bool:
    """Whether the environment of ``requires`` is made already (asking needs no network)."""
    target = _env_dir(requires, sys.executable)
    return target is not None and (target / "relnox-ready").is_file()


def _environment(requires: Sequence[str], python: str, label: str) -> Path:
    """The interpreter of a kept environment holding ``requires``, made on first use."""
    target = _env_dir(requires, python)
    if target is None:
        raise BackendVersionError(f"{label}: no cache directory to keep a build environment in")
    with _guard:
        lock = _making.setdefault(target, threading.Lock())
    with lock:  # one thread makes it, the others wait for it
        if target in _unmade:
            raise _unmade[target]
        try:
            return _made(target, requires, python, label)
        except BackendVersionError as exc:
            _unmade[target] = exc
            raise


def _made(target: Path, requires: Sequence[str], python: str, label: str) -> Path:
    ready = target / "relnox-ready"
    if ready.is_file():
        return target / "bin" / "python"
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=target.name + "-", dir=target.parent))
    lines: list[str] = []
    from relnox.tools.envs import create_environment, find_installer, install  # when one is made

    try:
        installer = find_installer()
        env, made = create_environment(installer, work, python, on_line=lines.append)
        url = fetched(requires)  # offline, its fetch waits: stopped when it makes no progress
        watch = proc.Watch(stall=FETCH_STALL) if url else None
        if made.ok and requires:
            made = install(installer, env, list(requires), on_line=lines.append, watch=watch)
        if not made.ok:
            fix = (
                f" ({url} is fetched from a URL, which needs the network; relnox stops after "
                f"{FETCH_STALL:g}s without progress, and RELNOX_ASK_BACKEND=0 asks no backend)"
                if url
                else ""
            )
            raise BackendVersionError(
                f"{label}: could not install its build requirements {', '.join(requires)} "
                f"with {installer.name}: {' '.join(' '.join(lines[-3:]).split())}{fix}"
            )
        write_atomic(work / "relnox-ready", "")
        try:  # moved in place: a half-made one is never taken
            os.rename(work, target)
        except OSError:  # another process made it meanwhile: take that one
            if not ready.is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target / "bin" / "python"


def _epoch(directory: Path) -> dict[str, str]:
    """The ``SOURCE_DATE_EPOCH`` build-all builds with: the user's, else the last commit's."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return {}
    out = git.run(directory, "log", "-1", "--format=%ct", "HEAD", "--", ".")
    return {"SOURCE_DATE_EPOCH": out.output.strip()} if out.ok and out.output.strip() else {}


def _runner(lines: list[str], epoch: Mapping[str, str]) -> Callable[..., None]:
    def run(
        cmd: Sequence[str], cwd: str | None = None, extra_environ: Mapping[str, str] | None = None
    ) -> None:
        from relnox.tools.envs import Environment, child_env  # when the backend is asked

        python = Path(cmd[0])
        environ = child_env(None, Environment(python.parent.parent, "build"), bytecode=True)
        environ.update(epoch)
        environ.update(extra_environ or {})
        result = proc.run(list(cmd), cwd=cwd, env=environ, on_line=lines.append)
        if not result.ok:  # pyproject-hooks' runner contract
            raise subprocess.CalledProcessError(result.returncode, list(cmd))

    return run


def _paths(directory: Path, skip: frozenset[Path]) -> set[Path]:
    """Every path below ``directory``, but in ``.git``, a virtual environment and ``skip``."""
    found: set[Path] = set()
    for here, dirs, files in os.walk(directory):
        base = Path(here)
        dirs[:] = [
            name
            for name in dirs
            if name != ".git"
            and base / name not in skip
            and not (base / name / "pyvenv.cfg").is_file()
        ]
        found.update(base / name for name in (*dirs, *files))
    return found


@contextlib.contextmanager
def _tree_kept(directory: Path, skip: frozenset[Path]) -> Iterator[None]:
    """What a hook made in the project's tree (an ``egg-info``, a ``build/``) removed again."""
    before = _paths(directory, skip)
    try:
        yield
    finally:
        for path in sorted(_paths(directory, skip) - before):  # a folder before its files
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()


_WORD = re.compile(r"[A-Za-z]")  # a line of a backend's output that says something


def _said(lines: Sequence[str]) -> list[str]:
    """What a backend's output says: not a traceback's frames (``File "..."`` and its code
    line) nor an exception group's box (``| +-+---- 1 ----``)."""
    said: list[str] = []
    frame = -1  # the indent of the frame line just read: the code line below it goes too
    for line in lines:
        text = line.strip(" |+\t")
        indent = len(line) - len(line.lstrip(" |+\t"))
        if frame >= 0 and indent > frame:
            frame = -1
            continue
        frame = indent if text.startswith('File "') else -1
        if frame < 0 and _WORD.search(text) and "Traceback (most recent" not in text:
            said.append(text)
    return said


def ask(
    question: Question, python: str | None = None, skip: frozenset[Path] = frozenset()
) -> Metadata:
    """The name and version the backend of ``question`` gives its project now (no cache),
    the tree left as it was (``skip``: the folders of projects asked meanwhile, left to them)."""
    from email.parser import BytesHeaderParser

    from build import BuildBackendException, BuildException, ProjectBuilder

    label = str(question.directory)
    python = python or sys.executable
    lines: list[str] = []
    epoch = _epoch(question.directory)
    interpreter = _environment(question.requires, python, label)
    try:
        with _tree_kept(question.directory, skip):
            run = _runner(lines, epoch)
            builder = ProjectBuilder(question.directory, str(interpreter), run)
            extra = sorted(builder.get_requires_for_build("wheel"))
            if extra:  # what the backend adds (setuptools' "wheel" of old): a kept env of both
                interpreter = _environment([*question.requires, *extra], python, label)
                builder = ProjectBuilder(question.directory, str(interpreter), run)
            with tempfile.TemporaryDirectory(prefix="relnox-metadata-") as out:
                metadata = (Path(builder.metadata_path(out)) / "METADATA").read_bytes()
    except (BuildBackendException, BuildException, subprocess.CalledProcessError, OSError) as exc:
        tail = " | ".join(_said(lines)[-4:])
        unfilled = git.submodules_hint(question.directory)
        raise BackendVersionError(
            f"{label}: its build backend {question.backend} gives no version "
            f"({one_line(exc)})"
            + (f"; it printed: {tail}" if tail else "")
            + (f"; {unfilled}" if unfilled else "")
        ) from None
    said = BytesHeaderParser().parsebytes(metadata)
    name, version = (str(said.get(key, "")).strip() for key in ("Name", "Version"))
    if not version:
        raise BackendVersionError(f"{label}: its build backend's metadata holds no Version")
    return Metadata(name, version)


def _changed(root: Path) -> dict[str, str]:
    """Each path git sees modified or untracked, with a digest of its bytes (``-``: gone)."""
    out = git.run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if not out.ok:
        return {}
    top = Path(git.toplevel(root)) if out.output else root
    changed: dict[str, str] = {}
    for _, name in git.status_entries(out):
        if ".egg-info/" in name:  # what setuptools writes as it is asked, not an input
            continue
        try:
            changed[name] = hashlib.blake2b((top / name).read_bytes(), digest_size=16).hexdigest()
        except OSError:
            changed[name] = "-"
    return changed


def _name(question: Question, python: str, changed: Mapping[str, str]) -> str:
    facts: list[Any] = [
        _VERSION,
        str(question.directory.resolve()),
        sorted(question.requires),
        os.path.realpath(python),
        sorted(changed.items()),
        time.strftime("%Y%m%d", time.gmtime()) if changed else None,  # a dirty tree's +dYYYYMMDD
        sorted(
            (k, v)
            for k, v in os.environ.items()
            if k.startswith("SETUPTOOLS_SCM") or k == "SOURCE_DATE_EPOCH"
        ),
    ]
    return hashlib.blake2b(json.dumps(facts).encode(), digest_size=16).hexdigest()


@contextlib.contextmanager
def backend_warnings(take: Callable[[str], bool]) -> Iterator[None]:
    """The warnings build backends raise given to ``take``; one it refuses (False) is shown."""
    from pyproject_hooks import BuildBackendWarning

    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
        if not (issubclass(category, BuildBackendWarning) and take(str(message))):
            shown(message, category, *args, **kw)

    with warnings.catch_warnings():
        warnings.simplefilter("always", BuildBackendWarning)
        warnings.showwarning = show
        yield


def _debug(message: str) -> bool:
    """A backend's warning while asked goes to the debug log (``build-all`` shows them)."""
    logger.debug("the build backend warns: %s", message)
    return True


def backend_versions(
    root: Path, questions: Mapping[str, Question], *, kept_only: bool = False
) -> dict[str, str | BackendVersionError]:
    """The version of each answer of :func:`backend_metadata`."""
    said = backend_metadata(root, questions, kept_only=kept_only)
    return {k: v if isinstance(v, BackendVersionError) else v.version for k, v in said.items()}


def backend_metadata(
    root: Path, questions: Mapping[str, Question], *, kept_only: bool = False
) -> dict[str, Metadata | BackendVersionError]:
    """What each project's backend says, kept or asked now; a failure is that project's answer."""
    python = sys.executable
    state = history.git_state(root) if questions else None
    key = history.key_of(state.head, history.ref_listing(root), state.paths) if state else None
    if key is None and kept_only:
        return {}
    changed = _changed(root) if key is not None else {}
    named = {_name(question, python, changed): name for name, question in questions.items()}
    failed: dict[str, BackendVersionError] = {}

    def answer(name: str) -> Metadata | BackendVersionError:
        here = questions[name].directory
        others = frozenset(q.directory for q in questions.values() if q.directory != here)
        try:
            return ask(questions[name], python, others)
        except BackendVersionError as exc:
            return exc

    def compute(keys: list[str]) -> dict[str, Metadata]:
        # each hook is a process of its own: a few at once (one per core, at most four)
        workers = max(1, min(4, os.cpu_count() or 1))
        with backend_warnings(_debug), ThreadPoolExecutor(max_workers=workers) as pool:
            said = dict(zip(keys, pool.map(answer, [named[k] for k in keys]), strict=True))
        failed.update({named[k]: v for k, v in said.items() if isinstance(v, BackendVersionError)})
        return {k: v for k, v in said.items() if isinstance(v, Metadata)}

    def valid(answer: Any) -> bool:  # a name and a version, as JSON keeps a Metadata
        return isinstance(answer, list | tuple) and len(answer) == 2

    kept = history.remembered(key, "backend", list(named), compute, valid)
    return {**{named[k]: Metadata(*v) for k, v in kept.items()}, **failed}
