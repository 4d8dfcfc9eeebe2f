"""Sdists that unpack anywhere: links leading outside an sdist become the files they
pointed to (:func:`relnox.artifacts.reproducible.resolve_outside_links`)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from relnox.artifacts.reproducible import resolve_outside_links
from relnox.errors import BuildError


def _sdist(path: Path, links: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("p-1.0/pyproject.toml")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"[]"))
        for name, target in links.items():
            link = tarfile.TarInfo(f"p-1.0/{name}")
            link.type, link.linkname = tarfile.SYMTYPE, target
            archive.addfile(link)
    return path


def _members(path: Path) -> dict[str, bytes | None]:
    with tarfile.open(path) as archive:
        return {
            m.name: archive.extractfile(m).read() if m.isfile() else None  # type: ignore[union-attr]
            for m in archive.getmembers()
        }


def test_links_leading_outside_become_their_files(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "a.json").write_text("{}")
    source = tmp_path / "packages" / "p"
    source.mkdir(parents=True)
    sdist = _sdist(
        tmp_path / "p-1.0.tar.gz",
        {"LICENSE": "../../LICENSE", "schemas": "../../shared", "inner": "pyproject.toml"},
    )
    (source / "LICENSE").symlink_to("../../LICENSE")
    (source / "schemas").symlink_to("../../shared")
    assert resolve_outside_links(sdist, source) == ["p-1.0/LICENSE", "p-1.0/schemas"]
    members = _members(sdist)
    assert members["p-1.0/LICENSE"] == b"MIT"
    assert members["p-1.0/schemas/a.json"] == b"{}"
    assert members["p-1.0/inner"] is None  # a link inside the sdist stays a link
    assert resolve_outside_links(sdist, source) == []  # nothing left to do
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "out", filter="data")


def test_a_link_to_nothing_is_named(tmp_path: Path) -> None:
    source = tmp_path / "p"
    source.mkdir()
    sdist = _sdist(tmp_path / "p-1.0.tar.gz", {"LICENSE": "../../nowhere"})
    with pytest.raises(BuildError, match=r"p-1.0/LICENSE is a link to \.\./\.\./nowhere"):
        resolve_outside_links(sdist, source)
