"""The build manifest: round trip, hash checks, merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.artifacts.manifest import (
    MANIFEST_JSON,
    MANIFEST_TXT,
    ArtifactRecord,
    Manifest,
    PackageRecord,
    merge,
    read_manifest,
    sha256_of,
    write_manifest,
)
from relnox.errors import BuildError


def _release(dist: Path) -> Manifest:
    dist.mkdir(parents=True, exist_ok=True)
    files = []
    for name, kind in (("core-1.0.0-py3-none-any.whl", "wheel"), ("core-1.0.0.tar.gz", "sdist")):
        path = dist / name
        path.write_bytes(name.encode() * 10)
        files.append(ArtifactRecord(name, kind, sha256_of(path), path.stat().st_size))
    record = PackageRecord("core", "1.0.0", "libs/core", "hatchling.build", 1.5, tuple(files))
    return Manifest(dist, (record,), git_commit="abc", source_date_epoch=1700000000, created="now")


def test_round_trip_and_text_twin(tmp_path: Path) -> None:
    manifest = _release(tmp_path / "dist")
    write_manifest(manifest)
    loaded = read_manifest(tmp_path / "dist")
    assert loaded.packages == manifest.packages
    assert (loaded.git_commit, loaded.source_date_epoch) == ("abc", 1700000000)
    text = (tmp_path / ".relnox" / "dist" / MANIFEST_TXT).read_text()
    assert "core 1.0.0 (hatchling.build" in text and "sha256:" in text
    record = loaded.get("core")
    assert [f.kind for f in record.wheels] == ["wheel"] and [f.kind for f in record.sdists] == [
        "sdist"
    ]
    assert not list((tmp_path / "dist").glob("*.tmp"))  # atomic writes leave no temp file


def test_a_changed_or_missing_file_is_refused(tmp_path: Path) -> None:
    manifest = _release(tmp_path / "dist")
    wheel, sdist = manifest.packages[0].files
    assert manifest.checked_path(wheel) == tmp_path / "dist" / wheel.filename
    (tmp_path / "dist" / wheel.filename).write_bytes(b"tampered")
    with pytest.raises(BuildError, match=r"sha256 differs .* rebuild with relnox build-all"):
        manifest.checked_path(wheel)
    (tmp_path / "dist" / sdist.filename).unlink()
    with pytest.raises(BuildError, match=r"listed in build-manifest\.json but missing"):
        manifest.checked_path(sdist)


def test_missing_or_corrupt_manifest_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no build manifest; run relnox build-all first"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST_JSON).write_text("{not json")
    with pytest.raises(BuildError, match="not valid JSON"):
        read_manifest(tmp_path)


def test_unknown_package_and_extra_fields(tmp_path: Path) -> None:
    manifest = _release(tmp_path / "dist")
    manifest = Manifest(manifest.dist_dir, manifest.packages, extra={"installer": "uv"})
    write_manifest(manifest)
    data = json.loads((tmp_path / ".relnox" / "dist" / MANIFEST_JSON).read_text())
    assert data["installer"] == "uv" and data["schema"] == 1
    assert read_manifest(tmp_path / "dist").extra == {"installer": "uv"}
    with pytest.raises(BuildError, match="no build of agents"):
        manifest.get("agents")


def test_merge_replaces_rebuilt_packages_and_keeps_others(tmp_path: Path) -> None:
    old = _release(tmp_path / "dist")
    other = PackageRecord("agents", "2.0.0", "libs/agents", "setuptools.build_meta", 1.0, ())
    old = Manifest(old.dist_dir, (*old.packages, other))
    rebuilt = PackageRecord("core", "1.1.0", "libs/core", "hatchling.build", 2.0, ())
    merged = merge(old, [rebuilt], dist_dir=old.dist_dir)
    assert [(p.name, p.version) for p in merged.packages] == [
        ("agents", "2.0.0"),
        ("core", "1.1.0"),
    ]
