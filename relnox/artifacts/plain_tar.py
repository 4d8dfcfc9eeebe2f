"""An sdist's ``PKG-INFO`` read without :mod:`tarfile` where the archive is plain.

An upload's form holds the file's core metadata; a publish that checked its files at build
time (their proof) opens each sdist only for that. :mod:`tarfile` (with ``shutil``,
``copy``, ``pwd``, ``grp`` and ``gzip``) costs more to import than a small release takes to
upload. :func:`pkg_info` reads a ``.tar.gz`` block by block as :mod:`tarfile` would, up to
the first member it would find (``NAME/PKG-INFO``, one level down), where every header
before it is a plain POSIX or GNU one (a regular file or a directory, an ASCII name, an
octal size, a checksum that holds); anything else (pax or long-name headers, links,
another compression, a header that does not check out) is ``None``, and :mod:`tarfile`
reads the archive as before. ``tests/artifacts/test_plain_tar.py`` holds the two to each
other.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import BinaryIO

from relnox.artifacts import bounded
from relnox.artifacts.bounded import too_large

_BLOCK = 512
_READ = 64 * 1024
_POSIX, _GNU = b"ustar\x0000", b"ustar  \x00"
_REGULAR, _DIRECTORY = (b"0", b"\x00"), b"5"


class _Stream:
    """The decompressed bytes of a gzip file, read forward."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.gzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.buffer = b""
        self.at = 0  # what of the buffer was taken

    def take(self, size: int) -> bytes | None:
        """The next ``size`` bytes, ``None`` where the file ends first."""
        while len(self.buffer) - self.at < size:
            if self.gzip.eof:
                return None  # a second gzip member, or bytes after the first: tarfile's
            if self.gzip.unconsumed_tail:
                chunk = self.gzip.unconsumed_tail
            else:
                chunk = self.fh.read(_READ)
                if not chunk:
                    return None
            more = self.gzip.decompress(chunk, max(size - len(self.buffer) + self.at, _READ))
            self.buffer, self.at = self.buffer[self.at :] + more, 0
        taken = self.buffer[self.at : self.at + size]
        self.at += size
        return taken


def _octal(field: bytes) -> int | None:
    text = field.split(b"\x00", 1)[0].strip()
    if field[:1] and field[0] & 0x80:  # base-256: tarfile's
        return None
    try:
        return int(text or b"0", 8)
    except ValueError:
        return None


def _checks(header: bytes) -> bool:
    """Whether the header's checksum holds (unsigned or signed, as tarfile allows)."""
    stated = _octal(header[148:156])
    if stated is None:
        return False
    rest = header[:148] + header[156:]
    unsigned = 256 + sum(rest)
    if stated == unsigned:
        return True
    return stated == unsigned - 256 * sum(1 for b in rest if b > 127)  # the signed sum


def pkg_info(path: Path, data: bytes | None = None) -> bytes | None:
    """The bytes of the ``PKG-INFO`` :mod:`tarfile` would find first in the ``.tar.gz`` at
    ``path`` (or in ``data``, its bytes read already); ``None`` where this reader leaves
    the archive to :mod:`tarfile` (see the module doc). :class:`TooLarge` for one larger
    than a metadata file can be."""
    try:
        stream = _Stream(path.open("rb") if data is None else io.BytesIO(data))
    except OSError:
        return None
    with stream.fh:
        try:
            return _find(stream)
        except (OSError, zlib.error, EOFError):
            return None


def _find(stream: _Stream) -> bytes | None:
    while True:
        header = stream.take(_BLOCK)
        if header is None or header == bytes(_BLOCK) or not _checks(header):
            return None  # the end, or a header tarfile judges: not found here
        magic, kind, size = header[257:265], header[156:157], _octal(header[124:136])
        if magic not in (_POSIX, _GNU) or size is None or size < 0:
            return None
        if kind not in _REGULAR and kind != _DIRECTORY:
            return None  # pax, long names, links, devices...
        raw = header[:100].split(b"\x00", 1)[0]
        if magic == _POSIX and header[345:500].strip(b"\x00"):
            raw = header[345:500].split(b"\x00", 1)[0] + b"/" + raw
        if not raw.isascii():
            return None
        name = raw.decode("ascii")
        regular = kind in _REGULAR and not name.endswith("/")
        if not regular:
            name = name.rstrip("/")  # a directory's name, as tarfile gives it
        if name.count("/") == 1 and name.endswith("/PKG-INFO"):
            if not regular:
                return None  # the first match is no file: tarfile says so
            if size > bounded.MEMBER_LIMIT:
                raise too_large(name, size)
            return stream.take(size)
        padded = -(-size // _BLOCK) * _BLOCK if regular else 0  # a directory has none
        while padded > 0:  # the member's data, read past
            piece = stream.take(min(padded, _READ))
            if piece is None:
                return None
            padded -= len(piece)
