"""The parser of the ``relnox`` command and the nox sessions over a task's
``get_arguments()`` (invoke's ``ParserContext``): ``--flag=value``, ``--no-flag``, ``-nv``,
``DIR...`` (which invoke's parser lacks). Every mistake is a :class:`UsageError`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from relnox.errors import RelnoxError, did_you_mean

USAGE_EXIT = 2  # a mistake on the command line, as argparse and git have it


class UsageError(RelnoxError):
    """A mistake on the command line (an unknown flag, a malformed value): exit 2."""


def suggest(token: str, candidates: Mapping[str, str] | Iterable[str]) -> str:
    """ "; did you mean X?" for the closest candidate (shown as its canonical spelling)."""
    spellings = dict(candidates) if isinstance(candidates, Mapping) else {c: c for c in candidates}
    close = did_you_mean(token, spellings, "{}")
    return f"; did you mean {spellings[close]}?" if close else ""


class UnknownOption(UsageError):
    def __init__(self, token: str, task: str | None, flags: Iterable[str] = ()) -> None:
        where = f"{task} has no option" if task else "no option"
        super().__init__(f"{where} {token}{suggest(token, flags)}")


class MissingPositional(UsageError):
    def __init__(self, task: str, names: Sequence[str]) -> None:
        super().__init__(f"{task} needs {', '.join(n.upper() for n in names)}")


def parse(task: str, arguments: Iterable[Any], argv: Sequence[str]) -> dict[str, Any]:
    """The keyword arguments ``argv`` gives ``task`` (``arguments``), or a :class:`UsageError`."""
    from invoke.exceptions import ParseError
    from invoke.parser.context import ParserContext

    context = ParserContext(name=task, args=list(arguments))
    flags = sorted([*context.flags, *context.inverse_flags])
    positional = list(context.positional_args)
    tokens = list(argv)
    i = 0

    def take_value(arg: Any, flag: str, inline: str | None) -> None:
        nonlocal i
        if inline is None:
            if i + 1 >= len(tokens):
                raise UsageError(f"{flag} needs a value")
            i += 1
            inline = tokens[i]
        try:
            arg.set_value(inline)
        except ParseError as exc:  # a malformed number: CheckedArgument names the flag
            raise UsageError(str(exc)) from None

    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--") and len(token) > 2:
            name, eq, inline = token.partition("=")
            if name in context.inverse_flags and not eq:
                context.flags[context.inverse_flags[name]].set_value(False)
            elif name not in context.flags:
                raise UnknownOption(name, task, flags)
            elif context.flags[name].takes_value:
                take_value(context.flags[name], name, inline if eq else None)
            elif eq:
                raise UsageError(f"{name} takes no value")
            else:
                context.flags[name].set_value(True)
        elif token.startswith("-") and len(token) > 1 and not _is_number(token):
            for j, letter in enumerate(token[1:], start=1):  # -nv: each a flag; -p NAME, -pNAME
                flag = f"-{letter}"
                if flag not in context.flags:
                    raise UnknownOption(flag if j == 1 else token, task, flags)
                arg = context.flags[flag]
                if arg.takes_value:
                    rest = token[j + 1 :]
                    take_value(arg, flag, rest.removeprefix("=") if rest else None)
                    break
                arg.set_value(True)
        elif positional and positional[0].kind is list:  # DIR...: takes every one left
            positional[0].set_value(token)
        elif positional:
            positional.pop(0).set_value(token)
        else:
            raise UsageError(f"{task} takes no argument {token!r}")
        i += 1
    missing = [str(a.name) for a in positional if not a.value]
    if missing:
        raise MissingPositional(task, missing)
    return {a.attr_name or a.name: a.value for a in context.args.values()}


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def message(exc: UsageError, help_hint: str) -> str:
    return f"relnox: error: {exc} (see {help_hint})"
