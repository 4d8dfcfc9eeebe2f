"""A task's flags, derived from its stage's options dataclass (twine's ``Settings``), and
invoke's ``Task`` with relnox's short flags and help texts."""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, field, fields, make_dataclass
from pathlib import Path
from typing import Any

from invoke.exceptions import ParseError
from invoke.parser.argument import Argument
from invoke.tasks import Task

from relnox.errors import MOST_SECONDS, seconds
from relnox.invoke._args import UsageError

#: the help of the flags most tasks share, unless a task words its own
COMMON_HELP = {
    "root": "repository root (default: found upward from the current directory)",
    "json": "print the result as JSON",
    "verbose": "more log output (repeatable: -vv also shows the tools relnox runs)",
    "changed": "act only on the packages whose version is not released yet (bumped since "
    "their last tag), the named ones and their lockstep groups",
    "dist": "directory of the wheels and sdists, whoever built them (default: [tool.relnox] "
    "dist-dir)",
    "allow_stale": "use the files of this package although its sources changed since they "
    "were built (repeatable; recorded in the report)",
}

#: the only short flags, each with one meaning in every task (and none made up by invoke)
SHORT_FLAGS = {
    "package": "p",
    "dry_run": "n",
    "verbose": "v",
    "yes": "y",
    "jobs": "j",
    "keep_going": "k",
    "repository": "r",
    "out": "o",
    "output": "o",
}


def number(value: Any, flag: str, kind: type[int] | type[float] = int) -> Any:
    """``--flag``'s text as a number (``None`` when empty), a float one a wait of 0 to
    :data:`~relnox.errors.MOST_SECONDS`; a usage error when it is not one."""
    if value in (None, ""):
        return None
    if kind is float:
        wait = seconds(value)
        if wait is None:  # nan, inf and 1e9 too: no clock holds such a wait
            raise UsageError(
                f"--{flag} {value!r} is not a number of seconds from 0 to {MOST_SECONDS:g} "
                f"(a day); write e.g. --{flag} 120"
            )
        return wait
    try:
        result = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"--{flag} takes a whole number, not {value!r}") from None
    if result < 0:
        raise UsageError(f"--{flag} cannot be negative ({value!r})")
    return result


class CheckedArgument(Argument):
    """An Argument whose malformed number is a usage error naming the flag (in the
    ``invoke`` program), and whose repr is the flag as typed, for invoke's parse errors."""

    def __repr__(self) -> str:
        return f"--{self.names[0]}" if self.names else super().__repr__()

    def set_value(self, value: Any, cast: bool = True) -> None:
        try:
            super().set_value(value, cast)
        except (TypeError, ValueError):
            kind = "a whole number" if self.kind is int else f"a {self.kind.__name__}"
            raise ParseError(f"--{self.names[0]} takes {kind}, not {value!r}") from None


class RelnoxTask(Task):  # type: ignore[type-arg]
    """A Task whose short flags are :data:`SHORT_FLAGS` only (invoke's own would make
    ``-p`` --package here, --part there) and whose help survives ``get_arguments()``; a
    help table may name flags it does not take (a table shared by tasks taking some of them)."""

    def arg_opts(self, name: str, default: Any, taken_names: set[str]) -> dict[str, Any]:
        opts: dict[str, Any] = super().arg_opts(name, default, taken_names)
        opts["help"] = opts.get("help") or COMMON_HELP.get(name)
        short = SHORT_FLAGS.get(name)
        if short is not None and short not in taken_names:
            opts["names"] = [*opts["names"], short]
        return opts

    def argspec(self, body: Callable[..., Any]) -> inspect.Signature:
        flags_of = getattr(body, "flags_of", None)
        if flags_of is None:
            return super().argspec(body)
        kind, empty = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty
        params = [
            inspect.Parameter(f.name, kind, default=empty if f.default is MISSING else f.default)
            for f in fields(flags_of())
        ]
        return inspect.Signature(params)

    def get_arguments(self, ignore_unknown_help: bool | None = None) -> Any:
        flags_of = getattr(self.body, "flags_of", None)
        if flags_of is not None:  # a flags class's repeatable flags
            more = getattr(flags_of(), "iterable", ())
            self.iterable = [*self.iterable, *(n for n in more if n not in self.iterable)]
        kept = dict(self.help)
        try:
            arguments = super().get_arguments(ignore_unknown_help=True)
        finally:
            self.help = kept
        for argument in arguments:  # invoke makes plain Arguments
            argument.__class__ = CheckedArgument
        return arguments


#: options whose flags are spelled otherwise in every task (``--package NAME``, repeatable)
RENAMED = {"packages": "package", "dist_dir": "dist"}
#: the flags every task that acts on a repository takes besides its stage's options
HOST_FLAGS = (("root", "."), ("json", False), ("verbose", 0))


def options_flags(
    options: type,
    *,
    rename: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    extra: Sequence[tuple[str, Any]] = (),
) -> type:
    """A task's flags, a field per field of its stage's ``options`` dataclass (``only``
    those, not ``skip``; spelled as :data:`RENAMED` and ``rename`` say), then ``extra`` and
    :data:`HOST_FLAGS`; a sequence is a repeatable flag, as is an extra one whose default is
    None. ``flags.options(**overrides)`` builds the options."""
    names = {**RENAMED, **(rename or {})}
    wanted = set(only) if only is not None else None
    specs: list[tuple[str, Any, Any]] = []
    sources: dict[str, Any] = {}
    for f in fields(options):
        if f.name in skip or (wanted is not None and f.name not in wanted):
            continue
        flag = names.get(f.name, f.name)
        default = None if f.default is MISSING or _repeatable(f) else f.default  # None: not given
        specs.append((flag, Any, field(default=default)))
        sources[flag] = f
    for name, default in (*extra, *HOST_FLAGS):  # a field's name: its flag's default
        specs = [s for s in specs if s[0] != name] + [(name, Any, field(default=default))]

    def build(self: Any, **overrides: Any) -> Any:
        given = {
            f.name: _option_value(f, flag, getattr(self, flag))
            for flag, f in sources.items()
            if getattr(self, flag) not in (None, "", [])
        }
        return options(**{**given, **overrides})

    repeatable = [flag for flag, f in sources.items() if _repeatable(f)]
    repeatable += [name for name, default in extra if default is None]
    namespace = {"options": build, "iterable": repeatable}
    return make_dataclass(f"{options.__name__}Flags", specs, frozen=True, namespace=namespace)


def plain_flags(*specs: str | tuple[str, Any]) -> Callable[[], type]:
    """A task's flags not made from a stage's options: ``(name, default)`` each, a bare name
    a required value, a None default a repeatable flag, then the :data:`HOST_FLAGS` not among
    them; the class made when first asked, as :func:`later`'s (a start makes its own
    command's only)."""
    given = {s if isinstance(s, str) else s[0] for s in specs}
    specs += tuple(host for host in HOST_FLAGS if host[0] not in given)
    made = [(s, Any) if isinstance(s, str) else (s[0], Any, field(default=s[1])) for s in specs]
    repeatable = [s[0] for s in specs if not isinstance(s, str) and s[1] is None]
    return lambda: make_dataclass("Flags", made, frozen=True, namespace={"iterable": repeatable})


def later(options: str, **kw: Any) -> Callable[[], type]:
    """:func:`options_flags` of ``module:Class``, made when first asked (its stage loaded then)."""
    module, _, name = options.partition(":")
    return lambda: options_flags(getattr(importlib.import_module(module), name), **kw)


def _repeatable(spec: Any) -> bool:
    collection = isinstance(spec.default, (tuple, frozenset, list))
    return collection or str(spec.type) in ("Sequence[str]", "Sequence[str] | None")


def _option_value(spec: Any, flag: str, value: Any) -> Any:
    """A flag's value as its option's type (a number checked: :func:`number`)."""
    kinds = str(spec.type).split(" | ")
    if _repeatable(spec):
        return (type(spec.default) if spec.default is not None else tuple)(listed(value))
    if isinstance(value, bool):
        return value
    if "int" in kinds:  # 0 of an option that may be unset: its default
        return number(value, flag.replace("_", "-")) or spec.default
    if "float" in kinds:
        return number(value, flag.replace("_", "-"), float)
    if "Path" in kinds and isinstance(value, str):
        return Path(value)
    return value


def _from_flags(fn: Callable[..., Any], flags: type | Callable[[], type]) -> Any:
    """``fn(c, flags)`` as invoke sees a task: a parameter per field of the ``flags``
    dataclass, or of the one a function makes when first asked (its stage imported then)."""
    flags_of = functools.cache(flags if not isinstance(flags, type) else lambda: flags)

    def body(c: Any, *args: Any, **kw: Any) -> Any:
        cls = flags_of()
        given = dict(zip([f.name for f in fields(cls)], args, strict=False))
        return fn(c, cls(**given, **kw))

    body.__name__, body.__qualname__, body.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    body.__module__ = fn.__module__
    body.flags_of = flags_of  # type: ignore[attr-defined]
    return body


def listed(values: Any) -> list[str]:
    return list(values or [])
