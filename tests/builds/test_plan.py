"""The plan's per-package SOURCE_DATE_EPOCH: each package's last commit time, remembered
between runs only while HEAD and the refs are unchanged (relnox.tools.history)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from relnox.builds.plan import BuildOptions, plan_build
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_init, write_workspace
from relnox.tools import git, history

JAN, FEB, MAR = (
    "2026-01-01T12:00:00+00:00",
    "2026-02-01T12:00:00+00:00",
    "2026-03-01T12:00:00+00:00",
)


def _commit(root: Path, monkeypatch: pytest.MonkeyPatch, when: str, path: str) -> None:
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, when)
    (root / path).write_text(when + "\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"edit {path}"], cwd=root, check=True)


def _epochs(root: Path) -> dict[str, int | None]:
    plan = plan_build(load_workspace(root), BuildOptions())
    return {p.name: plan.epoch_of(p) for p in plan.packages}


def test_epochs_follow_new_commits_and_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_workspace(tmp_path / "ws", [ProjectSpec("ep-one"), ProjectSpec("ep-two")])
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, JAN)
    git_init(root)
    first = _epochs(root)
    assert set(first.values()) == {1767268800}
    key = history.history_key(root, git.head(root), history.ref_listing(root))
    assert key is not None and key.path.is_file()
    kept = key.path

    # kept: the answer stands without git being asked (a wrong one planted shows it)
    text = kept.read_text(encoding="utf-8")
    kept.write_text(text.replace("1767268800", "1234"), encoding="utf-8")
    assert set(_epochs(root).values()) == {1234}

    # a commit to one package: a new HEAD, its time read again; the other keeps its own
    one = next(p for p in load_workspace(root).packages if p.name == "ep-one").directory
    _commit(root, monkeypatch, FEB, str((one / "NEWS.txt").relative_to(root)))
    assert _epochs(root) == {"ep-one": 1769947200, "ep-two": 1767268800}
    # an unrelated commit changes neither
    _commit(root, monkeypatch, MAR, "NOTES.md")
    assert _epochs(root) == {"ep-one": 1769947200, "ep-two": 1767268800}
