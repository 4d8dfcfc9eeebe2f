"""The ``relnox`` command: :mod:`relnox.invoke`'s tasks as invoke's :class:`~invoke.Program`,
with relnox's own command line (a mistake is one ``relnox: error:`` line and exit 2) and help
(the commands and the options that apply, not a task runner's ``--pty`` ...)."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Sequence
from typing import Any

from invoke.completion.complete import print_completion_script
from invoke.exceptions import Exit
from invoke.parser.context import ParserContext
from invoke.parser.parser import ParseResult
from invoke.program import Program

from relnox import __version__
from relnox.errors import OutputLost, output_lost
from relnox.invoke import TASKS, collection, names
from relnox.invoke._args import USAGE_EXIT, UnknownOption, UsageError, message, parse, suggest
from relnox.invoke._common import error_document
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
    (
        "-h, --help [COMMAND]",
        "show this help, or the options of COMMAND (also: relnox help COMMAND)",
    ),
    ("-V, --version", "print relnox's version"),
    ("-v, --verbose", "more log output; -vv also shows the tools relnox runs"),
    ("-q, --quiet", "only results, warnings, the closing summary and errors"),
    ("--print-completion-script SHELL", "shell completion for bash, zsh, fish or tcsh"),
)
WIDTH = 100
#: the exit code of a command stopped by Ctrl-C (128 + SIGINT, as a shell reports it)
INTERRUPTED_EXIT = 130
#: the status a shell reports for a command stopped by SIGTERM (128 + SIGTERM)
TERMINATED_EXIT = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as a Ctrl-C is (what a Ctrl-C stops and undoes,
    it stops and undoes too); the command then ends by that signal."""

    #: a SIGTERM came (the command's own process ends by it)
    received = False


def _on_signal(signum: int, frame: object) -> None:
    """SIGINT or SIGTERM: the children running now are killed (a thread waiting for one
    ends at once, the main thread's clean-up does not wait for them), then Ctrl-C's path."""
    proc = sys.modules.get("relnox._proc")  # none started: not imported
    if proc is not None:
        proc.stop_children()
    if signum == signal.SIGTERM:
        Terminated.received = True
        raise Terminated
    raise KeyboardInterrupt


class RelnoxProgram(Program):
    """The ``relnox`` program: its own options, then one command and that command's flags."""

    def __init__(self) -> None:
        namespace = collection()
        super().__init__(
            version=__version__,
            namespace=namespace,
            name="relnox",
            binary="relnox",
            binary_names=["relnox"],
        )
        #: every spelling of a command (aliases, ``_`` for ``-``) -> its task's name
        self.commands = {n: t.name for t in TASKS for n in names(t)}
        self.collection = namespace
        self.verbose = 0
        self.core = ParseResult()
        #: the command to run, with its keyword arguments (invoke's Executor takes it)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.task_argv: list[str] = []

    def run(self, argv: Sequence[str] | None = None, exit: bool = True) -> None:
        """Parse ``argv`` (without the program name) and run the command it names; invoke's
        steps, with relnox's exits: a usage error 2, a task's error its code, Ctrl-C 130."""
        given = list(sys.argv[1:] if argv is None else argv)
        try:
            self.create_config()
            self.parse_core(list(given))
            self.parse_collection()
            self.parse_tasks()
            if not self.calls:
                self.print_help()
                raise Exit
            self.config.merge()  # relnox has no flags that override invoke's configuration
            self.executor_class(self.collection, self.config, self.core).execute(*self.calls)
        except UsageError as exc:
            task = self.calls[0][0] if self.calls else getattr(exc, "task", None)
            text = message(exc, f"relnox {task} --help" if task else "relnox --help")
            if "--json" in given[: given.index("--") if "--" in given else None]:
                document = error_document(Exit(text, USAGE_EXIT), {})  # docs/json.md
                _say(json.dumps(document, indent=2))
            _exit(text, USAGE_EXIT)
        except Exit as exc:  # the help, the version; a task's RelnoxError, one clean line
            _exit(str(exc.message or ""), exc.code)
        except Terminated:  # SIGTERM: as a Ctrl-C
            _exit("relnox: stopped (SIGTERM)", TERMINATED_EXIT)
        except KeyboardInterrupt:  # Ctrl-C: what changes files undid itself or completed
            _exit("relnox: stopped (Ctrl-C)", INTERRUPTED_EXIT)
        except OutputLost as exc:  # the help, the version: written by the command itself
            _exit(f"relnox: error: {exc}", 1)

    def parse_core(self, argv: list[str]) -> None:  # type: ignore[override]
        """The options before the command; the command's own actions (help, version,
        completion) end here with :class:`~invoke.Exit`."""
        # "-h, --help [COMMAND]": -h and --help
        flags = [part.split()[0] for spelled, _ in OPTIONS for part in spelled.split(", ")]
        while argv and argv[0].startswith("-"):
            token = argv.pop(0)
            if token in ("-h", "--help"):
                self._help(argv[0] if argv and not argv[0].startswith("-") else None)
            if token in ("-V", "--version"):
                _say(f"relnox {__version__}")
                raise Exit
            if token == "--list":
                self.print_commands()
                raise Exit
            if token == "--complete":
                self.complete(argv[1:] if argv[:1] == ["--"] else argv)
                raise Exit
            if token.startswith("--print-completion-script"):
                shell = token.partition("=")[2] or (argv.pop(0) if argv else "")
                print_completion_script(shell=shell, names=self.binary_names)
                raise Exit
            if token in ("-q", "--quiet"):
                os.environ[QUIET_ENV] = "1"  # the tasks' echo and logging read it
            elif token == "--verbose" or (token[1:] and set(token[1:]) == {"v"}):
                self.verbose += 1 if token == "--verbose" else len(token) - 1
            else:
                self._refuse_before_command(token, argv, flags)
        if argv[:1] == ["help"]:  # `relnox help [COMMAND]`, as git and pip have it
            self._help(argv[1] if len(argv) > 1 else None)
        self.task_argv = argv

    def _refuse_before_command(self, token: str, argv: list[str], flags: list[str]) -> None:
        """An unknown option before the command; one of that command's own says where it goes."""
        from invoke.parser.context import ParserContext

        name = next((t for t in argv if not t.startswith("-")), "")
        if name in self.commands:
            task = self.commands[name]
            context = ParserContext(name=task, args=self.collection[task].get_arguments())
            if token.partition("=")[0] in (*context.flags, *context.inverse_flags):
                raise UsageError(
                    f"{token} is an option of {task}, not of relnox: put it after the command "
                    f"(relnox {task} {token})"
                )
        raise UnknownOption(token, None, flags)

    def _help(self, command: str | None) -> None:
        if command is not None:
            self.print_task_help(self._task_name(command))
        else:
            self.print_help()
        raise Exit

    def parse_tasks(self) -> None:
        argv = list(self.task_argv)
        if not argv:
            return
        name = self._task_name(argv.pop(0))
        self.task_argv = argv
        head = argv[: argv.index("--")] if "--" in argv else argv
        if any(t in ("-h", "--help") for t in head):
            self._help(name)
        try:
            kwargs = parse(name, self.collection[name].get_arguments(), argv)
        except UsageError as exc:
            exc.task = name  # type: ignore[attr-defined]
            raise
        if "verbose" in kwargs:
            kwargs["verbose"] = int(kwargs["verbose"] or 0) + self.verbose  # -v before it
        self.calls = [(name, kwargs)]

    def _task_name(self, token: str) -> str:
        if token not in self.commands:
            raise UsageError(f"unknown command {token!r}{suggest(token, self.commands)}")
        return str(self.commands[token])

    def complete(self, words: list[str]) -> None:
        """Shell completion: the commands, or the flags of the command on the line."""
        words = words[1:] if words[:1] == ["relnox"] else words
        named = [self.commands[w] for w in words if w in self.commands]
        last = words[-1] if words else ""
        if named and last.startswith("-"):
            for argument in self.collection[named[-1]].get_arguments():
                _say(*(("-" if len(n) == 1 else "--") + n for n in argument.names), sep="\n")
        elif not named:
            _say(*sorted(t.name for t in TASKS), sep="\n")

    def print_help(self) -> None:
        _say("Usage: relnox [-v|-q] <command> [options]    relnox help <command>\n")
        _say("Release automation for Python repositories, from one package to a monorepo.")
        self.print_commands()
        _say("Options:")
        for flag, text in OPTIONS:
            if len(flag) > 26:
                _say(f"  {flag}")
                flag = ""
            _say(f"  {flag:26}{text}")
        _say("")

    def print_commands(self) -> None:
        tasks = {t.name: t for t in TASKS}
        placed = {name for group in GROUPS.values() for name in group}
        groups = {k: list(v) for k, v in GROUPS.items()}
        groups[list(groups)[-1]] += [n for n in tasks if n not in placed]
        for title, members in groups.items():
            _say(f"\n{title}:")
            for task in [tasks[name] for name in members if name in tasks]:
                summary = (task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else ""
                aliases = [a for a in task.aliases if a in names(task)]
                label = task.name + (f" ({', '.join(aliases)})" if aliases else "")
                lines = textwrap.wrap(summary, WIDTH - 28) or [""]
                _say(f"  {label:24}  {lines[0]}", *(" " * 28 + s for s in lines[1:]), sep="\n")
        _say("")

    def print_task_help(self, name: str) -> None:
        task = self.collection[name]
        _say("\n".join(task_help(task, f"relnox {name}", names(task)[1:])))


def task_help(task: Any, usage: str, also: Sequence[str] = ()) -> list[str]:
    """The help of ``task`` run as ``usage`` (``relnox bump``, ``nox -s version_bump --``):
    its usage line, its other names (``also``), docstring and a wrapped line per flag."""
    context = ParserContext(name=task.name, args=task.get_arguments())
    positional = " ".join(str(a.name).upper() for a in context.positional_args)
    lines = [f"Usage: {usage} {positional + ' ' if positional else ''}[options]"]
    if also:
        lines.append(f"       (also: {', '.join(also)})")
    lines.append("")
    for line in (task.__doc__ or "").strip().splitlines():
        lines.append(f"  {line.strip()}" if line.strip() else "")
    lines += ["", "Options:"]
    for flags, text in context.help_tuples():
        wrapped = textwrap.wrap(text or "", WIDTH - 36) or [""]
        if len(flags) > 30:
            lines.append(f"  {flags}")
            flags = ""
        lines.append(f"  {flags:30}  {wrapped[0]}")
        lines += [f"{'':34}{line}" for line in wrapped[1:]]
    return lines


def _exit(text: str, code: int | None) -> None:
    if text:
        print(text, file=sys.stderr)
    raise SystemExit(code or 0)


def _say(*values: object, sep: str = " ") -> None:
    """``print`` to standard output; a failed write (a full disk) is :class:`OutputLost`."""
    try:
        print(*values, sep=sep)
        if sys.stdout is not None:  # None: started with it closed (`relnox --help >&-`)
            sys.stdout.flush()  # a full disk says so now, not at exit where nobody hears it
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output_lost(exc) from None


def program() -> RelnoxProgram:
    return RelnoxProgram()


def main(argv: Sequence[str] | None = None) -> None:
    """The ``relnox`` command; run as a process (``argv`` unset), SIGTERM stops it as Ctrl-C."""
    if argv is None:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _on_signal)
            atexit.register(_end_by_sigterm)  # the first registered: it runs last
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_signal)
        _stop_from_any_thread()
    try:
        program().run(argv)
    except BrokenPipeError:  # `relnox --help | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


def _stop_from_any_thread() -> None:
    """A stop the kernel hands to another thread kills the children at once, through a pipe a
    thread reads (the main thread, waiting for a worker that waits for a child, may never wake
    to run :func:`_on_signal`); not while another handler (:func:`~relnox.atomic.signals_held`)
    is in force."""
    read, write = os.pipe()
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)

    def watch() -> None:
        while received := os.read(read, 16):
            proc = sys.modules.get("relnox._proc")  # none started: not imported
            if proc is not None and any(signal.getsignal(n) is _on_signal for n in received):
                proc.stop_children()

    threading.Thread(target=watch, name="relnox-stop", daemon=True).start()


def _end_by_sigterm() -> None:
    """Last of the exit handlers: a process stopped by SIGTERM ends by that signal."""
    if not Terminated.received:
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":  # pragma: no cover
    main()
