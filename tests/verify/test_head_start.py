"""The first fresh environment and its install made while verify plans: taken only when
they are what the run would make, and never anything left behind, whatever ends the
command (real builds, real fresh environments, the real command)."""

from __future__ import annotations

import dataclasses
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from relnox.builds.run import BuildOptions, build_all
from relnox.errors import RelnoxError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.stage import Runtime
from relnox.tools.envs import (
    Environment,
    InstallOptions,
    PipInstaller,
    environment_dir,
    find_installer,
)
from relnox.verify.commands import first_install
from relnox.verify.head_start import (
    FIRST_ROUND,
    Guess,
    HeadStart,
    _likely_installer,
    guessed_install,
)
from relnox.verify.model import Round, ScriptArgs, VerifyOptions, VerifyPlan
from relnox.verify.plan import plan_verify
from relnox.verify.run import run_plan
from tests.build_support import edit
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds and makes environments


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("head") / "ws"
    write_workspace(root, [ProjectSpec("head-one"), ProjectSpec("head-two")])
    git_init(root)
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    return root


def _env(scratch: Path) -> dict[str, str]:
    """The command's environment with its temporary files in ``scratch`` (empty)."""
    scratch.mkdir()
    return {**os.environ, "TMPDIR": str(scratch)}


def _running_in(scratch: Path) -> list[str]:
    """Processes whose command line names ``scratch`` (a child left running)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(scratch) in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def _venvs(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("$ ") and " venv " in line]


def test_the_command_makes_its_environment_once_while_planning(built: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    proc = run_relnox("-vv", "verify-install", "--offline", cwd=built, env=_env(scratch))
    assert proc.returncode == 0, proc.stderr
    assert "2/2 package checks passed" in proc.stdout
    assert len(_venvs(proc.stderr)) == 1, proc.stderr  # made ahead, and not made again
    assert "wheel: the fresh environment made while planning" in proc.stderr
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_an_environment_the_run_would_not_make_is_not_taken(built: Path, tmp_path: Path) -> None:
    """``[tool.relnox.verify] python`` names another path: the round makes its own
    environment with it, and the one made ahead is thrown away."""
    other = tmp_path / "bin" / "python3"
    other.parent.mkdir()
    other.symlink_to(sys.executable)
    pyproject = built / "pyproject.toml"
    before = pyproject.read_text(encoding="utf-8")
    try:
        pyproject.write_text(before + f'\n[tool.relnox.verify]\npython = "{other}"\n', "utf-8")
        git_commit_all(built, "verify with another interpreter path")
        scratch = tmp_path / "tmp"
        proc = run_relnox("-vv", "verify-install", "--offline", cwd=built, env=_env(scratch))
    finally:
        pyproject.write_text(before, encoding="utf-8")
        git_commit_all(built, "back")
    assert proc.returncode == 0, proc.stderr
    made = _venvs(proc.stderr)
    assert len(made) == 2 and str(other) in made[1], proc.stderr
    assert "made while planning" not in proc.stderr
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_a_stale_build_fails_the_run_and_leaves_nothing_behind(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_workspace(root, [ProjectSpec("stale-head")])
    git_init(root)
    build_all(root, BuildOptions()).raise_for_failures()
    edit(root / "packages/stale-head/stale_head/__init__.py", "def main", "NEW = 1\n\n\ndef main")
    git_commit_all(root, "change after the build")
    scratch = tmp_path / "tmp"
    proc = run_relnox("verify-install", "--offline", cwd=root, env=_env(scratch))
    assert proc.returncode == 1
    first = proc.stderr.splitlines()[0]
    assert first.startswith("relnox: error: 1 package(s) changed since their files were built")
    assert "stale-head" in first and "Traceback" not in proc.stderr
    assert proc.stdout == ""  # no report: a check failed
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_an_interrupted_plan_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(KeyboardInterrupt), HeadStart() as head:
        assert head.directory.parent == scratch
        raise KeyboardInterrupt  # Ctrl-C while the plan is read
    assert head._made.done()  # its thread and the child it waited for are done
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def _plan(head: HeadStart, **changes: object) -> VerifyPlan:
    """A plan whose first round would make exactly the head start's environment."""
    installer = head._made.result().installer
    plan = VerifyPlan(
        rounds=(Round("wheel", ()),),
        installer=installer,
        python=sys.executable,
        timeout=600.0,
        script_args=ScriptArgs(),
        commands=(),
        dist_dir=None,
    )
    return dataclasses.replace(plan, **changes)  # type: ignore[arg-type]


def test_only_the_environment_the_run_would_make_is_taken(tmp_path: Path) -> None:
    with HeadStart() as head:
        plan = _plan(head)
        other_python = _plan(head, python=str(tmp_path / "python"))
        required = _plan(head, rounds=(Round("wheel", (), python=str(tmp_path / "py")),))
        index = _plan(head, rounds=(Round("index", ()),))
        pip = _plan(head, installer=PipInstaller())
        faster = _plan(head, timeout=head._made.result().created.seconds / 2)
        for refused in (other_python, required, index, pip, faster):
            assert head.take(refused) is None
        taken = head.take(plan)
        assert taken is not None and taken.installed is None  # no guess: nothing installed
        venv = environment_dir(head.directory / FIRST_ROUND, sys.executable)
        assert taken.created.ok and taken.env.root == venv
        assert taken.env.python.is_file()
        assert head.take(plan) is None  # taken once
    assert not head.directory.exists()


# -- the install made while planning ----------------------------------------------------


def _installs(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("$ ") and " install " in line]


def _checks(stderr: str) -> list[str]:
    """The check processes that ran (a check started ahead runs nothing before its go:
    whether the install ahead ended before a stale build was found is a race)."""
    lines = stderr.splitlines()
    return [
        line
        for line in lines
        if line.startswith(("$ ", "(go) "))
        and "check.py" in line
        and "waits for its go" not in line
    ]


def _real_plan(root: Path, **options: Any) -> VerifyPlan:
    return plan_verify(load_workspace(root), VerifyOptions(offline=True, **options))


def _guess(root: Path, **changes: Any) -> Guess:
    return Guess(**{"dist": root / "dist", "offline": True, **changes})


def test_the_command_installs_the_wheels_while_planning(built: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    proc = run_relnox("-vv", "verify-install", "--offline", cwd=built, env=_env(scratch))
    assert proc.returncode == 0, proc.stderr
    assert "2/2 package checks passed" in proc.stdout
    assert "wheel: the wheels installed while planning" in proc.stderr
    assert len(_venvs(proc.stderr)) == 1 and len(_installs(proc.stderr)) == 1, proc.stderr
    assert len(_checks(proc.stderr)) == 1, proc.stderr
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_a_selection_installs_only_what_the_plan_installs(built: Path, tmp_path: Path) -> None:
    """``--package``: the head start makes the environment only; the round installs."""
    scratch = tmp_path / "tmp"
    proc = run_relnox(
        "-vv", "verify-install", "--offline", "--package", "head-one", cwd=built, env=_env(scratch)
    )
    assert proc.returncode == 0, proc.stderr
    assert "made while planning" in proc.stderr and "installed while planning" not in proc.stderr
    assert len(_venvs(proc.stderr)) == 1 and len(_installs(proc.stderr)) == 1, proc.stderr
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_the_install_is_taken_only_when_it_is_the_rounds_first(built: Path) -> None:
    """Another wheel set, other bytes (another sha256) or other installer options: the
    install made ahead is not the round's, and its environment is not fresh: nothing is
    taken. The plan's own first install is."""
    plan = _real_plan(built)
    first = plan.rounds[0]
    target = first.targets[0]
    assert target.wheel is not None
    other_bytes = dataclasses.replace(target.wheel, sha256="0" * 64)
    changed = {
        "a subset": _real_plan(built, packages=["head-one"]),
        "other bytes": dataclasses.replace(
            plan,
            rounds=(
                dataclasses.replace(
                    first,
                    targets=(dataclasses.replace(target, wheel=other_bytes), *first.targets[1:]),
                ),
            ),
        ),
        "no deps": dataclasses.replace(
            plan,
            rounds=(
                dataclasses.replace(
                    first, options=dataclasses.replace(first.options, no_deps=True)
                ),
            ),
        ),
    }
    with HeadStart(guess=_guess(built)) as head:
        assert head._made.result().installed is not None
        for why, other in changed.items():
            assert head.take(other) is None, why
        taken = head.take(plan)
        assert taken is not None and taken.installed is not None
        command, result = taken.installed
        assert result.ok and command == first_install(
            plan.installer, first, head.directory / FIRST_ROUND, taken.env
        )
        lines = command.files[0][1].splitlines()
        assert [line.split(" @ ")[0] for line in lines] == ["head-one", "head-two"]
        assert all(
            f"--hash=sha256:{t.wheel.sha256}" in command.files[0][1]
            for t in first.targets
            if t.wheel
        )
    assert not head.directory.exists()


def test_a_refused_install_leaves_the_run_a_fresh_environment(
    built: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="relnox")
    plan = _real_plan(built, no_deps=True)  # the head start installs with dependencies
    with HeadStart(guess=_guess(built)) as head:
        report = run_plan(plan, Runtime(head_start=head))
        made = environment_dir(head.directory / FIRST_ROUND, sys.executable)
    assert report.ok, report.describe()
    assert "wheel: creating a fresh uv environment" in caplog.text
    assert "while planning" not in caplog.text
    assert made.parent.parent == head.directory and not head.directory.exists()


def test_a_guess_the_manifest_cannot_vouch_for_installs_nothing(
    built: Path, tmp_path: Path
) -> None:
    """A wheel the build manifest does not list, or no manifest at all: no install."""
    dist = tmp_path / "dist"
    shutil.copytree(built / "dist", dist)
    for guess in (
        _guess(built, dist=dist),  # no manifest beside this copy
        _guess(built, dist=tmp_path / "missing"),
    ):
        with HeadStart(guess=guess) as head:
            assert head._made.result().installed is None
            assert head._made.result().created.ok
    extra = built / "dist" / "stray-1.0-py3-none-any.whl"
    shutil.copyfile(next((built / "dist").glob("head_one-*.whl")), extra)
    try:
        with HeadStart(guess=_guess(built)) as head:
            assert head._made.result().installed is None
    finally:
        extra.unlink()


def test_a_stale_build_is_never_checked_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """The wheels may be installed ahead (that runs none of their code); the check process,
    which imports them, is the run's: a stale build never gets one."""
    root = tmp_path / "ws"
    write_workspace(root, [ProjectSpec("stale-ahead")])
    git_init(root)
    build_all(root, BuildOptions()).raise_for_failures()
    edit(root / "packages/stale-ahead/stale_ahead/__init__.py", "def main", "NEW = 1\n\n\ndef main")
    git_commit_all(root, "change after the build")
    scratch = tmp_path / "tmp"
    proc = run_relnox("-vv", "verify-install", "--offline", cwd=root, env=_env(scratch))
    assert proc.returncode == 1
    assert "relnox: error: 1 package(s) changed since their files were built" in proc.stderr
    assert _checks(proc.stderr) == [] and proc.stdout == ""
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


def test_an_interrupted_install_leaves_nothing_behind(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(KeyboardInterrupt), HeadStart(guess=_guess(built)) as head:
        raise KeyboardInterrupt  # Ctrl-C while the plan is read
    assert head._made.done()
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []


@pytest.mark.parametrize(
    "flags",
    [
        {"offline": True},
        {"offline": False},
        {"no_deps": True},
        {"extra_index": "http://127.0.0.1:9/simple/"},
    ],
)
def test_the_guess_is_the_plans_first_install(
    built: Path, tmp_path: Path, flags: dict[str, Any]
) -> None:
    """What the flags say, read with the build manifest, is the command the plan's round
    runs (argv, requirements file, environment), online or not; another option is not."""
    plan = plan_verify(load_workspace(built), VerifyOptions(**flags))
    work = tmp_path / FIRST_ROUND
    env = Environment(environment_dir(work, plan.python), plan.installer.name)
    planned = first_install(plan.installer, plan.rounds[0], work, env)
    guess = _guess(built, **{"offline": False, **flags})
    guessed = guessed_install(plan.installer, guess, work, plan.python)
    assert planned is not None and guessed == planned
    flipped = _guess(built, offline=not plan.rounds[0].options.offline)
    other = guessed_install(plan.installer, flipped, work, plan.python)
    assert other is not None and other != planned


def test_the_installer_is_guessed_as_the_plan_finds_it(built: Path) -> None:
    """The environment's command starts before uv is asked whether it runs: with the
    installer the plan finds here, or with none for an unknown name (the plan says so)."""
    assert _likely_installer(None) == _likely_installer("auto") == find_installer()
    assert _likely_installer("uv") == find_installer("uv")
    assert _likely_installer("pip") == PipInstaller()
    assert _likely_installer("conda") is None
    with HeadStart("conda", guess=_guess(built)) as head:
        assert head.take(_real_plan(built)) is None
    assert not head.directory.exists()


# -- the check process started ahead ---------------------------------------------------

_MARKS = """import os
open(os.path.join({where!r}, {name!r}), "a").close()
"""


def _marked_workspace(root: Path, marks: Path, hook: str = "ahead_marks.pth") -> None:
    """One package whose import, and a file its wheel puts at the top of site-packages
    that ``site`` runs when an interpreter of the environment starts (``hook``: a ``.pth``
    file, or a ``sitecustomize`` module), each leave a file in ``marks``."""
    init = _MARKS.format(where=str(marks), name="imported") + '__version__ = "0.1.0"\n'
    if hook.endswith(".pth"):
        code = "import os; " + _MARKS.format(where=str(marks), name="pth").replace("\n", "; ")
        code = code.strip("; ") + "\n"
    else:
        code = _MARKS.format(where=str(marks), name=hook.removesuffix(".py"))
    spec = ProjectSpec("ahead-pkg", extra_files={"ahead_pkg/__init__.py": init, hook: code})
    write_workspace(root, [spec])
    pyproject = root / "packages/ahead-pkg/pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8")
        + f'\n[tool.hatch.build.targets.wheel.force-include]\n"{hook}" = "{hook}"\n',
        encoding="utf-8",
    )
    git_init(root)


def test_the_check_started_ahead_runs_nothing_of_the_packages_before_its_go(
    tmp_path: Path,
) -> None:
    """The check process starts while the plan is read (``-S``: no ``.pth`` runs), and
    is told to go once the plan's checks pass: then the wheel's ``.pth`` and the package's
    import run. A stale build stops it before its go: neither ran, nothing is left."""
    marks = tmp_path / "marks"
    marks.mkdir()
    root = tmp_path / "ws"
    _marked_workspace(root, marks)
    build_all(root, BuildOptions()).raise_for_failures()
    scratch = tmp_path / "tmp"
    proc = run_relnox("-vv", "verify-install", "--offline", cwd=root, env=_env(scratch))
    assert proc.returncode == 0, proc.stderr
    assert "(started ahead: told to go now)" in proc.stderr
    assert sorted(p.name for p in marks.iterdir()) == ["imported", "pth"]  # both ran, after go
    for mark in marks.iterdir():
        mark.unlink()
    edit(root / "packages/ahead-pkg/ahead_pkg/__init__.py", "__version__", "NEW = 1\n__version__")
    git_commit_all(root, "change after the build")
    shutil.rmtree(scratch)
    proc = run_relnox("-vv", "verify-install", "--offline", cwd=root, env=_env(scratch))
    assert proc.returncode == 1 and "changed since their files were built" in proc.stderr
    assert "told to go" not in proc.stderr  # whether it was started yet or not: no go
    assert list(marks.iterdir()) == []  # no .pth, no import: nothing of the package ran
    assert list(scratch.iterdir()) == [] and _running_in(scratch) == []
    # the same, the check surely started ahead before the plan finds the stale build
    with HeadStart(guess=_guess(root)) as head:
        assert head._made.result().check is not None  # installed, and the check waits
        with pytest.raises(RelnoxError, match="changed since"):
            plan_verify(load_workspace(root), VerifyOptions(offline=True))
    assert list(marks.iterdir()) == []


@pytest.mark.parametrize("hook", ["ahead_marks.pth", "sitecustomize.py"])
def test_the_standby_sets_site_up_before_its_go_only_when_that_runs_nothing_installed(
    tmp_path: Path, hook: str
) -> None:
    """The check process's work before its go (:data:`relnox.verify.in_env.STANDBY`) is
    done whatever comes on its stdin: given no go, it ends after it. With a ``.pth`` file
    or a ``sitecustomize`` module installed (``site`` runs both), that work runs nothing
    of the packages; told to go, both the hook and the import run."""
    from relnox.verify.in_env import STANDBY
    from relnox.verify.smoke import write_check

    marks = tmp_path / "marks"
    marks.mkdir()
    root = tmp_path / "ws"
    _marked_workspace(root, marks, hook=hook)
    build_all(root, BuildOptions()).raise_for_failures()
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = str(env / "bin" / "python")
    wheel = next((root / "dist").glob("*.whl"))
    installer = find_installer(None)
    options = InstallOptions(no_deps=True, offline=True)
    argv = installer.install_argv(Environment(env, installer.name), [str(wheel)], options)
    subprocess.run(argv, check=True, capture_output=True)
    files = write_check(tmp_path / "check", [("ahead-pkg", ("ahead_pkg",))])
    standby = [python, "-I", "-S", "-c", STANDBY, *files]
    subprocess.run(standby, input="stop\n", text=True, check=True, cwd=tmp_path)
    assert list(marks.iterdir()) == []  # not told to go: nothing of the package ran
    subprocess.run(standby, input="go\n", text=True, check=True, cwd=tmp_path)
    name = "pth" if hook.endswith(".pth") else "sitecustomize"
    assert sorted(p.name for p in marks.iterdir()) == sorted(["imported", name])


def test_a_check_that_cannot_go_runs_as_a_new_process(built: Path) -> None:
    """The check started ahead ended before its go (stopped here): the round starts
    the check anew, and the run is what it would have been."""
    plan = _real_plan(built)
    with HeadStart(guess=_guess(built)) as head:
        ahead = head._made.result().check
        assert ahead is not None
        ahead.cancel()
        report = run_plan(plan, Runtime(head_start=head))
    assert report.ok, report.describe()
    assert [r.name for r in report.results if r.ok] == ["head-one", "head-two"]


_HANGS = """import os, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300); {token!r}"])
with open({fifo!r}, "w") as fifo:  # the test, waiting on the other end, is told
    fifo.write("importing")
time.sleep(300)
__version__ = "0.1.0"
"""


@pytest.mark.parametrize("rounds", [1, 2])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_verify_stopped_while_a_package_s_import_hangs_leaves_nothing_running(
    tmp_path: Path, signum: int, rounds: int
) -> None:
    """Ctrl-C or SIGTERM (sent to relnox alone) while the check imports a package that
    hangs (and started a child of its own), in the main thread, or in the rounds' threads
    (``--sdist``): at once, the checks, their children, and the slot's content are gone;
    one line says why, and the command ends by the signal as a shell reports it (130, or
    SIGTERM)."""
    fifo = tmp_path / "importing"
    os.mkfifo(fifo)
    told = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    ours = os.open(fifo, os.O_WRONLY)  # a writer always: its reads wait, never end
    root = tmp_path / "ws"
    token = f"hang-child-{os.getpid()}-{signum}-{rounds}"  # this test's child, not another's
    init = _HANGS.format(fifo=str(fifo), token=token)
    write_workspace(root, [ProjectSpec("hang-pkg", extra_files={"hang_pkg/__init__.py": init})])
    git_init(root)
    build_all(root, BuildOptions()).raise_for_failures()
    scratch = tmp_path / "tmp"
    command = subprocess.Popen(
        [sys.executable, "-m", "relnox", "verify-install", "--offline"]
        + (["--sdist"] if rounds == 2 else []),
        cwd=root,
        env=_env(scratch),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        heard = b""
        while len(heard) < len(b"importing") * rounds:  # each round's check imports it
            assert select.select([told], [], [], 120)[0], "the package's import never ran"
            heard += os.read(told, 100)
        command.send_signal(signum)
        _, err = command.communicate(timeout=20)  # at once, not after the hanging import
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
        os.close(told)
        os.close(ours)
    if signum == signal.SIGINT:
        assert (command.returncode, err.splitlines()[-1:]) == (130, ["relnox: stopped (Ctrl-C)"])
    else:
        assert command.returncode == -signal.SIGTERM, err
        assert err.splitlines()[-1:] == ["relnox: stopped (SIGTERM)"]
    assert "Traceback" not in err
    assert _running_in(scratch) == []
    assert _running_in(Path(token)) == []
