"""Wheel and sdist file names read as :mod:`packaging.utils` reads them, the plain ones
without importing it.

``packaging.utils`` imports ``packaging.tags`` (``platform``, the manylinux and musllinux
readers): ~2.6 ms of every verify and publish, which read each file name of the dist
directory. Nearly every name is of the plain shape the specifications write: an ASCII
name, a version, maybe a build number, and lower-case tags. Those are read here, to what
packaging reads (the name normalized, a :class:`~packaging.version.Version`, the build
tag as ``(number, rest)``, the tags as ``interpreter-abi-platform`` strings); any other
name is handed to packaging, whose verdict (its errors included) stands.
``tests/artifacts/test_filenames.py`` holds the plain reading to packaging's, name by name
and on generated names.
"""

from __future__ import annotations

import re

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

#: a wheel's name part as packaging accepts it, ASCII only (``__`` is refused apart)
_NAME = re.compile(r"[A-Za-z0-9._]+")
#: an interpreter tag component (an identifier), an ABI or platform one
_INTERPRETER = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*")
_COMPONENT = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_BUILD = re.compile(r"([0-9]+)([A-Za-z0-9_.]*)")

BuildTag = tuple[()] | tuple[int, str]


class InvalidFilename(ValueError):
    """Not a wheel or sdist file name packaging reads (the message is packaging's)."""


def parse_wheel_filename(filename: str) -> tuple[str, Version, BuildTag, frozenset[str]]:
    """(normalized name, version, build tag, tags) of a wheel's file name; the tags are
    ``interpreter-abi-platform`` strings. :exc:`InvalidFilename` when packaging refuses it."""
    plain = _plain_wheel(filename)
    if plain is not None:
        return plain
    from packaging.utils import InvalidWheelFilename
    from packaging.utils import parse_wheel_filename as packagings

    try:
        name, version, build, tags = packagings(filename)
    except InvalidWheelFilename as exc:
        raise InvalidFilename(str(exc)) from None
    return str(name), version, build, frozenset(str(tag) for tag in tags)


def parse_sdist_filename(filename: str) -> tuple[str, Version]:
    """(normalized name, version) of an sdist's file name (``.tar.gz`` or ``.zip``), as
    packaging reads it. :exc:`InvalidFilename` when it is not one."""
    for suffix in (".tar.gz", ".zip"):
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            break
    else:
        raise InvalidFilename(
            f"Invalid sdist filename (extension must be '.tar.gz' or '.zip'): {filename!r}"
        )
    name, dash, version = stem.rpartition("-")  # a PEP 440 version has no dash
    if not dash or not name:
        raise InvalidFilename(f"Invalid sdist filename: {filename!r}")
    try:
        return canonicalize_name(name), Version(version)
    except InvalidVersion:
        raise InvalidFilename(f"Invalid sdist filename (invalid version): {filename!r}") from None


def _plain_wheel(filename: str) -> tuple[str, Version, BuildTag, frozenset[str]] | None:
    """The reading of a wheel name of the plain shape (module doc); ``None`` for any other."""
    if not filename.endswith(".whl"):
        return None
    parts = filename[:-4].split("-")
    if len(parts) not in (5, 6):
        return None
    name, version_text, *build_part, interpreters, abis, platforms = parts
    if "__" in name or _NAME.fullmatch(name) is None:
        return None
    if _INTERPRETER.fullmatch(interpreters) is None:
        return None
    if _COMPONENT.fullmatch(abis) is None or _COMPONENT.fullmatch(platforms) is None:
        return None
    build: BuildTag = ()
    if build_part:
        found = _BUILD.fullmatch(build_part[0])
        if found is None:
            return None
        build = (int(found.group(1)), found.group(2))
    try:
        version = Version(version_text)
    except InvalidVersion:
        return None  # packaging's own error
    tags = frozenset(
        f"{interpreter}-{abi}-{platform}"
        for interpreter in interpreters.split(".")
        for abi in abis.split(".")
        for platform in platforms.split(".")
    )
    return canonicalize_name(name), version, build, tags
