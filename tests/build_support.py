"""Helpers for the build tests: fixture repositories built once per test run.

With pytest-xdist every worker would build a module-scoped fixture again; :func:`shared`
builds it once for all workers (a file lock in the run's shared temp directory) and
hands every test the directory and a JSON summary of the build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from relnox.builds.run import BuildResult
from relnox.errors import BuildError

UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")


@contextlib.contextmanager
def isolated(home: Path) -> Iterator[None]:
    """What the ``hermetic`` fixture does, for fixtures that outlive one test."""
    with pytest.MonkeyPatch.context() as mp:
        for key in list(os.environ):
            if key.startswith(("TWINE_", "PIP_", "UV_", "RELNOX_")) or key in (
                "SOURCE_DATE_EPOCH",
                "VIRTUAL_ENV",
            ):
                mp.delenv(key, raising=False)
        mp.setenv("HOME", str(home))
        mp.setenv("UV_CACHE_DIR", UV_CACHE)
        mp.setenv("UV_PYTHON_DOWNLOADS", "never")
        mp.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        yield


def shared(
    factory: pytest.TempPathFactory, name: str, produce: Callable[[Path], dict[str, Any]]
) -> tuple[Path, dict[str, Any]]:
    """``produce(directory)`` once per test run (across xdist workers); its directory and summary."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    directory = base / f"shared-{name}"
    summary = directory / "summary.json"
    with (base / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not summary.is_file():
            directory.mkdir(exist_ok=True)
            (directory / "home").mkdir(exist_ok=True)
            with isolated(directory / "home"):
                data = produce(directory)
            summary.write_text(json.dumps(data), encoding="utf-8")
    return directory, json.loads(summary.read_text(encoding="utf-8"))


def summarize(result: BuildResult) -> dict[str, Any]:
    """What tests need of a result, as JSON."""
    try:
        result.raise_for_failures()
        message = ""
    except BuildError as exc:
        message = str(exc)
    return {
        **result.to_json(),
        "error": message,
        "environments": result.environments,
        "outcomes": {
            o.package.name: {
                "status": o.status,
                "reason": o.reason,
                "error": str(o.error) if o.error else "",
                "tests": o.tests,
                "finished": o.finished,
            }
            for o in result.outcomes
        },
    }


def wheel_metadata(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return archive.read(name).decode()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


#: the file git ignores that :func:`built_with_an_ignored_file`'s ``ign-pkg`` ships
IGNORED_SHIPPED = "ign_pkg/_build_info.json"


def built_with_an_ignored_file(root: Path) -> Path:
    """Two hatchling packages built by build-all into ``root/dist``: ``ign-pkg``'s sdist and
    wheel hold ``ign_pkg/_build_info.json``, a generated file git ignores that hatch takes
    in as an artifact; ``ign-other`` takes in nothing git ignores. The file's path."""
    from relnox.builds.run import BuildOptions, build_all
    from relnox.sample import ProjectSpec, git_init, write_workspace

    write_workspace(root, [ProjectSpec("ign-pkg"), ProjectSpec("ign-other")])
    package = root / "packages" / "ign-pkg"
    with (package / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[tool.hatch.build]\nartifacts = ["{IGNORED_SHIPPED}"]\n')
    (package / ".gitignore").write_text("_build_info.json\n", encoding="utf-8")
    shipped = package / IGNORED_SHIPPED
    shipped.write_text('{"build": 1}\n', encoding="utf-8")
    git_init(root)
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    return shipped
