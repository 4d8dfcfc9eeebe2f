"""Whether a bump moves the package's entry in ``uv.lock``, read from the history: a lock
the release commits never moved (it held an older version at each release's tag, and a
later commit refreshed it) is left as it is, said in one note; doctor warns, not errs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def _lock(version: str) -> str:
    return (
        'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n\n[[package]]\n'
        f'name = "acme"\nversion = "{version}"\nsource = {{ editable = "." }}\n'
    )


def _released(tmp_path: Path, *, lock_moves: bool) -> Path:
    """``acme`` released at 1.0.0 and 1.1.0, each by a commit moving its version (and its
    lock entry too when ``lock_moves``); otherwise a dependency update after each release
    refreshes the lock, so it held the release before at each tag."""
    files = {"pyproject.toml": project("acme", "0.9.0"), "acme/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "uv.lock": _lock("0.9.0")})
    for version in ("1.0.0", "1.1.0"):
        moved = {"pyproject.toml": project("acme", version)}
        if lock_moves:
            commit(root, {**moved, "uv.lock": _lock(version)}, f"v{version}", message="Release")
        else:
            commit(root, moved, f"v{version}", message="Release")
            commit(root, {"uv.lock": _lock(version)}, message="Update dependencies")
    return root


@pytest.mark.parametrize("lock_moves", [False, True])
def test_a_lock_the_release_commits_never_moved_is_left_with_its_reason(
    tmp_path: Path, lock_moves: bool
) -> None:
    root = _released(tmp_path, lock_moves=lock_moves)
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    plan = json.loads(done.stdout)
    assert plan["versions"] == {"acme": "1.2.0"}
    assert ("uv.lock" in plan["files"]) is lock_moves
    text = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    said = [line for line in text.stdout.splitlines() if line.startswith("note: uv.lock")]
    assert said == (
        []
        if lock_moves
        else [
            "note: uv.lock held acme 1.0.0 at v1.1.0, 0.9.0 at v1.0.0, behind each release: "
            "the lock is not kept in step at releases here, so it is left as it is (uv lock "
            "refreshes it)"
        ]
    )


def test_doctor_warns_of_a_lock_behind_that_no_release_keeps_in_step(tmp_path: Path) -> None:
    """Right after a release the lock is behind, as at every release before: a warning
    with the reason, where a lock the releases kept in step is an error."""
    root = _released(tmp_path, lock_moves=False)
    commit(root, {"pyproject.toml": project("acme", "1.2.0")}, "v1.2.0", message="Release")
    done = run_relnox("doctor", cwd=root)
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("uv.lock")]
    assert line.split()[1] == "warn"
    assert "out of date (acme 1.1.0 != 1.2.0): held acme 1.1.0 at v1.2.0" in line


def test_a_placeholder_version_keeps_its_lock_entry_as_the_file_stays(tmp_path: Path) -> None:
    """The file says 0.0.0 at every release (the build stamps the tag's version): the bump
    is the tag alone, and the lock, which follows the file, keeps 0.0.0."""
    files = {"pyproject.toml": project("acme", "0.0.0"), "acme/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "uv.lock": _lock("0.0.0")}, tags=["v1.0.0"])
    commit(root, {"acme/a.py": ""}, "v1.1.0", message="Feature")
    commit(root, {"acme/b.py": ""}, message="Fix")
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert out.startswith("acme: 0.0.0 -> 1.1.1\n"), out
    assert "uv.lock" not in out


def test_a_lock_made_after_the_first_release_read_is_left_by_the_releases_since(
    tmp_path: Path,
) -> None:
    """The lock was made after v0.9.0 and held the release before at v1.0.0 and v1.1.0: the
    release with no lock says nothing of it, so the lock is left as the two after it were (it
    was moved, the oldest release read as one that kept it in step)."""
    files = {"pyproject.toml": project("acme", "0.9.0"), "acme/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v0.9.0"])
    commit(root, {"uv.lock": _lock("0.9.0")}, message="Move to uv")
    for version in ("1.0.0", "1.1.0"):
        commit(root, {"pyproject.toml": project("acme", version)}, f"v{version}", message="Release")
        commit(root, {"uv.lock": _lock(version)}, message="Update dependencies")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "uv.lock" not in json.loads(done.stdout)["files"]
