"""The first fresh environment made while verify plans: taken only when it is the one the
run would make, and never anything left behind, whatever ends the command (real builds,
real fresh environments, the real command)."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

import pytest

from relnox.builds.run import BuildOptions, build_all
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.tools.envs import PipInstaller
from relnox.verify.head_start import FIRST_ROUND, HeadStart
from relnox.verify.model import Round, ScriptArgs, VerifyPlan
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
    installer, _, _ = head._made.result()
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
        faster = _plan(head, timeout=head._made.result()[2].seconds / 2)
        for refused in (other_python, required, index, pip, faster):
            assert head.take(refused) is None
        taken = head.take(plan)
        assert taken is not None
        env, result = taken
        assert result.ok and env.root == head.directory / FIRST_ROUND / "venv"
        assert env.python.is_file()
        assert head.take(plan) is None  # taken once
    assert not head.directory.exists()
