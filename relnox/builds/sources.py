"""What a backend can read when it builds a package, as bytes on disk: the facts
:mod:`relnox.builds.inputs` fingerprints, and the files git ignores that a build took in."""

from __future__ import annotations

import functools
import glob
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnox.errors import shortlist
from relnox.files import file_digest
from relnox.toml import table
from relnox.tools import git

MISSING = "missing"
GITLINK = "160000"  # a submodule: a commit, not a file on disk
PLAIN = ("100644", "100755")  # index modes of plain files (a link is 120000)


def owner_of(path: str, owners: Mapping[str, str]) -> str | None:
    """The package whose directory holds ``path`` (the deepest one), if any."""
    parent = path
    while parent:
        parent = parent.rpartition("/")[0]
        if parent in owners:
            return owners[parent]
    return owners.get("")


def never_read(path: str) -> bool:
    """Whether an untracked or ignored ``path`` is one no build reads: a bytecode cache."""
    return path.endswith((".pyc", ".pyo")) or "__pycache__" in path.split("/")[:-1]


def _owner(path: str, owners: Mapping[str, str], skip: Sequence[str]) -> str | None:
    """:func:`owner_of`, but ``None`` for a path under ``skip``."""
    return None if any(path.startswith(s) for s in skip) else owner_of(path, owners)


def _split(output: str) -> list[str]:
    return [p for p in output.split("\0") if p]


@dataclass
class Listing:
    """Per package (by name): paths relative to the repository's top."""

    tracked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (meta, path)
    assumed: dict[str, str] = field(default_factory=dict)  # first assume-unchanged path
    ignored: dict[str, list[str]] = field(default_factory=dict)
    private: dict[str, str] = field(default_factory=dict)  # first path ignored by private rules


def _ignored(root: Path, specs: Sequence[str], *rules: str) -> list[str]:
    out = git.run(root, "ls-files", "-z", "-o", "-i", "--full-name", *rules, "--", *specs)
    return _split(out.output)


def list_sources(
    root: Path,
    owners: Mapping[str, str],
    skip: Sequence[str],
    specs: Sequence[str],
    *,
    ignored: bool = True,
) -> Listing:
    """The files of every package under ``specs``, but those under ``skip`` (directories
    relative to the top, ending in ``/``); without ``ignored``, not the files git ignores."""
    listing = Listing()
    mine = functools.partial(_owner, owners=owners, skip=skip)
    # "TAG MODE BLOB STAGE\tPATH": the tag says assume-unchanged in lower case, skip-worktree S
    staged = ("ls-files", "-s", "-v", "-z", "--full-name", "--", *specs)
    if not ignored:
        _tracked(git.run(root, *staged).output, listing, mine)
        return listing
    with ThreadPoolExecutor(max_workers=3) as pool:
        tracked = pool.submit(git.run, root, *staged)
        every = pool.submit(list_ignored, root, owners, skip, specs)
        public = pool.submit(_ignored, root, specs, "--exclude-per-directory=.gitignore")
    _tracked(tracked.result().output, listing, mine)
    listing.ignored = every.result()
    by_gitignore = set(public.result())
    for owner, paths in listing.ignored.items():
        if private := next((p for p in paths if p not in by_gitignore), None):
            listing.private[owner] = private
    return listing


def _tracked(output: str, listing: Listing, mine: Callable[[str], str | None]) -> None:
    """The tracked files of ``git ls-files -s -v -z`` into ``listing``, by owner."""
    for entry in _split(output):
        head, _, path = entry.partition("\t")
        tag, _, meta = head.partition(" ")
        owner = mine(path)
        if owner is None:
            continue
        listing.tracked.setdefault(owner, []).append((meta, path))
        if tag.islower() or tag == "S":
            listing.assumed.setdefault(owner, path)


def list_ignored(
    root: Path, owners: Mapping[str, str], skip: Sequence[str], specs: Sequence[str]
) -> dict[str, list[str]]:
    """:attr:`Listing.ignored` of :func:`list_sources` alone: one git process, not three."""
    found: dict[str, list[str]] = {}
    for path in _ignored(root, specs, "--exclude-standard"):
        if not never_read(path) and (owner := _owner(path, owners, skip)) is not None:
            found.setdefault(owner, []).append(path)
    return found


def tracked_digests(top: Path, entries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Each path of ``entries`` (``git ls-files -s``) -> :func:`content_digest`, but submodules."""
    length = next((len(meta.split(" ")[1]) for meta, _ in entries if " " in meta), 40)
    # a blob id of 40 hex digits is SHA-1's, of 64 SHA-256's
    blob_id = functools.partial(file_digest, blob="sha1" if length == 40 else "sha256")
    base = str(top)  # joined as text, opened without a stat first: a Path each cost 1/3
    return {
        path: content_digest(
            os.path.join(base, path), blob_id if meta.startswith(PLAIN) else file_digest
        )
        for meta, path in entries
        if not meta.startswith(GITLINK)
    }


def content_digest(path: str | Path, file_digest: Callable[[str], str] = file_digest) -> Any:
    """The bytes at ``path`` with symlinks followed: a file's ``file_digest``, a directory's
    files (relative name -> digest, each real directory once), or ``missing``."""
    try:
        return file_digest(str(path))  # a regular file: one open, no stat before it
    except OSError:
        if not os.path.isdir(path):
            return MISSING
    path = Path(path)
    try:
        found: dict[str, str] = {}
        seen: set[tuple[int, int]] = set()
        for current, dirs, files in os.walk(path, followlinks=True):
            info = os.stat(current)
            if (info.st_dev, info.st_ino) in seen:
                dirs[:] = []
                continue
            seen.add((info.st_dev, info.st_ino))
            dirs.sort()
            for name in sorted(files):
                full = Path(current, name)
                found[full.relative_to(path).as_posix()] = content_digest(full, file_digest)
        return found
    except OSError:
        return MISSING


def stat_of(path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [MISSING]
    return [info.st_size, info.st_mtime_ns]


#: pyproject tables no build backend reads (dependency sources, tool settings): paths there
#: (``[tool.uv.sources] x = { path = "../x" }``) are not build inputs
NOT_READ_BY_BACKENDS = (
    ("project", "dependencies"),
    ("project", "optional-dependencies"),
    ("project", "urls"),
    ("dependency-groups",),
    ("tool", "hatch", "envs"),
    ("tool", "pdm", "dev-dependencies"),
    ("tool", "pdm", "scripts"),
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "group"),
    *(("tool", name) for name in ("uv", "relnox", "pytest", "mypy", "ruff", "coverage", "tox")),
    ("tool", "pyright"),
)


def _strings(value: Any, where: tuple[str, ...] = ()) -> Iterable[str]:
    """Every string in a TOML document, keys too, but in :data:`NOT_READ_BY_BACKENDS`."""
    if where in NOT_READ_BY_BACKENDS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item, (*where, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, where)


def outside_files(directory: Path, document: Mapping[str, Any]) -> dict[str, Any]:
    """The files outside ``directory`` its pyproject names (globs expanded) -> their digests."""
    top = directory.resolve()
    found: dict[str, Any] = {}
    for text in _strings(document):
        value = text.replace("\\", "/")
        if "://" in value or "\n" in value or len(value) > 4096:
            continue
        if "../" not in value and not (value.startswith("/") and Path(value).exists()):
            continue
        pattern = str(directory / value)
        matches = sorted(glob.glob(pattern)) if glob.has_magic(value) else [pattern]
        for match in matches or [pattern]:
            resolved = Path(os.path.normpath(match))
            if resolved.resolve().is_relative_to(top):
                continue
            key = value if match == pattern else f"{value}:{Path(match).name}"
            found[key] = content_digest(resolved)
    return found


def artifact_members(path: Path) -> list[str]:
    """The files of an sdist or a wheel, as paths relative to what they were built from."""
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as archive:
            return [
                rest.partition("/")[2] if first.endswith(".data") else name
                for name in archive.namelist()
                for first, _, rest in [name.partition("/")]
                if not (first.endswith(".dist-info") or name.endswith("/"))
            ]
    if not path.name.endswith((".tar.gz", ".tgz")):
        return []
    import tarfile  # only for an sdist (~2 ms of every command that reads sources)

    with tarfile.open(path) as archive:
        members = archive.getmembers()
    return [rest for m in members if not m.isdir() and (rest := m.name.partition("/")[2])]


def renamed_sources(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(source, path in the artifact) of what a pyproject maps in under another name: hatch
    ``force-include``, ``shared-data``, ``shared-scripts``, setuptools ``data-files``."""
    build = table(document, "tool", "hatch", "build")
    targets = table(build, "targets")
    found: list[tuple[str, str]] = []
    for settings in (build, *(table(targets, name) for name in targets)):
        for key in ("force-include", "shared-data", "shared-scripts"):
            for source, target in table(settings, key).items():
                if isinstance(target, str):
                    found.append((str(source), target))
    for target, sources in table(document, "tool", "setuptools", "data-files").items():
        for source in sources if isinstance(sources, list) else ():
            if isinstance(source, str) and not glob.has_magic(source):
                found.append((source, f"{target}/{source.rpartition('/')[2]}"))
    cleaned = [(_clean(source), _clean(target)) for source, target in found]
    # a source outside the directory is an ``outside`` input (outside_files)
    return [(s, t) for s, t in cleaned if s != ".." and not s.startswith(("../", "/"))]


def _clean(path: str) -> str:
    """``path`` as git spells it relative to the package: ``/``, no ``./`` or ``x/..``."""
    path = os.path.normpath(path.replace("\\", "/"))
    return path if path.startswith("/") else path.strip("/")


def taken_in(
    artifacts: Sequence[Path],
    directory: Path,
    ignored: Iterable[str],
    renamed: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """The files git ignores in ``directory`` (``ignored``) that ``artifacts`` hold, each once.
    A wheel's member with no file at its path (moved from ``src/``) is every ignored file whose
    path ends with it (under ``build/`` only if no other); ``.egg-info`` files are left out."""
    ignored = [p for p in ignored if not any(d.endswith(".egg-info") for d in p.split("/")[:-1])]
    if not ignored:
        return []
    exact = set(ignored)
    by_name: dict[str, list[str]] = {}
    for path in sorted(ignored):
        by_name.setdefault(path.rpartition("/")[2], []).append(path)
    found: dict[str, None] = {}
    members: set[str] = set()
    for artifact in artifacts:
        wheel = artifact.name.endswith(".whl")
        for member in artifact_members(artifact):
            members.add(member)
            if member in exact:
                found.setdefault(member)
                continue
            if not wheel:  # an sdist holds the tree as it is; a wheel may move it (src/)
                continue
            suffix = "/" + member
            hits = [p for p in by_name.get(member.rpartition("/")[2], ()) if p.endswith(suffix)]
            if hits and not (directory / member).exists():
                for hit in [h for h in hits if not h.startswith("build/")] or hits:
                    found.setdefault(hit)
    for source, target in renamed:
        for path in ignored:
            mapped = target if path == source else ""
            if path.startswith(source + "/"):
                mapped = f"{target}/{path[len(source) + 1 :]}"
            if mapped in members:
                found.setdefault(path)
    return list(found)


def unprovable_reason(taken: Sequence[str]) -> str:
    """Why a build whose artifacts hold ``taken`` (:func:`taken_in`) cannot be reused."""
    return f"{taken[0]} is in its artifacts but git ignores it" if taken else ""


TAKEN = "taken"
#: the most such files a record lists (path -> sha256); more are recorded as their number
MAX_TAKEN = 5000
_SHOWN = 5  # the most paths a stale package's reason names


def _sha256(path: Path) -> str:
    """The sha256 of the regular file at ``path``, or ``missing`` (a FIFO is never read)."""
    try:
        return file_digest(path)
    except OSError:
        return MISSING


def record_taken(directory: Path, paths: Sequence[str]) -> str:
    """The ``taken`` part for ``paths`` (relative to ``directory``) as they are now."""
    if len(paths) > MAX_TAKEN:
        return json.dumps(len(paths))
    found = {p: _sha256(directory / p) for p in sorted(paths)}
    return json.dumps(found, sort_keys=True, separators=(",", ":"))


def taken_changed(directory: Path, recorded: str) -> str:
    """Why the files of a ``taken`` part are not the ones the build took in, or ``""``."""
    try:
        files = json.loads(recorded)
    except ValueError:
        files = None
    if isinstance(files, int) and not isinstance(files, bool):
        return (
            f"its build took in {files} files git ignores, more than relnox records "
            f"({MAX_TAKEN}), so they cannot be proven unchanged"
        )
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return "its record of the files git ignores that its build took in cannot be read"
    now = {path: _sha256(directory / path) for path in sorted(files)}
    changed = [f"{p} (deleted)" if now[p] == MISSING else p for p in now if now[p] != files[p]]
    if not changed:
        return ""
    return f"files git ignores that its build took in changed: {shortlist(changed, _SHOWN)}"
