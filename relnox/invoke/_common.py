"""What every relnox invoke task shares: the error boundary, logging, output (a task's
flags: :mod:`relnox.invoke._flags`)."""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from invoke.exceptions import Exit
from invoke.tasks import task as invoke_task

from relnox.errors import RelnoxError, UnknownChoice, output_lost, path_error
from relnox.invoke._args import USAGE_EXIT, UsageError
from relnox.invoke._flags import RelnoxTask, _from_flags, listed
from relnox.log import QUIET_ENV, settle, setup_logging
from relnox.redact import shown

F = TypeVar("F", bound=Callable[..., Any])


def repository_root() -> str:
    """The root of a task run without ``--root``, found upward as git and uv find theirs:
    ``"."`` when the current directory holds a project file or none is found; else the
    topmost one up to the git top-level (the workspace root), or without git the nearest."""
    here = Path.cwd().absolute()
    above = [here, *here.parents]
    top = next((i for i, d in enumerate(above) if (d / ".git").exists()), None)
    found = [
        d
        for d in (above if top is None else above[: top + 1])
        if any((d / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg"))
    ]
    if not found or found[0] == here:
        return "."
    root = found[0] if top is None else found[-1]
    logging.getLogger("relnox").debug(
        "repository root: %s (found upward from %s; --root picks another)", root, here
    )
    return str(root)


def output_file(path: Path, dist: Path, flag: str) -> Path:
    """``path``, the file ``flag`` names, when it can be written: a regular file or none,
    not below a file, not in dist/ (``twine upload dist/*`` takes all); else a
    :class:`~relnox.errors.BuildError`, before anything is done."""
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
    """``data`` written to ``path`` atomically; a failure is one line naming it."""
    from relnox.atomic import write_atomic
    from relnox.errors import BuildError

    try:
        return write_atomic(path, data, through_link=through_link)
    except OSError as exc:
        raise BuildError(
            f"{path}: cannot be written ({exc.strerror or exc}); pass another path"
        ) from None


def relnox_task(*args: Any, **kwargs: Any) -> Callable[[F], Any]:
    """``@invoke.task`` whose :class:`RelnoxError` becomes one line and exit 1 (a
    :class:`UsageError` 2; a bug keeps its traceback). With ``--json``, standard output
    carries one JSON document; everything else written there goes to standard error."""
    kwargs["auto_shortflags"] = False  # short flags come from SHORT_FLAGS only
    locked = kwargs.pop("locked", False)  # holds the repository's lock (relnox.lock)
    # a dataclass (or a function making one: options_flags): a field per flag, the body takes one
    flags = kwargs.pop("flags", None)

    kwargs.setdefault("incrementable", ["verbose"])  # every task has --verbose (-vv)

    def decorate(fn: F) -> Any:
        if flags is not None:
            kwargs.setdefault("positional", [])
            fn = _from_flags(fn, flags)
        name = kwargs.get("name") or fn.__name__.replace("_", "-")

        @functools.wraps(fn)
        def body(c: Any, *a: Any, **kw: Any) -> Any:
            setup_logging(int(kw.get("verbose") or 0))
            if kw.get("root") == ".":  # not given: the repository around the current directory
                kw["root"] = repository_root()
            if not kw.get("json") or _documents is not None:  # a task inside a --json task
                return _run(fn, name, locked, c, *a, **kw)
            return _run_json(fn, name, locked, c, *a, **kw)

        return invoke_task(*args, klass=RelnoxTask, **kwargs)(body)

    return decorate


def _run(fn: Callable[..., Any], name: str, locked: bool, c: Any, *a: Any, **kw: Any) -> Any:
    on_actions = os.environ.get("GITHUB_ACTIONS", "").lower() == "true"
    try:
        if locked and not kw.get("dry_run"):
            from relnox.lock import repository_lock

            with repository_lock(Path(kw.get("root") or "."), f"relnox {name}"):
                result = fn(c, *a, **kw)
        else:
            result = fn(c, *a, **kw)
        if on_actions and isinstance(result, Mapping):  # step outputs and summary
            from relnox.tools.github import publish_results

            publish_results(name, result)
        if isinstance(result, Mapping) and os.environ.get("RELNOX_DOTENV"):  # GitLab dotenv
            from relnox.tools import gitlab

            gitlab.publish_results(name, result)
    except (RelnoxError, OSError) as exc:
        if isinstance(exc, OSError):
            if exc.errno != errno.ENAMETOOLONG:
                raise
            # a path too long to look up (Path.is_file() raises it before Python 3.13)
            exc = path_error(None, exc)
        if on_actions:  # an ::error:: annotation on the run's page
            from relnox.tools.github import annotate_error

            annotate_error(str(exc))
        usage = isinstance(exc, (UsageError, UnknownChoice))  # a command-line mistake: exit 2
        raise Exit(shown(f"relnox: error: {exc}"), code=USAGE_EXIT if usage else 1) from None
    finally:
        settle()  # the repeated warnings counted, the status line cleared
    return result


#: the JSON documents a ``--json`` task produced so far (None: no --json task runs)
_documents: list[dict[str, Any]] | None = None


def _run_json(fn: Callable[..., Any], name: str, locked: bool, c: Any, *a: Any, **kw: Any) -> Any:
    global _documents
    _documents = []
    failure: Exit | None = None
    try:
        with _stdout_to_stderr():
            try:
                result = _run(fn, name, locked, c, *a, **kw)
            except Exit as exc:
                failure, result = exc, None
                document = error_document(exc, _documents[-1] if _documents else {})
            else:
                document = _documents[-1] if _documents else {"schema": JSON_SCHEMA}
    finally:
        _documents = None
    _write(json.dumps(document, indent=2, default=str))
    if failure is not None:
        raise failure
    return result


def error_document(exit: Exit, partial: Mapping[str, Any]) -> dict[str, Any]:
    """A failed ``--json`` task's document: what it had reported (``partial``), ``ok``,
    ``error``, ``exit_code`` and ``problems`` (the task's own, else the message)."""
    message = str(exit.message or "").removeprefix("relnox: error: ")
    problems = partial.get("problems")
    return {
        "schema": JSON_SCHEMA,
        **partial,
        "ok": False,
        "error": message,
        "exit_code": exit.code,
        "problems": list(problems)
        if isinstance(problems, (list, tuple)) and problems
        else [message],
    }


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Everything written to standard output meanwhile (a child's too) goes to stderr."""
    out, err = sys.stdout, sys.stderr
    try:
        fd, err_fd = out.fileno(), err.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (a caller's StringIO)
        fd = err_fd = -1
    with contextlib.suppress(OSError, ValueError):
        out.flush()
    saved = os.dup(fd) if fd >= 0 else -1
    if saved >= 0:
        os.dup2(err_fd, fd)
    try:
        with contextlib.redirect_stdout(err):
            yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            out.flush()
            err.flush()
        if saved >= 0:
            os.dup2(saved, fd)
            os.close(saved)


#: how a line that ``-q`` keeps starts: a failure, an error or a warning
KEPT = ("FAIL", "error", "warning", "not reproducible")


def echo(text: str = "", *, always: bool = False) -> None:
    """Result lines on stdout; ``-q`` keeps them when ``always``, else only the lines starting
    (after their indent) with one of :data:`KEPT` and those indented deeper (never an error)."""
    if always or os.environ.get(QUIET_ENV, "") in ("", "0"):
        _write(text)
        return
    keeping, depth, kept = False, 0, []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if not (keeping and indent > depth):
            keeping, depth = line.lstrip().startswith(KEPT), indent
        kept += [line] if keeping else []
    if kept:
        _write("\n".join(kept))


def echo_result(lines: list[str]) -> None:
    """A stage's :meth:`describe` lines: ``-q`` keeps the closing summary (the last, when it
    is one line) and the lines :func:`echo` keeps."""
    if lines[:-1]:
        echo("\n".join(lines[:-1]))
    if lines:
        echo(lines[-1], always="\n" not in lines[-1])


def _write(text: str) -> None:
    settle()
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
    """A task's ``--json`` result, ``schema`` first, printed when the task ends."""
    document = {"schema": JSON_SCHEMA, **data}
    if _documents is None:  # the body called without its task's wrapper
        _write(json.dumps(document, indent=2, default=str))
    else:
        _documents.append(document)


def show(
    as_json: bool, document: Mapping[str, Any], lines: Iterable[str], always: bool = False
) -> None:
    """A result: ``document`` with ``--json``, else ``lines`` (a plan's :meth:`describe`)."""
    echo_json(document) if as_json else echo("\n".join(lines), always=always)


NOTHING_CHANGED = "nothing to do: every selected package's version is already released (--changed)"


def nothing_to_do(
    as_json: bool, result: Mapping[str, Any], text: str = NOTHING_CHANGED
) -> dict[str, Any]:
    """A task with nothing to do says ``text`` (with ``--json`` as the result's note)."""
    show(as_json, {**result, "note": text}, [text])
    return dict(result)


def chosen(root: str, package: Any, changed: bool) -> list[str] | None:
    """The packages named, or with ``--changed`` the release set (``None``: none left)."""
    names = listed(package)
    if not changed:
        return names
    from relnox.project.discovery import load_workspace
    from relnox.project.selection import select_packages

    found = select_packages(load_workspace(root), names, changed=True).names
    return list(found) or None
