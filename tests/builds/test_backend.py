"""The hook runner's details: pyproject-hooks' script run from its bytecode where the
environment's interpreter is this one, as it is elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from relnox.builds.backend import IN_PROCESS, _compiled
from relnox.builds.envpool import BuildEnv

#: stands in for pyproject-hooks' script: whether it runs from bytecode, whether the
#: directory it takes off ``sys.path`` (its own) is the one Python put there, its arguments
SCRIPT = """\
import os, sys
here = os.path.realpath(os.path.dirname(__file__))
print(__file__.endswith(".pyc"), here == os.path.realpath(sys.path[0]), *sys.argv[1:])
"""


def _env(tmp_path: Path, python: str) -> BuildEnv:
    bin_dir = tmp_path / "env" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(python)
    return BuildEnv(tmp_path / "env", bin_dir / "python", ())


def test_the_script_runs_from_bytecode_compiled_once_per_environment(tmp_path: Path) -> None:
    script = tmp_path / "hooks" / IN_PROCESS
    script.parent.mkdir()
    script.write_text(SCRIPT, encoding="utf-8")
    env = _env(tmp_path, os.path.realpath(sys.executable))
    cmd = [str(env.python), str(script), "build_wheel", str(tmp_path / "control")]
    first = _compiled(cmd, env)
    assert first[1].endswith(".pyc") and first[1].startswith(str(env.path))
    assert first[0] == cmd[0] and first[2:] == cmd[2:]
    stamp = Path(first[1]).stat().st_mtime_ns
    assert _compiled(cmd, env) == first and Path(first[1]).stat().st_mtime_ns == stamp
    done = subprocess.run(first, capture_output=True, text=True, check=True)
    # bytecode it is, and the directory it takes off sys.path is the one put there
    assert done.stdout.split() == ["True", "True", "build_wheel", str(tmp_path / "control")]


def test_another_interpreter_or_another_command_is_left_as_it_is(tmp_path: Path) -> None:
    script = tmp_path / IN_PROCESS
    script.write_text(SCRIPT, encoding="utf-8")
    other = tmp_path / "other-python"
    other.write_text("#!/bin/sh\n", encoding="utf-8")
    env = _env(tmp_path, str(other))
    cmd = [str(env.python), str(script), "build_wheel", "control"]
    assert _compiled(cmd, env) == cmd
    same = _env(tmp_path / "same", os.path.realpath(sys.executable))
    for shape in (
        [str(same.python), str(tmp_path / "another.py"), "build_wheel", "control"],
        [str(same.python), "-c", "pass"],
    ):
        assert _compiled(shape, same) == shape
    broken = tmp_path / "broken" / IN_PROCESS
    broken.parent.mkdir()
    broken.write_text("def (:\n", encoding="utf-8")  # does not compile: run as it is
    cmd = [str(same.python), str(broken), "build_wheel", "control"]
    assert _compiled(cmd, same) == cmd
