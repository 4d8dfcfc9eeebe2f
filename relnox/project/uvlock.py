"""Keep ``uv.lock`` in step with a bump without running uv: only the ``version`` line of the
workspace members' entries changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from relnox.errors import ConfigError
from relnox.toml import UNREADABLE, tomllib, unreadable_why
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.sources import read_text, version_at
from relnox.versions.tag_name import last_releases

if TYPE_CHECKING:
    from relnox.project.workspace import Package, Workspace

_KEY_RE = re.compile(r'^(?P<key>name|version)\s*=\s*"(?P<value>[^"]*)"')
_LOCAL_SOURCES = ("editable", "virtual", "directory")
#: a ``[[package]]`` header, and the source line of an entry uv builds from this repository
_ENTRY_RE = re.compile(r"^\[\[package\]\][ \t]*\r?$", re.M)
_LOCAL_SOURCE_RE = re.compile(rf"^source = \{{ ?(?:{'|'.join(_LOCAL_SOURCES)}) =", re.M)


def local_entries(lock: Path) -> list[Mapping[str, Any]]:
    """The ``[[package]]`` entries of ``lock`` uv builds from this repository: only those parsed."""
    blocks = _ENTRY_RE.split(read_text(lock, "uv.lock"))[1:]
    try:
        return [
            tomllib.loads("[[package]]\n" + block)["package"][0]
            for block in blocks
            if _LOCAL_SOURCE_RE.search(block)
        ]
    except UNREADABLE as exc:
        raise ConfigError(f"{lock}: invalid TOML ({unreadable_why(exc)}); run uv lock") from None


def update_entries(text: str, new_of: Callable[[str, str, str], str | None]) -> str:
    """``text`` with the version of each ``[[package]]`` entry replaced by what
    ``new_of(name, version, source line)`` says (``""`` without a source; None: kept)."""
    lines = text.splitlines(keepends=True)
    start: int | None = None
    for end, line in enumerate([*lines, "["]):
        if not line.startswith("["):
            continue
        entry: dict[str, tuple[int, re.Match[str]]] = {}  # its name and version lines
        source = ""
        for index in range(start, end) if start is not None else ():
            if (match := _KEY_RE.match(lines[index])) is not None:
                entry[match["key"]] = (index, match)
            elif lines[index].startswith("source"):
                source = lines[index]
        if "name" in entry and "version" in entry:
            (_, name), (at, match) = entry["name"], entry["version"]
            if (new := new_of(name["value"], match["value"], source)) is not None:
                old = lines[at]
                lines[at] = old[: match.start("value")] + new + old[match.end("value") :]
        start = end + 1 if line.strip() == "[[package]]" else None
    return "".join(lines)


def update_uv_lock(
    text: str, versions: Mapping[str, tuple[str, str]], behind: list[str] | None = None
) -> str:
    """``text`` with each member named in ``versions`` moved from old to new; one not at the
    old version is left, its ``name version`` added to ``behind``."""

    def new_of(name: str, old: str, source: str) -> str | None:
        moved = versions.get(canonicalize_name(name))
        if moved is None or not any(f"{s} =" in source for s in _LOCAL_SOURCES):
            return None
        in_step = (version := maybe_version(old)) is not None and version == maybe_version(moved[0])
        if not in_step and behind is not None:
            behind.append(f"{name} {old}")
        return moved[1] if in_step else None

    return update_entries(text, new_of)


def locked_versions(text: str) -> dict[str, str]:
    """The version the lock ``text`` holds of each of its local projects."""
    found: dict[str, str] = {}

    def note(name: str, version: str, source: str) -> None:
        if any(f"{s} =" in source for s in _LOCAL_SOURCES):
            found[canonicalize_name(name)] = version

    update_entries(text, note)
    return found


def left_at_releases(
    workspace: Workspace, lock: Path, packages: Sequence[Package]
) -> dict[str, str]:
    """Each of ``packages`` whose ``lock`` entry no release moved (two at least), with what it
    held at its tags."""
    if not git.is_repo(workspace.root):
        return {}
    top = git.toplevel(workspace.root).resolve()
    where = "./" + lock.resolve().relative_to(top).as_posix()
    left: dict[str, str] = {}
    for pkg in packages:
        tags = [tag for _, tag in last_releases(pkg, workspace.tag_format)]
        if len(tags) < 2 or pkg.vcs_versioned:
            continue
        held: list[str] = []
        for tag in tags:  # newest first: a lock in step at its last release is read once
            text = git.show_file(top, tag, where)
            version = locked_versions(text).get(pkg.name) if text else None
            said = version_at(workspace.root, pkg.locations, tag)
            if not version or not said:
                continue  # no lock (or entry) at that release yet: it says nothing of one
            if same_version(version, said):
                held = []
                break
            held.append(f"{version} at {tag}")
        if len(held) > 1:
            left[pkg.name] = f"{pkg.name} {', '.join(held)}"
    return left


#: what a note says of a lock entry a bump leaves behind
NOT_IN_STEP = (
    "the lock is not kept in step at releases here, so it is left as it is (uv lock refreshes it)"
)
