"""The repository's tags, dates and release workflows, and what they say about each package:
:func:`tag_facts` infers each package's tag convention (:mod:`relnox.versions.conventions`);
:mod:`relnox.project.package_tags` applies them to the workspace."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from itertools import takewhile
from pathlib import Path

from relnox.files import read_bytes
from relnox.tools import git, history
from relnox.versions.tag_model import Member, RepoTags, TagFacts


def repo_tags(root: Path, triggers: tuple[str, ...]) -> RepoTags:
    """The tags of ``root`` with their dates and the nearness of those HEAD contains."""
    state = history.git_state(root)
    refs = git.tag_refs(root)
    names = [tag.name for tag in refs if tag.name]
    dates = _dates(refs) if names else {}
    # a tag of a tree or a blob releases nothing (git describe never takes one)
    names = [name for name in names if dates.get(name, 0) != NOT_A_COMMIT]
    # the tags HEAD contains, nearest first
    nearness = _walk(root) if state.head is not None else {}
    when = {name: dates.get(name, 0) for name in names}
    return RepoTags(
        tuple(names), frozenset(nearness), state.shallow, True, nearness, when, triggers
    )


#: the "date" :func:`_dates` gives a tag that names a tree or a blob, not a commit
NOT_A_COMMIT = -1


def _dates(refs: Sequence[git.TagRef]) -> dict[str, int]:
    """Each tag's creation time (unix; 0: unknown), :data:`NOT_A_COMMIT` for a tree or blob."""
    dates: dict[str, int] = {}
    for tag in refs:
        date = int(tag.when) if tag.when.isdigit() else 0
        dates[tag.name] = NOT_A_COMMIT if {tag.kind, tag.peeled_kind} & {"tree", "blob"} else date
    return dates


def _walk(root: Path) -> dict[str, int]:
    """The tags HEAD contains and their nearness (git describe's order): one walk of history."""
    nearness: dict[str, int] = {}
    for rank, tags in enumerate(filter(None, (tags for _c, _p, tags in git.log(root)))):
        for ref in tags.split(", "):
            if ref.startswith("tag: "):
                nearness.setdefault(ref[5:], rank)
    return nearness


def workflows(top: Path) -> list[tuple[str, bytes]]:
    """The repository's readable GitHub workflows: each file's name and bytes, by name."""
    folder = top / ".github" / "workflows"
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []
    found = []
    for path in files:
        with contextlib.suppress(OSError):
            found.append((path.name, read_bytes(path)))
    return found


def workflow_texts(top: Path) -> list[str]:
    """The text of each of :func:`workflows` that is UTF-8, its line endings untouched."""
    texts = []
    for _name, data in workflows(top):
        with contextlib.suppress(UnicodeDecodeError):
            texts.append(data.decode("utf-8"))
    return texts


#: a workflow step that uploads to a package index
PUBLISHES = re.compile(
    r"pypi-publish|\b(twine|flit|hatch|pdm|poetry|uv|maturin|relnox) +(upload|publish)\b"
)


def _tag_workflows(top: Path, publishing: bool) -> Iterator[tuple[str, list[str]]]:
    """Each workflow's text and ``on: push: tags:`` globs; ``publishing``: those that upload."""
    for text in workflow_texts(top):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "tags" not in text or (publishing and PUBLISHES.search(text) is None):
            continue
        if globs := push_tags(text):
            yield text, globs


def release_filters(top: Path, *, publishing: bool = False) -> tuple[tuple[str, ...], ...]:
    """Each workflow's ``on: push: tags:`` globs, in order (a ``!`` glob negates only in
    its own workflow); ``publishing``: only the workflows that upload to a package index."""
    return tuple(tuple(globs) for _text, globs in _tag_workflows(top, publishing))


def stamps_version(top: Path, names: Sequence[str]) -> bool:
    """Whether a workflow publishing on a pushed tag writes the version before it builds
    (``poetry version "$TAG"``, a ``sed`` of ``version`` in one of ``names``)."""
    return any(
        _VERSION_COMMAND.search(line)
        or ("version" in line.lower() and any(n in line for n in names) and "sed " in line)
        for text, _globs in _tag_workflows(top, publishing=True)
        for line in text.splitlines()
    )


#: a tool's command setting the project's version: ``poetry version 1.2.3``, ``uv version``
_VERSION_COMMAND = re.compile(r"\b(?:poetry|uv|hatch|pdm) +version +[\"'$\w]")


_KEY = re.compile(r"""^(?P<indent> *)(?P<q>["']?)(?P<key>[\w-]+)(?P=q)\s*:(?:\s+(?P<value>.*))?$""")


def _scalar(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _uncomment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside quotes stays)."""
    if "#" not in line:
        return line.rstrip()
    quote = ""
    for i, char in enumerate(line):
        if char in "'\"" and (not quote or quote == char):
            quote = "" if quote else char
        elif char == "#" and not quote and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def push_tags(text: str) -> list[str]:
    """The globs of ``on: push: tags:`` in one workflow's text, in block or flow style."""
    lines = [_uncomment(line) for line in text.splitlines()]
    path: list[tuple[int, str]] = []  # (indent, key) of the mapping keys around a line
    for number, line in enumerate(lines):
        if (match := _KEY.match(line)) is None or line.lstrip().startswith("-"):
            continue
        indent, key = len(match["indent"]), match["key"]
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, key))
        if [k for _, k in path] != ["on", "push", "tags"]:
            continue
        value = (match["value"] or "").strip()
        if value.startswith("["):
            return [_scalar(v) for v in value.strip("[]").split(",") if _scalar(v)]
        if value:
            return [_scalar(value)]
        items = (item.strip() for item in lines[number + 1 :] if item.strip())
        globs = [_scalar(item[1:]) for item in takewhile(lambda i: i.startswith("-"), items)]
        return [g for g in globs if g]
    return []


def tag_facts(
    root: Path, top: Path, members: Sequence[Member], default: str, shared: bool
) -> tuple[dict[str, TagFacts], bool]:
    """Each member's :class:`TagFacts` as the tags say them, and whether the clone is shallow."""
    from relnox.versions.conventions import infer_conventions

    triggers = dict.fromkeys(glob for globs in release_filters(top) for glob in globs)
    tags = repo_tags(root, tuple(triggers))
    # a tag's file is read from the object the listing names (a bare NAME may be .git/NAME),
    # peeled: the tags of one commit (a release tagging each package) read its files once
    objects = {tag.name: tag.peeled or tag.object for tag in git.tag_refs(root)}
    with git.held(root):  # one git process for every file asked at a tag
        facts = infer_conventions(
            members,
            tags,
            default=default,
            show_files=lambda asked: git.show_files(
                root, [(objects.get(tag, f"refs/tags/{tag}"), path) for tag, path in asked]
            ),
            shared=shared,
        )
    return facts, tags.shallow
