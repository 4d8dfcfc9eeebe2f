"""The objects of a bump plan: file edits, git actions, the plan and its result.

Each side effect is an object that can describe itself; :mod:`relnox.bump.apply`
carries them out. Kept apart from :mod:`relnox.bump.plan` so the planner, the git
checks and the executor share them without importing each other.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from relnox.paths import rel
from relnox.project.workspace import Workspace


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
        args = list(self.args)
        # a long list of edited files
        if self.kind in ("add", "commit") and "--" in args and len(args) - args.index("--") > 5:
            cut = args.index("--") + 1
            args[cut:] = [f"<the {len(args) - cut} edited files>"]
        return "git " + " ".join(a if " " not in a and a else repr(a) for a in args)


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

    def describe(self) -> str:
        """Unified diffs of every file, then every git action."""
        parts = [edit.diff(self.workspace.root) for edit in self.edits]
        if self.actions:
            parts.append("\n".join(action.describe() for action in self.actions))
        parts += self.notes
        return "\n".join(parts)


@dataclass
class BumpResult:
    versions: dict[str, tuple[str, str]]
    tags: list[str]
    files: list[Path]
    rewrites: list[str]
    commit: str | None = None
    pushed: bool = False
