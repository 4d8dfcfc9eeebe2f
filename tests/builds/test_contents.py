"""A tracked file's fingerprint is the git blob id of its bytes on disk, every file read
(:func:`relnox.builds.sources.tracked_digests`).

Every way a file on disk can differ from its blob is made in a real repository, and the
fingerprint is checked against ``git hash-object --no-filters`` of the file: the bytes a
backend would read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from relnox.builds.inputs import _status_paths
from relnox.builds.sources import MISSING, content_digest, list_sources, tracked_digests
from relnox.files import file_digest
from relnox.sample import git_commit_all, git_init
from relnox.tools import git

FILES = {
    "p/a.py": b"print('a')\n",
    "p/b.txt": b"line one\nline two\n",
    "p/data/c.bin": bytes(range(256)) * 4,
}


def _repo(
    tmp_path: Path, extra: dict[str, bytes] | None = None, init: tuple[str, ...] = ()
) -> Path:
    root = tmp_path / "repo"
    for name, body in {**FILES, **(extra or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    if init:  # an object format or settings the commit must see
        git.git(root, "init", "-q", *init)
    git_init(root)
    return root


def _fingerprints(root: Path) -> dict[str, Any]:
    """What package_inputs takes from tracked_digests for the package at ``p``."""
    return tracked_digests(root, list_sources(root, {"p": "p"}, [], ["p"]).tracked.get("p", []))


def _on_disk(root: Path, path: str) -> Any:
    """What a backend reads at ``path``, as git hashes bytes without filters."""
    full = root / path
    if not full.exists():
        return MISSING
    return git.git(root, "hash-object", "--no-filters", "--", path)


def test_clean_files_are_their_blob_ids(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _fingerprints(root) == {path: _on_disk(root, path) for path in FILES}


def _same_size_rewrite(root: Path) -> str:
    """New bytes of the same length, the old modification time put back: git's change
    time (which no program can set back) still tells git."""
    path = root / "p/a.py"
    before = path.stat()
    path.write_bytes(b"print('b')\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return "p/a.py"


def _staged(root: Path) -> str:
    (root / "p/a.py").write_bytes(b"print('staged')\n")
    git.git(root, "add", "p/a.py")
    return "p/a.py"


def _assume_unchanged(root: Path) -> str:
    git.git(root, "update-index", "--assume-unchanged", "p/b.txt")
    (root / "p/b.txt").write_bytes(b"line one\nline 2!\n")
    return "p/b.txt"


def _skip_worktree(root: Path) -> str:
    git.git(root, "update-index", "--skip-worktree", "p/b.txt")
    (root / "p/b.txt").write_bytes(b"line one\nline 2!\n")
    return "p/b.txt"


def _deleted(root: Path) -> str:
    (root / "p/a.py").unlink()
    return "p/a.py"


def _linked_directory(root: Path) -> str:
    """A tracked directory replaced by a link to one holding other bytes."""
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.bin").write_bytes(b"other bytes")
    shutil.rmtree(root / "p/data")
    (root / "p/data").symlink_to(elsewhere)
    return "p/data/c.bin"


def _crlf_added_under_text_auto(root: Path) -> str:
    """``text=auto``: a file with CRLF endings is stored with LF; git status says nothing."""
    (root / ".gitattributes").write_text("* text=auto\n")
    git_commit_all(root, "attributes")
    (root / "p/b.txt").write_bytes(b"line one\r\nline two\r\n")
    git.git(root, "add", "p/b.txt")
    assert _status_paths(root, ["p"]) == ([], [])  # git vouches for it, wrongly for bytes
    return "p/b.txt"


def _crlf_checked_out(root: Path) -> str:
    """``eol=crlf``: the checkout writes CRLF over a blob with LF."""
    (root / ".gitattributes").write_text("*.txt eol=crlf\n")
    git_commit_all(root, "attributes")
    (root / "p/b.txt").unlink()
    git.git(root, "checkout", "--", "p/b.txt")
    assert (root / "p/b.txt").read_bytes() == b"line one\r\nline two\r\n"
    return "p/b.txt"


def _filtered_same_size(root: Path) -> str:
    """A clean/smudge filter that keeps the size (rot13): the blob holds other bytes of
    the same length and git status says nothing."""
    git.git(root, "config", "filter.rot.clean", "tr a-zA-Z n-za-mN-ZA-M")
    git.git(root, "config", "filter.rot.smudge", "tr a-zA-Z n-za-mN-ZA-M")
    (root / ".gitattributes").write_text("*.py filter=rot\n")
    git.git(root, "rm", "-q", "--cached", "p/a.py")
    git_commit_all(root, "filtered")
    assert git.git(root, "cat-file", "-p", "HEAD:p/a.py") != "print('a')"
    assert _status_paths(root, ["p"]) == ([], [])
    return "p/a.py"


def _ident(root: Path) -> str:
    (root / ".gitattributes").write_text("*.py ident\n")
    (root / "p/a.py").write_bytes(b"# $Id$\n")
    git_commit_all(root, "ident")
    (root / "p/a.py").unlink()
    git.git(root, "checkout", "--", "p/a.py")
    assert (root / "p/a.py").read_bytes() != b"# $Id$\n"
    return "p/a.py"


def _reencoded(root: Path) -> str:
    (root / ".gitattributes").write_text("*.txt working-tree-encoding=UTF-16LE\n")
    (root / "p/b.txt").write_bytes("plain text\n".encode("utf-16-le"))
    git.git(root, "rm", "-q", "--cached", "p/b.txt")
    git_commit_all(root, "encoded")
    assert git.git(root, "cat-file", "-p", "HEAD:p/b.txt") == "plain text"
    return "p/b.txt"


DIFFERENCES: dict[str, Callable[[Path], str]] = {
    "modified, same size and time": _same_size_rewrite,
    "staged": _staged,
    "assume-unchanged": _assume_unchanged,
    "skip-worktree": _skip_worktree,
    "deleted": _deleted,
    "under a linked directory": _linked_directory,
    "CRLF added under text=auto": _crlf_added_under_text_auto,
    "CRLF checked out (eol=crlf)": _crlf_checked_out,
    "a filter keeping the size": _filtered_same_size,
    "ident": _ident,
    "working-tree-encoding": _reencoded,
}


@pytest.mark.parametrize("difference", list(DIFFERENCES))
def test_a_file_that_may_differ_from_its_blob_is_read(tmp_path: Path, difference: str) -> None:
    root = _repo(tmp_path)
    path = DIFFERENCES[difference](root)
    found = _fingerprints(root)
    if difference == "under a linked directory":
        assert found[path] == git.git(
            root, "hash-object", "--no-filters", "--", str(root.parent / "elsewhere/c.bin")
        )
    else:
        assert found[path] == _on_disk(root, path)
    assert all(found[p] == _on_disk(root, p) for p in found if (root / p).is_file())


def test_an_untracked_file_is_no_tracked_fingerprint(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "p/new.py").write_text("new")
    assert sorted(_fingerprints(root)) == sorted(FILES)


def test_a_tracked_link_is_the_bytes_it_leads_to(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "LICENSE").write_text("one")
    (root / "p").mkdir()
    (root / "p/LICENSE").symlink_to("../LICENSE")
    git_init(root)
    before = _fingerprints(root)
    assert before["p/LICENSE"] == content_digest(root / "LICENSE")
    (root / "LICENSE").write_text("two")
    after = _fingerprints(root)
    assert after["p/LICENSE"] != before["p/LICENSE"]


def test_a_sha256_repository_fingerprints_with_its_own_ids(tmp_path: Path) -> None:
    root = _repo(tmp_path, init=("--object-format=sha256",))
    found = _fingerprints(root)
    assert all(len(found[p]) == 64 and found[p] == _on_disk(root, p) for p in FILES)
    (root / "p/a.py").write_text("changed")
    assert _fingerprints(root)["p/a.py"] == _on_disk(root, "p/a.py")


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (3 << 20) + 7])
def test_a_read_file_is_its_blob_id_whatever_its_size(tmp_path: Path, size: int) -> None:
    """Read in blocks of a MiB: a file of any size, empty or a block and a byte, is the id
    git gives its bytes."""
    root = _repo(tmp_path, {"p/big.bin": bytes(i % 251 for i in range(size))})
    found = _fingerprints(root)
    assert found["p/big.bin"] == _on_disk(root, "p/big.bin")
    assert file_digest(root / "p/big.bin", "sha1") == found["p/big.bin"]


def test_a_tracked_file_now_a_directory_or_gone_is_what_is_there(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    entries = list_sources(root, {"p": "p"}, [], ["p"]).tracked["p"]
    (root / "p/b.txt").unlink()
    (root / "p/b.txt").mkdir()
    (root / "p/b.txt/inner.txt").write_bytes(b"inner\n")
    (root / "p/a.py").unlink()
    with pytest.raises(OSError):
        file_digest(root / "p/b.txt", "sha1")
    found = tracked_digests(root, entries)
    assert found["p/b.txt"] == {"inner.txt": _on_disk(root, "p/b.txt/inner.txt")}
    assert found["p/a.py"] == MISSING
