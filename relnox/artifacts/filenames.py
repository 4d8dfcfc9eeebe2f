"""Wheel and sdist file names, read by :mod:`packaging.utils`."""

from __future__ import annotations

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
)
from packaging.utils import parse_sdist_filename as _parse_sdist
from packaging.utils import parse_wheel_filename as _parse_wheel
from packaging.version import Version

BuildTag = tuple[()] | tuple[int, str]


class InvalidFilename(ValueError):
    """Not a wheel or sdist file name packaging reads (the message is packaging's)."""


def parse_wheel_filename(filename: str) -> tuple[str, Version, BuildTag, frozenset[str]]:
    """(normalized name, version, build tag, tags) of a wheel's file name; the tags are
    ``interpreter-abi-platform`` strings."""
    try:
        name, version, build, tags = _parse_wheel(filename)
    except InvalidWheelFilename as exc:
        raise InvalidFilename(str(exc)) from None
    return str(name), version, build, frozenset(str(tag) for tag in tags)


def parse_sdist_filename(filename: str) -> tuple[str, Version]:
    """(normalized name, version) of an sdist's file name (``.tar.gz`` or ``.zip``)."""
    try:
        name, version = _parse_sdist(filename)
    except InvalidSdistFilename as exc:
        raise InvalidFilename(str(exc)) from None
    return str(name), version
