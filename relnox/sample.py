"""Small, real sample projects and workspaces for the demo, benchmarks and tests."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relnox.tools import git

BACKENDS: dict[str, tuple[str, str] | None] = {
    "hatchling": ("hatchling", "hatchling.build"),
    "setuptools": ("setuptools>=61", "setuptools.build_meta"),
    "flit": ("flit_core>=3.4,<4", "flit_core.buildapi"),
    "poetry": ("poetry-core>=1.0.0", "poetry.core.masonry.api"),
    "pdm": ("pdm-backend", "pdm.backend"),
    "none": None,  # no [build-system]: the PEP 517 default (setuptools legacy)
}

GIT_ENV = {
    "GIT_AUTHOR_NAME": "relnox sample",
    "GIT_AUTHOR_EMAIL": "sample@relnox.invalid",
    "GIT_COMMITTER_NAME": "relnox sample",
    "GIT_COMMITTER_EMAIL": "sample@relnox.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass
class ProjectSpec:
    name: str
    version: str = "0.1.0"
    backend: str = "hatchling"
    requires: Sequence[str] = ()  # full requirement strings, e.g. "demo-core>=0.1.0,<0.2.0"
    script: bool = False  # a console script named like the project
    dir: str | None = None  # directory name (default: the name)
    description: str = ""
    extra_files: dict[str, str] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")


def _pyproject(spec: ProjectSpec) -> str:
    requires = "".join(f'    "{r}",\n' for r in spec.requires)
    description = spec.description or f"The {spec.name} sample package."
    lines = []
    if spec.backend == "poetry":
        lines += [
            "[tool.poetry]",
            f'name = "{spec.name}"',
            f'version = "{spec.version}"',
            f'description = "{description}"',
            'authors = ["relnox sample <sample@relnox.invalid>"]',
            'readme = "README.md"',
            'license = "MIT"',
            f'packages = [{{ include = "{spec.module}" }}]',
            "",
            "[tool.poetry.dependencies]",
            'python = ">=3.9"',
        ]
        for req in spec.requires:
            name, _, constraint = req.partition(">=")
            lines.append(f'{name} = "{">=" + constraint if constraint else "*"}"')
        if spec.script:
            lines += ["", "[tool.poetry.scripts]", f'{spec.name} = "{spec.module}:main"']
    else:
        version = (
            'dynamic = ["version"]' if spec.backend == "flit" else f'version = "{spec.version}"'
        )
        lines += [
            "[project]",
            f'name = "{spec.name}"',
            version,
            f'description = "{description}"',
            'readme = "README.md"',
            'requires-python = ">=3.9"',
            'license = "MIT"',
            'authors = [{ name = "relnox sample", email = "sample@relnox.invalid" }]',
            f"dependencies = [\n{requires}]",
        ]
        if spec.script:
            lines += ["", "[project.scripts]", f'{spec.name} = "{spec.module}:main"']
    backend = BACKENDS[spec.backend]
    if backend is not None:
        lines += ["", "[build-system]", f'requires = ["{backend[0]}"]']
        lines.append(f'build-backend = "{backend[1]}"')
    return "\n".join(lines) + "\n"


def _module(spec: ProjectSpec) -> str:
    imports = "".join(
        f"import {r.split('>')[0].split('=')[0].split('<')[0].strip().replace('-', '_')}  # noqa: F401\n"
        for r in spec.requires
    )
    return f'''"""{spec.description or f"The {spec.name} sample package."}"""

{imports}
__version__ = "{spec.version}"


def main() -> int:
    import sys

    print("{spec.name}", __version__)
    return 0 if sys.argv[1:] in ([], ['--help']) else 2
'''


def write_project(directory: Path, spec: ProjectSpec) -> Path:
    """Write one project into ``directory`` (created); returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(_pyproject(spec), encoding="utf-8")
    readme = f"# {spec.name}\n\n{spec.description or 'A sample package made by relnox.'}\n"
    (directory / "README.md").write_text(readme, encoding="utf-8")
    package = directory / spec.module
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text(_module(spec), encoding="utf-8")
    for rel, text in spec.extra_files.items():
        (directory / rel).parent.mkdir(parents=True, exist_ok=True)
        (directory / rel).write_text(text, encoding="utf-8")
    return directory


CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Everything new since the last release.

## [{version}] - 2026-01-01

- First release.
"""


def write_workspace(
    root: Path,
    specs: Sequence[ProjectSpec],
    *,
    members_dir: str = "packages",
    relnox: str = "",
) -> Path:
    """A uv workspace whose members are ``specs``, with a root CHANGELOG.md."""
    root.mkdir(parents=True, exist_ok=True)
    text = (
        '[project]\nname = "workspace-root"\nversion = "0.0.0"\nrequires-python = ">=3.9"\n\n'
        "[tool.uv]\npackage = false\n\n"
        f'[tool.uv.workspace]\nmembers = ["{members_dir}/*"]\n'
    )
    sources = [
        f"{spec.name} = {{ workspace = true }}"
        for spec in specs
        if any(spec.name in r for other in specs for r in other.requires)
    ]
    if sources:
        text += "\n[tool.uv.sources]\n" + "\n".join(sources) + "\n"
    if relnox:
        text += f"\n[tool.relnox]\n{relnox.strip()}\n"
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    for spec in specs:
        write_project(root / members_dir / (spec.dir or spec.name), spec)
    version = specs[0].version if specs else "0.1.0"
    (root / "CHANGELOG.md").write_text(CHANGELOG.format(version=version), encoding="utf-8")
    ignored = "dist/\nbuild/\n*.egg-info/\n__pycache__/\n.venv/\n"
    (root / ".gitignore").write_text(ignored, encoding="utf-8")
    return root


def demo_specs(prefix: str = "demo", version: str = "0.1.0") -> list[ProjectSpec]:
    """core <- agents <- runtime, on three different backends."""
    core, agents, runtime = (f"{prefix}-core", f"{prefix}-agents", f"{prefix}-runtime")
    major, minor = (int(p) for p in version.split(".")[:2])
    upper = f"{major}.{minor + 1}.0"
    return [
        ProjectSpec(core, version, "hatchling", description="Core utilities."),
        ProjectSpec(
            agents,
            version,
            "setuptools",
            requires=[f"{core}>={version},<{upper}"],
            description="Agents built on core.",
        ),
        ProjectSpec(
            runtime,
            version,
            "flit",
            requires=[f"{core}>={version},<{upper}", f"{agents}>={version}"],
            script=True,
            description="The runtime command.",
        ),
    ]


def generated_specs(count: int, prefix: str = "gen") -> list[ProjectSpec]:
    """``count`` hatchling packages, each but every third requiring the one before (a forest)."""
    needs = [[f"{prefix}-pkg{i - 1}>=0.1.0,<0.2.0"] if i % 3 else [] for i in range(count)]
    return [ProjectSpec(f"{prefix}-pkg{i}", requires=needs[i]) for i in range(count)]


def git_env() -> dict[str, str]:
    return {**os.environ, **GIT_ENV}


def git_init(root: Path, message: str = "Initial commit") -> None:
    """Make ``root`` a git repository with everything committed on ``main``."""
    git.git(root, "init", "-q", "-b", "main", env=git_env())
    git_identity(root)
    git_commit_all(root, message)


def git_identity(root: Path, *, keep: bool = False) -> None:
    """The sample's author in ``root``'s git config (``keep``: unless one is set), no signing."""
    for key, value in (("user.name", "GIT_AUTHOR_NAME"), ("user.email", "GIT_AUTHOR_EMAIL")):
        if not (keep and git.git(root, "config", key, check=False)):
            git.git(root, "config", key, GIT_ENV[value])
    for key in ("commit.gpgsign", "tag.gpgsign"):
        git.git(root, "config", key, "false")


def git_commit_all(root: Path, message: str) -> None:
    env = git_env()
    git.git(root, "add", "-A", env=env)
    git.git(root, "commit", "-q", "-m", message, env=env)


def create_demo_workspace(root: Path, prefix: str = "demo") -> Path:
    """The demo's workspace: three packages, a changelog and a git history of two commits."""
    write_workspace(root, demo_specs(prefix))
    git_init(root)
    notes = root / "CHANGELOG.md"
    text = notes.read_text(encoding="utf-8")
    new = "- A faster core and a runtime command."
    notes.write_text(text.replace("- Everything new since the last release.", new), "utf-8")
    git_commit_all(root, "Describe the coming release")
    return root
