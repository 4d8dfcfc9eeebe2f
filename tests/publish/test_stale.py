"""publish and publish-test refuse a package whose sources changed since build-all made
its files (real git repository, real builds, a real local index)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from relnox.artifacts.checks import ArtifactError
from relnox.builds.run import BuildOptions, build_all
from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish import PublishOptions, PublishRuntime, publish
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.build_support import IGNORED_SHIPPED, built_with_an_ignored_file, edit, shared
from tests.conftest import run_relnox
from tests.fault_server import HANG, FaultServer
from tests.publish.conftest import TOKEN
from tests.publish_support import USER, break_wheel, copy_tree

pytestmark = pytest.mark.slow  # builds and serves an index


def env() -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}


def _built_then_changed(directory: Path) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:  # as the tests' own environment asks
        mp.setenv("RELNOX_ASK_BACKEND", "0")
        root = write_workspace(
            directory / "ws", [ProjectSpec("pub-stale"), ProjectSpec("pub-fresh")]
        )
        git_init(root)
        build_all(root, BuildOptions(jobs=2)).raise_for_failures()
        edit(root / "packages/pub-stale/pub_stale/__init__.py", "def main", "NEW = 1\n\n\ndef main")
        git_commit_all(root, "Change pub-stale after the build")
    return {}


@pytest.fixture
def changed(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """Two packages built; then a commit changes the code of ``pub-stale``. Built once per
    run (every test publishes from its own copy)."""
    built, _ = shared(tmp_path_factory, "publish-stale", _built_then_changed)
    return copy_tree(built / "ws", tmp_path / "ws")


def on_index(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir())


def test_publish_refuses_a_stale_package_before_any_upload(
    changed: Path, index: LocalIndex
) -> None:
    for task in (("publish", "--yes"), ("publish-test",)):
        proc = run_relnox(*task, "--repository", index.url, cwd=changed, env=env())
        assert proc.returncode != 0, proc.stdout
        assert "Traceback" not in proc.stderr
        assert "pub-stale" in proc.stderr and "pub-fresh:" not in proc.stderr
        assert "relnox build-all --package pub-stale" in proc.stderr
    assert on_index(index) == []
    fresh = run_relnox(
        "publish", "--repository", index.url, "-p", "pub-fresh", cwd=changed, env=env()
    )
    assert fresh.returncode == 0, fresh.stderr


def test_a_stale_package_is_refused_at_once_while_the_index_holds_its_answers(
    changed: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The stale check comes before the index is asked: a stale package is refused with its
    own error, as the last line, without waiting for an index that holds every page
    (longer than the 30 s the network timeout would wait)."""
    proxy = serve(upstream=index.url, rule=lambda seen: HANG if seen.method == "GET" else None)
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "publish", "--repository", proxy.url, "-v"],
        cwd=changed,
        env=env(),
        capture_output=True,
        text=True,
        timeout=25,  # waiting for a held page would take the network timeout, 30 s
    )
    assert proc.returncode == 1, proc.stderr
    first, *rest = proc.stderr[proc.stderr.index("relnox: error:") :].strip().splitlines()
    assert "changed since their files were built: pub-stale" in first, proc.stderr
    assert "relnox build-all --package pub-stale" in first
    assert rest == [f"  pub-stale: {rest[0].split(': ', 1)[1]}"], proc.stderr  # its cause only
    assert on_index(index) == [] and not [s for s in proxy.seen if s.method == "POST"]


def publish_in_process(root: Path, index: LocalIndex, allow_stale: tuple[str, ...] = ()) -> None:
    publish(
        load_workspace(root),
        PublishOptions(repository=index.url, allow_stale=allow_stale, retry_delay=0.01),
        PublishRuntime(environ=env()),
    )


FRESH_WHEEL = "pub_fresh-0.1.0-py3-none-any.whl"


def test_a_stale_package_is_said_before_a_broken_file(changed: Path, index: LocalIndex) -> None:
    """Both fail: the stale package is the error, nothing was sent."""
    break_wheel(changed, FRESH_WHEEL)
    with pytest.raises(PublishError, match="changed since their files were built: pub-stale"):
        publish_in_process(changed, index)
    assert on_index(index) == []


def test_a_broken_file_stops_the_plan_with_its_own_error_when_stale_is_allowed(
    changed: Path, index: LocalIndex, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="relnox")
    break_wheel(changed, FRESH_WHEEL)
    with pytest.raises(ArtifactError, match=f"{FRESH_WHEEL}: twine check: the long description"):
        publish_in_process(changed, index, allow_stale=("pub-stale",))
    assert "pub-stale: " in caplog.text and "used anyway (--allow-stale)" in caplog.text
    assert on_index(index) == []  # no upload started


def test_allow_stale_uploads_and_is_recorded(changed: Path, index: LocalIndex) -> None:
    proc = run_relnox(
        "publish",
        "--repository",
        index.url,
        "--allow-stale",
        "pub-stale",
        "--json",
        cwd=changed,
        env=env(),
    )
    assert proc.returncode == 0, proc.stderr
    assert list(json.loads(proc.stdout)["allowed_stale"]) == ["pub-stale"]
    report = json.loads((changed / ".relnox/dist/publish-report.json").read_text())
    assert list(report["allowed_stale"]) == ["pub-stale"]
    assert len(on_index(index)) == 4


def test_foreign_files_are_published_as_they_are(
    changed: Path, index: LocalIndex, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign"
    shutil.copytree(changed / "dist", foreign)
    proc = run_relnox(
        "publish", "--repository", index.url, "--dist", str(foreign), cwd=changed, env=env()
    )
    assert proc.returncode == 0, proc.stderr
    assert len(on_index(index)) == 4


def test_publish_refuses_a_changed_or_deleted_shipped_file_git_ignores(
    tmp_path: Path, index: LocalIndex
) -> None:
    """A generated file git ignores that the build took in: changed or deleted, publish and
    publish-test refuse before any upload, naming the package, the part and the file;
    with its old bytes back it publishes; --allow-stale publishes it with a warning."""
    root = tmp_path / "ws"
    shipped = built_with_an_ignored_file(root)
    taken = f"files git ignores that its build took in changed: {IGNORED_SHIPPED}"
    for text, suffix in (('{"build": 2}\n', ""), (None, " (deleted)")):
        if text is None:
            shipped.unlink()
        else:
            shipped.write_text(text, encoding="utf-8")
        for task in (("publish", "--yes"), ("publish-test",)):
            proc = run_relnox(*task, "--repository", index.url, cwd=root, env=env())
            assert proc.returncode == 1, proc.stdout
            assert "Traceback" not in proc.stderr
            first, *rest = proc.stderr[proc.stderr.index("relnox: error:") :].strip().splitlines()
            assert "changed since their files were built: ign-pkg;" in first
            assert "relnox build-all --package ign-pkg" in first
            assert rest == [
                f"  ign-pkg: {taken}{suffix} since its files in {root / 'dist'} were built"
            ]
    assert on_index(index) == []

    shipped.write_text('{"build": 1}\n', encoding="utf-8")  # the bytes it was built with
    dry = run_relnox("publish", "--dry-run", "--repository", index.url, cwd=root, env=env())
    assert dry.returncode == 0, dry.stderr
    shipped.write_text('{"build": 2}\n', encoding="utf-8")
    allowed = run_relnox(
        "publish", "--repository", index.url, "--allow-stale", "ign-pkg", cwd=root, env=env()
    )
    assert allowed.returncode == 0, allowed.stderr
    assert f"ign-pkg: {taken} since its files were built; used anyway" in allowed.stderr
    assert len(on_index(index)) == 4
