"""The one exception root: a RelnoxError's message names the value, the fault, the next step."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence

#: the longest wait or timeout a setting, flag or environment variable may ask: a day (each
#: one's error names it; a larger number, inf or nan is a value no clock ends)
MOST_SECONDS = 86400.0


def seconds(value: object, most: float = MOST_SECONDS) -> float | None:
    """``value`` (a number or its text) as a wait of 0 to ``most`` seconds, else None."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= most else None


class RelnoxError(Exception):
    """An expected failure with a message the user can act on."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class ConfigError(RelnoxError):
    """A pyproject.toml or ``[tool.relnox]`` setting is malformed or missing."""


class VersionError(RelnoxError):
    """A version is invalid, or sources of one version disagree."""


class GitError(RelnoxError):
    """A git precondition failed (dirty tree, existing tag, not a repo...)."""


class BuildError(RelnoxError):
    """Building or checking an artifact failed."""


class VerifyError(RelnoxError):
    """An installed artifact failed a check."""


class PublishError(RelnoxError):
    """An upload was refused or could not be made."""


class UnknownChoice(ConfigError):
    """A value that is none of the known choices: a command-line mistake, exit 2."""


def did_you_mean(value: str, choices: Iterable[str], form: str = "did you mean {}? ") -> str:
    """``form`` naming the choice closest to ``value`` (difflib), else "": the one guess of
    what a mistyped name meant."""
    import difflib

    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return form.format(close[0]) if close else ""


def shortlist(items: Sequence[object], shown: int = 3, sep: str = ", ") -> str:
    """``a, b, c and 4 more``: the one way a message names a long list."""
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return sep.join(str(item) for item in items[:shown]) + more


def path_error(source: object | None, exc: OSError) -> ConfigError:
    """An ``OSError`` looking up a path a setting in ``source`` names, as one short line."""
    name = str(exc.filename or "")
    shown = name if len(name) <= 120 else f"{name[:100]}... ({len(name)} characters)"
    why = f"({exc.strerror or exc}: {shown})"
    if source is None:
        return ConfigError(
            f"a setting or argument names a path the system cannot look up {why}; fix it"
        )
    return ConfigError(
        f"{source}: names a path the system cannot look up {why}; fix the setting that names it"
    )


def one_line(exc: BaseException) -> str:
    """A library exception's text on one line, to quote inside a relnox message."""
    return " ".join(str(exc).split()) or type(exc).__name__


class OutputLost(RelnoxError):
    """Standard output could not be written (a full disk, an I/O error)."""


def output_lost(exc: OSError) -> OutputLost:
    """``exc``, raised writing standard output, as one line; stdout then goes to devnull."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no standard output at all
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return OutputLost(
        f"cannot write to standard output ({exc.strerror or exc}); what relnox did is done, "
        "its output is lost: free space, or send the output elsewhere (> FILE)"
    )
