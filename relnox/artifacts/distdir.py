"""The distributions of a directory, whoever built them: :func:`load_release` maps, checks
and records them; :func:`set_aside_earlier` moves an earlier build's files out of the way."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from relnox.artifacts.checks import (
    Expectation,
    artifact_kind,
    check_for_record,
    name_and_version,
    proof,
)
from relnox.artifacts.manifest import (
    BUILT,
    FOUND,
    MANIFEST_JSON,
    MANIFEST_TXT,
    ArtifactRecord,
    Manifest,
    PackageRecord,
    changed_file,
    has_manifest,
    merge,
    read_manifest,
    state_dir,
    write_manifest,
)
from relnox.errors import BuildError, ConfigError, RelnoxError
from relnox.files import file_digest
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace, needs

logger = logging.getLogger("relnox")


def dist_path(workspace: Workspace, given: Path | str | None = None) -> Path:
    """The dist directory: ``given`` (``--dist``) or ``[tool.relnox] dist-dir``."""
    dist = Path(given or workspace.config.dist_dir)
    return dist if dist.is_absolute() else workspace.root / dist


def out_dir(workspace: Workspace, out: Path | str | None) -> Path:
    """Where build-all and assemble write: ``out`` (``--out``) or ``[tool.relnox] dist-dir``,
    a directory of its own: not the repository's root or above it, not in ``.git`` or in
    the directory of a package other than the root's (whose next sdist would take them in)."""
    dist_dir = Path(out).absolute() if out else dist_path(workspace)
    setting = "--out" if out else f"{workspace.config.source}: [tool.relnox] dist-dir"
    root = workspace.root
    resolved, top = dist_dir.resolve(), root.resolve()
    if top.is_relative_to(resolved):
        raise ConfigError(
            f"{setting} {dist_dir} is the repository's root {root} or above it; built files "
            'would lie among the sources: give them a directory of their own (e.g. "dist")'
        )
    packages = [pkg.directory for pkg in workspace.packages]
    inside = next(
        (d for d in packages if d.resolve() != top and resolved.is_relative_to(d.resolve())),
        None,
    )
    if resolved.is_relative_to(top) and ".git" in resolved.relative_to(top).parts:
        inside = top / ".git"
    if inside is not None:
        raise ConfigError(
            f"{setting} {dist_dir} lies in {inside}, where built files would be taken for "
            "its own (the next sdist, git's records): give them a directory of their own "
            '(e.g. "dist" at the root)'
        )
    return dist_dir


Found = list[tuple[Path, Version]]


def scan(dist_dir: Path, error: type) -> dict[str, Found]:
    """Every distribution in ``dist_dir`` by canonical project name (what publish uploads);
    ``error`` for a file whose name no installer or index takes."""
    found: dict[str, Found] = {}
    for path in sorted(dist_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        parsed = name_and_version(path.name)
        if parsed is None:
            # an older relnox's manifest, or a PEP 740 attestation (publish --attestations)
            if path.name not in (MANIFEST_JSON, MANIFEST_TXT) and path.suffix != ".attestation":
                logger.warning(
                    "%s: not a wheel or an sdist; left out (twine upload dist/* would refuse it)",
                    path,
                )
            continue
        if not path.name.isprintable() or any(c.isspace() for c in path.name):
            raise error(
                f"{path.parent}/{path.name!r}: a distribution's name holding a line end, tab or "
                "space, which no build makes and no index takes; remove it from dist/"
            )
        if path.is_symlink() and path.resolve().name != path.name:
            # an installer reads the name of the file the link leads to, not the link's
            raise error(
                f"{path}: a link to {path.resolve()}, whose name is not the distribution's, "
                "so installers refuse it or take it for another; copy the file there instead"
            )
        found.setdefault(parsed[0], []).append((path, parsed[1]))
    return found


def _version(
    pkg: Package, files: Found, recorded: PackageRecord | None, dist_dir: Path, error: type
) -> Version:
    """The version of ``pkg`` to release from ``files``; the others are left out."""
    versions = sorted({v for _, v in files})
    shown = ", ".join(str(v) for v in versions)
    if pkg.vcs_versioned:
        if len(versions) == 1:
            return versions[0]
        if recorded is not None and Version(recorded.version) in versions:
            return Version(recorded.version)
        raise error(
            f"{dist_dir}: holds versions {shown} of {pkg.name}, whose version comes from git "
            "tags; remove the files of the versions not to release"
        )
    try:
        wanted = Version(pkg.version)
    except InvalidVersion:
        raise error(f"{pkg.pyproject}: version {pkg.version!r} is not PEP 440; fix it") from None
    if wanted not in versions:
        raise error(
            f"{dist_dir}: {pkg.name} was built at {shown} but its pyproject says {pkg.version}; "
            "artifacts of other versions are refused: rebuild with relnox build-all "
            "(or your build tool)"
        )
    return wanted


def _set_problems(
    pkg: Package, version: Version, paths: Sequence[Path], recorded: frozenset[str] = frozenset()
) -> list[str]:
    """What is wrong with the files of one version of one package; of two where one belongs,
    the one named is not recorded, or not normalized."""
    spelled = canonicalize_name(pkg.name).replace("-", "_") + "-"

    def rank(name: str) -> tuple[bool, bool]:
        return name not in recorded, not name.startswith(spelled)

    sdists = sorted(
        (p.name for p in paths if artifact_kind(p.name) == "sdist"), key=lambda n: (*rank(n), n)
    )
    wheels = sorted(  # then a wheel without a build tag: the others are its twins
        (p.name for p in paths if artifact_kind(p.name) == "wheel"),
        key=lambda name: (*rank(name), bool(parse_wheel_filename(name)[2]), name),
    )
    problems = [
        f"+ {name}  (a second sdist; an index takes one per version)" for name in sdists[1:]
    ]
    seen: dict[object, str] = {}  # each tag -> the wheel kept for it
    for name in wheels:
        tags = parse_wheel_filename(name)[3]
        # tags in common (py3-none-any and py2.py3-none-any): an installer there takes either
        shared = next((seen[tag] for tag in sorted(tags, key=str) if tag in seen), None)
        if shared is not None:
            problems.append(f"+ {name}  (installs where {shared} does; keep one)")
        else:
            seen.update(dict.fromkeys(tags, name))
    if not sdists:
        no_sdist = "no sdist; users on platforms without a matching wheel cannot install it"
        logger.warning("%s %s: %s", pkg.name, version, no_sdist)
    return problems


def _record(
    pkg: Package,
    files: Found,
    recorded: PackageRecord | None,
    workspace: Workspace,
    dist_dir: Path,
    error: type,
    prove: bool = True,
) -> PackageRecord:
    version = _version(pkg, files, recorded, dist_dir, error)
    paths = [p for p, v in files if v == version]
    others = [p.name for p, v in files if v != version]
    if others:
        left = ", ".join(others)
        logger.warning("%s: files of other versions of %s left out: %s", dist_dir, pkg.name, left)
    if recorded is not None and Version(recorded.version) != version:
        recorded = None  # a record of another version vouches for nothing here
    vouched = {f.filename: f for f in recorded.files} if recorded is not None else {}
    problems = _set_problems(pkg, version, paths, frozenset(vouched))
    if recorded is not None and recorded.origin == BUILT:
        gone = set(vouched) - {p.name for p in paths}
        problems = [f"- {n}  (recorded by build-all, missing)" for n in sorted(gone)] + problems
    if problems:
        raise error(
            f"{dist_dir}: the files of {pkg.name} {version} are not the expected set "
            "(one sdist and one wheel per platform):\n"
            + "\n".join(f"  {line}" for line in problems)
            + "\nrebuild them, or remove the extra files"
        )
    records: list[ArtifactRecord] = []
    unchecked: list[Path] = []
    for path in sorted(paths, key=lambda p: artifact_kind(p.name) != "sdist"):
        known = vouched.get(path.name)
        digest = file_digest(path)
        if known is None or known.sha256 != digest:
            if known is not None and recorded is not None and recorded.origin == BUILT:
                raise changed_file(path, dist_dir)
            unchecked.append(path)
        kind = artifact_kind(path.name) or ""
        records.append(ArtifactRecord(path.name, kind, digest, path.stat().st_size))
    as_built = Expectation.for_package(pkg)  # what build-all's proof and publish's hold
    expected = replace(as_built, version=str(version))
    if recorded is not None and not unchecked and len(records) == len(recorded.files):
        # the record's hashes vouch for the bytes only with the proof of build-all's
        # check on them: else each file must at least be what its name says
        pairs = [(r.filename, r.sha256) for r in records]
        if prove and (not recorded.checked or recorded.checked != proof(as_built, pairs)):
            check_for_record(paths, expected, identity=True)
        return recorded
    checked = ""  # the proof of a clean check of every file here, made now
    if unchecked:
        logger.info(
            "%s %s: checking %d file(s) relnox did not build: %s",
            pkg.name,
            version,
            len(unchecked),
            ", ".join(p.name for p in unchecked),
        )
        notes, provable = check_for_record(unchecked, expected)
        for note in notes:
            logger.warning("%s: %s", pkg.name, note)
        if provable and len(unchecked) == len(records):  # publish need not check them again
            checked = proof(expected, [(r.filename, r.sha256) for r in records])
    return PackageRecord(
        name=pkg.name,
        version=str(version) if recorded is None else recorded.version,
        directory=rel(pkg.directory, workspace.root),
        backend=recorded.backend if recorded is not None else "",
        seconds=0.0,
        files=tuple(records),
        depends_on=pkg.internal_deps,
        origin=BUILT if recorded is not None and not unchecked else FOUND,
        checked=checked,
    )


def load_release(
    workspace: Workspace,
    dist_dir: Path,
    packages: Sequence[str] = (),
    *,
    dependencies: bool = False,
    error: type[RelnoxError] = BuildError,
    write_record: bool = True,
    prove: bool = True,
) -> Manifest:
    """The distributions of ``dist_dir`` for ``packages`` (default: all there), checked and
    recorded; with ``dependencies`` also those they need. With ``prove``, files a record
    vouches for without build-all's proof must still be what their names say."""
    dist_dir = dist_dir if dist_dir.is_absolute() else workspace.root / dist_dir
    if not dist_dir.is_dir():
        raise error(
            f"{dist_dir}: no such directory; build the release first (relnox build-all, "
            "uv build, or your build tool) or pass --dist with the directory of the files"
        )
    old = read_manifest(dist_dir) if has_manifest(dist_dir) else None
    found = scan(dist_dir, error)
    # a member that could not be loaded is no stranger: its problem was said, it is left out
    known = {p.name for p in workspace.packages}
    known |= {canonicalize_name(b.name or b.directory.name) for b in workspace.broken}
    strangers = sorted(n for n in found if n not in known)
    if strangers:
        raise error(
            f"{dist_dir}: holds distributions of {', '.join(strangers)}, which are not packages "
            f"of {workspace.root}; remove them, or point --dist at a directory of this "
            "repository's files only"
        )
    names = [p.name for p in workspace.select(packages)] if packages else sorted(found)
    if not names:
        raise error(
            f"{dist_dir}: no wheels or sdists; build the release first (relnox build-all, "
            "uv build, or your build tool)"
        )
    missing = [n for n in names if n not in found]
    if missing:
        raise error(
            f"{dist_dir}: no wheel or sdist of {', '.join(missing)}; build it first "
            f"(relnox build-all --package {missing[0]})"
        )
    recorded = {r.name: r for r in old.packages} if old is not None else {}
    present = set(found) if dependencies else set()
    wanted = needs(
        workspace,
        names,
        lambda n: [d for d in workspace.get(n).internal_deps if canonicalize_name(d) in present],
    )
    records = tuple(
        _record(pkg, found[pkg.name], recorded.get(pkg.name), workspace, dist_dir, error, prove)
        for pkg in workspace.packages
        if pkg.name in wanted
    )
    manifest = (
        replace(old, dist_dir=dist_dir, packages=records) if old else Manifest(dist_dir, records)
    )
    changed = [r for r in records if recorded.get(r.name) != r]
    if changed and write_record:
        try:  # the other packages' records kept
            whole = merge(old, records, dist_dir=dist_dir)
            path = write_manifest(replace(manifest, packages=whole.packages))
        except (OSError, BuildError) as exc:
            logger.warning("%s: cannot record the files found (%s)", dist_dir, exc)
        else:
            recorded_now = ", ".join(f"{r.name} {r.version}" for r in changed)
            logger.info("recorded %s in %s", recorded_now, path)
    return manifest


def set_aside_earlier(
    label: str,
    made: Sequence[Path],
    dist_dir: Path,
    same_sources: Mapping[str, str] | None = None,
) -> list[ArtifactRecord]:
    """Move out of ``dist_dir`` the files of the package and version of ``made`` that this
    build did not make, of the kinds it made; but the wheels of ``same_sources`` (name ->
    sha256: another Python's wheel of the same sources) stay, and are returned."""
    ours = {p.name for p in made}
    versions = {name_and_version(p.name) for p in made}
    kinds = {artifact_kind(p.name) for p in made}
    earlier = [
        path
        for path in sorted(dist_dir.iterdir())
        if path.name not in ours
        and name_and_version(path.name) in versions
        and artifact_kind(path.name) in kinds
        and (path.is_file() or path.is_symlink())
    ]
    kept = [
        ArtifactRecord(path.name, "wheel", same_sources[path.name], path.stat().st_size)
        for path in earlier
        if same_sources
        and artifact_kind(path.name) == "wheel"
        and not path.is_symlink()
        and same_sources.get(path.name) == file_digest(path)
    ]
    earlier = [path for path in earlier if path.name not in {k.filename for k in kept}]
    aside = state_dir(dist_dir) / "earlier"
    for path in earlier:
        try:
            aside.mkdir(parents=True, exist_ok=True)
            os.replace(path, aside / path.name)
        except OSError as exc:
            raise BuildError(
                f"{path}: a file of {label} this build did not make (left by an earlier build), and "
                f"it cannot be moved to {aside} ({exc.strerror or exc}); remove it, so that "
                "dist/ holds this build only"
            ) from None
        logger.warning(
            "%s: a file of %s this build did not make (left by an earlier build, or put there "
            "during it); moved to %s, so that neither publish nor twine upload dist/* sends "
            "it with this build",
            path,
            label,
            aside,
        )
    return kept
