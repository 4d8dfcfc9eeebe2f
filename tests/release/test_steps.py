"""The release's steps read the repository as the commands they stand for do: a bump plans
under git.held, so a workspace of many packages asks git no question per package."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from relnox import _proc as proc
from relnox.release.pipeline import STAGES, ReleaseOptions, StageReport, release
from relnox.sample import generated_specs, git_init, write_workspace
from relnox.tools import git


class _BumpDone(Exception):
    """Raised by the progress callback once the bump stage reported: nothing after it runs."""


def _release_gits(root: Path, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The git commands (their first two words, counted) a release runs up to its bump."""
    asked: Counter[str] = Counter()
    real = proc.run

    def counted(argv: Sequence[str], *args: Any, **kwargs: Any) -> proc.Result:
        if os.path.basename(str(argv[0])) == "git":
            asked[" ".join(str(a) for a in argv[1:3])] += 1
        return real(argv, *args, **kwargs)

    def stop(report: StageReport) -> None:
        if report.name == "bump":
            raise _BumpDone

    monkeypatch.setattr(proc, "run", counted)
    skip = frozenset(STAGES) - {"bump", "tag"}  # tag kept: its names are checked before
    with pytest.raises(_BumpDone):
        release(root, ReleaseOptions(part="patch", skip=skip, yes=True), progress=stop)
    monkeypatch.setattr(proc, "run", real)
    return asked


def _lockstep(root: Path, count: int) -> Path:
    specs = generated_specs(count, prefix=f"step{count}")
    write_workspace(root, specs, relnox='tag-format = "v{version}"')
    git_init(root)
    git.git(root, "tag", "v0.1.0")
    return root


def test_a_release_s_checks_and_bump_ask_git_nothing_per_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lockstep workspaces, of 2 and of 6 packages sharing one tag: the release's tag
    name check (one name), its rerun check and its bump's plan run the same git commands,
    as many of each. Before, each package's tag name was checked (git check-ref-format),
    its tag looked up (rev-parse --verify) and the bump's plan asked git for the
    repository's top twice per package: 248 processes for a 73-package workspace, 28 now."""
    few = _release_gits(_lockstep(tmp_path / "few", 2), monkeypatch)
    many = _release_gits(_lockstep(tmp_path / "many", 6), monkeypatch)
    assert many == few
    assert few["check-ref-format refs/tags/v0.1.0"] == 1, few
