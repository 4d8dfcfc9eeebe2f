"""The ``relnox`` command: the invoke tasks of :mod:`relnox.invoke` as a program.

For CI steps that have neither a noxfile nor a tasks.py: ``relnox bump --part minor``.
Only the task modules' light imports run at start-up; heavy dependencies (twine,
build, requests) are imported by the task that needs them.

invoke's Program does the parsing and runs the tasks; what a user of a release tool
sees is relnox's own: ``relnox --help`` lists the commands and the three options that
apply (``--help``, ``--version``, ``-v``), not the task runner's shell-command machinery
(``--pty``, ``--echo``, ``--prompt-for-sudo-password`` ...); a mistake on the command
line is one ``relnox: error:`` line with a "did you mean" when a name is close, and
exit code 2.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from invoke.completion.complete import complete, print_completion_script
from invoke.exceptions import Exit, ParseError
from invoke.parser.argument import Argument
from invoke.parser.parser import ParseResult
from invoke.program import Program

from relnox import __version__
from relnox.invoke._common import USAGE_EXIT, usage_message
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
    "CI and tools": ("ci-init", "release-notes", "serve-index", "demo"),
}
OPTIONS = (
    ("-h, --help [COMMAND]", "show this help, or the options of COMMAND"),
    ("-V, --version", "print relnox's version"),
    ("-v, --verbose", "more log output; -vv also shows the tools relnox runs"),
    ("-q, --quiet", "only results that are asked for (--json) and errors"),
)
WIDTH = 100


class _Program(Program):
    """invoke's Program with a release tool's options, help and usage errors."""

    def core_args(self) -> list[Argument]:
        return [
            Argument(names=("help", "h"), optional=True, help=OPTIONS[0][1]),
            Argument(names=("version", "V"), kind=bool, default=False, help=OPTIONS[1][1]),
            Argument(names=("verbose", "v"), kind=int, default=0, incrementable=True),
            Argument(names=("quiet", "q"), kind=bool, default=False, help=OPTIONS[3][1]),
            # not shown: task listing and shell completion keep working
            Argument(names=("list",), optional=True),
            Argument(names=("complete",), kind=bool, default=False),
            Argument(names=("print-completion-script",), kind=str, default=""),
        ]

    # -- parsing ------------------------------------------------------------------
    def parse_core(self, argv: list[str] | None) -> None:
        self.normalize_argv(argv)
        try:
            self.parse_core_args()
        except ParseError as exc:
            raise self._usage(exc) from None
        if self.args.version.value:
            self.print_version()
            raise Exit
        if self.args.quiet.value:
            os.environ[QUIET_ENV] = "1"  # the tasks' echo and logging read it
        if self.args["print-completion-script"].value:
            print_completion_script(
                shell=self.args["print-completion-script"].value, names=self.binary_names
            )
            raise Exit

    def parse_tasks(self) -> None:
        """Parse the commands; ``relnox check-tag --help`` shows the task's help.

        invoke gives a task's missing positional argument the next token, even
        ``--help``, so ``check-tag`` and ``release-notes`` would run on a tag named
        ``--help``. ``relnox -v bump`` gives ``bump`` the ``-v``.
        """
        argv = self.core.unparsed
        head = argv[: argv.index("--")] if "--" in argv else argv
        parser = self._make_parser()
        context = parser.contexts[head[0]] if head and head[0] in parser.contexts else None
        wants_help = context is not None and any(
            t in ("-h", "--help") and t not in context.flags for t in head[1:]
        )
        if context is not None and context.positional_args and wants_help:
            self.parser = parser
            self.args.help.value = context.name  # parse_cleanup prints the task's help
            self.tasks = ParseResult()
            return
        try:
            super().parse_tasks()
        except ParseError as exc:  # a bad number has no context: name the command
            raise self._usage(exc, context.name if context is not None else None) from None
        for task in self.tasks:
            for _ in range(self.args.verbose.value if "verbose" in task.args else 0):
                task.args.verbose.set_value(True)  # -v before the command counts too

    def parse_cleanup(self) -> None:
        wanted = self.args.help.value
        if wanted is True:
            self.print_help()
            raise Exit
        if wanted:
            if wanted not in self.parser.contexts:
                raise self._usage(ParseError(f"No idea what {wanted!r} is!"))
            self.print_task_help(self.parser.contexts[wanted].name)
            raise Exit
        if self.args.list.value:
            self.print_commands()
            raise Exit
        if self.args.complete.value:
            complete(
                names=self.binary_names,
                core=self.core,
                initial_context=self.initial_context,
                collection=self.collection,
                parser=self._make_parser(),
            )
        if not self.tasks:
            self.print_help()
            raise Exit

    def update_config(self, merge: bool = True) -> None:
        """No shell-command settings come from the command line: relnox runs no shell."""
        self.config.load_overrides({}, merge=False)
        runtime = os.environ.get("INVOKE_RUNTIME_CONFIG")
        self.config.set_runtime_path(Path(runtime) if runtime else None)
        self.config.load_runtime(merge=False)
        if merge:
            self.config.merge()

    def _usage(self, exc: ParseError, command: str | None = None) -> Exit:
        from relnox.invoke import TASKS, names

        task = getattr(getattr(exc, "context", None), "name", None) or command
        hint = f"relnox {task} --help" if task else "relnox --help"
        commands = {n: t.name for t in TASKS for n in names(t)}
        return Exit(usage_message(exc, commands, hint), code=USAGE_EXIT)

    # -- help ---------------------------------------------------------------------
    def print_help(self) -> None:
        print("Usage: relnox [-v|-q] <command> [options]    relnox <command> --help")
        print("")
        print("Release automation for Python repositories, from one package to a monorepo.")
        self.print_commands()
        print("Options:")
        for flag, text in OPTIONS:
            print(f"  {flag:26}{text}")
        print("")

    def print_commands(self) -> None:
        from relnox.invoke import TASKS, names

        tasks = {t.name: t for t in TASKS}
        placed = {name for group in GROUPS.values() for name in group}
        groups = {k: list(v) for k, v in GROUPS.items()}
        groups[list(groups)[-1]] += [n for n in tasks if n not in placed]
        for title, members in groups.items():
            print("")
            print(f"{title}:")
            for name in members:
                if name in tasks:
                    self._print_command(tasks[name], names(tasks[name]))
        print("")

    def _print_command(self, task: Any, spellings: tuple[str, ...]) -> None:
        summary = (task.__doc__ or "").strip().splitlines()[0] if task.__doc__ else ""
        aliases = [a for a in task.aliases if a in spellings]
        label = task.name + (f" ({', '.join(aliases)})" if aliases else "")
        lines = textwrap.wrap(summary, WIDTH - 28) or [""]
        print(f"  {label:24}  {lines[0]}")
        for line in lines[1:]:
            print(f"{'':28}{line}")

    def print_task_help(self, name: str) -> None:
        from relnox.invoke import names

        task = self.collection[name]
        context = self.parser.contexts[name]
        positional = " ".join(a.name.upper() for a in context.positional_args)
        print(f"Usage: relnox {name} {positional + ' ' if positional else ''}[options]")
        aliases = names(task)[1:]
        if aliases:
            print(f"       (also: {', '.join(aliases)})")
        print("")
        for line in (task.__doc__ or "").strip().splitlines():
            print(f"  {line.strip()}" if line.strip() else "")
        print("")
        print("Options:")
        self.print_columns(context.help_tuples())

    def print_version(self) -> None:
        print(f"relnox {__version__}")


def program() -> Program:
    from relnox.invoke import collection

    return _Program(namespace=collection(), name="relnox", binary="relnox", version=__version__)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(argv) if argv is not None else None
    try:
        program().run(["relnox", *argv] if argv is not None else None)
    except BrokenPipeError:  # `relnox --help | head`: the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
