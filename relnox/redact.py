"""Secrets never reach output: every registered secret is ``***``, as it is, percent-encoded,
JSON- or HTML-escaped, inside base64, and any URL's userinfo (:class:`RedactingFilter`)."""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import re

MASK = "***"
_SECRETS: set[str] = set()
#: ``scheme://userinfo@`` in a URL (groups: the scheme's part, the userinfo): a credential
USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s@'\"<>]+)@")
#: ``?name=value`` or ``&name=value`` of a URL whose name says the value is a credential
_CREDENTIAL_PARAMETER = re.compile(
    r"(?i)([?&][\w.~-]*(?:token|key|secret|passw(?:or)?d|pwd|auth|signature|sig|credential)"
    r"[\w.~-]*=)[^&#\s'\"<>]+"
)
#: JSON's short escapes: ``\\/`` (PHP's json_encode writes every slash so) and the controls
_JSON_SHORT = {"/": "/", "\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f"}
#: HTML's named references of the characters an HTML page must escape
_HTML_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
#: a run of base64 (standard or URL-safe alphabet) long enough to hold a credential
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
_MIN_LENGTH = 4


def register_secret(value: str | None) -> None:
    """Mask ``value`` (4 characters or more) in everything :func:`redact` sees from now on."""
    if value and len(value) >= _MIN_LENGTH:
        _SECRETS.add(value)


def redact(text: str) -> str:
    if _SECRETS:
        text = _BASE64.sub(_mask_base64, text)
        for secret in sorted(_SECRETS, key=len, reverse=True):
            text = _pattern(secret).sub(MASK, text)
    return redact_url(text)


#: control characters a terminal acts on (C0 but tab and newline, DEL, C1, a CR that
#: ends no line) and the bidirectional overrides that reorder what is shown
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with secrets masked and control characters escaped, for a terminal or log."""
    return _CONTROLS.sub(_escaped, redact(text))


def redact_url(text: str) -> str:
    """``text`` with every URL's userinfo, and each credential query value, as ``***``."""
    return _CREDENTIAL_PARAMETER.sub(rf"\1{MASK}", USERINFO.sub(rf"\1{MASK}@", text))


@functools.lru_cache(maxsize=256)
def _pattern(secret: str) -> re.Pattern[str]:
    """``secret`` with each character as it is, percent-encoded, JSON- or HTML-escaped."""
    parts = []
    for char in secret:
        options = [re.escape(char)]
        # percent-encoded: the character's UTF-8 bytes, each %XX, in their order (a byte
        # that is no UTF-8, read in as a lone surrogate, as that byte)
        try:
            raw = char.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # another lone surrogate: its code's three bytes
            raw = char.encode("utf-8", "surrogatepass")
        options.append("".join(f"(?i:%{byte:02x})" for byte in raw))
        if char == " ":
            options.append(r"\+")
        if char in '\\"':
            options.append(re.escape("\\" + char))
        if char in _JSON_SHORT:
            options.append(re.escape("\\" + _JSON_SHORT[char]))
        options.append(rf"&#0*{ord(char)};")
        options.append(rf"(?i:&#x0*{ord(char):x};)")
        if char in _HTML_NAMED:
            options.append(f"&{_HTML_NAMED[char]};")
        if ord(char) < 0x10000:
            options.append(rf"(?i:\\u{ord(char):04x})")
        else:  # JSON's surrogate pair
            high, low = divmod(ord(char) - 0x10000, 0x400)
            options.append(rf"(?i:\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x})")
        parts.append("(?:" + "|".join(options) + ")")
    return re.compile("".join(parts))


def _mask_base64(match: re.Match[str]) -> str:
    run = match.group(0)
    stripped = run.rstrip("=")
    for offset in range(4):
        chunk = stripped[offset:]
        chunk = chunk[: len(chunk) - 1] if len(chunk) % 4 == 1 else chunk
        padded = chunk + "=" * (-len(chunk) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(padded)
            except (binascii.Error, ValueError):
                continue
            decoded = raw.decode("utf-8", "ignore")
            if any(secret in decoded for secret in _SECRETS):
                return MASK
    return run


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and in the traceback it carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = shown(message)
        record.args = None
        return True
