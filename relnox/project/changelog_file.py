"""Where a project keeps its changelog: the configured file, towncrier's, the first of the
usual names at its top, else the one its documentation holds (one folder into docs/ too); and
whether a bump edits it, read from the history: release commits that never edited it keep it so."""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.config import CHANGELOG_NAMES, RELEASE_NOTES_NAMES, Config
from relnox.paths import rel
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version
from relnox.versions.tag_name import last_releases

if TYPE_CHECKING:
    from relnox.project.changelog import Section
    from relnox.project.workspace import Package, Workspace


def changelog_of(workspace: Workspace, pkg: Package) -> Path:
    return changelog_choice(workspace, pkg)[0]


def changelog_choice(workspace: Workspace, pkg: Package) -> tuple[Path, str | None]:
    """The changelog of ``pkg`` and, when its history chose it, why: its own (unless its release
    commits wrote the root's), else one named after it beside the root's, else the root's
    (unless that is another's and no tag released ``pkg``)."""
    own = changelog_in(pkg.directory, workspace.config)
    if pkg.directory == workspace.root:
        return own, None
    shared = changelog_in(workspace.root, workspace.config)
    if own.is_file():
        why = _left_for_shared(workspace, pkg, own, shared)
        return (own, None) if why is None else (shared, why)
    try:
        beside = os.listdir(shared.parent)
    except OSError:
        beside = []
    keys = {pkg.name, canonicalize_name(pkg.directory.name)}
    after = re.compile(re.escape(shared.stem) + r"[-_.](.+)", re.IGNORECASE)
    for name in sorted(beside):
        stem, suffix = os.path.splitext(name)
        found = after.fullmatch(stem) if suffix == shared.suffix else None
        rest = canonicalize_name(found[1]) if found else ""
        ours = rest in keys or pkg.name.endswith(f"-{rest}")
        if rest and ours and _sections_at(shared.parent / name):
            return shared.parent / name, None
    never = pkg.tags is not None and not pkg.tags.released
    anothers = never and shared.is_file() and _anothers(workspace, pkg, shared)
    return (own if anothers else shared), None


def _left_for_shared(workspace: Workspace, pkg: Package, own: Path, shared: Path) -> str | None:
    """Why the root's changelog ``shared`` is ``pkg``'s though it has its ``own`` (its last three
    release commits wrote ``shared``, not ``own``); ``None`` where history says nothing."""
    if pkg.tags is None or len(pkg.tags.released) < 3 or not shared.is_file() or shared == own:
        return None
    if len(tags := tuple(tag for _, tag in last_releases(pkg, workspace.tag_format))) < 3:
        return None
    version = pkg.primary.path if pkg.primary else None
    if not _wrote_shared(workspace.root, version, own, shared, tags):
        return None
    return (
        f"not {rel(own, workspace.root)}, which the release commits of "
        f"{', '.join(reversed(tags))} left while writing {rel(shared, workspace.root)}"
    )


@functools.cache
def _wrote_shared(
    root: Path, version: Path | None, own: Path, shared: Path, tags: tuple[str, ...]
) -> bool:
    """Whether each release commit of ``tags`` but the oldest wrote ``shared`` and left ``own``."""
    if not git.is_repo(root):
        return False
    edits = release_edits(root, version, (own, shared), tags)
    return all(edit is not None and shared in edit and own not in edit for edit in edits)


def _anothers(workspace: Workspace, pkg: Package, path: Path) -> bool:
    """Whether the changelog at ``path`` is another package's: its headings name only packages
    outside ``pkg``'s group, or (naming none) only versions of another's releases."""
    group = workspace.group_of(pkg)
    others = [q for q in workspace.packages if q.name not in {g.name for g in group}]
    pairs = [p for s in _sections_at(path) for p in s.versions]  # none: not another's
    if names := {canonicalize_name(n) for n, _ in pairs if n}:
        ours = {n for q in group for n in (q.name, canonicalize_name(q.directory.name))}
        return not names & ours and any(
            {q.name, canonicalize_name(q.directory.name)} & names for q in others
        )
    versions = {v for _, text in pairs if (v := maybe_version(text)) is not None}
    return maybe_version(pkg.version) not in versions and any(
        q.tags and versions & q.tags.released for q in others
    )


def changelog_in(directory: Path, config: Config) -> Path:
    """The changelog of ``directory``: configured, else the first that exists, else the default."""
    if config.changelog_set:
        return directory / config.changelog
    from relnox.project.news import news_file

    if (written := news_file(directory)) is not None:
        return written
    if (found := _listed_changelog(directory, docs=False)) is not None and _sections_at(found):
        return found
    try:  # in lower case: a file system may ignore it
        tops: frozenset[str] | None = frozenset(name.lower() for name in os.listdir(directory))
    except OSError:
        tops = None
    for sub in (*DOCS_DIRECTORIES, *_docs_below(directory, tops)):
        if tops is None or sub.split("/")[0] in tops:  # no docs/ here: nothing below it
            in_docs = _listed_changelog(directory / sub, docs=True) or _notes_page(directory / sub)
            if in_docs is not None:
                return in_docs
    return found or directory / config.changelog


def _docs_below(directory: Path, tops: frozenset[str] | None) -> list[str]:
    """The folders one level into a docs folder that :data:`DOCS_DIRECTORIES` does not name."""
    below = []
    for top in ("docs", "doc"):
        if tops is not None and top in tops:
            try:
                below += sorted(
                    f"{top}/{e.name}" for e in os.scandir(directory / top) if e.is_dir()
                )
            except OSError:
                continue
    return [sub for sub in below if sub not in DOCS_DIRECTORIES]


#: where a project's documentation keeps its changelog when its top has none
DOCS_DIRECTORIES = (
    "docs",
    "doc",
    "docs/source",
    "doc/source",
    "docs/en/docs",
    "docs/build",
    "doc/build",
)

_ORDER = {name.lower(): i for i, name in enumerate((*CHANGELOG_NAMES, *RELEASE_NOTES_NAMES))}
_NOTES = frozenset(name.lower() for name in RELEASE_NOTES_NAMES)


def _listed_changelog(folder: Path, *, docs: bool) -> Path | None:
    """The first of :data:`CHANGELOG_NAMES` there in any case, then of the release-notes
    names when it has a release heading; with ``docs``, every name needs one."""
    try:
        names = [n for n in os.listdir(folder) if n.lower() in _ORDER]
    except FileNotFoundError:
        return None
    except OSError:  # cannot be listed but may be read
        names = [] if docs else [n for n in (*CHANGELOG_NAMES, *RELEASE_NOTES_NAMES)]
    for name in sorted(names, key=lambda n: (_ORDER[n.lower()], n not in CHANGELOG_NAMES)):
        if not (path := folder / name).is_file():
            continue
        if (docs or name.lower() in _NOTES) and not _sections_at(path):
            continue
        return path
    return None


_NOTES_FOLDERS = (
    "release-notes",
    "release_notes",
    "releasenotes",
    "changelog",
    "changes",
    "history",
)


def _notes_page(folder: Path) -> Path | None:
    """A notes folder's index page, else its newest series' page, when it has a release heading."""
    try:
        names = [n for n in os.listdir(folder) if n.lower() in _NOTES_FOLDERS]
    except OSError:
        return None
    for name in names:
        try:
            pages = [m for n in os.listdir(folder / name) if (m := _SERIES_PAGE.match(n))]
        except OSError:
            pages = []
        newest = sorted(pages, key=lambda m: int(m["series"]))[-1:]
        for page in ("index.md", "index.rst", *(m.string for m in newest)):
            if (path := folder / name / page).is_file() and _sections_at(path):
                return path
    return None


_SERIES_PAGE = re.compile(
    r"^(?:(?:changelog|changes)[_-]|version|v)(?P<series>\d+)\.(?:rst|md)$", re.I
)


def _sections_at(path: Path) -> list[Section]:
    """The release sections of the file at ``path`` (none when it cannot be read)."""
    from relnox.project.changelog import sections

    try:
        return sections(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


#: where a project keeps one page of notes per release: in its docs, or a changelog folder
_RELEASE_FOLDERS = (
    *(
        f"{docs}/{name}"
        for docs in ("doc/source", "docs/source", "doc", "docs")
        for name in ("release", "release-notes", "release_notes", "whatsnew")
    ),
    "CHANGELOG",
    "changelog",
    "CHANGES",
    "changes",
    "release-notes",
)
#: a page named for its release: ``2.0.0-notes.rst``, ``2.0.0.md``, ``v2.0.0.rst``
_RELEASE_PAGE = re.compile(
    r"^(?P<v>v?)(?P<version>\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?)(?P<rest>(?:-notes)?\.(?:rst|md))$",
    re.IGNORECASE,
)


def release_pages(directory: Path) -> tuple[Path, dict[Version, Path], str] | None:
    """The folder of one notes page per release (two at least), its pages and a page's name."""
    for name in _RELEASE_FOLDERS:
        folder = directory / name
        try:
            found = [m for n in os.listdir(folder) if (m := _RELEASE_PAGE.match(n)) is not None]
        except OSError:
            continue
        pages = {Version(m["version"]): folder / m.string for m in found}
        if len(pages) >= 2:
            newest = max(found, key=lambda m: Version(m["version"]))
            return folder, pages, f"{newest['v']}{{}}{newest['rest']}"
    return None


#: ``[tool.relnox] changelog-edit``
RULES = ("history", "edit", "keep")


def changelog_kept(
    workspace: Workspace, path: Path, title: str, released: Sequence[Package]
) -> str | None:
    """Why the bump leaves ``path`` as it is (its last three release commits left it), or ``None``."""
    from relnox.project.moved_with import history_rule

    if (rule := history_rule(workspace, "changelog-edit", RULES)) == "keep":
        return 'left as it is ([tool.relnox] changelog-edit = "keep")'
    if rule == "edit" or not git.is_repo(workspace.root):
        return None
    for pkg in (p for p in released if changelog_of(workspace, p) == path):
        if len(tags := [tag for _, tag in last_releases(pkg, workspace.tag_format)]) < 3:
            continue
        primary = pkg.primary.path if pkg.primary else None
        edits = release_edits(workspace.root, primary, (path,), tags)
        if not all(edit is not None and not edit for edit in edits):
            return None
        return (
            f"left as it is: the release commits of {', '.join(reversed(tags))} did not edit "
            "it (other commits wrote it before or after each release, or none did); "
            f'[tool.relnox] changelog-edit = "edit" writes {title}\'s section in this bump'
        )
    return None


def release_edits(
    root: Path, version: Path | None, paths: Sequence[Path], tags: Sequence[str]
) -> Iterator[frozenset[Path] | None]:
    """Which of ``paths`` the release commit of each of ``tags`` but the oldest edited, newest
    first; ``None`` where the first path was not there or the release commit cannot be told."""
    top = git.toplevel(root).resolve()
    named = {rel(path.resolve(), top): path for path in paths}
    first = rel(paths[0].resolve(), top)
    version_file = rel(version.resolve(), top) if version else None
    specs = [f":/{name}" for name in (*named, *([version_file] if version_file else []))]
    log_args = ["log", "--first-parent", "--diff-merges=first-parent", "--name-only"]
    for newer, older in itertools.pairwise(tags):
        log = git.run(root, *log_args, "--format=>%H", f"{older}..{newer}", "--", *specs)
        if not log.ok:
            yield None
            continue
        chunks = (chunk.split() for chunk in log.output.split(">"))
        commits = {c: files for c, *files in (chunk for chunk in chunks if chunk)}
        if not git.run(root, "cat-file", "-e", f"{newer}:{first}").ok:
            yield None  # not there at the release: nothing learnt
            continue
        if version_file is None:
            release = git.commit_of(root, newer)
        else:
            release = next((c for c, files in commits.items() if version_file in files), None)
        yield (
            None
            if release is None
            else frozenset(named[f] for f in commits.get(release, []) if f in named)
        )


def retitled(workspace: Workspace, path: Path, released: Sequence[Package]) -> str | None:
    """The last release tag at which ``path`` held that release's section and no Unreleased
    heading (its release retitled it, so does the bump); else ``None``."""
    from relnox.project.changelog import find_section, unreleased_title
    from relnox.project.moved_with import history_rule

    if history_rule(workspace, "changelog-edit", RULES) != "history":
        return None
    pkg = next((p for p in released if p.tags is not None and p.tags.last_tag), None)
    if pkg is None or pkg.tags is None or pkg.tags.last_tag is None:
        return None
    top = git.toplevel(workspace.root).resolve()
    text = git.show_file(workspace.root, pkg.tags.last_tag, rel(path.resolve(), top))
    if text is None or unreleased_title(text) is not None:
        return None
    return pkg.tags.last_tag if find_section(text, str(pkg.tags.last)) is not None else None


def left_unreleased(
    workspace: Workspace, path: Path, text: str, released: Sequence[Package]
) -> list[str] | None:
    """The last two release tags at which ``path`` held its Unreleased section, below the newest
    release, with the entries it holds now (history's, not the next release's); else ``None``."""
    from relnox.project.changelog import UNRELEASED, find_section, sections

    section = find_section(text, UNRELEASED)
    newest = next((s for s in sections(text) if s.label != UNRELEASED), None)
    if section is None or not section.body or newest is None or newest.line > section.line:
        return None
    if not git.is_repo(workspace.root):
        return None
    top = git.toplevel(workspace.root).resolve()
    for pkg in (p for p in released if changelog_of(workspace, p) == path):
        tags = [tag for _, tag in last_releases(pkg, workspace.tag_format)][:2]
        said = git.show_files(workspace.root, [(t, rel(path.resolve(), top)) for t in tags])
        then = [find_section(t, UNRELEASED) if t else None for t in said]
        if len(tags) == 2 and all(s is not None and s.body == section.body for s in then):
            return tags
        return None
    return None
