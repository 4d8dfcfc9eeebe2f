"""Releasing a few packages out of many: ``--changed`` end to end against local indexes.

A workspace of five packages shares a root changelog; two form a lockstep group, three
move on their own. After a change to one package, ``release --changed`` bumps, builds,
verifies, publishes and tags exactly that package (or its group) and nothing else; a
major release also takes the dependent whose pin had to move.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from relnox.release.pipeline import ReleaseOptions, release
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds, serves or makes environments

SPECS = [
    ProjectSpec("mr-core", "1.0.0"),
    ProjectSpec("mr-types", "1.0.0"),
    ProjectSpec("mr-web", "0.4.0", requires=["mr-core>=1.0,<2.0"]),
    ProjectSpec("mr-cli", "2.1.0", backend="flit"),
    ProjectSpec("mr-docs", "0.1.0", backend="setuptools"),
]
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [mr-core 1.0.0] - 2026-01-01\n\n- First.\n"


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def _files_on(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir() if p.is_file())


def _change(root: Path, directory: str, entry: str) -> None:
    module = next((root / "packages" / directory).glob("*/__init__.py"))
    module.write_text(module.read_text() + "\n# changed\n")
    log = root / "CHANGELOG.md"
    log.write_text(log.read_text().replace("## [Unreleased]\n", f"## [Unreleased]\n\n{entry}\n", 1))
    git_commit_all(root, f"change {directory}")


def test_release_changed_touches_only_what_changed(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", SPECS, relnox='lockstep = [["mr-core", "mr-types"]]')
    (root / "CHANGELOG.md").write_text(CHANGELOG)
    (root / ".gitignore").write_text("dist/\n")
    git_init(root)
    ws = load_workspace(root)
    apply_tags(plan_tags(ws, TagOptions(missing=True)))
    tags_before = set(_git(root, "tag").split())

    with LocalIndex(tmp_path / "test-index") as test_index, LocalIndex(tmp_path / "index") as index:
        options = ReleaseOptions(
            part="minor",
            changed=True,
            test_repository=test_index.upload_url,
            repository=index.upload_url,
            yes=True,
        )
        _change(root, "mr-cli", "- cli: a --quiet flag")
        result = release(root, options)
        assert result.versions == {"mr-cli": "2.2.0"}
        assert _files_on(index) == ["mr_cli-2.2.0-py3-none-any.whl", "mr_cli-2.2.0.tar.gz"]
        assert _files_on(test_index) == _files_on(index)
        assert set(_git(root, "tag").split()) - tags_before == {"mr-cli-v2.2.0"}
        log = (root / "CHANGELOG.md").read_text()
        headings = re.findall(r"^## \[(.+?)\]", log, flags=re.M)
        assert headings == ["Unreleased", "mr-cli 2.2.0", "mr-core 1.0.0"]  # no empty section
        assert "- a --quiet flag" in log.split("## [mr-cli 2.2.0]")[1].split("## [")[0]
        assert not [c for c in doctor(root).checks if c.status == "error"]
        dist = sorted(p.name for p in (root / "dist").iterdir())
        assert dist == ["mr_cli-2.2.0-py3-none-any.whl", "mr_cli-2.2.0.tar.gz"]

        cli_files = {
            p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / "dist").iterdir()
        }

        # a change to one member of the lockstep group releases the whole group, through
        # the command this time
        _change(root, "mr-types", "- types: a new alias")
        proc = run_relnox(
            "-v",  # every build line (without it: the progress line, relnox.progress)
            "release",
            "--changed",
            "--part",
            "minor",
            "--test-repository",
            test_index.upload_url,
            "--repository",
            index.upload_url,
            "--yes",
            "--json",
            cwd=root,
        )
        assert proc.returncode == 0, proc.stderr
        data = json.loads(proc.stdout)
        assert data["versions"] == {"mr-core": "1.1.0", "mr-types": "1.1.0"}
        assert sorted(data["tags"]) == ["mr-core-v1.1.0", "mr-types-v1.1.0"]
        built = re.findall(r"\] (\S+) [0-9.]+: building", proc.stderr)
        assert sorted(built) == ["mr-core", "mr-types"], proc.stderr
        for name, (content, mtime) in cli_files.items():  # mr-cli's files were not rebuilt
            path = root / "dist" / name
            assert path.read_bytes() == content and path.stat().st_mtime_ns == mtime
        assert not [
            p for p in (root / "dist").iterdir() if p.name.startswith(("mr_web", "mr_docs"))
        ]
        log = (root / "CHANGELOG.md").read_text()
        headings = re.findall(r"^## \[(.+?)\]", log, flags=re.M)
        assert headings == ["Unreleased", "mr-types 1.1.0", "mr-cli 2.2.0", "mr-core 1.0.0"]
        section = log.split("## [mr-types 1.1.0]")[1].split("## [")[0]
        assert "- a new alias" in section and "quiet" not in section
        new_files = {f for f in _files_on(index) if not f.startswith("mr_cli")}
        assert new_files == {
            "mr_core-1.1.0-py3-none-any.whl",
            "mr_core-1.1.0.tar.gz",
            "mr_types-1.1.0-py3-none-any.whl",
            "mr_types-1.1.0.tar.gz",
        }
        assert set(_git(root, "tag").split()) - tags_before == {
            "mr-cli-v2.2.0",
            "mr-core-v1.1.0",
            "mr-types-v1.1.0",
        }
        assert not [c for c in doctor(root).checks if c.status == "error"]
        # the packages tagged on HEAD are the release being made (a CI job on the tag)
        proc = run_relnox("build-all", "--changed", "--dry-run", cwd=root)
        # (built by the release just made and unchanged since: reused)
        assert "reuse mr-core 1.1.0: unchanged" in proc.stdout and "mr-cli" not in proc.stdout
        (root / "NOTES.md").write_text("later\n")
        git_commit_all(root, "an unrelated commit")
        for task in ("build-all", "verify-install", "publish"):  # everything is released now
            proc = run_relnox(task, "--changed", cwd=root)
            assert proc.returncode == 0 and "nothing to do" in proc.stdout, proc.stderr
        untouched = ("mr_web", "mr_docs")
        assert not [f for f in _files_on(index) + _files_on(test_index) if f.startswith(untouched)]

        # a major release of the group moves mr-web's pin (<2.0): its files on the index
        # would exclude the new core, so it gets a patch release too; nothing else moves
        tags_before = set(_git(root, "tag").split())
        _change(root, "mr-core", "- core: a breaking change")
        result = release(root, dataclasses.replace(options, part="major"))
        assert result.versions == {"mr-core": "2.0.0", "mr-types": "2.0.0", "mr-web": "0.4.1"}
        assert result.previous["mr-web"] == "0.4.0"
        assert set(_git(root, "tag").split()) - tags_before == {
            "mr-core-v2.0.0",
            "mr-types-v2.0.0",
            "mr-web-v0.4.1",
        }
        released = {f for f in _files_on(index) if "-2.0.0" in f or "-0.4.1" in f}
        assert {f.split("-")[0] for f in released} == {"mr_core", "mr_types", "mr_web"}
        assert len(released) == 6 and not [f for f in _files_on(index) if "mr_docs" in f]
        with zipfile.ZipFile(index.data_dir / "mr_web-0.4.1-py3-none-any.whl") as wheel:
            metadata = wheel.read("mr_web-0.4.1.dist-info/METADATA").decode()
        assert "Requires-Dist: mr-core<3.0,>=2.0" in metadata
        assert not [c for c in doctor(root).checks if c.status == "error"]
