"""A project name another project owns on the index: found before any upload (real local
pypiserver pre-seeded with the other project's files)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish import PublishOptions, PublishRuntime
from relnox.publish.plan import publish
from relnox.sample import ProjectSpec, git_init, write_project, write_workspace
from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.conftest import run_relnox
from tests.publish_support import USER
from tests.verify_support import uv_build

pytestmark = pytest.mark.slow  # builds, serves or makes environments

TOKEN = "relnox-fake-upload-token-0003"


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


def environ() -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}


@pytest.fixture(scope="module")
def others_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Versions 3.0.0 and 3.1.0 of an unrelated 'taken-name', built once for the module;
    the tests only copy them."""
    where = tmp_path_factory.mktemp("others")
    files: list[Path] = []
    for version in ("3.0.0", "3.1.0"):
        other = write_project(where / f"other-{version}", ProjectSpec("taken-name", version))
        out = where / f"other-dist-{version}"
        uv_build(other, out)
        files += sorted(out.glob("taken_name-*"))
    return files


@pytest.fixture
def seeded(index: LocalIndex, others_files: list[Path]) -> LocalIndex:
    """The index already holds versions 3.0.0 and 3.1.0 of an unrelated 'taken-name'."""
    for path in others_files:
        shutil.copy(path, index.data_dir / path.name)
    return index


@pytest.fixture(scope="module")
def ours_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'taken-name' 0.1.0 of ours, committed and built into dist/, once for the module."""
    root = write_project(
        tmp_path_factory.mktemp("ours") / "ours", ProjectSpec("taken-name", "0.1.0")
    )
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0 - 2026-01-01\n\n- First.\n")
    git_init(root)
    uv_build(root, root / "dist")
    return root


@pytest.fixture
def ours(tmp_path: Path, ours_built: Path) -> Path:
    """A copy of :func:`ours_built` of the test's own (the tests change and publish it)."""
    return shutil.copytree(ours_built, tmp_path / "ours", symlinks=True)


def test_a_name_owned_by_another_project_is_reported_before_any_upload(
    ours: Path, seeded: LocalIndex
) -> None:
    before = sorted(p.name for p in seeded.data_dir.iterdir())
    with pytest.raises(PublishError) as info:
        publish(
            load_workspace(ours),
            PublishOptions(repository=seeded.upload_url),
            PublishRuntime(environ=environ()),
        )
    message = str(info.value)
    assert message.startswith(
        f"the name taken-name on {seeded.upload_url} belongs to another project (versions "
        "3.1.0, 3.0.0, which this repository never carried: no tag, changelog section, commit "
        "of its version files or earlier upload from here names them); rename the package or "
        "claim the name"
    ), message
    assert "bump" not in message
    assert sorted(p.name for p in seeded.data_dir.iterdir()) == before  # nothing uploaded


def test_a_name_with_versions_this_repository_released_is_ours(
    ours: Path, seeded: LocalIndex
) -> None:
    changelog = ours / "CHANGELOG.md"
    original = changelog.read_text()
    changelog.write_text(original + "\n## 3.1.0 - 2025-01-01\n\n- Old.\n")
    result = publish(
        load_workspace(ours),
        PublishOptions(repository=seeded.upload_url),
        PublishRuntime(environ=environ()),
    )
    assert result.ok and sorted(result.uploaded) == [
        "taken_name-0.1.0-py3-none-any.whl",
        "taken_name-0.1.0.tar.gz",
    ]
    changelog.write_text(original)  # no history now, but our very files are on the index
    again = publish(
        load_workspace(ours),
        PublishOptions(repository=seeded.upload_url),
        PublishRuntime(environ=environ()),
    )
    assert again.ok and not again.uploaded and len(again.skipped) == 2


def _relnox(root: Path, *args: str) -> str:
    """``relnox ARGS`` as the user runs it; its output (the test fails on a non-zero exit)."""
    done = run_relnox(*args, cwd=root, env=environ())
    assert done.returncode == 0, f"relnox {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _trial(root: Path, index: LocalIndex) -> str:
    return _relnox(
        root, "publish-test", "--repository", index.upload_url, "--extra-index", index.simple_url
    )


def _trial_repository(tmp_path: Path, shape: str) -> tuple[Path, list[str]]:
    """A new package, or a workspace of two (one needing the other), committed once at
    0.1.0 with no tag and no changelog: the repository and its distributions' names."""
    if shape == "single":
        root = write_project(tmp_path / "trial", ProjectSpec("trial-pkg", "0.1.0"))
        names = ["trial_pkg"]
    else:
        specs = [
            ProjectSpec("trial-core", "0.1.0"),
            ProjectSpec("trial-app", "0.1.0", requires=["trial-core>=0.1.0"]),
        ]
        root = write_workspace(tmp_path / "trial", specs)
        (root / "CHANGELOG.md").unlink()
        names = ["trial_app", "trial_core"]
    git_init(root)
    return root, names


@pytest.mark.parametrize("shape", ["single", "workspace"])
def test_a_second_trial_upload_after_a_bump_is_ours(
    tmp_path: Path, index: LocalIndex, shape: str
) -> None:
    """The first-timer's flow: publish-test 0.1.0, bump, build-all, publish-test again. The
    index's 0.1.0 is the version the first commit's pyproject.toml carried; no tag, no
    changelog. Then, without relnox's record of the upload, the history alone says so."""
    root, names = _trial_repository(tmp_path, shape)
    _relnox(root, "build-all")
    _trial(root, index)
    _relnox(root, "bump", "--part", "patch", "--commit")
    _relnox(root, "build-all")
    said = _trial(root, index)
    assert "belongs to another project" not in said
    assert "install from there" in said
    assert sorted(p.name for p in index.data_dir.iterdir()) == sorted(
        f"{name}-{version}{end}"
        for name in names
        for version in ("0.1.0", "0.1.1")
        for end in ("-py3-none-any.whl", ".tar.gz")
    )
    (root / ".relnox" / "dist" / "publish-report.json").unlink()  # the record of 0.1.1 gone
    _relnox(root, "bump", "--part", "patch", "--commit")
    _relnox(root, "build-all")
    assert "belongs to another project" not in _trial(root, index)  # 0.1.0, 0.1.1: history


def test_a_name_held_by_versions_this_history_never_carried_is_refused(
    tmp_path: Path, seeded: LocalIndex
) -> None:
    """The same flow on a name whose versions (3.0.0, 3.1.0) no commit of ours wrote."""
    root = write_project(tmp_path / "ours-again", ProjectSpec("taken-name", "0.1.0"))
    git_init(root)
    _relnox(root, "bump", "--part", "patch", "--commit")
    _relnox(root, "build-all")
    before = sorted(p.name for p in seeded.data_dir.iterdir())
    done = run_relnox("publish-test", "--repository", seeded.upload_url, cwd=root, env=environ())
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        f"the name taken-name on {seeded.upload_url} belongs to another project (versions "
        "3.1.0, 3.0.0, which this repository never carried" in done.stderr
    ), done.stderr
    assert sorted(p.name for p in seeded.data_dir.iterdir()) == before


def test_the_versions_a_history_carried_are_read_from_each_commit(tmp_path: Path) -> None:
    """Every commit's version in each version file (pyproject.toml and __init__.py), as
    relnox reads it now; doctor --repository asks the same (carries_any)."""
    from packaging.version import Version

    from relnox.publish.preflight import carried_versions, carries_any

    root = write_project(tmp_path / "hist", ProjectSpec("hist-pkg", "0.1.0"))
    git_init(root)
    for version in ("0.2.0rc1", "0.2.0"):
        _relnox(root, "bump", "--to", version, "--commit")
    workspace = load_workspace(root)
    (pkg,) = workspace.packages
    assert carried_versions(pkg, workspace) == {
        Version("0.1.0"),
        Version("0.2.0rc1"),
        Version("0.2.0"),
    }
    assert carries_any(pkg, workspace, {Version("0.2.0rc1"), Version("9.0")})
    assert not carries_any(pkg, workspace, {Version("0.1.1"), Version("9.0")})


def test_relnox_record_of_an_earlier_upload_from_here_makes_its_versions_ours(
    tmp_path: Path, index: LocalIndex
) -> None:
    """No git at all (no history, no tag, no changelog): publish-report.json, relnox's
    record of the last publish from this dist directory to this index, lists 0.1.0."""
    root = write_project(tmp_path / "plain", ProjectSpec("plain-pkg", "0.1.0"))
    now = ["0.1.0"]

    def publish_at(version: str) -> object:
        for path in (root / "pyproject.toml", root / "plain_pkg" / "__init__.py"):
            path.write_text(path.read_text().replace(f'"{now[0]}"', f'"{version}"'))
        now[0] = version
        shutil.rmtree(root / "dist", ignore_errors=True)
        uv_build(root, root / "dist")
        return publish(
            load_workspace(root),
            PublishOptions(repository=index.upload_url),
            PublishRuntime(environ=environ()),
        )

    publish_at("0.1.0")
    assert publish_at("0.1.1").ok  # type: ignore[attr-defined]
    (root / ".relnox" / "dist" / "publish-report.json").unlink()
    with pytest.raises(PublishError, match="belongs to another project"):
        publish_at("0.1.2")  # the record gone, nothing says 0.1.0 and 0.1.1 were ours
