"""A fresh environment made while verify plans: creating it needs only the interpreter.

``relnox verify-install`` spends its first tenth of a second reading the workspace, the
build manifest and git (the stale-build check) before the first environment is made, and
making that environment (``uv venv``) reads none of them. :class:`HeadStart` makes it in a
thread meanwhile, the very command the round would run (:func:`create_environment` with
the same installer, interpreter, directory layout, working directory and environment),
and :meth:`HeadStart.take` hands it to the run only when it is that command:

* the plan's installer is the one found here, its first round is the wheel round in
  ``wheel-0`` of this directory, with the interpreter made here (a ``python`` of
  ``[tool.relnox.verify]``, or one requires-python asks for, makes its own);
* the environment was made without failing within the plan's timeout (a failure or a
  slower run is not taken: the round makes its own and reports that).

What is not taken costs the background work only. The directory is removed by
:meth:`HeadStart.close` (``with``), after the thread is done with it, whatever ended the
command (a usage error, a stale build, Ctrl-C): nothing is left behind.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from relnox.errors import RelnoxError, VerifyError
from relnox.tools.envs import Environment, Installer, create_environment, find_installer

if TYPE_CHECKING:
    from relnox._proc import Result
    from relnox.verify.model import VerifyPlan

#: the prefix of every verify's scratch directory (the run's own, or a head start's)
TEMP_PREFIX = "relnox-verify-"
#: the first round's directory, as :func:`relnox.verify.run.run_plan` names it
FIRST_ROUND = "wheel-0"
#: seconds the head start's command may take when no ``--timeout`` is given; whatever
#: the bound, an environment that took longer than the plan's timeout is not taken
BOUND = 600.0

Made = tuple[Installer, Environment, "Result"]


class HeadStart:
    """The first round's environment, made in a thread while the plan is read."""

    def __init__(self, installer: str | None = None, timeout: float | None = None) -> None:
        """``installer``: the one asked for (``--installer``); the interpreter is this one
        (the default of a verify without ``--python``). The installer is found here, in
        the caller's thread (``uv --version`` is remembered: no process), so the thread
        has nothing to do before it starts the environment's command."""
        self.python = sys.executable
        self.timeout = timeout or BOUND
        self._taken = False
        self._made: Future[Made]
        try:
            found = find_installer(installer, error=VerifyError)
        except RelnoxError as exc:  # an unknown --installer: the plan says so, first
            found = None
            self._made = Future()
            self._made.set_exception(exc)
        self.directory = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        if found is None:
            return
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            self._made = pool.submit(self._make, found)
        except BaseException:  # no thread: nothing of it is left behind
            shutil.rmtree(self.directory, ignore_errors=True)
            raise
        finally:
            pool.shutdown(wait=False)

    def _make(self, installer: Installer) -> Made:
        work = self.directory / FIRST_ROUND
        work.mkdir()
        env, result = create_environment(
            installer, work / "venv", self.python, cwd=work, timeout=self.timeout
        )
        return installer, env, result

    def take(self, plan: VerifyPlan) -> tuple[Environment, Result] | None:
        """The environment made here, when it is the one the first round of ``plan``
        would make now (the module's rules); else ``None``."""
        if self._taken or not plan.rounds or plan.rounds[0].kind != "wheel":
            return None
        try:
            installer, env, result = self._made.result()
        except Exception:  # an unknown --installer, no interpreter: the plan said so already
            return None
        first = plan.rounds[0]
        same = (
            installer == plan.installer
            and (first.python or plan.python) == self.python
            and result.ok
            and result.seconds <= min(plan.timeout, self.timeout)
        )
        if not same:
            return None
        self._taken = True
        return env, result

    def close(self) -> None:
        """Wait for the thread (it ends with its child) and remove the directory."""
        try:
            self._made.exception()  # waits; what went wrong there was the plan's to say
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
