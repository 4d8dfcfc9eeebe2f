"""The adapters: nox sessions, invoke tasks, the relnox command, the import boundary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from relnox.sample import demo_specs, write_workspace
from tests.conftest import run_relnox

SESSION_NAMES = [
    "version_bump",
    "build_all",
    "verify_install",
    "publish-test",
    "testpypi",
    "publish",
]


def _py(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_import_relnox_imports_neither_nox_nor_invoke() -> None:
    proc = _py(
        "import sys, relnox, relnox.workspace, relnox.sources, relnox.manifest\n"
        "bad = [m for m in ('nox', 'invoke', 'twine', 'build') if m in sys.modules]\n"
        "print(bad)"
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_relnox_help_is_light() -> None:
    proc = _py(
        "import sys; from relnox.cli import program; program()\n"
        "print([m for m in ('twine', 'build', 'requests', 'nox') if m in sys.modules])"
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_relnox_help_lists_the_tasks(tmp_path: Path) -> None:
    out = run_relnox("--help", cwd=tmp_path, check=True).stdout
    for name in ("bump", "build-all", "verify-install", "testpypi", "publish", "packages"):
        assert f"  {name} " in out


def test_task_help_with_a_positional_argument_shows_help(tmp_path: Path) -> None:
    # invoke would hand --help to the missing positional TAG / VERSION
    for task, flag in (("check-tag", "--help"), ("release-notes", "-h")):
        proc = run_relnox(task, flag, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert f"relnox [--core-opts] {task} [--options]" in proc.stdout
        assert "--root=STRING" in proc.stdout


def test_help_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.run(
        f"'{sys.executable}' -m relnox --help | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.stdout.startswith("Usage: relnox")
    assert "Traceback" not in proc.stderr


def test_error_is_one_line_exit_1_no_traceback(tmp_path: Path) -> None:
    proc = run_relnox("packages", cwd=tmp_path)
    assert proc.returncode == 1
    assert (
        proc.stderr.strip()
        == f"relnox: error: {tmp_path.resolve()}: no pyproject.toml here or in the directories below; run relnox from the repository root or pass --root"
    )


def test_a_bug_still_shows_its_traceback(tmp_path: Path) -> None:
    code = (
        "import relnox.workspace as w\n"
        "def boom(*a, **k): raise ZeroDivisionError('bug')\n"
        "w.load_workspace = boom\n"
        "from relnox.cli import main; main(['packages'])\n"
    )
    proc = _py(code, cwd=tmp_path)
    assert (
        proc.returncode != 0 and "Traceback" in proc.stderr and "ZeroDivisionError" in proc.stderr
    )


def test_invoke_tasks_import_into_a_users_tasks_py(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    (tmp_path / "tasks.py").write_text(
        "from relnox.invoke import *  # noqa\nfrom relnox.invoke import packages\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "invoke", "packages", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert '"demo-runtime"' in proc.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "build-all" in listing.stdout and "bump" in listing.stdout


def test_star_import_does_not_replace_the_root_namespace() -> None:
    import relnox.invoke

    exported = set(relnox.invoke.__all__)
    assert not exported & {"ns", "namespace", "Collection"}
    assert {"bump", "build_all", "verify_install", "publish", "testpypi", "collection"} <= exported
    names = set(relnox.invoke.collection().task_names)
    assert {"bump", "build-all", "verify-install", "testpypi", "publish"} <= names


def _noxfile(tmp_path: Path, body: str) -> Path:
    (tmp_path / "noxfile.py").write_text(body)
    return tmp_path


def _nox(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nox", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_nox_register_adds_release_sessions_not_default(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    _noxfile(
        tmp_path,
        "import nox\nimport relnox.nox\nrelnox.nox.register()\n\n@nox.session(python=False)\ndef mine(session):\n    pass\n",
    )
    listing = _nox(tmp_path, "--list").stdout.splitlines()
    skipped = {line.split()[1] for line in listing if line.startswith("- ")}
    selected = {line.split()[1] for line in listing if line.startswith("* ")}
    assert set(SESSION_NAMES) <= skipped  # registered, default=False
    assert selected == {"mine"}
    assert any(line.startswith("- publish [release] -> ") for line in listing)  # tagged, described
    tagged = _nox(tmp_path, "--list", "-t", "release").stdout
    assert "* version_bump" in tagged and "* mine" not in tagged
    # a bare `nox` runs only the user's own session, never a release
    bare = _nox(tmp_path)
    assert "Running session mine" in bare.stderr and "version_bump" not in bare.stderr


def test_nox_session_runs_the_task_with_posargs(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    _noxfile(tmp_path, "import relnox.nox\nrelnox.nox.register()\n")
    proc = _nox(tmp_path, "-s", "packages", "--", "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"demo-agents"' in proc.stdout


def test_nox_session_error_is_one_clean_line(tmp_path: Path) -> None:
    _noxfile(tmp_path, "import relnox.nox\nrelnox.nox.register()\n")
    proc = _nox(tmp_path, "-s", "packages")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert (
        "Session packages aborted: relnox: error:" in proc.stderr
        and "no pyproject.toml" in proc.stderr
    )
    bad_flag = _nox(tmp_path, "-s", "packages", "--", "--bogus")
    assert (
        bad_flag.returncode == 1
        and "--bogus" in bad_flag.stderr
        and "Traceback" not in bad_flag.stderr
    )


def test_nox_register_refuses_a_clash_unless_overwrite(tmp_path: Path) -> None:
    body = (
        "import nox, relnox.nox\n"
        "@nox.session(python=False)\ndef publish(session):\n    print('mine')\n"
        "relnox.nox.register({overwrite})\n"
    )
    _noxfile(tmp_path, body.format(overwrite=""))
    clash = _nox(tmp_path, "--list")
    assert clash.returncode != 0 and "publish" in clash.stderr and "overwrite=True" in clash.stderr
    _noxfile(tmp_path, body.format(overwrite="overwrite=True"))
    assert _nox(tmp_path, "--list").returncode == 0
