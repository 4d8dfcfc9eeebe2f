"""invoke's ``Task`` and ``Argument`` as relnox's tasks use them (imported only where
invoke runs the tasks: ``tasks.py``, nox sessions; the ``relnox`` command does without,
:mod:`relnox._light`)."""

from __future__ import annotations

from typing import Any

from invoke.exceptions import ParseError
from invoke.parser.argument import Argument
from invoke.tasks import Task

from relnox._light import argument_fields
from relnox.invoke._common import SHORT_FLAGS


class CheckedArgument(Argument):
    """An Argument whose malformed number is a usage error naming the flag, not a traceback
    (in invoke's own ``invoke`` program; relnox's command and sessions parse in ``_args``)."""

    def __repr__(self) -> str:
        """The flag as typed: invoke's own parse errors show it ("Flag --part needed value
        and was not given one!", not "Flag <CheckedArgument: part> needed value ...")."""
        return f"--{self.names[0]}" if self.names else super().__repr__()

    def set_value(self, value: Any, cast: bool = True) -> None:
        try:
            super().set_value(value, cast)
        except (TypeError, ValueError):
            kind = "a whole number" if self.kind is int else f"a {self.kind.__name__}"
            raise ParseError(f"--{self.names[0]} takes {kind}, not {value!r}") from None


class RelnoxTask(Task):  # type: ignore[type-arg]
    """A Task with relnox's short flags whose help texts survive ``get_arguments()``.

    invoke pops the help texts on first use, and makes up a short flag from each
    parameter's first free letter, so ``-p`` would be --package in one task and --part
    in the next; relnox gives short flags only from :data:`SHORT_FLAGS`.
    """

    def arg_opts(self, name: str, default: Any, taken_names: set[str]) -> dict[str, Any]:
        opts: dict[str, Any] = super().arg_opts(name, default, taken_names)
        short = SHORT_FLAGS.get(name)
        if short is not None and short not in taken_names:
            opts["names"] = [*opts["names"], short]
        return opts

    def get_arguments(self, ignore_unknown_help: bool | None = None) -> Any:
        kept = dict(self.help)
        try:
            arguments = super().get_arguments(ignore_unknown_help)
        finally:
            self.help = kept
        return [_checked(argument) for argument in arguments]


def _checked(argument: Argument) -> CheckedArgument:
    return CheckedArgument(**argument_fields(argument))
