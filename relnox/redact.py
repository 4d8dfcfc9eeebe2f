"""Secrets never reach output: every registered secret is replaced by ``***``.

Publish registers each token it resolves; adapters install :class:`RedactingFilter`
on their log handler and pass everything they print through :func:`redact`. The
userinfo of any URL (``https://user:TOKEN@host/``) is masked too, registered or not.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
_SECRETS: set[str] = set()
#: ``scheme://userinfo@`` in a URL: the userinfo is a credential
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return redact_url(text)


def redact_url(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    return _USERINFO.sub(rf"\1{MASK}@", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
