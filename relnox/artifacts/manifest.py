"""The build manifest: what build_all made, read by verify_install and publish; kept in
``<parent>/.relnox/<dist name>/`` (an older relnox's in ``dist/`` is read, and moved out on
the next write). Unknown fields and ``inputs`` parts are ignored."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from relnox.atomic import write_atomic
from relnox.errors import BuildError
from relnox.files import file_digest


class ManifestError(BuildError):
    """The build manifest cannot be read."""


MANIFEST_JSON = "build-manifest.json"
MANIFEST_TXT = "BUILD_MANIFEST.txt"
STATE_DIR = ".relnox"
SCHEMA = 1
#: the largest build manifest relnox reads (bytes): 500 packages' take about 1 MB
MANIFEST_LIMIT = 64 * 1024 * 1024
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
    _refuse_link(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.is_file():
            text = "# relnox's records of built distributions; never committed\n*\n"
            write_atomic(ignore, text, through_link=False)
    except OSError as exc:
        raise state_error(path, exc) from None
    return path


def state_error(path: Path, exc: OSError) -> BuildError:
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    what = f"{blocker} is a file, not a directory" if blocker else (exc.strerror or str(exc))
    return BuildError(
        f"{path}: relnox cannot write its build records there ({what}); make it a writable "
        f"directory (or remove {blocker or path}), or build into another directory with --out"
    )


def _refuse_link(path: Path) -> None:
    """Refuse a state directory, or the ``.relnox`` holding it, that is a link."""
    for folder in (path.parent, path):
        if folder.is_symlink():
            raise BuildError(
                f"{folder}: a link (to {os.readlink(folder)}), where relnox keeps its build "
                "records in a directory of its own; remove the link (relnox makes the "
                "directory), or build into another directory with --out"
            )


def check_state_dir(dist_dir: Path) -> None:
    """Raise before any build when ``dist_dir``'s state directory cannot be made or written."""
    path = state_dir(dist_dir)
    _refuse_link(path)
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise state_error(path, NotADirectoryError(20, "Not a directory"))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise state_error(path, PermissionError(13, "Permission denied"))
    for name in (MANIFEST_JSON, MANIFEST_TXT):
        record = path / name
        if (record.exists() or record.is_symlink()) and not record.is_file():
            raise BuildError(
                f"{record}: not a file, so relnox cannot write its build record there; remove it"
            )


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
    inputs: dict[str, str] = field(default_factory=dict)  # what it was built from
    #: relnox.artifacts.checks.proof of a clean check of these files ("": none recorded)
    checked: str = ""

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
        if file_digest(path) != record.sha256:
            raise changed_file(path, self.dist_dir)
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


def changed_file(path: Path, dist_dir: Path) -> BuildError:
    """The error for a file of ``dist_dir`` whose bytes are not those its manifest records."""
    return BuildError(
        f"{path}: sha256 differs from {manifest_path(dist_dir)} (the file changed after the "
        "build); rebuild with relnox build-all, or delete that manifest to take the files as "
        "they are"
    )


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
        lines += [f"  {f.filename}  {f.size} bytes  sha256:{f.sha256}" for f in record.files]
    return "\n".join(lines) + "\n"


def write_manifest(manifest: Manifest) -> Path:
    """Write both manifest files atomically into the state directory (a manifest an older
    relnox left in the dist directory goes); the JSON path."""
    state = ensure_state_dir(manifest.dist_dir)
    path = state / MANIFEST_JSON
    try:
        text = json.dumps(manifest.to_json(), indent=2, sort_keys=False) + "\n"
        write_atomic(path, text, through_link=False)
        write_atomic(state / MANIFEST_TXT, render_text(manifest), through_link=False)
    except OSError as exc:
        raise state_error(state, exc) from None
    for legacy in (MANIFEST_JSON, MANIFEST_TXT):
        (manifest.dist_dir / legacy).unlink(missing_ok=True)
    return path


def has_manifest(dist_dir: Path) -> bool:
    return manifest_path(dist_dir).is_file() or (dist_dir / MANIFEST_JSON).is_file()


MOST_SECONDS = 365 * 86400.0  # the longest build time a record may hold: a year


def build_seconds(value: object) -> bool:
    """Whether ``value`` is a build's time: a number of seconds, 0 to a year (not nan, -5,
    a bool, or 10**400, which no float holds)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and 0 <= value <= MOST_SECONDS
    )


def _major(value: Any) -> int | None:
    """The major version of a ``schema`` field (``1``, ``"1"``, ``"1.2"``), or ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.split(".")[0].isdigit():
        return int(value.split(".")[0])
    return None


def _text(data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} must be a string")
    return value


def _artifact(data: Any, where: str) -> ArtifactRecord:
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    size = data.get("size")
    if not isinstance(size, int) or isinstance(size, bool):
        raise ValueError(f"{where}: 'size' must be a whole number")
    filename = _text(data, "filename", where)
    if (
        filename in ("", ".", "..")
        or any(c in filename for c in "/\\")
        or not filename.isprintable()
        or any(c.isspace() for c in filename)
    ):
        raise ValueError(f"{where}: 'filename' {filename!r} is not the name of a file of dist/")
    return ArtifactRecord(filename, _text(data, "kind", where), _text(data, "sha256", where), size)


def _package(data: Any, where: str) -> PackageRecord:
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object")
    files = data.get("files")
    if not isinstance(files, list):
        raise ValueError(f"{where}: 'files' must be a list")
    seconds = data.get("seconds", 0.0)
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        raise ValueError(f"{where}: 'seconds' must be a number")
    if not build_seconds(seconds):
        raise ValueError(f"{where}: 'seconds' must be a build's time, 0 to {MOST_SECONDS:.0f}")
    depends = data.get("depends_on", [])
    inputs = data.get("inputs") or {}
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        raise ValueError(f"{where}: 'depends_on' must be a list of names")
    if not isinstance(inputs, dict):
        raise ValueError(f"{where}: 'inputs' must be an object")
    return PackageRecord(
        name=_text(data, "name", where),
        version=_text(data, "version", where),
        directory=_text(data, "directory", where, ""),
        backend=_text(data, "backend", where, ""),
        seconds=float(seconds),
        files=tuple(_artifact(f, f"{where} file {i + 1}") for i, f in enumerate(files)),
        depends_on=tuple(depends),
        origin=_text(data, "origin", where, BUILT),
        inputs={str(k): str(v) for k, v in inputs.items()},
        checked=_text(data, "checked", where, ""),
    )


def read_manifest(dist_dir: Path) -> Manifest:
    """The manifest of ``dist_dir``; :class:`ManifestError` when it is missing or unreadable."""
    path = manifest_path(dist_dir)
    if not path.is_file() and (dist_dir / MANIFEST_JSON).is_file():
        path = dist_dir / MANIFEST_JSON  # written by an older relnox
    fix = "rebuild with relnox build-all"
    try:
        size = path.stat().st_size
        if size > MANIFEST_LIMIT:
            raise ManifestError(
                f"{path}: {size:,} bytes, more than any build manifest relnox writes "
                f"({MANIFEST_LIMIT:,} at most); {fix}"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no build manifest; run relnox build-all first") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc}); {fix}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not valid JSON ({exc}); {fix}") from None
    except RecursionError:
        raise ManifestError(f"{path}: not a build manifest (nested too deeply); {fix}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: not a build manifest (a JSON object); {fix}")
    major = _major(data.get("schema", SCHEMA))
    if major is None:
        raise ManifestError(f"{path}: 'schema' {data.get('schema')!r} is not a version; {fix}")
    if major > SCHEMA:
        raise ManifestError(
            f"{path}: written by a newer relnox (schema {data.get('schema')}, this one reads "
            f"{SCHEMA}); {fix}, or upgrade relnox"
        )
    known = {"schema", "created", "git_commit", "source_date_epoch", "packages"}
    try:
        packages = data.get("packages", [])
        if not isinstance(packages, list):
            raise ValueError("'packages' must be a list")
        commit = data.get("git_commit")
        epoch = data.get("source_date_epoch")
        if commit is not None and not isinstance(commit, str):
            raise ValueError("'git_commit' must be a string")
        if epoch is not None and (not isinstance(epoch, int) or isinstance(epoch, bool)):
            raise ValueError("'source_date_epoch' must be a whole number")
        manifest = Manifest(
            dist_dir=dist_dir,
            packages=tuple(_package(p, f"package {i + 1}") for i, p in enumerate(packages)),
            git_commit=commit,
            source_date_epoch=epoch,
            created=_text(data, "created", "the manifest", ""),
            extra={k: v for k, v in data.items() if k not in known},
        )
    except ValueError as exc:
        raise ManifestError(f"{path}: malformed ({exc}); {fix}") from None
    return manifest


def merge(old: Manifest | None, new: Sequence[PackageRecord], **fields: Any) -> Manifest:
    """``new`` records replace the same packages of ``old``; others are kept."""
    kept = [p for p in (old.packages if old else ()) if p.name not in {n.name for n in new}]
    return Manifest(packages=(*kept, *new), **fields)
