"""Where a workspace's packages are: ``[tool.relnox] packages`` globs or uv's workspace
members, the projects below a root without one, and the projects that left the workspace
but still have releases."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox.config import (
    Config,
)
from relnox.errors import ConfigError, RelnoxError
from relnox.project.package_load import VALID_NAME, name_of
from relnox.project.pyproject import (
    is_package,
    load_toml,
    tools_only,
)
from relnox.project.validate import (
    member_path,
)
from relnox.project.workspace import Broken
from relnox.toml import table


def member_dirs(
    root: Path,
    doc: Mapping[str, Any] | None,
    config: Config,
    resolve: Callable[[Path], Path] = Path.resolve,
) -> tuple[list[Path], list[Broken]]:
    """The member directories the globs name, and the matches that cannot be read
    (``resolve``: :class:`relnox.paths.Resolver`, each directory resolved once)."""
    if doc is None or configures_tools(root, doc, config):
        # no root pyproject.toml, or one for tools only: every project below the root,
        # and when none has a pyproject.toml, the setup.py ones (ray's python/setup.py;
        # beside pyarrow's python/, arrow's dev/archery/setup.py is a tool, not released)
        below = _projects_below(root)
        if not any(_builds(d) for d in below):
            below += _projects_below(root, marker="setup.py")
        return below, []
    if config.packages is not None:
        globs, excludes = list(config.packages), []
    else:
        uv_ws = table(doc, "tool", "uv", "workspace")
        globs = [g for g in uv_ws.get("members", []) if isinstance(g, str)]
        excludes = [g for g in uv_ws.get("exclude", []) if isinstance(g, str)]
        if is_package(doc, root):
            globs.insert(0, ".")
    setting = "[tool.relnox] packages" if config.packages is not None else None
    for pattern in [*globs, *excludes]:
        if Path(pattern).is_absolute() or Path(pattern).drive:
            where = setting or (
                "[tool.uv.workspace] " + ("members" if pattern in globs else "exclude")
            )
            raise ConfigError(
                f"{config.source}: {where} has the absolute path {pattern!r}; "
                'write it relative to the workspace\'s root (a glob like "packages/*")'
            )
    excluded: set[Path | None] = set()  # as matched, and resolved when it resolves
    for pattern in excludes:  # a literal path too: a looping link matches no glob
        for path in [root / pattern, *root.glob(pattern)]:
            excluded |= {path.absolute(), member_path(path, resolve)[0]}
    dirs: list[Path] = []
    broken: list[Broken] = []
    seen: set[Path] = set()  # resolved once each: discovery stays linear in the member count
    for pattern in globs:
        matches = [root] if pattern in (".", "", "./") else sorted(root.glob(pattern))
        for path in matches:
            if path.absolute() in excluded:
                continue
            resolved, error = member_path(path, resolve)
            if error is not None:
                broken.append(Broken(path, None, error))
            if resolved is None or resolved in excluded or resolved in seen:
                continue
            seen.add(resolved)
            dirs.append(path)
    return dirs, broken


def _builds(directory: Path) -> bool:
    """Whether ``directory``'s pyproject.toml describes a package (one that cannot be read
    counts: its error is the member's to report)."""
    try:
        return is_package(load_toml(directory / "pyproject.toml"), directory)
    except RelnoxError:
        return True


def configures_tools(root: Path, doc: Mapping[str, Any], config: Config) -> bool:
    """The root pyproject.toml only configures tools (:func:`tools_only`) and names no
    packages or workspace members: the packages are the projects below (ray's
    ``python/setup.py``)."""
    members = table(doc, "tool", "uv", "workspace").get("members")
    return config.packages is None and not members and tools_only(doc, root)


_NOT_PROJECTS = {
    "tests",
    "test",
    "docs",
    "doc",
    "examples",
    "example",
    "fixtures",
    "benchmarks",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    "vendor",
    "third_party",
}


def _projects_below(root: Path, depth: int = 3, marker: str = "pyproject.toml") -> list[Path]:
    """Directories up to ``depth`` levels below ``root`` holding a ``marker`` file (a
    pyproject.toml, or a setup.py for the legacy backend)."""
    found: list[Path] = []
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for directory in level:
            try:
                children = sorted(p for p in directory.iterdir() if p.is_dir())
            except OSError:
                continue
            for child in children:
                if (
                    child.name.startswith(".")
                    or child.name in _NOT_PROJECTS
                    or "venv" in child.name
                ):
                    continue
                if (child / marker).is_file():
                    found.append(child)
                else:
                    below.append(child)
        level = below
    return found


def outside(
    root: Path, dirs: Sequence[Path], resolve: Callable[[Path], Path] = Path.resolve
) -> list[Path]:
    """The projects up to three levels below ``root`` that are no member: one walk of the
    tree and one resolution of each directory, for :func:`released_by_evidence` and
    :func:`outside_members` both."""
    members = {resolve(d) for d in dirs}
    return [
        d
        for d in _projects_below(root, depth=3)
        if resolve(d) not in members and not _linked_elsewhere(d, resolve)
    ]


def nested(
    root: Path, dirs: Sequence[Path], resolve: Callable[[Path], Path] = Path.resolve
) -> list[Path]:
    """The projects inside the packages of ``dirs`` (not the root's: :func:`outside` walks
    those), up to three levels below ``root``: ``py-polars/runtime/polars-runtime-32``
    beside ``py-polars``'s own project. Their walk stops at a project, as theirs does."""
    members = {resolve(d) for d in dirs}
    found: list[Path] = []
    for directory in dirs:
        try:
            depth = 3 - len(directory.relative_to(root).parts)
        except ValueError:
            continue
        if directory == root or depth < 1:
            continue
        found += (
            d
            for d in _projects_below(directory, depth)
            if resolve(d) not in members and not _linked_elsewhere(d, resolve)
        )
    return found


def required(docs: Mapping[Path, Mapping[str, Any]]) -> dict[str, str]:
    """The (canonical) names the projects of ``docs`` require when installed (dependencies
    and extras, Poetry's too) -> the first project that requires each."""
    found: dict[str, str] = {}
    for directory, doc in docs.items():
        by = name_of(directory, doc) or directory.name
        project = table(doc, "project")
        items = [project.get("dependencies")]
        items += list(table(project, "optional-dependencies").values())
        texts = [t for group in items if isinstance(group, list) for t in group]
        names = [_requirement_name(t) for t in texts if isinstance(t, str)]
        names += list(table(doc, "tool", "poetry", "dependencies"))
        for name in names:
            if name and canonicalize_name(name) != canonicalize_name(by):
                found.setdefault(canonicalize_name(name), by)
    return found


def _requirement_name(text: str) -> str | None:
    """The project a PEP 508 requirement names, or ``None`` when it does not parse."""
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return None


def _linked_elsewhere(directory: Path, resolve: Callable[[Path], Path]) -> bool:
    """``requirements/pyproject.toml -> ../pyproject.toml`` (kept for a dependency bot): the
    file is another directory's project, seen there, not one of ``directory``'s own."""
    pyproject = directory / "pyproject.toml"
    if not pyproject.is_symlink():
        return False
    try:
        return pyproject.resolve().parent != resolve(directory)
    except OSError:
        return False


def _packages(others: Sequence[Path]) -> list[tuple[Path, dict[str, Any], str]]:
    """``(directory, pyproject, name)`` of each of ``others`` whose pyproject.toml reads,
    names a project and describes a package (one that cannot be read is no candidate)."""
    found = []
    for directory in others:
        try:
            doc = load_toml(directory / "pyproject.toml")
        except RelnoxError:
            continue
        name = name_of(directory, doc)
        if name and is_package(doc, directory):
            found.append((directory, doc, name))
    return found


def released_by_evidence(
    root: Path,
    doc: Mapping[str, Any],
    others: Sequence[Path],
    root_is_member: bool,
    requires: Mapping[str, str] | None = None,
) -> dict[Path, str]:
    """Projects no workspace file lists whose release history says they are released
    (:mod:`relnox.project.released`): directory -> the evidence. ``others``: the projects
    below that are no member (:func:`outside`, :func:`nested`); ``requires``: what the
    members require (:func:`required`)."""
    from relnox.project.released import released_elsewhere

    candidates: list[tuple[Path, str]] = []
    if (
        not root_is_member
        and {"project", "build-system"} <= doc.keys()
        and table(doc, "tool", "uv").get("package") is False
    ):
        candidates.append((root, name_of(root, doc) or root.name))
    for directory, found, name in _packages(others):
        if VALID_NAME.fullmatch(name) and "build-system" in found:
            candidates.append((directory, name))
    return dict(released_elsewhere(root, candidates, requires))


def outside_members(root: Path, others: Sequence[Path]) -> tuple[str, ...]:
    """Projects next to the workspace that no member list names (a ``backend/`` of its own);
    ``others``: the projects below that are no member (:func:`outside`)."""
    notes = []
    for directory, _, name in _packages(others):
        rel = directory.relative_to(root).as_posix()
        notes.append(
            f"{rel}/pyproject.toml ({name}) is not a member of this workspace; "
            f'add "{rel}" to [tool.relnox] packages to release it with relnox'
        )
    return tuple(notes)
