"""What a backend can read: bytes on disk with links followed, files outside the package
its pyproject names, ignored files in built artifacts (:mod:`relnox.builds.sources`)."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

from relnox.builds.sources import (
    MISSING,
    content_digest,
    list_sources,
    outside_files,
    renamed_sources,
    taken_in,
    unprovable_reason,
)
from relnox.sample import git_init
from relnox.tools import git


def test_a_linked_directory_is_every_file_under_its_target(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "a.json").write_text("1")
    link = tmp_path / "pkg" / "schemas"
    link.parent.mkdir()
    os.symlink("../shared", link)
    before = content_digest(link)
    assert set(before) == {"a.json"}
    (shared / "b.json").write_text("2")
    assert set(content_digest(link)) == {"a.json", "b.json"}
    (shared / "a.json").write_text("changed")
    assert content_digest(link)["a.json"] != before["a.json"]
    os.symlink("missing-target", tmp_path / "pkg" / "dangling")
    assert content_digest(tmp_path / "pkg" / "dangling") == MISSING


def test_a_link_loop_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f").write_text("x")
    os.symlink("..", tmp_path / "d" / "up")
    assert "f" in content_digest(tmp_path / "d")


def test_outside_files_are_the_paths_a_backend_may_read(tmp_path: Path) -> None:
    pkg = tmp_path / "packages" / "p"
    pkg.mkdir(parents=True)
    (tmp_path / "README.md").write_text("top")
    (tmp_path / "LICENSE-A").write_text("a")
    (tmp_path / "LICENSE-B").write_text("b")
    document = {
        "project": {
            "readme": "../../README.md",
            "license-files": ["../../LICENSE-*"],
            "dependencies": ["x @ file:///../elsewhere"],
        },
        "tool": {
            "hatch": {"build": {"force-include": {"../../README.md": "p/README.md"}}},
            "uv": {"sources": {"sibling": {"path": "../sibling"}}},
        },
    }
    found = outside_files(pkg, document)
    assert set(found) == {
        "../../README.md",
        "../../LICENSE-*:LICENSE-A",
        "../../LICENSE-*:LICENSE-B",
    }
    before = found["../../README.md"]
    (tmp_path / "README.md").write_text("changed")
    assert outside_files(pkg, document)["../../README.md"] != before
    (tmp_path / "README.md").unlink()
    assert outside_files(pkg, document)["../../README.md"] == MISSING
    assert outside_files(pkg, {"project": {"readme": "README.md"}}) == {}


def _wheel(path: Path, *names: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return path


def _sdist(path: Path, *names: str) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name in names:
            info = tarfile.TarInfo(f"p-1.0/{name}")
            info.size = 1
            archive.addfile(info, io.BytesIO(b"x"))
    return path


def test_an_ignored_file_in_the_artifacts_is_unprovable(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "p-1.0-py3-none-any.whl", "p/__init__.py", "p/data.dat")
    sdist = _sdist(tmp_path / "p-1.0.tar.gz", "src/p/__init__.py", "PKG-INFO")
    assert unprovable_reason(taken_in([sdist, wheel], tmp_path, [])) == ""
    taken = taken_in([sdist, wheel], tmp_path, ["src/p/data.dat"])
    assert "src/p/data.dat is in its artifacts but git ignores it" in unprovable_reason(taken)
    setuptools = _sdist(tmp_path / "q-1.0.tar.gz", "p.egg-info/PKG-INFO", "PKG-INFO")
    assert unprovable_reason(taken_in([setuptools], tmp_path, ["p.egg-info/PKG-INFO"])) == ""


def test_every_ignored_file_in_the_artifacts_is_taken_in_each_once(tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "p-1.0-py3-none-any.whl", "p/__init__.py", "p/data.dat", "p/static/app.js"
    )
    sdist = _sdist(tmp_path / "p-1.0.tar.gz", "src/p/data.dat", "p.egg-info/SOURCES.txt")
    ignored = [
        "src/p/data.dat",
        "src/p/static/app.js",
        "src/p/unused.dat",  # ignored, not shipped
        "p.egg-info/SOURCES.txt",  # written by the build itself
    ]
    assert taken_in([sdist, wheel], tmp_path, ignored) == ["src/p/data.dat", "src/p/static/app.js"]
    assert taken_in([sdist, wheel], tmp_path, []) == []


def test_a_wheel_member_is_its_source_not_the_copy_a_build_left_in_build(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "p-1.0-py3-none-any.whl", "p/data.dat")
    copies = ["build/lib/p/data.dat", "src/p/data.dat"]
    assert taken_in([wheel], tmp_path, copies) == ["src/p/data.dat"]
    assert taken_in([wheel], tmp_path, copies[:1]) == copies[:1]  # the only one there is
    (tmp_path / "p").mkdir()
    (tmp_path / "p/data.dat").write_text("tracked")  # the member's own path: not taken
    assert taken_in([wheel], tmp_path, copies) == []


def test_renamed_sources_are_what_a_pyproject_maps_under_another_name() -> None:
    document = {
        "tool": {
            "hatch": {
                "build": {
                    "force-include": {"./gen/info.json": "p/_info.json", "../../LICENSE": "L"},
                    "targets": {
                        "wheel": {"shared-data": {"gen/share": "share/p"}},
                        "sdist": {"force-include": {"gen\\x.txt": "x.txt"}},
                    },
                }
            },
            "setuptools": {"data-files": {"etc/p": ["gen/p.conf", "gen/*.ini"]}},
        }
    }
    assert renamed_sources(document) == [
        ("gen/info.json", "p/_info.json"),  # the one outside is an ``outside`` input
        ("gen/share", "share/p"),
        ("gen/x.txt", "x.txt"),
        ("gen/p.conf", "etc/p/p.conf"),  # globs are not expanded
    ]
    assert renamed_sources({}) == []


def test_a_file_git_ignores_taken_in_under_another_name_is_found(tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "p-1.0-py3-none-any.whl",
        "p/_info.json",
        "p-1.0.data/data/share/p/a.css",
    )
    renamed = [("gen/info.json", "p/_info.json"), ("gen/share", "share/p")]
    ignored = ["gen/info.json", "gen/share/a.css", "gen/share/unused.css", "gen/other.json"]
    assert taken_in([wheel], tmp_path, ignored) == []  # neither its path nor its name's tail
    assert taken_in([wheel], tmp_path, ignored, renamed) == ["gen/info.json", "gen/share/a.css"]


def test_the_listing_sees_assumed_and_privately_ignored_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "p").mkdir(parents=True)
    (root / "p" / "a.py").write_text("a")
    (root / ".gitignore").write_text("*.log\n")
    git_init(root)
    (root / "p" / "x.log").write_text("log")
    (root / "p" / "private.py").write_text("mine")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("private.py\n")
    git.git(root, "update-index", "--assume-unchanged", "p/a.py")
    listing = list_sources(root, {"p": "p"}, [], ["."])
    assert listing.assumed == {"p": "p/a.py"}
    assert sorted(listing.ignored["p"]) == ["p/private.py", "p/x.log"]
    assert listing.private == {"p": "p/private.py"}
