"""Tags a package made under another name: the project's name at a tag says whose it was."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.files import ini_sections
from relnox.toml import UNREADABLE, table, tomllib
from relnox.versions.tag_model import Member, RepoTags

if TYPE_CHECKING:
    from relnox.versions.tag_facts import ShowFiles


def _setup_py_name(text: str) -> str | None:
    from relnox.versions.setup_py import written_name  # only for a setup.py at a tag

    return written_name(text)


def _setup_cfg_name(text: str) -> str | None:
    return (ini_sections(text) or {}).get("metadata", {}).get("name", "").strip() or None


def declared_name(doc: Mapping[str, Any]) -> str | None:
    """The project name ``[project]`` or poetry's ``[tool.poetry]`` writes, or ``None``."""
    for found in (table(doc, "project"), table(doc, "tool", "poetry")):
        if isinstance(found.get("name"), str) and found["name"]:
            return str(found["name"])
    return None


def pyproject_name(text: str) -> str | None:
    try:
        return declared_name(tomllib.loads(text))
    except UNREADABLE:  # RecursionError too: a hostile file is no name
        return None


_READERS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("pyproject.toml", pyproject_name),
    ("setup.cfg", _setup_cfg_name),
    ("setup.py", _setup_py_name),
)


def name_at(member: Member, tag: str, show_files: ShowFiles) -> str | None:
    """The distribution name ``member``'s files give at ``tag`` as a literal, or ``None``."""
    for file, read in _READERS:
        text = show_files([(tag, f"{member.home}/{file}" if member.home else file)])[0]
        if text is not None and (name := read(text)):
            return name
    return None


def former_names(
    members: Sequence[Member],
    owned: dict[str, list[str]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_files: ShowFiles,
) -> dict[str, str]:
    """Drop from each package's prefixes one whose tags all came before another's and whose
    newest tag's files name another project; what each was told."""
    said: dict[str, str] = {}
    for member in members:
        mine = owned[member.name]
        if len(mine) < 2 or member.configured or member.match or member.regex:
            continue
        for prefix in list(mine):
            last = max(tags.dates.get(tag, 0) for _v, tag in groups[prefix])
            later = [
                p
                for p in mine
                if p != prefix and min(tags.dates.get(t, 0) for _v, t in groups[p]) > last > 0
            ]
            if not later:
                continue
            tag = tags.by_date(groups[prefix])[0][1]
            name = name_at(member, tag, show_files)
            if name is None or canonicalize_name(name) == member.name:
                continue
            mine.remove(prefix)
            said[member.name] = (
                f"{prefix}{{version}} tags (newest {tag}) released {name}, the project's "
                "former name: not counted"
            )
    return said
