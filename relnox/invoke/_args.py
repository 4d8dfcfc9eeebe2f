"""relnox's own command-line parser over the invoke tasks' definitions.

The ``relnox`` command and the nox sessions parse a task's flags here, from the
task's public ``get_arguments()``: ``--flag value`` and ``--flag=value``, ``--no-flag``
for a flag that is on by default, repeatable list flags, ``-vv``, combined short flags
(``-nv``) and positional arguments. Every mistake is raised as a :class:`UsageError`
subclass that carries what it is about (the token, the task, the flags it could have
meant), so the hosts word it without reading a parser's English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from relnox.errors import RelnoxError

USAGE_EXIT = 2  # a mistake on the command line, as argparse and git have it


class UsageError(RelnoxError):
    """A mistake on the command line (an unknown flag, a malformed value): exit 2."""


def suggest(token: str, candidates: Mapping[str, str] | Iterable[str]) -> str:
    """ "; did you mean X?" for the closest candidate (shown as its canonical spelling)."""
    import difflib  # only for a mistake

    spellings = dict(candidates) if isinstance(candidates, Mapping) else {c: c for c in candidates}
    close = difflib.get_close_matches(token, list(spellings), n=1, cutoff=0.6)
    return f"; did you mean {spellings[close[0]]}?" if close else ""


class UnknownOption(UsageError):
    def __init__(self, token: str, task: str | None, flags: Iterable[str] = ()) -> None:
        where = f"{task} has no option" if task else "no option"
        super().__init__(f"{where} {token}{suggest(token, flags)}")
        self.token = token


class UnknownCommand(UsageError):
    def __init__(self, token: str, commands: Mapping[str, str]) -> None:
        super().__init__(f"unknown command {token!r}{suggest(token, commands)}")
        self.token = token


class NeedsValue(UsageError):
    def __init__(self, flag: str) -> None:
        super().__init__(f"{flag} needs a value")


class TakesNoValue(UsageError):
    def __init__(self, flag: str) -> None:
        super().__init__(f"{flag} takes no value")


class MissingPositional(UsageError):
    def __init__(self, task: str, names: Sequence[str]) -> None:
        super().__init__(f"{task} needs {', '.join(n.upper() for n in names)}")


class UnexpectedArgument(UsageError):
    def __init__(self, task: str, token: str) -> None:
        super().__init__(f"{task} takes no argument {token!r}")


class BadValue(UsageError):
    def __init__(self, flag: str, kind: type, value: str) -> None:
        what = "a whole number" if kind is int else f"a {kind.__name__}"
        super().__init__(f"{flag} takes {what}, not {value!r}")


def flag_of(name: str) -> str:
    return ("-" if len(name) == 1 else "--") + name


@dataclass
class _Spec:
    """One argument of a task, as ``get_arguments()`` describes it."""

    names: tuple[str, ...]
    key: str  # the keyword of the task function
    kind: type
    default: Any
    positional: bool
    incrementable: bool

    @property
    def takes_value(self) -> bool:
        return self.kind is not bool and not self.incrementable

    @property
    def flag(self) -> str:
        return flag_of(self.names[0])


def _specs(arguments: Iterable[Any]) -> list[_Spec]:
    return [
        _Spec(
            names=tuple(a.names),
            key=a.attr_name or a.name,
            kind=a.kind,
            default=a.default,
            positional=bool(a.positional),
            incrementable=bool(a.incrementable),
        )
        for a in arguments
    ]


def _cast(spec: _Spec, flag: str, value: str) -> Any:
    if spec.kind in (int, float):
        try:
            return spec.kind(value)
        except ValueError:
            raise BadValue(flag, spec.kind, value) from None
    return value


def parse(task: str, arguments: Iterable[Any], argv: Sequence[str]) -> dict[str, Any]:
    """The keyword arguments ``argv`` gives the task ``task`` whose arguments are
    ``arguments`` (its ``get_arguments()``); a mistake raises a :class:`UsageError`."""
    specs = _specs(arguments)
    by_flag: dict[str, _Spec] = {}
    inverse: dict[str, _Spec] = {}
    for spec in specs:
        for name in spec.names:
            by_flag[flag_of(name)] = spec
        if spec.kind is bool and spec.default is True:
            inverse[f"--no-{spec.names[0]}"] = spec
    flags = sorted([*by_flag, *inverse])
    values: dict[str, Any] = {
        s.key: list(s.default or []) if s.kind is list else s.default for s in specs
    }
    positional = [s for s in specs if s.positional]
    tokens = list(argv)
    i = 0

    def take_value(spec: _Spec, flag: str, inline: str | None) -> None:
        nonlocal i
        if inline is None:
            if i + 1 >= len(tokens):
                raise NeedsValue(flag)
            i += 1
            inline = tokens[i]
        if spec.kind is list:
            values[spec.key].append(inline)
        else:
            values[spec.key] = _cast(spec, flag, inline)

    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--") and len(token) > 2:
            name, eq, inline = token.partition("=")
            if name in inverse and not eq:
                values[inverse[name].key] = False
            elif name not in by_flag:
                raise UnknownOption(name, task, flags)
            else:
                spec = by_flag[name]
                if spec.takes_value:
                    take_value(spec, name, inline if eq else None)
                elif eq:
                    raise TakesNoValue(name)
                else:
                    values[spec.key] = values[spec.key] + 1 if spec.incrementable else True
        elif token.startswith("-") and len(token) > 1 and not _is_number(token):
            j = 1
            while j < len(token):
                flag = f"-{token[j]}"
                if flag not in by_flag:
                    raise UnknownOption(flag if j == 1 else token, task, flags)
                spec = by_flag[flag]
                if spec.takes_value:
                    rest = token[j + 1 :]
                    take_value(spec, flag, rest.removeprefix("=") if rest else None)
                    break
                values[spec.key] = values[spec.key] + 1 if spec.incrementable else True
                j += 1
        elif positional and positional[0].kind is list:  # DIR...: takes every one left
            values[positional[0].key].append(token)
        elif positional:
            spec = positional.pop(0)
            values[spec.key] = _cast(spec, spec.names[0].upper(), token)
        else:
            raise UnexpectedArgument(task, token)
        i += 1
    missing = [s for s in positional if s.kind is not list or not values[s.key]]
    if missing:
        raise MissingPositional(task, [s.names[0] for s in missing])
    return values


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def message(exc: UsageError, help_hint: str) -> str:
    """A usage error as the one line a host prints."""
    return f"relnox: error: {exc} (see {help_hint})"
