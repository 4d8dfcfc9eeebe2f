"""Reading TOML: the one parser import and the one lookup of a nested table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

# tomli, not the standard library's copy of it: its compiled wheels read a pyproject.toml
# about 3x as fast (relnox plan on a real 73-package workspace parses 306)
import tomli as tomllib

__all__ = ["UNREADABLE", "read_or_empty", "table", "tomllib", "unreadable_why"]

#: what ``tomllib`` raises for a document it cannot read (see :func:`unreadable_why`)
UNREADABLE: tuple[type[Exception], ...] = (tomllib.TOMLDecodeError, ValueError, RecursionError)


def unreadable_why(exc: BaseException) -> str:
    """One of :data:`UNREADABLE` in words, for a one-line error."""
    if isinstance(exc, tomllib.TOMLDecodeError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "arrays or tables nested too deeply"
    return "an integer of more digits than can be read"


def table(doc: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """``doc[k1][k2]...``, or an empty table where a key is missing or not a table."""
    value: Any = doc
    for key in keys:  # a dict first: its check is cheap, Mapping's is an ABC's (per member, often)
        value = value.get(key, {}) if isinstance(value, (dict, Mapping)) else {}
    return value if isinstance(value, (dict, Mapping)) else {}


def read_or_empty(path: Path) -> dict[str, Any]:
    """The TOML document at ``path`` (a regular file), or ``{}`` when it cannot be read."""
    from relnox.files import read_bytes

    try:
        return tomllib.loads(read_bytes(path).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # UNREADABLE, UnicodeDecodeError
        return {}
