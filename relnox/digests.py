"""sha256 and blake2b hashers, without loading OpenSSL for a command that hashes little.

``import hashlib`` loads OpenSSL's libcrypto (~2 ms of every command that imports it).
The interpreter has its own sha256 (``_sha256``; ``_sha2`` from Python 3.12) and its own
blake2b (``_blake2``, the one :mod:`hashlib` itself hands out): the same digests of the
same bytes. Its sha256 is about six times slower than OpenSSL's on large data, so it takes
at most :data:`BUDGET` bytes in a process (what OpenSSL's load would cost): the hashers
asked for beyond that, or once :mod:`hashlib` is loaded anyway, are :mod:`hashlib`'s.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol


class Hasher(Protocol):
    """What :mod:`hashlib`'s hashers and the interpreter's own have in common here."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...

    def digest(self) -> bytes: ...


#: the bytes the interpreter's own sha256 may take in one process before OpenSSL's is
#: loaded instead (~1.5 ms of its time, about the cost of loading OpenSSL)
BUDGET = 256 * 1024

_left = BUDGET


_OWN = {"sha256": ("_sha2", "_sha256"), "sha1": ("_sha1",)}
_found: dict[str, Any] = {}


def _own(algorithm: str) -> Any:
    """The interpreter's own hasher of ``algorithm``, or ``None`` (looked for once)."""
    if algorithm not in _found:
        _found[algorithm] = None
        for name in _OWN[algorithm]:
            try:
                module = __import__(name)
            except ImportError:
                continue
            if hasattr(module, algorithm):
                _found[algorithm] = getattr(module, algorithm)
                break
    return _found[algorithm]


def new(algorithm: str, data: bytes = b"", *, size: int | None = None) -> Hasher:
    """A ``sha256`` or ``sha1`` hasher (``update``, ``hexdigest``), fed ``data``; ``size``:
    all the bytes it will be fed, where more than ``data`` (a file hashed in pieces)."""
    global _left
    total = len(data) if size is None else max(size, len(data))
    if total <= _left and "hashlib" not in sys.modules:
        own = _own(algorithm)
        if own is not None:
            _left -= total
            hasher: Hasher = own(data)
            return hasher
    import hashlib

    return hashlib.new(algorithm, data)


def sha256(data: bytes = b"", *, size: int | None = None) -> Hasher:
    """A sha256 hasher (see :func:`new`)."""
    return new("sha256", data, size=size)


def blake2b(data: bytes = b"", *, digest_size: int = 64) -> Hasher:
    """A blake2b hasher: :mod:`hashlib`'s own (the interpreter's ``_blake2``)."""
    try:
        from _blake2 import blake2b as own
    except ImportError:  # an interpreter built without it: hashlib says what it has
        from hashlib import blake2b as own
    hasher: Hasher = own(data, digest_size=digest_size)
    return hasher


def key(data: bytes) -> str:
    """The digest of ``data`` in one of relnox's own keys (a cache's, never another tool's
    format): blake2b-256, as strong as sha256 and, without OpenSSL, as fast as its sha256."""
    return blake2b(data, digest_size=32).hexdigest()


def file_sha256(fh: Any, size: int, chunk: int = 1 << 20) -> str:
    """The sha256 of what is left to read in the binary file ``fh`` (``size`` bytes)."""
    digest = sha256(size=size)
    while block := fh.read(chunk):
        digest.update(block)
    return digest.hexdigest()
