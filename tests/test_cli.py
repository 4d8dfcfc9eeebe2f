"""What the ``relnox`` command loads to run one command: what that command's common path
uses, and not the rest (each module a start loads is paid for on every run, and again at
exit). Each test runs the real command in a new process and reads ``sys.modules`` after
it; a module re-imported eagerly where the command does not need it fails here."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import relnox.invoke
from relnox.sample import (
    ProjectSpec,
    demo_specs,
    generated_specs,
    git_init,
    write_project,
    write_workspace,
)
from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.conftest import FIND_RELNOX, run_relnox


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


@functools.cache
def _at_start() -> frozenset[str]:
    """The modules every command has loaded before it runs (invoke's, the program's)."""
    code = "import json, sys, relnox.cli; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return frozenset(json.loads(proc.stdout))


def _absent(loaded: set[str], modules: Sequence[str]) -> list[str]:
    """Those of ``modules`` (or a module below one) that the command loaded for itself."""
    own = loaded - _at_start()
    return sorted(m for m in own if any(m == n or m.startswith(n + ".") for n in modules))


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
        "netrc",
        "relnox.publish.installable",
        "relnox.publish.route",
        "relnox.tools.cooldown",
        "relnox.project.changelog",
        "relnox.versions.dynamic",
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


def test_python_m_relnox_in_a_repository_whose_package_shares_a_dependency_name(
    tmp_path: Path,
) -> None:
    """``python -m relnox`` in the checkout of a library whose top-level package is named like
    one relnox imports (an older copy of it, without a module relnox uses): relnox reads the
    repository with its own dependency, not with the checkout's package."""
    root = tmp_path / "repo"
    write_project(root, ProjectSpec("shadow", "1.0.0"))
    (root / "packaging").mkdir()
    (root / "packaging" / "__init__.py").write_text('__version__ = "0.1"\n')
    git_init(root)
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "bump", "--part", "patch", "--dry-run"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "shadow: 1.0.0 -> 1.0.1" in proc.stdout


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


# -- --json: one document on stdout, on success and on failure ------------------------

#: every command that takes --json (a new one must join the runs below)
JSON_TASKS = sorted(
    t.name for t in relnox.invoke.TASKS if any(a.name == "json" for a in t.get_arguments())
)
#: a run of each that succeeds without a build, in the demo workspace
QUICK_OK = {
    "packages": [],
    "check-versions": [],
    "plan": [],
    "doctor": [],
    "resolve-version": [],
    "bump": ["--part", "minor", "--dry-run"],
    "tag": ["--missing", "--dry-run"],
    "check-tag": ["demo-core-v0.1.0"],
    "ci-init": ["--dry-run"],
    "release": ["--part", "minor", "--dry-run"],
    "release-notes": ["0.1.0", "--package", "demo-core", "--output", "-"],
    "release-pr": ["--dry-run"],
}
#: those whose success needs a build, an index or a whole release (the slow test below;
#: rehearse's -v --json in tests/release/test_pipeline.py, on each example)
BUILT_OK = ("build-all", "verify-install", "publish", "publish-test", "audit", "assemble")
WHOLE_OK = ("rehearse", "demo")
#: a run of each that fails, in a directory that holds no project (demo: a usage error,
#: since it makes its own workspace)
FAILING = {
    **{name: [] for name in JSON_TASKS},
    "check-tag": ["demo-core-v0.1.0"],
    "release-notes": ["0.1.0"],
    "assemble": ["shard-1"],
    "demo": ["--bogus"],
}


def _document(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    """Standard output as exactly one JSON object (json.loads refuses anything more)."""
    data = json.loads(proc.stdout)
    assert isinstance(data, dict) and data["schema"] == 1, proc.stdout
    return data


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    pin = '[tool.relnox.ci]\nrelnox-requirement = "relnox==0.1.0"'  # ci-init needs one
    root = write_workspace(tmp_path / "demo", demo_specs(), relnox=pin)
    git_init(root)
    return root


def test_the_json_runs_cover_every_command_that_takes_json() -> None:
    assert sorted([*QUICK_OK, *BUILT_OK, *WHOLE_OK]) == JSON_TASKS
    assert sorted(FAILING) == JSON_TASKS and "serve-index" not in JSON_TASKS


@pytest.mark.parametrize("task", sorted(QUICK_OK))
def test_a_json_command_that_succeeds_prints_one_document(demo: Path, task: str) -> None:
    """-v: the log lines there are go to stderr, not into the document."""
    proc = run_relnox("-v", task, "--json", *QUICK_OK[task], cwd=demo)
    assert proc.returncode == 0, proc.stderr
    assert _document(proc).get("ok") is not False
    assert proc.stderr.strip(), "-v logged nothing: the test would not see a stray line"


@pytest.mark.parametrize("task", JSON_TASKS)
def test_a_json_command_that_fails_prints_one_error_document(tmp_path: Path, task: str) -> None:
    """The message, the exit code and the problems, as the stderr line says them."""
    proc = run_relnox("-v", task, "--json", *FAILING[task], cwd=tmp_path)
    data = _document(proc)
    assert proc.returncode == data["exit_code"] and proc.returncode in (1, 2), proc.stderr
    assert data["ok"] is False and isinstance(data["problems"], list) and data["problems"]
    assert f"relnox: error: {data['error']}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bump", "--part", "minr"], "unknown part 'minr'; did you mean minor? use one of major"),
        (
            ["publish", "--repository", "tespypi", "--dry-run"],
            "unknown repository 'tespypi'; did you mean testpypi? use one of",
        ),
        (["build-all", "-p", "demo-cor", "--dry-run"], "unknown package 'demo-cor'; did you mean"),
        (["plan", "-p", "demo-cor"], "unknown package 'demo-cor'; did you mean demo-core?"),
        (["bump", "--part"], "--part needs a value"),
    ],
)
def test_a_value_none_of_the_choices_is_a_usage_error_with_a_suggestion(
    demo: Path, args: list[str], expected: str
) -> None:
    """Exit 2 as for a malformed number, one line; with --json one document too."""
    proc = run_relnox(*args, cwd=demo)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("relnox: error: ") and proc.stderr.count("\n") == 1
    assert expected in proc.stderr and proc.stdout == ""
    as_json = run_relnox(*args[:1], "--json", *args[1:], cwd=demo)
    assert as_json.returncode == 2 and _document(as_json)["exit_code"] == 2
    assert expected in str(_document(as_json)["error"])


@pytest.mark.slow  # builds, starts an index, runs a rehearsal and the demo
def test_the_json_commands_that_build_upload_or_release_print_one_document(
    demo: Path, tmp_path: Path
) -> None:
    def ok(*args: str, env: Mapping[str, str] | None = None) -> dict[str, object]:
        proc = run_relnox("-v", *args, "--json", cwd=demo, env=None if env is None else {**env})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return _document(proc)

    # the shards built, then assembled into dist/, where the later commands read them
    for k in (1, 2):
        built = ok("build-all", "--shard", f"{k}/2", "--out", str(tmp_path / f"shard-{k}"))
        assert built["failed"] == []
    assert ok("assemble", str(tmp_path / "shard-1"), str(tmp_path / "shard-2"))
    assert ok("verify-install", "--offline")["ok"] is True
    with LocalIndex(tmp_path / "test-index") as test_index, LocalIndex(tmp_path / "index") as index:
        env = {**os.environ, "RELNOX_LOCAL_INDEX": test_index.url}
        tried = ok("publish-test", "--repository", "local", env=env)  # the check's result too
        assert tried["ok"] is True and tried["verified"] is True and tried["verify"]
        assert ok("publish", "--repository", index.url, "--yes")["ok"] is True
        assert ok("audit", "--repository", index.url)
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_relnox("demo", "--json", cwd=empty)
    assert proc.returncode == 0, proc.stderr
    assert _document(proc)


# -- the habits of a command line -------------------------------------------------------


def test_help_command_is_the_commands_help(tmp_path: Path) -> None:
    for command in ("bump", "version_bump", "check-tag"):
        via_help = run_relnox("help", command, cwd=tmp_path, check=True).stdout
        assert via_help == run_relnox(command, "--help", cwd=tmp_path, check=True).stdout
        assert via_help.startswith("Usage: relnox ")
    assert run_relnox("help", cwd=tmp_path, check=True).stdout.startswith("Usage: relnox ")
    typo = run_relnox("help", "bmp", cwd=tmp_path)
    assert typo.returncode == 2 and "did you mean bump?" in typo.stderr


def test_an_option_of_the_command_given_before_it_says_where_it_goes(tmp_path: Path) -> None:
    """``relnox --json plan`` (as ``-q`` goes): the error said "no option --json; did you
    mean --version?"; an option no command has still gets the suggestion."""
    proc = run_relnox("--json", "plan", cwd=tmp_path)
    assert proc.returncode == 2 and "did you mean" not in proc.stderr
    assert (
        "relnox: error: --json is an option of plan, not of relnox: put it after the command (relnox plan --json)"
        in proc.stderr
    )
    typo = run_relnox("--verbos", "plan", cwd=tmp_path)
    assert typo.returncode == 2 and "no option --verbos; did you mean --verbose?" in typo.stderr


def test_a_command_run_in_a_subdirectory_finds_the_repository_root(demo: Path) -> None:
    """From a package's src/ (no project file there) relnox takes the workspace at the
    git top-level, not the member above it, and says so at -v; in a directory holding a
    project file, that directory."""
    inner = demo / "packages" / "demo-core" / "demo_core"
    assert inner.is_dir() and not (inner / "pyproject.toml").exists()
    at_top = run_relnox("packages", "--json", cwd=demo, check=True)
    below = run_relnox("-v", "packages", "--json", cwd=inner, check=True)
    assert below.stdout == at_top.stdout
    assert f"repository root: {demo} (found upward from {inner}" in below.stderr
    member = run_relnox("packages", "--json", cwd=demo / "packages" / "demo-core", check=True)
    assert json.loads(member.stdout)["packages"][0]["name"] == "demo-core"
    assert len(json.loads(member.stdout)["packages"]) == 1


def test_quiet_keeps_warnings_and_the_closing_summary(demo: Path) -> None:
    """doctor on a branch without upstream and with no tags warns; -q keeps those and the
    closing line, and drops the table."""
    loud = run_relnox("doctor", cwd=demo, check=True).stdout
    quiet = run_relnox("-q", "doctor", cwd=demo, check=True).stdout.splitlines()
    assert quiet[-1] == loud.splitlines()[-1] and quiet[-1].startswith("doctor: ")
    assert "warning(s)" in quiet[-1] and quiet[-1].split(", ")[-1] != "0 warning(s)"
    assert len(quiet) - 1 == int(quiet[-1].split(", ")[-1].split()[0])  # one per warning
    assert all(line.startswith("warning: ") for line in quiet[:-1]), quiet
    checked = run_relnox("-q", "check-versions", cwd=demo, check=True).stdout
    assert checked == "3 package(s) checked, all versions valid and consistent\n"


def test_shell_completion_completes_commands_and_flags(tmp_path: Path) -> None:
    script = run_relnox("--print-completion-script", "bash", cwd=tmp_path, check=True).stdout
    assert "relnox" in script and "--complete" in script
    commands = run_relnox("--complete", "--", "relnox", cwd=tmp_path, check=True).stdout.split()
    assert {"bump", "build-all", "publish-test"} <= set(commands)
    flags = run_relnox("--complete", "--", "relnox", "bump", "--", cwd=tmp_path, check=True)
    assert "--part" in flags.stdout.split()


def test_each_relnox_session_is_listed_once_by_nox(tmp_path: Path) -> None:
    """One session per task, under the names the README uses; the old aliases are gone."""
    (tmp_path / "noxfile.py").write_text("import relnox.nox\nrelnox.nox.register()\n")
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-l"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    listed = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("- ")]
    assert len(listed) == len(set(listed)) == len(relnox.invoke.TASKS) - 1  # no demo
    for name in ("version_bump", "build_all", "verify_install", "publish-test", "publish"):
        assert name in listed
    assert not {"bump", "build-all", "testpypi", "version-bump"} & set(listed)
