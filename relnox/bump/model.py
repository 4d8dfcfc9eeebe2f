"""The objects of a bump plan: file edits, git actions, the plan and its result."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from relnox.paths import rel
from relnox.project.workspace import Workspace
from relnox.report import MANY, grouped, package_folders, package_free


@dataclass(frozen=True)
class BumpOptions:
    """What a person decides about a bump (``relnox bump``'s flags)."""

    part: str | None = None  # major, minor, patch, pre, release, post, dev
    to: str | None = None  # an exact version instead of a part
    pre: str | None = None  # a pre-release label (a, b, rc) with the part
    packages: Sequence[str] = ()  # the named packages (all when none)
    changed_only: bool = False  # only those changed since their last tag
    commit: bool = False
    tag: bool = False
    push: bool = False
    sign: bool = False
    allow_dirty: bool = False
    allow_detached: bool = False
    dry_run: bool = False
    message: str | None = None  # the commit message (default: "release: ...")
    today: date | None = None  # the changelog's date (default: today)
    parts: Mapping[str, str] = field(default_factory=dict)  # package -> its own part (intent)


@dataclass(frozen=True)
class FileEdit:
    """The new content of one file, and the content it replaces."""

    path: Path
    before: bytes
    after: bytes

    def diff(self, root: Path) -> str:
        name = rel(self.path, root)
        old = self.before.decode("utf-8").splitlines()
        new = self.after.decode("utf-8").splitlines()
        lines = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", lineterm="")
        return "\n".join(line.rstrip("\r") for line in lines)


@dataclass(frozen=True)
class GitAction:
    """One git command of the bump: ``kind`` is add, commit, tag or push."""

    kind: str
    args: tuple[str, ...]
    tag: str | None = None

    def describe(self) -> str:
        """The command as it runs; a long list of files or message said in words after it."""
        args = list(self.args)
        told = []
        if "-m" in args and "\n" in args[args.index("-m") + 1]:
            at = args.index("-m") + 1
            subject, *body = args[at].splitlines()
            args[at] = subject
            told.append(f"the message's body: {len(body)} more line(s)")
        if self.kind in ("add", "commit") and "--" in args and len(args) - args.index("--") > 5:
            cut = args.index("--") + 1
            told.insert(0, f"the {len(args) - cut} edited files")
            args[cut - 1 :] = []
        shown = "git " + " ".join(a if " " not in a and a else repr(a) for a in args)
        return f"{shown}: {'; '.join(told)}" if told else shown


@dataclass
class BumpPlan:
    """Everything a bump will do; nothing is done until :func:`apply_bump`."""

    workspace: Workspace
    versions: dict[str, tuple[str, str]]
    edits: list[FileEdit] = field(default_factory=list)
    actions: list[GitAction] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repo: Path | None = None

    @property
    def files(self) -> list[Path]:
        return [edit.path for edit in self.edits]

    def describe(self, verbose: int = 0) -> list[str]:
        """The diff of each file (with ``verbose``), else of each kind of change once (or
        counted by name when there are many), then every git action, then the notes."""
        root, names = self.workspace.root, list(self.versions)
        diffs = [edit.diff(root).splitlines() for edit in self.edits]
        kinds: dict[tuple[str, ...], list[list[str]]] = {}
        for diff in diffs:
            changed = [ln for ln in diff[2:] if ln[:1] in "+-"]
            kinds.setdefault(tuple(package_free(ln, names) for ln in changed), []).append(diff)
        lines: list[str] = []
        if not verbose and min(len(kinds), len(names)) >= MANY:  # pages of diffs: counted
            by_name = Counter(edit.path.name for edit in self.edits).most_common()
            told = ", ".join(f"{n} {name}" if n > 1 else name for name, n in by_name)
            lines.append(
                f"{len(diffs)} files change, in {len(kinds)} different ways: {told} "
                "(-v shows each diff)"
            )
            kinds = {}
        for same in [[d] for d in diffs] if verbose else kinds.values():
            lines += [
                ln if len(ln) <= 200 else f"{ln[:170]}... ({len(ln)} characters)" for ln in same[0]
            ]
            if len(same) > 1:
                lines.append(f"# the same change in {len(same) - 1} more file(s) (-v shows each)")
        notes = grouped(self.notes, names, verbose, package_folders(self.workspace))
        return lines + [action.describe() for action in self.actions] + notes

    def to_json(self) -> dict[str, Any]:
        return {
            "versions": {name: new for name, (_, new) in self.versions.items()},
            "previous": {name: old for name, (old, _) in self.versions.items()},
            "files": [rel(path, self.workspace.root) for path in self.files],
            "git": [action.describe() for action in self.actions],
            "tags": list(self.tags),
            "rewrites": list(self.rewrites),
            "notes": list(self.notes),
        }


@dataclass
class BumpResult:
    versions: dict[str, tuple[str, str]]
    tags: list[str]
    files: list[Path]
    rewrites: list[str]
    commit: str | None = None
    pushed: bool = False

    def describe(self) -> list[str]:
        lines = [f"{name}: {old} -> {new}" for name, (old, new) in self.versions.items()]
        lines += [f"  wrote {path}" for path in self.files]
        lines += [f"  commit {self.commit}"] if self.commit else []
        return lines + [f"  tag {tag}" for tag in self.tags]

    def to_json(self) -> dict[str, Any]:
        return {
            "versions": {name: new for name, (_, new) in self.versions.items()},
            "previous": {name: old for name, (old, _) in self.versions.items()},
            "files": [str(path) for path in self.files],
            "rewrites": list(self.rewrites),
            "commit": self.commit,
            "tags": list(self.tags),
            "pushed": self.pushed,
        }

    def raise_for_failures(self) -> None:
        """A bump applies all or nothing: a failure raises, its files restored."""
