"""Many first releases at once, the way PyPI allows them: by trusted publishing, the new
projects of a release go out in batches of pending publishers (three a user on PyPI), each
with its own environment, dependencies first; with a token, the daily limit still applies.
Asked of the commands a user runs, against a real local index."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.tools import git
from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox
from tests.publish.conftest import TOKEN
from tests.publish_support import USER

#: seven packages, discovery order not the release order: zlib first, gui after fmt (batch 2)
NEEDS = {
    "p-app": ["p-zlib"],
    "p-cli": ["p-app"],
    "p-docs": [],
    "p-extra": ["p-cli"],
    "p-fmt": [],
    "p-gui": ["p-fmt"],
    "p-zlib": [],
}
CONFIG = "[tool.relnox.publish]\n"


def _seven(tmp_path: Path, config: str) -> Path:
    specs = [ProjectSpec(n, requires=[f"{d}>=0.1.0" for d in deps]) for n, deps in NEEDS.items()]
    root = write_workspace(tmp_path / "seven", specs, relnox=config)
    git_init(root)
    git.git(root, "remote", "add", "origin", "git@github.com:acme/seven.git")
    for name in NEEDS:
        git.git(root, "tag", f"{name}-v0.1.0")
        (root / "packages" / name / "more.py").write_text("X = 1\n", encoding="utf-8")
    git_commit_all(root, "fix: every package")
    return root


def _batches(summary: str) -> list[list[str]]:
    found = re.findall(r"batch \d+(?: \(register now\))?: ([^;]+)", summary)
    return [part.split(", ") for part in found]


def _doctor(root: Path, index: LocalIndex) -> dict[str, dict[str, Any]]:
    done = run_relnox("doctor", "--repository", index.url, "--json", cwd=root)
    return {c["check"]: c for c in json.loads(done.stdout)["checks"]}


def test_seven_new_projects_by_trusted_publishing_go_in_three_batches(
    tmp_path: Path, index: LocalIndex
) -> None:
    config = "[tool.relnox.publish]\npending-publishers = 3\n"
    root = _seven(tmp_path, config + '[tool.relnox.ci]\nenvironments = "per-project"\n')
    checks = _doctor(root, index)
    summary = checks["index first releases"]["detail"]
    batches = _batches(summary)
    assert [len(b) for b in batches] == [3, 3, 1], summary
    order = [name for batch in batches for name in batch]
    assert sorted(order) == sorted(NEEDS)
    for name, deps in NEEDS.items():  # every dependency published before its dependents
        assert all(order.index(dep) < order.index(name) for dep in deps), order
    assert "index new projects" not in checks  # created through publishers: no daily limit
    publishers = {k: c["detail"] for k, c in checks.items() if k.startswith("index publisher ")}
    assert sorted(publishers) == sorted(f"index publisher {n}" for n in batches[0])
    environments = {re.search(r"environment (\S+),", d).group(1) for d in publishers.values()}  # type: ignore[union-attr]
    assert environments == {f"pypi-{n}" for n in batches[0]}
    for name in batches[0]:
        assert publishers[f"index publisher {name}"] == (
            f"register owner acme, repository seven, workflow release.yml, "
            f"environment pypi-{name}, project name {name}"
        )
    # the release pull request's body names the same batch, the same publishers
    done = run_relnox("release-pr", "--dry-run", "--repository", index.url, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    body = done.stdout.split("## First releases", 1)[1]
    assert summary in body
    for detail in publishers.values():
        assert f"- {detail.removeprefix('register ')}" in body
    assert batches[1][0] not in body.split("now:", 1)[1]  # the next batch: named, not listed


def test_one_shared_environment_takes_one_pending_publisher_a_run(
    tmp_path: Path, index: LocalIndex
) -> None:
    checks = _doctor(_seven(tmp_path, "[tool.relnox.publish]\npending-publishers = 3\n"), index)
    assert [len(b) for b in _batches(checks["index first releases"]["detail"])] == [1] * 7
    (publisher,) = [c["detail"] for k, c in checks.items() if k.startswith("index publisher ")]
    assert publisher.endswith("environment pypi, project name p-zlib")


def test_without_trusted_publishing_the_daily_limit_still_applies(
    tmp_path: Path, index: LocalIndex
) -> None:
    config = "[tool.relnox.publish]\npending-publishers = 0\nnew-project-limit = 4\n"
    checks = _doctor(_seven(tmp_path, config), index)
    assert "index first releases" not in checks
    limit = checks["index new projects"]
    assert limit["status"] == "error" and "7 new projects" in limit["detail"]
    assert "more than the 4 a day" in limit["detail"]
    # p-zlib on the index already: the six others are new, and doctor advises what publish
    # would (advised_first): p-app needs p-zlib's new version in the same first publish
    (index.data_dir / "p_zlib-0.0.9.tar.gz").write_bytes(b"")
    root = _seven(tmp_path / "again", config.replace("= 4", "= 1"))
    detail = _doctor(root, index)["index new projects"]["detail"]
    assert "6 new projects" in detail and detail.endswith("dependencies first: p-zlib, p-app"), (
        detail
    )


@pytest.mark.slow  # builds, serves and uploads
def test_a_publish_creates_the_first_batch_and_says_which_publishers_come_next(
    release: Path, tmp_path: Path, index: LocalIndex
) -> None:
    """core <- agents <- runtime, extra: batches of two, core and agents now; extra and
    runtime (which needs agents, in batch 1, and is new itself) wait for the next run."""
    from tests.publish_support import copy_tree

    ws = copy_tree(release, tmp_path / "ws")
    pyproject = ws / "pyproject.toml"
    per_project = '[tool.relnox.ci]\nenvironments = "per-project"\n'
    config = "[tool.relnox.publish]\npending-publishers = 2\n" + per_project
    pyproject.write_text(pyproject.read_text() + "\n" + config)
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}
    args = ("publish", "--repository", index.url, "--json")
    dry = run_relnox(*args, "--dry-run", cwd=ws, env=env)
    planned = json.loads(dry.stdout)
    assert dry.returncode != 0 and not planned["ok"]
    assert [p["name"] for p in planned["packages"]] == ["demo-core", "demo-agents"]
    assert "demo-extra, demo-runtime wait for a later run" in planned["error"]
    assert "environment pypi-demo-extra, project name demo-extra" in planned["error"]
    assert list(index.data_dir.iterdir()) == []
    first = run_relnox(*args, "--yes", cwd=ws, env=env)
    done = json.loads(first.stdout)
    assert first.returncode != 0 and done["new_projects"] == ["demo-core", "demo-agents"]
    assert sorted(done["uploaded"]) == sorted(
        f"demo_{n}-0.1.0{s}" for n in ("core", "agents") for s in ("-py3-none-any.whl", ".tar.gz")
    )
    assert done["error"].startswith(planned["error"])  # the same batches, next publishers
    assert "Once it has created those, register these on" in done["error"]
    rest = run_relnox(*args, "--yes", cwd=ws, env=env)  # the next run: the rest
    again = json.loads(rest.stdout)
    assert rest.returncode == 0 and again["ok"], rest.stderr
    assert again["new_projects"] == ["demo-extra", "demo-runtime"]
