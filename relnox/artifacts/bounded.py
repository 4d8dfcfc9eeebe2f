"""Reading one metadata file out of a wheel or an sdist, never more than a real one holds
(a small zip can hold gigabytes of one repeated byte)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the callers opened the archive: nothing here needs the modules loaded
    import tarfile
    import zipfile

MEMBER_LIMIT = 64 * 1024 * 1024  # the largest metadata member relnox reads, uncompressed


class TooLarge(ValueError):
    """A member states a size above :data:`MEMBER_LIMIT`."""


def _refuse_above_limit(name: str, size: int) -> None:
    if size > MEMBER_LIMIT:
        raise TooLarge(
            f"{name} is {size:,} bytes uncompressed, more than relnox reads of a metadata file "
            f"({MEMBER_LIMIT:,} bytes); no build writes such a file"
        )


def read_zip_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of ``name`` in ``archive`` (:class:`KeyError` when it is missing)."""
    info = archive.getinfo(name)
    _refuse_above_limit(name, info.file_size)
    return archive.read(info)


def read_tar_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes | None:
    """The bytes of ``member`` in ``archive`` (``None`` when it is not a regular file)."""
    _refuse_above_limit(member.name, member.size)
    data = archive.extractfile(member)
    return None if data is None else data.read()
