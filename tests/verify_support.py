"""Real wheels for the verify tests: ``uv build`` of sample workspaces plus a build manifest.

Independent of relnox's own build_all on purpose: the verify tests prove verify_install
against artifacts made by a plain, well-known builder.
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from relnox.artifacts.manifest import ArtifactRecord, Manifest, PackageRecord, write_manifest
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.tools.envs import uv_binary

_UV_CACHE = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")

#: the user's own home, whatever ``HOME`` says (a clean ``HOME`` still has pyenv's Pythons)
HOME = Path(pwd.getpwuid(os.getuid()).pw_dir)


@functools.cache
def other_python() -> str | None:
    """An installed CPython 3.9+ (with pip) of another minor version than the one running
    the tests, or None when this machine has none."""
    candidates = sorted(HOME.glob(".pyenv/versions/3.*/bin/python3")) + [
        Path(found) for minor in range(9, 15) if (found := shutil.which(f"python3.{minor}"))
    ]
    for candidate in candidates:
        probe = subprocess.run(
            [str(candidate), "-c", "import sys, pip; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        version = tuple(int(part) for part in probe.stdout.split()) if probe.returncode == 0 else ()
        if version and (3, 9) <= version != sys.version_info[:2]:
            return str(candidate)
    return None


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
                        sha256=file_digest(p),
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
