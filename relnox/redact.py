"""Secrets never reach output: every registered secret is replaced by ``***``.

Publish registers each token it resolves; adapters install :class:`RedactingFilter`
on their log handler and pass everything they print through :func:`redact`.
"""

from __future__ import annotations

import logging

MASK = "***"
_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            record.msg = redact(record.getMessage())
            record.args = None
        return True
