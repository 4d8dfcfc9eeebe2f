"""A bump's TOML edits made in the text, each proven by parsing, without tomlkit's round trip.

A bump changes strings of ``pyproject.toml`` files: a version, a requirement on a sibling.
tomlkit's parse and dump keep the file's formatting but cost a millisecond or more a file,
the most of a dry run over hundreds of members. Each such string is one token in the text
(``"0.1.0"`` or ``'0.1.0'``): replacing that token with the new value in the same quotes is
the edit tomlkit makes. Which token holds the key is proven, not guessed: the text with the
token replaced must parse (``tomllib``) to the document with just that key changed. When
no token can be proven (a value written with escapes or in a multi-line string, a value
needing escapes, a key holding something else), :func:`edit_strings` answers None and
the caller makes the edit with tomlkit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from relnox.toml import UNREADABLE, loads

#: what a value may hold to be written between quotes as it is, in either kind of string
_PLAIN = re.compile(r"[^\"'\\\x00-\x1f\x7f]*")
_QUOTES = "\"'"


def edit_strings(text: str, changes: Sequence[tuple[Sequence[str | int], str, str]]) -> str | None:
    """``text`` with the string at each ``key`` changed from ``old`` to ``value``, keeping
    its quotes; None when one of them cannot be proven this way (use tomlkit)."""
    try:
        doc = loads(text)  # the workspace parsed it already: its copy
    except UNREADABLE:
        return None
    for key, value, old in changes:
        if not (_PLAIN.fullmatch(value) and _PLAIN.fullmatch(old)) or _get(doc, key) != old:
            return None
        _set(doc, key, value)
    # most often the first token of each value is the one: one parse proves them all
    first = text
    for _, value, old in changes:
        found = next(_tokens(first, old), None)
        if found is None:
            return None
        first = _put(first, found, value)
    if _parses_to(first, doc):
        return first
    return _one_by_one(text, changes)


def _one_by_one(text: str, changes: Sequence[tuple[Sequence[str | int], str, str]]) -> str | None:
    """Each change proven on its own: the token of ``old`` whose replacement parses to the
    document with just that change made (and those before it)."""
    expected = loads(text)
    for key, value, old in changes:
        _set(expected, key, value)
        for found in _tokens(text, old):
            edited = _put(text, found, value)
            if _parses_to(edited, expected):
                text = edited
                break
        else:
            return None
    return text


def _tokens(text: str, old: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, quote)`` of each single-line string token holding just ``old``."""
    for quote in _QUOTES:
        token = f"{quote}{old}{quote}"
        start = text.find(token)
        while start != -1:
            end = start + len(token)
            if (start == 0 or text[start - 1] not in _QUOTES) and (
                end == len(text) or text[end] not in _QUOTES
            ):  # not part of a multi-line string's quotes
                yield start, end, quote
            start = text.find(token, start + 1)


def _put(text: str, found: tuple[int, int, str], value: str) -> str:
    start, end, quote = found
    return f"{text[:start]}{quote}{value}{quote}{text[end:]}"


def _parses_to(text: str, expected: dict[str, Any]) -> bool:
    try:
        return loads(text) == expected
    except UNREADABLE:
        return False


def _get(doc: Any, key: Sequence[str | int]) -> Any:
    for part in key:
        try:
            doc = doc[part]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def _set(doc: Any, key: Sequence[str | int], value: str) -> None:
    for part in key[:-1]:
        doc = doc[part]
    doc[key[-1]] = value
