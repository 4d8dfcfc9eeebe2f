"""Where a workspace's packages are: ``[tool.relnox] packages`` globs or uv's workspace
members, the projects below a root without one, and projects outside them still released."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox.config import Config
from relnox.errors import ConfigError, RelnoxError, path_error, shortlist
from relnox.project.package_load import VALID_NAME, load_package, name_of
from relnox.project.pyproject import (
    internal_requirements,
    is_package,
    is_project_dir,
    project_doc,
    tools_only,
    uv_never_builds,
)
from relnox.project.validate import check_shape, member_path
from relnox.project.workspace import NOT_RELEASED, Broken, Unreleased
from relnox.toml import read_or_empty, table
from relnox.tools import git
from relnox.versions.released import named_example, plain_version_tag, released_elsewhere
from relnox.versions.sources import VersionLocation

#: how deep a root that lists no package is scanned: its packages are found only by the scan,
#: and client libraries sit a folder deeper than a workspace's (``clients/python/sdk/foo``)
UNLISTED_DEPTH = 4

#: how a command reads a project's pyproject (discovery's: each read once)
Read = Callable[[Path], dict[str, Any]]


def member_dirs(
    root: Path,
    doc: Mapping[str, Any] | None,
    config: Config,
    tests: list[Path] | None = None,
    read: Read = project_doc,
) -> tuple[list[Path], list[Broken]]:
    """The member directories the globs name, and the matches that cannot be read (``tests``:
    where a scan adds the projects it leaves in directories named for tests)."""
    if doc is None:  # no root project: every project below the root, one level deeper
        return projects_below(root, UNLISTED_DEPTH, tests, read), []
    check_shape(config.source, doc, only="tool")  # the lists of globs read below
    if config.packages is not None:
        globs, excludes = list(config.packages), []
    else:
        uv_ws = table(doc, "tool", "uv", "workspace")
        globs = [g for g in uv_ws.get("members", []) if isinstance(g, str)]
        excludes = [g for g in uv_ws.get("exclude", []) if isinstance(g, str)]
        if is_package(doc, root):
            referenced = [] if globs else [rel for rel, _ in local_references(root, doc)]
            globs[:0] = referenced or ["."]  # a root that references its packages: not one
    setting = "[tool.relnox] packages" if config.packages is not None else None
    for pattern in [*globs, *excludes]:
        if Path(pattern).is_absolute() or Path(pattern).drive:
            kind = "members" if pattern in globs else "exclude"
            where = setting or f"[tool.uv.workspace] {kind}"
            raise ConfigError(
                f"{config.source}: {where} has the absolute path {pattern!r}; "
                'write it relative to the workspace\'s root (a glob like "packages/*")'
            )
        if pattern in excludes and not pattern.strip():  # pathlib refuses a glob of nothing
            raise ConfigError(
                f"{config.source}: [tool.uv.workspace] exclude has an empty entry {pattern!r}; "
                'remove it, or write the directory to leave out ("packages/old")'
            )
    excluded: set[Path | None] = set()  # as matched, and resolved when it resolves
    for pattern in excludes:  # a literal path too: a looping link matches no glob
        for path in [root / pattern, *root.glob(pattern)]:
            excluded |= {path.absolute(), member_path(path)[0]}
    dirs: list[Path] = []
    broken: list[Broken] = []
    seen: set[Path] = set()  # resolved once each: discovery stays linear in the member count
    home = root.resolve()
    where = setting or "[tool.uv.workspace] members"
    for pattern in globs:
        try:
            matches = [root] if pattern in (".", "", "./") else sorted(root.glob(pattern))
        except OSError as exc:  # a name too long for the system
            raise path_error(f"{config.source}: {where} entry", exc) from None
        for path in matches:
            if path.absolute() in excluded:
                continue
            resolved, error = member_path(path)
            if resolved is not None and not resolved.is_relative_to(home):
                shown = Path(os.path.normpath(path.absolute()))  # no commit could hold it
                link = f" (a symbolic link to {resolved})" if resolved != shown else ""
                error = ConfigError(
                    f"{config.source}: {where} entry {pattern!r} matches {shown}{link}, outside "
                    f"the workspace's root {config.source.parent}; move the project below the "
                    f"root or remove it from {where}"
                )
                resolved = None
            if resolved is None and error is None and setting is None and _refused(path):
                rel = path.relative_to(root).as_posix()
                error = ConfigError(
                    f"{config.source}: [tool.uv.workspace] members entry {pattern!r} matches "
                    f"{rel}/, which holds no pyproject.toml (uv refuses the workspace); add "
                    f'"{rel}" to [tool.uv.workspace] exclude, or give it a pyproject.toml'
                )
            if error is not None:
                broken.append(Broken(path, None, error))
            if resolved is None or resolved in excluded or resolved in seen:
                continue
            seen.add(resolved)
            dirs.append(path)
    return dirs, broken


def _refused(path: Path) -> bool:
    """Whether uv refuses a workspace glob's match holding no project: a directory, not hidden
    nor a link, holding a file git does not ignore (only ``__pycache__`` left behind passes)."""
    if path.is_symlink() or not path.is_dir() or path.name.startswith("."):
        return False
    if git.on_path():
        listed = git.run(path, "ls-files", "-z", "--cached", "--others", "--exclude-standard", ".")
        if listed.ok:
            return bool(listed.output)
    return any(files for _, _, files in os.walk(path))  # no git work tree: any file


#: a direct reference to a directory of the repository: ``{root:uri}/x`` or a relative ``file:``
_LOCAL_URL = re.compile(r"^(?:\{root:uri\}/|file:(?:\./)?(?!/))(?P<path>[^;\s]+?)/?$")


def local_references(root: Path, doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(directory, requirement)`` of each requirement of the root ``[project]`` on a project
    of the repository by direct reference: a development project no index takes."""
    project = table(doc, "project")
    lists = [project.get("dependencies"), *table(project, "optional-dependencies").values()]
    found: dict[str, str] = {}
    for items in lists:
        for text in items if isinstance(items, list) else []:
            if not isinstance(text, str) or "@" not in text:
                continue  # no direct reference (PEP 508 writes one after an @)
            try:
                url = Requirement(text).url
            except InvalidRequirement:
                continue
            match = _LOCAL_URL.match(url or "")
            rel = match.group("path") if match is not None else None
            if rel is not None and ".." not in Path(rel).parts and is_project_dir(root / rel):
                found.setdefault(rel, text)
    return list(found.items())


#: directories of docs, examples, builds or environments, not of packages
_NOT_PROJECTS = {
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


def test_suite(name: str) -> bool:
    """A directory of a test suite: its last word is ``test`` or ``tests`` (not ``test-utils``)."""
    return re.split(r"[-_.]", name.lower())[-1] in ("test", "tests")


def _for_tests(name: str) -> bool:
    """A directory named for tests: its first or last word ``test``, ``tests`` or ``testdata``."""
    return test_suite(name) or re.split(r"[-_.]", name.lower())[0] in ("test", "tests", "testdata")


def projects_below(
    root: Path, depth: int = 3, tests: list[Path] | None = None, read: Read = project_doc
) -> list[Path]:
    """Directories up to ``depth`` levels below ``root`` holding a project; those in directories
    named for tests go to ``tests``, when given. A link out of ``root`` is not followed."""
    found: list[Path] = []
    level = [root]
    for left in range(depth - 1, -1, -1):  # one listing per directory (its entries say which
        below: list[Path] = []  # are folders)
        for directory in level:
            try:
                with os.scandir(directory) as entries:
                    names = sorted(e.name for e in entries if _folder_inside(e, root))
            except OSError:
                continue
            for name in names:
                child = directory / name
                if tests is not None and not name.startswith(".") and _for_tests(name):
                    tests += (
                        [child]
                        if is_project_dir(child)
                        else projects_below(child, left, tests, read)
                    )
                if name.startswith((".", "_")) or name in _NOT_PROJECTS or "venv" in name:
                    continue  # private, of docs, examples, builds or a virtualenv
                if _for_tests(name):
                    continue
                project = is_project_dir(child) and not _settings_folder(child, read)
                (found if project else below).append(child)
        level = below
    return found


def _settings_folder(directory: Path, read: Read) -> bool:
    """A folder whose pyproject.toml only configures tools (no project, no workspace): scan below."""
    try:
        doc = read(directory)
    except RelnoxError:
        return False
    return bool(doc) and workspace_setting(doc) is None and tools_only(doc, directory)


def workspace_setting(doc: Mapping[str, Any]) -> str | None:
    """``[tool.uv.workspace] members`` or ``[tool.relnox] packages``, when ``doc`` sets it."""
    if table(doc, "tool", "uv", "workspace").get("members"):
        return "[tool.uv.workspace] members"
    return "[tool.relnox] packages" if table(doc, "tool", "relnox").get("packages") else None


def workspaces_below(root: Path, found: Sequence[Path], read: Read = project_doc) -> list[Path]:
    """The folders of ``found`` below ``root`` whose pyproject.toml is a workspace, not a
    package: their members are read from there, so a scan from ``root`` looks inside them."""
    below = []
    for directory in found:
        if directory == root:
            continue
        try:
            doc = read(directory)  # discovery's one read of each pyproject
        except RelnoxError:  # unreadable: its problem is said where it is loaded
            continue
        if workspace_setting(doc) is not None and not is_package(doc, directory):
            below.append(directory)
    return below


def workspace_below_note(
    root: Path, folder: Path, released: set[Path], read: Read = project_doc
) -> str | None:
    """The line naming the members of the workspace in ``folder`` that ``root`` does not release."""
    doc = read_or_empty(folder / "pyproject.toml")
    try:
        members, _ = member_dirs(folder, doc, Config(folder / "pyproject.toml"))
    except RelnoxError:
        return None
    left = [
        name
        for directory, _, name in _packages(members, read)
        if directory.resolve() not in released and VALID_NAME.fullmatch(name)
    ]
    if not left:
        return None
    rel = folder.relative_to(root).as_posix()
    return (
        f"{rel}/pyproject.toml is a workspace ({workspace_setting(doc)}) of projects relnox "
        f"does not release from here ({shortlist(sorted(left))}): no tag, release workflow or "
        f"released package shows them released; run relnox in {rel} (or pass --root {rel}) "
        "to release them"
    )


def _folder_inside(entry: os.DirEntry[str], root: Path) -> bool:
    """A folder, or a link to one inside ``root``."""
    try:
        if not entry.is_dir():
            return False
        return not entry.is_symlink() or Path(entry.path).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop (Python < 3.13)
        return False


def nested(root: Path, dirs: Sequence[Path], read: Read = project_doc) -> list[Path]:
    """The projects inside the packages of ``dirs`` but the root's, up to three levels deep."""
    found: list[Path] = []
    for directory in dirs:
        try:
            depth = 3 - len(directory.relative_to(root).parts)
        except ValueError:
            continue
        if directory != root and depth >= 1:
            found += projects_below(directory, depth, read=read)
    return no_members(found, dirs)


def no_members(found: Sequence[Path], dirs: Sequence[Path]) -> list[Path]:
    """Those of ``found`` that are no member, nor a link to another directory's project."""
    members = {d.resolve() for d in dirs}
    return [d for d in found if d.resolve() not in members and not _linked_elsewhere(d)]


def _linked_elsewhere(directory: Path) -> bool:
    if not (pyproject := directory / "pyproject.toml").is_symlink():
        return False
    try:
        return pyproject.resolve().parent != directory.resolve()
    except OSError:
        return False


def _packages(others: Sequence[Path], read: Read) -> list[tuple[Path, dict[str, Any], str]]:
    found = [(d, doc, name_of(d, doc)) for d, doc in _readable(others, read)]
    return [(d, doc, name) for d, doc, name in found if name and is_package(doc, d)]


def _names(directories: Sequence[Path], read: Read) -> set[str]:
    names: set[str] = set()
    for directory, doc in _readable(directories, read):
        try:
            name = name_of(directory, doc)
        except RelnoxError:  # its problem is said where it is loaded
            continue
        if name:
            names.add(canonicalize_name(name))
    return names


def _readable(directories: Sequence[Path], read: Read) -> Iterator[tuple[Path, dict[str, Any]]]:
    for directory in directories:
        try:
            yield directory, read(directory)
        except RelnoxError:
            continue


def listed_below(root: Path, directory: Path) -> str | None:
    """The folder between ``root`` and ``directory`` whose ``pyproject.toml`` lists it among
    its ``[tool.uv.workspace] members`` (a workspace below the root), as a relative path."""
    for folder in directory.parents:
        if folder == root or root not in folder.parents:
            return None
        doc = read_or_empty(folder / "pyproject.toml")
        members = table(doc, "tool", "uv", "workspace").get("members")
        inside = directory.relative_to(folder).as_posix()
        if isinstance(members, list) and any(fnmatchcase(inside, str(m)) for m in members):
            return folder.relative_to(root).as_posix()
    return None


def released_by_evidence(
    root: Path,
    doc: Mapping[str, Any],
    others: Sequence[Path],
    members: Sequence[Path],
    read: Read = project_doc,
) -> dict[Path, str]:
    """Projects no workspace file lists that are released: directory -> the evidence."""
    root_is_member = root.resolve() in {d.resolve() for d in members}
    listed = _names(members, read)  # a project named like a member is no release of its own
    projects = [p for p in _packages(others, read) if canonicalize_name(p[2]) not in listed]
    targets: Targets = {canonicalize_name(n): (d, found) for d, found, n in projects}
    required = required_by(_readable(members, read), targets) if targets else {}

    candidates: list[tuple[Path, str]] = []
    if not root_is_member and uv_never_builds(doc):
        candidates.append((root, name_of(root, doc) or root.name))
    if not doc:  # no root project: each project found below that uv never builds
        below = _readable(members, read)
        candidates += [(d, name_of(d, f) or d.name) for d, f in below if uv_never_builds(f)]
    unbuilt: list[tuple[Path, str]] = []  # no [build-system]: a workflow decides
    for directory, found, name in projects:
        if VALID_NAME.fullmatch(name) and directory not in required:
            built = "build-system" in found or not found  # a setup.py's: setuptools builds it
            (candidates if built else unbuilt).append((directory, name))
    elsewhere = released_elsewhere(root, candidates, unbuilt, _version_files)
    released = {**required, **dict(elsewhere)}
    only = candidates and candidates[0][0] == root and root not in released and not others
    if only and not members and (tag := plain_version_tag(root)) is not None:
        released[root] = f"it is the repository's only project and tags like {tag} release it"
    return released


#: canonical name -> the project's directory and pyproject document
Targets = Mapping[str, tuple[Path, Mapping[str, Any]]]


def required_by(
    requirers: Iterable[tuple[Path, Mapping[str, Any]]], targets: Targets
) -> dict[Path, str]:
    """The projects of ``targets`` the ``requirers`` require at run time, and so on down."""
    names = set(targets)
    todo = list(requirers)
    found: dict[Path, str] = {}
    while todo:
        directory, data = todo.pop(0)
        try:
            reqs = internal_requirements(directory / "pyproject.toml", data, names)
        except RelnoxError:
            continue
        for req in reqs:
            target, target_doc = targets[req.target]
            if req.runtime and target not in found:
                found[target] = f"{name_of(directory, data) or directory.name} requires it"
                todo.append((target, target_doc))
    return found


def _version_files(directory: Path) -> list[VersionLocation]:
    """Where the project's version is written: the file it is read from, then its copies."""
    try:
        doc = project_doc(directory)
        pkg = load_package(directory, doc, set(), Config(directory / "pyproject.toml"), False)
    except RelnoxError:
        return []
    return list(pkg.locations)


def outside_members(
    root: Path, others: Sequence[Path], read: Read = project_doc
) -> tuple[tuple[str, ...], list[Unreleased]]:
    """Projects beside the workspace no member list names: the notes, and each as not released
    (those in a folder named for examples in one note, as examples)."""
    notes = []
    entries = []
    shown: list[str] = []
    globs: dict[str, None] = {}
    examples: list[Unreleased] = []
    for directory, found, name in _packages(others, read):
        if not VALID_NAME.fullmatch(name):  # a template's
            continue
        rel = directory.relative_to(root).as_posix()
        file = "pyproject.toml" if found or (directory / "pyproject.toml").is_file() else "setup.py"
        if named_example(directory, root):
            examples.append(Unreleased(directory, name, EXAMPLE, EXAMPLE_SETTING))
            continue
        shown.append(f"{rel}/{file} ({name})")
        globs[rel.rpartition("/")[0] + "/*" if "/" in rel else rel] = None
        setting = f'add "{rel}" to [tool.relnox] packages to release it with relnox'
        notes.append(f"{rel}/{file} ({name}) is not a member of this workspace; {setting}")
        entries.append(Unreleased(directory, name, "no workspace file declares it", setting))
    if len(notes) > NOTES_SHOWN:
        listed = ", ".join(f'"{g}"' for g in list(globs)[:3])
        notes = [
            f"{len(notes)} projects below are not members of this workspace "
            f"({shortlist(shown)}); add their directories to [tool.relnox] packages (globs "
            f"such as {listed}) to release them with relnox"
        ]
    if examples:  # said once, as the examples a workspace lists are (discovery)
        told = [f"{e.directory.relative_to(root).as_posix()} ({e.name})" for e in examples]
        notes.append(f"{shortlist(told)}: {EXAMPLE}{NOT_RELEASED}{EXAMPLE_SETTING}")
    return tuple(notes), [*entries, *examples]


#: why a project no workspace file declares, in a folder named for examples, is not released
EXAMPLE = "an example (its folder's name says so), declared by no workspace file"
EXAMPLE_SETTING = "list those to release in [tool.relnox] packages"


#: how many projects a note names one by one (discovery's too); more are one note
NOTES_SHOWN = 8


def test_dirs_note(
    root: Path, tests: Sequence[Path], dirs: Sequence[Path], read: Read = project_doc
) -> str | None:
    """The one line naming the packages a scan left in directories named for tests, if any."""
    shown = [
        f"{d.relative_to(root).as_posix()} ({name})"
        for d, _, name in _packages(no_members(tests, dirs), read)
        if VALID_NAME.fullmatch(name)
    ]
    if not shown:
        return None
    what = f"{len(shown)} projects" if len(shown) > NOTES_SHOWN else "projects"
    return (
        f"{what} in directories named for tests are left out as test fixtures "
        f"({shortlist(shown, NOTES_SHOWN)}); add their directories to [tool.relnox] packages "
        "to release them with relnox"
    )
