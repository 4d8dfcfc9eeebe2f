"""A rerun of a release that failed: what it proves done is skipped, what it cannot is
redone or refused; never a second bump, never a bump other than the one recorded."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from relnox.builds.run import BuildOptions, build_all
from relnox.errors import RelnoxError
from relnox.release.model import STATE_FILE
from relnox.release.pipeline import STAGES, ReleaseOptions, StageReport, plan_release, release
from relnox.sample import create_demo_workspace
from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.build_support import shared

# everything after the bump is skipped but publish-test, which fails on a closed port:
# a release stopped right after its bump, in a second
AFTER_BUMP = frozenset({"build", "verify", "verify-test", "skew", "publish", "tag", "audit"})
DEAD = "http://127.0.0.1:9/"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def _stopped_after_bump(root: Path, **options: object) -> None:
    with pytest.raises(RelnoxError, match="stage publish-test failed"):
        release(
            root,
            ReleaseOptions(skip=AFTER_BUMP, test_repository=DEAD, wait=0, **options),  # type: ignore[arg-type]
        )


def _bumped(directory: Path) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:  # as the tests' own environment asks
        mp.setenv("RELNOX_ASK_BACKEND", "0")
        root = create_demo_workspace(directory / "ws")
        _stopped_after_bump(root, part="minor")
    return {}


@pytest.fixture
def bumped(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The sample workspace after a ``--part minor`` release that stopped after its bump:
    made once per run, each test given its own copy."""
    made, _ = shared(tmp_path_factory, "resume-bumped", _bumped)
    root = shutil.copytree(made / "ws", tmp_path / "ws", symlinks=True)
    assert _git(root, "log", "-1", "--format=%s") == "Release 0.2.0"
    return root


def _rerun_minor(root: Path) -> list[StageReport]:
    """``release --part minor`` again up to TestPyPI, which is dead: the stages it reports."""
    reports: list[StageReport] = []
    with pytest.raises(RelnoxError):
        release(
            root,
            ReleaseOptions(part="minor", skip=AFTER_BUMP, test_repository=DEAD, wait=0),
            progress=reports.append,
        )
    return reports


def test_the_same_bump_on_rerun_is_recognised_not_done_twice(bumped: Path) -> None:
    reports = _rerun_minor(bumped)
    bump = next(r for r in reports if r.name == "bump")
    assert bump.status == "already done"
    assert (
        "versions demo-core 0.2.0" in bump.detail
        and "(bumped by --part minor, commit" in bump.detail
    )
    assert _git(bumped, "log", "-1", "--format=%s") == "Release 0.2.0"


@pytest.mark.parametrize(
    "options",
    [{"part": "major"}, {"to": "0.3.0"}, {"part": "minor", "packages": ("demo-core",)}],
    ids=["another-part", "another-to", "another-selection"],
)
def test_another_bump_on_rerun_is_refused_before_anything(
    bumped: Path, options: dict[str, object]
) -> None:
    head = _git(bumped, "rev-parse", "HEAD")
    with pytest.raises(RelnoxError) as info:
        release(bumped, ReleaseOptions(skip=AFTER_BUMP, test_repository=DEAD, **options))  # type: ignore[arg-type]
    message = str(info.value)
    assert "an unfinished release is recorded in" in message and "would bump again" in message
    assert "rerun with --part minor to finish that release, or delete" in message
    assert "stage " not in message  # refused before the stages, not as a failed stage
    assert _git(bumped, "rev-parse", "HEAD") == head


def test_versions_edited_after_the_bump_are_refused(bumped: Path) -> None:
    pyproject = bumped / "packages" / "demo-core" / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.2.0"', 'version = "0.2.1"'))
    _git(bumped, "commit", "-qam", "hand edit")
    with pytest.raises(RelnoxError, match=r"no longer matches the files: now demo-core 0\.2\.1"):
        release(bumped, ReleaseOptions(part="minor", skip=AFTER_BUMP, test_repository=DEAD))


def test_a_branch_without_the_bump_commit_is_refused(bumped: Path) -> None:
    _git(bumped, "checkout", "-q", "-b", "other", "HEAD~1")
    with pytest.raises(RelnoxError, match=r"is not in the history of HEAD \(other\); check out"):
        release(bumped, ReleaseOptions(part="minor", skip=AFTER_BUMP, test_repository=DEAD))
    assert _git(bumped, "log", "-1", "--format=%s") != "Release 0.2.0"


def test_a_bump_cut_off_before_its_record_is_still_recognised(bumped: Path) -> None:
    """Interrupted between the bump's commit and the record of it: the record written
    before the bump (no commit yet) with the files at its versions proves it done."""
    path = bumped / ".relnox" / "release" / STATE_FILE
    state = json.loads(path.read_text())
    state["bump"]["commit"] = None
    state["versions"] = state["bump"]["from"]
    state["done"] = {}
    path.write_text(json.dumps(state))
    reports = _rerun_minor(bumped)
    assert next(r for r in reports if r.name == "bump").status == "already done"
    assert _git(bumped, "log", "-1", "--format=%s") == "Release 0.2.0"


def _fresh_clone_of_a_bump(bumped: Path, tmp_path: Path) -> Path:
    """A clone of the bumped history without the state file, as CI or another machine has."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(bumped), str(clone)], check=True)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.com")):
        _git(clone, "config", key, value)
    _git(clone, "config", "commit.gpgsign", "false")
    return clone


@pytest.mark.slow  # serves an index
def test_a_fresh_clone_does_not_bump_past_a_half_published_release(
    bumped: Path, tmp_path: Path
) -> None:
    clone = _fresh_clone_of_a_bump(bumped, tmp_path)
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "demo_core-0.2.0-py3-none-any.whl").write_bytes(b"published")
    with LocalIndex(tmp_path / "live") as live:
        options = ReleaseOptions(
            part="minor",
            repository=live.upload_url,
            skip=AFTER_BUMP - {"publish"},  # publish-test fails first
            test_repository=DEAD,
        )
        with pytest.raises(RelnoxError) as info:
            release(clone, options)
        message = str(info.value)
        assert (
            "already has demo-core 0.2.0 but not demo-agents 0.2.0, demo-runtime 0.2.0" in message
        )
        assert "relnox tag --missing --package demo-core" in message
        assert _git(clone, "log", "-1", "--format=%s") == "Release 0.2.0"  # not bumped

        # what is live tagged, deliberately: the bump goes past it
        _git(clone, "tag", "-a", "demo-core-v0.2.0", "-m", "demo-core 0.2.0")
        with pytest.raises(RelnoxError, match="stage publish-test failed"):
            release(clone, dataclasses.replace(options, wait=0))
    assert _git(clone, "log", "-1", "--format=%s") == "Release 0.3.0"


@pytest.mark.slow  # builds, verifies, serves two indexes
def test_a_rerun_rebuilds_what_changed_since_the_build_and_says_why(tmp_path: Path) -> None:
    """The build is redone, with the reason, when a source changed (uncommitted, with
    the doctor skipped) or a file of dist/ was swapped, since the failed run; the state
    file never holds the credentials of an index URL."""
    root = create_demo_workspace(tmp_path / "ws")
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {"uploader": "right-token"})
    with (
        LocalIndex(tmp_path / "test") as test_index,
        LocalIndex(tmp_path / "prod", password_file=htpasswd) as prod,
    ):
        wrong = prod.upload_url.replace("http://", "http://uploader:wrong-s3cret@")
        options = ReleaseOptions(
            part="minor", test_repository=test_index.upload_url, repository=wrong, yes=True
        )
        with pytest.raises(RelnoxError, match="stage publish failed"):
            release(root, options)  # the skew guard read the index; the upload was refused
        state = (root / ".relnox" / "release" / STATE_FILE).read_text()
        assert "skew" in json.loads(state)["done"] and "wrong-s3cret" not in state

        source = root / "packages" / "demo-core" / "demo_core" / "__init__.py"
        source.write_text(source.read_text() + "\nEDITED = True\n")
        reports: list[StageReport] = []
        with pytest.raises(RelnoxError, match="already has different files under the same names"):
            release(
                root,
                dataclasses.replace(options, skip=frozenset({"doctor"})),
                progress=reports.append,
            )
        build = next(r for r in reports if r.name == "build")
        assert build.status == "done", build.detail
        assert (
            "rebuilt: demo-core: contents changed (packages/demo-core/demo_core/__init__.py) "
            "since the build"
        ) in build.detail

        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=root, check=True)
        wheel = next((root / "dist").glob("demo_agents-*.whl"))
        wheel.write_bytes(wheel.read_bytes() + b"\0")
        reports.clear()
        with pytest.raises(RelnoxError):
            release(root, options, progress=reports.append)
        build = next(r for r in reports if r.name == "build")
        assert f"rebuilt: {wheel.name} changed since the build" in build.detail


def test_a_rerun_into_another_dist_directory_finds_its_release(bumped: Path) -> None:
    """The state is the repository's, not the dist directory's: --dist or dist-dir
    changed between the failure and the rerun does not bump a second time."""
    reports: list[StageReport] = []
    with pytest.raises(RelnoxError, match="stage publish-test failed"):
        release(
            bumped,
            ReleaseOptions(
                part="minor", skip=AFTER_BUMP, test_repository=DEAD, wait=0, dist_dir="out"
            ),
            progress=reports.append,
        )
    assert next(r for r in reports if r.name == "bump").status == "already done"
    assert _git(bumped, "log", "-1", "--format=%s") == "Release 0.2.0"
    assert not (bumped / ".relnox" / "dist" / STATE_FILE).exists()


def test_a_state_file_beside_the_dist_directory_is_still_read(bumped: Path) -> None:
    """Where an older relnox kept it: an unfinished release there is still recognised."""
    records = bumped / ".relnox"
    (records / "dist").mkdir(exist_ok=True)
    (records / "release" / STATE_FILE).rename(records / "dist" / STATE_FILE)
    with pytest.raises(RelnoxError, match="would bump again"):
        release(bumped, ReleaseOptions(part="major", skip=AFTER_BUMP, test_repository=DEAD))


@pytest.mark.slow  # builds
def test_tags_are_refused_when_the_files_were_built_from_another_commit(tmp_path: Path) -> None:
    """Built, then a commit, then a rerun that skips the build: the tags would go on a
    commit the released files were not built from."""
    root = create_demo_workspace(tmp_path / "ws")
    build_all(root, BuildOptions()).raise_for_failures()
    built = _git(root, "rev-parse", "HEAD")
    _git(root, "commit", "-q", "--allow-empty", "-m", "after the build")
    only_tag = frozenset(STAGES) - {"tag"}
    with pytest.raises(RelnoxError, match=f"were built from commit {built[:12]}, not HEAD"):
        release(root, ReleaseOptions(skip=only_tag))
    assert _git(root, "tag", "--list") == ""


@pytest.mark.slow  # builds and verifies
def test_verify_is_done_again_when_what_it_checks_changed(tmp_path: Path) -> None:
    """A verify recorded for this build is reused only with the same settings: a rerun
    that asks another check (offline here; extras, the selection) checks again."""
    root = create_demo_workspace(tmp_path / "ws")
    up_to_verify = frozenset({"verify-test", "skew", "publish", "tag", "audit"})
    options = ReleaseOptions(skip=up_to_verify, test_repository=DEAD, wait=0)
    statuses = []
    for rerun in (options, options, dataclasses.replace(options, offline=True)):
        reports: list[StageReport] = []
        with pytest.raises(RelnoxError, match="stage publish-test failed"):
            release(root, rerun, progress=reports.append)
        statuses.append(next(r.status for r in reports if r.name == "verify"))
    assert statuses == ["done", "already done", "done"]


def test_the_dry_run_of_a_rerun_shows_the_bump_done_not_a_new_one(bumped: Path) -> None:
    plan = plan_release(bumped, ReleaseOptions(part="minor"))
    bump = next(s for s in plan.stages if s.name == "bump")
    assert bump.lines[0].startswith("already done: --part minor bumped demo-core 0.1.0 -> 0.2.0")
    assert plan.versions["demo-core"] == ("0.2.0", "0.2.0")
    with pytest.raises(RelnoxError, match="would bump again"):
        plan_release(bumped, ReleaseOptions(part="major"))


def test_a_state_file_where_an_older_relnox_kept_it_is_named_then_moved(bumped: Path) -> None:
    records = bumped / ".relnox"
    (records / "dist").mkdir(exist_ok=True)
    older = records / "dist" / STATE_FILE
    (records / "release" / STATE_FILE).rename(older)
    with pytest.raises(RelnoxError, match=f"or delete {older} to start a new one"):
        release(bumped, ReleaseOptions(part="major", skip=AFTER_BUMP, test_repository=DEAD))
    # a stage that finishes writes it where it belongs now, and the older one goes
    release(bumped, ReleaseOptions(skip=AFTER_BUMP | {"publish-test"}))
    assert not older.exists() and (records / "release" / STATE_FILE).is_file()


@pytest.mark.slow  # builds and verifies
def test_a_release_of_other_packages_between_keeps_the_unfinished_bump(bumped: Path) -> None:
    """A run over another selection (other versions) that records a stage keeps the
    unfinished release's bump: a later bump is still measured against it."""
    up_to_verify = frozenset({"verify-test", "skew", "publish", "tag", "audit"})
    with pytest.raises(RelnoxError, match="stage publish-test failed"):
        release(
            bumped,
            ReleaseOptions(
                packages=("demo-core",), skip=up_to_verify, test_repository=DEAD, wait=0
            ),
        )
    with pytest.raises(RelnoxError, match="would bump again"):
        release(bumped, ReleaseOptions(part="major", skip=AFTER_BUMP, test_repository=DEAD))


def test_a_push_from_a_detached_head_pushes_the_tags_and_no_branch_named_head(
    tmp_path: Path,
) -> None:
    root = create_demo_workspace(tmp_path / "ws")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    _git(root, "remote", "add", "origin", str(remote))
    _git(root, "checkout", "-q", "--detach")
    reports: list[StageReport] = []
    release(
        root,
        ReleaseOptions(skip=frozenset(STAGES) - {"tag"}, push=True, allow_detached=True),
        progress=reports.append,
    )
    refs = _git(remote, "for-each-ref", "--format=%(refname)").split()
    assert "refs/tags/demo-core-v0.1.0" in refs
    assert not [r for r in refs if r.startswith("refs/heads/")]
    assert "detached HEAD: no branch" in reports[-2].detail


@pytest.mark.slow  # serves an index
def test_a_package_versioned_on_its_own_is_not_taken_for_half_of_a_release(
    bumped: Path, tmp_path: Path
) -> None:
    """Live and untagged: demo-core and demo-agents, bumped together; demo-runtime's
    version was set by another commit, so it is no missing half of their release."""
    clone = _fresh_clone_of_a_bump(bumped, tmp_path)
    source = clone / "packages" / "demo-runtime" / "demo_runtime" / "__init__.py"
    source.write_text(source.read_text().replace('"0.2.0"', '"0.2.1"'))
    _git(clone, "commit", "-qam", "demo-runtime 0.2.1 on its own")
    (tmp_path / "live").mkdir()
    for name in ("demo_core", "demo_agents"):
        (tmp_path / "live" / f"{name}-0.2.0-py3-none-any.whl").write_bytes(b"published")
    with LocalIndex(tmp_path / "live") as live:
        options = ReleaseOptions(
            part="minor",
            repository=live.upload_url,
            skip=AFTER_BUMP - {"publish"},
            test_repository=DEAD,
            wait=0,
        )
        with pytest.raises(RelnoxError, match="stage publish-test failed"):
            release(clone, options)
