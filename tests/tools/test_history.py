"""The history answers kept between runs: used while HEAD and the refs are what they were,
and computed anew after anything that can change them (a commit, a tag, a replacement
object, a graft) or when the kept file is unreadable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.tools import git, history
from relnox.versions.vcs import repo_tags
from tests.bump_support import run_git


def _commit(repo: Path, name: str, text: str) -> str:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text, encoding="utf-8")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", f"{name}: {text}")
    return git.git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    run_git(repo, "init", "-q")
    _commit(repo, "a.txt", "1")
    run_git(repo, "tag", "v1.0.0")
    _commit(repo, "a.txt", "2")
    return repo


def _key(repo: Path) -> history.HistoryKey | None:
    return history.key_of(git.head(repo), history.ref_listing(repo), history.git_state(repo).paths)


def _path(repo: Path) -> Path:
    key = _key(repo)
    assert key is not None
    return key.path


def _nearness(repo: Path) -> dict[str, int]:
    return dict(repo_tags(repo, ()).nearness)


def test_kept_answers_are_used_while_the_key_holds(repo: Path) -> None:
    asked: list[list[str]] = []

    def compute(names: list[str]) -> dict[str, int]:
        asked.append(names)
        return {name: len(name) for name in names}

    assert history.remembered(_key(repo), "k", ["ab", "c"], compute) == {"ab": 2, "c": 1}
    assert history.remembered(_key(repo), "k", ["ab", "xyz"], compute) == {"ab": 2, "xyz": 3}
    assert asked == [["ab", "c"], ["xyz"]]  # only what was not kept is computed
    kept = _path(repo).read_text(encoding="utf-8")
    assert json.loads(kept)["answers"]["k"] == {"ab": 2, "c": 1, "xyz": 3}
    assert run_git(repo, "status", "--porcelain") == ""  # the work tree is untouched
    assert not (repo / ".git" / "relnox").exists()  # and so is the repository


@pytest.mark.parametrize("change", ["commit", "tag", "moved tag", "replace", "graft", "env"])
def test_a_change_of_history_or_refs_makes_a_new_key(
    repo: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _key(repo)
    assert before is not None
    if change == "commit":
        _commit(repo, "b.txt", "x")
    elif change == "tag":
        run_git(repo, "tag", "v2.0.0")
    elif change == "moved tag":
        run_git(repo, "tag", "-f", "v1.0.0", "HEAD")
    elif change == "replace":
        run_git(repo, "replace", "--graft", "HEAD")  # HEAD without parents
    elif change == "graft":
        (repo / ".git" / "info").mkdir(exist_ok=True)
        (repo / ".git" / "info" / "grafts").write_text(
            git.git(repo, "rev-parse", "HEAD") + "\n", encoding="utf-8"
        )
    else:
        monkeypatch.setenv("GIT_NO_REPLACE_OBJECTS", "1")
    after = _key(repo)
    assert after is not None and after.digest != before.digest


def test_tags_are_walked_again_after_a_new_tag_and_a_commit(repo: Path) -> None:
    # nearness ranks the tagged commits HEAD contains, nearest 0
    assert _nearness(repo) == {"v1.0.0": 0}
    run_git(repo, "tag", "v1.1.0")
    assert _nearness(repo) == {"v1.0.0": 1, "v1.1.0": 0}
    run_git(repo, "checkout", "-q", "-b", "side", "v1.0.0")
    _commit(repo, "b.txt", "side")  # a new HEAD that does not contain v1.1.0
    assert _nearness(repo) == {"v1.0.0": 0}
    run_git(repo, "checkout", "-q", "-")
    run_git(repo, "tag", "-d", "v1.0.0")
    assert _nearness(repo) == {"v1.1.0": 0}


def test_a_replacement_object_rewrites_the_walk(repo: Path) -> None:
    assert _nearness(repo) == {"v1.0.0": 0}
    run_git(repo, "replace", "--graft", "HEAD")  # HEAD's parent (the tagged commit) gone
    assert _nearness(repo) == {}


def test_a_graft_file_rewrites_the_walk(repo: Path) -> None:
    assert _nearness(repo) == {"v1.0.0": 0}
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "grafts").write_text(
        git.git(repo, "rev-parse", "HEAD") + "\n", encoding="utf-8"
    )
    assert _nearness(repo) == {}


def test_no_key_when_git_cannot_say_or_there_is_no_commit(repo: Path) -> None:
    head, refs = git.head(repo), history.ref_listing(repo)
    assert _key(repo) is not None
    assert history.key_of(head, refs, None) is None  # git could not say: no key
    assert history.key_of(None, refs, history.git_state(repo).paths) is None  # no commit: no key


def _one(repo: Path, value: int) -> dict[str, int]:
    return history.remembered(_key(repo), "k", ["a"], lambda _names: {"a": value})


def test_a_kept_answer_of_another_key_is_not_used(repo: Path) -> None:
    assert _one(repo, 1) == {"a": 1}
    assert _one(repo, 2) == {"a": 1}  # the key holds: the kept answer stands
    path = _path(repo)
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["key"] = "0" * 64
    path.write_text(json.dumps(kept), encoding="utf-8")
    assert _one(repo, 3) == {"a": 3}  # another key: computed again


@pytest.mark.parametrize("content", ["{not json", "[]", '{"key": 1, "answers": 2}'])
def test_an_unreadable_file_is_work_done(repo: Path, content: str) -> None:
    path = _path(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    assert _one(repo, 1) == {"a": 1}


def test_an_unwritable_place_is_work_done(repo: Path) -> None:
    _path(repo).parent.parent.mkdir(parents=True, exist_ok=True)
    _path(repo).parent.write_text("a file where the folder goes", encoding="utf-8")
    assert _one(repo, 1) == {"a": 1}
    assert _one(repo, 2) == {"a": 2}


def test_no_commit_no_key(tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    assert history.key_of(git.head(tmp_path), "", history.git_state(tmp_path).paths) is None
    assert repo_tags(tmp_path, ()).nearness == {}


def test_kept_answers_that_are_not_valid_are_computed_again(repo: Path) -> None:
    history.remembered(_key(repo), "k", ["a", "b"], lambda names: {n: "x" for n in names})
    again = history.remembered(
        _key(repo), "k", ["a", "b"], lambda names: {n: 7 for n in names}, valid=lambda v: v == 7
    )
    assert again == {"a": 7, "b": 7}


def test_one_process_tells_head_the_paths_and_shallowness(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = history.git_state(repo)
    assert state.head == git.head(repo) and state.shallow is False
    assert state.paths is not None and state.paths[0] == repo / ".git"
    empty = tmp_path / "empty"
    empty.mkdir()
    run_git(empty, "init", "-q")
    nothing_yet = history.git_state(empty)
    assert nothing_yet.head is None and nothing_yet.paths is not None  # no commit: no HEAD
    assert history.key_of(nothing_yet.head, "", nothing_yet.paths) is None
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow))
    cloned = history.git_state(shallow)
    assert cloned.shallow is True and cloned.head == git.head(repo)
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above
    assert history.git_state(outside) == history.GitState(None, False, None)
