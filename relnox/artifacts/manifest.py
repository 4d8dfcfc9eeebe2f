"""The build manifest: what build_all made, read by verify_install and publish.

``dist/`` holds only distributions (``twine upload dist/*``, ``uv publish`` and the
pypa publish action upload everything in it), so relnox keeps what it knows about a
dist directory in its state directory beside it: ``<parent>/.relnox/<dist name>/``
(``.relnox/dist/`` for the usual ``dist/``), which a ``.gitignore`` of ``*`` keeps
out of git. There ``build-manifest.json`` is the record machines read and
``BUILD_MANIFEST.txt`` the same for people. A file whose sha256 no longer matches
is refused. Manifests of older relnox versions inside ``dist/`` are still read, and
moved out when the next manifest is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnox.atomic import write_atomic
from relnox.errors import BuildError

MANIFEST_JSON = "build-manifest.json"
MANIFEST_TXT = "BUILD_MANIFEST.txt"
STATE_DIR = ".relnox"
SCHEMA = 1
#: PackageRecord.origin: built and checked by build_all, or found in the directory
BUILT = "build-all"
FOUND = "found"


def state_dir(dist_dir: Path) -> Path:
    """Where relnox keeps its records of ``dist_dir``: ``<parent>/.relnox/<name>/``."""
    return dist_dir.parent / STATE_DIR / dist_dir.name


def manifest_path(dist_dir: Path) -> Path:
    return state_dir(dist_dir) / MANIFEST_JSON


def ensure_state_dir(dist_dir: Path) -> Path:
    """:func:`state_dir`, made, with a ``.gitignore`` of ``*`` that keeps it out of git."""
    path = state_dir(dist_dir)
    path.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.is_file():
        write_atomic(ignore, "# relnox's records of built distributions; never committed\n*\n")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ArtifactRecord:
    filename: str
    kind: str  # "wheel" or "sdist"
    sha256: str
    size: int


@dataclass(frozen=True)
class PackageRecord:
    name: str
    version: str
    directory: str  # relative to the workspace root
    backend: str
    seconds: float
    files: tuple[ArtifactRecord, ...]
    depends_on: tuple[str, ...] = ()
    origin: str = BUILT  # BUILT: relnox made and checked the files; FOUND: read from the directory
    inputs: dict[str, str] = field(
        default_factory=dict
    )  # relnox.builds.inputs: what it was built from

    @property
    def wheels(self) -> tuple[ArtifactRecord, ...]:
        return tuple(f for f in self.files if f.kind == "wheel")

    @property
    def sdists(self) -> tuple[ArtifactRecord, ...]:
        return tuple(f for f in self.files if f.kind == "sdist")


@dataclass(frozen=True)
class Manifest:
    dist_dir: Path
    packages: tuple[PackageRecord, ...]
    git_commit: str | None = None
    source_date_epoch: int | None = None
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> PackageRecord:
        for record in self.packages:
            if record.name == name:
                return record
        raise BuildError(
            f"{manifest_path(self.dist_dir)}: no build of {name}; run relnox build-all first"
        )

    def select(self, names: Iterable[str] | None) -> tuple[PackageRecord, ...]:
        wanted = list(names or ())
        return tuple(self.get(n) for n in wanted) if wanted else self.packages

    def checked_path(self, record: ArtifactRecord) -> Path:
        """The artifact's path, after proving it is the file build_all made."""
        path = self.dist_dir / record.filename
        if not path.is_file():
            raise BuildError(
                f"{path}: listed in {MANIFEST_JSON} but missing; rebuild with relnox build-all"
            )
        if sha256_of(path) != record.sha256:
            raise BuildError(
                f"{path}: sha256 differs from {manifest_path(self.dist_dir)} (the file changed "
                "after the build); rebuild with relnox build-all, or delete that manifest to "
                "take the files as they are"
            )
        return path

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "created": self.created,
            "git_commit": self.git_commit,
            "source_date_epoch": self.source_date_epoch,
            "packages": [asdict(p) for p in self.packages],
            **self.extra,
        }


def render_text(manifest: Manifest) -> str:
    lines = [
        "Build manifest",
        f"created: {manifest.created}",
        f"git commit: {manifest.git_commit or '-'}",
        f"SOURCE_DATE_EPOCH: {manifest.source_date_epoch or '-'}",
        "",
    ]
    for record in manifest.packages:
        lines.append(f"{record.name} {record.version} ({record.backend}, {record.seconds:.1f}s)")
        for f in record.files:
            lines.append(f"  {f.filename}  {f.size} bytes  sha256:{f.sha256}")
    return "\n".join(lines) + "\n"


def write_manifest(manifest: Manifest) -> Path:
    """Write both manifest files atomically into the state directory; the JSON path is
    returned. A manifest an older relnox left inside the dist directory is removed."""
    state = ensure_state_dir(manifest.dist_dir)
    path = state / MANIFEST_JSON
    write_atomic(path, json.dumps(manifest.to_json(), indent=2, sort_keys=False) + "\n")
    write_atomic(state / MANIFEST_TXT, render_text(manifest))
    for legacy in (MANIFEST_JSON, MANIFEST_TXT):
        (manifest.dist_dir / legacy).unlink(missing_ok=True)
    return path


def has_manifest(dist_dir: Path) -> bool:
    return manifest_path(dist_dir).is_file() or (dist_dir / MANIFEST_JSON).is_file()


def read_manifest(dist_dir: Path) -> Manifest:
    path = manifest_path(dist_dir)
    if not path.is_file() and (dist_dir / MANIFEST_JSON).is_file():
        path = dist_dir / MANIFEST_JSON  # written by an older relnox
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{path}: no build manifest; run relnox build-all first") from None
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path}: not valid JSON ({exc}); rebuild with relnox build-all") from None
    known = {"schema", "created", "git_commit", "source_date_epoch", "packages"}
    packages = tuple(
        PackageRecord(
            name=p["name"],
            version=p["version"],
            directory=p.get("directory", ""),
            backend=p.get("backend", ""),
            seconds=float(p.get("seconds", 0.0)),
            files=tuple(ArtifactRecord(**f) for f in p["files"]),
            depends_on=tuple(p.get("depends_on", ())),
            origin=p.get("origin", BUILT),
            inputs={str(k): str(v) for k, v in (p.get("inputs") or {}).items()},
        )
        for p in data.get("packages", [])
    )
    return Manifest(
        dist_dir=dist_dir,
        packages=packages,
        git_commit=data.get("git_commit"),
        source_date_epoch=data.get("source_date_epoch"),
        created=data.get("created", ""),
        extra={k: v for k, v in data.items() if k not in known},
    )


def merge(old: Manifest | None, new: Sequence[PackageRecord], **fields: Any) -> Manifest:
    """``new`` records replace the same packages of ``old``; others are kept."""
    kept = [p for p in (old.packages if old else ()) if p.name not in {n.name for n in new}]
    return Manifest(packages=(*kept, *new), **fields)
