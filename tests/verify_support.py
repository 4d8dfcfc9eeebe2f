"""Real wheels for the verify tests: ``uv build`` of sample workspaces plus a build manifest.

Independent of relnox's own build_all on purpose: the verify tests prove verify_install
against artifacts made by a plain, well-known builder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from relnox.artifacts.manifest import (
    ArtifactRecord,
    Manifest,
    PackageRecord,
    sha256_of,
    write_manifest,
)
from relnox.project.discovery import load_workspace
from relnox.tools.envs import uv_binary

_UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")


def uv() -> str:
    found = uv_binary()
    assert found, "uv is needed to build the test fixtures"
    return found


def build_release(root: Path, dist: Path | None = None) -> Manifest:
    """Build every package of the workspace at ``root`` into ``dist`` and write its manifest."""
    workspace = load_workspace(root)
    dist = dist or root / "dist"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["UV_CACHE_DIR"] = _UV_CACHE
    argv = [uv(), "build", "--no-progress", "--out-dir", str(dist)]
    argv += ["--all-packages"] if workspace.is_workspace else []
    subprocess.run(argv, cwd=root, env=env, check=True, capture_output=True)
    records = []
    for pkg in workspace.packages:
        prefix = f"{pkg.dist_name}-{pkg.version}"
        files = sorted(
            p for p in dist.iterdir() if p.name.startswith((f"{prefix}-", f"{prefix}.tar.gz"))
        )
        assert files, f"uv build made nothing for {pkg.name} in {dist}"
        records.append(
            PackageRecord(
                name=pkg.name,
                version=pkg.version,
                directory=str(pkg.directory.relative_to(workspace.root)),
                backend=pkg.backend,
                seconds=0.0,
                files=tuple(
                    ArtifactRecord(
                        filename=p.name,
                        kind="wheel" if p.suffix == ".whl" else "sdist",
                        sha256=sha256_of(p),
                        size=p.stat().st_size,
                    )
                    for p in files
                ),
                depends_on=pkg.internal_deps,
            )
        )
    manifest = Manifest(dist_dir=dist, packages=tuple(records), created="test")
    write_manifest(manifest)
    return manifest


def uv_build(root: Path, out: Path) -> list[str]:
    """Plain ``uv build`` (no relnox anywhere) of every package at ``root`` into ``out``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    argv = [uv(), "build", "--no-progress", "--out-dir", str(out)]
    if (root / "packages").is_dir():
        argv.append("--all-packages")
    subprocess.run(argv, cwd=root, env=env, check=True, capture_output=True)
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def retag(wheel: Path, tag: str, out: Path) -> Path:
    """A copy of the pure ``wheel`` tagged ``tag`` (``cp311-cp311-win_amd64``), as a CI
    matrix job on that platform would have built it: file name, WHEEL and RECORD agree."""
    import base64
    import hashlib
    import zipfile

    name, version = wheel.name.split("-")[:2]
    target = out / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    info = next(n.split("/")[0] for n in items if n.endswith(".dist-info/WHEEL"))
    lines = items[f"{info}/WHEEL"].decode().splitlines()
    kept = [ln for ln in lines if not ln.startswith(("Tag:", "Root-Is-Purelib:"))]
    items[f"{info}/WHEEL"] = (
        "\n".join([*kept, "Root-Is-Purelib: false", f"Tag: {tag}"]) + "\n"
    ).encode()
    record = []
    for path, data in items.items():
        if path == f"{info}/RECORD":
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    items[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for path, data in items.items():
            dst.writestr(path, data)
    return target
