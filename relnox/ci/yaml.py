"""A small YAML writer: mappings in order, plain strings when unambiguous, ``|`` blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any


class Commented(str):
    """A string written with a trailing ``# comment`` (a pinned action's version)."""

    comment: str

    def __new__(cls, value: str, comment: str) -> Commented:
        self = super().__new__(cls, value)
        self.comment = comment
        return self


#: plain scalars YAML 1.1 or 1.2 read as no string (numbers: by their first character)
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "=", "<<"}
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`<=+.0123456789"  # a plain scalar never starts with one
_FLOW_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_. /+-]*$")  # conservative inside [...]


def _plain_ok(text: str, flow: bool) -> bool:
    """Whether ``text`` surely reads back as the same string without quotes."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    if text.lower() in _RESERVED or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return not flow or bool(_FLOW_PLAIN.match(text))


def scalar(value: Any, flow: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _plain_ok(text, flow):
        return text
    if "'" not in text and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(map(_escaped, text)) + '"'


def _escaped(char: str) -> str:
    """``char`` inside a double-quoted scalar."""
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def _key(key: Any) -> str:
    return "on" if key == "on" else scalar(key)  # GitHub reads the trigger key as written


def _emit(value: Any, indent: int, lines: list[str], apart: bool = False) -> None:
    """``value``'s entries at ``indent``; ``apart``: a blank line before each mapping but the first."""
    pad = " " * indent
    if isinstance(value, Mapping):
        for index, (key, item) in enumerate(value.items()):
            if apart and index and isinstance(item, Mapping):
                lines.append("")
            _entry(f"{pad}{_key(key)}:", item, indent, lines, apart=key == "jobs" and not indent)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for item in value:
            if isinstance(item, Mapping) and item:
                for i, (key, sub) in enumerate(item.items()):
                    prefix = f"{pad}- " if i == 0 else f"{pad}  "
                    _entry(f"{prefix}{_key(key)}:", sub, indent + 2, lines)
            else:
                _entry(f"{pad}-", item, indent, lines)


def _block_ok(text: str) -> bool:
    """Whether ``text`` (ending in one newline) reads back unchanged from a ``|`` block."""
    body = text[:-1]
    return (
        text.endswith("\n")
        and bool(body)
        and not body.endswith("\n")
        and not body.lstrip("\n")[:1].isspace()
        and all(line.isprintable() and line == line.rstrip() for line in body.split("\n"))
    )


def _entry(head: str, value: Any, indent: int, lines: list[str], apart: bool = False) -> None:
    many = isinstance(value, Sequence) and not isinstance(value, str)
    if isinstance(value, str) and "\n" in value and _block_ok(value):
        lines.append(f"{head} |")
        lines += [(" " * (indent + 2) + line).rstrip() for line in value[:-1].split("\n")]
    elif not value and (isinstance(value, Mapping) or many):
        lines.append(f"{head} {{}}" if isinstance(value, Mapping) else f"{head} []")
    elif (
        many
        and len(value) <= 6
        and all(not isinstance(v, (Mapping, list, tuple)) and "\n" not in str(v) for v in value)
    ):
        # a script's lines each on their own (a | block each)
        lines.append(f"{head} [{', '.join(scalar(v, flow=True) for v in value)}]")
    elif isinstance(value, Mapping) or many:
        lines.append(head)
        _emit(value, indent + 2, lines, apart)
    else:
        comment = f" # {value.comment}" if isinstance(value, Commented) else ""
        lines.append(f"{head} {scalar(value)}{comment}")


def dump(document: Mapping[str, Any], header: str = "") -> str:
    """``document`` as YAML text; ``header`` lines become ``#`` comments at the top. A blank
    line comes before each top-level mapping but the first, and between the ``jobs``."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    _emit(document, 0, lines, apart=True)
    return "\n".join(lines) + "\n"
