"""The files a shard's manifest lists, each proven the file its build wrote: a bare file
name of the shard directory, a wheel or sdist of its package, version and kind, listed
once, a regular file of the recorded size and sha256. The bytes checked are returned, so
assemble writes what was proven."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from packaging.utils import canonicalize_name

from relnox.artifacts.checks import artifact_kind, name_and_version
from relnox.artifacts.manifest import ArtifactRecord, PackageRecord
from relnox.errors import BuildError
from relnox.project.workspace import Package
from relnox.versions.arithmetic import maybe_version


def label(text: str) -> str:
    """``text`` of a manifest as a message shows it: quoted when it holds a control
    character (a newline would make the one-line refusal two)."""
    return text if text.isprintable() else repr(text)


def _name_problem(artifact: ArtifactRecord, record: PackageRecord, pkg: Package) -> str | None:
    """Why ``artifact`` cannot be a file of ``record``'s build, or None: a bare file name of
    a wheel or an sdist of that package (and version), of the kind its manifest says."""
    name = artifact.filename
    if name.startswith("."):  # a path or an unprintable name: read_manifest refused it
        return "is not the name of a file in the shard directory (a path, or a hidden file)"
    kind, parsed = artifact_kind(name), name_and_version(name)
    if kind is None or parsed is None:
        return "is not the file name of a wheel or an sdist"
    if kind != artifact.kind:
        return f"is a {kind}, but its manifest records a {artifact.kind or 'file of no kind'}"
    if parsed[0] != canonicalize_name(record.name):
        return f"is a file of {parsed[0]}, not of {record.name}"
    if not pkg.vcs_versioned and parsed[1] != maybe_version(record.version):
        return f"is a file of version {parsed[1]}, not {record.version}"
    return None


def _read_artifact(shard: Path, artifact: ArtifactRecord, record: PackageRecord) -> bytes:
    """The bytes of one listed file: a regular file of ``shard`` itself (a link is never
    followed, a pipe never waited on), of the size recorded."""
    what = f"{shard}: {label(artifact.filename)} of {record.name}"
    path = shard / artifact.filename
    if path.is_symlink():
        raise BuildError(
            f"{what} is a symbolic link; a shard's files must be the files its build wrote, "
            "rebuild that shard"
        )
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise BuildError(
                f"{what} is not a regular file (a directory, a pipe or a device); rebuild "
                "that shard"
            )
        if info.st_size != artifact.size:
            raise BuildError(
                f"{what} does not match its manifest: {info.st_size} bytes, the manifest "
                f"records {artifact.size} (changed after the build); rebuild that shard"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise BuildError(
            f"{what} is listed in its manifest but missing; rebuild that shard"
        ) from None
    except OSError as exc:
        raise BuildError(
            f"{what} cannot be read ({exc.strerror or exc}); make it readable, or rebuild "
            "that shard"
        ) from None


def checked_files(
    shard: Path, record: PackageRecord, pkg: Package, seen: dict[str, tuple[Path, str]]
) -> tuple[bytes, ...]:
    """Every file of ``record``, named as its build names them, read and its sha256 checked;
    ``seen`` (file name -> shard, package) catches a file listed twice."""
    found = []
    for artifact in record.files:
        what = f"{shard}: {label(artifact.filename)} of {record.name}"
        problem = _name_problem(artifact, record, pkg)
        if problem is not None:
            raise BuildError(
                f"{what} {problem}; a shard's manifest lists the files its build wrote, "
                "rebuild that shard"
            )
        if artifact.filename in seen:
            where, owner = seen[artifact.filename]
            same = (where, owner) == (shard, record.name)
            again = "in the same manifest" if same else f"by {where} for {owner}"
            raise BuildError(
                f"{what} is listed twice ({again}); one file has one build, rebuild that shard"
            )
        seen[artifact.filename] = (shard, record.name)
        data = _read_artifact(shard, artifact, record)
        if len(data) != artifact.size or hashlib.sha256(data).hexdigest() != artifact.sha256:
            raise BuildError(
                f"{what} does not match the sha256 its manifest records (changed after the "
                "build); rebuild that shard"
            )
        found.append(data)
    return tuple(found)
