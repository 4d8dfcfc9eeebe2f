"""Shared fixtures: a hermetic environment, real git repositories, sample workspaces."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relnox.sample import (
    GIT_ENV,
    ProjectSpec,
    git_commit_all,
    git_init,
    write_project,
    write_workspace,
)

#: caches shared by every test (builds stay fast); everything else is per test
_UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
_PIP_CACHE = str(Path.home() / ".cache" / "pip")


#: a git hook's shell lines finding the relnox process among its ancestors (git runs the
#: hook, relnox runs git) as ``$found``: no pid handed over after the start, so no race
FIND_RELNOX = r"""pid=$$ found=
while [ -z "$found" ] && [ "$pid" -gt 1 ]; do
  pid=$(cut -d")" -f2 /proc/$pid/stat | cut -d" " -f3)
  case "$(tr '\000' ' ' < /proc/$pid/cmdline)" in *"-m relnox"*) found=$pid;; esac
done
"""


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``HOME``, ``TWINE_*``, ``PIP_*``, ``UV_*``, git identity and ``~/.pypirc`` isolated.

    ``PYTHONDONTWRITEBYTECODE`` is lifted, so every run sees what a fresh machine
    sees (``__pycache__/`` next to a noxfile); tests that care set it themselves.
    """
    home = tmp_path_factory.mktemp("home")
    for key in list(os.environ):
        if key.startswith(("TWINE_", "PIP_", "UV_", "GITHUB_", "RELNOX_", "XDG_")) or key in (
            "PYPI_TOKEN",
            "TEST_PYPI_TOKEN",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "SOURCE_DATE_EPOCH",
            "VIRTUAL_ENV",
            "PYTHONDONTWRITEBYTECODE",
        ):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("UV_CACHE_DIR", _UV_CACHE)
    monkeypatch.setenv("PIP_CACHE_DIR", _PIP_CACHE)
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "never")
    # build backends are asked only by the tests of that (tests/project/test_referee.py):
    # elsewhere relnox's own reading, or every fixture would make build environments
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "0")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    return home


@pytest.fixture(autouse=True, scope="session")
def interruptible_children() -> Iterator[None]:
    """A run started with SIGINT ignored (a background job of a non-interactive shell:
    ``nox -s tests &``) would pass that on to every child, and the tests that stop a
    child with SIGINT (a Ctrl-C) would see it ignored: the test process takes Python's
    own handler back, so each child starts with SIGINT's default action, as from a
    terminal or a CI runner."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield


@pytest.fixture(autouse=True)
def no_index_left_running(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every local index a test starts is stopped when the test ends, even a failed one."""
    from relnox.tools.index_server import LocalIndex

    started: list[LocalIndex] = []
    start = LocalIndex.start

    def tracked(self: LocalIndex) -> LocalIndex:
        started.append(self)
        return start(self)

    monkeypatch.setattr(LocalIndex, "start", tracked)
    yield
    for index in started:
        index.stop()


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """``spawn(argv, **popen_kwargs)``: a child in its own process group, killed with all
    its children (a pypiserver under ``relnox serve-index``) when the test ends."""
    children: list[subprocess.Popen[str]] = []

    def start(argv: list[str], **kwargs: object) -> subprocess.Popen[str]:
        proc: subprocess.Popen[str] = subprocess.Popen(argv, start_new_session=True, **kwargs)  # type: ignore[call-overload]
        children.append(proc)
        return proc

    yield start
    for proc in children:
        with contextlib.suppress(ProcessLookupError):  # the group is empty: all gone
            os.killpg(proc.pid, signal.SIGKILL)  # the child and whatever it started
        proc.wait(timeout=30)


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[object]:
    """``make_project(ProjectSpec(...), git=True)``: one real project in its own git repo."""

    def make(spec: ProjectSpec, *, git: bool = True, directory: Path | None = None) -> Path:
        root = write_project(directory or tmp_path / spec.name, spec)
        if git:
            git_init(root)
        return root

    yield make


@pytest.fixture
def make_workspace(tmp_path: Path) -> Iterator[object]:
    """``make_workspace([ProjectSpec, ...], relnox="...", git=True)``: a uv workspace repo."""

    def make(
        specs: list[ProjectSpec], *, git: bool = True, relnox: str = "", name: str = "ws"
    ) -> Path:
        root = write_workspace(tmp_path / name, specs, relnox=relnox)
        if git:
            git_init(root)
        return root

    yield make


def run_relnox(
    *args: str, cwd: Path, check: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``relnox`` command in a child process (``python -m relnox``)."""
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"relnox {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


__all__ = ["ProjectSpec", "git_commit_all", "run_relnox"]
