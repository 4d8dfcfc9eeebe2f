"""Fixtures of the guard tests: a workspace whose old versions are on a real local index."""

from __future__ import annotations

import shutil
from pathlib import Path

from relnox.artifacts.manifest import Manifest
from relnox.sample import ProjectSpec, write_workspace
from tests.verify_support import build_release

CORE_V1 = '''"""Core."""

__version__ = "{version}"


def helper() -> str:
    return "help"


def other() -> int:
    return 1
'''
CORE_WITHOUT_HELPER = '''"""Core."""

__version__ = "{version}"


def other() -> int:
    return 1
'''
AGENTS = '''"""Agents: uses core's helper at import time."""

from {core}  import helper

__version__ = "{version}"
HELP = helper()
'''


def specs(prefix: str, core: str, core_version: str, agents_requires: str) -> list[ProjectSpec]:
    core_name, agents_name = f"{prefix}-core", f"{prefix}-agents"
    core_module = core_name.replace("-", "_")
    return [
        ProjectSpec(
            core_name,
            core_version,
            extra_files={f"{core_module}/__init__.py": core.format(version=core_version)},
        ),
        ProjectSpec(
            agents_name,
            "1.0.0",
            requires=[f"{core_name}{agents_requires}"],
            extra_files={
                f"{agents_name.replace('-', '_')}/__init__.py": AGENTS.format(
                    core=core_module, version="1.0.0"
                )
            },
        ),
    ]


def publish_files(manifest: Manifest, index_dir: Path) -> None:
    """Put every file of ``manifest`` where the local index serves it (what an upload does)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for record in manifest.packages:
        for artifact in record.files:
            shutil.copy2(manifest.dist_dir / artifact.filename, index_dir / artifact.filename)


def released_then_changed(
    root: Path, prefix: str, new_core: str, agents_requires: str = ">=1.0.0"
) -> tuple[Manifest, Manifest]:
    """core 1.0.0 and agents 1.0.0 built (the published release); then core 2.0.0 built
    from ``new_core`` into dist/ (the new release). Returns both manifests."""
    old_root = root / "old"
    write_workspace(old_root, specs(prefix, CORE_V1, "1.0.0", agents_requires))
    old = build_release(old_root)
    new_root = root / "ws"
    write_workspace(new_root, specs(prefix, new_core, "2.0.0", agents_requires))
    new = build_release(new_root)
    return old, new
