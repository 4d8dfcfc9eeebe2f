"""The first environment, and its install, made while verify plans.

``relnox verify-install`` spends its first tenth of a second reading the workspace, the
build manifest and git (the stale-build check) before the first environment is made, and
making that environment (``uv venv``) reads none of them; installing the wheels of the dist
directory needs only that directory. :class:`HeadStart` does both in threads meanwhile,
the very commands the first round would run, and :meth:`HeadStart.take` hands them to the
run only when they are those commands:

* the environment: the plan's installer is the one found here, its first round is the
  wheel round in ``wheel-0`` of this directory, with the interpreter made here (a
  ``python`` of ``[tool.relnox.verify]``, or one requires-python asks for, makes its own);
* the install (a :class:`Guess` from the command's flags: every wheel of the dist
  directory, as its build manifest lists them, no ``--package``): the round's first
  install command (:func:`relnox.verify.commands.first_install`: the same argv, with each
  wheel by path and the sha256 the plan has for it, the same requirements file, the same
  environment and working directory). Installing a wheel runs none of its code;
* each made without failing within the plan's timeout.

An install that is not the round's is never used, and neither is its environment (it is
no longer fresh): the round makes its own. The check process, which runs the packages'
code, is started here only as far as running none of it: once the install is done, its
interpreter starts and compiles the check script, without the environment's
site-packages, and waits (:data:`relnox.verify.in_env.STANDBY`); the run tells it to go
once the plan's checks (the files' hashes, the stale-build check, the metadata) have
passed, which is when the run would start it, and it is stopped unused otherwise.

What is not taken costs the background work only. The directory is removed by
:meth:`HeadStart.close` (``with``), after the threads are done with it, whatever ended the
command (a usage error, a stale build, Ctrl-C): nothing is left behind, and no install
starts once the command is ending.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relnox import _proc as proc
from relnox.errors import VerifyError
from relnox.stage import HeadStartBase
from relnox.tools.envs import (
    Environment,
    Installer,
    PipInstaller,
    UvInstaller,
    create_environment,
    environment_dir,
    find_installer,
    uv_binary,
)

if TYPE_CHECKING:
    from relnox._proc import Result
    from relnox.verify.commands import Command
    from relnox.verify.model import Round, VerifyPlan

#: the prefix of every verify's scratch directory (the run's own, or a head start's)
TEMP_PREFIX = "relnox-verify-"
#: the first round's directory, as :func:`relnox.verify.run.run_plan` names it
FIRST_ROUND = "wheel-0"
#: seconds the head start's command may take when no ``--timeout`` is given; whatever
#: the bound, a command that took longer than the plan's timeout is not taken
BOUND = 600.0


@dataclass(frozen=True)
class Guess:
    """What the command's flags say of the first round before the workspace is read:
    every wheel of ``dist`` (the directory, absolute) is installed, with these options."""

    dist: Path
    offline: bool = False
    no_deps: bool = False
    extra_index: str | None = None


@dataclass(frozen=True)
class Taken:
    """What the first round takes from a head start: its environment, and its first
    install when the head start ran that very command."""

    env: Environment
    created: Result
    installed: tuple[Command, Result] | None = None
    #: the check process, started after that install and waiting for its go
    check: proc.Standby | None = None


@dataclass(frozen=True)
class _Made:
    installer: Installer
    env: Environment
    created: Result
    installed: tuple[Command, Result] | None = None
    check: proc.Standby | None = None


class HeadStart(HeadStartBase):
    """The first round's environment and install, made in threads while the plan is read."""

    def __init__(
        self,
        installer: str | None = None,
        timeout: float | None = None,
        guess: Guess | None = None,
    ) -> None:
        """``installer``: the one asked for (``--installer``); the interpreter is this one
        (the default of a verify without ``--python``); ``guess``: the wheels to install
        (none: the environment only). The installer is guessed here, in the caller's
        thread, so the thread has nothing to do before it starts the environment's
        command; whether uv runs (remembered: no process) and the install's command, from
        the build manifest, are found here meanwhile."""
        self.python = sys.executable
        self.timeout = timeout or BOUND
        self._taken = False
        self._ending = threading.Event()  # close(): start nothing more
        self._made: Future[_Made]
        self._install: Future[Command | None] | None = None
        likely = _likely_installer(installer)
        self._slot = tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, ignore_cleanup_errors=True)
        #: the run's scratch directory when it takes what was made here
        self.directory = Path(self._slot.name)
        if likely is None:  # an unknown --installer: the plan says so
            self._made = Future()
            self._made.set_exception(VerifyError(f"unknown installer {installer!r}"))
            return
        if guess is not None:  # the environment's thread waits for it after its command
            self._install = Future()
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            self._made = pool.submit(self._make, likely)
        except BaseException:  # no thread: nothing of it is left behind
            self._slot.cleanup()
            raise
        finally:
            pool.shutdown(wait=False)
        if self._install is None or guess is None:
            return
        command = None
        try:  # here, while the environment is made (its imports are the plan's)
            if find_installer(installer, error=VerifyError) == likely:
                command = guessed_install(likely, guess, self.directory / FIRST_ROUND, self.python)
        except Exception:  # uv cannot run, an unreadable manifest: the plan says so
            command = None
        except BaseException:  # Ctrl-C: the thread goes on without it, then all is removed
            self._install.set_result(None)
            self.close()
            raise
        self._install.set_result(command)

    def _make(self, installer: Installer) -> _Made:
        work = self.directory / FIRST_ROUND
        work.mkdir()
        env, created = create_environment(
            installer,
            environment_dir(work, self.python),
            self.python,
            cwd=work,
            timeout=self.timeout,
        )
        made = _Made(installer, env, created)
        command = self._install.result() if self._install is not None else None
        if not created.ok or command is None or self._ending.is_set():
            return made
        installed = command.run(self.timeout)
        check = None
        if installed.ok and not self._ending.is_set():
            check = standby_check(env, work)
            if self._ending.is_set():  # close() came meanwhile: it stops nothing it did not see
                check.cancel()
                check = None
        return _Made(installer, env, created, (command, installed), check)

    def take(self, plan: VerifyPlan) -> Taken | None:
        """What was made here, when it is what the first round of ``plan`` would make
        now (the module's rules); else ``None``."""
        if self._taken or not plan.rounds or plan.rounds[0].kind != "wheel":
            return None
        try:
            made = self._made.result()
        except Exception:  # an unknown --installer, no interpreter: the plan said so already
            return None
        first = plan.rounds[0]
        limit = min(plan.timeout, self.timeout)
        same = (
            made.installer == plan.installer
            and (first.python or plan.python) == self.python
            and made.created.ok
            and made.created.seconds <= limit
        )
        if not same:
            return None
        if made.installed is not None:
            from relnox.verify.commands import first_install

            ran, result = made.installed
            work = self.directory / FIRST_ROUND
            wanted = first_install(plan.installer, first, work, made.env)
            if wanted != ran or not result.ok or result.seconds > limit:
                return None  # not the round's install: its environment is not fresh either
        self._taken = True
        return Taken(made.env, made.created, made.installed, made.check)

    def close(self) -> None:
        """Start nothing more, wait for the threads (each ends with its child) and remove
        the directory."""
        self._ending.set()
        try:
            if self._made.exception() is None:  # waits; what went wrong was the plan's to say
                check = self._made.result().check
                if check is not None:
                    check.cancel()  # used or not, it is done with before its directory goes
        finally:
            self._slot.cleanup()


def standby_check(env: Environment, work: Path) -> proc.Standby:
    """The check process of the round in ``work``, started ahead in ``env`` and waiting
    for its go (:data:`relnox.verify.in_env.STANDBY`): the round's own check files and
    working directory, and the environment a check child gets."""
    from relnox.verify.in_env import STANDBY
    from relnox.verify.smoke import write_script

    files = write_script(work / "check")
    (work / "cwd").mkdir(exist_ok=True)
    argv = [str(env.python), "-I", "-S", "-c", STANDBY, *files]
    return proc.standby(argv, cwd=work / "cwd", env=env.child_env())


def _likely_installer(preferred: str | None) -> Installer | None:
    """The installer :func:`~relnox.tools.envs.find_installer` picks for ``preferred``
    when uv runs here, found without asking whether it does (that is read from the user's
    cache, after the environment's command has started); ``None`` for an unknown name. An
    environment made with another installer than the plan's is not taken."""
    if preferred == "pip":
        return PipInstaller()
    if preferred not in (None, "auto", "uv"):
        return None
    uv = uv_binary()  # the plan's own finder (a uv beside this interpreter: no import)
    return UvInstaller(uv) if uv is not None else PipInstaller()


def guessed_install(installer: Installer, guess: Guess, work: Path, python: str) -> Command | None:
    """The first round's install as ``guess`` has it, into the environment of
    ``python`` in ``work`` (made or not yet): the command, whole, so the thread starts it
    as soon as the environment is there (``None``: no install to start)."""
    from relnox.verify.commands import first_install

    rnd = _guessed_round(guess)
    if rnd is None:
        return None
    env = Environment(environment_dir(work, python), installer.name)
    return first_install(installer, rnd, work, env)


def _guessed_round(guess: Guess) -> Round | None:
    """The first round as the plan makes it when every package of ``guess.dist`` is
    verified, read from its build manifest; ``None`` when that cannot be told without the
    workspace (no manifest, a package with several wheels or none, a wheel the manifest
    does not list, an index login)."""
    from relnox.artifacts.manifest import has_manifest, read_manifest
    from relnox.tools.envs import InstallOptions
    from relnox.tools.index_auth import split_logins
    from relnox.verify.model import Artifact, Round, Target

    (extra_index,), logins = split_logins([guess.extra_index])
    if logins or not guess.dist.is_dir() or not has_manifest(guess.dist):
        return None
    manifest = read_manifest(guess.dist)
    entries = list(guess.dist.iterdir())
    if any(p.name.endswith(".whl") and not p.is_file() for p in entries):
        return None  # a fifo named as a wheel: the installer would wait on it forever
    present = {p.name for p in entries}
    records = [r for r in manifest.packages if any(f.filename in present for f in r.files)]
    targets = []
    for record in records:
        if len(record.wheels) != 1 or record.wheels[0].filename not in present:
            return None
        wheel = Artifact(guess.dist / record.wheels[0].filename, record.wheels[0].sha256)
        targets.append(Target(record.name, record.version, str(wheel.path), (), wheel=wheel))
    if {t.wheel.filename for t in targets if t.wheel} != {n for n in present if n.endswith(".whl")}:
        return None
    options = InstallOptions(
        extra_indexes=(extra_index,) if extra_index else (),
        no_deps=guess.no_deps,
        offline=guess.offline,
        fresh=tuple(sorted(r.name for r in records)),
    )
    return Round("wheel", tuple(targets), options=options)
