"""The skew guard with real builds, a real local index and real fresh environments."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.artifacts.manifest import ArtifactRecord, Manifest, write_manifest
from relnox.files import file_digest
from relnox.guards import SkewOptions
from relnox.guards.skew import (
    SkewError,
    check_skew,
    closing_message,
    parse_accept,
    plan_skew,
)
from relnox.project.discovery import load_workspace
from relnox.tools.envs import interpreter_tags
from relnox.tools.index_server import LocalIndex
from tests import verify_support
from tests.conftest import run_relnox
from tests.guards.support import CORE_V1, CORE_WITHOUT_HELPER, publish_files, released_then_changed
from tests.verify_support import retag

Released = Callable[[Path, str, str], tuple[Manifest, Manifest]]


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    """``released(tmp_path, prefix, new_core)``: :func:`released_then_changed` (agents
    requiring core ``>=1.0.0``) built once per module for each ``(prefix, new_core)``, a
    copy of both workspaces (sources, dist/, manifests) in the test's ``tmp_path``: the
    same files each test built for itself, which a test may change in its own copy."""
    built: dict[tuple[str, str], tuple[Path, Manifest, Manifest]] = {}

    def copy(root: Path, prefix: str, new_core: str) -> tuple[Manifest, Manifest]:
        if (prefix, new_core) not in built:
            shared = tmp_path_factory.mktemp(f"released-{prefix}")
            built[prefix, new_core] = (shared, *released_then_changed(shared, prefix, new_core))
        shared, old, new = built[prefix, new_core]
        shutil.copytree(shared, root, symlinks=True, dirs_exist_ok=True)
        return (
            dataclasses.replace(old, dist_dir=root / old.dist_dir.relative_to(shared)),
            dataclasses.replace(new, dist_dir=root / new.dist_dir.relative_to(shared)),
        )

    return copy


def test_accept_is_name_and_version() -> None:
    assert parse_accept(["Demo_Agents==1.4"]) == frozenset({"demo-agents==1.4"})
    with pytest.raises(SkewError, match="NAME==VERSION"):
        parse_accept(["demo-agents"])


@pytest.mark.slow
def test_old_dependent_broken_by_new_dependency_is_named(
    tmp_path: Path, released: Released
) -> None:
    old, _new = released(tmp_path, "skwbrk", CORE_WITHOUT_HELPER)
    publish_files(old, tmp_path / "index-data")
    workspace = load_workspace(tmp_path / "ws")
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        report = check_skew(
            workspace, SkewOptions(index=index.simple_url, packages=["skwbrk-core"])
        )
        assert not report.ok
        [result] = report.results
        assert (result.case.dependent, result.case.version, result.status) == (
            "skwbrk-agents",
            "1.0.0",
            "failed",
        )
        assert result.case.new == (("skwbrk-core", "2.0.0"),)
        [failed] = result.failed
        assert failed.name == "import skwbrk_agents"
        assert "helper" in failed.detail
        text = "\n".join(report.describe())
        assert "skwbrk-agents 1.0.0 (published) with skwbrk-core 2.0.0" in text
        assert "--accept-skew skwbrk-agents==1.0.0" in text
        assert "post1" in text
        assert "skwbrk-agents==1.0.0 with skwbrk-core 2.0.0" in closing_message(report)
        # accepted knowingly: the report still holds the failure, and records the acceptance
        accepted = check_skew(
            workspace,
            SkewOptions(
                index=index.simple_url, packages=["skwbrk-core"], accept=["skwbrk-agents==1.0.0"]
            ),
        )
        assert accepted.ok
        assert [r.case.key for r in accepted.accepted] == ["skwbrk-agents==1.0.0"]
        assert accepted.to_json()["accepted"] == ["skwbrk-agents==1.0.0"]
        assert accepted.results[0].failed


@pytest.mark.slow
def test_compatible_new_dependency_passes(tmp_path: Path, released: Released) -> None:
    old, _new = released(tmp_path, "skwok", CORE_V1)
    publish_files(old, tmp_path / "index-data")
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        report = check_skew(
            load_workspace(tmp_path / "ws"),
            SkewOptions(index=index.simple_url, packages=["skwok-core"]),
        )
    assert report.ok, report.describe()
    [result] = report.results
    assert result.status == "ok"
    names = [c.name for c in result.checks]
    assert "import skwok_agents" in names
    assert "skwok_agents.__version__" in names


@pytest.mark.slow
def test_capped_old_dependent_is_not_at_risk(tmp_path: Path) -> None:
    old, _new = released_then_changed(tmp_path, "skwcap", CORE_WITHOUT_HELPER, ">=1.0.0,<2")
    publish_files(old, tmp_path / "index-data")
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        report = check_skew(
            load_workspace(tmp_path / "ws"),
            SkewOptions(index=index.simple_url, packages=["skwcap-core"]),
        )
    assert report.ok
    [result] = report.results
    assert result.status == "capped"
    assert result.capped == ["skwcap-agents==1.0.0 keeps skwcap-core 1.0.0, not 2.0.0"]


@pytest.mark.slow
def test_nothing_published_is_a_note(tmp_path: Path, released: Released) -> None:
    _old, _new = released(tmp_path, "skwbrk", CORE_WITHOUT_HELPER)
    (tmp_path / "index-data").mkdir()
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        report = check_skew(
            load_workspace(tmp_path / "ws"),
            SkewOptions(index=index.simple_url, packages=["skwbrk-core"]),
        )
    assert report.ok and not report.results
    assert any("no published version" in n for n in report.plan.notes)


@pytest.mark.slow
def test_verify_install_skew_from_names_the_break(tmp_path: Path, released: Released) -> None:
    old, _new = released(tmp_path, "skwbrk", CORE_WITHOUT_HELPER)
    publish_files(old, tmp_path / "index-data")
    root = tmp_path / "ws"
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        args = ("verify-install", "-p", "skwbrk-core", "--offline", "--skew-from", index.simple_url)
        failed = run_relnox(*args, cwd=root)
        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert "Traceback" not in failed.stderr
        assert "skwbrk-agents 1.0.0 (published) with skwbrk-core 2.0.0" in failed.stdout
        assert "relnox: error: the new release breaks 1 published dependent" in failed.stderr
        accepted = run_relnox(*args, "--accept-skew", "skwbrk-agents==1.0.0", "--json", cwd=root)
        assert accepted.returncode == 0, accepted.stderr
        assert json.loads(accepted.stdout)["skew"]["accepted"] == ["skwbrk-agents==1.0.0"]
    usage = run_relnox("verify-install", "--skew-depth", "2", cwd=root)
    assert usage.returncode == 2 and "need --skew-from" in usage.stderr


@pytest.mark.slow
def test_the_new_wheel_is_the_one_the_checked_interpreter_installs(
    tmp_path: Path, released: Released
) -> None:
    """``--python`` names another interpreter than relnox's: of a wheel matrix's files
    (one per CPython), the skew environments get the wheel *that* interpreter installs,
    by its own tags, not the one relnox's interpreter would take."""
    other = verify_support.other_python()
    if other is None:
        pytest.skip("no second CPython (3.9+, with pip) on this machine")
    old, new = released(tmp_path, "skwok", CORE_V1)
    publish_files(old, tmp_path / "index-data")
    core = new.get("skwok-core")
    [pure] = core.wheels
    tags = {}
    for python in (sys.executable, other):
        first = interpreter_tags(python)
        assert first
        tags[python] = next(t for t in first if t.abi != "none")
    assert tags[sys.executable] != tags[other]
    matrix = []
    for tag in tags.values():
        made = retag(new.dist_dir / pure.filename, str(tag), new.dist_dir)
        matrix.append(ArtifactRecord(made.name, "wheel", file_digest(made), made.stat().st_size))
    (new.dist_dir / pure.filename).unlink()
    files = (*core.sdists, *matrix)
    write_manifest(
        dataclasses.replace(
            new,
            packages=tuple(
                dataclasses.replace(r, files=files) if r.name == core.name else r
                for r in new.packages
            ),
        )
    )
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        plan = plan_skew(
            load_workspace(tmp_path / "ws"),
            SkewOptions(index=index.simple_url, packages=["skwok-core"], python=other),
        )
    [case] = plan.cases
    [wheel] = case.wheels
    assert wheel.filename.endswith(f"-{tags[other]}.whl"), wheel.filename
