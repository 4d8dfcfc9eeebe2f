"""git questions asked ahead (relnox.tools.git.Ahead, relnox.tools.history.ask_ahead):
taken once, only while open, only in the same directory and environment."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from relnox.errors import GitError
from relnox.tools import git, history
from tests.shapes import git as sh_git
from tests.shapes import repo


def _repo(tmp_path: Path) -> Path:
    return repo(tmp_path / "r", {"README": "x\n"}, tags=["v1.0.0"])


def _wait(ahead: git.Ahead) -> None:
    for answer in ahead.answers:
        answer.exception()  # the answers are in: what git said before the change below


def test_the_answer_asked_ahead_is_taken_once_while_open(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    with history.ask_ahead(root) as ahead:
        _wait(ahead)
        sh_git(root, "tag", "v1.1.0")  # after git answered: only a new asking sees it
        first = history.ref_listing(root)
        second = history.ref_listing(root)
        assert git.is_repo(root)
        assert history.git_state(root).head == sh_git(root, "rev-parse", "HEAD").strip()
    assert "refs/tags/v1.1.0" not in first  # the answer given ahead
    assert "refs/tags/v1.1.0" in second  # taken once: asked again
    assert "refs/tags/v1.1.0" in history.ref_listing(root)


def test_an_answer_not_taken_is_dropped_when_closed(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    with history.ask_ahead(root) as ahead:
        _wait(ahead)
    sh_git(root, "tag", "v2.0.0")
    assert "refs/tags/v2.0.0" in history.ref_listing(root)
    assert not [t for t in threading.enumerate() if t.name == "relnox-git-ahead"]


def test_another_directory_or_environment_asks_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    other = repo(tmp_path / "other", {"README": "y\n"}, tags=["v9.0.0"])
    with history.ask_ahead(root) as ahead:
        _wait(ahead)
        sh_git(root, "tag", "v1.2.0")
        assert "refs/tags/v9.0.0" in history.ref_listing(other)
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
        assert "refs/tags/v1.2.0" in history.ref_listing(root)  # not the answer given ahead


def test_git_missing_is_said_where_the_answer_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with history.ask_ahead(root) as ahead:
        _wait(ahead)
        with pytest.raises(GitError, match="git is not installed"):
            history.ref_listing(root)
