"""relnox.paths: paths shown relative to a root, and the resolver that asks each directory once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from relnox.errors import ConfigError
from relnox.paths import Resolver, rel, written_path


def test_rel_inside_and_outside_the_root(tmp_path: Path) -> None:
    assert rel(tmp_path / "a" / "b", tmp_path) == "a/b"
    assert rel(tmp_path, tmp_path) == "."
    assert rel(Path("/elsewhere/x"), tmp_path) == "/elsewhere/x"


def test_the_resolver_answers_as_resolve_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain directories, links to directories and files, ``..`` after a link, a path that
    does not exist, a relative path: every answer is ``Path.resolve()``'s."""
    real = tmp_path / "real" / "pkgs"
    (real / "a").mkdir(parents=True)
    (real / "a" / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    (real / "b").symlink_to(real / "a")
    (real / "a" / "link.toml").symlink_to(real / "a" / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    paths = [
        real / "a" / "pyproject.toml",
        tmp_path / "alias" / "pkgs" / "a" / "pyproject.toml",
        real / "b" / "pyproject.toml",
        real / "a" / "link.toml",
        tmp_path / "alias" / "pkgs" / "b" / ".." / "a",
        real / "missing" / "pyproject.toml",
        Path("alias") / "pkgs" / "b",
        Path("."),
    ]
    resolve = Resolver()
    for _ in range(2):  # the second time from what it remembers
        assert [resolve(p) for p in paths] == [p.resolve() for p in paths]


def test_the_resolver_asks_a_shared_directory_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members below one directory: each costs one look at its own last part, not one look
    at every part of its path, so resolving n members is linear in n with a small factor."""
    for n in range(20):
        (tmp_path / "packages" / f"p{n}").mkdir(parents=True)
    looked: list[str] = []
    islink = os.path.islink

    def counted(path: str | os.PathLike[str]) -> bool:
        looked.append(os.fspath(path))
        return islink(path)

    monkeypatch.setattr(os.path, "islink", counted)
    resolve = Resolver()
    members = [tmp_path / "packages" / f"p{n}" for n in range(20)]
    assert [resolve(m) for m in members] == [m.resolve() for m in members]
    assert len(looked) == 20 + len(tmp_path.parts)  # each member once, each parent once
    assert looked.count(str(tmp_path / "packages")) == 1


def test_a_link_loop_raises_as_resolve_does(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    with pytest.raises((RuntimeError, OSError)):
        (tmp_path / "loop").resolve(strict=True)
    try:
        expected: object = (tmp_path / "loop" / "x").resolve()
    except (RuntimeError, OSError) as exc:
        expected = type(exc)
    try:
        got: object = Resolver()(tmp_path / "loop" / "x")
    except (RuntimeError, OSError) as exc:
        got = type(exc)
    assert got == expected


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
