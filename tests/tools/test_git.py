"""What relnox asks git, with a real git: the work tree a directory is in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.errors import GitError
from relnox.tools import git


def _init(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every git call of the test is written to the returned file (a ``git`` first on PATH
    that records its arguments and runs the real one)."""
    real = shutil.which("git")
    assert real is not None
    shims, log = tmp_path / "shims", tmp_path / "calls.log"
    shims.mkdir()
    shim = shims / "git"
    lines = [
        f"#!{sys.executable}",
        "import os, sys",
        f"with open({str(log)!r}, 'a') as out:",
        "    out.write(' '.join(sys.argv[1:]) + '\\n')",
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])",
    ]
    shim.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    return log


def test_a_repository_made_inside_or_removed_is_seen(tmp_path: Path, counted: Path) -> None:
    root = _init(tmp_path / "repo").resolve()
    inner = root / "packages" / "core"
    inner.mkdir(parents=True)
    assert git.toplevel(inner) == root
    _init(inner)  # a repository of its own now (a sample made inside a checkout)
    assert git.toplevel(inner) == inner
    shutil.rmtree(inner / ".git")
    shutil.rmtree(root / ".git")
    assert not git.is_repo(inner)


def _released(root: Path) -> Path:
    from relnox.sample import ProjectSpec, git_init, write_project

    write_project(root, ProjectSpec("hurt-pkg", "1.0.0"))
    git_init(root)
    subprocess.run(["git", "tag", "v1.0.0"], cwd=root, check=True)
    return root


def test_a_tag_naming_a_missing_object_says_the_repository_is_damaged(tmp_path: Path) -> None:
    """A ref to an object that is gone: git's own line, then what to do about it."""
    from tests.conftest import run_relnox

    root = _released(tmp_path / "repo")
    (root / ".git" / "refs" / "tags" / "v1.0.0").write_text("1" * 40 + "\n")
    proc = run_relnox("bump", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert f"missing object {'1' * 40}" in line
    assert line.endswith(
        "run git fsck to see which, then fetch again (git fetch --tags) or "
        "clone the repository afresh"
    )


def test_a_git_file_naming_a_gone_directory_is_said_not_taken_for_no_repository(
    tmp_path: Path,
) -> None:
    """A .git file whose gitdir: is gone (a moved worktree) is no "git init" case."""
    from tests.conftest import run_relnox

    root = _released(tmp_path / "repo")
    shutil.rmtree(root / ".git")
    (root / ".git").write_text(f"gitdir: {tmp_path / 'gone'}\n")
    with pytest.raises(GitError, match=r"its \.git names the git directory"):
        git.is_repo(root)
    proc = run_relnox("bump", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert str(tmp_path / "gone") in line and "git worktree repair" in line
    assert "git init" not in line


@pytest.mark.parametrize("command", [["bump", "--part", "minor", "--push"], ["tag", "--push"]])
def test_a_push_to_a_remote_that_never_answers_is_stopped_and_undone(
    tmp_path: Path, command: list[str]
) -> None:
    """The remote takes the connection and holds it: the push is stopped after
    ``[tool.relnox.network] stall`` seconds without progress, said in one line, and the
    bump (or the tags) undone."""
    from relnox.sample import git_commit_all
    from tests.fault_server import HANG, FaultServer

    root = _released(tmp_path / "repo")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.relnox.network]\nstall = 2\n")
    if command[0] == "tag":  # a version to tag
        pyproject.write_text(pyproject.read_text().replace('"1.0.0"', '"1.1.0"'))
    git_commit_all(root, "Ready")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    with FaultServer(rule=lambda seen: HANG) as remote:
        subprocess.run(
            ["git", "remote", "add", "origin", f"{remote.url}repo.git"], cwd=root, check=True
        )
        proc = subprocess.run(  # without a bound it would wait for ever: 60 s fails it
            [sys.executable, "-m", "relnox", *command],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert "made no progress for 2s (the remote does not answer)" in line, line
    after = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    assert after.stdout == head.stdout
    tags = subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True).stdout
    assert tags.split() == ["v1.0.0"]


def test_empty_submodules_are_the_gitlinks_whose_directory_is_empty(tmp_path: Path) -> None:
    from tests.shapes import git as run_git
    from tests.shapes import repo

    root = repo(tmp_path / "r", {"pkg/setup.py": "", "pkg/ext/full/x.h": ""})
    head = run_git(root, "rev-parse", "HEAD")
    # a clone without --recursive: the submodule's commit in the index, its directory empty
    (root / "pkg/ext/dep").mkdir(parents=True)
    run_git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},pkg/ext/dep")

    assert git.empty_submodules(root / "pkg") == ["ext/dep"]
    assert git.empty_submodules(root / "pkg/ext/full") == []
    (root / "pkg/ext/dep/x.h").write_text("")
    assert git.empty_submodules(root / "pkg") == []
    assert git.empty_submodules(tmp_path) == []  # not a repository


@pytest.mark.parametrize("command", [["packages"], ["plan"]])
def test_a_listing_asks_git_for_the_top_head_and_files_once(
    tmp_path: Path, counted: Path, command: list[str]
) -> None:
    """``packages`` and ``plan`` only read: the repository's top level and HEAD are asked
    once, and every file at a tag comes through one ``cat-file`` (git.held), however many
    stages ask (tags, conventions, changes, pin rules)."""
    from relnox.sample import generated_specs, git_init, write_workspace
    from tests.conftest import run_relnox

    root = write_workspace(tmp_path / "ws", generated_specs(4))
    git_init(root)
    subprocess.run(["git", "tag", "v0.1.0"], cwd=root, check=True)
    counted.write_text("")
    run_relnox(*command, cwd=root, check=True)
    calls = counted.read_text().splitlines()
    assert sum(c.startswith("rev-parse --is-inside-work-tree") for c in calls) == 1, calls
    assert not [c for c in calls if c == "rev-parse --show-toplevel"], calls
    assert sum(c == "rev-parse --verify --quiet HEAD" for c in calls) <= 1, calls
    assert sum(c == "cat-file --batch" for c in calls) <= 1, calls
    # a tag's commit comes from the one read of the tags, not another rev-parse
    assert not [c for c in calls if c.startswith("rev-parse") and "v0.1.0" in c], calls


def test_a_clone_missing_a_files_object_names_that_file_and_the_way_out(tmp_path: Path) -> None:
    """A repository whose commit names a blob that is gone (a copy made without its large
    files): the clone fails on git's error line naming the file, not on the closing
    "retry with git restore" line after it, with what to do about it."""
    root = _released(tmp_path / "repo")
    (root / "logo.gif").write_bytes(b"GIF89a" + bytes(range(256)))
    subprocess.run(["git", "add", "logo.gif"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "logo"], cwd=root, check=True)
    blob = git.git(root, "rev-parse", "HEAD:logo.gif")
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(GitError) as caught:
        git.git(tmp_path, "clone", "--quiet", str(root), str(tmp_path / "copy"), what="clone")
    said = str(caught.value)
    assert f"unable to read sha1 file of logo.gif ({blob})" in said, said
    assert "retry with" not in said and "\n" not in said
    assert said.endswith("the repository is damaged: run git fsck, then clone it afresh"), said
