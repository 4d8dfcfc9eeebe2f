"""$GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY and ::error:: annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.redact import register_secret
from relnox.sample import ProjectSpec, demo_specs
from relnox.tools.github import (
    annotate_error,
    escape_data,
    event_before,
    format_outputs,
    outputs_for,
    publish_results,
)
from tests.conftest import run_relnox


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file the way the runner does (name=value and heredocs)."""
    found: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            index += 1
            found[name] = "\n".join(body)
        else:
            name, value = line.split("=", 1)
            found[name] = value
    return found


@pytest.fixture
def actions(tmp_path: Path) -> dict[str, str]:
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    output.touch()
    summary.touch()
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }


def test_outputs_of_a_release(actions: dict[str, str]) -> None:
    results = {
        "packages": ["core", "agents"],
        "versions": {"core": "1.1.0", "agents": "2.0.0rc1"},
        "tags": ["core-v1.1.0", "agents-v2.0.0rc1"],
        "directories": {"core": "libs/core", "agents": "libs/agents"},
        "notes": "line one\nline two",
    }
    publish_results("build-all", results, env=actions)
    out = read_outputs(Path(actions["GITHUB_OUTPUT"]))
    assert out["packages"] == "core agents"
    assert json.loads(out["versions"]) == {"core": "1.1.0", "agents": "2.0.0rc1"}
    assert out["tags"] == "core-v1.1.0 agents-v2.0.0rc1"
    assert out["is_prerelease"] == "true"
    assert json.loads(out["matrix"]) == {
        "include": [
            {"package": "core", "directory": "libs/core", "version": "1.1.0"},
            {"package": "agents", "directory": "libs/agents", "version": "2.0.0rc1"},
        ]
    }
    assert out["notes"] == "line one\nline two"  # heredoc syntax
    summary = Path(actions["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("### relnox build-all\n")
    assert "| core | 1.1.0 |" in summary and "| agents | 2.0.0rc1 |" in summary
    assert "`core-v1.1.0`" in summary


def test_single_package_gets_package_and_version(actions: dict[str, str]) -> None:
    publish_results("tag", {"versions": {"x": "1.0"}, "tags": ["v1.0"]}, env=actions)
    tag_outputs = read_outputs(Path(actions["GITHUB_OUTPUT"]))
    # the task did not say where x lives: no empty "directory" in the matrix
    assert json.loads(tag_outputs["matrix"]) == {"include": [{"package": "x", "version": "1.0"}]}
    publish_results("plan", {"packages": [], "changed": False}, env=actions)
    out = read_outputs(Path(actions["GITHUB_OUTPUT"]))
    assert (out["package"], out["version"], out["tag"]) == ("x", "1.0", "v1.0")
    assert out["is_prerelease"] == "false"
    assert out["changed"] == "false"
    assert out["packages"] == ""  # the later task's value wins, as on Actions


def test_nothing_is_written_off_actions(actions: dict[str, str]) -> None:
    publish_results("tag", {"packages": ["a"]}, env={**actions, "GITHUB_ACTIONS": ""})
    assert Path(actions["GITHUB_OUTPUT"]).read_text() == ""
    assert Path(actions["GITHUB_STEP_SUMMARY"]).read_text() == ""


def test_heredoc_delimiter_is_not_in_the_value() -> None:
    text = format_outputs({"body": "a\nEOF\nb", "plain": "x=y"})
    first = text.splitlines()[0]
    delimiter = first.split("<<", 1)[1]
    assert delimiter not in "a\nEOF\nb"
    assert text.endswith(f"{delimiter}\nplain=x=y\n")


def test_secrets_are_masked_in_outputs() -> None:
    register_secret("pypi-SECRETVALUE123")
    assert outputs_for({"message": "token pypi-SECRETVALUE123 used"})["message"] == (
        "token *** used"
    )


def test_annotation_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert escape_data("50%\r\ndone") == "50%25%0D%0Adone"
    annotate_error("bad\nthing 100%")
    assert capsys.readouterr().out == "::error::bad%0Athing 100%25\n"


def test_event_before(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": "a" * 40}), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event)}
    assert event_before(env) == "a" * 40
    event.write_text(json.dumps({"before": "0" * 40}), encoding="utf-8")  # a new branch
    assert event_before(env) is None
    assert event_before({"GITHUB_EVENT_PATH": str(event)}) is None


def test_every_task_publishes_through_relnox(
    make_workspace: Callable[..., Path], actions: dict[str, str]
) -> None:
    root = make_workspace(demo_specs())
    env = {**os.environ, **actions}
    run_relnox("resolve-version", cwd=root, env=env, check=True)
    out = read_outputs(Path(actions["GITHUB_OUTPUT"]))
    assert out["packages"] == "demo-core demo-agents demo-runtime"
    assert json.loads(out["matrix"])["include"][0] == {
        "package": "demo-core",
        "directory": "packages/demo-core",
        "version": "0.1.0",
    }
    assert out["source"] == "pyproject"
    summary = Path(actions["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "### relnox resolve-version" in summary
    assert "| demo-runtime | 0.1.0 |" in summary


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["packages"], {"packages": "demo-core demo-agents demo-runtime"}),
        (["check-versions"], {"ok": "true"}),
        (["doctor"], {"errors": "0"}),
        (["check-tag", "demo-core-v0.1.0"], {"packages": "demo-core", "tags": "demo-core-v0.1.0"}),
        (["tag", "--missing", "--dry-run"], {"created": ""}),
        (
            ["release-notes", "0.1.0", "--package", "demo-core", "--output", "-"],
            {"packages": "demo-core"},
        ),
        (["ci-init", "--dry-run"], {"dry_run": "true"}),
    ],
)
def test_tasks_that_give_a_result_write_github_outputs(
    argv: list[str],
    expected: dict[str, str],
    make_workspace: Callable[..., Path],
    actions: dict[str, str],
) -> None:
    # an editable relnox cannot go into a workflow: ci-init needs relnox-requirement set
    pin = '[tool.relnox.ci]\nrelnox-requirement = "relnox==0.1.0"' if argv[0] == "ci-init" else ""
    root = make_workspace(demo_specs(), relnox=pin)
    proc = run_relnox(*argv, cwd=root, env={**os.environ, **actions})
    assert proc.returncode == 0, proc.stderr
    out = read_outputs(Path(actions["GITHUB_OUTPUT"]))
    assert {key: out.get(key) for key in expected} == expected, out
    assert f"### relnox {argv[0]}" in Path(actions["GITHUB_STEP_SUMMARY"]).read_text("utf-8")


def test_failure_is_an_error_annotation(
    make_project: Callable[..., Path], actions: dict[str, str]
) -> None:
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    proc = run_relnox("check-tag", "v1.0.1", cwd=root, env={**os.environ, **actions})
    assert proc.returncode == 1
    [annotation] = [line for line in proc.stdout.splitlines() if line.startswith("::error::")]
    assert "Version mismatch: git tag (1.0.1) != pyproject.toml (1.0.0)" in annotation


@pytest.mark.parametrize("variable", ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"])
def test_an_output_file_that_cannot_be_written_is_one_line(
    make_project: Callable[..., Path], actions: dict[str, str], tmp_path: Path, variable: str
) -> None:
    """$GITHUB_OUTPUT naming a directory gave a traceback after the command's work."""
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    env = {**os.environ, **actions, variable: str(tmp_path)}
    proc = run_relnox("check-tag", "v1.0.0", cwd=root, env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"relnox: error: ${variable} ({tmp_path}) cannot be written (Is a directory); what "
        f"relnox did is done, but later steps do not see its results: point {variable} at "
        "a writable file"
    ]


@pytest.mark.parametrize("answer", ["slow-head", "trickle"])
def test_an_api_call_ends_within_its_bound_however_slowly_the_answer_comes(
    answer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each byte within the per-read timeout, but the answer never ends: one bound for it all."""
    import time

    from relnox.errors import RelnoxError
    from relnox.tools import github
    from tests.fault_server import SLOW_HEAD, TRICKLE, FaultServer

    monkeypatch.setattr(github, "API_TIMEOUT", 1.5)
    endless = SLOW_HEAD if answer == "slow-head" else TRICKLE
    with FaultServer(rule=lambda seen: endless) as server:
        env = {"GITHUB_TOKEN": "ghs-bound-token-0042", "GITHUB_API_URL": server.url}
        started = time.monotonic()
        with pytest.raises(RelnoxError, match=r"no answer in 1\.5s") as failed:
            github.GitHubApi("owner/name", env).open_pull("relnox/release")
        assert time.monotonic() - started < 5
    assert "ghs-bound-token-0042" not in str(failed.value)
