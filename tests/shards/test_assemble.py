"""assemble: shard outputs merged into dist/, each refusal one line naming the shard.

The refusal tests write shard directories the way build-all leaves them (files and a
manifest in .relnox/ beside them) without building; the slow test builds real shards
and proves the assembled dist/ byte-identical to a single build-all."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.artifacts.manifest import (
    ArtifactRecord,
    Manifest,
    PackageRecord,
    read_manifest,
    write_manifest,
)
from relnox.atomic import write_atomic
from relnox.errors import BuildError
from relnox.project.discovery import load_workspace
from relnox.sample import generated_specs, git_commit_all, git_init, write_workspace
from relnox.shards.assemble import AssembleOptions, assemble, plan_assemble, run_assemble
from tests.conftest import run_relnox

assemble_module = sys.modules["relnox.shards.assemble"]  # the package's face names its function


def _workspace(tmp_path: Path, count: int = 3) -> Path:
    root = write_workspace(tmp_path / "ws", generated_specs(count, prefix="sh"))
    git_init(root)
    return root


def _head(root: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def _shard(
    directory: Path, root: Path, names: list[str], version: str = "0.1.0", commit: str = ""
) -> Path:
    """A shard's dist/ and manifest, as build-all --shard K/N --out DIR leaves them."""
    directory.mkdir(parents=True)
    records = []
    for name in names:
        files = []
        for filename in (
            f"{name.replace('-', '_')}-{version}.tar.gz",
            f"{name.replace('-', '_')}-{version}-py3-none-any.whl",
        ):
            data = f"{filename} built from {name}".encode()
            (directory / filename).write_bytes(data)
            kind = "wheel" if filename.endswith(".whl") else "sdist"
            files.append(
                ArtifactRecord(filename, kind, hashlib.sha256(data).hexdigest(), len(data))
            )
        records.append(
            PackageRecord(name, version, f"packages/{name}", "hatchling", 1.0, tuple(files))
        )
    write_manifest(Manifest(directory, tuple(records), git_commit=commit or _head(root)))
    return directory


def _refusal(root: Path, dirs: list[Path], **options: object) -> str:
    with pytest.raises(BuildError) as caught:
        plan_assemble(load_workspace(root), AssembleOptions(dirs, **options))  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert not (root / "dist").exists()  # nothing written before everything is checked
    return message


def test_shards_are_merged_into_dist_with_one_manifest(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg2"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg1"])
    result = assemble(root, AssembleOptions([two, one]))
    manifest = read_manifest(root / "dist")
    assert [r.name for r in manifest.packages] == ["sh-pkg0", "sh-pkg1", "sh-pkg2"]
    assert manifest.git_commit == _head(root)
    for record in manifest.packages:
        for artifact in record.files:
            manifest.checked_path(artifact)  # every file where the manifest says, same sha256
    assert len(result.files) == 6
    assert sorted(p.name for p in (root / "dist").iterdir()) == sorted(
        f.filename for r in manifest.packages for f in r.files
    )


def test_a_package_in_two_shards_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg1", "sh-pkg2"])
    message = _refusal(root, [one, two])
    assert message.startswith(f"{two}: sh-pkg1 is also built by {one}")


def test_a_package_no_shard_built_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0"])
    message = _refusal(root, [one])
    assert message.startswith(f"{one}: no shard built sh-pkg1, sh-pkg2")
    # the selection decides what is missing
    plan = plan_assemble(load_workspace(root), AssembleOptions([one], ["sh-pkg0"]))
    assert [p.record.name for p in plan.pieces] == ["sh-pkg0"]


def test_shards_of_another_commit_are_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    (root / "README.md").write_text("a later commit\n", encoding="utf-8")
    git_commit_all(root, "later")
    two = _shard(tmp_path / "s2", root, ["sh-pkg2"])
    message = _refusal(root, [two, one])
    assert message.startswith(f"{one}: built from commit ")
    assert "mixed commits" in message and _head(root)[:12] in message


def test_a_version_other_than_the_checkouts_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg2"], version="0.2.0")
    message = _refusal(root, [one, two])
    assert message.startswith(f"{two}: sh-pkg2 0.2.0 but this checkout has 0.1.0")


def test_a_changed_file_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg2"])
    (two / "sh_pkg2-0.1.0-py3-none-any.whl").write_bytes(b"tampered")
    message = _refusal(root, [one, two])
    assert message.startswith(f"{two}: sh_pkg2-0.1.0-py3-none-any.whl of sh-pkg2 does not match")
    (two / "sh_pkg2-0.1.0-py3-none-any.whl").unlink()
    assert _refusal(root, [one, two]).startswith(
        f"{two}: sh_pkg2-0.1.0-py3-none-any.whl of sh-pkg2 is listed"
    )


def test_a_directory_that_is_no_shard_is_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    bare = tmp_path / "bare"
    bare.mkdir()
    assert _refusal(root, [one, bare]).startswith(f"{bare}: no build manifest")
    assert _refusal(root, [one, tmp_path / "absent"]).startswith(f"{tmp_path / 'absent'}: no such")
    broken = _shard(tmp_path / "s3", root, [])
    (tmp_path / ".relnox/s3/build-manifest.json").write_text("{", encoding="utf-8")
    assert _refusal(root, [one, broken]).startswith(f"{broken}: ")


def test_the_command_refuses_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg1", "sh-pkg2"])
    out = run_relnox("assemble", str(one), str(two), cwd=root)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert (
        out.stderr.strip()
        == f"relnox: error: {two}: sh-pkg1 is also built by {one}; each package must come from one shard (check the --shard K/N of each build)"
    )
    assert not (root / "dist").exists()
    none = run_relnox("assemble", cwd=root)
    assert none.returncode == 2 and "assemble needs DIRS" in none.stderr
    three = _shard(tmp_path / "s3", root, ["sh-pkg2"])
    done = run_relnox("assemble", str(one), str(three), "--json", cwd=root, check=True)
    data = json.loads(done.stdout)
    assert data["packages"] == {"sh-pkg0": str(one), "sh-pkg1": str(one), "sh-pkg2": str(three)}
    assert len(list((root / "dist").iterdir())) == 6


@pytest.mark.slow
def test_sharded_builds_assemble_byte_identical_to_one_build(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 4)
    plan = json.loads(run_relnox("plan", "--shards", "3", "--json", cwd=root, check=True).stdout)
    assert plan["matrix"] == ["1/3", "2/3", "3/3"]
    shards = []
    for k in plan["matrix"]:
        out = tmp_path / f"shard{k[0]}"
        run_relnox("build-all", "--shard", k, "--out", str(out), cwd=root, check=True)
        shards.append(out)
        recorded = json.loads((tmp_path / f".relnox/{out.name}/build-manifest.json").read_text())
        assert recorded["shard"] == k
        assert [p["name"] for p in recorded["packages"]] == plan["shards"][int(k[0]) - 1][
            "packages"
        ]
    run_relnox("assemble", *map(str, shards), cwd=root, check=True)
    single = tmp_path / "single"
    run_relnox("build-all", "--out", str(single), cwd=root, check=True)
    assembled = {p.name: p.read_bytes() for p in (root / "dist").iterdir()}
    assert len(assembled) == 8
    assert assembled == {p.name: p.read_bytes() for p in single.iterdir()}
    # every shard's recorded time is in the assembled manifest: the next plan balances by them
    times = {r.name: r.seconds for r in read_manifest(root / "dist").packages}
    assert all(t > 0 for t in times.values())
    replanned = json.loads(
        run_relnox("plan", "--shards", "3", "--json", cwd=root, check=True).stdout
    )
    assert replanned["estimated"] == [] and replanned["times"] == times
    # a build that reuses them keeps each package's last build time, not the reuse's 0s
    again = json.loads(run_relnox("build-all", "--json", cwd=root, check=True).stdout)
    assert sorted(again["reused"]) == sorted(times)
    assert {r.name: r.seconds for r in read_manifest(root / "dist").packages} == times
    # verify-install of one shard checks only its packages (of the split by the recorded
    # times now), from the assembled dist/
    first = replanned["shards"][0]["packages"]
    verify = run_relnox("verify-install", "--shard", "1/3", "--json", cwd=root, check=True)
    report = json.loads(verify.stdout)
    assert report["ok"] is True and report["packages"] == first


def test_the_files_git_ignores_a_shards_build_took_in_stay_in_its_record(tmp_path: Path) -> None:
    """The stale check of the assembled dist/ hashes them again: the ``taken`` part of a
    shard's record is kept as it was, with the rest of its inputs."""
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    shard = read_manifest(one)
    inputs = {
        "files": "f" * 24,
        "unprovable": "sh_pkg0/_gen.txt is in its artifacts but git ignores it",
        "taken": json.dumps({"sh_pkg0/_gen.txt": "a" * 64}),
    }
    first = dataclasses.replace(shard.packages[0], inputs=inputs)
    write_manifest(dataclasses.replace(shard, packages=(first, *shard.packages[1:])))
    assemble(root, AssembleOptions([one]))
    assert read_manifest(root / "dist").get("sh-pkg0").inputs == inputs


def _edit_listing(shard: Path, edit: object) -> None:
    """Rewrite the first package's file list of ``shard``'s manifest with ``edit``."""
    manifest = read_manifest(shard)
    first = manifest.packages[0]
    files = edit(shard, list(first.files))  # type: ignore[operator]
    write_manifest(
        dataclasses.replace(
            manifest,
            packages=(dataclasses.replace(first, files=tuple(files)), *manifest.packages[1:]),
        )
    )


def _listed(shard: Path, filename: str, data: bytes, kind: str = "wheel") -> ArtifactRecord:
    return ArtifactRecord(filename, kind, hashlib.sha256(data).hexdigest(), len(data))


def _outside(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    (shard.parent / "evil.whl").write_bytes(b"evil")
    return [*files, _listed(shard, "../evil.whl", b"evil")]


def _absolute(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    (shard.parent / "evil.whl").write_bytes(b"evil")
    return [*files, _listed(shard, str(shard.parent / "evil.whl"), b"evil")]


def _twice(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    return [*files, files[1]]


def _anothers(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    data = b"a wheel of another project"
    (shard / "evil-0.1.0-py3-none-any.whl").write_bytes(data)
    return [files[0], _listed(shard, "evil-0.1.0-py3-none-any.whl", data)]


def _not_a_dist(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    (shard / "notes.txt").write_bytes(b"hi")
    return [*files, _listed(shard, "notes.txt", b"hi")]


def _kind_lies(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    return [files[0], dataclasses.replace(files[1], kind="sdist")]


def _other_version(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    data = b"last release's wheel"
    (shard / "sh_pkg0-0.0.9-py3-none-any.whl").write_bytes(data)
    return [files[0], _listed(shard, "sh_pkg0-0.0.9-py3-none-any.whl", data)]


def _newline(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    return [files[0], dataclasses.replace(files[1], filename="x\n.whl")]


def _link(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    wheel = shard / files[1].filename
    wheel.rename(shard.parent / "elsewhere.whl")
    wheel.symlink_to(shard.parent / "elsewhere.whl")  # the same bytes, from out of the shard
    return files


def _pipe(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    (shard / files[1].filename).unlink()
    os.mkfifo(shard / files[1].filename)  # read as it was, the command would wait for good
    return files


def _folder(shard: Path, files: list[ArtifactRecord]) -> list[ArtifactRecord]:
    (shard / files[1].filename).unlink()
    (shard / files[1].filename).mkdir()
    return files


@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        # the shard's manifest is refused as it is read: a record names a file of its dist/
        (_outside, "'filename' '../evil.whl' is not the name of a file of dist/"),
        (_absolute, "evil.whl' is not the name of a file of dist/"),
        (_twice, "sh_pkg0-0.1.0-py3-none-any.whl of sh-pkg0 is listed twice"),
        (_anothers, "evil-0.1.0-py3-none-any.whl of sh-pkg0 is a file of evil, not of sh-pkg0"),
        (_not_a_dist, "notes.txt of sh-pkg0 is not the file name of a wheel or an sdist"),
        (_kind_lies, "of sh-pkg0 is a wheel, but its manifest records a sdist"),
        (_other_version, "sh_pkg0-0.0.9-py3-none-any.whl of sh-pkg0 is a file of version 0.0.9"),
        (_newline, "'filename' 'x\\n.whl' is not the name of a file of dist/"),
        (_link, "sh_pkg0-0.1.0-py3-none-any.whl of sh-pkg0 is a symbolic link"),
        (_pipe, "sh_pkg0-0.1.0-py3-none-any.whl of sh-pkg0 is not a regular file"),
        (_folder, "sh_pkg0-0.1.0-py3-none-any.whl of sh-pkg0 is not a regular file"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else "",
)
def test_a_listing_that_is_not_the_builds_own_files_is_refused(
    tmp_path: Path, edit: object, refusal: str
) -> None:
    """A manifest's sha256 proves nothing about a path out of the shard, a file listed
    twice, a file of another project or version, or a link; the hash is checked of a
    regular file of the shard itself, read once (a pipe is not waited on)."""
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "shards/s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    _edit_listing(one, edit)
    assert refusal in _refusal(root, [one])
    assert not (root / "evil.whl").exists() and not (root / ".relnox").exists()


def test_shards_of_no_commit_or_of_another_repository_are_refused(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1"])
    two = _shard(tmp_path / "s2", root, ["sh-pkg2"])
    write_manifest(dataclasses.replace(read_manifest(two), git_commit=None))
    message = _refusal(root, [one, two])
    assert message.startswith(f"{two}: its manifest records no commit, this checkout is at")
    twice = _shard(tmp_path / "s4", root, ["sh-pkg2"])
    manifest = read_manifest(twice)
    write_manifest(dataclasses.replace(manifest, packages=manifest.packages * 2))
    assert _refusal(root, [one, twice]).startswith(f"{twice}: its manifest lists sh-pkg2 twice")
    other = _shard(tmp_path / "s3", root, ["sh-pkg2", "elsewhere"])
    assert _refusal(root, [one, other]).startswith(
        f"{other}: its manifest lists elsewhere, which is no package of this checkout"
    )


def test_a_name_with_a_newline_is_shown_on_the_refusals_one_line(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    odd = tmp_path / "shard\none"
    assert _refusal(root, [odd]).startswith(f"{str(odd)!r}: a directory whose name holds")
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    manifest = read_manifest(one)
    first = dataclasses.replace(manifest.packages[0], version="0.1.0\nlater")
    write_manifest(dataclasses.replace(manifest, packages=(first, *manifest.packages[1:])))
    assert _refusal(root, [one]).startswith(f"{one}: sh-pkg0 '0.1.0\\nlater' but this checkout")


def test_an_output_a_shard_holds_or_that_cannot_take_the_files_is_refused(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    assert "is the output directory itself, holds it" in _refusal(root, [one], out=str(one / "out"))
    (root / "dist").write_text("a file\n", encoding="utf-8")
    with pytest.raises(BuildError, match="dist: is a file, not a directory"):
        plan_assemble(load_workspace(root), AssembleOptions([one]))
    (root / "dist").unlink()
    (root / "dist/sh_pkg1-0.1.0.tar.gz").mkdir(parents=True)
    with pytest.raises(BuildError, match=r"sh_pkg1-0\.1\.0\.tar\.gz: not a regular file"):
        plan_assemble(load_workspace(root), AssembleOptions([one]))
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["sh_pkg1-0.1.0.tar.gz"]


def test_a_failure_while_writing_leaves_dist_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk at the third file: the two written are taken back, the file dist/ held
    before is restored, and no records are left."""
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    (root / "dist").mkdir()
    (root / "dist/sh_pkg0-0.1.0.tar.gz").write_bytes(b"an earlier build")
    plan = plan_assemble(load_workspace(root), AssembleOptions([one]))
    calls: list[Path] = []

    def full_disk(path: Path, data: bytes | str, *, through_link: bool = True) -> Path:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return write_atomic(path, data, through_link=through_link)

    monkeypatch.setattr(assemble_module, "write_atomic", full_disk)
    with pytest.raises(BuildError) as caught:
        run_assemble(plan)
    assert "assembling failed (No space left on device)" in str(caught.value)
    assert "dist/ and its records are as they were" in str(caught.value)
    assert [p.name for p in (root / "dist").iterdir()] == ["sh_pkg0-0.1.0.tar.gz"]
    assert (root / "dist/sh_pkg0-0.1.0.tar.gz").read_bytes() == b"an earlier build"
    assert not (root / ".relnox").exists()


def test_a_file_of_the_release_no_shard_built_is_refused_not_mixed_in(tmp_path: Path) -> None:
    """dist/ holds a wheel of sh-pkg0 0.1.0 an earlier local build made for another
    platform: assembled beside the shards' files, publish would take it as theirs."""
    root = _workspace(tmp_path)
    one = _shard(tmp_path / "s1", root, ["sh-pkg0", "sh-pkg1", "sh-pkg2"])
    (root / "dist").mkdir()
    (root / "dist/sh_pkg0-0.1.0-cp311-cp311-linux_x86_64.whl").write_bytes(b"a local build")
    (root / "dist/sh_pkg0-0.0.9.tar.gz").write_bytes(b"the last release, left alone")
    (root / "dist/sh_pkg0-0.1.0.tar.gz").write_bytes(b"replaced by the shard's")
    with pytest.raises(BuildError) as caught:
        plan_assemble(load_workspace(root), AssembleOptions([one]))
    assert str(caught.value).startswith(
        f"{root / 'dist/sh_pkg0-0.1.0-cp311-cp311-linux_x86_64.whl'}: a file of sh-pkg0 0.1.0 "
        "that no shard built"
    )
    (root / "dist/sh_pkg0-0.1.0-cp311-cp311-linux_x86_64.whl").unlink()
    assemble(root, AssembleOptions([one]))
    assert (root / "dist/sh_pkg0-0.1.0.tar.gz").read_bytes() == (
        one / "sh_pkg0-0.1.0.tar.gz"
    ).read_bytes()
