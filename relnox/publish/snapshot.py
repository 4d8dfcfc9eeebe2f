"""The bytes a publish sends are the bytes it checked: each file to upload is copied into a
private directory (with its PEP 740 attestations), hashed as it is copied, before the
first upload; a file changed in ``dist/`` after the plan hashed it is refused."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from relnox.errors import PublishError
from relnox.publish.model import PublishPlan
from relnox.tools.upload import attestations_of

_CHUNK = 1024 * 1024


def _copy_hashed(source: Path, target: Path) -> str:
    with source.open("rb") as src, target.open("xb") as dst:
        digest = hashlib.sha256()
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            digest.update(chunk)
            dst.write(chunk)
    return digest.hexdigest()


@contextmanager
def snapshot(plan: PublishPlan, attestations: bool = False) -> Iterator[PublishPlan]:
    """``plan`` with every file to upload read from a private copy (removed afterwards)."""
    private: Path | None = None
    try:
        files = []
        changed = []
        for file in plan.files:
            if file.action != "upload":
                files.append(file)
                continue
            try:
                # a directory only this user reads (mkdtemp: 0700), made for the first copy
                private = private or Path(tempfile.mkdtemp(prefix="relnox-publish-"))
                sha256 = _copy_hashed(file.path, private / file.filename)
            except OSError as exc:
                raise PublishError(
                    f"{file.path}: cannot be read ({exc.strerror or exc}); rebuild with "
                    "relnox build-all; nothing was uploaded"
                ) from None
            if sha256 != file.sha256:
                changed.append(f"{file.path} (sha256 {sha256}, checked {file.sha256})")
            for attestation in attestations_of(file.path) if attestations else ():
                shutil.copyfile(attestation, private / attestation.name)
            files.append(replace(file, path=private / file.filename))
        if changed:
            raise PublishError(
                f"changed since publish checked them: {'; '.join(changed)}; the files in "
                f"{plan.manifest.dist_dir} must stay as built until the upload ends: rebuild "
                "with relnox build-all and publish again; nothing was uploaded"
            )
        yield replace(plan, files=tuple(files))
    finally:
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
