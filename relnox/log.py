"""How relnox's log looks when an adapter runs it. The core only calls ``logging``."""

from __future__ import annotations

import logging
import sys

from relnox.redact import RedactingFilter

logger = logging.getLogger("relnox")


def setup_logging(verbose: int = 0) -> None:
    """One handler on the ``relnox`` logger: INFO by default, DEBUG with ``-v``."""
    for handler in list(logger.handlers):
        if getattr(handler, "_relnox", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._relnox = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
