"""A release's later rounds (``checked_before``: from the test index, from the index after
the upload) prove what they add and no less: every built file on the index with the
built sha256, installed from there with its dependencies. Real wheels, a real local index."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace
from relnox.sample import demo_specs, git_init, write_workspace
from relnox.tools.index_server import LOCAL_INDEX_ENV, LocalIndex
from relnox.verify import VerifyOptions
from relnox.verify.run import verify_install
from tests.fault_server import FaultServer, Reply, Seen
from tests.verify.test_run import VERSION, _serve_swapped, upload
from tests.verify_support import build_release

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- agents <- runtime at 7.3.0 in a git repository, built once with uv."""
    root = tmp_path_factory.mktemp("later") / "ws"
    write_workspace(root, demo_specs("vfyrlx", VERSION))
    git_init(root)
    build_release(root)
    return root


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalIndex]:
    with LocalIndex(tmp_path / "index") as index:
        monkeypatch.setenv(LOCAL_INDEX_ENV, index.url)
        yield index


def _later(index: str, *packages: str) -> VerifyOptions:
    return VerifyOptions(packages=list(packages), index=index, wait=0, checked_before=True)


def test_a_later_round_installs_from_the_index_and_does_not_import_again(
    good: Path,
    local_index: LocalIndex,
) -> None:
    upload(local_index, sorted((good / "dist").glob("vfyrlx*")))
    report = verify_install(load_workspace(good), _later(local_index.simple_url, *_all(good)))

    assert report.ok, "\n".join(report.describe())
    for result in report.results:
        assert result.passed == ["the bytes checked from dist/"]
    assert "index install" in report.steps and "index check" not in report.steps


def test_a_later_round_resolves_the_dependencies_and_installs_only_the_release(
    good: Path,
    local_index: LocalIndex,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing runs in a later round's environment: the release is installed from the
    index, its dependencies resolved (a missing one fails the round, see below) but not
    installed into an environment thrown away unread."""
    upload(local_index, sorted((good / "dist").glob("vfyrlx*")))
    with caplog.at_level(logging.DEBUG, logger="relnox"):
        report = verify_install(load_workspace(good), _later(local_index.simple_url, *_all(good)))

    assert report.ok, "\n".join(report.describe())
    installs = [
        r.message for r in caplog.records if r.message.startswith("$ ") and " install " in r.message
    ]
    assert len(installs) == 2
    release, dependencies = installs
    assert "--no-deps" in release and "--dry-run" not in release
    assert "--dry-run" in dependencies and "--no-deps" not in dependencies


def test_a_file_swapped_on_the_index_after_the_upload_is_caught(
    good: Path,
    local_index: LocalIndex,
) -> None:
    wheel = _serve_swapped(good, local_index)
    report = verify_install(load_workspace(good), _later(local_index.simple_url, "vfyrlx-core"))

    assert not report.ok
    [failed] = report.results[0].failed
    assert wheel in failed.detail and "other bytes than the release" in failed.detail


def test_the_one_file_swapped_among_many_pages_is_named(
    good: Path,
    local_index: LocalIndex,
) -> None:
    """Every package's page is read: the one wheel swapped among
    the release's is named, the others' files are not, and their dependencies installed."""
    wheel = _serve_swapped(good, local_index)
    others = [f for f in sorted((good / "dist").glob("vfyrlx*")) if "core" not in f.name]
    upload(local_index, others)
    report = verify_install(load_workspace(good), _later(local_index.simple_url, *_all(good)))

    assert not report.ok
    details = {c.detail for r in report.results for c in r.failed}
    [detail] = details
    assert wheel in detail and "other bytes than the release" in detail
    assert not any(f.name in detail for f in others)


def test_a_built_file_missing_from_the_index_is_caught(
    good: Path,
    local_index: LocalIndex,
) -> None:
    """The wheel is there (it installs), the sdist is not: the index does not hold the release."""
    upload(local_index, sorted((good / "dist").glob("vfyrlx_core-*.whl")))
    report = verify_install(load_workspace(good), _later(local_index.simple_url, "vfyrlx-core"))

    assert not report.ok
    [failed] = report.results[0].failed
    assert "no vfyrlx_core-7.3.0.tar.gz" in failed.detail


def test_a_file_that_does_not_install_from_the_index_is_caught(
    good: Path,
    local_index: LocalIndex,
) -> None:
    """The page lists the wheel with the built sha256, but the index does not serve it."""
    upload(local_index, sorted((good / "dist").glob("vfyrlx_core-*")))

    def gone(seen: Seen) -> Reply | None:
        return Reply(404) if seen.path.startswith("/packages/vfyrlx_core") else None

    with FaultServer(upstream=local_index.url, rule=gone) as broken:
        report = verify_install(load_workspace(good), _later(f"{broken.url}simple/", "vfyrlx-core"))

    assert not report.ok
    [failed] = report.results[0].failed
    assert failed.name == "install"


def test_a_dependency_missing_on_the_index_is_caught(
    good: Path,
    local_index: LocalIndex,
) -> None:
    """vfyrlx-agents is there with the built bytes; vfyrlx-core, which it requires, is not."""
    upload(local_index, sorted((good / "dist").glob("vfyrlx_agents-*")))
    options = _later(local_index.simple_url, "vfyrlx-agents")
    report = verify_install(load_workspace(good), options)

    assert not report.ok
    [failed] = report.results[0].failed
    assert failed.name in ("install", "install dependencies")
    assert "vfyrlx-core" in failed.detail


def _all(good: Path) -> list[str]:
    return [p.name for p in load_workspace(good).packages]
