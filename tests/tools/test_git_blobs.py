"""``git.Blobs``: one ``git cat-file --batch`` process answers what a ``git show REV:PATH``
each answered, byte for byte as relnox reads them (real repositories)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox import _proc as proc
from relnox.tools import git
from tests.bump_support import run_git

FILES = {
    "pyproject.toml": b'[project]\nversion = "1.0.0"\n',
    "crlf.txt": b"one\r\ntwo\r\nthree\rfour\n",
    "latin.txt": b"caf\xe9\n",
    "with space/v.py": b'__version__ = "1.0.0"\n',
    "empty.txt": b"",
    "no-newline.txt": b"last line",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    run_git(tmp_path, "init", "-q")
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    run_git(tmp_path, "add", "-A")
    run_git(tmp_path, "commit", "-q", "-m", "one")
    run_git(tmp_path, "tag", "v1.0.0")
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nversion = "2.0.0"\n')
    run_git(tmp_path, "commit", "-q", "-am", "two")
    return tmp_path


ASKED = [
    *(("v1.0.0", name) for name in FILES),
    ("HEAD", "pyproject.toml"),
    ("v1.0.0", "missing.toml"),  # not there
    ("no-such-tag", "pyproject.toml"),  # no such revision
    ("v1.0.0", "with space"),  # a directory: git show lists it
    ("v1.0.0", "pyproject.toml"),  # asked again after a miss
]


def test_blobs_answer_as_git_show_does(repo: Path) -> None:
    with git.Blobs(repo) as blobs:
        for rev, path in ASKED:
            assert blobs.show(rev, path) == git.show_file(repo, rev, path), (rev, path)


def test_blobs_use_one_process(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    real_run, real_coprocess = proc.run, proc.coprocess

    def counting_run(argv: list[str], **kwargs: object) -> proc.Result:
        started.append(list(argv))
        return real_run(argv, **kwargs)  # type: ignore[arg-type]

    def counting_coprocess(argv: list[str], **kwargs: object) -> object:
        started.append(list(argv))
        return real_coprocess(argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(proc, "run", counting_run)
    monkeypatch.setattr(proc, "coprocess", counting_coprocess)
    with git.Blobs(repo) as blobs:
        for name in FILES:
            assert blobs.show("v1.0.0", name) is not None
    assert started == [["git", "cat-file", "--batch"]]


def test_blobs_fall_back_to_git_show_when_the_process_is_gone(repo: Path) -> None:
    blobs = git.Blobs(repo)
    assert blobs.show("v1.0.0", "pyproject.toml") == '[project]\nversion = "1.0.0"\n'
    child = blobs._child
    assert child is not None
    child.kill()
    child.wait()
    assert blobs.show("HEAD", "pyproject.toml") == '[project]\nversion = "2.0.0"\n'
    blobs.close()
    assert blobs._child is None


def test_held_answers_every_tag_question_as_git_does(repo: Path) -> None:
    """``git.held``: doctor's per-package questions (does the tag exist, which commit does it
    name, the version file at it) answered from one ``for-each-ref`` and one ``cat-file``,
    the same as git's own answer for a lightweight tag, an annotated one, a tag of a tag,
    a tag of a tree and a tag that does not exist."""
    run_git(repo, "tag", "-a", "-m", "annotated", "v2.0.0")
    run_git(repo, "tag", "-a", "-m", "of a tag", "v2.0.0-again", "v2.0.0")
    run_git(repo, "tag", "tree-tag", "HEAD^{tree}")
    names = ["v1.0.0", "v2.0.0", "v2.0.0-again", "tree-tag", "v9.9.9"]
    alone = [(git.tag_exists(repo, t), git.tag_commit(repo, t)) for t in names]
    files = [git.show_file(repo, t, "pyproject.toml") for t in names]
    with git.held(repo):
        assert [(git.tag_exists(repo, t), git.tag_commit(repo, t)) for t in names] == alone
        assert [git.show_file(repo, t, "pyproject.toml") for t in names] == files
    assert alone[1][0] and alone[2][1] == alone[1][1] and alone[3] == (True, None)
    assert alone[4] == (False, None)


def test_blobs_answer_many_at_once_as_git_show_does(repo: Path) -> None:
    """``show_many`` writes every request before it reads the first answer; the answers are
    git show's, each asked of git once (a file asked twice is read once)."""
    asked = [*ASKED, *ASKED[:3]]
    with git.Blobs(repo) as blobs:
        assert blobs.show_many(asked) == [git.show_file(repo, rev, path) for rev, path in asked]


def test_a_batch_larger_than_a_pipe_is_answered(tmp_path: Path) -> None:
    """More requests than a pipe holds, each answer larger than its request: git stops
    reading requests while its answers wait to be read, so the requests are written beside
    the reading, never before it (else both processes wait on each other for ever)."""
    run_git(tmp_path, "init", "-q")
    names = [f"{'deep/' * 20}file-{index:04d}.txt" for index in range(2000)]  # 125 bytes a request
    for index, name in enumerate(names):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{index}\n" * 40)
    run_git(tmp_path, "add", "-A")
    run_git(tmp_path, "commit", "-q", "-m", "many")
    with git.Blobs(tmp_path) as blobs:
        said = blobs.show_many([("HEAD", name) for name in names])
    assert said == [f"{index}\n" * 40 for index in range(len(names))]


def test_a_few_files_are_asked_without_a_thread(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the tags asks one file at a time, a hundred times on a real workspace: a
    few requests fit the empty pipe and are written before the answers are read, with no
    thread started for them; many are written beside the reading, as before."""
    import threading

    started: list[object] = []

    class Counted(threading.Thread):
        def start(self) -> None:
            started.append(self)
            super().start()

    monkeypatch.setattr(threading, "Thread", Counted)
    with git.Blobs(repo) as blobs:
        assert blobs.show("v1.0.0", "pyproject.toml") == '[project]\nversion = "1.0.0"\n'
        assert blobs.show_many([("HEAD", "pyproject.toml"), ("v1.0.0", "nothing")]) == [
            '[project]\nversion = "2.0.0"\n',
            None,
        ]
        assert started == []
        many = [("HEAD", f"missing-{i:03d}.txt") for i in range(100)]
        assert blobs.show_many([*many, ("v1.0.0", "latin.txt")]) == [*[None] * 100, "caf\ufffd\n"]
        assert len(started) == 1
