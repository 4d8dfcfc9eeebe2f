"""Every package's changes since its base read in one walk of the history, not one walk
per package; only for a history of one line and plain pathspecs, else ``None``."""

from __future__ import annotations

import functools
import os
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from relnox.errors import GitError
from relnox.tools import git

EXCLUDE = ":(exclude)"
#: HEAD's commits newest first: (commit, its parents, the files it changed)
Walked = list[tuple[str, list[str], list[str]]]


def _from_top(entry: str, root: Path, top: Path) -> str | None:
    """A pathspec entry as a path from ``top``; ``None`` unless a plain path inside it."""
    if not entry or entry.startswith(":") or any(c in entry for c in "*?[\\"):
        return None
    path = os.path.normpath(os.path.join(root, entry))
    if (relative := os.path.relpath(path, top).replace(os.sep, "/")) == ".":
        return ""
    return None if relative.startswith("../") or relative == ".." else relative


def _specs(
    specs: Mapping[str, Sequence[str]], root: Path, top: Path
) -> Callable[[str], frozenset[str]] | None:
    """The packages whose pathspec holds a file; ``None`` when a pathspec is not plain paths."""
    paths: dict[bool, dict[str, list[str]]] = {True: {}, False: {}}  # excluded -> path -> names
    for name, spec in specs.items():
        for entry in spec:
            if (path := _from_top(entry.removeprefix(EXCLUDE), root, top)) is None:
                return None
            paths[entry.startswith(EXCLUDE)].setdefault(path, []).append(name)

    @functools.cache
    def owners(file: str) -> frozenset[str]:
        parts = file.split("/")
        above = ["", *("/".join(parts[:end]) for end in range(1, len(parts) + 1))]
        inside, left = ({n for p in above for n in paths[x].get(p, ())} for x in (False, True))
        return frozenset(inside - left)

    return owners


def _walk(root: Path, oldest: str) -> Walked | None:
    """HEAD's commits since ``oldest``, newest first: (commit, parents, files)."""
    log = ("log", "-z", "--no-renames", "--name-only", "--format=%x01%H %P", "HEAD", f"^{oldest}")
    if not (result := git.run(root, *log)).ok:
        return None
    walked = []
    for chunk in result.output.split("\x01")[1:]:
        head, _, rest = chunk.partition("\0")
        ids = head.split()
        files = [f for f in rest.lstrip("\n").split("\0") if f]
        walked.append((ids[0], ids[1:], files))
    return walked


def _line(
    root: Path, head: str, commits: Sequence[str], above: Mapping[str, int] | None
) -> tuple[Walked, dict[str, int]] | None:
    """HEAD's commits down to the newest commit all of ``commits`` come from, newest first, and
    where each meets that line; ``None`` if not one line (``above``: :func:`_first_parents`'
    line above the newest merge, which holds ``commits``: the lowest of them is that commit)."""
    if above is not None:
        bottom = max(commits, key=above.__getitem__)
    else:
        base = git.run(root, "merge-base", "--octopus", head, *commits)
        if not base.ok or len(base.output.split()) != 1:
            return None
        bottom = base.output.split()[0]
        # a merge between: asked before a long walk
        merge = git.run(root, "rev-list", "--min-parents=2", "-n1", head, f"^{bottom}")
        if not merge.ok or merge.output.strip():
            return None
    walked = _walk(root, bottom)
    if walked is None or any(len(parents) != 1 for _, parents, _ in walked):
        return None
    if (walked[-1][1][0] if walked else head) != bottom:
        return None
    position = {commit: index for index, (commit, _, _) in enumerate(walked)}
    position[bottom] = len(walked)
    found = {}
    for commit in commits:
        point = commit
        if commit not in position:  # off HEAD's line: where its branch left it
            fork = git.run(root, "merge-base", head, commit)
            point = fork.output.strip() if fork.ok else ""
        if point not in position:
            return None
        found[commit] = position[point]
    return walked, found


def _first_parents(parents: Mapping[str, Sequence[str]], head: str) -> dict[str, int]:
    """HEAD's first-parent line (``parents``: each commit's), each commit with its depth, down
    to the newest merge (it last) or the first commit: the whole history when no merge is on it."""
    line = [head]
    while len(up := parents.get(line[-1], ())) == 1:
        line.append(up[0])
    return {commit: depth for depth, commit in enumerate(line)}


def _differ(root: Path, bases: Sequence[str], head: str) -> dict[str, list[str]] | None:
    """The files that differ between each of ``bases`` and ``head``."""
    lines = "".join(f"{base} {head}\n" for base in bases if base != head)
    found: dict[str, list[str]] = {base: [] for base in bases}
    if not lines:
        return found
    tree = ("diff-tree", "--stdin", "-r", "-z", "--name-only", "--no-renames")
    if not (result := git.run(root, *tree, input=lines)).ok:
        return None
    current: list[str] | None = None
    for token in result.output.split("\0"):
        if (token := token.strip("\n")) in found:  # the header of the next pair: its base
            current = found[token]
        elif token and current is not None:
            current.append(token)
    return found


def changes(
    root: Path, specs: Mapping[str, Sequence[str]], bases: Mapping[str, str]
) -> dict[str, tuple[int, int]] | None:
    """``(files, commits)`` of each package of ``bases`` (name -> its base) as ``_changes`` gives
    them; below a merge, only those based above HEAD's newest merge; ``None`` where it cannot."""
    if not bases:
        return {}
    top = git.toplevel(root).resolve()
    matcher = _specs({name: specs[name] for name in bases}, root.resolve(), top)
    head = git.head(root)
    if matcher is None or head is None:
        return None
    refs = list(dict.fromkeys(bases.values()))
    commit_of = git.held_tag_commits(root, refs)  # the tags' commits, read with the tags
    if asked := [ref for ref in refs if ref not in commit_of]:
        parsed = git.run(root, "rev-parse", *(f"{ref}^{{commit}}" for ref in asked))
        if not parsed.ok or len(resolved := parsed.output.split()) != len(asked):
            return None
        commit_of.update(zip(asked, resolved, strict=True))
    every = list(dict.fromkeys(commit_of[ref] for ref in refs))
    try:  # HEAD's history, read with the tags' nearness
        parents = {commit: up for commit, up, _tags in git.log(root)}
    except GitError:
        return None
    first = _first_parents(parents, head)
    merged = len(parents.get(list(first)[-1], ())) > 1  # the line ends at a merge
    above = first if merged else None
    # a base below the newest merge: no one line holds them all; the walk takes those above it
    whole = above is None or all(commit in above for commit in every)
    line = _line(root, head, every, above) if whole else None
    if line is None:  # the bases above the newest merge of HEAD's first-parent line, and it
        above = first
        bases = {name: base for name, base in bases.items() if commit_of[base] in above}
        near = list(dict.fromkeys(commit_of[base] for base in bases.values()))
        line = _line(root, head, near, above) if near and near != every else None
    if line is None:
        return None
    walked, position = line
    touched: dict[str, list[int]] = {name: [] for name in bases}
    for index, (_, _, files) in enumerate(walked):
        hit: set[str] = set()
        for file in files:
            hit |= matcher(file)
        for name in hit & touched.keys():
            touched[name].append(index)
    counts = {
        name: bisect_left(touched[name], position[commit_of[base]]) for name, base in bases.items()
    }
    moved = sorted({commit_of[base] for name, base in bases.items() if counts[name]})
    if (differ := _differ(root, moved, head)) is None:
        return None
    measured: dict[str, set[str]] = {}
    for name, base in bases.items():
        measured.setdefault(commit_of[base], set()).add(name)
    differing: dict[str, int] = dict.fromkeys(bases, 0)
    for commit, paths in differ.items():
        for path in paths:
            for name in matcher(path) & measured[commit]:
                differing[name] += 1
    return {name: (differing[name] if counts[name] else 0, counts[name]) for name in bases}
