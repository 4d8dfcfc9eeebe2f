"""The tasks as the ``relnox`` command needs them, without importing invoke.

Importing invoke costs a new process about 80 ms (its ``importlib.metadata`` version
look-up, ``unittest.mock``, its YAML loader), which the command paid on every run although
it parses with :mod:`relnox.invoke._args` and only calls a task's body. When the command
starts (:func:`relnox.cli.main` sets :data:`ACTIVE` before the tasks are imported),
:func:`relnox.invoke._common.relnox_task` makes a :class:`LightTask`: the same name,
aliases, help and :meth:`LightTask.get_arguments` as the invoke task (a test holds every
task's arguments to invoke's, field by field), and a body that raises :class:`TaskExit`
instead of invoke's ``Exit``. Everywhere else (``tasks.py``, nox sessions, tests) the tasks
are invoke's own ``Task`` objects, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: the relnox command is starting: tasks imported from now on are :class:`LightTask`
ACTIVE = False
#: the command's own process froze the collector's view before its task (relnox.cli)
FROZEN = False


def freeze_imports() -> None:
    """Where the command's process froze the collector's view before its task, freeze what
    the task has imported since as well: call it right after a task imports its stage,
    before it makes anything of its own (the same rule as the first freeze, for the
    modules a lazy stage face loads: the teardown no longer walks them either)."""
    if FROZEN:
        import gc

        gc.freeze()


class _Empty:
    """A parameter without a default (``inspect.Parameter.empty``'s role)."""

    def __repr__(self) -> str:
        return "<empty>"


EMPTY: Any = _Empty()


def parameters(fn: Callable[..., Any]) -> list[tuple[str, Any]]:
    """``fn``'s parameters as ``inspect.signature`` reads them (through ``__wrapped__``,
    and a ``__relnox_parameters__`` a flags task sets), as ``(name, default)`` pairs with
    :data:`EMPTY` for no default, without importing :mod:`inspect` (~4 ms of a start:
    ``ast``, ``dis``, ``tokenize``). Its positional and keyword parameters only: a task
    takes no ``*args`` or ``**kwargs`` of its own."""
    while True:
        given = getattr(fn, "__relnox_parameters__", None)
        if given is not None:
            return list(given)
        inner = getattr(fn, "__wrapped__", None)
        if inner is None:
            break
        fn = inner
    code = fn.__code__
    count = code.co_argcount + code.co_kwonlyargcount
    names = code.co_varnames[:count]
    positional = fn.__defaults__ or ()
    keyword = fn.__kwdefaults__ or {}
    first_default = code.co_argcount - len(positional)
    found = []
    for i, name in enumerate(names):
        if i < code.co_argcount:
            default = positional[i - first_default] if i >= first_default else EMPTY
        else:
            default = keyword.get(name, EMPTY)
        found.append((name, default))
    return found


class TaskExit(Exception):
    """A task's clean failure (one line, an exit code): invoke's ``Exit`` for light tasks."""

    def __init__(self, message: str | None = None, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else (1 if message else 0)


#: what a flag is, in invoke's ``Argument`` and in :class:`LightArgument` alike
ARGUMENT_FIELDS = (
    "names",
    "kind",
    "default",
    "help",
    "positional",
    "optional",
    "incrementable",
    "attr_name",
)


def argument_fields(argument: Any) -> dict[str, Any]:
    """The fields of a flag (either kind of argument), to make the other kind from it."""
    return {name: getattr(argument, name) for name in ARGUMENT_FIELDS}


class LightArgument:
    """A task's flag, with the fields of invoke's ``Argument`` that relnox reads."""

    def __init__(
        self,
        names: Iterable[str],
        kind: Any = str,
        default: Any = None,
        help: str | None = None,
        positional: bool = False,
        optional: bool = False,
        incrementable: bool = False,
        attr_name: str | None = None,
    ) -> None:
        self.names = tuple(names)
        self.kind = kind
        self.default = default
        self.help = help
        self.positional = positional
        self.optional = optional
        self.incrementable = incrementable
        self.attr_name = attr_name

    @property
    def name(self) -> str:
        return self.attr_name or self.names[0]


def _dashed(name: str) -> str:
    """invoke's ``translate_underscores``."""
    return name.lstrip("_").rstrip("_").replace("_", "-")


class LightTask:
    """A task body with invoke's task options (``@task(name=..., help=...)``), answering
    ``name``, ``aliases``, ``get_arguments()`` and a call as invoke's ``Task`` does."""

    def __init__(
        self, body: Callable[..., Any], *, short_flags: Mapping[str, str], **options: Any
    ) -> None:
        """``options`` are invoke's ``@task`` keywords (``name``, ``aliases``, ``help``,
        ``positional``, ``optional``, ``iterable``, ``incrementable``); others are ignored."""
        self.body = body
        self.__doc__ = getattr(body, "__doc__", "")
        self.__name__ = getattr(body, "__name__", "")
        self.__module__ = getattr(body, "__module__", "")
        self.__wrapped__ = body
        self.name = options.get("name") or self.__name__
        self.aliases = tuple(options.get("aliases") or ())
        self.optional = tuple(options.get("optional") or ())
        self.iterable = list(options.get("iterable") or [])
        self.incrementable = list(options.get("incrementable") or [])
        self.help = dict(options.get("help") or {})
        self.short_flags = dict(short_flags)
        parameters = list(self._parameters())
        positional = options.get("positional")
        self.positional = (
            list(positional)
            if positional is not None
            else [name for name, default in parameters if default is EMPTY]
        )
        if options.get("auto_shortflags"):  # relnox never asks for invoke's made-up short flags
            raise TypeError("relnox tasks take their short flags from SHORT_FLAGS only")

    def _parameters(self) -> list[tuple[str, Any]]:
        """The body's parameters after the context (invoke's ``argspec``)."""
        return parameters(self.body)[1:]

    def __call__(self, context: Any, *args: Any, **kwargs: Any) -> Any:
        return self.body(context, *args, **kwargs)

    def _options(self, name: str, default: Any, taken: set[str], help: dict[str, str]) -> Any:
        """invoke's ``Task.arg_opts`` with relnox's short flags (``RelnoxTask.arg_opts``)."""
        opts: dict[str, Any] = {
            "positional": name in self.positional,
            "optional": name in self.optional,
        }
        if name in self.iterable:
            opts["kind"] = list
            opts["default"] = default if default is not None else []
        if name in self.incrementable:
            opts["incrementable"] = True
        original = name
        if "_" in name:
            opts["attr_name"] = name
            name = _dashed(name)
        names = [name]
        if default is not None and default is not EMPTY:
            kind = type(default)
            if not (opts["optional"] and kind is bool):
                opts["kind"] = kind
            opts["default"] = default
        for possibility in (name, original):
            if possibility in help:
                opts["help"] = help.pop(possibility)
                break
        short = self.short_flags.get(original)
        if short is not None and short not in taken:
            names.append(short)
        opts["names"] = names
        return opts

    def get_arguments(self) -> list[LightArgument]:
        """The task's flags, in invoke's order (positional ones first)."""
        parameters = self._parameters()
        taken = {name for name, _ in parameters}
        help = dict(self.help)
        arguments: list[LightArgument] = []
        for name, default in parameters:
            argument = LightArgument(**self._options(name, default, taken, help))
            arguments.append(argument)
            taken.update(argument.names)
        for name in reversed(self.positional):
            for i, argument in enumerate(arguments):
                if argument.name == name:
                    arguments.insert(0, arguments.pop(i))
                    break
        return arguments

    def invoke_arguments(self) -> list[Any]:
        """The flags as invoke's ``Argument`` objects (for ``--help``, which uses invoke's
        help layout)."""
        from invoke.parser.argument import Argument

        return [Argument(**argument_fields(a)) for a in self.get_arguments()]
