"""Files relnox writes: all at once, and with the permissions the artifacts beside them get."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.artifacts.manifest import (
    MANIFEST_JSON,
    MANIFEST_TXT,
    Manifest,
    state_dir,
    write_manifest,
)
from relnox.atomic import write_atomic


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_follow_the_umask_like_any_other_file(tmp_path: Path, umask_027: None) -> None:
    (tmp_path / "artifact.whl").write_bytes(b"built by a backend")
    written = write_atomic(tmp_path / "sub" / "record.json", "{}\n")
    assert mode(written) == mode(tmp_path / "artifact.whl") == 0o640
    assert written.read_text() == "{}\n" and [p.name for p in written.parent.iterdir()] == [
        "record.json"
    ]  # no temporary file left


def test_an_existing_file_keeps_its_mode_and_a_symlink_stays_one(tmp_path: Path) -> None:
    target = tmp_path / "script.sh"
    target.write_text("old\n")
    target.chmod(0o755)
    link = tmp_path / "link.sh"
    link.symlink_to(target)
    write_atomic(link, b"new\n")
    assert link.is_symlink() and target.read_text() == "new\n" and mode(target) == 0o755


def test_the_build_manifest_is_as_readable_as_the_artifacts(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    old = os.umask(0o022)
    try:
        (dist / "demo-0.1.0.tar.gz").write_bytes(b"sdist")
        write_manifest(Manifest(dist_dir=dist, packages=(), created="2026-01-01T00:00:00+00:00"))
    finally:
        os.umask(old)
    records = state_dir(dist)
    assert mode(records / MANIFEST_JSON) == mode(records / MANIFEST_TXT) == 0o644
    assert mode(dist / "demo-0.1.0.tar.gz") == 0o644


def test_a_record_name_that_is_a_link_is_replaced_and_its_target_left_alone(
    tmp_path: Path,
) -> None:
    """A repository may commit .relnox/dist/build-manifest.json (or BUILD_MANIFEST.txt,
    the .gitignore) as a link to ~/.bashrc: build-all wrote the manifest over that file.
    relnox's own records replace such a link by the record; the file it named stays."""
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text("precious\n")
    victim.chmod(0o600)
    dist = tmp_path / "repo" / "dist"
    state = state_dir(dist)
    state.mkdir(parents=True)
    for name in (MANIFEST_JSON, MANIFEST_TXT, "../.gitignore"):
        (state / name).symlink_to(victim)
    (state / "../.gitignore").unlink()
    (state / "../.gitignore").symlink_to(tmp_path / "home" / "nothing-yet")  # dangling
    write_manifest(Manifest(dist_dir=dist, packages=(), created="2026-01-01T00:00:00+00:00"))
    assert victim.read_text() == "precious\n" and mode(victim) == 0o600
    assert not (tmp_path / "home" / "nothing-yet").exists()
    for name in (MANIFEST_JSON, MANIFEST_TXT, "../.gitignore"):
        assert not (state / name).is_symlink() and (state / name).is_file()
    assert '"packages": []' in (state / MANIFEST_JSON).read_text()
    # the project's own files keep their links: a version file written through its link
    link = tmp_path / "repo" / "version.txt"
    link.symlink_to(victim)
    write_atomic(link, "1.0\n")
    assert link.is_symlink() and victim.read_text() == "1.0\n"


@pytest.mark.parametrize("linked", [".relnox", ".relnox/dist"])
def test_a_records_directory_that_is_a_link_is_refused(tmp_path: Path, linked: str) -> None:
    """.relnox (or .relnox/dist) committed as a link to another project's records or a
    directory of the user's: the manifest was written there, an older one replaced."""
    from relnox.artifacts.manifest import check_state_dir
    from relnox.errors import BuildError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MANIFEST_JSON).write_text("another project's record\n")
    dist = tmp_path / "repo" / "dist"
    (tmp_path / "repo" / linked).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "repo" / linked).symlink_to(elsewhere)
    manifest = Manifest(dist_dir=dist, packages=(), created="2026-01-01T00:00:00+00:00")
    for attempt in (lambda: check_state_dir(dist), lambda: write_manifest(manifest)):
        with pytest.raises(BuildError) as caught:
            attempt()
        assert str(caught.value).startswith(f"{tmp_path / 'repo' / linked}: a link (to ")
    assert sorted(p.name for p in elsewhere.iterdir()) == [MANIFEST_JSON]
    assert (elsewhere / MANIFEST_JSON).read_text() == "another project's record\n"
