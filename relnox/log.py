"""How relnox's log looks when an adapter runs it. The core only calls ``logging``."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys

from relnox.errors import shortlist
from relnox.progress import MANY, Status, attach
from relnox.redact import RedactingFilter, shown

logger = logging.getLogger("relnox")
#: set (to 1) by ``relnox -q``: results and errors only, no progress
QUIET_ENV = "RELNOX_QUIET"

#: libraries relnox drives in its own process: only their warnings unless ``-vv`` (nox puts
#: a DEBUG handler on the root logger, which would show "Loading KWallet" six times)
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
    """One handler on the ``relnox`` logger: INFO by default, DEBUG with ``-v``."""
    for handler in list(logger.handlers):
        if getattr(handler, "_relnox", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._relnox = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(message)s"))
    if not verbose:  # a warning repeated for many packages: once, then counted
        handler.addFilter(Repeats())  # first: it reads the message before it is masked
    handler.addFilter(RedactingFilter())
    attach(handler, verbose)  # build and upload progress: a status line, not a line each
    logger.addHandler(handler)
    quiet = os.environ.get(QUIET_ENV, "") not in ("", "0")
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose >= 2 else logging.WARNING)


#: a %-placeholder of a log message
_PLACEHOLDER = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[a-z%]")


class Repeats(logging.Filter):
    """A warning logged again about another subject: the first MANY - 1 pass, the others are
    counted for :meth:`tally`."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[tuple[str, tuple[str, ...]], list[tuple[str, ...]]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        args = tuple(str(a) for a in record.args) if isinstance(record.args, tuple) else ()
        words = _PLACEHOLDER.sub("", str(record.msg)).split()
        if record.levelno != logging.WARNING or not args:
            return True
        if len(words) >= 3:
            key: tuple[str, tuple[str, ...]] = (str(record.msg), ())
        elif words and " " not in args[0]:  # "%s: %s": its subject, then what is said
            key = (str(record.msg), args[1:])
        else:
            return True
        said = self.seen.setdefault(key, [])
        said.append(args)
        return len(said) < MANY

    def tally(self) -> list[str]:
        """One line for each warning held back: how often, and the first few subjects."""
        lines = []
        for said in self.seen.values():
            held = said[MANY - 1 :]
            if not held:
                continue
            where = next((i for i in range(len(said[0])) if len({a[i] for a in said}) > 1), 0)
            named = shortlist([a[where] for a in held])
            lines.append(f"(the same warning for {len(held)} more: {named}; -v shows each)")
        self.seen.clear()
        return lines


def settle() -> None:
    """The live status line cleared and the repeated warnings counted."""
    for handler in logger.handlers:
        if not isinstance(handler, logging.StreamHandler):
            continue
        for status in [f for f in handler.filters if isinstance(f, Status)]:
            status.clear()
        for repeats in [f for f in handler.filters if isinstance(f, Repeats)]:
            for line in repeats.tally():
                with contextlib.suppress(OSError, ValueError):
                    handler.stream.write(shown(line) + "\n")
                    handler.stream.flush()
