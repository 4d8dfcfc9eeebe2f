"""The release pipeline, rehearse, the demo and the examples, end to end on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from relnox.errors import RelnoxError
from relnox.release.pipeline import STAGES, ReleaseOptions, StageReport, release
from relnox.release.rehearse import rehearse
from relnox.report import MANY
from relnox.sample import (
    create_demo_workspace,
    generated_specs,
    git_commit_all,
    git_init,
    write_workspace,
)
from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox
from tests.verify_support import uv_build

pytestmark = pytest.mark.slow  # builds, serves or makes environments

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_demo_runs_end_to_end_and_leaves_nothing_running(tmp_path: Path) -> None:
    proc = run_relnox("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for stage in (*STAGES, "install-from-index"):
        assert f" {stage} " in out
    assert "demo-core                0.1.0 -> 0.2.0" in out
    assert "tags: demo-core-v0.2.0, demo-agents-v0.2.0, demo-runtime-v0.2.0" in out
    assert "publish-test: 6 file(s) uploaded" in out and "publish: 6 file(s) uploaded" in out
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert "relnox-demo-" not in ps  # both index servers stopped, temp dir gone


def test_release_stops_at_the_first_failure_and_a_rerun_resumes(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    reports: list[StageReport] = []
    with LocalIndex(tmp_path / "test-index") as test_index:
        down = LocalIndex(tmp_path / "prod-index").start()
        prod_url = down.upload_url
        down.stop()  # the production index is down for the first run
        options = ReleaseOptions(
            part="minor", test_repository=test_index.upload_url, repository=prod_url, yes=True
        )
        with pytest.raises(RelnoxError) as info:
            release(root, options, progress=reports.append)
        message = str(info.value)
        assert message.startswith("stage skew failed:")  # the first stage that reads it
        assert "resume with: relnox release" in message
        assert [r.status for r in reports][:6] == ["done"] * 6 and reports[-1].status == "failed"
        head_after_first = _git(root, "rev-parse", "HEAD")
        assert _git(root, "tag", "--list") == ""  # no tag before the release is published

        # rerun with the index back: finished stages are recognised, not redone
        with LocalIndex(tmp_path / "prod-index", port=int(prod_url.rsplit(":", 1)[1].strip("/"))):
            reports.clear()
            result = release(root, options, progress=reports.append)
    statuses = {r.name: r.status for r in reports}
    assert statuses["bump"] == "already done"  # not bumped twice
    assert statuses["build"] == "already done"
    assert statuses["verify"] == "already done"
    assert statuses["publish-test"] == "already done"  # the index already has every file
    assert statuses["publish"] == "done" and statuses["tag"] == "done"
    assert _git(root, "rev-parse", "HEAD") == head_after_first
    assert result.versions == {
        "demo-core": "0.2.0",
        "demo-agents": "0.2.0",
        "demo-runtime": "0.2.0",
    }
    assert sorted(_git(root, "tag", "--list").split()) == [
        "demo-agents-v0.2.0",
        "demo-core-v0.2.0",
        "demo-runtime-v0.2.0",
    ]
    state = json.loads((root / ".relnox" / "release" / "release-state.json").read_text())
    assert "complete" in state["done"]


def test_unknown_skip_stage_is_a_clear_error(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    proc = run_relnox("release", "--skip", "build,deploy", cwd=root)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "relnox: error: unknown stage(s) to skip: deploy; the stages are " + ", ".join(STAGES)
    )


def test_rehearse_changes_nothing_in_the_users_repository(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    before = _tree_digest(root)
    rehearsal = rehearse(root, ReleaseOptions(part="patch", skip=frozenset({"doctor"})))
    assert rehearsal.result.ok
    assert rehearsal.result.versions["demo-runtime"] == "0.1.1"
    assert _tree_digest(root) == before
    assert _git(root, "tag", "--list") == ""
    assert not rehearsal.workdir.exists()


@pytest.mark.parametrize("example", ["uv-monorepo", "lockstep", "poetry-single", "hatch-single"])
def test_each_example_releases_in_rehearse_mode(tmp_path: Path, example: str) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root)
    git_init(root, f"The {example} example")
    # -v: the log goes to stderr, stdout is one document (tests/test_cli.py's JSON runs)
    proc = run_relnox("-v", "rehearse", "--part", "minor", "--json", cwd=root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["ok"] and result["schema"] == 1 and proc.stderr.strip()
    assert all(v != result["previous"][n] for n, v in result["versions"].items())
    assert {s["name"] for s in result["stages"]} >= set(STAGES)
    assert _git(root, "status", "--porcelain") == ""
    if example == "lockstep":
        assert set(result["versions"].values()) == {"2.4.0"}
        assert result["tags"] == ["v2.4.0"]


def test_release_of_an_uncommitted_change_is_refused_before_anything_changes(
    tmp_path: Path,
) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    (root / "notes.txt").write_text("draft\n")  # untracked: tbump's rule, not dirty
    git_commit_all(root, "notes")
    (root / "notes.txt").write_text("work in progress\n")  # a tracked file edited
    before = _tree_digest(root / "packages")
    proc = run_relnox("release", "--part", "minor", "--skip", "doctor", cwd=root)
    assert proc.returncode == 1
    assert "stage bump failed" in proc.stderr and "resume with" in proc.stderr
    assert _tree_digest(root / "packages") == before
    git_commit_all(root, "commit the notes")


def test_release_prints_each_doctor_warning_and_the_error_once(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")  # no upstream, no tags: two warnings
    proc = run_relnox(
        "release",
        "--skip",
        "bump,build,verify",
        "--test-repository",
        "http://127.0.0.1:9/",
        "--repository",
        "http://127.0.0.1:9/",
        "--yes",
        cwd=root,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "doctor warning: branch: main has no upstream; push it with git push -u" in proc.stderr
    assert "doctor warning: history: no tags: fine before a first release" in proc.stderr
    assert "2 warning(s): branch; history" in proc.stdout
    [error] = [line for line in proc.stderr.splitlines() if line.startswith("relnox: error: ")]
    cause = error.removeprefix("relnox: error: stage publish-test failed: ")
    assert cause != error and (proc.stdout + proc.stderr).count(cause) == 1, proc.stdout
    assert "[XX] publish-test       failed" in proc.stdout


def test_release_skip_build_publishes_a_directory_another_tool_built(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    wheels = tmp_path / "from-ci"  # e.g. the artifacts of a CI build matrix, collected
    files = uv_build(root, wheels)
    with LocalIndex(tmp_path / "test-index") as test_index, LocalIndex(tmp_path / "index") as index:
        options = ReleaseOptions(
            skip=frozenset({"build", "tag"}),
            dist_dir=str(wheels),
            test_repository=test_index.upload_url,
            repository=index.upload_url,
            yes=True,
        )
        result = release(root, options)
        assert sorted(p.name for p in index.data_dir.iterdir()) == files
    statuses = {s.name: s.status for s in result.stages}
    assert statuses == {
        "doctor": "done",
        "bump": "skipped",
        "build": "skipped",
        "verify": "done",
        "publish-test": "done",
        "verify-test": "done",
        "skew": "done",  # nothing of it published before: nothing to check
        "publish": "done",
        "tag": "skipped",
        "audit": "done",  # the files another tool built, read back from the index
    }
    assert (tmp_path / ".relnox" / "from-ci" / "build-manifest.json").is_file()
    assert not (root / "dist").exists()


def test_a_failed_rehearsal_says_to_run_it_again_not_to_resume(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    with pytest.raises(RelnoxError) as info:
        rehearse(root, ReleaseOptions(to="0.0.1", skip=frozenset({"doctor"})))
    message = str(info.value)
    assert message.startswith("stage bump failed:")
    assert "run again: relnox release (it starts over on a fresh clone)" in message
    assert "not redone" not in message


def test_release_on_a_detached_head_is_refused_unless_allowed(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    _git(root, "checkout", "-q", "--detach")
    before = _tree_digest(root / "packages")
    proc = run_relnox("release", "--part", "minor", "--skip", "doctor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "HEAD is detached" in proc.stderr and "--allow-detached" in proc.stderr
    assert _tree_digest(root / "packages") == before


def test_release_refuses_a_tag_name_git_would_refuse_before_any_stage(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.relnox]\ntag-format = "rel {version}"\n')
    git_commit_all(root, "a tag format with a space")
    proc = run_relnox("release", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "tag-format 'rel {version}' has ' ', which git refuses" in proc.stderr
    assert "stage" not in proc.stdout  # refused as the config is read, before any stage


def test_release_dry_run_prints_every_stage_plan_and_changes_nothing(tmp_path: Path) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    before = _tree_digest(root), _git(root, "rev-parse", "HEAD"), _git(root, "tag")
    proc = run_relnox(
        "release",
        "--part",
        "minor",
        "--skip",
        "publish-test,verify-test",
        "--dry-run",
        "--json",
        cwd=root,
        check=True,
    )
    plan = json.loads(proc.stdout)
    assert [s["name"] for s in plan["stages"]] == list(STAGES)
    skipped = {s["name"] for s in plan["stages"] if s["skipped"]}
    assert skipped == {"publish-test", "verify-test"}
    assert plan["previous"] == {
        "demo-core": "0.1.0",
        "demo-agents": "0.1.0",
        "demo-runtime": "0.1.0",
    }
    assert set(plan["versions"].values()) == {"0.2.0"}
    stages = {s["name"]: s["lines"] for s in plan["stages"]}
    assert "demo-core: 0.1.0 -> 0.2.0" in stages["bump"]
    assert any(line.startswith("git commit") for line in stages["bump"])
    assert stages["tag"] == ["create demo-core-v0.2.0, demo-agents-v0.2.0, demo-runtime-v0.2.0"]
    text = run_relnox("release", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert "== publish\n" in text and "to pypi (asks first)" in text
    assert (_tree_digest(root), _git(root, "rev-parse", "HEAD"), _git(root, "tag")) == before
    assert not (root / "dist").exists() and not (root / ".relnox").exists()


def test_the_steps_do_not_import_the_pipeline_that_runs_them() -> None:
    """A step takes the release in progress (model.ReleaseRun); only pipeline.py loops."""
    import ast

    import relnox.release

    folder = Path(relnox.release.__file__).parent
    for name in ("steps.py", "resume.py", "model.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "relnox.release.pipeline" not in imported, name


def test_a_dry_run_shows_the_plan_with_what_would_stop_the_bump_and_q_keeps_it(
    tmp_path: Path,
) -> None:
    """An uncommitted change refused the whole dry run (bump --dry-run warns and shows the
    plan); a tag every package shares is one tag to create, not one per package."""
    specs = generated_specs(MANY)
    root = write_workspace(tmp_path / "ws", specs, relnox='tag-format = "v{version}"')
    git_init(root)
    readme = root / "packages" / "gen-pkg0" / "README.md"
    readme.write_text(readme.read_text() + "edited\n")
    proc = run_relnox("release", "--part", "patch", "--dry-run", cwd=root)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    [warning] = [line for line in out if line.lstrip().startswith("warning: ")]
    assert "uncommitted" in warning and "(a dry run shows the plan anyway)" in warning
    assert "   create v0.1.1" in out  # "create 4 tags (v0.1.1 ... v0.1.1)" before
    quiet = run_relnox("-q", "release", "--part", "patch", "--dry-run", cwd=root)
    assert quiet.stdout.splitlines() == [warning]


def test_a_package_named_releases_the_ones_that_share_its_tag_with_it(tmp_path: Path) -> None:
    """Two packages released together under one tag (``1.0.0``), one named with -p: the bump
    moves both (they share the tag), so both are built, published and tagged; before, only
    the named one went out and the shared tag said the other was released too."""
    from tests.shapes import project, repo

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
        "packages/flow-core/pyproject.toml": project("flow-core", "1.0.0"),
        "packages/flow-core/flow_core/__init__.py": "",
        "packages/flow-io/pyproject.toml": project("flow-io", "1.0.0"),
        "packages/flow-io/flow_io/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["1.0.0"])
    options = ReleaseOptions(part="patch", packages=("flow-io",), skip=frozenset({"doctor"}))
    rehearsal = rehearse(root, options)
    assert rehearsal.result.ok, rehearsal.result.to_json()
    assert rehearsal.result.versions == {"flow-core": "1.0.1", "flow-io": "1.0.1"}
    assert rehearsal.result.previous == {"flow-core": "1.0.0", "flow-io": "1.0.0"}
    assert rehearsal.result.tags == ["1.0.1"]
