"""The workspace model: which packages a repository releases, in which order.

Discovery starts at the root ``pyproject.toml``: ``[tool.relnox] packages``
globs if given, otherwise the root project plus ``[tool.uv.workspace]`` members
(minus ``exclude``). Each :class:`Package` knows its version and every place it
is written (see :mod:`relnox.sources`), its build backend and its requirements
on other packages of the workspace. :attr:`Workspace.packages` is in release
order: dependencies first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.config import Config, load_config
from relnox.detect import (
    DEFAULT_BACKEND,
    DEFAULT_BUILD_REQUIRES,
    VCS_SOURCE,
    VERSION_MODULE_FILES,
    InternalRequirement,
    dynamic_locations,
    import_packages,
    internal_requirements,
    is_package,
    load_toml,
    readme_path,
    table,
    validate_version,
    version_files,
)
from relnox.errors import ConfigError, RelnoxError, VersionError
from relnox.pins import poetry_specifier
from relnox.sources import VersionLocation, python_location, toml_location

__all__ = [
    "InternalRequirement",
    "Package",
    "Workspace",
    "discover",
    "is_package",
    "load_toml",
    "load_workspace",
    "release_order",
    "validate_version",
]


@dataclass(frozen=True)
class Package:
    """One releasable project of the workspace."""

    name: str
    project_name: str
    directory: Path
    pyproject: Path
    version: str
    version_source: str
    locations: tuple[VersionLocation, ...]
    backend: str
    build_requires: tuple[str, ...]
    requirements: tuple[InternalRequirement, ...] = ()
    import_packages: tuple[str, ...] = ()
    scripts: Mapping[str, str] = field(default_factory=dict)
    readme: Path | None = None
    requires_python: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)  # its own [tool.relnox]
    deferred: tuple[str, ...] = ()  # extras' packages left out of the order: they need this one

    @property
    def vcs_versioned(self) -> bool:
        return self.version_source == VCS_SOURCE

    @property
    def internal_deps(self) -> tuple[str, ...]:
        """Workspace packages this one needs at run time, without duplicates.

        An extra's package that itself needs this one (``dask[distributed]`` and
        ``distributed`` needing ``dask``) is left out, so the order has no cycle.
        """
        targets = (r.target for r in self.requirements if r.runtime)
        return tuple(t for t in dict.fromkeys(targets) if t not in self.deferred)

    @property
    def dist_name(self) -> str:
        """The name as it appears in artifact file names (``cua_core``)."""
        return self.name.replace("-", "_")

    def changelog(self, config: Config) -> Path | None:
        path = self.directory / config.changelog
        return path if path.is_file() else None


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config
    packages: tuple[Package, ...]
    problems: tuple[str, ...] = ()
    errors: tuple[RelnoxError, ...] = ()  # the same problems, as exceptions
    is_workspace: bool = False  # more than one package, or a root that is not a package

    @property
    def uv_lock(self) -> Path | None:
        path = self.root / "uv.lock"
        return path if path.is_file() else None

    @property
    def tag_format(self) -> str:
        if self.config.tag_format:
            return self.config.tag_format
        return "{name}-v{version}" if self.is_workspace else "v{version}"

    def get(self, name: str) -> Package:
        """A package by its name, its name as written, or its directory name."""
        wanted = canonicalize_name(name)
        for pkg in self.packages:
            if pkg.name == wanted or pkg.directory.name == name:
                return pkg
        known = ", ".join(p.name for p in self.packages) or "none"
        raise ConfigError(f"unknown package {name!r}; the packages of {self.root} are: {known}")

    def select(self, names: Iterable[str] | None) -> tuple[Package, ...]:
        """The named packages (all when ``names`` is empty), in release order."""
        wanted = {self.get(n).name for n in names or ()}
        if not wanted:
            return self.packages
        return tuple(p for p in self.packages if p.name in wanted)

    def dependents(self, name: str) -> tuple[Package, ...]:
        """Every package that needs ``name``, directly or through others, in release order."""
        found: set[str] = {name}
        for pkg in self.packages:  # release order: dependencies come first
            if any(dep in found for dep in pkg.internal_deps):
                found.add(pkg.name)
        found.discard(name)
        return tuple(p for p in self.packages if p.name in found)

    def tag_for(self, pkg: Package, version: str | None = None) -> str:
        return self.tag_format.format(
            name=pkg.name, dir=pkg.directory.name, version=version or pkg.version
        )


def _load_package(
    directory: Path, doc: Mapping[str, Any], names: set[str], config: Config, is_root: bool
) -> Package:
    pyproject = directory / "pyproject.toml"
    project = table(doc, "project")
    tool_poetry = table(doc, "tool", "poetry")
    project_name = project.get("name") or tool_poetry.get("name")
    if not isinstance(project_name, str) or not project_name:
        raise ConfigError(f'{pyproject}: [project] has no name; add name = "your-package"')
    build_system = table(doc, "build-system")
    backend = build_system.get("build-backend") or DEFAULT_BACKEND
    requires = tuple(
        build_system.get(
            "requires", DEFAULT_BUILD_REQUIRES if "build-backend" not in build_system else ()
        )
    )
    modules = import_packages(directory, project_name, doc)
    settings = config.raw if is_root else table(doc, "tool", "relnox")

    locations: list[VersionLocation] = []
    if "version" in project:
        source = "project.version"
        locations.append(toml_location(pyproject, doc, ("project", "version")))
    elif "version" in project.get("dynamic", ()):
        source, locations = dynamic_locations(directory, doc, backend, requires, modules)
    elif "version" in tool_poetry:
        source = "tool.poetry.version"
    else:
        raise VersionError(
            f'{pyproject}: no version; add version = "0.1.0" to [project] '
            'or declare dynamic = ["version"] with its source'
        )
    if "version" in tool_poetry and source != VCS_SOURCE:
        locations.append(toml_location(pyproject, doc, ("tool", "poetry", "version")))
    if source != VCS_SOURCE:
        dotted = project_name.lower().replace("-", "_").split(".")  # zope.interface: zope/interface
        nested = ["/".join(dotted)] if len(dotted) > 1 and dotted[0] in modules else []
        for module_name in [*modules, *nested]:
            for filename in VERSION_MODULE_FILES:
                for base in (directory / "src", directory):
                    loc = python_location(base / module_name / filename)
                    if loc is not None and all(loc.path != known.path for known in locations):
                        locations.append(loc)
        extra = version_files(settings, directory, config.source if is_root else pyproject)
        locations += [loc for loc in extra if all(loc.path != k.path for k in locations)]

    if source == VCS_SOURCE:
        version = "0.0.0"  # replaced by the last tag in load_workspace
    else:
        values = {loc.label: loc.value for loc in locations}
        parsed = {label: validate_version(value, label) for label, value in values.items()}
        if len(set(parsed.values())) > 1:
            listing = "; ".join(f"{label} = {value!r}" for label, value in values.items())
            raise VersionError(
                f"version sources of {project_name} disagree: {listing}; "
                "make them equal (relnox bump rewrites them all together)"
            )
        version = locations[0].value
    scripts = {**table(tool_poetry, "scripts"), **table(project, "scripts")}
    return Package(
        name=canonicalize_name(project_name),
        project_name=project_name,
        directory=directory,
        pyproject=pyproject,
        version=version,
        version_source=source,
        locations=tuple(locations),
        backend=str(backend),
        build_requires=tuple(str(r) for r in requires),
        requirements=internal_requirements(pyproject, doc, names),
        import_packages=modules,
        scripts={k: str(v) for k, v in scripts.items() if isinstance(v, str)},
        readme=readme_path(directory, doc),
        requires_python=project.get("requires-python") or _poetry_python(tool_poetry),
        settings=dict(settings),
    )


def _poetry_python(tool_poetry: Mapping[str, Any]) -> str | None:
    """``[tool.poetry.dependencies] python = "^3.9"`` as a PEP 440 ``requires-python``."""
    python = table(tool_poetry, "dependencies").get("python")
    return poetry_specifier(python) if isinstance(python, str) else None


def _member_dirs(root: Path, doc: Mapping[str, Any], config: Config) -> list[Path]:
    if config.packages is not None:
        globs, excludes = list(config.packages), []
    else:
        uv_ws = table(doc, "tool", "uv", "workspace")
        globs = [g for g in uv_ws.get("members", []) if isinstance(g, str)]
        excludes = [g for g in uv_ws.get("exclude", []) if isinstance(g, str)]
        if is_package(doc):
            globs.insert(0, ".")
    excluded = {p.resolve() for g in excludes for p in root.glob(g)}
    dirs: list[Path] = []
    seen: set[Path] = set()  # resolved once each: discovery stays linear in the member count
    for pattern in globs:
        matches = [root] if pattern in (".", "") else sorted(root.glob(pattern))
        for path in matches:
            resolved = path.resolve()
            if resolved in excluded or resolved in seen or not (path / "pyproject.toml").is_file():
                continue
            seen.add(resolved)
            dirs.append(path)
    return dirs


def _defer_optional_cycles(packages: Sequence[Package]) -> list[Package]:
    """Mark the extras' requirements that would close a cycle as :attr:`Package.deferred`."""
    edges: dict[str, set[str]] = {
        p.name: {r.target for r in p.requirements if r.runtime and not r.optional} for p in packages
    }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo += edges.get(name, ())
        return False

    out = []
    for pkg in packages:
        deferred = []
        for req in pkg.requirements:
            if not (req.runtime and req.optional) or req.target in edges[pkg.name]:
                continue
            if reaches(req.target, pkg.name):
                deferred.append(req.target)
            else:
                edges[pkg.name].add(req.target)
        out.append(replace(pkg, deferred=tuple(dict.fromkeys(deferred))) if deferred else pkg)
    return out


def release_order(packages: Sequence[Package]) -> tuple[Package, ...]:
    """Dependencies before dependents; ties keep discovery order. A cycle is an error."""
    by_name = {p.name: p for p in packages}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    ordered: list[Package] = []

    def visit(pkg: Package, stack: list[str]) -> None:
        if state.get(pkg.name) == 2:
            return
        if state.get(pkg.name) == 1:
            cycle = [*stack[stack.index(pkg.name) :], pkg.name]
            raise ConfigError(
                f"dependency cycle between workspace packages: {' -> '.join(cycle)}; "
                "remove one of these requirements"
            )
        state[pkg.name] = 1
        for dep in pkg.internal_deps:
            if dep in by_name and dep != pkg.name:
                visit(by_name[dep], [*stack, pkg.name])
        state[pkg.name] = 2
        ordered.append(pkg)

    for pkg in packages:
        visit(pkg, [])
    return tuple(ordered)


def discover(root: Path | str = ".") -> Workspace:
    """Load every package; problems with single packages are collected, not raised.

    Errors that make the whole workspace meaningless (no root pyproject, a
    malformed ``[tool.relnox]``, a dependency cycle) are raised.
    """
    root = Path(root).resolve()
    root_pyproject = root / "pyproject.toml"
    if not root_pyproject.is_file():
        raise ConfigError(
            f"{root}: no pyproject.toml; run relnox from the repository root or pass --root"
        )
    doc = load_toml(root_pyproject)
    config = load_config(root_pyproject, table(doc, "tool", "relnox"))
    dirs = _member_dirs(root, doc, config)
    docs: dict[Path, Mapping[str, Any]] = {}
    errors: list[RelnoxError] = []
    for directory in dirs:
        try:
            loaded = doc if directory == root else load_toml(directory / "pyproject.toml")
        except RelnoxError as exc:
            errors.append(exc)
            continue
        if is_package(loaded):
            docs[directory] = loaded
    names: set[str] = set()
    for data in docs.values():
        name = table(data, "project").get("name") or table(data, "tool", "poetry").get("name")
        if isinstance(name, str):
            names.add(canonicalize_name(name))
    packages: list[Package] = []
    for directory, data in docs.items():
        try:
            packages.append(_load_package(directory, data, names, config, directory == root))
        except RelnoxError as exc:
            errors.append(exc)
    if not packages and not errors:
        raise ConfigError(
            f"{root_pyproject}: no package to release; add a [project] table, "
            "[tool.uv.workspace] members or [tool.relnox] packages"
        )
    ordered = release_order(_defer_optional_cycles(packages))
    workspace = Workspace(
        root=root,
        config=config,
        packages=ordered,
        problems=tuple(str(e) for e in errors),
        errors=tuple(errors),
        is_workspace=len(dirs) > 1 or not is_package(doc),
    )
    if any(p.vcs_versioned for p in ordered):
        from relnox.vcs import resolve_vcs_versions

        workspace = resolve_vcs_versions(workspace)
    return workspace


def load_workspace(root: Path | str = ".") -> Workspace:
    """:func:`discover`, raising the first problem if there is any."""
    workspace = discover(root)
    if workspace.problems:
        more = len(workspace.problems) - 1
        suffix = (
            f" (and {more} more problem{'s' if more > 1 else ''}; run relnox check-versions)"
            if more
            else ""
        )
        first = workspace.errors[0]
        raise type(first)(str(first) + suffix)
    return workspace
