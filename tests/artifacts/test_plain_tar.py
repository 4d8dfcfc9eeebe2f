"""An sdist's PKG-INFO read without tarfile where the archive is plain
(relnox/artifacts/plain_tar.py): the same bytes tarfile finds, whatever the archive; every
archive it does not take is left to tarfile."""

from __future__ import annotations

import gzip
import io
import random
import tarfile
from pathlib import Path

import pytest

from relnox.artifacts import bounded, checks, plain_tar
from relnox.artifacts.bounded import TooLarge

PKG_INFO = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nThe readme.\n"


def _sdist(path: Path, members: list[tuple[str, bytes | None, str]], form: int) -> Path:
    """A .tar.gz of ``members`` (name, data or None for a directory, kind) in tar ``form``."""
    with tarfile.open(path, "w:gz", format=form) as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type = tarfile.DIRTYPE
            elif kind == "link":
                info.type, info.linkname = tarfile.SYMTYPE, "elsewhere"
            else:
                info.size = len(data or b"")
            tar.addfile(info, io.BytesIO(data or b"") if kind == "file" else None)
    return path


def _by_tarfile(path: Path) -> str:
    try:
        with tarfile.open(path) as tar:
            member = next(
                (m for m in tar if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")),
                None,
            )
            if member is None:
                return "none"
            data = tar.extractfile(member)
            return "none" if data is None else data.read().decode()
    except (tarfile.TarError, OSError, EOFError) as exc:
        return type(exc).__name__


def _plain(path: Path) -> str | None:
    found = plain_tar.pkg_info(path)
    return None if found is None else found.decode()


LONG = "demo-1.0/" + "deep/" * 30 + "module.py"  # longer than a name field holds


@pytest.mark.parametrize(
    ("members", "form", "taken"),
    [
        (
            [("demo-1.0", None, "dir"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.USTAR_FORMAT,
            True,
        ),
        (
            [("demo-1.0/setup.py", b"x" * 1000, "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.GNU_FORMAT,
            True,
        ),
        (
            [("demo-1.0/src/PKG-INFO", b"nested", "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.USTAR_FORMAT,
            True,
        ),
        (
            [("demo-1.0/" + "a" * 120, b"long", "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.GNU_FORMAT,
            False,
        ),
        (
            [(LONG, b"prefix", "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.USTAR_FORMAT,
            True,
        ),
        ([("demo-1.0/PKG-INFO", PKG_INFO, "file")], tarfile.PAX_FORMAT, True),  # no pax header
        (
            [("demo-1.0/" + "b" * 120, b"x", "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.PAX_FORMAT,
            False,
        ),
        (
            [("demo-1.0/link", None, "link"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
            tarfile.USTAR_FORMAT,
            False,
        ),
        ([("démo-1.0/PKG-INFO", PKG_INFO, "file")], tarfile.GNU_FORMAT, False),
        ([("demo-1.0/README", b"no metadata", "file")], tarfile.USTAR_FORMAT, False),
    ],
)
def test_an_sdist_is_read_as_tarfile_reads_it_or_left_to_it(
    tmp_path: Path, members: list[tuple[str, bytes | None, str]], form: int, taken: bool
) -> None:
    path = _sdist(tmp_path / "demo-1.0.tar.gz", members, form)
    found = _plain(path)
    assert (found is not None) is taken
    if found is not None:
        assert found == _by_tarfile(path)
    expected = _by_tarfile(path)
    if expected == "none":
        with pytest.raises(ValueError, match="no PKG-INFO"):
            checks.raw_metadata(path)
    else:
        assert checks.raw_metadata(path) == expected


def test_a_damaged_sdist_is_left_to_tarfile(tmp_path: Path) -> None:
    good = _sdist(
        tmp_path / "good.tar.gz", [("demo-1.0/PKG-INFO", PKG_INFO, "file")], tarfile.USTAR_FORMAT
    )
    raw = bytearray(gzip.decompress(good.read_bytes()))
    raw[0] ^= 0x01  # the first header's checksum no longer holds
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(gzip.compress(bytes(raw)))
    assert _plain(bad) is None
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(gzip.compress(gzip.decompress(good.read_bytes())[:540]))
    assert _plain(cut) is None
    plain = tmp_path / "plain.tar.gz"  # not compressed at all
    plain.write_bytes(gzip.decompress(good.read_bytes()))
    assert _plain(plain) is None and checks.raw_metadata(plain) == PKG_INFO.decode()


def test_a_pkg_info_larger_than_any_real_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sdist(
        tmp_path / "big.tar.gz", [("demo-1.0/PKG-INFO", PKG_INFO, "file")], tarfile.USTAR_FORMAT
    )
    monkeypatch.setattr(bounded, "MEMBER_LIMIT", 10)
    with pytest.raises(TooLarge, match="PKG-INFO is 59 bytes"):
        plain_tar.pkg_info(path)


def test_generated_sdists_are_read_as_tarfile_reads_them(tmp_path: Path) -> None:
    generator = random.Random(9)
    names = ["demo-1.0", "demo-1.0/PKG-INFO", "demo-1.0/src/PKG-INFO", "demo-1.0/setup.py",
             "PKG-INFO", "other-2.0/PKG-INFO", "demo-1.0/" + "x" * 110, LONG]  # fmt: skip
    forms = [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT]
    taken = 0
    for number in range(150):
        members = []
        for _ in range(generator.randint(0, 5)):
            name = generator.choice(names)
            kind = generator.choice(["file", "file", "file", "dir", "link"])
            data = f"{name} {number}".encode() * generator.randint(0, 40)
            members.append((name, data if kind == "file" else None, kind))
        form = generator.choice(forms)
        try:
            path = _sdist(tmp_path / f"s{number}.tar.gz", members, form)
        except ValueError:  # a name the form cannot hold
            continue
        found = _plain(path)
        if found is not None:
            taken += 1
            assert found == _by_tarfile(path), members
    assert taken > 20


def test_a_header_summed_as_signed_bytes_checks_out_as_tarfile_allows(tmp_path: Path) -> None:
    """Old tar writers summed the header's bytes as signed: tarfile takes either sum."""
    raw = bytearray(512)
    raw[0:17] = b"demo-1.0/PKG-INFO"
    raw[100:108] = b"0000644\x00"
    raw[124:136] = b"%011o\x00" % len(PKG_INFO)
    raw[156:157] = b"0"
    raw[257:265] = b"ustar\x0000"
    raw[265:267] = "ü".encode()  # a user name's bytes above 127
    rest = raw[:148] + raw[156:]
    signed = 256 + sum(b - 256 if b > 127 else b for b in rest)
    raw[148:156] = b"%06o\x00 " % signed
    data = bytes(raw) + PKG_INFO + bytes(-len(PKG_INFO) % 512) + bytes(1024)
    path = tmp_path / "signed.tar.gz"
    path.write_bytes(gzip.compress(data))
    assert _by_tarfile(path) == PKG_INFO.decode()
    assert _plain(path) == PKG_INFO.decode()


def test_an_sdist_held_in_memory_is_read_from_those_bytes(tmp_path: Path) -> None:
    """raw_metadata(path, data): the PKG-INFO of ``data`` (an upload's bytes), by either
    reader, whatever the file at ``path`` holds now."""
    plain = _sdist(
        tmp_path / "demo-1.0.tar.gz",
        [("demo-1.0/PKG-INFO", PKG_INFO, "file")],
        tarfile.USTAR_FORMAT,
    )
    pax = _sdist(
        tmp_path / "pax.tar.gz",
        [("demo-1.0/" + "b" * 120, b"x", "file"), ("demo-1.0/PKG-INFO", PKG_INFO, "file")],
        tarfile.PAX_FORMAT,
    )
    for path in (plain, pax):
        held = path.read_bytes()
        path.write_bytes(b"not an archive any more")
        assert checks.raw_metadata(path, held) == PKG_INFO.decode()
