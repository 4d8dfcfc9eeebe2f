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
from collections.abc import Sequence
from typing import Any

from relnox.toml import tomllib

#: what a value may hold to be written between quotes as it is, in either kind of string
_PLAIN = re.compile(r"[^\"'\\\x00-\x1f\x7f]*")
_QUOTES = "\"'"


def edit_strings(text: str, changes: Sequence[tuple[Sequence[str | int], str, str]]) -> str | None:
    """``text`` with the string at each ``key`` changed from ``old`` to ``value``, keeping
    its quotes; None when one of them cannot be proven this way (use tomlkit)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    for key, value, old in changes:
        if not (_PLAIN.fullmatch(value) and _PLAIN.fullmatch(old)) or _get(doc, key) != old:
            return None
        _set(doc, key, value)
        edited = _replace_proven(text, old, value, doc)
        if edited is None:
            return None
        text = edited
    return text


def _replace_proven(text: str, old: str, value: str, expected: dict[str, Any]) -> str | None:
    """``text`` with the one quoted ``old`` whose replacement parses to ``expected``."""
    for quote in _QUOTES:
        token = f"{quote}{old}{quote}"
        start = text.find(token)
        while start != -1:
            end = start + len(token)
            single = (start == 0 or text[start - 1] not in _QUOTES) and (
                end == len(text) or text[end] not in _QUOTES
            )  # not part of a multi-line string's quotes
            if single:
                edited = f"{text[:start]}{quote}{value}{quote}{text[end:]}"
                try:
                    if tomllib.loads(edited) == expected:
                        return edited
                except tomllib.TOMLDecodeError:
                    pass
            start = text.find(token, start + 1)
    return None


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
