"""The ``relnox`` command: the invoke tasks of :mod:`relnox.invoke` as a program.

For CI steps that have neither a noxfile nor a tasks.py: ``relnox bump --part minor``.
Only the task modules' light imports run at start-up; heavy dependencies (twine,
build, requests) are imported by the task that needs them.

The tasks are invoke's (their definitions, their ``Context``); the command line is
relnox's own: :mod:`relnox.invoke._args` parses a task's flags from its public
``get_arguments()``, and a mistake is a typed :class:`UsageError`, one ``relnox: error:``
line with a "did you mean" when a name is close, and exit code 2. ``relnox --help``
lists the commands and the options that apply (``--help``, ``--version``, ``-v``,
``-q``), not a task runner's shell-command machinery (``--pty``, ``--echo`` ...).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from relnox import __version__, _light
from relnox.errors import OutputLost, output_lost
from relnox.log import QUIET_ENV

#: how ``relnox --help`` groups the commands (a task missing here goes under the last)
GROUPS = {
    "Release": (
        "release",
        "rehearse",
        "bump",
        "build-all",
        "verify-install",
        "publish-test",
        "publish",
        "tag",
        "audit",
    ),
    "Look before you release": (
        "doctor",
        "packages",
        "check-versions",
        "plan",
        "resolve-version",
        "check-tag",
    ),
    "CI and tools": ("ci-init", "assemble", "release-notes", "serve-index", "demo"),
}
OPTIONS = (
    ("-h, --help [COMMAND]", "show this help, or the options of COMMAND"),
    ("-V, --version", "print relnox's version"),
    ("-v, --verbose", "more log output; -vv also shows the tools relnox runs"),
    ("-q, --quiet", "only results that are asked for (--json) and errors"),
)
WIDTH = 100
#: the exit code of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it)
INTERRUPTED_EXIT = 130
#: the status a shell reports for a command stopped by SIGTERM (128 + SIGTERM)
TERMINATED_EXIT = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM received by the ``relnox`` command: raised in the main thread as a Ctrl-C
    is, so whatever a Ctrl-C stops and removes (children, scratch directories, a bump
    undone) is stopped and removed for it too; the command then ends by that signal."""

    #: a SIGTERM came (the command's own process ends by it)
    received = False


def _on_term(signum: int, frame: object) -> None:
    Terminated.received = True
    _stop_children()
    raise Terminated


def _on_int(signum: int, frame: object) -> None:
    _stop_children()
    raise KeyboardInterrupt


def _stop_children() -> None:
    """The children running now are killed (:func:`relnox._proc.stop_children`): a thread
    waiting for one ends at once, and the main thread's clean-up does not wait for them."""
    proc = sys.modules.get("relnox._proc")  # none started: not imported
    if proc is not None:
        proc.stop_children()


class Command:
    """The ``relnox`` program: its own options, then one command and that command's flags."""

    def __init__(self) -> None:
        #: the process is the command's own: freeze the collector's view before the task
        self.freeze = False
        if not any(m.startswith("relnox.invoke.") for m in sys.modules):
            _light.ACTIVE = True  # the tasks without invoke (relnox._light)
        from relnox.invoke import TABLE, spellings

        #: every spelling of a command (aliases, ``_`` for ``-``) -> its task's name, from
        #: the table of tasks: only the module of the task that runs is imported
        self.commands: dict[str, str] = {
            n: name for name, (_, _, aliases) in TABLE.items() for n in spellings(name, aliases)
        }

    @property
    def tasks(self) -> dict[str, Any]:
        """Every task by its name (every task module imported: help, completion)."""
        from relnox.invoke import TASKS

        return {t.name: t for t in TASKS}

    def run(self, argv: Sequence[str]) -> None:
        """Parse ``argv`` (without the program name) and run the command it names."""
        from relnox.invoke._args import USAGE_EXIT, UsageError, message

        try:
            self._run(list(argv))
        except UsageError as exc:
            task = getattr(exc, "task", None)
            hint = f"relnox {task} --help" if task else "relnox --help"
            self._exit(message(exc, hint), USAGE_EXIT)
        except Terminated:  # SIGTERM: as a Ctrl-C
            self._exit("relnox: stopped (SIGTERM)", TERMINATED_EXIT)
        except KeyboardInterrupt:  # Ctrl-C: what changes files undid itself or completed
            self._exit("relnox: stopped (Ctrl-C)", INTERRUPTED_EXIT)
        except OutputLost as exc:  # the help, the version: written by the command itself
            self._exit(f"relnox: error: {exc}", 1)
        except Exception as exc:
            if not _is_exit(exc):
                raise
            # a task's RelnoxError, already one clean line
            self._exit(str(exc.message) if exc.message else "", exc.code)  # type: ignore[attr-defined]

    @staticmethod
    def _exit(text: str, code: int) -> None:
        if text:
            print(text, file=sys.stderr)
        raise SystemExit(code)

    def _run(self, argv: list[str]) -> None:
        from relnox.invoke._args import UnknownOption, UsageError, parse

        verbose = 0
        while argv and argv[0].startswith("-"):
            token = argv.pop(0)
            if token in ("-h", "--help"):
                if argv and not argv[0].startswith("-"):
                    self.print_task_help(self._task_name(argv[0]))
                else:
                    self.print_help()
                return
            if token in ("-V", "--version"):
                _say(f"relnox {__version__}")
                return
            if token == "--list":
                self.print_commands()
                return
            if token == "--complete":
                self.complete(argv[1:] if argv[:1] == ["--"] else argv)
                return
            if token.startswith("--print-completion-script"):
                shell = token.partition("=")[2] or (argv.pop(0) if argv else "")
                from invoke.completion.complete import print_completion_script

                print_completion_script(shell=shell, names=["relnox"])
                return
            if token in ("-q", "--quiet"):
                os.environ[QUIET_ENV] = "1"  # the tasks' echo and logging read it
            elif token == "--verbose" or (token[1:] and set(token[1:]) == {"v"}):
                verbose += 1 if token == "--verbose" else len(token) - 1
            else:
                flags = [flag for spelled, _ in OPTIONS for flag in _spellings(spelled)]
                raise UnknownOption(token, None, flags)
        if not argv:
            self.print_help()
            return
        name = self._task_name(argv.pop(0))
        from relnox.invoke import task as task_named

        task = task_named(name)
        head = argv[: argv.index("--")] if "--" in argv else argv
        if any(t in ("-h", "--help") for t in head):
            self.print_task_help(name)
            return
        try:
            kwargs = parse(name, task.get_arguments(), argv)
        except UsageError as exc:
            exc.task = name  # type: ignore[attr-defined]
            raise
        if "verbose" in kwargs:
            kwargs["verbose"] = int(kwargs["verbose"] or 0) + verbose  # -v before the command
        if self.freeze:
            _freeze()
        task(_context(task), **kwargs)

    def _task_name(self, token: str) -> str:
        from relnox.invoke._args import UnknownCommand

        if token not in self.commands:
            raise UnknownCommand(token, self.commands)
        name: str = self.commands[token]
        return name

    def complete(self, words: list[str]) -> None:
        """Shell completion: the commands, or the flags of the command on the line."""
        words = words[1:] if words[:1] == ["relnox"] else words
        named = [self.commands[w] for w in words if w in self.commands]
        last = words[-1] if words else ""
        if named and last.startswith("-"):
            for argument in self.tasks[named[-1]].get_arguments():
                _say(*(("-" if len(n) == 1 else "--") + n for n in argument.names), sep="\n")
        elif not named:
            _say(*sorted(self.tasks), sep="\n")

    # -- help ---------------------------------------------------------------------
    def print_help(self) -> None:
        _say("Usage: relnox [-v|-q] <command> [options]    relnox <command> --help")
        _say("")
        _say("Release automation for Python repositories, from one package to a monorepo.")
        self.print_commands()
        _say("Options:")
        for flag, text in OPTIONS:
            _say(f"  {flag:26}{text}")
        _say("")

    def print_commands(self) -> None:
        from relnox.invoke import TASKS, names

        tasks = {t.name: t for t in TASKS}
        placed = {name for group in GROUPS.values() for name in group}
        groups = {k: list(v) for k, v in GROUPS.items()}
        groups[list(groups)[-1]] += [n for n in tasks if n not in placed]
        for title, members in groups.items():
            _say("")
            _say(f"{title}:")
            for name in members:
                if name in tasks:
                    self._print_command(tasks[name], names(tasks[name]))
        _say("")

    def _print_command(self, task: Any, spellings: tuple[str, ...]) -> None:
        import textwrap  # the help's only: a command's run never loads it

        summary = (task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else ""
        aliases = [a for a in task.aliases if a in spellings]
        label = task.name + (f" ({', '.join(aliases)})" if aliases else "")
        lines = textwrap.wrap(summary, WIDTH - 28) or [""]
        _say(f"  {label:24}  {lines[0]}")
        for line in lines[1:]:
            _say(f"{'':28}{line}")

    def print_task_help(self, name: str) -> None:
        import textwrap

        from invoke.parser.context import ParserContext

        from relnox.invoke import names

        task = self.tasks[name]
        arguments = (
            task.invoke_arguments() if isinstance(task, _light.LightTask) else task.get_arguments()
        )
        context = ParserContext(name=name, args=arguments)
        positional = " ".join(str(a.name).upper() for a in context.positional_args)
        _say(f"Usage: relnox {name} {positional + ' ' if positional else ''}[options]")
        aliases = names(task)[1:]
        if aliases:
            _say(f"       (also: {', '.join(aliases)})")
        _say("")
        for line in (task.__doc__ or "").strip().splitlines():
            _say(f"  {line.strip()}" if line.strip() else "")
        _say("")
        _say("Options:")
        for flags, text in context.help_tuples():
            lines = textwrap.wrap(text or "", WIDTH - 36) or [""]
            if len(flags) > 30:
                _say(f"  {flags}")
                flags = ""
            _say(f"  {flags:30}  {lines[0]}")
            for line in lines[1:]:
                _say(f"{'':34}{line}")


def _context(task: Any) -> Any:
    """What ``task`` is called with: nothing for a light task, else invoke's ``Context``."""
    if isinstance(task, _light.LightTask):
        return None
    from invoke.context import Context

    return Context()


def _is_exit(exc: BaseException) -> bool:
    """A task's clean exit: :class:`relnox._light.TaskExit`, or invoke's ``Exit`` where
    invoke is loaded (the tasks were imported as invoke's before the command started)."""
    if isinstance(exc, _light.TaskExit):
        return True
    exceptions = sys.modules.get("invoke.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.Exit)


def _say(*values: object, sep: str = " ") -> None:
    """``print`` to standard output; a failed write (a full disk) is :class:`OutputLost`,
    a reader that left (``relnox --help | head``) stays the pipe's to handle."""
    try:
        print(*values, sep=sep)
        if sys.stdout is not None:  # None: started with it closed (`relnox --help >&-`)
            sys.stdout.flush()  # a full disk says so now, not at exit where nobody hears it
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output_lost(exc) from None


def _spellings(spelled: str) -> list[str]:
    """``"-h, --help [COMMAND]"`` -> ``["-h", "--help"]``."""
    return [part.split()[0] for part in spelled.split(", ")]


#: the command's process: the collector's thresholds (young, middle, old generations)
COLLECTOR_THRESHOLDS = (50_000, 20, 10)


def _fewer_passes() -> None:
    """The command's own process: the cyclic garbage collector looks at new objects every
    50,000 allocations instead of every 700 (:data:`COLLECTOR_THRESHOLDS`). A command
    spends most of its start importing ~230 modules, whose objects all live until it
    ends; at the default thresholds the collector walked them dozens of times, four of
    them whole passes (5-7 ms of CPU of every command, measured on ``verify-install``'s
    imports). Collection itself is unchanged: an unreachable cycle is freed at the next
    pass, after at most 50,000 allocations rather than 700 (a few MB at most)."""
    import gc

    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def _freeze() -> None:
    """Leave what is alive now (the modules, their classes and functions: what the command
    has imported, all alive until the process ends) out of the cyclic garbage collector's
    passes: the interpreter's teardown no longer walks them (10-30 ms of every command,
    measured on verify-install). Only the collector is told: reference counting frees
    them as before, ``atexit`` handlers (temporary directories, ``logging.shutdown``) run
    as before, and what the command makes from now on is collected as before. What it
    gives up: an object alive now that later falls into an unreachable cycle is not
    finalized before the process ends; nothing alive before a task starts holds a file or
    a child that needs it (the standard streams are flushed by the interpreter itself)."""
    import gc

    gc.freeze()
    _light.FROZEN = True


def program() -> Command:
    return Command()


def main(argv: Sequence[str] | None = None) -> None:
    """The ``relnox`` command. Run as a process (``argv`` unset: the console script,
    ``python -m relnox``), the objects alive when the task starts are frozen for the
    collector (:func:`_freeze`); called with ``argv`` (a caller's process), nothing is."""
    command = program()
    command.freeze = argv is None
    if argv is None:  # the command's own process: SIGTERM stops it as a Ctrl-C does
        _fewer_passes()
        import signal

        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_term)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_int)
    try:
        try:
            command.run(sys.argv[1:] if argv is None else list(argv))
        except BrokenPipeError:  # `relnox --help | head`: the reader left
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None
    except SystemExit as exc:
        if argv is not None:
            raise
        _leave(exc.code)
    if argv is None:
        _leave(0)


def _leave(code: int | str | None) -> None:
    """End the command's own process with ``code`` as ``SystemExit(code)`` would, without
    the interpreter's teardown of every module (~8 ms of every command, measured on
    verify-install): what runs at a normal exit and matters runs here first, the
    ``atexit`` handlers (temporary directories, ``logging.shutdown``), then the standard
    streams are flushed. Only when the main thread is the last one: otherwise (a thread
    the interpreter would wait for, an executor's idle workers) the normal exit.
    """
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    import atexit
    import contextlib

    atexit._run_exitfuncs()
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # SystemExit("text"): the text on stderr, exit 1
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no stderr
            sys.stderr.write(f"{code}\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (`relnox ... >&-`)
            continue
        try:
            stream.flush()
        except BrokenPipeError:  # the reader left (`relnox ... | head -1`)
            status = status or 1
        except (OSError, ValueError) as exc:  # a full disk; a closed stream
            if stream is sys.stdout and sys.stderr is not None:
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(f"relnox: error: the output could not be written: {exc}\n")
            status = status or 1
    if status == TERMINATED_EXIT and Terminated.received:  # its end as SIGTERM's, as before
        import signal

        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
