"""Reading the repository's own files: only regular files, and only so much of them (a link
to ``/dev/zero`` or a FIFO is an OSError, never a hang or a full memory)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from relnox.errors import ConfigError

#: the most bytes read of one file; no pyproject, workflow or changelog comes near it
MAX_BYTES = 64 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``; an OSError for any other, or past ``limit``."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens at once
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, socket or pipe)", str(path))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise OSError(errno.EFBIG, f"longer than {limit // (1 << 20)} MiB", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """:func:`read_bytes` as UTF-8, its line endings untouched."""
    return read_bytes(path, limit).decode("utf-8")


def text_or_none(path: Path) -> str | None:
    """:func:`read_text`, or ``None`` for a file it cannot read."""
    try:
        return read_text(path)
    except (OSError, ValueError):  # ValueError: UnicodeDecodeError, a NUL in a configured name
        return None


def ini_sections(
    text: str, *, strict: bool = True, keep_case: bool = False, source: Path | None = None
) -> dict[str, dict[str, str]] | None:
    """An INI file's ``text`` as sections of raw strings (``[DEFAULT]`` in each, repeats taken
    as the tools do); ``None`` when unreadable, or read from ``source``: a ConfigError naming
    it. ``keep_case``: keys as written."""
    import configparser  # only for a project with such a file

    parser = configparser.RawConfigParser(strict=strict)
    if keep_case:
        parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=str(source or "<string>"))
    except configparser.Error as exc:
        if source is None:
            return None
        why = str(exc).splitlines()[0]
        raise ConfigError(f"{source}: cannot be read ({why}); fix the syntax there") from None
    return {name: dict(parser[name]) for name in parser.sections()}


def file_digest(path: str | Path, blob: str = "") -> str:
    """The sha256 of a regular file, or with ``blob`` (``sha1``, ``sha256``) its git blob id."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens at once
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # O_NONBLOCK changes nothing for a regular file
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        digest = hashlib.new(blob, b"blob %d\0" % info.st_size) if blob else hashlib.sha256()
        read = 0
        while block := os.read(fd, 1 << 20):
            digest.update(block)
            read += len(block)
    finally:
        os.close(fd)
    if blob and read != info.st_size:
        raise OSError(errno.EAGAIN, "written while read", str(path))
    return digest.hexdigest()
