"""Reading TOML: the one ``tomllib`` import (``tomli`` before Python 3.11) and the one
lookup of a nested table. Writing keeps the user's formatting: that is tomlkit's, in
the modules that edit a file."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["UNREADABLE", "loads", "table", "tomllib", "unreadable_why"]

#: what ``tomllib`` raises for a document it cannot read: its syntax errors, a ValueError
#: for an integer of more digits than Python converts from text (4300), a RecursionError
#: for arrays or inline tables nested past the interpreter's recursion limit
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


#: each TOML text parsed in this process -> its document: a start reads each member's
#: pyproject.toml in discovery, the plan and the build inputs, and a bump's edit parses it
#: again; the same text parses to the same document, and a deep copy of it costs 30 us
#: against 0.4 ms a parse
_PARSED: dict[str, dict[str, Any]] = {}


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)`` (its errors, :data:`UNREADABLE`, as it raises them), the
    parse of a text parsed before taken from :data:`_PARSED`: the caller's own copy."""
    parsed = _PARSED.get(text)
    if parsed is None:
        parsed = _PARSED[text] = tomllib.loads(text)
    copy: dict[str, Any] = _copied(parsed)  # the caller's own: the kept one never leaves
    return copy


def _copied(value: Any) -> Any:
    """A deep copy of a parsed TOML value: its tables and arrays copied, its leaves (text,
    numbers, booleans, dates and times: all immutable) shared; what :func:`copy.deepcopy`
    gives for these types, at a third of its cost (no memo: a parsed document has no
    shared or cyclic parts)."""
    kind = type(value)  # tomllib makes plain dicts and lists
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    return value
