"""Every input checked before work: the shape of a pyproject, a member path, all problems
at once, each one line naming the file and the fix."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from relnox.errors import ConfigError, RelnoxError
from relnox.toml import table

__all__ = ["check_build_system", "check_root", "check_shape", "member_path", "workspace_error"]

#: (key path, what it must be, the types that are that)
_SHAPES: tuple[tuple[tuple[str, ...], str, tuple[type, ...]], ...] = (
    (("project",), "a table", (Mapping,)),
    (("build-system",), "a table", (Mapping,)),
    (("tool",), "a table", (Mapping,)),
    (("tool", "relnox"), "a table", (Mapping,)),
    (("tool", "uv", "workspace", "members"), "a list of strings", (list,)),
    (("tool", "uv", "workspace", "exclude"), "a list of strings", (list,)),
    (("build-system", "requires"), "a list of strings", (list,)),
    (("build-system", "build-backend"), "a string", (str,)),
    (("project", "name"), "a string", (str,)),
    (("project", "dynamic"), "a list of strings", (list,)),
    (("project", "dependencies"), "a list of strings", (list,)),
    (("project", "optional-dependencies"), "a table of lists", (Mapping,)),
    (("project", "requires-python"), "a string", (str,)),
    (("project", "readme"), "a string or a table", (str, Mapping)),
    (("project", "scripts"), "a table", (Mapping,)),
    (("project", "gui-scripts"), "a table", (Mapping,)),
    (("project", "entry-points"), "a table", (Mapping,)),
)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_shape(pyproject: Path, doc: Mapping[str, Any], *, only: str | None = None) -> None:
    """Raise :class:`ConfigError` for the first key of ``doc`` (``only``: that table's) mistyped."""
    for keys, what, types in _SHAPES:
        if only is not None and keys[0] != only:
            continue
        if (value := table(doc, *keys[:-1]).get(keys[-1])) is None:
            continue
        if not isinstance(value, types):
            where = f"[{keys[0]}]" if len(keys) == 1 else f"[{'.'.join(keys[:-1])}] {keys[-1]}"
            spec = "uv's workspace settings" if keys[:2] == ("tool", "uv") else "PEP 621/518"
            raise ConfigError(
                f"{pyproject}: {where} must be {what}, not {type(value).__name__} "
                f"({_shown(value)}); fix it there ({spec} give its form)"
            )
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            bad = next(v for v in value if not isinstance(v, str))
            raise ConfigError(
                f"{pyproject}: [{'.'.join(keys[:-1])}] {keys[-1]} must be a list of strings, "
                f"but holds {_shown(bad)}; quote each item there"
            )
        lists = not isinstance(value, Mapping) or all(isinstance(v, list) for v in value.values())
        if what == "a table of lists" and not lists:
            raise ConfigError(
                f"{pyproject}: [project.optional-dependencies] must map each extra to a list "
                "of requirement strings; fix it there"
            )
    project = table(doc, "project")
    if (
        only in (None, "project")
        and "version" in project
        and "version" in project.get("dynamic", ())
    ):
        raise ConfigError(
            f"{pyproject}: [project] sets version and lists it in dynamic; keep one there "
            "(PEP 621: a field is static or dynamic, never both, and build backends refuse it)"
        )


#: PEP 517: ``build-backend`` is ``module.path`` or ``module.path:object.path``
_BACKEND = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?")


@cache
def _requirement_problem(text: str) -> str | None:
    """Why ``text`` is no PEP 508 requirement (packaging's first line), or None."""
    try:
        Requirement(text)
    except InvalidRequirement as exc:
        return str(exc).splitlines()[0]  # packaging adds the text and a caret below
    return None


def check_build_system(pyproject: Path, requires: Sequence[str], backend: str) -> None:
    """``[build-system]`` names valid requirements and a backend object path (PEP 518, 517)."""
    for text in requires:
        if (why := _requirement_problem(text)) is not None:
            raise ConfigError(
                f"{pyproject}: invalid requirement {text!r} in [build-system] requires "
                f"({why}); write it as PEP 508 gives it (like 'hatchling>=1.20')"
            )
    if not _BACKEND.fullmatch(backend):
        raise ConfigError(
            f"{pyproject}: [build-system] build-backend {_shown(backend)} is no Python object "
            "path; write it as PEP 517 gives it (like 'hatchling.build' or "
            "'setuptools.build_meta:__legacy__')"
        )


def check_root(root: Path) -> None:
    """``root`` (``--root``, or the current directory) is a directory that exists."""
    if root.is_dir():
        return
    if root.exists():
        raise ConfigError(f"{root}: is a file, not a directory; pass --root the repository root")
    raise ConfigError(f"{root}: no such directory; pass --root an existing repository root")


def member_path(path: Path) -> tuple[Path | None, RelnoxError | None]:
    """A workspace glob's match: ``(resolved, None)`` to read, ``(None, error)`` when it
    cannot be read, ``(None, None)`` when it holds no project."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return None, ConfigError(
            f"{path}: cannot be resolved ({exc}); a symbolic link loops back on itself, "
            "remove the link or exclude it from the workspace members"
        )
    if os.path.lexists(pyproject := path / "pyproject.toml") and not pyproject.is_file():
        return None, _not_a_file(pyproject)
    if pyproject.is_file() or (path / "setup.py").is_file():
        return resolved, None
    return None, None


def _not_a_file(pyproject: Path) -> ConfigError:
    if pyproject.is_dir():
        return ConfigError(f"{pyproject}: is a directory, not a TOML file; remove or rename it")
    if pyproject.is_symlink():
        try:
            pyproject.stat()
        except OSError as exc:
            why = "a symbolic link loop" if exc.errno == errno.ELOOP else "a broken symbolic link"
            return ConfigError(
                f"{pyproject}: {why} (to {os.readlink(pyproject)!r}); point it at the "
                "project's pyproject.toml or remove it"
            )
    return ConfigError(f"{pyproject}: not a regular file; make it the project's pyproject.toml")


def workspace_error(root: Path, errors: Sequence[RelnoxError]) -> RelnoxError:
    """One error holding every package's problem once, one line each, of the problems' class
    when they share one (else :class:`ConfigError`)."""
    if len(errors := list({str(e): e for e in errors}.values())) == 1:
        return type(errors[0])(str(errors[0]))
    kinds = {type(e) for e in errors}
    kind = kinds.pop() if len(kinds) == 1 else ConfigError
    lines = "".join(f"\n  {e}" for e in errors)
    return kind(
        f"{len(errors)} problems in the packages of {root}; fix each file below "
        f"(relnox doctor lists them too):{lines}"
    )
