"""Whether a bump edits a changelog, read from the history: a repository whose release
commits never edited it (other commits did, or none) keeps it that way."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path

from relnox.paths import rel
from relnox.project.changelog import UNRELEASED, find_section, sections, unreleased_title
from relnox.project.changelog_file import changelog_of
from relnox.project.moved_with import history_rule
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.tag_name import last_releases

#: ``[tool.relnox] changelog-edit``
RULES = ("history", "edit", "keep")


def changelog_kept(
    workspace: Workspace, path: Path, title: str, released: Sequence[Package]
) -> str | None:
    """Why the bump leaves ``path`` as it is (its last three release commits left it), or ``None``."""
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
