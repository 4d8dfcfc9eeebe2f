"""relnox's sessions for a ``noxfile.py`` (``relnox.nox.register()``): one per task, never
default (a bare ``nox`` never releases), arguments parsed with the invoke task's flags."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import nox
import nox.registry
from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import Task

import relnox.invoke as _tasks
from relnox.errors import ConfigError
from relnox.invoke._args import UsageError, message, parse

#: tasks that are not sessions (relnox's own noxfile runs ``nox -s demo``)
NOT_SESSIONS = ("demo",)
#: the session names that are not the ``_`` spelling of their task's name
NAMED = {"bump": "version_bump", "publish-test": "publish-test"}
_TASK: dict[str, Task[Any]] = {task.name: task for task in _tasks.TASKS}
#: nox session name -> the name of its task, one session per task
SESSIONS: dict[str, str] = {
    NAMED.get(task.name, task.name.replace("-", "_")): task.name
    for task in _tasks.TASKS
    if task.name not in NOT_SESSIONS
}
#: every name of a task (any spelling, an alias) -> its session's name, for register()
_SESSION_OF = {
    spelling: session
    for session, name in SESSIONS.items()
    for spelling in (session, *_tasks.names(_TASK[name]))
}
TAG = "release"


def run_task(task: Task[Any], argv: Sequence[str], error: Callable[[str], Any], name: str) -> None:
    """Parse ``argv`` for ``task`` and run it; clean failures go to ``error``."""
    if "--help" in argv or "-h" in argv:
        from relnox.cli import task_help

        print("\n".join(task_help(task, f"nox -s {name} --")))
        return
    logging.getLogger("invoke").setLevel(logging.WARNING)
    try:
        kwargs = parse(task.name, task.get_arguments(), argv)
    except UsageError as exc:
        error(message(exc, f"nox -s {name} -- --help"))
        return
    try:
        task(Context(), **kwargs)
    except Exit as exc:
        if exc.code:
            error(str(exc.message or f"exit code {exc.code}"))


def _make_session(session_name: str, task: Task[Any]) -> Callable[[Any], None]:
    def session_body(session: Any) -> None:
        run_task(task, session.posargs, session.error, session_name)

    session_body.__name__ = session_name.replace("-", "_")
    session_body.__doc__ = (task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else None
    return session_body


def register(
    names: Iterable[str] | None = None, *, overwrite: bool = False, tags: Sequence[str] = ()
) -> list[str]:
    """Add relnox's sessions (all, or ``names``) to the calling noxfile; one already
    registered is an error unless ``overwrite``. Returns the names registered."""
    wanted = list(names) if names is not None else list(SESSIONS)
    unknown = [n for n in wanted if n not in _SESSION_OF]
    if unknown:
        raise ConfigError(
            f"relnox.nox.register: unknown session(s) {', '.join(unknown)}; "
            f"choose from {', '.join(SESSIONS)}"
        )
    chosen = list(dict.fromkeys(_SESSION_OF[n] for n in wanted))
    existing = nox.registry.get()
    clashes = [n for n in chosen if n in existing]
    if clashes and not overwrite:
        raise ConfigError(
            f"relnox.nox.register: session(s) {', '.join(clashes)} already registered in the "
            "noxfile; rename yours, pass names=[...] without them, or overwrite=True"
        )
    for session_name in chosen:
        body = _make_session(session_name, _TASK[SESSIONS[session_name]])
        with warnings.catch_warnings():
            # overwrite=True: nox replaces a session registered again under the same name
            # (its public decorator; it warns that a future nox may refuse)
            warnings.filterwarnings("ignore", "The session .* already been registered")
            nox.session(name=session_name, python=False, default=False, tags=[TAG, *tags])(body)
    return chosen
