"""The one policy for a child's environment: no credential reaches a child that runs code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.tags import sys_tags

from relnox.redact import redact
from relnox.tools import envs
from relnox.tools.credentials import Credentials, register_environment_secrets
from relnox.tools.envs import (
    Environment,
    InstallOptions,
    PipInstaller,
    UvInstaller,
    child_env,
    interpreter_tags,
    is_credential_variable,
    without_credentials,
)

BASE = {
    "PATH": "/usr/bin",
    "HOME": "/home/u",
    "PYPI_TOKEN": "tok1x",
    "TEST_PYPI_TOKEN": "tok2x",
    "TWINE_USERNAME": "u",
    "TWINE_PASSWORD": "tok3x",
    "TWINE_CERT": "/etc/ca.pem",
    "UV_PUBLISH_TOKEN": "tok4x",
    "UV_INDEX_CORP_USERNAME": "corp",
    "UV_INDEX_CORP_PASSWORD": "tok5x",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "tok6x",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "https://oidc.invalid/",
    "GH_TOKEN": "tok7x",
    "PIP_INDEX_URL": "https://bob:tok8x@pkgs.invalid/simple/",
    "UV_INDEX": "corp=https://bob:tok9x@pkgs.invalid/simple/",
    "NETRC": "/home/u/.netrc",
    "LANG": "C.UTF-8",
}


def test_a_child_that_runs_code_gets_no_credential() -> None:
    env = child_env(BASE)
    assert not [k for k in env if is_credential_variable(k)]
    assert env["PIP_INDEX_URL"] == "https://pkgs.invalid/simple/"
    assert env["UV_INDEX"] == "corp=https://pkgs.invalid/simple/"
    assert "NETRC" not in env
    assert env["LANG"] == "C.UTF-8" and env["HOME"] == "/home/u"
    root = Environment(Path("/tmp/venv"), "uv")
    assert not [k for k in child_env(BASE, root) if is_credential_variable(k)]


def test_an_installer_keeps_its_index_logins_and_never_an_upload_credential() -> None:
    env = without_credentials(BASE, keep_index_logins=True)
    assert env["UV_INDEX_CORP_PASSWORD"] == "tok5x" and env["NETRC"] == "/home/u/.netrc"
    assert env["PIP_INDEX_URL"] == BASE["PIP_INDEX_URL"]
    for name in ("PYPI_TOKEN", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "GH_TOKEN"):
        assert name not in env
    assert "ACTIONS_ID_TOKEN_REQUEST_TOKEN" not in env


def test_an_upload_child_keeps_twine_settings_but_no_other_secret() -> None:
    env = Credentials("none", "anonymous").child_env(BASE)
    assert env["TWINE_CERT"] == "/etc/ca.pem"
    for name in ("PYPI_TOKEN", "TWINE_PASSWORD", "UV_INDEX_CORP_PASSWORD", "GH_TOKEN"):
        assert name not in env
    trusted = Credentials("OIDC", "trusted-publishing", "__token__").child_env(BASE)
    assert "ACTIONS_ID_TOKEN_REQUEST_TOKEN" in trusted


def test_every_credential_of_the_environment_is_registered() -> None:
    register_environment_secrets(BASE)
    shown = " ".join(f"{k}={v}" for k, v in BASE.items() if k not in ("TWINE_USERNAME",))
    masked = redact(shown)
    for secret in ("tok1x", "tok2x", "tok3x", "tok4x", "tok5x", "tok6x", "tok7x", "tok8x", "tok9x"):
        assert secret not in masked
    assert "TWINE_CERT=/etc/ca.pem" in masked  # not a secret: shown


def test_no_installer_puts_an_index_login_in_argv() -> None:
    options = InstallOptions(
        default_index="https://bob:s3cret@pkgs.invalid/simple/",
        extra_indexes=("http://ann:0ther@extra.invalid/simple/",),
    )
    env = Environment(Path("/tmp/venv"), "x")
    for installer in (UvInstaller("uv"), PipInstaller()):
        argv = " ".join(installer.install_argv(env, ["pkg"], options))
        assert "s3cret" not in argv and "0ther" not in argv and "@" not in argv
        assert "https://pkgs.invalid/simple/" in argv


@pytest.mark.slow
def test_an_interpreters_wheel_tags_are_its_own(tmp_path: Path) -> None:
    """Another interpreter (a copied venv: not the file relnox runs) reports the tags it
    installs through relnox's own packaging; one that cannot run reports none."""
    venv = tmp_path / "copy"
    subprocess.run(
        [sys.executable, "-m", "venv", "--copies", "--without-pip", str(venv)], check=True
    )
    python = str(venv / "bin" / "python")
    assert os.path.realpath(python) != os.path.realpath(sys.executable)
    assert interpreter_tags(python) == tuple(sys_tags())
    broken = tmp_path / "broken-python"
    broken.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    assert interpreter_tags(str(broken)) is None


def test_requirements_files_have_their_hashes_checked_by_either_installer() -> None:
    """A requirements file's ``--hash`` lines are checked: uv is told so (over a user's
    ``verify-hashes = false``), pip always checks them."""
    options = InstallOptions(requirement_files=(Path("/tmp/wheels.txt"),))
    env = Environment(Path("/tmp/venv"), "x")
    uv = UvInstaller("uv").install_argv(env, [], options)
    assert uv[-3:] == ["--requirements", "/tmp/wheels.txt", "--verify-hashes"]
    pip = PipInstaller().install_argv(env, [], options)
    assert pip[-2:] == ["--requirement", "/tmp/wheels.txt"]
    assert "--verify-hashes" not in UvInstaller("uv").install_argv(env, ["x"], InstallOptions())


def test_neither_installer_compiles_what_it_installs() -> None:
    """Installs compile no bytecode ahead (uv does not; pip is told not to): the check
    process compiles what it imports, and only that (pip compiling a real workspace's
    whole environment first cost more CPU than all its imports)."""
    env = Environment(Path("/tmp/venv"), "x")
    assert "--no-compile" in PipInstaller().install_argv(env, ["x"], InstallOptions())
    assert "--compile-bytecode" not in UvInstaller("uv").install_argv(env, ["x"], InstallOptions())


def _fake_uv(path: Path, exit_code: int) -> str:
    """A program answering ``--version`` as uv does (or failing), and noting each start."""
    path.write_text(
        f'#!/bin/sh\necho started >> "{path}.starts"\necho "uv 0.9.0"\nexit {exit_code}\n',
        encoding="utf-8",
    )
    path.chmod(0o755)
    return str(path)


def _starts(uv: str) -> int:
    log = Path(f"{uv}.starts")
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def _ask(uv: str) -> str | None:
    envs.uv_cannot_run.cache_clear()  # a new relnox process
    return envs.uv_cannot_run(uv)


def test_a_uv_that_failed_is_asked_every_time(tmp_path: Path) -> None:
    uv = _fake_uv(tmp_path / "uv", 1)
    assert _ask(uv) == "uv 0.9.0" and _starts(uv) == 1
    assert _ask(uv) == "uv 0.9.0" and _starts(uv) == 2
    Path(uv).write_text(Path(uv).read_text(encoding="utf-8").replace("exit 1", "exit 0"), "utf-8")
    assert _ask(uv) is None and _starts(uv) == 3


def test_a_uv_that_cannot_run_is_said_once_and_pip_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    uv = _fake_uv(tmp_path / "uv", 3)
    monkeypatch.setattr(envs, "uv_binary", lambda: uv)
    envs.uv_cannot_run.cache_clear()
    with caplog.at_level("WARNING", logger="relnox"):
        first, second = envs.find_installer(), envs.find_installer()  # a head start, a plan
    assert first.name == second.name == "pip"
    assert [r.getMessage() for r in caplog.records].count(
        "uv cannot run (uv 0.9.0); falling back to venv + pip"
    ) == 1


def test_uv_is_found_from_threads_of_a_new_process() -> None:
    """A backend's version is asked in a thread per project: the first lookup of uv's binary
    reads :mod:`sysconfig`, which Python 3.11 does not guard against threads (a new
    ``relnox packages`` on a real workspace of 19 projects ended in ``TypeError: can only
    concatenate str (not "NoneType") to str``)."""
    script = (
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from relnox.tools.envs import uv_binary\n"
        "with ThreadPoolExecutor(4) as pool:\n"
        "    print(len(set(pool.map(lambda _: uv_binary(), range(4)))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "1"), done.stderr


def test_environments_are_removed_beside_the_caller(tmp_path: Path) -> None:
    """remove_later: the directory goes in a thread of its own, which the process waits
    for before it ends (no daemon)."""
    scratch = tmp_path / "scratch"
    (scratch / "venv" / "lib").mkdir(parents=True)
    (scratch / "venv" / "lib" / "mod.py").write_text("x = 1\n", encoding="utf-8")
    thread = envs.remove_later(scratch)
    assert not thread.daemon
    thread.join()
    assert not scratch.exists()
