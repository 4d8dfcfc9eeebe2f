"""relnox.paths: paths shown relative to a root, and the resolver that asks each directory once."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.errors import ConfigError
from relnox.paths import rel, written_path


def test_rel_inside_and_outside_the_root(tmp_path: Path) -> None:
    assert rel(tmp_path / "a" / "b", tmp_path) == "a/b"
    assert rel(tmp_path, tmp_path) == "."
    assert rel(Path("/elsewhere/x"), tmp_path) == "/elsewhere/x"


def test_written_path_follows_a_link_only_inside_the_repository(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    (top / "sub").mkdir(parents=True)
    (top / "real.txt").write_text("x", encoding="utf-8")
    (top / "sub" / "inside").symlink_to("../real.txt")
    (tmp_path / "outside.txt").write_text("y", encoding="utf-8")
    (top / "sub" / "outside").symlink_to(tmp_path / "outside.txt")
    (top / "sub" / "dangling").symlink_to(tmp_path / "gone.txt")
    assert written_path(top / "real.txt", top) == top / "real.txt"
    assert written_path(top / "new.txt", top) == top / "new.txt"  # not there yet
    assert written_path(top / "sub" / "inside", top) == (top / "real.txt").resolve()
    for name in ("outside", "dangling"):
        with pytest.raises(ConfigError, match="outside the repository"):
            written_path(top / "sub" / name, top)


def test_written_path_refuses_a_path_climbing_out_of_the_repository(tmp_path: Path) -> None:
    """``version-files = ["../other/v.py"]`` or an absolute path elsewhere: not a link, but
    outside all the same; a bump writes no file there."""
    top = tmp_path / "repo"
    top.mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "v.py").write_text('__version__ = "1.0.0"\n', encoding="utf-8")
    assert written_path(top / "sub" / ".." / "v.py", top) == top / "sub" / ".." / "v.py"
    for path in (top / ".." / "other" / "v.py", tmp_path / "other" / "v.py"):
        with pytest.raises(ConfigError, match="outside the repository"):
            written_path(path, top)
