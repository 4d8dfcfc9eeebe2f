"""A core metadata file (``METADATA``, ``PKG-INFO``) read as the standard library's email
parser reads it (``email.parser.Parser``, the ``compat32`` policy packaging and twine use):
the headers in order, each value without its leading blanks and line end, a folded value
with its line breaks, and the body (an old-style description) as it stands.

A plain file is read here line by line. One this reader does not take line by line (a
carriage return, a line that is not a header, a header that opens with a blank, a MIME
content type that makes a body parts) goes to the email parser, whose import costs more
than a small release takes to upload; both give the same answer
(``tests/artifacts/test_core_metadata.py`` holds them to each other).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CoreMetadata:
    """The headers of a core metadata file, in order, and its body (``""`` without one)."""

    items: tuple[tuple[str, str], ...]
    body: str

    def get(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), as ``Message.get``."""
        wanted = name.lower()
        return next((v for k, v in self.items if k.lower() == wanted), None)

    def get_all(self, name: str) -> list[str]:
        """Every value of header ``name`` (any case), in order."""
        wanted = name.lower()
        return [v for k, v in self.items if k.lower() == wanted]


def read(text: str) -> CoreMetadata:
    """The headers and body of ``text`` (see the module doc)."""
    plain = None if "\r" in text else _plain(text)
    return plain if plain is not None else _by_email(text)


def _plain(text: str) -> CoreMetadata | None:
    items: list[tuple[str, str]] = []
    key, parts = "", []  # the header being read: its name and its lines
    at = 0
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end + 1
        line = text[at:end]
        at = end
        if line == "\n":
            break
        if line[0] in " \t":
            if not key:
                return None  # a first line that continues nothing
            parts.append(line)
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or not all("!" <= c <= "~" for c in name):
            return None  # not a header line (email starts the body there)
        if key:
            items.append((key, "".join(parts).rstrip("\r\n")))
        key, parts = name, [value.lstrip(" \t")]
        if name.lower() == "content-type":
            return None  # a MIME type may make the body parts: email reads it
    if key:
        items.append((key, "".join(parts).rstrip("\r\n")))
    return CoreMetadata(tuple(items), text[at:])


def _by_email(text: str) -> CoreMetadata:
    import email.parser

    message = email.parser.Parser().parsestr(text)
    body = message.get_payload()
    return CoreMetadata(
        tuple((k, str(v)) for k, v in message.items()),
        body if isinstance(body, str) else "",
    )
