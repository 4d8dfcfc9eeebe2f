"""Packages the release history says are released, though no workspace file lists them.

A repository that releases a tool from its root and its build backend from ``backend/``
(tags ``tool-v1.18.0`` and ``backend-v1.32.0``), or runtime wheels from ``runtime/*``
beside a main package: the workspace declares one, the tags show more.
:func:`released_elsewhere` finds the projects below the root that have a build backend
and release tags of their own (a tag prefix that is their name or directory), or that
the release workflow builds (``working-directory: runtime/linux``) or whose ``dist``
folder it takes (``cp -r plugins/templater/dist/. dist/``). Test fixtures,
samples and templates have neither and stay out; a project under a test or example
directory (``test-crates/mixed``) that a workflow builds is tested there, not released,
unless tags name it. ``[tool.relnox] packages`` decides
otherwise, as always.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.files import read_bytes
from relnox.project.tag_model import split_tag, stem
from relnox.tools import git
from relnox.versioning import maybe_version

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.project.sources import VersionLocation

#: the separators a squashed name drops
_SEPARATORS = str.maketrans("", "", "-_.")


def _squash(text: str) -> str:
    return text.lower().translate(_SEPARATORS)


def tag_stems(root: Path, among: Collection[str] | None = None) -> frozenset[str]:
    """The squashed name parts of the repository's version tags (``hatchling-v1.0`` ->
    ``hatchling``); empty outside a git repository. ``among``: only those of these
    (squashed) names are wanted, and a tag that cannot give one is not read.

    A tag's name part is a piece of the tag (its text before the version, lower case,
    separators trimmed, after its last ``/``), so squashed it is a piece of the squashed
    tag: a tag in whose squashed name no wanted name occurs gives none of them, and its
    version need not be parsed."""
    if shutil.which("git") is None or not git.is_repo(root):
        return frozenset()
    names = git.git(root, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags")
    wanted = None if among is None else tuple(set(among))
    found = set()
    for tag in names.splitlines():
        squashed = _squash(tag)
        if wanted is not None and not any(name in squashed for name in wanted):
            continue
        split = split_tag(tag)
        if split is not None and stem(split[0]):
            found.add(_squash(stem(split[0]).rsplit("/", 1)[-1]))
    return frozenset(found) if wanted is None else frozenset(found).intersection(wanted)


def plain_version_tag(root: Path) -> str | None:
    """The highest tag of the repository that is a version alone (``v2.41.5``, ``2.41.5``), or
    ``None``; a repository whose one project is its root releases that project so."""
    if shutil.which("git") is None or not git.is_repo(root):
        return None
    names = git.git(root, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags")
    plain = [  # a version as PEP 440 writes it: ``v2024_05`` is no release of anything
        (split[1], tag)
        for tag in names.splitlines()
        if (split := split_tag(tag)) is not None
        and split[0].lower() in ("", "v")
        and maybe_version(tag[len(split[0]) :]) is not None
    ]
    return max(plain)[1] if plain else None


def _workflow_dirs(top: Path) -> str:
    """The text of the workflows that run on tags or releases, or upload to an index
    (where releases are built: a publishing workflow another dispatches has no trigger of
    its own)."""
    from relnox.project.vcs import PUBLISHES

    folder = top / ".github" / "workflows"
    texts = []
    if folder.is_dir():
        for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            try:
                text = read_bytes(path).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if TRIGGER_KEY.search(text) or PUBLISHES.search(text):
                texts.append(text)
    return "\n".join(texts)


#: a ``tags:`` or ``release:`` key
TRIGGER_KEY = re.compile(r"^\s*(tags|release)\s*:", re.MULTILINE)


# directories whose projects a workflow builds to test the tool, not to release them
_TEST_DIRS = {"test", "tests", "test-crates", "testing", "fixtures", "examples", "samples"}


def evidence(
    directory: Path,
    name: str,
    root: Path,
    stems: frozenset[str],
    workflows: str,
) -> str | None:
    """Why ``directory`` (project ``name``) is released, or ``None``; ``stems`` empty: only
    a release workflow is evidence."""
    rel = directory.relative_to(root).as_posix() if directory != root else "."
    for candidate in (name, directory.name):
        if _squash(candidate) in stems:
            return f"tags named {candidate} exist"
    if rel != "." and not _TEST_DIRS & set(rel.lower().split("/")[:-1]):
        if _builds(workflows, rel):
            return f"the release workflow builds {rel}"
        if _uses_dist(workflows, rel):
            return f"the release workflow takes the files of {rel}/dist"
    return None


def _uses_dist(workflows: str, rel: str) -> bool:
    """Whether the workflows name ``rel``'s own ``dist`` folder (``cp -r
    plugins/templater/dist/. dist/``, ``packages-dir: plugins/templater/dist``): what a
    build of that directory wrote, taken to be published. ``rel`` starts the path (after
    white space, a quote, ``=``, ``:`` or ``./``) and ``dist`` ends a path segment."""
    path = re.escape(rel + "/dist")
    return re.search(rf"(?<![^\s'\"=:])(\./)?{path}(?![^\s/'\"])", workflows) is not None


#: a key naming where a workflow builds: a whole key (``module_path`` too), not
#: ``cache-dependency-path``
_BUILT_IN = r"(?<![\w-])(working-directory|manifest-path|packages-dir|-m|--manifest-path|(?:[A-Za-z]+_)?path)"


def _builds(workflows: str, rel: str) -> bool:
    """Whether the workflows name ``rel`` as where they build: :data:`_BUILT_IN`, maybe
    ``:`` or ``=``, a quote and ``./``, then ``rel``, which ends at a ``/``, a quote,
    white space or the text's end."""
    pattern = rf"{_BUILT_IN}\s*[:=]?\s*['\"]?(\./)?{re.escape(rel)}(/|['\"\s]|$)"
    return re.search(pattern, workflows, re.MULTILINE) is not None


def released_elsewhere(
    root: Path,
    candidates: Iterable[tuple[Path, str]],
    by_workflow: Iterable[tuple[Path, str]] = (),
) -> list[tuple[Path, str]]:
    """The ``(directory, why)`` of each candidate ``(directory, name)`` with evidence;
    ``by_workflow``: candidates only a release workflow can vouch for (a project with no
    ``[build-system]``: setuptools builds it, but uv would not)."""
    candidates, by_workflow = list(candidates), list(by_workflow)
    if not candidates and not by_workflow:
        return []
    stems = tag_stems(
        root, {_squash(n) for directory, name in candidates for n in (name, directory.name)}
    )
    in_repo = shutil.which("git") is not None and git.is_repo(root)
    top = git.toplevel(root) if in_repo else root
    workflows = _workflow_dirs(top)
    lines = _roots_lines(top) if in_repo else []
    found = []
    with git.Blobs(top) as blobs:  # one git process for every file asked at a tag
        for (directory, name), tags in [
            *((c, stems) for c in candidates),
            *((c, frozenset()) for c in by_workflow),
        ]:
            why = evidence(directory, name, root, tags, workflows)
            if why is None and tags is stems:
                why = next(
                    (
                        w
                        for ln in lines
                        if (w := _released_with(directory, root, top, ln, blobs.show))
                    ),
                    None,
                )
            if why is not None:
                found.append((directory, why))
    return found


#: the root's newest tags a project's version file must name, each at its commit
_LINE_READ = 3


def _roots_lines(top: Path) -> list[list[tuple[str, Version]]]:
    """The newest :data:`_LINE_READ` final tags without a name (``0.12.5``, ``v0.12.5``):
    the repository's own releases, newest first; then the newest such tags of any kind,
    when they differ: a line released only as betas (``v0.65b0``, ``v0.64b0``)."""
    names = git.git(
        top, "for-each-ref", "--sort=-creatordate", "--format=%(refname:strip=2)", "refs/tags"
    )
    finals: list[tuple[str, Version]] = []
    every: list[tuple[str, Version]] = []
    for tag in names.splitlines():
        split = split_tag(tag)
        if split is None or split[0] not in ("", "v"):
            continue
        if len(every) < _LINE_READ:
            every.append((tag, split[1]))
        if not split[1].is_prerelease:
            finals.append((tag, split[1]))
            if len(finals) == _LINE_READ:
                break
    return [finals] if every == finals else [finals, every]


def _released_with(
    directory: Path,
    root: Path,
    top: Path,
    line: Sequence[tuple[str, Version]],
    show: Callable[[str, str], str | None],
) -> str | None:
    """Why the repository's own tags release ``directory``'s project too: at each of its
    newest tags (two at least), the project's pyproject.toml names that tag's version
    (uv's ``crates/uv-build`` at ``0.12.5``, ``0.12.4``, ``0.12.3``). Not for a project of
    examples or of the repository's own tools, which a release may bump along."""
    if len(line) < 2 or under_examples(directory, root):
        return None
    from relnox.toml import UNREADABLE, table, tomllib

    rel = (directory / "pyproject.toml").relative_to(top).as_posix()
    where: list[VersionLocation] | None = None  # the work tree's version source, asked once
    for tag, version in line:
        text = show(tag, rel)
        try:
            doc = tomllib.loads(text) if text is not None else {}
        except UNREADABLE:
            return None
        said = table(doc, "project").get("version") or table(doc, "tool", "poetry").get("version")
        if said is None:  # a version read from a file (by the backend, or setup.py): at the tag
            where = _version_source(directory) if where is None else where
            said = _file_version(where, top, tag, show)
        if not isinstance(said, str) or maybe_version(said) != version:
            return None
    return f"its version is that of each of the last tags ({', '.join(t for t, _ in line)})"


def _version_source(directory: Path) -> list[VersionLocation]:
    """The file the project's build reads its version from, as relnox reads it in the work
    tree (a one-element list), or nothing when it has none it can read or its version comes
    from tags."""
    from relnox.config import Config
    from relnox.errors import RelnoxError
    from relnox.project.package_load import load_package
    from relnox.project.pyproject import project_doc

    try:
        doc = project_doc(directory)
        pkg = load_package(directory, doc, set(), Config(directory / "pyproject.toml"), False)
    except RelnoxError:
        return []
    return list(pkg.locations[:1])


def _file_version(
    where: Sequence[VersionLocation],
    top: Path,
    tag: str,
    show: Callable[[str, str], str | None],
) -> str | None:
    """The version the file of ``where`` says at ``tag``, or ``None``."""
    from relnox.project.sources import value_in

    if not where:
        return None
    text = show(tag, where[0].path.relative_to(top).as_posix())
    return value_in(where[0], text) if text is not None else None


#: directories whose projects show, test or document the packages: no releases of their own
#: (not tests/: a test-utilities package may be released under the shared tag)
EXAMPLE_DIRS = frozenset(
    {"examples", "example", "samples", "sample", "demos", "demo", "tutorials", "docs", "doc"}
    | {"snippets"}  # code the documentation shows
    | {"testbed"}  # an app that runs the test suite on each platform
)
#: directories of the repository's own developer tools (``dev/archery``, a
#: ``release/`` automation, ``scripts/`` benchmarks): run from the checkout, not released
TOOL_DIRS = frozenset({"dev", "scripts", "tools", "hack", "ci", "release"})


#: the first word of a directory that shows the packages: ``sample-app``, ``examples_basic``
#: (not ``demo``: ``demo-core`` names a package as often as a demonstration)
_EXAMPLE_WORDS = frozenset({"examples", "example", "samples", "sample"})


def under_examples(directory: Path, root: Path, tools: bool = True) -> bool:
    """Whether ``directory`` is or lies in an :data:`EXAMPLE_DIRS` (or, with ``tools``, a
    :data:`TOOL_DIRS`) directory below ``root``, or one named for a sample
    (``packages/sample-app``, beside the packages it shows)."""
    parts = {part.lower() for part in directory.relative_to(root).parts}
    words = {re.split(r"[-_.]", part, maxsplit=1)[0] for part in parts}
    dirs = EXAMPLE_DIRS | TOOL_DIRS if tools else EXAMPLE_DIRS
    return bool(dirs & parts or _EXAMPLE_WORDS & words)


def tagged(root: Path, candidates: Iterable[tuple[Path, str]]) -> set[Path]:
    """The directories of the candidates ``(directory, name)`` that tags name (a tag prefix
    that is their name or their directory's)."""
    candidates = list(candidates)
    if not candidates:
        return set()
    stems = tag_stems(
        root, {_squash(n) for directory, name in candidates for n in (name, directory.name)}
    )
    return {
        directory
        for directory, name in candidates
        if _squash(name) in stems or _squash(directory.name) in stems
    }


def required(docs: Mapping[Path, Mapping[str, Any]], candidates: Mapping[Path, str]) -> set[Path]:
    """The directories of the candidates ``{directory: name}`` that the other projects of
    ``docs`` require to run (a dependency or an extra, not a development group), and those
    these require in turn: a released package that pins ``pkg-examples=={{ version }}`` in
    an extra cannot be installed unless ``pkg-examples`` is released beside it. A requirement relnox
    cannot read is the load's to report, not this question's."""
    from packaging.utils import canonicalize_name

    from relnox.errors import RelnoxError
    from relnox.project.pyproject import internal_requirements

    by_name: dict[str, Path] = {
        canonicalize_name(name): directory for directory, name in candidates.items()
    }
    kept: set[Path] = set()
    todo = [d for d in docs if d not in candidates]
    while todo:
        directory = todo.pop()
        try:
            reqs = internal_requirements(
                directory / "pyproject.toml", docs[directory], set(by_name)
            )
        except RelnoxError:
            continue
        for req in reqs:
            target = by_name[req.target]
            if req.runtime and target not in kept:
                kept.add(target)
                todo.append(target)
    return kept
