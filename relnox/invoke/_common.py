"""What every relnox invoke task shares: the error boundary, logging, output."""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from invoke.exceptions import Exit
from invoke.tasks import Task
from invoke.tasks import task as invoke_task

from relnox.errors import RelnoxError
from relnox.log import setup_logging
from relnox.redact import redact

F = TypeVar("F", bound=Callable[..., Any])
VERBOSE_HELP = "more log output (repeatable)"


class RelnoxTask(Task):  # type: ignore[type-arg]
    """A Task whose help texts survive ``get_arguments()`` (invoke pops them on first use)."""

    def get_arguments(self, ignore_unknown_help: bool | None = None) -> Any:
        kept = dict(self.help)
        try:
            return super().get_arguments(ignore_unknown_help)
        finally:
            self.help = kept


def relnox_task(*args: Any, **kwargs: Any) -> Callable[[F], Any]:
    """``@invoke.task`` whose :class:`RelnoxError` becomes one clean line and exit 1.

    A bug (any other exception) still shows its traceback.
    """

    def decorate(fn: F) -> Any:
        if "verbose" in inspect.signature(fn).parameters:
            kwargs.setdefault("incrementable", ["verbose"])
            kwargs["help"] = {"verbose": VERBOSE_HELP, **(kwargs.get("help") or {})}

        @functools.wraps(fn)
        def body(c: Any, *a: Any, **kw: Any) -> Any:
            setup_logging(int(kw.get("verbose") or 0))
            on_actions = os.environ.get("GITHUB_ACTIONS", "").lower() == "true"
            try:
                result = fn(c, *a, **kw)
            except RelnoxError as exc:
                if on_actions:  # an ::error:: annotation on the run's page
                    from relnox.github import annotate_error

                    annotate_error(str(exc))
                raise Exit(redact(f"relnox: error: {exc}"), code=1) from None
            if on_actions and isinstance(result, Mapping):  # step outputs and summary
                from relnox.github import publish_results

                publish_results(kwargs.get("name") or fn.__name__.replace("_", "-"), result)
            return result

        return invoke_task(*args, klass=RelnoxTask, **kwargs)(body)

    return decorate


def echo(text: str = "") -> None:
    """Print a result line to stdout (secrets masked); a closed pipe ends quietly."""
    try:
        sys.stdout.write(redact(text) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `relnox packages | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


def echo_json(data: Any) -> None:
    echo(json.dumps(data, indent=2, default=str))


def listed(values: Any) -> list[str]:
    """An invoke ``iterable`` flag's value (None or a list) as a list."""
    return list(values or [])
