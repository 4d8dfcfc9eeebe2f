"""Reproducible sdists: the same sources and SOURCE_DATE_EPOCH give the same bytes.

Wheels from every backend relnox builds are already reproducible under
``SOURCE_DATE_EPOCH``. Some backends' sdists are not: setuptools and pdm-backend write
the build time into the gzip header, and setuptools takes file times and order from
the disk. :func:`normalize_sdist` rewrites such an archive, only when needed, with
members sorted by name, times clamped to the epoch, owners zeroed and a gzip header
dated at the epoch; the files inside are the same bytes.

What cannot be made reproducible here is said so (:func:`not_reproducible`): a wheel of
compiled code holds what the compiler and linker made of the sources, which depends
on the toolchain and the machine, not on ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

from relnox.atomic import write_atomic

#: backends whose wheels hold compiled code (by the start of the backend's module name)
COMPILED = {
    "maturin": "Rust compiled by cargo",
    "scikit_build_core": "C/C++ compiled through CMake",
    "mesonpy": "code compiled through Meson",
}


def not_reproducible(backend: str, wheel: bool = True) -> str | None:
    """Why a backend's artifacts cannot be made bit-identical by relnox, or ``None``."""
    if not wheel:
        return None
    for prefix, what in COMPILED.items():
        if backend.lower().startswith(prefix):
            return (
                f"{backend}: its wheel holds {what}, whose bytes depend on the compiler, "
                "linker and machine, not on SOURCE_DATE_EPOCH; the sdist is reproducible, "
                "the wheel is only as reproducible as the toolchain"
            )
    return None


def normalize_sdist(path: Path, epoch: int) -> bool:
    """Rewrite the ``.tar.gz`` at ``path`` reproducibly; ``False`` when it already was."""
    if not path.name.endswith(".tar.gz"):
        return False
    data = path.read_bytes()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = archive.getmembers()
        names = [m.name for m in members]
        header_time = int.from_bytes(data[4:8], "little")
        if (
            header_time == epoch
            and names == sorted(names)
            and all(m.mtime <= epoch and m.uid == 0 and m.gid == 0 for m in members)
        ):
            return False
        contents = {
            m.name: archive.extractfile(m).read() if m.isfile() else None  # type: ignore[union-attr]
            for m in members
        }
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as out:
        for member in sorted(members, key=lambda m: m.name):
            member.mtime = min(int(member.mtime), epoch)
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            member.pax_headers = {}
            body = contents[member.name]
            out.addfile(member, io.BytesIO(body) if body is not None else None)
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=epoch) as zipped:
        zipped.write(raw.getvalue())
    write_atomic(path, packed.getvalue())
    return True
