"""The files an earlier build left in dist/ beside a new build of the same package and
version, set aside into the state directory (docs/release-flow.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from relnox.artifacts.checks import artifact_kind, name_and_version
from relnox.artifacts.manifest import BUILT, ArtifactRecord, PackageRecord, state_dir
from relnox.builds.inputs import SOURCE_PARTS
from relnox.errors import BuildError
from relnox.files import file_digest

logger = logging.getLogger("relnox")

EARLIER = "earlier"


def set_aside_earlier(
    label: str,
    made: Sequence[Path],
    dist_dir: Path,
    same_sources: Mapping[str, str] | None = None,
) -> list[ArtifactRecord]:
    """Move out of ``dist_dir`` the files of the package and version of ``made`` that this
    build did not make, of the kinds it made; but the wheels of ``same_sources`` (name ->
    sha256: another Python's wheel of the same sources) stay, and are returned."""
    if not made:
        return []
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
    aside = state_dir(dist_dir) / EARLIER
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


def same_sources(
    earlier: PackageRecord | None, version: str, inputs: Mapping[str, str]
) -> dict[str, str]:
    """The wheels (name -> sha256) build-all recorded for ``earlier``, when it is a build of
    the same version from the same sources as the one recorded with ``inputs``."""
    if earlier is None or earlier.origin != BUILT or earlier.version != version or not inputs:
        return {}
    if any(part not in inputs or earlier.inputs.get(part) != inputs[part] for part in SOURCE_PARTS):
        return {}
    return {f.filename: f.sha256 for f in earlier.files if f.kind == "wheel"}
