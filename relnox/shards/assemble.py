"""``assemble DIR...``: the shards' dist directories (``build-all --shard K/N --out DIR``)
merged into this checkout's dist/ and one manifest; everything checked before a file is
written, and a failure while writing puts dist/ and its records back as they were."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.artifacts.checks import artifact_kind, name_and_version
from relnox.artifacts.distdir import out_dir
from relnox.artifacts.manifest import (
    MANIFEST_TXT,
    ArtifactRecord,
    Manifest,
    PackageRecord,
    check_state_dir,
    has_manifest,
    manifest_path,
    read_manifest,
    state_dir,
    write_manifest,
)
from relnox.atomic import missing_dirs, put_back, signals_held, snapshot, write_atomic
from relnox.errors import BuildError, RelnoxError, one_line
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.shards.split import ShardSpec
from relnox.stage import Runtime
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version

SHARD_KEY = "shard"  # the shard manifest's extra field: "K/N"


@dataclass(frozen=True)
class AssembleOptions:
    """The shard directories and the packages the assembled set must hold (default: all)."""

    dirs: Sequence[str | Path] = ()
    packages: Sequence[str] = ()
    out: str | Path | None = None  # default: [tool.relnox] dist-dir


@dataclass(frozen=True)
class Piece:
    shard: Path
    record: PackageRecord
    data: tuple[bytes, ...]


@dataclass(frozen=True)
class AssemblePlan:
    workspace: Workspace
    dist_dir: Path
    pieces: tuple[Piece, ...]  # in release order
    git_commit: str | None
    source_date_epoch: int | None
    shards: tuple[Path, ...] = field(default_factory=tuple)

    def describe(self) -> list[str]:
        root = self.workspace.root
        lines = [
            f"assemble {len(self.pieces)} package(s) from {len(self.shards)} shard(s) into "
            f"{rel(self.dist_dir, root)} (commit {self.git_commit or '-'})"
        ]
        for piece in self.pieces:
            files = ", ".join(f.filename for f in piece.record.files)
            lines.append(f"{piece.record.name} {piece.record.version} from {piece.shard}: {files}")
        lines.append(f"write {rel(manifest_path(self.dist_dir), root)}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "dist_dir": str(self.dist_dir),
            "git_commit": self.git_commit,
            "shards": [str(s) for s in self.shards],
            "packages": {p.record.name: str(p.shard) for p in self.pieces},
            "files": [f.filename for p in self.pieces for f in p.record.files],
        }


@dataclass(frozen=True)
class AssembleResult:
    plan: AssemblePlan
    manifest: Path
    files: tuple[Path, ...]

    def describe(self) -> list[str]:
        return [
            f"assembled {len(self.plan.pieces)} package(s), {len(self.files)} file(s) from "
            f"{len(self.plan.shards)} shard(s) into {self.plan.dist_dir}"
        ]

    def to_json(self) -> dict[str, Any]:
        return {**self.plan.to_json(), "manifest": str(self.manifest)}

    def raise_for_failures(self) -> None:
        """Every refusal raises before a file moves."""


def record_shard(dist_dir: Path, spec: ShardSpec, names: Sequence[str]) -> Path:
    """Make ``dist_dir``'s build manifest shard ``spec``'s: marked, and of its packages only."""
    manifest = read_manifest(dist_dir)
    packages = tuple(r for r in manifest.packages if r.name in set(names))
    extra = {**manifest.extra, SHARD_KEY: str(spec)}
    return write_manifest(replace(manifest, packages=packages, extra=extra))


def _read(shard: Path) -> Manifest:
    if shard.exists() and not shard.is_dir():
        raise BuildError(
            f"{shard}: is a file, not a shard directory; pass the directory each shard built "
            "into (relnox build-all --shard K/N --out DIR)"
        )
    if not shard.is_dir():
        raise BuildError(f"{shard}: no such shard directory; pass the dist/ each shard built")
    if not has_manifest(shard):
        raise BuildError(
            f"{shard}: no build manifest ({manifest_path(shard)}); pass a directory "
            "relnox build-all --shard K/N --out DIR wrote, with its .relnox/ beside it"
        )
    try:
        return read_manifest(shard)
    except RelnoxError as exc:
        raise BuildError(f"{shard}: {str(exc).splitlines()[0]}") from None


def _same_commit(manifests: Sequence[tuple[Path, Manifest]], head: str | None) -> str | None:
    """The one commit every shard was built from (this checkout's HEAD when it has one)."""
    recorded = [(m.git_commit, str(shard)) for shard, m in manifests if m.git_commit]
    expected, where = (head, "this checkout") if head else next(iter(recorded), (None, ""))
    if expected is None:
        return None
    for shard, manifest in manifests:
        if manifest.git_commit is None:
            raise BuildError(
                f"{shard}: its manifest records no commit, {where} is at {expected[:12]}; a "
                "shard must be built from the release's commit, rebuild that shard"
            )
        if manifest.git_commit != expected:
            raise BuildError(
                f"{shard}: built from commit {manifest.git_commit[:12]}, {where} is at "
                f"{expected[:12]}; mixed commits cannot be one release, rebuild that shard"
            )
    return expected


def _check_output(
    dist_dir: Path,
    shards: Sequence[Path],
    names: Sequence[str],
    released: set[tuple[str, Version | None]],
) -> None:
    """``dist_dir`` can take the files: no shard is it or holds it, it is a directory with no
    other file of a version assembled (publish would take it) and no folder where a file goes."""
    out = dist_dir.resolve()
    for shard in shards:
        inside = shard.resolve()
        if out.is_relative_to(inside) or inside.is_relative_to(out):
            raise BuildError(
                f"{shard}: is the output directory itself, holds it or lies in it; build the "
                "shards into other directories (build-all --shard K/N --out DIR)"
            )
    if dist_dir.exists() and not dist_dir.is_dir():
        raise BuildError(
            f"{dist_dir}: is a file, not a directory, so the shards cannot be assembled "
            "there; remove it, or pass --out DIR"
        )
    for path in sorted(dist_dir.iterdir()) if dist_dir.is_dir() else []:
        parsed = name_and_version(path.name)
        if parsed and parsed in released and path.name not in names:
            raise BuildError(
                f"{path}: a file of {parsed[0]} {parsed[1]} that no shard built (an earlier "
                "build's?) would be published with the assembled ones; remove it, then assemble"
            )
    for name in names:
        target = dist_dir / name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise BuildError(
                f"{target}: not a regular file, so assemble cannot write {name} there; remove it"
            )
    check_state_dir(dist_dir)


def plan_assemble(workspace: Workspace, options: AssembleOptions) -> AssemblePlan:
    if not options.dirs:
        raise BuildError("assemble needs the shard directories: relnox assemble DIR [DIR ...]")
    for given in (*options.dirs, *([options.out] if options.out else [])):
        if not str(given).isprintable():  # every refusal names it, on one line
            raise BuildError(
                f"{str(given)!r}: a directory whose name holds a control character (a newline?); "
                "rename it, or pass another directory"
            )
    root = workspace.root
    selected = {pkg.name for pkg in workspace.select(options.packages)}
    known = {pkg.name for pkg in workspace.packages} | {b.name for b in workspace.broken}
    dist_dir = out_dir(workspace, options.out)
    head = git.head(root) if shutil.which("git") and git.is_repo(root) else None
    shards = tuple(dict.fromkeys(Path(os.path.abspath(d)) for d in options.dirs))
    manifests = [(shard, _read(shard)) for shard in shards]
    commit = _same_commit(manifests, head)
    owner: dict[str, Path] = {}
    pieces: dict[str, Piece] = {}
    seen: dict[str, tuple[Path, str]] = {}
    epochs = [m.source_date_epoch for _, m in manifests if m.source_date_epoch is not None]
    for shard, manifest in manifests:
        for record in manifest.packages:
            if record.name not in known:
                raise BuildError(
                    f"{shard}: its manifest lists {label(record.name)}, which is no package of this "
                    f"checkout ({root}); pass only the shards built from it"
                )
            if owner.get(record.name) == shard:
                raise BuildError(
                    f"{shard}: its manifest lists {record.name} twice; one build per package, "
                    "rebuild that shard"
                )
            if record.name in owner:
                raise BuildError(
                    f"{shard}: {record.name} is also built by {owner[record.name]}; each "
                    "package must come from one shard (check the --shard K/N of each build)"
                )
            owner[record.name] = shard
            if record.name not in selected:
                continue
            pkg = workspace.get(record.name)
            if record.version != pkg.version:
                raise BuildError(
                    f"{shard}: {record.name} {label(record.version)} but this checkout has "
                    f"{pkg.version}; mixed versions cannot be one release, rebuild that shard"
                )
            pieces[record.name] = Piece(shard, record, checked_files(shard, record, pkg, seen))
    missing = [p.name for p in workspace.packages if p.name in selected and p.name not in pieces]
    if missing:
        raise BuildError(
            f"{', '.join(map(str, shards))}: no shard built {', '.join(missing)}; build every "
            "shard of the plan (build-all --shard K/N), or leave those out with --package"
        )
    released: set[tuple[str, Version | None]] = {
        (canonicalize_name(p.record.name), maybe_version(p.record.version)) for p in pieces.values()
    }
    _check_output(dist_dir, shards, list(seen), released)
    ordered = tuple(pieces[p.name] for p in workspace.packages if p.name in pieces)
    epoch = max(epochs, default=None)
    return AssemblePlan(workspace, dist_dir, ordered, commit, epoch, shards)


def run_assemble(plan: AssemblePlan, runtime: Runtime | None = None) -> AssembleResult:
    """Write the checked files into dist/ and one manifest of them all; all or nothing: a
    failure (a full disk, a Ctrl-C) leaves dist/ and its records as they were."""
    dist, state = plan.dist_dir, state_dir(plan.dist_dir)
    made = missing_dirs(dist, state)
    before: dict[Path, bytes | None] = {
        path: snapshot(path) for path in (manifest_path(dist), state / MANIFEST_TXT)
    }
    written = []
    with signals_held() as stopped:
        try:
            for piece in plan.pieces:
                for artifact, data in zip(piece.record.files, piece.data, strict=True):
                    target = dist / artifact.filename
                    old = snapshot(target)
                    if (signal_name := stopped()) is not None:
                        raise BuildError(f"assembling was stopped ({signal_name})")
                    if old != data:
                        before[target] = old
                        write_atomic(target, data, through_link=False)
                    written.append(target)
            manifest = Manifest(
                dist_dir=dist,
                packages=tuple(p.record for p in plan.pieces),
                git_commit=plan.git_commit,
                source_date_epoch=plan.source_date_epoch,
                created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                extra={"assembled_from": [str(s) for s in plan.shards]},
            )
            path = write_manifest(manifest)
        except (OSError, RelnoxError) as exc:
            put_back(before, made)
            why = exc.message if isinstance(exc, RelnoxError) else exc.strerror or one_line(exc)
            raise BuildError(
                f"{dist}: assembling failed ({why}); dist/ and its records are as they were, "
                "fix that and run assemble again"
            ) from None
    return AssembleResult(plan, path, tuple(written))


def assemble(root: Path | str = ".", options: AssembleOptions | None = None) -> AssembleResult:
    from relnox.project.discovery import load_workspace

    return run_assemble(plan_assemble(load_workspace(root), options or AssembleOptions()))


def label(text: str) -> str:
    """``text`` of a manifest as a one-line message shows it: quoted if not printable."""
    return text if text.isprintable() else repr(text)


def _name_problem(artifact: ArtifactRecord, record: PackageRecord, pkg: Package) -> str | None:
    """Why ``artifact`` is no wheel or sdist file name of ``record`` of its kind, or None."""
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


def _read_artifact(path: Path, size: int, what: str) -> bytes:
    """The bytes of one listed file: a regular file (no link, no pipe) of the ``size`` recorded."""
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
        if info.st_size != size:
            raise BuildError(
                f"{what} does not match its manifest: {info.st_size} bytes, the manifest "
                f"records {size} (changed after the build); rebuild that shard"
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
    """Every file of ``record`` read and its sha256 checked; ``seen`` catches one listed twice."""
    found = []
    for artifact in record.files:
        what = f"{shard}: {label(artifact.filename)} of {record.name}"
        if (problem := _name_problem(artifact, record, pkg)) is not None:
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
        data = _read_artifact(shard / artifact.filename, artifact.size, what)
        if len(data) != artifact.size or hashlib.sha256(data).hexdigest() != artifact.sha256:
            raise BuildError(
                f"{what} does not match the sha256 its manifest records (changed after the "
                "build); rebuild that shard"
            )
        found.append(data)
    return tuple(found)
