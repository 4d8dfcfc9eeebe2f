"""Sdists that unpack anywhere: links leading outside an sdist become the files they
pointed to (:func:`relnox.artifacts.reproducible.shipped_sdist`); sdists that are
the same bytes on every build (the same function)."""

from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from pathlib import Path

import pytest

from relnox.artifacts.reproducible import GZIP_LEVEL, not_reproducible, shipped_sdist
from relnox.errors import BuildError


def finish_sdist(path: Path, source: Path | None, epoch: int | None) -> tuple[list[str], bool]:
    """The sdist at ``path`` as build-all ships it, written: the members replaced, and
    whether it was normalised. The archive the wheel is built from is the one written."""
    shipped = shipped_sdist(path, source, epoch)
    shipped.write(path)
    with gzip.GzipFile(path) as written:
        assert shipped.tar == written.read()
    return shipped.replaced, shipped.normalized


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
    assert finish_sdist(sdist, source, None)[0] == ["p-1.0/LICENSE", "p-1.0/schemas"]
    members = _members(sdist)
    assert members["p-1.0/LICENSE"] == b"MIT"
    assert members["p-1.0/schemas/a.json"] == b"{}"
    assert members["p-1.0/inner"] is None  # a link inside the sdist stays a link
    assert finish_sdist(sdist, source, None)[0] == []  # nothing left to do
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "out", filter="data")


def test_a_link_outside_the_repository_is_refused(tmp_path: Path) -> None:
    """A package's link to /dev/zero (or to /) would have been read without end (a
    MemoryError traceback): a link leading outside the work tree is named instead."""
    (tmp_path / ".git").mkdir()
    source = tmp_path / "p"
    source.mkdir()
    (source / "data.bin").symlink_to("/dev/zero")
    sdist = _sdist(tmp_path / "p-1.0.tar.gz", {"data.bin": "/dev/zero"})
    with pytest.raises(
        BuildError, match=r"p-1\.0/data\.bin is a link to /dev/zero, outside the rep"
    ):
        finish_sdist(sdist, source, None)[0]


def test_a_link_to_nothing_is_named(tmp_path: Path) -> None:
    source = tmp_path / "p"
    source.mkdir()
    sdist = _sdist(tmp_path / "p-1.0.tar.gz", {"LICENSE": "../../nowhere"})
    with pytest.raises(BuildError, match=r"p-1.0/LICENSE is a link to \.\./\.\./nowhere"):
        finish_sdist(sdist, source, None)[0]


def _packed(path: Path, files: dict[str, bytes], mtime: int) -> Path:
    """An sdist of ``files`` in the given order, each dated ``mtime`` (after the epoch: clamped to it), owned by uid 1000,
    its gzip header dated now (as setuptools and pdm-backend write them)."""
    with tarfile.open(path, "w:gz") as archive:
        for name, body in files.items():
            info = tarfile.TarInfo(f"p-1.0/{name}")
            info.size, info.mtime, info.uid, info.uname = len(body), mtime, 1000, "someone"
            archive.addfile(info, io.BytesIO(body))
    return path


def test_the_same_files_in_another_order_normalise_to_the_same_bytes(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": b"[project]\n",
        "PKG-INFO": b"Name: p\n",
        "p/__init__.py": b"x" * 5000,
    }
    epoch = 1_700_000_000
    one = _packed(tmp_path / "one.tar.gz", files, epoch + 100)
    other = _packed(tmp_path / "other.tar.gz", dict(reversed(files.items())), epoch + 50)
    assert one.read_bytes() != other.read_bytes()
    assert finish_sdist(one, None, epoch)[1] and finish_sdist(other, None, epoch)[1]
    assert one.read_bytes() == other.read_bytes()
    data = one.read_bytes()
    assert not finish_sdist(one, None, epoch)[1]  # already normal: the same bytes again
    assert one.read_bytes() == data
    assert int.from_bytes(data[4:8], "little") == epoch
    raw = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        members = archive.getmembers()
    assert [m.name for m in members] == sorted(f"p-1.0/{n}" for n in files)
    assert all(m.mtime <= epoch and m.uid == 0 and not m.uname for m in members)
    assert _members(one) == {f"p-1.0/{n}": b for n, b in files.items()}
    # the deflate stream is zlib's at GZIP_LEVEL (a change of level changes every sdist)
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert packer.compress(raw) + packer.flush() in data


def test_links_and_normalising_in_one_pass_give_the_bytes_of_the_two_steps(
    tmp_path: Path,
) -> None:
    """The build reads its sdist once to put in the files its links lead to and to make it
    reproducible: the same bytes as each step on its own, one after the other."""
    (tmp_path / "LICENSE").write_text("MIT")
    source = tmp_path / "packages" / "p"
    source.mkdir(parents=True)
    (source / "LICENSE").symlink_to("../../LICENSE")
    epoch = 1_700_000_000
    one = _sdist(tmp_path / "one.tar.gz", {"LICENSE": "../../LICENSE"})
    two = tmp_path / "two.tar.gz"
    two.write_bytes(one.read_bytes())
    assert finish_sdist(one, source, None)[0] == ["p-1.0/LICENSE"]
    assert finish_sdist(one, None, epoch)[1]
    assert finish_sdist(two, source, epoch) == (["p-1.0/LICENSE"], True)
    assert two.read_bytes() == one.read_bytes()
    assert finish_sdist(two, source, epoch) == ([], False)  # done: left as it is


def test_a_pure_wheel_of_a_native_backend_is_reproducible() -> None:
    # meson-python builds itself, a scikit-build-core project may install only Python files
    assert not_reproducible("mesonpy", ["meson_python-0.21.0-py3-none-any.whl"]) is None
    assert not_reproducible("scikit_build_core.build", ["nb-3.0.0-py3-none-any.whl"]) is None
    assert not_reproducible("mesonpy", []) is None  # no wheel built
    why = not_reproducible("mesonpy", ["ext-1.0-cp311-cp311-linux_x86_64.whl"])
    assert why is not None and why.startswith("mesonpy: its wheel holds code compiled")


def test_a_name_twice_in_an_sdist_keeps_each_member_s_own_bytes(tmp_path: Path) -> None:
    """A tar may hold one name twice (a file added again; extracting it, the last wins):
    normalising keeps each member with its own bytes, in the order written, instead of
    giving both the last one's (a shorter last body made the rewrite fail)."""
    epoch = 1_700_000_000
    sdist = tmp_path / "p-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for body in (b"the first, longer text\n", b"second\n"):
            info = tarfile.TarInfo("p-1.0/p/data.txt")
            info.size, info.mtime = len(body), epoch + 10
            archive.addfile(info, io.BytesIO(body))
    assert finish_sdist(sdist, None, epoch) == ([], True)
    with tarfile.open(sdist) as archive:
        bodies = [archive.extractfile(m).read() for m in archive.getmembers()]  # type: ignore[union-attr]
    assert bodies == [b"the first, longer text\n", b"second\n"]
    assert _members(sdist) == {"p-1.0/p/data.txt": b"second\n"}


@pytest.mark.parametrize("epoch", [1_700_000_000, None])
def test_an_sdist_s_bytes_do_not_depend_on_how_its_backend_compressed_it(
    tmp_path: Path, epoch: int | None
) -> None:
    """Every .tar.gz sdist is compressed again, even one already normal: a backend's
    build_sdist forked by the hook server stores its archive uncompressed (gzip level 0),
    and the sdist shipped is the same as the one the backend compresses itself."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name in ("PKG-INFO", "p/__init__.py", "pyproject.toml"):
            info = tarfile.TarInfo(f"p-1.0/{name}")
            info.size, info.mtime = 5000, 1_600_000_000
            archive.addfile(info, io.BytesIO(b"x" * 5000))
    shipped = []
    for level in (9, 0):
        path = tmp_path / str(level) / "p-1.0.tar.gz"
        path.parent.mkdir()
        with gzip.GzipFile(path, "wb", compresslevel=level, mtime=epoch or 1) as packed:
            packed.write(raw.getvalue())
        assert finish_sdist(path, None, epoch) == ([], False)  # already normal
        shipped.append(path.read_bytes())
    assert shipped[0] == shipped[1]
