"""Directories of wheels and sdists that relnox did not build: read, checked, published,
verified and recorded (real ``uv build`` output, a real local index, real environments)."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.artifacts.distdir import load_release
from relnox.artifacts.manifest import BUILT, FOUND, read_manifest, write_manifest
from relnox.errors import BuildError, PublishError, RelnoxError
from relnox.project.discovery import load_workspace
from relnox.publish import PublishOptions, PublishRuntime
from relnox.publish.plan import publish
from relnox.sample import ProjectSpec, generated_specs, git_init, write_project, write_workspace
from relnox.tools.index_server import LocalIndex, write_htpasswd
from relnox.verify import VerifyOptions
from relnox.verify.run import verify_install
from tests.conftest import run_relnox
from tests.publish_support import USER, shared_release
from tests.verify_support import retag, uv_build

pytestmark = pytest.mark.slow  # builds, serves or makes environments

TOKEN = "relnox-fake-upload-token-0002"


@pytest.fixture
def ws(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """core <- agents <- runtime, plus extra, built by ``uv build``: no relnox state (the
    publish tests' release, built once per run, copied without the manifest it was given)."""
    built = shared_release(tmp_path_factory)
    ignore = shutil.ignore_patterns(".relnox")
    return Path(shutil.copytree(built, tmp_path / "ws", symlinks=True, ignore=ignore))


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


def environ() -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}


def test_a_uv_build_directory_is_published_verified_and_recorded(
    ws: Path, index: LocalIndex
) -> None:
    assert not (ws / ".relnox").exists()
    workspace = load_workspace(ws)
    dry = publish(
        workspace,
        PublishOptions(repository=index.upload_url, dry_run=True, retry_delay=0.01),
        PublishRuntime(environ=environ()),
    )
    assert len(dry.outcomes) == 8 and not (ws / ".relnox").exists()  # a dry run writes nothing
    result = publish(
        workspace,
        PublishOptions(repository=index.upload_url, retry_delay=0.01),
        PublishRuntime(environ=environ()),
    )
    assert result.ok and len(result.uploaded) == 8, result.error
    files = sorted(p.name for p in (ws / "dist").iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in index.data_dir.iterdir()) == files
    manifest = read_manifest(ws / "dist")  # recorded in the state directory
    assert [r.name for r in manifest.packages] == [p.name for p in workspace.packages]
    assert {r.origin for r in manifest.packages} == {FOUND}
    assert all(len(r.checked) == 64 for r in manifest.packages)  # checked once, proven after
    assert files == sorted(f.filename for r in manifest.packages for f in r.files)
    report = verify_install(workspace, VerifyOptions(offline=True))
    assert report.ok, "\n".join(report.describe())
    assert "script demo-runtime" in {c for r in report.results for c in r.passed}
    again = publish(
        workspace,
        PublishOptions(repository=index.upload_url, retry_delay=0.01),
        PublishRuntime(environ=environ()),
    )
    assert again.ok and not again.uploaded and len(again.skipped) == 8


def test_a_second_backend_in_a_directory_outside_the_repository(
    tmp_path: Path, index: LocalIndex
) -> None:
    root = write_project(tmp_path / "flitty", ProjectSpec("flitty", "2.0.0", "flit", script=True))
    out = tmp_path / "ci-artifacts"  # collected from a CI run, say
    assert uv_build(root, out) == ["flitty-2.0.0-py3-none-any.whl", "flitty-2.0.0.tar.gz"]
    workspace = load_workspace(root)
    result = publish(
        workspace,
        PublishOptions(repository=index.upload_url, dist_dir=out, retry_delay=0.01),
        PublishRuntime(environ=environ()),
    )
    assert result.ok and result.uploaded == ["flitty-2.0.0-py3-none-any.whl", "flitty-2.0.0.tar.gz"]
    report = verify_install(workspace, VerifyOptions(dist_dir=out, offline=True))
    assert report.ok, "\n".join(report.describe())
    assert (tmp_path / ".relnox" / "ci-artifacts" / "build-manifest.json").is_file()
    assert not (root / ".relnox").exists() and sorted(p.name for p in out.glob("flitty-*")) == [
        "flitty-2.0.0-py3-none-any.whl",
        "flitty-2.0.0.tar.gz",
    ]


def test_the_set_of_files_of_each_package_is_checked_with_a_readable_diff(
    ws: Path, caplog: pytest.LogCaptureFixture
) -> None:
    workspace = load_workspace(ws)
    dist = ws / "dist"
    wheel = dist / "demo_core-0.1.0-py3-none-any.whl"
    # two wheels for the same tags
    twin = dist / "demo_core-0.1.0-1-py3-none-any.whl"
    shutil.copyfile(wheel, twin)
    with pytest.raises(PublishError) as info:
        load_release(workspace, dist, ["demo-core"], error=PublishError)
    assert str(info.value).splitlines() == [
        f"{dist}: the files of demo-core 0.1.0 are not the expected set (one sdist and one "
        "wheel per platform):",
        "  + demo_core-0.1.0-1-py3-none-any.whl  (installs where "
        "demo_core-0.1.0-py3-none-any.whl does; keep one)",
        "rebuild them, or remove the extra files",
    ]
    twin.unlink()
    # a wheel whose tags overlap (py2.py3 holds py3): an installer on Python 3 takes either
    overlap = dist / "demo_core-0.1.0-py2.py3-none-any.whl"
    shutil.copyfile(wheel, overlap)
    with pytest.raises(PublishError) as info:
        load_release(workspace, dist, ["demo-core"], error=PublishError)
    (line,) = [ln for ln in str(info.value).splitlines() if ln.startswith("  + ")]
    assert line.endswith(" does; keep one)") and overlap.name in line and wheel.name in line
    overlap.unlink()
    # a copy under a name that sorts first (another spelling of the project): the extra is
    # the file build-all did not record, never the recorded one
    sdist = dist / "demo_core-0.1.0.tar.gz"
    copies = [dist / "Demo_Core-0.1.0.tar.gz", dist / "Demo_core-0.1.0-py3-none-any.whl"]
    for source, copy in zip((sdist, wheel), copies, strict=True):
        shutil.copyfile(source, copy)
    with pytest.raises(PublishError) as info:
        load_release(workspace, dist, ["demo-core"], error=PublishError)
    assert str(info.value).splitlines()[1:3] == [
        "  + Demo_Core-0.1.0.tar.gz  (a second sdist; an index takes one per version)",
        "  + Demo_core-0.1.0-py3-none-any.whl  (installs where "
        "demo_core-0.1.0-py3-none-any.whl does; keep one)",
    ]
    for copy in copies:
        copy.unlink()
    # a file relnox recorded is kept even in another spelling: the normalized copy is named
    spelled = dist / "Demo_Core-0.1.0.tar.gz"
    sdist.rename(spelled)
    load_release(workspace, dist, ["demo-core"], error=PublishError)  # recorded as found
    shutil.copyfile(spelled, sdist)
    with pytest.raises(PublishError) as info:
        load_release(workspace, dist, ["demo-core"], error=PublishError)
    assert str(info.value).splitlines()[1] == (
        "  + demo_core-0.1.0.tar.gz  (a second sdist; an index takes one per version)"
    )
    spelled.unlink()
    # another project's file: twine upload dist/* would send it too
    shutil.copyfile(wheel, dist / "someone_else-1.0-py3-none-any.whl")
    with pytest.raises(PublishError, match=r"holds distributions of someone-else, which are not"):
        load_release(workspace, dist, error=PublishError)
    (dist / "someone_else-1.0-py3-none-any.whl").unlink()
    # a file of an older version beside the new ones: left out, and said so
    shutil.copyfile(wheel, dist / "demo_core-0.0.9-py3-none-any.whl")
    with caplog.at_level(logging.WARNING, logger="relnox"):
        manifest = load_release(workspace, dist, ["demo-core"])
    assert "files of other versions of demo-core left out: demo_core-0.0.9" in caplog.text
    assert [f.filename for f in manifest.get("demo-core").files] == [
        "demo_core-0.1.0.tar.gz",
        "demo_core-0.1.0-py3-none-any.whl",
    ]
    (dist / "demo_core-0.0.9-py3-none-any.whl").unlink()
    # what build-all recorded must all be there
    recorded = read_manifest(dist)
    record = recorded.get("demo-core")
    write_manifest(
        recorded.__class__(
            dist, (record.__class__(**{**record.__dict__, "origin": BUILT}),), created="test"
        )
    )
    (dist / "demo_core-0.1.0.tar.gz").unlink()
    with pytest.raises(BuildError) as missing:
        load_release(workspace, dist, ["demo-core"])
    assert "  - demo_core-0.1.0.tar.gz  (recorded by build-all, missing)" in str(missing.value)


def test_files_relnox_did_not_build_are_checked_like_its_own(ws: Path) -> None:
    import zipfile

    dist = ws / "dist"
    wheel = dist / "demo_extra-0.1.0-py3-none-any.whl"
    broken = ws / "broken.whl"
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("METADATA"):
                data = data.replace(b"Name: demo-extra", b"Name: demo-other")
            dst.writestr(item, data)
    broken.replace(wheel)
    with pytest.raises(RelnoxError) as info:
        load_release(load_workspace(ws), dist, ["demo-extra"])
    assert "the metadata Name is 'demo-other', not 'demo-extra'" in str(info.value)
    assert not (ws / ".relnox").exists()  # nothing recorded for files that fail


def test_a_link_to_a_file_of_another_name_is_refused_one_of_the_same_name_taken(
    ws: Path, tmp_path: Path
) -> None:
    """uv reads the name of the file a link in dist/ leads to: a wheel linked to
    'core.whl' failed to install ('must have a Python tag'), blamed on the package, and
    its dependents on the index; a link to a file of its own name (a shared store) works."""
    dist = ws / "dist"
    wheel = dist / "demo_core-0.1.0-py3-none-any.whl"
    store = tmp_path / "store"
    store.mkdir()
    shutil.move(wheel, store / "core.whl")
    wheel.symlink_to(store / "core.whl")
    with pytest.raises(PublishError, match=r"a link to .*core\.whl, whose name is not the"):
        load_release(load_workspace(ws), dist, error=PublishError)
    wheel.unlink()
    (store / "core.whl").rename(store / wheel.name)
    wheel.symlink_to(store / wheel.name)
    assert load_release(load_workspace(ws), dist, write_record=False).packages


def test_an_empty_or_missing_directory_says_what_to_do(tmp_path: Path) -> None:
    root = write_project(tmp_path / "lone", ProjectSpec("lone", "1.0.0"))
    workspace = load_workspace(root)
    with pytest.raises(BuildError, match=r"no such directory; build the release first"):
        load_release(workspace, root / "dist")
    (root / "dist").mkdir()
    (root / "dist" / "notes.txt").write_text("not a distribution")
    with pytest.raises(BuildError, match=r"no wheels or sdists; build the release first"):
        load_release(workspace, root / "dist")


def test_platform_wheels_of_a_ci_matrix_are_published_and_the_right_one_verified(
    tmp_path: Path, index: LocalIndex
) -> None:
    from packaging.tags import sys_tags

    root = write_project(tmp_path / "natty", ProjectSpec("natty", "1.4.0", script=True))
    built = tmp_path / "built"
    uv_build(root, built)
    pure = next(built.glob("*.whl"))
    here = next(t for t in sys_tags() if t.platform != "any")
    matrix = tmp_path / "matrix"  # what the matrix jobs uploaded, downloaded into one place
    matrix.mkdir()
    shutil.copy(next(built.glob("*.tar.gz")), matrix)
    tags = [str(here), "cp312-cp312-win_amd64", "cp312-cp312-macosx_11_0_arm64"]
    wheels = sorted(retag(pure, tag, matrix).name for tag in tags)
    workspace = load_workspace(root)
    manifest = load_release(workspace, matrix)
    assert sorted(f.filename for f in manifest.get("natty").wheels) == wheels
    report = verify_install(workspace, VerifyOptions(dist_dir=matrix, offline=True))
    assert report.ok, "\n".join(report.describe())
    assert report.results[0].artifact.endswith(f"natty-1.4.0-{here}.whl")
    result = publish(
        workspace,
        PublishOptions(repository=index.upload_url, dist_dir=matrix, retry_delay=0.01),
        PublishRuntime(environ=environ()),
    )
    assert result.ok and sorted(result.uploaded) == sorted([*wheels, "natty-1.4.0.tar.gz"])
    assert result.uploaded[-1] == "natty-1.4.0.tar.gz"  # wheels first


@pytest.mark.slow
def test_a_broken_members_files_in_dist_are_left_out_not_refused(tmp_path: Path) -> None:
    """verify-install -p (and publish -p) said its files were "not packages of" the
    repository, to be removed: its problem is the one to fix, the others still verify."""
    root = write_workspace(tmp_path / "ws", generated_specs(3))
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    broken = root / "packages" / "gen-pkg2" / "pyproject.toml"
    broken.write_text(broken.read_text().replace('version = "0.1.0"', 'version = "0.1.0'))
    proc = run_relnox("verify-install", "--dry-run", "-p", "gen-pkg0", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "gen-pkg0 0.1.0: " in proc.stdout and "not packages of" not in proc.stderr
    assert "warning: left out, not asked for: " in proc.stderr and str(broken) in proc.stderr
