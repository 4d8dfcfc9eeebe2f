"""relnox's sessions for a project's ``noxfile.py``.

::

    import relnox.nox
    relnox.nox.register()

adds ``version_bump``, ``build_all``, ``verify_install``, ``publish-test`` (alias
``testpypi``), ``publish`` and the other release sessions. Each is ``default=False``
(a bare ``nox`` never releases) and tagged ``release``. Arguments follow ``--``::

    nox -s version_bump -- --part minor

A session parses its arguments with the flags of the invoke task of the same job
(one definition for both hosts) and runs in nox's own interpreter: relnox drives
its own fresh environments with uv, so no session virtualenv is needed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import nox
import nox.registry
from invoke.context import Context
from invoke.exceptions import Exit, ParseError
from invoke.parser.context import ParserContext
from invoke.parser.parser import Parser
from invoke.tasks import Task

from relnox.errors import ConfigError

#: nox session name -> name of the task in :mod:`relnox.invoke`
SESSIONS: dict[str, str] = {
    "packages": "packages",
    "check_versions": "check_versions",
    "version_bump": "bump",
    "build_all": "build_all",
    "verify_install": "verify_install",
    "publish-test": "testpypi",
    "testpypi": "testpypi",
    "publish": "publish",
    "serve_index": "serve_index",
    "tag": "tag",
    "check_tag": "check_tag",
    "resolve_version": "resolve_version",
    "plan": "plan",
    "doctor": "doctor",
    "ci_init": "ci_init",
    "release_notes": "release_notes",
    "release": "release",
    "rehearse": "rehearse",
}
TAG = "release"


def parse_args(task: Task[Any], argv: Sequence[str]) -> dict[str, Any]:
    """The keyword arguments ``argv`` gives ``task``, parsed by invoke's own parser."""
    context = ParserContext(name=task.name, args=task.get_arguments())
    result = Parser(contexts=[context]).parse_argv([task.name, *argv])
    parsed = result[0]
    if result.remainder:
        raise ParseError(f"unexpected arguments: {result.remainder}")
    return parsed.as_kwargs


def _help(task: Task[Any], session_name: str) -> str:
    lines = [f"nox -s {session_name} -- [options]", "", (task.__doc__ or "").strip(), ""]
    for arg in task.get_arguments():
        flag = "/".join(("-" if len(n) == 1 else "--") + n for n in arg.names)
        lines.append(f"  {flag:28} {arg.help or ''}")
    return "\n".join(lines)


def run_task(task: Task[Any], argv: Sequence[str], error: Callable[[str], Any], name: str) -> None:
    """Parse ``argv`` for ``task`` and run it; clean failures go to ``error``."""
    if "--help" in argv or "-h" in argv:
        print(_help(task, name))
        return
    logging.getLogger("invoke").setLevel(logging.WARNING)
    try:
        kwargs = parse_args(task, argv)
    except ParseError as exc:
        error(f"relnox: error: {exc}; see nox -s {name} -- --help")
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
    """Add relnox's sessions (all of them, or ``names``) to the calling noxfile.

    A session name that is already registered is an error unless ``overwrite``.
    Returns the names registered.
    """
    import relnox.invoke as tasks

    wanted = list(names) if names is not None else list(SESSIONS)
    unknown = [n for n in wanted if n not in SESSIONS]
    if unknown:
        raise ConfigError(
            f"relnox.nox.register: unknown session(s) {', '.join(unknown)}; "
            f"choose from {', '.join(SESSIONS)}"
        )
    existing = nox.registry.get()
    clashes = [n for n in wanted if n in existing]
    if clashes and not overwrite:
        raise ConfigError(
            f"relnox.nox.register: session(s) {', '.join(clashes)} already registered in the "
            "noxfile; rename yours, pass names=[...] without them, or overwrite=True"
        )
    for session_name in wanted:
        task = getattr(tasks, SESSIONS[session_name])
        body = _make_session(session_name, task)
        nox.registry._REGISTRY.pop(session_name, None) if overwrite else None
        nox.session(name=session_name, python=False, default=False, tags=[TAG, *tags])(body)
    return wanted
