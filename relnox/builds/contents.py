"""The bytes of tracked files, fingerprinted by git's blob ids: read only where git cannot vouch.

A tracked file's part of a package's ``contents`` input (:mod:`relnox.builds.inputs`) is
the git blob id of the bytes on disk, as ``git hash-object --no-filters`` computes it
(SHA-1 or SHA-256, as the repository names its objects); a link is followed to the bytes
it leads to (:func:`relnox.builds.sources.content_digest`). Git's index already holds that
id for most files, and :func:`tracked_digests` takes it from there, without reading the
file, when git proves the bytes on disk are the blob's bytes:

* ``git status`` lists nothing for the path: the file on disk is what the index
  recorded, by git's stat check (size, modification and change times, inode), so a
  modified, staged, deleted, conflicted or type-changed file is read;
* the index does not mark it assume-unchanged or skip-worktree (git does not look at
  those files at all);
* it is a plain file in the index (mode 100644 or 100755, stage 0) and on disk (not a
  link, nor under a linked directory: git reports those as deleted);
* no ``filter``, ``ident`` or ``working-tree-encoding`` attribute applies to it
  (``git check-attr``): a clean/smudge filter (git-lfs), ``$Id$`` expansion or a
  re-encoding make the bytes on disk differ from the blob while git status says
  nothing;
* its size on disk is the blob's size: the only conversion left is end-of-line (the
  ``text``, ``eol`` and ``crlf`` attributes, ``core.autocrlf``), which only inserts or
  removes a CR before an LF, so a file with as many bytes as its blob was not converted
  and holds the blob's bytes;
* git's stat check is whole: not ``core.trustctime = false``, ``core.checkStat =
  minimal``, ``core.ignoreStat`` or a ``core.fsmonitor`` (then git may take a rewritten
  file of the same size and time as unchanged, or trust another program's word), read
  by :func:`stat_check_whole`.

Every other file is read and hashed the same way, so a file's fingerprint is the same
whichever way its id was found. Below :data:`READ_BELOW` bytes in all, every file is
read: the three git processes that prove the others (``git config``, ``git check-attr``,
``git cat-file``) cost about what reading 4 MB does. On a 7-member workspace (2 cores, loaded):
7 packages, 257 files, 3.7 MB: 6.6 ms proven, 5.7 ms read; 16 packages, 1048 files,
68 MB: 17 ms proven, 61 ms read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from relnox.builds.sources import GITLINK, content_digest
from relnox.files import read_bytes
from relnox.tools import git

#: index modes of plain files (a link is 120000, a submodule 160000)
PLAIN = ("100644", "100755")
#: the attributes under which the bytes on disk may differ from the blob unseen by git status
CONVERTING = ("filter", "ident", "working-tree-encoding")
#: below this many bytes of tracked files in all, every file is read (see the docstring)
READ_BELOW = 4 << 20
#: git settings that weaken its stat check (the name, lower case, and its values that do)
_WEAKENING = {
    "core.trustctime": ("false", "no", "off", "0", ""),
    "core.checkstat": ("minimal",),
}
_TRUE = ("true", "yes", "on", "1")


def stat_check_whole(root: Path) -> bool:
    """Whether git's stat check of the repository at ``root`` is whole (see the docstring):
    ``core.trustctime`` and ``core.checkStat`` at their defaults, no ``core.ignoreStat``,
    no ``core.fsmonitor``. Unreadable settings count as weakened."""
    out = git.run(
        root,
        "config",
        "-z",
        "--get-regexp",
        r"^core\.(trustctime|checkstat|ignorestat|fsmonitor)$",
    )
    if out.returncode == 1 and not out.output:  # none of them is set
        return True
    if not out.ok:
        return False
    for entry in filter(None, out.output.split("\0")):
        name, newline, value = entry.partition("\n")
        name, value = name.lower(), value.strip().lower()
        if not newline:  # "[core] ignoreStat" with no value is true
            value = "true"
        if name in _WEAKENING and value in _WEAKENING[name]:
            return False
        if name == "core.ignorestat" and value in _TRUE:
            return False
        if name == "core.fsmonitor" and value not in ("false", "no", "off", "0", ""):
            return False
    return True


def git_blob_id(path: Path | str, length: int = 40) -> str:
    """The git blob id of the bytes at ``path`` (a ``length`` of 40 hex digits: SHA-1, 64:
    SHA-256), as ``git hash-object --no-filters`` gives it; ``IsADirectoryError`` for a
    directory.

    Read by the operating system's calls, not a file object: a package's start reads every
    file of a small package (:data:`READ_BELOW`), and a file object's layers cost more than
    the hash of most files (257 files, 3.7 MB: 6 ms, now 3.5)."""
    algorithm = "sha1" if length == 40 else "sha256"
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):  # a device never ends, a pipe never starts
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        size = info.st_size
        digest = hashlib.new(algorithm, b"blob %d\0" % size)
        read = 0
        # the whole of a small file and then its end: two reads
        while block := os.read(fd, min(1 << 20, max(size - read, 0) + 1)):
            digest.update(block)
            read += len(block)
    finally:
        os.close(fd)
    if read != size:  # written while read: hash what one read gives
        data = read_bytes(Path(path))
        digest = hashlib.new(algorithm, b"blob %d\0" % len(data) + data)
    return digest.hexdigest()


def _converting(top: Path, paths: Sequence[str]) -> set[str] | None:
    """The ``paths`` with one of :data:`CONVERTING` set (``None``: git could not say)."""
    out = git.run(top, "check-attr", "-z", "--stdin", *CONVERTING, input="\0".join(paths) + "\0")
    if not out.ok:
        return None
    fields = out.output.split("\0")
    found: set[str] = set()
    for i in range(0, len(fields) - 2, 3):
        path, _, value = fields[i : i + 3]
        if value not in ("unspecified", "unset"):
            found.add(path)
    return found


def _blob_sizes(top: Path, blobs: Iterable[str]) -> dict[str, int]:
    """Each blob's size, from git's object store (``git cat-file --batch-check``)."""
    wanted = sorted(set(blobs))
    out = git.run(
        top,
        "cat-file",
        "--batch-check=%(objectname) %(objectsize)",
        input="".join(f"{blob}\n" for blob in wanted),
    )
    sizes: dict[str, int] = {}
    for line in out.output.splitlines() if out.ok else ():
        blob, _, size = line.partition(" ")
        if size.isdigit():
            sizes[blob] = int(size)
    return sizes


def _on_disk_sizes(top: Path, paths: Iterable[str]) -> dict[str, int]:
    """The size of each of ``paths`` that is a plain file on disk (not a link)."""
    sizes: dict[str, int] = {}
    for path in paths:
        try:
            info = os.lstat(top / path)
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(info.st_mode):
            sizes[path] = info.st_size
    return sizes


def vouched(
    top: Path,
    entries: Sequence[tuple[str, str]],
    changed: set[str],
    *,
    read_below: int | None = None,
) -> dict[str, str]:
    """The paths of ``entries`` ((mode blob stage, path), from ``git ls-files -s``) whose
    bytes on disk git proves to be their blob's (see the docstring) -> that blob id.
    ``changed``: the paths git status lists and those the index marks."""
    blobs: dict[str, str] = {}
    for meta, path in entries:
        mode, blob, stage = [*meta.split(" "), "", ""][:3]
        if mode in PLAIN and stage == "0" and path not in changed:
            blobs[path] = blob
    on_disk = _on_disk_sizes(top, blobs)
    if sum(on_disk.values()) < (READ_BELOW if read_below is None else read_below):
        return {}
    candidates = sorted(on_disk)
    with ThreadPoolExecutor(max_workers=2) as pool:  # three git processes, none needs another
        whole = pool.submit(stat_check_whole, top)
        sized = pool.submit(_blob_sizes, top, (blobs[p] for p in candidates))
        converting = _converting(top, candidates)
        if not whole.result() or converting is None:
            return {}
        sizes = sized.result()
    return {
        path: blobs[path]
        for path in candidates
        if path not in converting and sizes.get(blobs[path]) == on_disk[path]
    }


def tracked_digests(
    top: Path,
    entries: Sequence[tuple[str, str]],
    changed: set[str],
    *,
    read_below: int | None = None,
) -> dict[str, Any]:
    """Each path of ``entries`` ((mode blob stage, path) from ``git ls-files -s``, relative
    to ``top``) -> the fingerprint of its bytes on disk: the git blob id of a file (from
    the index where :func:`vouched`, else read), every file's under a linked directory,
    or ``missing``; a link's target as :func:`content_digest` gives it. Submodules (mode
    160000) are left out. ``changed``: the paths git status lists and those the index
    marks assume-unchanged or skip-worktree."""
    known = vouched(top, entries, changed, read_below=read_below)
    length = next((len(meta.split(" ")[1]) for meta, _ in entries if " " in meta), 40)

    def digest(path: Path) -> str:
        return git_blob_id(path, length)

    base = str(top)
    found: dict[str, Any] = dict(known)
    for meta, path in entries:
        if path in known or meta.startswith(GITLINK):
            continue
        if meta.startswith(PLAIN):
            try:  # a file, as it nearly always is: read at once
                found[path] = git_blob_id(os.path.join(base, path), length)
            except OSError:  # a directory now, or gone: as content_digest says
                found[path] = content_digest(top / path, digest)
        else:  # a link: the bytes it leads to
            found[path] = content_digest(top / path)
    return found
