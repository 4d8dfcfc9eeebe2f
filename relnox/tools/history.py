"""Answers about HEAD's history, kept in the user's cache directory while provably current:
under a :class:`HistoryKey` of HEAD, the refs of :data:`KEY_REFS`, the ``shallow`` and
``info/grafts`` files, the ``GIT_*`` variables and ``core.useReplaceRefs``."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnox.atomic import write_atomic
from relnox.tools import git

logger = logging.getLogger("relnox")

CACHE = Path("relnox", "history")  # under the user's cache directory: a file per git dir
KEY_REFS = ("refs/tags", "refs/replace")  # the refs whose objects are part of the key
#: object and ref name, no date: the name proves it, and reads no object (778 tags: a third)
REF_FORMAT = "%(objectname) %(refname)"
_REFS = ("for-each-ref", f"--format={REF_FORMAT}", *KEY_REFS)
_STATE = (  # git's directory, its two files, whether shallow, HEAD (see GitState)
    "rev-parse",
    "--absolute-git-dir",
    "--git-path",
    "shallow",
    "--git-path",
    "info/grafts",
    "--is-shallow-repository",
    "--verify",
    "--quiet",
    "HEAD",
)
_VERSION = 2


def ref_listing(root: Path) -> str:
    """:data:`KEY_REFS` in :data:`REF_FORMAT`, one per line (the key's, and the callers' tags)."""
    return git.git(root, *_REFS)


@dataclass
class HistoryKey:
    digest: str
    path: Path
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class GitState:
    """One ``git rev-parse``: git's directory, its ``shallow`` and ``info/grafts`` files (None:
    git cannot say), whether shallow, and HEAD's commit (None: no commit yet)."""

    paths: tuple[Path, ...] | None
    shallow: bool
    head: str | None


def git_state(root: Path) -> GitState:
    """:class:`GitState` of the repository at ``root``, from one git process."""
    out = git.run(root, *_STATE)
    lines = out.output.splitlines()
    # no commit yet: the first four lines, and git exits 1
    if len(lines) not in (4, 5) or (out.returncode, len(lines)) not in ((0, 5), (1, 4)):
        return GitState(None, False, None)
    paths = tuple(Path(root, p) for p in lines[:3])  # relative to root
    head = lines[4] if len(lines) == 5 else None
    git.held_head(root, head)  # the same rev-parse's answer: not asked again
    return GitState(paths, lines[3] == "true", head)


def key_of(head: str | None, refs: str, paths: tuple[Path, ...] | None) -> HistoryKey | None:
    """The key of ``head``, ``refs`` and ``paths``, with the answers kept under it, or None."""
    home = cache_home()
    if not head or home is None or paths is None:
        return None
    gitdir, *files = paths
    name = hashlib.sha256(str(gitdir).encode()).hexdigest()[:24]
    cache = home / CACHE / f"{name}.json"
    facts: list[Any] = [_VERSION, str(gitdir), head, refs]
    for path in files:
        try:
            facts.append(hashlib.blake2b(path.read_bytes(), digest_size=32).hexdigest())
        except FileNotFoundError:
            facts.append(None)
        except OSError:
            return None  # cannot tell whether history is shallow or grafted: no key
    facts.append(sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_")))
    if " refs/replace/" in refs:  # git config core.useReplaceRefs false ignores them
        facts.append(git.run(gitdir, "config", "--get", "core.useReplaceRefs").output.strip())
    digest = hashlib.blake2b(json.dumps(facts).encode(), digest_size=32).hexdigest()
    key = HistoryKey(digest, cache)
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return key
    if isinstance(kept, dict) and kept.get("key") == digest:
        answers = kept.get("answers")
        if isinstance(answers, dict):
            key.answers = {k: v for k, v in answers.items() if isinstance(v, dict)}
    return key


def cache_home(environ: Mapping[str, str] | None = None) -> Path | None:
    """The user's cache directory; ``None`` when there is no home."""
    env = os.environ if environ is None else environ
    if sys.platform == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"])
    try:
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches"
        return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:
        return None


def remembered(
    key: HistoryKey | None,
    kind: str,
    names: list[str],
    compute: Callable[[list[str]], Mapping[str, Any]],
    valid: Callable[[Any], bool] = lambda _answer: True,
) -> dict[str, Any]:
    """The answers of ``kind`` for ``names``: kept under ``key``, else computed and kept."""
    if key is None:
        return dict(compute(names))
    known = key.answers.setdefault(kind, {})
    for name in [name for name in names if name in known and not valid(known[name])]:
        del known[name]
    missing = [name for name in names if name not in known]
    if missing:
        known.update(compute(missing))
        text = json.dumps({"key": key.digest, "answers": key.answers}, sort_keys=True)
        try:
            write_atomic(key.path, text)
        except OSError as exc:  # a read-only repository: the answers are computed next time
            logger.debug("cannot keep the history answers in %s: %s", key.path, exc)
    return {name: known[name] for name in names if name in known}
