"""``assemble DIR...``: the shards' outputs merged into this checkout's dist/ and one manifest.

Each DIR is a dist directory as ``build-all --shard K/N --out DIR`` leaves it, its
manifest in ``.relnox/`` beside it. Everything is checked before a file is written:
every listed file is read and its sha256 compared with its shard's manifest; a package
built by two shards, a selected package no shard built, shards built from different
commits (or another commit than this checkout's), and a package whose version is not
this checkout's are each refused with one line naming the shard directory. Then the
files are written into dist/ (each atomically, from the bytes that were checked) and
one manifest for them all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from relnox.artifacts.manifest import (
    Manifest,
    PackageRecord,
    has_manifest,
    manifest_path,
    read_manifest,
    write_manifest,
)
from relnox.atomic import write_atomic
from relnox.errors import BuildError, RelnoxError
from relnox.paths import own_dist_dir, rel
from relnox.project.workspace import Workspace
from relnox.shards.split import ShardSpec
from relnox.stage import Runtime
from relnox.tools import git

SHARD_KEY = "shard"  # the shard manifest's extra field: "K/N"


@dataclass(frozen=True)
class AssembleOptions:
    """The shard directories and the packages the assembled set must hold (default: all)."""

    dirs: Sequence[str | Path] = ()
    packages: Sequence[str] = ()
    out: str | Path | None = None  # default: [tool.relnox] dist-dir


@dataclass(frozen=True)
class Piece:
    """One package of one shard, its files already read and checked."""

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
        """Every refusal (a duplicate, a missing package, a hash) raises before a file moves."""


def record_shard(dist_dir: Path, spec: ShardSpec, names: Sequence[str]) -> Path:
    """Make the build manifest of ``dist_dir`` shard ``spec``'s: marked with it, and listing
    only the shard's packages (builds of others an earlier run left there are not its)."""
    manifest = read_manifest(dist_dir)
    return write_manifest(
        dataclasses.replace(
            manifest,
            packages=tuple(r for r in manifest.packages if r.name in set(names)),
            extra={**manifest.extra, SHARD_KEY: str(spec)},
        )
    )


def _read(shard: Path) -> Manifest:
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


def _checked(shard: Path, record: PackageRecord) -> tuple[bytes, ...]:
    found = []
    for artifact in record.files:
        path = shard / artifact.filename
        try:
            data = path.read_bytes()
        except OSError:
            raise BuildError(
                f"{shard}: {artifact.filename} of {record.name} is listed in its manifest but "
                "missing; rebuild that shard"
            ) from None
        if hashlib.sha256(data).hexdigest() != artifact.sha256:
            raise BuildError(
                f"{shard}: {artifact.filename} of {record.name} does not match the sha256 its "
                "manifest records (changed after the build); rebuild that shard"
            )
        found.append(data)
    return tuple(found)


def plan_assemble(workspace: Workspace, options: AssembleOptions) -> AssemblePlan:
    """Read and check every shard; refuse anything that would not make one whole release."""
    if not options.dirs:
        raise BuildError("assemble needs the shard directories: relnox assemble DIR [DIR ...]")
    root = workspace.root
    selected = {pkg.name for pkg in workspace.select(options.packages)}
    dist_dir = Path(options.out).absolute() if options.out else root / workspace.config.dist_dir
    setting = "--out" if options.out else f"{workspace.config.source}: [tool.relnox] dist-dir"
    own_dist_dir(dist_dir, root, setting)
    head = git.head(root) if shutil.which("git") and git.is_repo(root) else None
    shards = tuple(dict.fromkeys(Path(os.path.abspath(d)) for d in options.dirs))
    owner: dict[str, Path] = {}
    pieces: dict[str, Piece] = {}
    commit: tuple[str, Path] | None = (head, root) if head else None
    epochs: list[int] = []
    for shard in shards:
        if shard.resolve() == dist_dir.resolve():
            raise BuildError(
                f"{shard}: is the output directory itself; build the shards into other "
                "directories (build-all --shard K/N --out DIR)"
            )
        manifest = _read(shard)
        if manifest.git_commit and commit and manifest.git_commit != commit[0]:
            where = "this checkout" if commit[1] == root else str(commit[1])
            raise BuildError(
                f"{shard}: built from commit {manifest.git_commit[:12]}, {where} is at "
                f"{commit[0][:12]}; mixed commits cannot be one release, rebuild that shard"
            )
        if manifest.git_commit and commit is None:
            commit = (manifest.git_commit, shard)
        if manifest.source_date_epoch is not None:
            epochs.append(manifest.source_date_epoch)
        for record in manifest.packages:
            if record.name in owner:
                raise BuildError(
                    f"{shard}: {record.name} is also built by {owner[record.name]}; each "
                    "package must come from one shard (check the --shard K/N of each build)"
                )
            owner[record.name] = shard
            if record.name not in selected:
                continue
            version = workspace.get(record.name).version
            if record.version != version:
                raise BuildError(
                    f"{shard}: {record.name} {record.version} but this checkout has "
                    f"{version}; mixed versions cannot be one release, rebuild that shard"
                )
            pieces[record.name] = Piece(shard, record, _checked(shard, record))
    missing = [
        name for pkg in workspace.packages if (name := pkg.name) in selected and name not in pieces
    ]
    if missing:
        raise BuildError(
            f"{', '.join(map(str, shards))}: no shard built {', '.join(missing)}; build every "
            "shard of the plan (build-all --shard K/N), or leave those out with --package"
        )
    order = [pkg.name for pkg in workspace.packages if pkg.name in pieces]
    return AssemblePlan(
        workspace=workspace,
        dist_dir=dist_dir,
        pieces=tuple(pieces[n] for n in order),
        git_commit=commit[0] if commit else None,
        source_date_epoch=max(epochs, default=None),
        shards=shards,
    )


def run_assemble(plan: AssemblePlan, runtime: Runtime | None = None) -> AssembleResult:
    """Write the checked files into dist/ and one manifest of them all."""
    written = []
    for piece in plan.pieces:
        for artifact, data in zip(piece.record.files, piece.data, strict=True):
            written.append(write_atomic(plan.dist_dir / artifact.filename, data))
    manifest = Manifest(
        dist_dir=plan.dist_dir,
        packages=tuple(p.record for p in plan.pieces),
        git_commit=plan.git_commit,
        source_date_epoch=plan.source_date_epoch,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        extra={"assembled_from": [str(s) for s in plan.shards]},
    )
    return AssembleResult(plan, write_manifest(manifest), tuple(written))


def assemble(root: Path | str = ".", options: AssembleOptions | None = None) -> AssembleResult:
    """Load the workspace at ``root``, check the shards and assemble them."""
    from relnox.project.discovery import load_workspace

    return run_assemble(plan_assemble(load_workspace(root), options or AssembleOptions()))
