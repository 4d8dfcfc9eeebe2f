"""HeadStart: the build environments of the packages surely built, made while the plan is
read; taken by the run, or removed whatever ended the command; a failure reported as
without it."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pytest

import relnox.builds.envpool as envpool_module
from relnox.artifacts.manifest import (
    ArtifactRecord,
    Manifest,
    PackageRecord,
    manifest_path,
    write_manifest,
)
from relnox.builds.envpool import EnvPool
from relnox.builds.head_start import TEMP_PREFIX, HeadStart, surely_built
from relnox.builds.plan import BuildOptions, plan_build
from relnox.builds.run import BuildStatus, build_all, execute
from relnox.errors import BuildError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_init, write_workspace
from tests.build_support import edit

SPECS = [ProjectSpec("hs-one", backend="hatchling"), ProjectSpec("hs-two", backend="hatchling")]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = write_workspace(tmp_path / "ws", SPECS)
    git_init(root)
    return root


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's temporary directories go, to see what is left there."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def _left(scratch: Path) -> list[str]:
    """What is left in the temporary directory."""
    return sorted(p.name for p in scratch.iterdir())


def _record(name: str, inputs: dict[str, str]) -> PackageRecord:
    files = (ArtifactRecord(f"{name.replace('-', '_')}-0.1.0.tar.gz", "sdist", "0" * 64, 1),)
    return PackageRecord(
        name, "0.1.0", f"packages/{name}", "hatchling.build", 1.0, files, (), inputs=inputs
    )


def _names(packages: Any) -> list[str]:
    return [pkg.name for pkg in packages]


def test_a_cold_build_starts_every_selected_package(workspace: Path) -> None:
    ws = load_workspace(workspace)
    assert _names(surely_built(ws, BuildOptions())) == ["hs-one", "hs-two"]
    assert _names(surely_built(ws, BuildOptions(packages=["hs-two"]))) == ["hs-two"]
    assert surely_built(ws, BuildOptions(packages=["no-such-package"])) == ()  # the plan says so


def test_a_package_the_manifest_records_waits_for_the_plan(workspace: Path) -> None:
    """A recorded build may be reused (the plan decides): only the others start early,
    unless --force, --clean or --test build every package anyway."""
    ws = load_workspace(workspace)
    dist = workspace / "dist"
    write_manifest(Manifest(dist, (_record("hs-one", {"files": "abc"}),)))
    assert _names(surely_built(ws, BuildOptions())) == ["hs-two"]
    for forced in (BuildOptions(force=True), BuildOptions(clean=True), BuildOptions(test=True)):
        assert _names(surely_built(ws, forced)) == ["hs-one", "hs-two"]
    # a build recorded without its inputs is never reused: it starts early
    write_manifest(Manifest(dist, (_record("hs-one", {}),)))
    assert _names(surely_built(ws, BuildOptions())) == ["hs-one", "hs-two"]
    # --out: the manifest there, not dist/'s
    assert _names(surely_built(ws, BuildOptions(out=workspace / "elsewhere"))) == [
        "hs-one",
        "hs-two",
    ]


def test_a_manifest_that_cannot_be_read_starts_every_package(workspace: Path) -> None:
    ws = load_workspace(workspace)
    write_manifest(Manifest(workspace / "dist", (_record("hs-one", {"files": "abc"}),)))
    manifest_path(workspace / "dist").write_text("{ not json", encoding="utf-8")
    assert _names(surely_built(ws, BuildOptions())) == ["hs-one", "hs-two"]


def test_nothing_is_started_when_every_package_may_be_reused(
    workspace: Path, scratch: Path
) -> None:
    dist = workspace / "dist"
    records = tuple(_record(name, {"files": "abc"}) for name in ("hs-one", "hs-two"))
    write_manifest(Manifest(dist, records))
    with HeadStart(load_workspace(workspace), BuildOptions()) as head:
        assert head.packages == () and head.directory is None and head.pool is None
    assert _left(scratch) == []


@pytest.mark.slow
def test_a_cold_build_takes_the_environments_made_while_it_planned(
    workspace: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run makes no environment of its own; the head start's directory is gone after;
    a rebuild with nothing changed starts none."""
    made: list[Any] = []
    heads: list[HeadStart] = []
    real_pool, real_init = EnvPool, HeadStart.__init__

    def pool(*args: Any, **kwargs: Any) -> Any:
        if not Path(args[2]).parent.name.startswith(TEMP_PREFIX):  # the run's own, not early
            made.append(args)
        return real_pool(*args, **kwargs)

    def init(head: HeadStart, *args: Any, **kwargs: Any) -> None:
        real_init(head, *args, **kwargs)
        heads.append(head)

    monkeypatch.setattr(envpool_module, "EnvPool", pool)  # imported where it is used
    monkeypatch.setattr(HeadStart, "__init__", init)
    result = build_all(workspace, BuildOptions(jobs=2))
    assert [o.status for o in result.outcomes] == [BuildStatus.BUILT] * 2
    assert made == [] and result.environments == 1
    assert _names(heads[0].packages) == ["hs-one", "hs-two"] and heads[0]._taken
    assert heads[0].directory is not None and not heads[0].directory.exists()
    again = build_all(workspace, BuildOptions(jobs=2))
    assert [o.status for o in again.outcomes] == [BuildStatus.REUSED] * 2
    assert heads[1].packages == () and again.environments == 0
    assert _left(scratch) == []


@pytest.mark.slow
def test_environments_started_early_are_removed_when_the_plan_fails(
    workspace: Path, scratch: Path
) -> None:
    heads: list[HeadStart] = []
    real_init = HeadStart.__init__

    def init(head: HeadStart, *args: Any, **kwargs: Any) -> None:
        real_init(head, *args, **kwargs)
        heads.append(head)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(HeadStart, "__init__", init)
        with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH 'soon' is not a whole number"):
            build_all(workspace, BuildOptions(source_date_epoch="soon"))
    assert heads and heads[0].packages  # it had started them
    assert heads[0].pool is not None and heads[0].pool.count == 1  # and made one
    assert _left(scratch) == []


@pytest.mark.slow
def test_a_plan_with_another_interpreter_is_not_given_the_environments(
    workspace: Path, scratch: Path
) -> None:
    ws = load_workspace(workspace)
    options = BuildOptions()
    with HeadStart(ws, options) as head:
        plan = plan_build(ws, options)
        assert head.take(dataclasses.replace(plan, python=Path("/elsewhere/bin/python"))) is None
        pool = head.take(plan)
        assert pool is not None and head.take(plan) is None  # given once
        assert head.directory is not None and head.directory.parent == scratch
        assert pool.directory.parent == head.directory
    assert _left(scratch) == []


@pytest.mark.slow
def test_an_early_environment_that_fails_is_reported_as_without_one(
    workspace: Path, tmp_path: Path
) -> None:
    """Its requirements cannot be installed (a file that is not there): the package fails
    with the message a run without a head start gives, the other package builds."""
    missing = (tmp_path / "nowhere" / "hs_missing-1.0-py3-none-any.whl").as_uri()
    edit(
        workspace / "packages/hs-two/pyproject.toml",
        'requires = ["hatchling"]',
        f'requires = ["hatchling", "hs-missing @ {missing}"]',
    )
    early = build_all(workspace, BuildOptions(out=tmp_path / "early", keep_going=True))
    ws = load_workspace(workspace)
    late = execute(plan_build(ws, BuildOptions(out=tmp_path / "late", keep_going=True)))
    for result in (early, late):
        assert [o.status for o in result.outcomes] == [BuildStatus.BUILT, BuildStatus.FAILED]
    errors = [str(r.outcomes[1].error).splitlines()[0] for r in (early, late)]
    assert errors[0] == errors[1]
    assert errors[0].startswith("hs-two 0.1.0: could not install the build requirements")
    assert "hs-missing @ " in errors[0]
