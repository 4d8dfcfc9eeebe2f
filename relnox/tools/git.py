"""Thin, typed access to the git command line (argv lists, never a shell)."""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from relnox import _proc as proc
from relnox.errors import GitError, shortlist


def on_path() -> bool:
    import shutil

    return shutil.which("git") is not None


def run(
    repo: Path,
    *args: str,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    watch: proc.Watch | None = None,
) -> proc.Result:
    """``git args`` in ``repo`` (stderr apart unless ``watch``); raises only if git is missing."""
    result = proc.run(["git", *args], cwd=repo, input=input, env=env, merge=False, watch=watch)
    if result.returncode == proc.CANNOT_RUN:
        raise GitError("git is not installed or not on PATH; install git")
    return result


#: ``git rev-parse``'s answer to whether a directory is in a work tree, and its top level
IS_REPO = ("rev-parse", "--is-inside-work-tree", "--show-toplevel")


def git(
    repo: Path,
    *args: str,
    check: bool = True,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    what: str | None = None,
) -> str:
    """Run ``git args`` in ``repo``; its stdout, stripped. Failures raise :class:`GitError`
    (naming ``what``, default the command) when ``check``."""
    result = run(repo, *args, input=input, env=env)
    if check and not result.ok:
        lock = _LOCK_EXISTS.search(result.stderr + result.output)
        # git's error: and fatal: lines (the first two), else its last line: after them git
        # often closes on advice ("and retry with ...") that names no cause
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith(("error:", "fatal:"))]
        said = "; ".join(dict.fromkeys(errors[:2])) or result.last_line()
        if lock:
            said = _lock_left(lock["lock"])
        hint = next((fix for marker, fix in _DAMAGE.items() if marker in said.lower()), "")
        raise GitError(f"git {what or ' '.join(args)} failed in {repo}: {said}{hint}")
    return result.output.strip()


#: what git says of a damaged repository, and the way out (a bare git error names none)
_DAMAGE = {
    "missing object": (
        "; the repository is damaged (an object a ref names is gone): run git fsck to see "
        "which, then fetch again (git fetch --tags) or clone the repository afresh"
    ),
    **dict.fromkeys(
        ("bad object", "corrupt", "unable to read"),
        "; the repository is damaged: run git fsck, then clone it afresh",
    ),
}


def _bounded(repo: Path, args: Sequence[str], stall: float) -> proc.Result:
    """``git args`` talking to a remote, stopped after ``stall`` seconds without progress."""
    limits = ["-c", "http.lowSpeedLimit=1", "-c", f"http.lowSpeedTime={max(1, int(stall))}"]
    result = run(repo, *limits, *args, watch=proc.Watch(stall))
    if result.stalled or "operation too slow" in result.last_line().lower():
        raise GitError(
            f"git {' '.join(args)} in {repo} made no progress for {stall:g}s (the remote "
            "does not answer) and was stopped; check the remote's address and your network, "
            "or raise [tool.relnox.network] stall"
        )
    return result


def push(repo: Path, *args: str, stall: float) -> None:
    result = _bounded(repo, ["push", *args], stall)
    if not result.ok:
        raise GitError(f"git push failed in {repo}: {_why_push_failed(result)}")


def remote_tags(repo: Path, remote: str, names: Sequence[str], *, stall: float) -> dict[str, str]:
    """The commit each of ``names`` marks on ``remote`` (``git ls-remote``, bounded; a tag
    the remote lacks is left out)."""
    wanted = {f"refs/tags/{name}": name for name in names}
    # an annotated tag's commit is on its peeled line, which a pattern must name too
    patterns = [p for ref in wanted for p in (ref, ref + "^{}")] if len(wanted) <= 100 else []
    result = _bounded(repo, ["ls-remote", "--tags", "--", remote, *patterns], stall)
    if not result.ok:
        raise GitError(
            f"git ls-remote {remote} failed in {repo} ({_why_push_failed(result)}); check the "
            "remote's address, your network and credentials"
        )
    found: dict[str, str] = {}
    for line in result.output.splitlines():
        commit, _, ref = line.strip().partition("\t")
        peeled = ref.endswith("^{}")
        name = wanted.get(ref.removesuffix("^{}"))
        if name is not None and (peeled or name not in found):
            found[name] = commit  # the peeled line (an annotated tag's commit) wins
    return found


def _why_push_failed(result: proc.Result) -> str:
    """The line of a failed push that says why: git's ``fatal:``, a ``! [rejected]`` ref,
    its ``error:``, else the last line (not the hint after them)."""
    lines = [line.strip() for line in result.output.splitlines()]
    # a refused ref first: git ends such a push with a "fatal: the remote end hung up"
    starts = ("! [", "fatal:", "error:")
    found = (line for start in starts for line in lines if line.startswith(start))
    return next(found, result.last_line())


def is_repo(path: Path) -> bool:
    return top_of(path) is not None


def top_of(path: Path) -> Path | None:
    """The top of the git work tree holding ``path`` (``None`` outside one): one process,
    none for a repository :func:`held` holds."""
    held_here = _HELD.get(str(path))
    if held_here is not None:
        return held_here.top
    result = run(path, *IS_REPO)
    lines = result.output.strip().splitlines()
    if lines[:1] != ["true"]:
        gone = re.search(r"not a git repository: (\S.*)", result.stderr)
        if gone:  # a .git file naming a git directory that is not there (a moved worktree)
            raise GitError(
                f"{path}: its .git names the git directory {gone.group(1).strip()}, which git "
                "cannot open; fix the gitdir: line of that .git file (git worktree repair), "
                "or remove it and clone again"
            )
        return None
    return Path(lines[1])


def toplevel(path: Path) -> Path:
    held_here = _HELD.get(str(path))
    return held_here.top if held_here else Path(git(path, "rev-parse", "--show-toplevel"))


def dirty_files(repo: Path) -> list[str]:
    """Tracked paths with uncommitted changes, staged or not."""
    out = git(repo, "status", "--porcelain", "--untracked-files=no")
    # git() strips the output, so the first line may have lost its leading status blank
    return [line.split(maxsplit=1)[1] for line in out.splitlines() if line.strip()]


#: what git leaves in its directory while an operation waits for the user, and how to end it
_IN_PROGRESS = (
    ("rebase-merge", "a rebase", "git rebase --continue or git rebase --abort"),
    ("rebase-apply", "a rebase or git am", "git rebase --continue/--abort (git am --abort)"),
    ("MERGE_HEAD", "a merge", "commit it (git commit) or git merge --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue or --abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue or --abort"),
    ("BISECT_LOG", "a bisect", "git bisect reset"),
)


def in_progress(repo: Path) -> str | None:
    """The git operation ``repo`` is in the middle of, as ``"a merge is in progress
    (.git/MERGE_HEAD); ..."`` (with how to end it), or None."""
    args = [arg for marker, _, _ in _IN_PROGRESS for arg in ("--git-path", marker)]
    out = git(repo, "rev-parse", *args, check=False)
    for (_, what, fix), path in zip(_IN_PROGRESS, out.splitlines(), strict=False):
        if (repo / path).exists():  # git's path is relative to repo, or absolute
            return f"{what} is in progress ({path}); finish or abort it first: {fix}"
    return None


#: git's words for a lock file it found there already (its index's, a ref's, HEAD's)
_LOCK_EXISTS = re.compile(r"Unable to create '(?P<lock>[^'\n]+\.lock)': File exists")


def _lock_left(lock: Path | str) -> str:
    return (
        f"{lock} exists: another git process is running in this repository, or one stopped "
        f"without removing it; wait for it to end, or remove {lock} if no git process runs"
    )


def index_lock(repo: Path) -> str | None:
    """The problem of a left ``index.lock``, or None."""
    out = git(repo, "rev-parse", "--git-path", "index.lock", check=False)
    return _lock_left(repo / out) if out and (repo / out).exists() else None


#: the identities a commit (author, committer) and an annotated tag (committer) need: git
#: names them from ``user.name`` and ``user.email``, or works them out without them
IDENTS = ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")


def head(repo: Path) -> str | None:
    held_here = _HELD.get(str(repo))
    return held_here.head if held_here is not None else _rev_parse(repo, "HEAD")


def held_head(repo: Path, commit: str | None) -> None:
    """HEAD's commit, read by another ``rev-parse``, kept for a :func:`held` ``repo``."""
    held_here = _HELD.get(str(repo))
    if held_here is not None:
        vars(held_here).setdefault("head", commit)  # the cached_property's own slot


def commit_of(repo: Path, rev: str) -> str | None:
    """The commit ``rev`` names, or ``None`` when it names none."""
    return _rev_parse(repo, f"{rev}^{{commit}}")


def _rev_parse(repo: Path, rev: str) -> str | None:
    return git(repo, "rev-parse", "--verify", "--quiet", rev, check=False) or None


def tag_exists(repo: Path, tag: str) -> bool:
    held = _HELD.get(str(repo))
    return tag in held.tags if held else _rev_parse(repo, f"refs/tags/{tag}") is not None


def tag_commit(repo: Path, tag: str) -> str | None:
    held = _HELD.get(str(repo))
    return (held.tags.get(tag) or None) if held else commit_of(repo, f"refs/tags/{tag}")


def held_tag_commits(repo: Path, refs: Sequence[str]) -> dict[str, str]:
    """The commits of those of ``refs`` that are tags of a :func:`held` ``repo`` (read once
    already); empty when it is not held."""
    held = _HELD.get(str(repo))
    known = held.tags if held is not None else {}
    return {ref: known[ref] for ref in refs if known.get(ref)}


#: one commit of HEAD's history (:func:`log`): its id, its parents, its tags as git decorates it
Commit = tuple[str, tuple[str, ...], str]


def log(repo: Path) -> list[Commit]:
    """HEAD's commits in git describe's order (``--topo-order``), each with its parents and its
    tags (``tag: v1.0, tag: v1``; ``""`` for none); read once while :func:`held`."""
    held = _HELD.get(str(repo))
    return held.log if held is not None else _log(repo)


def _log(repo: Path) -> list[Commit]:
    walk = git(
        repo, "log", "--topo-order", "--decorate-refs=refs/tags", "--format=%H %P%x00%D", "HEAD"
    )
    commits = []
    for line in walk.splitlines():
        ids, _, tags = line.partition("\0")
        commit, *parents = ids.split()
        commits.append((commit, tuple(parents), tags))
    return commits


class TagRef(NamedTuple):
    """A tag as the one read of them all (:func:`tag_refs`) says it."""

    name: str  # without refs/tags/
    kind: str  # the type of the object it names: commit, tag (a tag object), tree or blob
    object: str
    peeled_kind: str  # a tag object's: the type of the object it names ("" otherwise)
    peeled: str
    when: str  # its creation time, unix seconds


#: what a read of the tags asks of each, in one ``for-each-ref``: :class:`TagRef`'s fields
TAG_FIELDS = (
    "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)"
    "%00%(creatordate:unix)"
)


def tag_refs(repo: Path) -> list[TagRef]:
    """Every tag of ``repo`` (by name); read once while :func:`held`."""
    held_here = _HELD.get(str(repo)) or next((h for h in _HELD.values() if h.top == repo), None)
    return held_here.tag_refs if held_here else _tag_refs(repo)


def _tag_refs(repo: Path) -> list[TagRef]:
    lines = git(repo, "for-each-ref", f"--format={TAG_FIELDS}", "refs/tags").splitlines()
    return [TagRef(*(line.split("\0") + [""] * 6)[:6]) for line in lines]


def tag_commits(repo: Path) -> dict[str, str]:
    """Every tag -> the commit it marks (a tag object's, peeled; "" for a tree or a blob)."""
    found = {}
    for tag in tag_refs(repo):
        found[tag.name] = (
            tag.peeled or tag.object if "commit" in (tag.kind, tag.peeled_kind) else ""
        )
        if tag.peeled_kind == "tag":  # a tag of a tag object: git peels it to the end
            found[tag.name] = commit_of(repo, f"refs/tags/{tag.name}") or ""
    return found


class _Held:
    """What :func:`held` read of one repository, each when first asked; a tag's commit is
    ``""`` when it names none."""

    def __init__(self, repo: Path, top: Path) -> None:
        self.repo, self.top = repo, top
        self.blobs = Blobs(repo)

    @functools.cached_property
    def head(self) -> str | None:
        return _rev_parse(self.repo, "HEAD")

    @functools.cached_property
    def log(self) -> list[Commit]:
        return _log(self.repo)

    @functools.cached_property
    def tag_refs(self) -> list[TagRef]:
        return _tag_refs(self.repo)

    @functools.cached_property
    def tags(self) -> dict[str, str]:
        return tag_commits(self.repo)


#: repositories whose tags and files a read-only command holds (:func:`held`)
_HELD: dict[str, _Held] = {}


@contextlib.contextmanager
def held(repo: Path) -> Iterator[None]:
    """While open, ``repo``'s top, HEAD, tags and files at revisions are each read once (one
    process each): for a command that changes no ref (docs/architecture.md, git.held)."""
    key = str(repo)
    if key in _HELD or not repo.is_dir():  # no directory: the command says so itself
        yield
        return
    top = top_of(repo)
    if top is None:
        yield
        return
    _HELD[key] = found = _Held(repo, top)
    try:
        yield
    finally:
        _HELD.pop(key, None)
        found.blobs.close()


def next_on_path(repo: Path, rev: str) -> str | None:
    """The commit right after ``rev`` on the way to HEAD (the first of ``rev..HEAD`` that
    descends from it), or ``None`` when HEAD is ``rev`` or not below it."""
    out = git(repo, "rev-list", "--ancestry-path", "--reverse", f"{rev}..HEAD", check=False)
    return out.split("\n", 1)[0] or None


def contains(repo: Path, rev: str, ancestor: str) -> bool:
    """Whether ``rev``'s history holds ``ancestor`` (a commit or a tag)."""
    return run(repo, "merge-base", "--is-ancestor", ancestor, rev).returncode == 0


#: GitHub creates no push event for the tags of a push that carries more than three
#: (GitHub docs, the ``push`` event): a tag-triggered workflow would never start
TAGS_PER_PUSH = 3


def tag_batches(refs: Sequence[str]) -> list[list[str]]:
    """``refs`` in pushes of at most :data:`TAGS_PER_PUSH`, so each starts its tag workflows."""
    return [list(refs[i : i + TAGS_PER_PUSH]) for i in range(0, len(refs), TAGS_PER_PUSH)] or [[]]


def current_branch(repo: Path) -> str | None:
    return git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False) or None


def empty_submodules(directory: Path) -> list[str]:
    """The submodules below ``directory`` (relative paths) a clone without ``--recursive``
    left empty: git's index holds their commit (mode 160000), their directory nothing."""
    result = run(directory, "ls-files", "--stage", "-z", "--", ".")
    if not result.ok:
        return []
    entries = [entry.partition("\t") for entry in result.output.split("\0")]
    gitlinks = [rel for meta, _, rel in entries if meta.startswith("160000 ") and rel]
    return [
        rel
        for rel in gitlinks
        if not (directory / rel).is_dir() or not any((directory / rel).iterdir())
    ]


def submodules_hint(directory: Path) -> str:
    """The fix where a clone without ``--recursive`` left submodules below ``directory``
    empty (a build, or a backend asked for a version, has none of their files); else ``""``."""
    empty = empty_submodules(directory)
    if not empty:
        return ""
    return (
        f"{shortlist(empty)}: git submodule(s) not checked out, so the build has none of "
        "their files; run git submodule update --init --recursive (in CI: "
        "actions/checkout with submodules: recursive)"
    )


def show_file(repo: Path, rev: str, path: str) -> str | None:
    """A file's content at ``rev`` (``None`` if it did not exist there)."""
    return show_files(repo, [(rev, path)])[0]


def show_files(repo: Path, asked: Sequence[tuple[str, str]]) -> list[str | None]:
    """Each ``(rev, path)``'s content as :func:`show_file` gives it; while :func:`held`, all
    asked of its one process at once."""
    held = _HELD.get(str(repo))
    if held is not None:
        return held.blobs.show_many(asked)
    return [_show(repo, rev, path) for rev, path in asked]


def _show(repo: Path, rev: str, path: str) -> str | None:
    result = run(repo, "show", f"{rev}:{path}")
    return result.output if result.ok else None


class Blobs:
    """Files at revisions, as :func:`show_file` gives them, from one ``git cat-file
    --batch`` process; what it cannot answer as a plain file goes to ``git show``. Each is
    read once: the revisions are taken not to move while it is open."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._child: subprocess.Popen[bytes] | None = None
        self._broken = False
        self._said: dict[tuple[str, str], str | None] = {}  # (rev, path) -> its text

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            with contextlib.suppress(OSError):
                assert child.stdin is not None
                child.stdin.close()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            if child.stdout is not None:
                child.stdout.close()

    def show(self, rev: str, path: str) -> str | None:
        """``path``'s text at ``rev`` (``None`` if it did not exist there)."""
        return self.show_many([(rev, path)])[0]

    def show_many(self, asked: Sequence[tuple[str, str]]) -> list[str | None]:
        """Each ``(rev, path)``'s text: each read once, those not read yet asked all at once
        (every request written before the first answer is read)."""
        said = self._said
        new = [item for item in dict.fromkeys(asked) if item not in said]
        said.update(self._answers([item for item in new if "\n" not in "".join(item)]))
        said.update((item, _show(self.repo, *item)) for item in new if item not in said)
        return [said[item] for item in asked]

    def _answers(self, asked: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """``git cat-file --batch``'s answers: each file's text, ``None`` where there is none;
        what is no plain file (a tree) left out, and all when the process cannot answer."""
        if self._broken or not asked:
            return {}
        requests = "".join(f"{rev}:{path}\n" for rev, path in asked).encode()
        try:
            if self._child is None:
                self._child = proc.coprocess(["git", "cat-file", "--batch"], cwd=self.repo)
            child = self._child
            assert child.stdin is not None and child.stdout is not None
            # written beside the reading: git stops reading requests while its answers wait;
            # a few fit the empty pipe at once (POSIX's least atomic write) and need no thread
            writer = None
            if len(requests) <= _FITS_A_PIPE:
                _send(child.stdin, requests)
            else:
                writer = threading.Thread(target=_send, args=(child.stdin, requests))
                writer.start()
            try:
                answers = [_answer(child.stdout) for _ in asked]
            except BaseException:
                child.kill()  # the writer may wait on a full pipe: it ends with the process
                raise
            finally:
                if writer is not None:
                    writer.join()
        except OSError:
            self._broken = True
            self.close()
            return {}
        return {item: text for item, (plain, text) in zip(asked, answers, strict=True) if plain}


#: bytes of requests written without a thread: POSIX's least ``PIPE_BUF``, which a write
#: to an empty pipe takes whole (every answer read, git has read every request before)
_FITS_A_PIPE = 512


def _send(stdin: IO[bytes], requests: bytes) -> None:
    with contextlib.suppress(OSError):  # the process is gone: reading its answers says so
        stdin.write(requests)
        stdin.flush()


def _answer(stdout: IO[bytes]) -> tuple[bool, str | None]:
    """One ``git cat-file --batch`` answer: whether it is a plain file (or none), its text."""
    header = stdout.readline().split()
    if header[-1:] in ([b"missing"], [b"ambiguous"]):
        return True, None
    if len(header) != 3 or not header[2].isdigit():
        raise OSError(f"git cat-file answered {header!r}")
    data = stdout.read(int(header[2]) + 1)[:-1]  # the content, then a newline
    if header[1] != b"blob":
        return False, None  # what git show prints for a tree
    # as git show read in text mode: UTF-8 (errors replaced), universal newlines
    return True, data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def check_tag_name(repo: Path, name: str) -> None:
    """``name`` is a tag name git accepts, else :class:`GitError` naming tag-format to fix."""
    valid = bool(name) and not name.startswith("-")
    if not (valid and run(repo, "check-ref-format", f"refs/tags/{name}").ok):
        raise GitError(
            f"{name!r} is not a valid git tag name (git check-ref-format: no spaces, no '..', "
            "none of ~ ^ : ? * [ \\, not starting with '-' or '.', not ending in '.lock' or "
            "'/'); change tag-format in [tool.relnox] so it renders a valid name"
        )


def status_entries(result: proc.Result) -> list[tuple[str, str]]:
    """(code, path) of each entry of ``git status --porcelain=v1 -z`` (a rename's source skipped)."""
    entries: list[tuple[str, str]] = []
    fields = iter(result.output.split("\0"))
    for entry in fields:
        if len(entry) >= 4:
            entries.append((entry[:2], entry[3:]))
            if entry[0] in "RC":  # a rename or copy: the next field is its source
                next(fields, None)
    return entries
