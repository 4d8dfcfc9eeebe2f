"""``ci-init``: GitHub Actions workflows that call relnox's nox sessions.

Two files under ``.github/workflows/`` (and a two-line ``noxfile.py`` when the
repository has none):

``release.yml``  on a release tag (or a manual dispatch): plan (check the tag,
                 resolve the version) -> build (``nox -s build_all``) -> verify on
                 every configured Python -> TestPyPI for pre-releases or PyPI
                 (environment ``pypi``, trusted publishing) -> a GitHub release
                 whose notes come from ``nox -s release_notes``. Packages with a
                 native backend (maturin, scikit-build-core) also get a wheel
                 matrix over Linux, macOS and Windows and each CPython (seed 001).
``auto-tag.yml`` on pushes to the main branch: ``nox -s tag -- --push``, then
                 starts release.yml for each new tag (tags pushed with the
                 workflow token trigger no workflow by themselves).

Settings, ``[tool.relnox.ci]``: ``python-versions`` (default: 3.10-3.13 allowed
by every ``requires-python``), ``branch`` ("main"), ``install`` (["nox", "relnox"]),
``os`` (the native wheel runners).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from relnox import git
from relnox.ci_workflows import DEFAULT_OS, DEFAULT_PYTHONS, CiSettings, WorkflowBuilder
from relnox.errors import ConfigError
from relnox.workspace import Workspace

CANDIDATE_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
NOXFILE = '''"""Release sessions from relnox: nox -l lists them, nox -s build_all runs one."""

import relnox.nox

relnox.nox.register()
'''


def _strings(section: Mapping[str, Any], key: str, where: Path) -> tuple[str, ...] | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f'{where}: [tool.relnox.ci] {key} must be a non-empty list of strings, like ["3.12"]'
        )
    return tuple(value)


def default_pythons(workspace: Workspace) -> tuple[str, ...]:
    """3.10-3.13, keeping those every package's ``requires-python`` allows."""
    specs = []
    for pkg in workspace.packages:
        try:
            specs.append(SpecifierSet(pkg.requires_python or ""))
        except InvalidSpecifier:
            continue
    allowed = [v for v in CANDIDATE_PYTHONS if all(s.contains(f"{v}.0") for s in specs)]
    chosen = tuple(v for v in DEFAULT_PYTHONS if v in allowed)
    return chosen or tuple(allowed[-4:]) or DEFAULT_PYTHONS[-1:]


def ci_settings(workspace: Workspace) -> CiSettings:
    section = workspace.config.section("ci")
    where = workspace.config.source
    branch = section.get("branch", "main")
    if not isinstance(branch, str) or not branch:
        raise ConfigError(f'{where}: [tool.relnox.ci] branch must be a branch name, like "main"')
    return CiSettings(
        python_versions=_strings(section, "python-versions", where) or default_pythons(workspace),
        branch=branch,
        install=_strings(section, "install", where) or ("nox", "relnox"),
        os=_strings(section, "os", where) or DEFAULT_OS,
    )


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    text: str
    exists: bool

    def describe(self, root: Path) -> str:
        rel = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        return f"{'overwrite' if self.exists else 'write'} {rel}"


def generate(workspace: Workspace, settings: CiSettings | None = None) -> dict[str, str]:
    """Path (relative to the git top level) -> text of every generated file."""
    builder = WorkflowBuilder(workspace, settings or ci_settings(workspace))
    files = {
        ".github/workflows/release.yml": builder.release(),
        ".github/workflows/auto-tag.yml": builder.auto_tag(),
    }
    if not (workspace.root / "noxfile.py").exists():
        files[builder.prefix + "noxfile.py"] = NOXFILE
    return files


def plan_files(workspace: Workspace, *, force: bool = False) -> list[GeneratedFile]:
    """The files to write; existing workflow files are refused unless ``force``."""
    top = git.toplevel(workspace.root) if git.is_repo(workspace.root) else workspace.root
    planned = [
        GeneratedFile(top / rel, text, (top / rel).exists())
        for rel, text in generate(workspace).items()
    ]
    clashes = [f for f in planned if f.exists and f.text != f.path.read_text(encoding="utf-8")]
    if clashes and not force:
        listing = ", ".join(str(f.path.relative_to(top)) for f in clashes)
        raise ConfigError(
            f"{listing} already exist(s) with other content; pass --force to overwrite, "
            "or --dry-run to see the new files"
        )
    return planned


def write_files(files: Sequence[GeneratedFile]) -> list[Path]:
    written = []
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(item.text, encoding="utf-8", newline="\n")
        written.append(item.path)
    return written
