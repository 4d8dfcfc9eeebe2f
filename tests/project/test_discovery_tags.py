"""``discover(root, tags=False)``: what build-all and verify-install load. The tags are
read only where they decide a package; everything those commands use is the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.project.discovery import discover, load_workspace
from tests.shapes import commit, project, repo


def _static(tmp_path: Path) -> Path:
    members = '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
    return repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[project]\nname = "root"\nversion = "0"\n' + members,
            "libs/core/pyproject.toml": project("core", "1.1.0"),
            "libs/core/src/core/__init__.py": "",
            "libs/app/pyproject.toml": project("app", "2.0.0"),
            "libs/app/src/app/__init__.py": "",
        },
        tags=["core-v1.0.0", "app-v2.0.0"],
    )


def test_static_versions_need_no_tags(tmp_path: Path) -> None:
    root = _static(tmp_path)
    full, lean = discover(root), discover(root, tags=False)
    assert all(p.tags is not None for p in full.packages)
    assert all(p.tags is None for p in lean.packages)
    assert [(p.name, p.version) for p in lean.packages] == [
        (p.name, p.version) for p in full.packages
    ]


def test_a_version_from_tags_still_reads_them(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("plug", None, backend="setuptools-scm"),
            "src/plug/__init__.py": "",
        },
        tags=["v1.5.1"],
    )
    commit(root, {"x.txt": "x"}, "v1.6.0")
    (pkg,) = load_workspace(root, tags=False).packages
    assert (pkg.version, pkg.vcs_versioned) == ("1.6.0", True)
    assert pkg.tags is not None


def test_packages_tagged_alike_read_the_tags_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A core and its plugins released under the core's tags (``core@1.1.0``, configured):
    each tag is read as a version once for all of them, and each gets the same releases."""
    from relnox.versions.tag_model import TagConvention

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "plugins/*"]\n'
        '[tool.relnox]\ntag-format = "core@{version}"\n'
    }
    names = ["core", *(f"core-plugin-{n}" for n in ("a", "b", "c"))]
    for name in names:
        where = "core" if name == "core" else f"plugins/{name}"
        files[f"{where}/pyproject.toml"] = project(name, "1.1.0")
    tags = ["core@1.0.0", "core@1.0.1", "core@1.1.0"]
    root = repo(tmp_path / "r", files, tags=tags)
    read: list[str] = []
    real = TagConvention.version_of

    def counted(self: TagConvention, tag: str, *, name: str, dir: str) -> object:
        read.append(tag)
        return real(self, tag, name=name, dir=dir)

    monkeypatch.setattr(TagConvention, "version_of", counted)
    ws = load_workspace(root)
    formats = {p.tags.convention.format.replace("{name}", p.name) for p in ws.packages if p.tags}
    assert formats == {"core@{version}"}
    assert {str(p.tags.highest) for p in ws.packages if p.tags} == {"1.1.0"}
    assert sorted(read) == tags
