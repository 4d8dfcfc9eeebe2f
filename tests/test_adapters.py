"""The adapters: nox sessions, invoke tasks, the relnox command, the import boundary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.cli import GROUPS
from relnox.sample import demo_specs, git_init, write_workspace
from tests.conftest import run_relnox

#: the names the README, the seeds and generated workflows use, each an alias of one task
ALIASES = {
    "version_bump": "bump",
    "build_all": "build-all",
    "verify_install": "verify-install",
    "testpypi": "publish-test",
    "check_tag": "check-tag",
    "resolve_version": "resolve-version",
    "release_notes": "release-notes",
}
#: the sessions the README names (nox lists each task once)
SESSION_NAMES = ["version_bump", "build_all", "verify_install", "publish-test", "publish"]
MACHINERY = (
    "--prompt-for-sudo-password",
    "--pty",
    "--write-pyc",
    "--complete",
    "--echo",
    "--dry",
    "--hide",
    "--warn-only",
    "--command-timeout",
    "--config",
    "--list-format",
    "--debug",
)


def _py(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_import_relnox_imports_neither_nox_nor_invoke() -> None:
    proc = _py(
        "import sys, relnox, relnox.project.workspace, relnox.versions.sources, relnox.artifacts.manifest\n"
        "bad = [m for m in ('nox', 'invoke', 'twine', 'build') if m in sys.modules]\n"
        "print(bad)"
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_the_program_loads_no_stage_tool() -> None:
    """Making the program (its help) imports invoke, not twine, build or nox."""
    proc = _py(
        "import sys; from relnox.cli import program; program()\n"
        "print([m for m in ('twine', 'build', 'requests', 'nox') if m in sys.modules])"
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_relnox_help_lists_release_commands_not_the_task_runners_machinery(
    tmp_path: Path,
) -> None:
    proc = run_relnox("--help", cwd=tmp_path, check=True)
    out = proc.stdout
    assert out.startswith("Usage: relnox ")
    assert out.index("Release:") < out.index("  release ") < out.index("Options:")
    for name in ("release", "rehearse", "bump", "build-all", "verify-install", "publish", "tag"):
        assert f"\n  {name} " in out, name
    assert "\n  bump (version_bump) " in out and "\n  publish-test (testpypi) " in out
    for flag in ("-h, --help", "-V, --version", "-v, --verbose"):
        assert flag in out
    for flag in MACHINERY:
        assert flag not in out, flag
    assert run_relnox("--version", cwd=tmp_path, check=True).stdout.strip().startswith("relnox ")
    assert run_relnox("--pty", "packages", cwd=tmp_path).returncode == 2  # not an option here


def test_task_help_with_a_positional_argument_shows_help(tmp_path: Path) -> None:
    # invoke would hand --help to the missing positional TAG / VERSION
    for task, flag in (("check-tag", "--help"), ("release-notes", "-h")):
        proc = run_relnox(task, flag, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert f"Usage: relnox {task} " in proc.stdout and "[options]" in proc.stdout
        assert "--root=STRING" in proc.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["bump", "--prat"], "relnox: error: bump has no option --prat; did you mean --part?"),
        (["bump", "--part", "minor", "--dryrun"], "did you mean --dry-run?"),
        (["bumpp"], "relnox: error: unknown command 'bumpp'; did you mean bump?"),
        (["buildall"], "unknown command 'buildall'; did you mean build-all?"),
        (["testpypy"], "did you mean publish-test?"),
        (["--verison"], "relnox: error: no option --verison; did you mean --version?"),
        (["--help", "publsh"], "unknown command 'publsh'; did you mean publish?"),
        (["bump", "--part"], "relnox: error: --part needs a value"),
        (["check-tag"], "relnox: error: check-tag needs TAG"),
        (["build-all", "--jobs", "abc"], "relnox: error: --jobs takes a whole number, not 'abc'"),
        (["build-all", "--jobs=-3"], "relnox: error: --jobs cannot be negative (-3)"),
        (["publish-test", "--wait", "abc"], "--wait takes a whole number, not 'abc'"),
        (["release", "--jobs", "abc"], "relnox: error: --jobs takes a whole number, not 'abc'"),
        (["rehearse", "--wait", "abc"], "relnox: error: --wait 'abc' is not a number"),
        # a wait past a day is no bound (publish's and audit's had none)
        (
            ["publish", "--wait", "100000"],
            "--wait 100000 is not a number of seconds from 0 to 86400",
        ),
        (["audit", "--wait", "1e9"], "relnox: error: --wait '1e9' is not a number of seconds"),
        (["release", "--wait", "nan"], "relnox: error: --wait 'nan' is not a number of seconds"),
        (["verify-install", "--wait", "abc"], "relnox: error: --wait 'abc' is not a number"),
    ],
)
def test_usage_errors_are_one_line_with_a_suggestion_and_exit_2(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    write_workspace(tmp_path, demo_specs())
    proc = run_relnox(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("relnox: error: "), proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_nothing_to_do_is_still_json_with_json(tmp_path: Path) -> None:
    """--changed with every version released printed its sentence, not JSON, to a --json
    reader (build-all, verify-install, publish, publish-test)."""
    root = write_workspace(tmp_path / "ws", demo_specs())
    git_init(root)
    for name in ("demo-core", "demo-agents", "demo-runtime"):
        subprocess.run(["git", "tag", "-a", "-m", "r", f"{name}-v0.1.0"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "after"], cwd=root, check=True)
    for command in ("build-all", "verify-install", "publish", "publish-test"):
        proc = run_relnox(command, "--changed", "--json", "--dry-run", cwd=root, check=True)
        data = json.loads(proc.stdout)
        assert data["packages"] == [] and "already released" in data["note"], command


def test_a_close_enough_name_is_not_guessed(tmp_path: Path) -> None:
    proc = run_relnox("frobnicate", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "relnox: error: unknown command 'frobnicate' (see relnox --help)"
    )


@pytest.mark.slow
def test_aliases_answer_in_the_relnox_command(tmp_path: Path) -> None:
    for alias, name in ALIASES.items():
        proc = run_relnox(alias, "--help", cwd=tmp_path, check=True)
        assert proc.stdout.startswith(f"Usage: relnox {name} "), (alias, proc.stdout)


def test_short_flags_mean_one_thing_in_every_task() -> None:
    import relnox.invoke
    from relnox.invoke._flags import SHORT_FLAGS

    for task in relnox.invoke.TASKS:
        for arg in task.get_arguments():
            shorts = [n for n in arg.names if len(n) == 1]
            expected = [SHORT_FLAGS[arg.attr_name or arg.name]] if shorts else []
            assert shorts == expected, (task.name, arg.names)
            if (arg.attr_name or arg.name) in SHORT_FLAGS:
                assert shorts, (task.name, arg.name)


def test_verbose_before_the_command_reaches_it(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    quiet = run_relnox("packages", cwd=tmp_path, check=True)
    loud = run_relnox("-v", "packages", cwd=tmp_path, check=True)
    # the listing, then the evidence of each version -v asks for
    assert loud.stdout.startswith(quiet.stdout) and loud.stdout.count(": version from ") == 3
    assert run_relnox("-vv", "packages", "--json", cwd=tmp_path, check=True).returncode == 0


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
        "import relnox.project.discovery as w\n"
        "def boom(*a, **k): raise ZeroDivisionError('bug')\n"
        "w.load_workspace = w.listing = boom\n"
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
    bare = subprocess.run(
        [sys.executable, "-m", "invoke", "bump", "--part"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bare.returncode == 1 and "Traceback" not in bare.stderr
    assert bare.stderr.strip() == "Flag --part needed value and was not given one!"


def test_star_import_does_not_replace_the_root_namespace() -> None:
    import relnox.invoke

    exported = set(relnox.invoke.__all__)
    assert not exported & {"ns", "namespace", "Collection"}
    assert {"bump", "build_all", "verify_install", "publish", "testpypi", "collection"} <= exported
    names = set(relnox.invoke.collection().task_names)
    assert {"bump", "build-all", "verify-install", "publish-test", "publish"} <= names


@pytest.mark.slow
def test_aliases_answer_in_invoke(tmp_path: Path) -> None:
    import relnox.invoke

    write_workspace(tmp_path, demo_specs())
    (tmp_path / "tasks.py").write_text("from relnox.invoke import collection\nns = collection()\n")
    dashed = {alias.replace("_", "-"): name for alias, name in ALIASES.items()}  # invoke's rule
    for alias, name in dashed.items():
        proc = subprocess.run(
            [sys.executable, "-m", "invoke", "--help", alias],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        summary = (relnox.invoke.collection()[name].__doc__ or "").split(":")[0]
        assert proc.returncode == 0 and summary in proc.stdout, (alias, proc.stderr)
    packages = subprocess.run(
        [sys.executable, "-m", "invoke", "packages", "-v", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert packages.returncode == 0 and '"demo-core"' in packages.stdout, packages.stderr


def _noxfile(tmp_path: Path, body: str) -> Path:
    (tmp_path / "noxfile.py").write_text(body)
    return tmp_path


def _nox(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nox", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
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
    assert any(line.startswith("- build_all [release] -> Build ") for line in listing)
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


@pytest.mark.slow
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
    typo = _nox(tmp_path, "-s", "version_bump", "--", "--prat", "minor")
    assert typo.returncode == 1 and "Traceback" not in typo.stderr
    assert (
        "relnox: error: bump has no option --prat; did you mean --part? "
        "(see nox -s version_bump -- --help)" in typo.stderr
    )
    jobs = _nox(tmp_path, "-s", "build_all", "--", "--jobs", "abc")
    assert "relnox: error: --jobs takes a whole number, not 'abc'" in jobs.stderr
    assert "Traceback" not in jobs.stderr


@pytest.mark.slow
def test_each_session_answers_in_nox(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    _noxfile(tmp_path, "import relnox.nox\nrelnox.nox.register()\n")
    import relnox.invoke
    from relnox.nox import SESSIONS

    for session in ("version_bump", "build_all", "check_tag", "publish-test"):
        proc = _nox(tmp_path, "-s", session, "--", "--help")
        assert proc.returncode == 0, (session, proc.stderr)
        usage = proc.stdout.splitlines()[0]  # the relnox command's help, run as nox's
        assert usage.startswith(f"Usage: nox -s {session} -- "), (session, usage)
        assert usage.endswith("[options]") and "Options:" in proc.stdout, session
        summary = (relnox.invoke.collection()[SESSIONS[session]].__doc__ or "").split(":")[0]
        assert summary in proc.stdout, session
    picked = _noxfile(tmp_path, "import relnox.nox\nrelnox.nox.register(['build-all'])\n")
    listing = _nox(picked, "--list").stdout
    assert "- build_all [release]" in listing and "bump" not in listing


@pytest.mark.slow
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


@pytest.mark.slow
def test_third_party_logs_are_quiet_unless_vv(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """nox logs every library at DEBUG; keyring's "Loading KWallet" lines only with -vv."""
    from relnox.tools.index_server import LocalIndex
    from tests.publish_support import copy_tree, shared_release

    ws = copy_tree(shared_release(tmp_path_factory), tmp_path / "ws")
    _noxfile(ws, "import relnox.nox\nrelnox.nox.register()\n")
    with LocalIndex(tmp_path / "index") as index:
        args = ["-s", "publish", "--", "--dry-run", "--repository", index.url, "-p", "demo-core"]
        quiet = _nox(ws, *args)
        loud = _nox(ws, *args, "-vv")
    assert quiet.returncode == 0 and loud.returncode == 0, quiet.stderr + loud.stderr
    assert "keyring" not in quiet.stderr and "Loading" not in quiet.stderr, quiet.stderr
    assert "keyring.backend > Loading" in loud.stderr
    assert quiet.stderr.count(f"publishing to {index.url}") == 1


def test_setup_logging_quiets_third_party_loggers_under_a_root_handler() -> None:
    import io
    import logging

    from relnox.log import THIRD_PARTY, setup_logging

    stream = io.StringIO()
    root_handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(root_handler)
    root.setLevel(logging.DEBUG)  # what nox does
    try:
        setup_logging(0)
        logging.getLogger("keyring.backend").debug("Loading KWallet")
        logging.getLogger("urllib3.connectionpool").info("Starting new HTTPS connection")
        logging.getLogger("keyring.backend").warning("a real problem")
        assert stream.getvalue() == "a real problem\n"
        setup_logging(2)
        logging.getLogger("keyring.backend").debug("Loading KWallet")
        assert stream.getvalue().endswith("Loading KWallet\n")
    finally:
        root.removeHandler(root_handler)
        root.setLevel(old_level)
        for name in THIRD_PARTY:
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_quiet_prints_only_what_is_asked_and_errors(tmp_path: Path) -> None:
    write_workspace(tmp_path, demo_specs())
    quiet = run_relnox("-q", "packages", cwd=tmp_path)  # the listing is the result
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout == run_relnox("packages", cwd=tmp_path).stdout
    data = json.loads(run_relnox("-q", "check-versions", "--json", cwd=tmp_path).stdout)
    assert data["schema"] == 1 and data["ok"] is True and len(data["packages"]) == 3
    failing = run_relnox("-q", "check-tag", "nope-v9", cwd=tmp_path)  # no package nope
    assert failing.returncode == 2 and failing.stderr.startswith("relnox: error:")


def git_tags(root: Path) -> list[str]:
    proc = subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout.split()


#: a cheap run of each task that answers without building or uploading anything
JSON_RUNS = {
    "packages": [],
    "check-versions": [],
    "plan": [],
    "doctor": [],
    "resolve-version": [],
    "bump": ["--part", "minor", "--dry-run"],
    "tag": ["--missing", "--dry-run"],
    "check-tag": ["demo-core-v0.1.0"],
    "ci-init": ["--dry-run"],
    "build-all": ["--dry-run"],
    "release-notes": ["0.1.0", "--package", "demo-core", "--output", "-"],
}


@pytest.mark.parametrize("task", sorted(JSON_RUNS))
def test_every_json_result_is_one_object_with_a_schema(tmp_path: Path, task: str) -> None:
    # an editable relnox cannot go into a workflow: ci-init needs relnox-requirement set
    pin = '[tool.relnox.ci]\nrelnox-requirement = "relnox==0.1.0"' if task == "ci-init" else ""
    write_workspace(tmp_path, demo_specs(), relnox=pin)
    git_init(tmp_path)
    proc = run_relnox(task, "--json", *JSON_RUNS[task], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert isinstance(data, dict) and data["schema"] == 1, proc.stdout
    assert not (tmp_path / ".github").exists() and git_tags(tmp_path) == []  # dry runs


def test_every_task_that_gives_a_result_takes_json() -> None:
    """The rest (build-all, publish, release ...) are run with --json by their own tests."""
    for group in GROUPS.values():
        for task in group:
            if task == "serve-index":  # runs until Ctrl-C: it has no result to print
                continue
            proc = run_relnox(task, "--help", cwd=Path.cwd())
            assert "--json" in proc.stdout, task


@pytest.mark.parametrize(
    ("argv", "default", "expected"),
    [
        (
            ["/v/bin/nox", "-s", "rehearse", "--", "--part", "minor"],
            "relnox rehearse",
            "nox -s rehearse -- --part minor",
        ),
        (
            ["/v/bin/relnox", "rehearse", "--part", "minor"],
            "relnox rehearse",
            "relnox rehearse --part minor",
        ),
        (["/v/bin/invoke", "demo"], "relnox demo", "invoke demo"),
        (["/v/lib/nox/__main__.py", "-s", "demo"], "relnox demo", "python -m nox -s demo"),
        ([], "relnox demo", "relnox demo"),
    ],
)
def test_rerun_hints_name_the_host_and_keep_the_options(
    argv: list[str], default: str, expected: str
) -> None:
    from relnox.invoke._release import _rerun_command

    assert _rerun_command(default, argv) == expected


@pytest.mark.parametrize("session", ["verify-install", "publish", "publish-test"])
def test_allow_stale_is_a_repeatable_flag_of_every_host(session: str) -> None:
    from relnox.invoke import TASKS
    from relnox.invoke._args import parse

    task = next(t for t in TASKS if t.name == session)  # nox sessions and relnox parse it
    parsed = parse(task.name, task.get_arguments(), ["--allow-stale", "a", "--allow-stale", "b"])
    assert parsed["allow_stale"] == ["a", "b"]
