"""Packages the release history says are released though no workspace file lists them: tags
named after them, a release workflow that builds them, or a version file naming bare tags."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from relnox.tools import git
from relnox.versions.arithmetic import maybe_version
from relnox.versions.tag_model import names_part, split_tag, squash, stem

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.versions.sources import VersionLocation


def _tags(root: Path, newest_first: bool = False) -> list[tuple[str, str, Version]]:
    """The repository's version tags, each with its prefix and version, by name or
    ``newest_first``; none outside git."""
    if not git.on_path() or not git.is_repo(root):
        return []
    refs = [(tag.name, tag.when) for tag in git.tag_refs(root)]
    if newest_first:  # git's order: the newest first, then by name
        refs.sort(key=lambda named: (-int(named[1]) if named[1].isdigit() else 0, named[0]))
    return [(name, *split) for name, _when in refs if (split := split_tag(name)) is not None]


def tag_stems(root: Path, among: Collection[str] | None = None) -> frozenset[str]:
    """The squashed name parts of the repository's version tags (``among``: only these)."""
    return _stems(_tags(root), among)


def _stems(
    tags: Iterable[tuple[str, str, Version]], among: Collection[str] | None
) -> frozenset[str]:
    """:func:`tag_stems` of the tags :func:`_tags` read."""
    wanted = None if among is None else tuple(set(among))
    found = set()
    for tag, prefix, _version in tags:
        squashed = squash(tag)
        if wanted is not None and not any(name in squashed for name in wanted):
            continue
        if stem(prefix):
            found.add(squash(stem(prefix).rsplit("/", 1)[-1]))
    return frozenset(found) if wanted is None else frozenset(found).intersection(wanted)


def plain_version_tag(root: Path) -> str | None:
    """The highest tag that is a version alone (``v2.41.5``, ``2.41.5``), or ``None``."""
    plain = [  # a version as PEP 440 writes it (not ``v2024_05``)
        (version, tag)
        for tag, prefix, version in _tags(root)
        if prefix.lower() in ("", "v") and maybe_version(tag[len(prefix) :]) is not None
    ]
    return max(plain)[1] if plain else None


#: a ``tags:`` or ``release:`` key
TRIGGER_KEY = re.compile(r"^\s*(tags|release)\s*:", re.MULTILINE)


#: directories whose projects a workflow builds to test the tool, not to release them
_TEST_DIRS = {"test", "tests", "test-crates", "testing", "fixtures", "examples", "samples"}


def evidence(
    directory: Path, name: str, root: Path, stems: frozenset[str], workflows: str
) -> str | None:
    """Why ``directory`` (project ``name``) is released, or ``None``."""
    rel = directory.relative_to(root).as_posix() if directory != root else "."
    for candidate in (name, directory.name):
        if squash(candidate) in stems:
            return f"tags named {candidate} exist"
    *parents, own = rel.lower().split("/")
    words = re.split(r"[-_.]", own)  # its own folder named for tests: a suite a workflow runs
    suite = {words[0], words[-1]} & {"test", "tests"}
    if rel != "." and not _TEST_DIRS & set(parents) and not suite:
        built = rf"{_BUILT_IN}\s*[:=]?\s*['\"]?(\./)?{re.escape(rel)}(/|['\"\s]|$)"
        if re.search(built, workflows, re.MULTILINE):
            return f"the release workflow builds {rel}"
        dist = re.escape(rel + "/dist")  # its own dist folder, as a whole path
        if re.search(rf"(?<![^\s'\"=:])(\./)?{dist}(?![^\s/'\"])", workflows):
            return f"the release workflow takes the files of {rel}/dist"
    return None


#: a key naming where a workflow builds (a whole key: not ``cache-dependency-path``; an
#: action's input may spell it with an underscore, ``working_directory``)
_BUILT_IN = r"(?<![\w-])(working[-_]directory|manifest-path|packages-dir|-m|--manifest-path|(?:[A-Za-z]+_)?path)"


def released_elsewhere(
    root: Path,
    candidates: Iterable[tuple[Path, str]],
    by_workflow: Iterable[tuple[Path, str]],
    version_file: Callable[[Path], list[VersionLocation]],
) -> list[tuple[Path, str]]:
    """The ``(directory, why)`` of each candidate with evidence."""
    candidates, by_workflow = list(candidates), list(by_workflow)
    if not candidates and not by_workflow:
        return []
    from relnox.versions.vcs import PUBLISHES, workflow_texts

    version_file = functools.cache(version_file)
    found = []
    # the top, the tags and every file asked at a tag read once, through one git process each
    with git.held(root) if git.on_path() else contextlib.nullcontext():
        tags = _tags(root, newest_first=True)  # split once, for the stems and both lines
        stems = _stems_of(tags, candidates)
        in_repo = git.on_path() and git.is_repo(root)
        top = git.toplevel(root) if in_repo else root
        texts = workflow_texts(top)  # those that run on tags or releases, or upload
        workflows = "\n".join(t for t in texts if TRIGGER_KEY.search(t) or PUBLISHES.search(t))
        lines = _roots_lines(tags) if in_repo else []
        short: dict[Path, list[list[tuple[str, Version]]]] | None = None
        for (directory, name), named in [
            *((c, stems) for c in candidates),
            *((c, frozenset()) for c in by_workflow),
        ]:
            why = evidence(directory, name, root, named, workflows)
            if why is None and named is stems:
                said = (_released_with(directory, root, line, version_file) for line in lines)
                why = next((w for w in said if w), None)
            if why is None and named is stems and in_repo:
                short = _short_lines(tags, candidates) if short is None else short
                said = (
                    _released_with(directory, root, ln, version_file)
                    for ln in short.get(directory, [])
                )
                why = next((w for w in said if w), None)
            if why is not None:
                found.append((directory, why))
    return found


def _stems_of(
    tags: Iterable[tuple[str, str, Version]], candidates: Iterable[tuple[Path, str]]
) -> frozenset[str]:
    return _stems(
        tags, {squash(n) for directory, name in candidates for n in (name, directory.name)}
    )


#: the root's newest tags a project's version file must name, among the newest walked
_LINE_READ = 3
_LINE_WALKED = 30


def _roots_lines(tags: Iterable[tuple[str, str, Version]]) -> list[list[tuple[str, Version]]]:
    """The newest :data:`_LINE_WALKED` final bare tags (``tags``: :func:`_tags`, the newest
    first), then of any kind when they differ."""
    finals: list[tuple[str, Version]] = []
    every: list[tuple[str, Version]] = []
    for tag, prefix, version in tags:
        if prefix not in ("", "v"):
            continue
        if len(every) < _LINE_WALKED:
            every.append((tag, version))
        if not version.is_prerelease:
            finals.append((tag, version))
            if len(finals) == _LINE_WALKED:
                break
    return [finals] if every == finals else [finals, every]


def _short_lines(
    tags: Iterable[tuple[str, str, Version]], candidates: Sequence[tuple[Path, str]]
) -> dict[Path, list[list[tuple[str, Version]]]]:
    """Each candidate's final tags named by a run of its name's words alone, highest first."""
    groups: dict[str, list[tuple[Version, str]]] = {}
    for tag, prefix, version in sorted(tags):  # by name, as git lists them
        if stem(prefix) and not version.is_prerelease:
            groups.setdefault(stem(prefix), []).append((version, tag))
    lines: dict[Path, list[list[tuple[str, Version]]]] = {}
    for prefix_stem, group in groups.items():
        named = [
            d
            for d, n in candidates
            if names_part(prefix_stem, n) or names_part(prefix_stem, d.name)
        ]
        if len(named) == 1:
            highest = sorted(group, reverse=True)[:_LINE_WALKED]
            lines.setdefault(named[0], []).append([(tag, version) for version, tag in highest])
    return lines


def _released_with(
    directory: Path,
    root: Path,
    line: Sequence[tuple[str, Version]],
    version_file: Callable[[Path], list[VersionLocation]],
) -> str | None:
    """Why the root's tags release ``directory``'s project too: its version at them."""
    if len(line) < 2 or under_examples(directory, root):
        return None
    from relnox.versions.sources import PYPROJECT_KEYS, VersionLocation, version_at

    static = [VersionLocation(directory / "pyproject.toml", "toml", "", PYPROJECT_KEYS[0])]
    matched: list[str] = []
    for tag, version in line:
        said = version_at(root, static, tag)
        if said is None:  # a version read from a file: the work tree's places, at the tag
            if not (where := version_file(directory)):
                break
            said = next((v for loc in where if (v := version_at(root, [loc], tag))), None)
        if said is None:  # not there at that tag: a release made without it
            continue
        if (parsed := maybe_version(said)) is not None and _toward(parsed, version):
            continue  # the tag on the commit before the release moved it: says neither way
        if parsed != version:
            return None
        matched.append(tag)
        if len(matched) == _LINE_READ:
            break
    if len(matched) < 2:
        return None
    return f"its version is that of each of the last tags ({', '.join(matched)})"


def _toward(said: Version, version: Version) -> bool:
    """Whether ``said`` is the development version of ``version`` (0.15.0.dev of 0.15.0)."""
    return said.is_devrelease and maybe_version(said.base_version) == version


#: directories whose projects show or document the packages (not tests/)
EXAMPLE_DIRS = frozenset(
    {"examples", "example", "samples", "sample", "demos", "demo", "tutorials", "docs", "doc"}
    | {"snippets", "testbed"}
)
#: directories of the repository's own developer tools: run from the checkout
TOOL_DIRS = frozenset({"dev", "scripts", "tools", "hack", "ci", "release"})
#: the first word of a directory that shows the packages (``sample-app``; not ``demo``)
_EXAMPLE_WORDS = frozenset({"examples", "example", "samples", "sample"})


def under_examples(directory: Path, root: Path, tools: bool = True) -> bool:
    """Whether ``directory`` lies in an :data:`EXAMPLE_DIRS` (``tools``: or :data:`TOOL_DIRS`)."""
    parts = {part.lower() for part in directory.relative_to(root).parts}
    words = {re.split(r"[-_.]", part, maxsplit=1)[0] for part in parts}
    dirs = EXAMPLE_DIRS | TOOL_DIRS if tools else EXAMPLE_DIRS
    return bool(dirs & parts or _EXAMPLE_WORDS & words)


def named_example(directory: Path, root: Path) -> bool:
    """Whether ``directory`` lies in an :data:`EXAMPLE_DIRS` or a folder whose first or last
    word says example (``example_plugin``, ``plugin_example``): for a project no workspace
    file declares, which this takes for an example, not for a package left out."""
    words = [re.split(r"[-_.]", part.lower()) for part in directory.relative_to(root).parts]
    ends = {word for split in words for word in (split[0], split[-1])}
    return under_examples(directory, root, tools=False) or bool(_EXAMPLE_WORDS & ends)


def tagged(root: Path, candidates: Iterable[tuple[Path, str]]) -> set[Path]:
    """The directories of the candidates ``(directory, name)`` that tags name."""
    if not (candidates := list(candidates)):
        return set()
    stems = _stems_of(_tags(root), candidates)
    return {
        directory
        for directory, name in candidates
        if squash(name) in stems or squash(directory.name) in stems
    }
