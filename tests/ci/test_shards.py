"""ci-init's shards mode: the settings, the jobs, and the jobs' own scripts run here, one
fresh clone per job, artifacts passed between them the way upload/download-artifact do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from relnox.ci.init import ci_settings, generate
from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, demo_specs, git_commit_all, git_init, write_workspace
from tests.ci.test_init import native_spec


@pytest.mark.parametrize("value", ["0", "-2", '"many"', "true", "2.5", '"3"', "257"])
def test_shards_setting_is_validated(value: str, make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        [ProjectSpec("one", "1.0.0")], git=False, relnox=f"[tool.relnox.ci]\nshards = {value}"
    )
    with pytest.raises(ConfigError, match=r"\[tool.relnox.ci\] shards .* is not a number") as err:
        ci_settings(load_workspace(root))
    assert "\n" not in str(err.value)


def test_shards_with_native_packages_are_refused(tmp_path: Path) -> None:
    root = write_workspace(
        tmp_path / "ws", [ProjectSpec("fast-core")], relnox="[tool.relnox.ci]\nshards = 2"
    )
    native_spec(root, "fast-rs", "maturin")
    with pytest.raises(ConfigError, match="cannot be combined with native packages yet"):
        ci_settings(load_workspace(root))


def _release(root: Path) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(
        generate(load_workspace(root))[".github/workflows/release.yml"]
    )
    return doc


def test_the_build_becomes_plan_matrix_assemble(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", demo_specs(), relnox="[tool.relnox.ci]\nshards = 3")
    git_init(root)
    jobs = _release(root)["jobs"]
    assert list(jobs)[:4] == ["plan", "shards", "build-shard", "build"]
    assert (
        jobs["build-shard"]["strategy"]["matrix"] == "${{ fromJSON(needs.shards.outputs.matrix) }}"
    )
    assert jobs["build"]["needs"] == ["plan", "build-shard"]
    assert jobs["verify"]["needs"] == ["plan", "build"]  # verify and publish take the assembled set
    scripts = json.dumps(jobs["build"]["steps"])
    assert "nox -s assemble" in scripts and "nox -s verify_install" in scripts
    plain = write_workspace(tmp_path / "plain", demo_specs())
    git_init(plain)
    assert "shard" not in json.dumps(_release(plain))


# ---- the jobs run here -------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


class Runner:
    """Runs a workflow's jobs: each in a fresh clone, ``run`` steps with bash, artifacts in
    a store directory, step outputs through ``$GITHUB_OUTPUT``."""

    def __init__(self, repo: Path, subdir: str, tmp: Path) -> None:
        self.repo, self.subdir, self.tmp = repo, subdir, tmp
        self.store = tmp / "artifacts"
        self.clones = 0

    def clone(self) -> Path:
        self.clones += 1
        target = self.tmp / f"machine{self.clones}"
        subprocess.run(["git", "clone", "-q", str(self.repo), str(target)], check=True)
        return target

    def run_job(self, job: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
        machine = self.clone()
        outputs = machine.parent / f"{machine.name}-output"
        outputs.touch()
        bindir = str(Path(sys.executable).parent)
        for step in job["steps"]:
            action = step.get("uses", "").split("@")[0]
            given = {k: sub(str(v), values) for k, v in (step.get("with") or {}).items()}
            if action == "actions/upload-artifact":
                self.upload(machine, given["name"], given["path"].split())
            elif action == "actions/download-artifact":
                self.download(machine, given)
            elif "run" in step and not step["run"].startswith("python -m pip install"):
                env = {
                    **os.environ,
                    "PATH": bindir + os.pathsep + os.environ["PATH"],
                    "GITHUB_ACTIONS": "true",
                    "GITHUB_OUTPUT": str(outputs),
                    **{k: sub(str(v), values) for k, v in (step.get("env") or {}).items()},
                }
                proc = subprocess.run(
                    ["bash", "-e", "-c", step["run"]],
                    cwd=machine / self.subdir,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert proc.returncode == 0, f"{step.get('name')}:\n{proc.stdout}\n{proc.stderr}"
        found = {}
        for line in outputs.read_text(encoding="utf-8").splitlines():
            name, eq, value = line.partition("=")
            if eq:
                found[name] = value
        return found

    def upload(self, machine: Path, name: str, paths: list[str]) -> None:
        sources = [machine / p.rstrip("/") for p in paths]
        base = Path(os.path.commonpath([s.parent if s.is_file() else s for s in sources]))
        if len(sources) == 1 and sources[0].is_dir():
            base = sources[0]
        target = self.store / name
        assert not target.exists(), f"artifact {name} uploaded twice"
        for source in sources:
            files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
            for path in files:
                copy = target / path.relative_to(base)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)
        assert target.is_dir(), f"no files found for artifact {name}"

    def download(self, machine: Path, given: dict[str, str]) -> None:
        path = machine / given["path"]
        if "name" in given:
            shutil.copytree(self.store / given["name"], path, dirs_exist_ok=True)
            return
        pattern = re.compile(given["pattern"].replace("*", ".*"))
        for artifact in sorted(self.store.iterdir()):
            if pattern.fullmatch(artifact.name):
                shutil.copytree(artifact, path / artifact.name, dirs_exist_ok=True)


def sub(text: str, values: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: values[m[1]], text)


@pytest.mark.slow
def test_the_sharded_workflow_runs_job_by_job(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    specs = [*demo_specs("sw"), ProjectSpec("sw-extra", backend="hatchling")]
    root = write_workspace(repo / "py", specs, relnox="[tool.relnox.ci]\nshards = 3")
    git_init(repo)
    for rel, text in generate(load_workspace(root)).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    git_commit_all(repo, "ci-init")
    jobs = yaml.safe_load((repo / ".github/workflows/release.yml").read_text())["jobs"]
    runner = Runner(repo, "py", tmp_path)
    values = {"needs.plan.outputs.packages": " ".join(s.name for s in specs)}
    split = runner.run_job(jobs["shards"], values)
    matrix = json.loads(split["matrix"])
    assert matrix == {"shard": ["1/3", "2/3", "3/3"]}
    values["fromJSON(needs.shards.outputs.matrix)"] = split["matrix"]
    for index, shard in enumerate(matrix["shard"]):
        runner.run_job(
            jobs["build-shard"],
            {**values, "matrix.shard": shard, "strategy.job-index": str(index)},
        )
    runner.run_job(jobs["build"], values)
    assembled = runner.store / "dist"
    single = runner.clone() / "py"
    subprocess.run(
        [sys.executable, "-m", "relnox", "build-all"], cwd=single, check=True, capture_output=True
    )
    expected = {p.name: p.read_bytes() for p in (single / "dist").iterdir()}
    assert len(expected) == 8
    assert {p.name: p.read_bytes() for p in assembled.iterdir()} == expected
