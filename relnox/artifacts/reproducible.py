"""Reproducible sdists: the same sources and SOURCE_DATE_EPOCH give the same bytes;
:func:`not_reproducible` says why a compiled wheel cannot be made bit-identical here."""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from relnox.atomic import write_atomic
from relnox.errors import BuildError
from relnox.files import read_bytes

#: zlib's default: level 9 took 3.5 times as long on a 1 MB sdist for a file 1.5% smaller
GZIP_LEVEL = 6

#: an archive's members, each with its bytes (``None``: not a regular file)
Entries = list[tuple[tarfile.TarInfo, bytes | None]]

#: backends whose wheels hold compiled code (by the start of the backend's module name)
COMPILED = {
    "maturin": "Rust compiled by cargo",
    "scikit_build_core": "C/C++ compiled through CMake",
    "mesonpy": "code compiled through Meson",
}


def not_reproducible(backend: str, wheels: Sequence[str]) -> str | None:
    """Why a backend's wheels (their file names) cannot be made bit-identical, or ``None``."""
    if all(name.endswith("-none-any.whl") for name in wheels):
        return None
    for prefix, what in COMPILED.items():
        if backend.lower().startswith(prefix):
            return (
                f"{backend}: its wheel holds {what}, whose bytes depend on the compiler, "
                "linker and machine, not on SOURCE_DATE_EPOCH; the sdist is reproducible, "
                "the wheel is only as reproducible as the toolchain"
            )
    return None


def _read(tar: bytes) -> Entries:
    """A tar's members, each with its own bytes (a name may be there twice), in one pass."""
    with tarfile.open(fileobj=io.BytesIO(tar), mode="r:") as archive:
        entries: Entries = []
        for member in archive:
            body = archive.extractfile(member) if member.isfile() else None
            entries.append((member, body.read() if body is not None else None))
        return entries


def _write(path: Path, tar: bytes, mtime: int) -> None:
    packed = io.BytesIO()
    with gzip.GzipFile(
        filename="", mode="wb", fileobj=packed, mtime=mtime, compresslevel=GZIP_LEVEL
    ) as zipped:
        zipped.write(tar)
    write_atomic(path, packed.getvalue())


def _normal(header: int, members: Sequence[tarfile.TarInfo], epoch: int) -> bool:
    """Whether an sdist is already what :func:`shipped_sdist` makes of it."""
    names = [m.name for m in members]
    return (
        header == epoch
        and names == sorted(names)
        and all(m.mtime <= epoch and m.uid == 0 and m.gid == 0 for m in members)
    )


def _normalized(entries: Entries, epoch: int) -> Entries:
    """``entries`` sorted by name, their times clamped to ``epoch`` and owners zeroed."""
    for member, _body in entries:
        member.mtime = min(int(member.mtime), epoch)
        member.uid = member.gid = 0
        member.uname = member.gname = ""
        member.pax_headers = {}
    return sorted(entries, key=lambda entry: entry[0].name)


def _tar(entries: Entries) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as out:
        for member, body in entries:
            out.addfile(member, io.BytesIO(body) if body is not None else None)
    return raw.getvalue()


@dataclass(frozen=True)
class Shipped:
    """An sdist as relnox ships it, its file not yet written."""

    tar: bytes | None  # its archive uncompressed, what unpacking its file gives (None: a zip)
    replaced: list[str]  # the links that led outside it, now their files
    normalized: bool  # rewritten reproducibly
    header: int | None = None  # its gzip header's time (None: a zip, left as it is)

    def write(self, path: Path) -> None:
        if self.tar is not None and self.header is not None:
            _write(path, self.tar, self.header)


def shipped_sdist(path: Path, source: Path | None, epoch: int | None) -> Shipped:
    """The sdist at ``path`` as relnox ships it: its links leading outside replaced by the
    files of ``source``, then, with ``epoch``, rewritten reproducibly (sorted, times clamped,
    owners zeroed); a ``.tar.gz`` always compressed again, whatever the backend did."""
    if not path.name.endswith(".tar.gz"):
        return Shipped(None, [], False)
    with path.open("rb") as file:  # decompressed as read: a stored one is not held twice
        header = int.from_bytes(file.read(8)[4:], "little")
        file.seek(0)
        with gzip.GzipFile(fileobj=file) as unzipped:  # as tarfile reads a .tar.gz
            tar = unzipped.read()
    entries = _read(tar)
    replaced: list[str] = []
    if source is not None and any(_escapes(m) for m, _body in entries):
        entries, replaced = _resolved(path, source, entries)
    if epoch is not None and not _normal(header, [m for m, _ in entries], epoch):
        return Shipped(_tar(_normalized(entries, epoch)), replaced, True, epoch)
    return Shipped(_tar(entries) if replaced else tar, replaced, False, header)


def _escapes(member: tarfile.TarInfo) -> bool:
    """Whether a link member points outside the archive's top directory."""
    if not (member.issym() or member.islnk()):
        return False
    base = posixpath.dirname(member.name) if member.issym() else ""
    normal = posixpath.normpath(posixpath.join(base, member.linkname))
    top = member.name.split("/")[0]
    return member.linkname.startswith("/") or not (normal == top or normal.startswith(top + "/"))


def _resolved(path: Path, source: Path, entries: Entries) -> tuple[Entries, list[str]]:
    """``entries`` with each link leaving the sdist replaced by its files, and those links."""
    replaced: list[str] = []
    out: Entries = []
    here = Path(os.path.realpath(source))  # in its work tree (outside git, the root)
    tree = next((d for d in (here, *here.parents) if (d / ".git").exists()), Path(here.anchor))
    for member, body in entries:
        if not _escapes(member):
            out.append((member, body))
            continue
        origin = source / member.name.partition("/")[2]
        real = Path(os.path.realpath(origin))
        if not real.is_relative_to(tree):  # a link to / or /dev/zero
            raise BuildError(
                f"{path.name}: {member.name} is a link to {member.linkname}, outside the "
                "repository; replace the link by a copy of the file"
            )
        files = sorted(p for p in real.rglob("*") if p.is_file()) if real.is_dir() else [real]
        for file in files:
            name = member.name if file == real else f"{member.name}/{file.relative_to(real)}"
            try:
                content = read_bytes(file)
            except OSError as exc:
                raise BuildError(
                    f"{path.name}: {member.name} is a link to {member.linkname}, outside "
                    f"the sdist, and {file} cannot be read ({exc.strerror}); replace the "
                    "link by a copy of the file"
                ) from None
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), 0o644, member.mtime
            out.append((info, content))
        replaced.append(member.name)
    return out, replaced
