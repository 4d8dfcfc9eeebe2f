"""The ``relnox`` command: the invoke tasks of :mod:`relnox.invoke` as a program.

For CI steps that have neither a noxfile nor a tasks.py: ``relnox bump --part minor``.
Only the task modules' light imports run at start-up; heavy dependencies (twine,
build, requests) are imported by the task that needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from invoke.program import Program

from relnox import __version__


def program() -> Program:
    from relnox.invoke import collection

    return Program(namespace=collection(), name="relnox", binary="relnox", version=__version__)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(argv) if argv is not None else None
    program().run(["relnox", *argv] if argv is not None else None)


if __name__ == "__main__":  # pragma: no cover
    main()
