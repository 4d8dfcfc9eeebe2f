"""How relnox's log looks when an adapter runs it. The core only calls ``logging``."""

from __future__ import annotations

import logging
import os
import sys

from relnox.progress import Status, attach
from relnox.redact import RedactingFilter

logger = logging.getLogger("relnox")
#: set (to 1) by ``relnox -q``: results and errors only, no progress
QUIET_ENV = "RELNOX_QUIET"

#: libraries relnox drives in its own process. A host that logs everything (nox puts a
#: DEBUG handler on the root logger) would show their chatter ("keyring.backend >
#: Loading KWallet" six times per publish); they speak only at WARNING unless ``-vv``.
THIRD_PARTY = (
    "keyring",
    "urllib3",
    "requests",
    "twine",
    "pypiserver",
    "invoke",
    "filelock",
    "charset_normalizer",
    "asyncio",
)


def setup_logging(verbose: int = 0) -> None:
    """One handler on the ``relnox`` logger: INFO by default, DEBUG with ``-v``.

    Other libraries' loggers (:data:`THIRD_PARTY`) pass only warnings unless ``-vv``.
    """
    for handler in list(logger.handlers):
        if getattr(handler, "_relnox", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._relnox = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    attach(handler, verbose)  # build and upload progress: a status line, not a line each
    logger.addHandler(handler)
    quiet = os.environ.get(QUIET_ENV, "") not in ("", "0")
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose >= 2 else logging.WARNING)


def settle() -> None:
    """The live status line cleared (before a result is printed on the same terminal)."""
    for handler in logger.handlers:
        for status in [f for f in handler.filters if isinstance(f, Status)]:
            status.clear()
