"""What the ``relnox`` command loads to run one command: what that command's common path
uses, and not the rest (each module a start loads is paid for on every run, and again at
exit). Each test runs the real command in a new process and reads ``sys.modules`` after
it; a module re-imported eagerly where the command does not need it fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from relnox.cli import COLLECTOR_THRESHOLDS
from relnox.sample import ProjectSpec, generated_specs, git_init, write_project, write_workspace
from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.conftest import FIND_RELNOX, run_relnox

#: what no command's common path needs: invoke (the command runs light tasks) and difflib
#: (only a mistake's "did you mean")
NEVER = ("invoke", "difflib")


def _loaded(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> set[str]:
    """The modules of a new process after ``relnox ARGS`` ran there (and succeeded)."""
    code = (
        "import json, sys\n"
        "from relnox.cli import main\n"
        f"main({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=None if env is None else dict(env),
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def _absent(loaded: set[str], modules: Sequence[str]) -> list[str]:
    """Those of ``modules`` (or a module below one) that were loaded."""
    return sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in modules))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = write_workspace(tmp_path / "ws", generated_specs(3))
    git_init(root)
    return root


def test_doctor_loads_no_other_stage_and_no_network_client(sample: Path) -> None:
    """doctor without ``--repository`` asks no index: neither the pipeline (every stage)
    nor the index's modules, nor the archives' (it reads no artifact)."""
    loaded = _loaded(["-q", "doctor", "--root", str(sample)], sample)
    assert "relnox.release.doctor" in loaded
    unwanted = (
        *NEVER,
        "relnox.release.pipeline",
        "relnox.release.doctor_index",
        "relnox.publish",
        "relnox.builds",
        "relnox.bump",
        "relnox.verify",
        "relnox.guards.skew",
        "relnox.guards.audit",
        "urllib.request",
        "http.client",
        "ssl",
        "tarfile",
        "zipfile",
    )
    assert _absent(loaded, unwanted) == []


def test_plan_asks_only_the_api_guard(sample: Path) -> None:
    """plan asks the guards only whether the API check is on: the skew guard (and with it
    verify and builds) and the audit (the index's pages) stay out."""
    loaded = _loaded(["-q", "plan", "--root", str(sample)], sample)
    assert "relnox.guards.api" in loaded
    unwanted = (
        *NEVER,
        "relnox.guards.skew",
        "relnox.guards.audit",
        "relnox.verify",
        "relnox.builds",
        "relnox.publish",
        "urllib.request",
        "http.client",
        "tarfile",
    )
    assert _absent(loaded, unwanted) == []


@pytest.mark.slow  # builds, serves an index
def test_publish_loads_only_the_publish_path(sample: Path, tmp_path: Path) -> None:
    """A publish of a build-all release to an index on this machine named by its URL, with
    the credentials in the environment, sent by ``uv publish``: not the --verify-installable
    check, the tag route, twine's transport, the netrc reader, the changelog or the
    dynamic-version readers, nor another stage (twine's constants, PyPI's addresses, are
    imported from twine, and configparser with them)."""
    run_relnox("-q", "build-all", "--root", str(sample), cwd=sample, check=True)
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {"uploader": "token-0001"})
    env = {
        **os.environ,
        "TWINE_USERNAME": "uploader",
        "TWINE_PASSWORD": "token-0001",
        "PIP_CONFIG_FILE": os.devnull,  # pip's own "no configuration"; a machine's pip.conf
    }  # would have the uv child's trust settings read (configparser) for a reason
    with LocalIndex(tmp_path / "index", password_file=htpasswd) as index:
        loaded = _loaded(["-q", "publish", "-r", index.url, "--root", str(sample)], sample, env)
        stored = sorted(p.name for p in index.data_dir.iterdir())
    assert len(stored) == 6, stored  # the command really published (3 wheels, 3 sdists)
    assert {"relnox.publish.plan", "relnox.tools.uv_publish"} <= loaded
    unwanted = (
        *NEVER,
        "netrc",
        "relnox.publish.installable",
        "relnox.publish.route",
        "relnox.tools.twine",
        "relnox.tools.cooldown",
        "relnox.project.changelog",
        "relnox.project.dynamic",
        "relnox.project.pins",
        "relnox.guards",
        "relnox.release",
        "relnox.verify",
        "relnox.bump",
        "relnox.builds.plan",
        "relnox.builds.run",
        "packaging.metadata",  # the artifacts' checks are proven by build-all's record
    )
    assert _absent(loaded, unwanted) == []


@pytest.mark.slow  # builds, makes an environment
def test_verify_install_offline_loads_no_network_client_nor_another_stage(sample: Path) -> None:
    run_relnox("-q", "build-all", "--root", str(sample), cwd=sample, check=True)
    loaded = _loaded(["-q", "verify-install", "--offline", "--root", str(sample)], sample)
    assert "relnox.verify.run" in loaded
    unwanted = (
        *NEVER,
        "relnox.publish",
        "relnox.guards",
        "relnox.release",
        "relnox.bump",
        "relnox.builds.plan",
        "relnox.builds.run",
        "urllib.request",
        "http.client",
        "ssl",
        "netrc",
    )
    assert _absent(loaded, unwanted) == []


def test_the_command_process_freezes_the_collectors_view_and_a_caller_is_left_alone(
    sample: Path,
) -> None:
    """Run as a process (its own argv), the objects alive when the task starts are frozen
    for the cyclic collector (the teardown skips them); called with an argv from another
    program, nothing is frozen and the collector keeps the caller's thresholds (the
    process: fewer passes, relnox.cli.COLLECTOR_THRESHOLDS). Both write their files whole
    (the bump commits)."""
    code = (
        "import atexit, gc, sys\n"
        "print('default', *gc.get_threshold(), file=sys.stderr)\n"
        "atexit.register(lambda: print('thresholds', *gc.get_threshold(), file=sys.stderr))\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.stderr))\n"
        "from relnox.cli import main\n"
        "if sys.argv[1:2] == ['--argv']:\n"
        "    main(sys.argv[2:])\n"
        "else:\n"
        "    main()\n"
    )
    counts: dict[str, int] = {}
    thresholds: dict[str, tuple[list[str], list[str]]] = {}
    for way, lead in (("process", []), ("caller", ["--argv"])):
        argv = [*lead, "bump", "--part", "patch", "--package", "gen-pkg0"]
        proc = subprocess.run(
            [sys.executable, "-c", code, *argv], cwd=sample, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        counts[way] = int(lines[-2].split()[-1])  # atexit: the last registered runs first
        default = next(line for line in lines if line.startswith("default "))
        thresholds[way] = (default.split()[1:], lines[-1].split()[1:])
    assert counts["process"] > 1000 and counts["caller"] == 0, counts
    initial = thresholds["caller"][0]
    assert thresholds["caller"] == (initial, initial), thresholds
    assert thresholds["process"] == (initial, [str(n) for n in COLLECTOR_THRESHOLDS]), thresholds
    log = subprocess.run(
        ["git", "log", "--format=%s", "-2"], cwd=sample, capture_output=True, text=True, check=True
    )
    assert log.stdout.count("gen-pkg0") == 2, log.stdout


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """A Ctrl-C while a command reads the repository ends it without a traceback; git's
    fsmonitor hook (run by doctor's ``git status``) plays the user pressing it."""
    write_project(tmp_path / "repo", ProjectSpec("ctrl-c", "1.0.0"))
    root = tmp_path / "repo"
    git_init(root)
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f'#!/bin/sh\n{FIND_RELNOX}[ -n "$found" ] && kill -INT "$found"\nexit 1\n')
    hook.chmod(0o755)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=root, check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "relnox", "doctor"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip() == "relnox: stopped (Ctrl-C)"


def test_a_command_started_with_its_output_closed_ends_without_a_traceback(
    tmp_path: Path,
) -> None:
    """``relnox --help >&-``: no stdout at all (``sys.stdout`` is None); the command ends
    as the interpreter would end it, exit 0 and nothing on stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "--help"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["bump", "--help"], ["packages"], ["packages", "--json"]]
)
def test_a_full_disk_on_standard_output_is_one_line_and_exit_1(
    sample: Path, args: list[str]
) -> None:
    """Standard output on a full device (``> /dev/full``): the write fails when it is
    flushed, which for the command's own help used to be at exit (nothing said, exit 0)
    or a traceback; now one line naming what was lost and the fix, exit 1."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as users
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "relnox", *args],
            cwd=sample,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("relnox: error: cannot write to standard output ("), lines
