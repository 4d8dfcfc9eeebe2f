"""What every relnox invoke task shares: the error boundary, logging, output."""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, Any, TypeVar

from relnox import _light
from relnox.errors import RelnoxError, output_lost, path_error
from relnox.invoke._args import USAGE_EXIT, UsageError
from relnox.log import QUIET_ENV, setup_logging
from relnox.redact import shown

if TYPE_CHECKING:
    from pathlib import Path

F = TypeVar("F", bound=Callable[..., Any])
VERBOSE_HELP = "more log output (repeatable: -vv also shows the tools relnox runs)"
ROOT_HELP = "repository root (default: .)"

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


def __getattr__(name: str) -> Any:
    """``RelnoxTask`` and ``CheckedArgument`` (invoke's classes, imported on first use)."""
    if name in ("RelnoxTask", "CheckedArgument"):
        from relnox.invoke import _tasks

        return getattr(_tasks, name)
    raise AttributeError(name)


def number(value: Any, flag: str, kind: type[int] | type[float] = int) -> Any:
    """``--flag``'s text as a number (``None`` when empty); a usage error when it is not one."""
    if value in (None, ""):
        return None
    try:
        result = kind(value)
    except (TypeError, ValueError):
        what = "a whole number" if kind is int else "a number of seconds"
        raise UsageError(f"--{flag} takes {what}, not {value!r}") from None
    if result != result or result in (float("inf"), float("-inf")):  # nan, inf: no wait ends
        raise UsageError(f"--{flag} takes a finite number of seconds, not {value!r}")
    if result < 0:
        raise UsageError(f"--{flag} cannot be negative ({value!r})")
    return result


def output_file(path: Path, dist: Path, flag: str) -> Path:
    """``path``, the file ``flag`` names, when it can be written: not a directory, not a
    device, pipe or socket (the write replaces what the name holds), not below a file, and
    not in dist/, which holds only distributions (``twine upload dist/*`` takes
    all); a :class:`~relnox.errors.BuildError` naming it otherwise, before anything is done."""
    from relnox.errors import BuildError

    try:
        if path.is_dir():
            raise BuildError(f"{flag} {path}: is a directory; pass the path of a file to write")
        if path.exists() and not path.is_file():
            # the write replaces the name: /dev/null (as root) would become a file
            raise BuildError(
                f"{flag} {path}: is not a regular file (a device, a pipe or a socket), which "
                "the write would replace; pass the path of a file, or - to print it"
            )
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        inside = path.resolve().is_relative_to(dist.resolve())
    except OSError as exc:  # a name too long, a loop of links
        raise BuildError(
            f"{flag} {path}: cannot be written ({exc.strerror or exc}); pass another path"
        ) from None
    if blocker is not None:
        raise BuildError(f"{flag} {path}: {blocker} is a file, not a directory; pass another path")
    if inside:
        raise BuildError(
            f"{flag} {path}: lies in {dist}, which holds only distributions (twine upload "
            "dist/* would upload it); write it elsewhere, e.g. beside dist/"
        )
    return path


def write_output(path: Path, data: str, *, through_link: bool = True) -> Path:
    """``data`` written to ``path`` atomically (``through_link``: as
    :func:`relnox.atomic.write_atomic`); a failure (a full disk, no permission) is one
    line naming it."""
    from relnox.atomic import write_atomic
    from relnox.errors import BuildError

    try:
        return write_atomic(path, data, through_link=through_link)
    except OSError as exc:
        raise BuildError(
            f"{path}: cannot be written ({exc.strerror or exc}); pass another path"
        ) from None


def relnox_task(*args: Any, **kwargs: Any) -> Callable[[F], Any]:
    """``@invoke.task`` whose :class:`RelnoxError` becomes one clean line and exit 1.

    A :class:`UsageError` exits 2, like an unknown flag. A bug (any other exception)
    still shows its traceback.
    """
    kwargs["auto_shortflags"] = False  # short flags come from SHORT_FLAGS only
    locked = kwargs.pop("locked", False)  # holds the repository's lock (relnox.lock)
    flags = kwargs.pop("flags", None)  # a dataclass: one field per flag, the body takes one

    def decorate(fn: F) -> Any:
        if flags is not None:
            fn = _from_flags(fn, flags)
        light = _light.ACTIVE and not args
        if "verbose" in dict(_light.parameters(fn)):
            kwargs.setdefault("incrementable", ["verbose"])
            kwargs["help"] = {"verbose": VERBOSE_HELP, **(kwargs.get("help") or {})}

        @functools.wraps(fn)
        def body(c: Any, *a: Any, **kw: Any) -> Any:
            setup_logging(int(kw.get("verbose") or 0))
            on_actions = os.environ.get("GITHUB_ACTIONS", "").lower() == "true"
            try:
                if locked and not kw.get("dry_run"):
                    from pathlib import Path

                    from relnox.lock import repository_lock

                    name = kwargs.get("name") or fn.__name__.replace("_", "-")
                    with repository_lock(Path(kw.get("root") or "."), f"relnox {name}"):
                        result = fn(c, *a, **kw)
                else:
                    result = fn(c, *a, **kw)
                if on_actions and isinstance(result, Mapping):  # step outputs and summary
                    from relnox.tools.github import publish_results

                    publish_results(kwargs.get("name") or fn.__name__.replace("_", "-"), result)
            except (RelnoxError, OSError) as exc:
                if isinstance(exc, OSError):
                    if exc.errno != errno.ENAMETOOLONG:
                        raise
                    # a path a setting or flag names, too long to look up (Path.is_file()
                    # raises it before Python 3.13): one line, wherever it was looked up
                    exc = path_error(None, exc)
                if on_actions:  # an ::error:: annotation on the run's page
                    from relnox.tools.github import annotate_error

                    annotate_error(str(exc))
                code = USAGE_EXIT if isinstance(exc, UsageError) else 1
                text = shown(f"relnox: error: {exc}")
                if light:
                    raise _light.TaskExit(text, code) from None
                from invoke.exceptions import Exit

                raise Exit(text, code=code) from None
            return result

        if light:  # the relnox command: no invoke (relnox._light)
            return _light.LightTask(body, short_flags=SHORT_FLAGS, **kwargs)
        from invoke.tasks import task as invoke_task

        from relnox.invoke._tasks import RelnoxTask

        return invoke_task(*args, klass=RelnoxTask, **kwargs)(body)

    return decorate


def _from_flags(fn: Callable[..., Any], flags: type) -> Any:
    """``fn(c, flags)`` as invoke sees a task: one parameter per field of the ``flags``
    dataclass (its default gives the flag's kind), the object built once from them. The
    relnox command reads them from ``__relnox_parameters__``; invoke, which reads
    ``inspect.signature``, from a ``__signature__`` made when invoke is the host."""
    specs = fields(flags)
    given_names = [f.name for f in specs]

    def body(c: Any, *args: Any, **kw: Any) -> Any:
        given = dict(zip(given_names, args, strict=False))
        return fn(c, flags(**given, **kw))

    body.__name__, body.__qualname__, body.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    body.__module__ = fn.__module__
    found = [("c", _light.EMPTY)]
    found += [(f.name, _light.EMPTY if f.default is MISSING else f.default) for f in specs]
    body.__relnox_parameters__ = tuple(found)  # type: ignore[attr-defined]
    if not _light.ACTIVE:
        import inspect

        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        body.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                inspect.Parameter(
                    name, kind, default=inspect.Parameter.empty if d is _light.EMPTY else d
                )
                for name, d in found
            ]
        )
    return body


def echo(text: str = "") -> None:
    """Print a result line to stdout (secrets masked), unless ``-q``/``RELNOX_QUIET``."""
    if os.environ.get(QUIET_ENV, "") not in ("", "0"):
        return
    _write(text)


def _write(text: str) -> None:
    """Write to stdout (secrets masked); a closed pipe ends quietly."""
    try:
        sys.stdout.write(shown(text) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `relnox packages | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except OSError as exc:  # `relnox packages > /dev/full`: one line, not a traceback
        raise output_lost(exc) from None


JSON_SCHEMA = 1  # the version of every task's --json object (docs/json.md)


def echo_json(data: Mapping[str, Any]) -> None:
    """A task's ``--json`` result: one object, ``schema`` first (docs/json.md)."""
    _write(json.dumps({"schema": JSON_SCHEMA, **data}, indent=2, default=str))


def listed(values: Any) -> list[str]:
    """An invoke ``iterable`` flag's value (None or a list) as a list."""
    return list(values or [])


CHANGED_HELP = (
    "act only on the packages whose version is not released yet (bumped since their "
    "last tag), the named ones and their lockstep groups"
)
NOTHING_CHANGED = "nothing to do: every selected package's version is already released (--changed)"


def nothing_to_do(as_json: bool, text: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """A task that has nothing to do says so: ``text``, or with ``--json`` the ``result``
    (it printed ``text`` there, which no JSON reader takes); the result is returned."""
    if as_json:
        echo_json({**result, "note": text})
    else:
        echo(text)
    return dict(result)


def chosen(root: str, package: Any, changed: bool) -> list[str] | None:
    """The packages a task acts on: those named, or with ``--changed`` the release set
    (:func:`relnox.project.selection.select_packages`); ``None`` when ``--changed`` leaves none."""
    names = listed(package)
    if not changed:
        return names
    from relnox.project.discovery import load_workspace
    from relnox.project.selection import select_packages

    found = select_packages(load_workspace(root), names, changed=True).names
    return list(found) or None
