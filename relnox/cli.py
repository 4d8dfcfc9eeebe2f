"""The ``relnox`` command: the invoke tasks of :mod:`relnox.invoke` as a program.

For CI steps that have neither a noxfile nor a tasks.py: ``relnox bump --part minor``.
Only the task modules' light imports run at start-up; heavy dependencies (twine,
build, requests) are imported by the task that needs them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from invoke.program import Program

from relnox import __version__


class _Program(Program):
    """invoke's Program, except that ``relnox check-tag --help`` shows the task's help.

    invoke gives a task's missing positional argument the next token, even ``--help``,
    so ``check-tag`` and ``release-notes`` would run on a tag named ``--help``.
    """

    def parse_tasks(self) -> None:
        argv = self.core.unparsed
        head = argv[: argv.index("--")] if "--" in argv else argv
        parser = self._make_parser()
        context = parser.contexts.get(head[0]) if head else None
        wants_help = context is not None and any(
            t in ("-h", "--help") and t not in context.flags for t in head[1:]
        )
        if context is not None and context.positional_args and wants_help:
            self.parser = parser
            self.args.help.value = head[0]  # parse_cleanup prints the task's help
            return
        super().parse_tasks()


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
