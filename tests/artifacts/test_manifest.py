"""The build manifest: round trip, hash checks, merge."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from relnox.artifacts import manifest as manifest_module
from relnox.artifacts.manifest import (
    MANIFEST_JSON,
    MANIFEST_TXT,
    ArtifactRecord,
    Manifest,
    ManifestError,
    PackageRecord,
    check_state_dir,
    merge,
    read_manifest,
    write_manifest,
)
from relnox.errors import BuildError
from relnox.files import file_digest


def _release(dist: Path) -> Manifest:
    dist.mkdir(parents=True, exist_ok=True)
    files = []
    for name, kind in (("core-1.0.0-py3-none-any.whl", "wheel"), ("core-1.0.0.tar.gz", "sdist")):
        path = dist / name
        path.write_bytes(name.encode() * 10)
        files.append(ArtifactRecord(name, kind, file_digest(path), path.stat().st_size))
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


def test_the_proof_of_a_check_is_kept_and_an_older_manifest_has_none(tmp_path: Path) -> None:
    manifest = _release(tmp_path / "dist")
    (record,) = manifest.packages
    assert record.checked == ""
    proven = PackageRecord(**{**record.__dict__, "checked": "ab" * 32})
    write_manifest(Manifest(manifest.dist_dir, (proven,), created="now"))
    assert read_manifest(tmp_path / "dist").packages == (proven,)


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


def _written(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    manifest = _release(tmp_path / "dist")
    path = write_manifest(manifest)
    return path, json.loads(path.read_text())


def test_unknown_fields_are_ignored_everywhere(tmp_path: Path) -> None:
    path, data = _written(tmp_path)
    before = read_manifest(tmp_path / "dist")
    data["from_the_future"] = {"x": 1}
    packages = data["packages"]
    assert isinstance(packages, list)
    packages[0]["signed_by"] = "someone"
    packages[0]["files"][0]["attestation"] = "x.publish.attestation"
    path.write_text(json.dumps(data))
    after = read_manifest(tmp_path / "dist")
    assert after.packages == before.packages
    assert after.extra["from_the_future"] == {"x": 1}


def test_the_schema_is_written_and_a_newer_major_is_refused(tmp_path: Path) -> None:
    path, data = _written(tmp_path)
    assert data["schema"] == 1
    for same in (1, "1", "1.7"):
        data["schema"] = same
        path.write_text(json.dumps(data))
        read_manifest(tmp_path / "dist")
    data["schema"] = 2
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="newer relnox"):
        read_manifest(tmp_path / "dist")


MALFORMED = {
    "not JSON": "this is not json at all",
    "truncated": '{"schema": 1, "packages": [{"name": "core", "vers',
    "a list": '[{"name": "core"}]',
    "a number": "42",
    "packages not a list": '{"schema": 1, "packages": {"core": {}}}',
    "a package not an object": '{"schema": 1, "packages": ["core"]}',
    "a missing key": '{"schema": 1, "packages": [{"name": "core", "files": []}]}',
    "a wrong type": '{"schema": 1, "packages": [{"name": 3, "version": "1", "files": []}]}',
    "a file of a wrong shape": (
        '{"schema": 1, "packages": [{"name": "core", "version": "1", "files": [{"filename": 1}]}]}'
    ),
    "files not a list": '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": 3}]}',
    "a size as text": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [{"filename": "f",'
        ' "kind": "wheel", "sha256": "0", "size": "12"}]}]}'
    ),
    "inputs not an object": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [], "inputs": [1]}]}'
    ),
    "a time no float holds (10**400: an OverflowError)": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [], "seconds": 1'
        + "0" * 400
        + "}]}"
    ),
    "a file out of dist/": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [{"filename": '
        '"../pyproject.toml", "kind": "sdist", "sha256": "0", "size": 1}]}]}'
    ),
    "a file name holding a line end": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [{"filename": '
        '"c-1.tar.gz\\nx", "kind": "sdist", "sha256": "0", "size": 1}]}]}'
    ),
    "a negative time": (
        '{"schema": 1, "packages": [{"name": "c", "version": "1", "files": [], "seconds": -5}]}'
    ),
    "a schema not a version": '{"schema": "new", "packages": []}',
    "not UTF-8": b"\xff\xfe\x00{".decode("latin-1"),
    "nested too deeply for the JSON parser": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("text", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_manifest_is_one_line_naming_the_file(tmp_path: Path, text: str) -> None:
    path, _ = _written(tmp_path)
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ManifestError) as caught:
        read_manifest(tmp_path / "dist")
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert "relnox build-all" in message


def test_a_manifest_larger_than_any_relnox_writes_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = _written(tmp_path)
    monkeypatch.setattr(manifest_module, "MANIFEST_LIMIT", path.stat().st_size - 1)
    with pytest.raises(ManifestError, match="more than any build manifest relnox writes"):
        read_manifest(tmp_path / "dist")


def test_a_state_directory_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    manifest = _release(tmp_path / "dist")
    (tmp_path / ".relnox").write_text("a file where relnox keeps its records\n")
    with pytest.raises(BuildError, match=r"\.relnox is a file, not a directory") as caught:
        check_state_dir(tmp_path / "dist")
    assert "\n" not in str(caught.value)
    with pytest.raises(BuildError, match=r"\.relnox/dist: relnox cannot write"):
        write_manifest(manifest)


def test_a_records_inputs_round_trip_with_the_files_git_ignores_its_build_took_in(
    tmp_path: Path,
) -> None:
    """The ``taken`` part (path -> sha256, as JSON) is one more string of ``inputs``: the
    schema stays, and a reader of an older relnox reads it as a string it never compares."""
    manifest = _release(tmp_path / "dist")
    taken = json.dumps({"core/_build_info.json": "b" * 64})
    record = dataclasses.replace(manifest.packages[0], inputs={"files": "f" * 24, "taken": taken})
    write_manifest(dataclasses.replace(manifest, packages=(record,)))
    data = json.loads((tmp_path / ".relnox/dist" / MANIFEST_JSON).read_text())
    assert data["schema"] == 1
    assert data["packages"][0]["inputs"]["taken"] == taken
    assert read_manifest(tmp_path / "dist").packages[0].inputs == record.inputs
