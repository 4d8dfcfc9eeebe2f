"""Scratch directories leave a build's path at once and are gone when the run ends
(:mod:`relnox.builds.scratch`)."""

from __future__ import annotations

from pathlib import Path

from relnox.builds.scratch import Sweeper


def _tree(path: Path, files: int = 30) -> Path:
    for i in range(files):
        (path / f"d{i % 5}").mkdir(parents=True, exist_ok=True)
        (path / f"d{i % 5}" / f"f{i}.py").write_text("x" * i)
    return path


def test_a_swept_directory_is_gone_at_once_and_its_files_when_closed(tmp_path: Path) -> None:
    sweeper = Sweeper(tmp_path / "bin")
    swept = [_tree(tmp_path / f"work-{n}") for n in range(4)]
    for path in swept:
        sweeper.sweep(path)
        assert not path.exists()  # off the build's path before sweep returns
    sweeper.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the bin and all in it


def test_a_directory_that_cannot_be_moved_is_removed_at_once(tmp_path: Path) -> None:
    (tmp_path / "bin").write_text("a file where the bin should be")
    sweeper = Sweeper(tmp_path / "bin")
    sweeper.sweep(tmp_path / "never-made")  # nothing to move or remove: no error
    work = _tree(tmp_path / "work")
    sweeper.sweep(work)
    assert not work.exists()
    sweeper.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]  # the file, left alone


def test_closing_a_sweeper_given_nothing_leaves_nothing(tmp_path: Path) -> None:
    sweeper = Sweeper(tmp_path / "bin")
    sweeper.close()
    assert not (tmp_path / "bin").exists()
