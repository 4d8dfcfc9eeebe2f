"""The workspace model: which packages a repository releases, in which order.

Discovery starts at the root ``pyproject.toml``: ``[tool.relnox] packages``
globs if given, otherwise the root project plus ``[tool.uv.workspace]`` members
(minus ``exclude``). Each :class:`Package` knows its version and every place it
is written (see :mod:`relnox.sources`), its build backend and its requirements
on other packages of the workspace. :attr:`Workspace.packages` is in release
order: dependencies first.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox.config import Config, load_config
from relnox.errors import ConfigError, RelnoxError, VersionError
from relnox.sources import (
    VersionLocation,
    pattern_location,
    python_location,
    text_location,
    toml_location,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
DEFAULT_BUILD_REQUIRES = ("setuptools>=40.8.0",)
VCS_SOURCE = "vcs"
VERSION_MODULE_FILES = ("__init__.py", "_version.py", "__about__.py", "version.py")


@dataclass(frozen=True)
class InternalRequirement:
    """A requirement of one workspace package on another, and where it is written."""

    target: str  # canonical name of the required workspace package
    text: str  # the requirement as written: "core>=1.0,<2" or a poetry constraint "^1.0"
    path: Path
    key: tuple[str | int, ...]  # where in the TOML document; last item indexes an array or table
    style: str  # "pep508" or "poetry"
    runtime: bool = True  # False for dev-only groups (not used for release order)

    @property
    def specifier(self) -> str:
        if self.style == "poetry":
            return self.text
        return str(Requirement(self.text).specifier)


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

    @property
    def vcs_versioned(self) -> bool:
        return self.version_source == VCS_SOURCE

    @property
    def internal_deps(self) -> tuple[str, ...]:
        """Workspace packages this one needs at run time, without duplicates."""
        return tuple(dict.fromkeys(r.target for r in self.requirements if r.runtime))

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


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and the fix."""
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix the syntax there") from None


def _table(doc: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    value: Any = doc
    for key in keys:
        value = value.get(key, {}) if isinstance(value, Mapping) else {}
    return value if isinstance(value, Mapping) else {}


def is_package(doc: Mapping[str, Any]) -> bool:
    """A pyproject describes a releasable package (not a virtual workspace root)."""
    if _table(doc, "tool", "uv").get("package") is False:
        return False
    if "project" in doc:
        return True
    poetry = _table(doc, "tool", "poetry")
    return "name" in poetry and "version" in poetry


def validate_version(value: str, where: str) -> Version:
    try:
        return Version(value)
    except InvalidVersion:
        raise VersionError(
            f"{where}: {value!r} is not a valid PEP 440 version; "
            "write it like 1.2.3, 1.2.3rc1 or 1.2.3.post1"
        ) from None


def _find_module(directory: Path, dotted: str) -> Path | None:
    parts = dotted.split(".")
    for base in (directory / "src", directory):
        pkg_dir = base.joinpath(*parts)
        if (pkg_dir / "__init__.py").is_file():
            return pkg_dir / "__init__.py"
        module = base.joinpath(*parts[:-1], parts[-1] + ".py")
        if module.is_file():
            return module
    return None


def _import_packages(directory: Path, name: str, doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level import packages a build of this project ships (best effort)."""
    found: list[str] = []
    hatch = _table(doc, "tool", "hatch", "build", "targets", "wheel").get("packages")
    if isinstance(hatch, list):
        found += [Path(p).name for p in hatch if isinstance(p, str)]
    flit = _table(doc, "tool", "flit", "module").get("name")
    if isinstance(flit, str):
        found.append(flit)
    st_packages = _table(doc, "tool", "setuptools").get("packages")
    if isinstance(st_packages, list):
        found += [p.split(".")[0] for p in st_packages if isinstance(p, str)]
    poetry_packages = _table(doc, "tool", "poetry").get("packages")
    if isinstance(poetry_packages, list):
        found += [
            p["include"] for p in poetry_packages if isinstance(p, Mapping) and "include" in p
        ]
    if not found:
        module = name.replace("-", "_").replace(".", "_")
        for base in (directory / "src", directory):
            if (base / module / "__init__.py").is_file() or (base / f"{module}.py").is_file():
                found.append(module)
                break
        else:
            src = directory / "src"
            if src.is_dir():
                found += sorted(p.name for p in src.iterdir() if (p / "__init__.py").is_file())
    return tuple(dict.fromkeys(p.split("/")[-1].split(".")[0] for p in found))


def _dynamic_locations(
    directory: Path,
    doc: Mapping[str, Any],
    backend: str,
    build_requires: Sequence[str],
    modules: Sequence[str],
) -> tuple[str, list[VersionLocation]]:
    pyproject = directory / "pyproject.toml"
    tool = _table(doc, "tool")
    hatch = _table(tool, "hatch", "version")
    if hatch:
        if hatch.get("source") == "vcs":
            return VCS_SOURCE, []
        path = hatch.get("path")
        if isinstance(path, str):
            pattern = hatch.get("pattern")
            if isinstance(pattern, str):
                return "hatch", [_regex_location(directory / path, pattern)]
            loc = python_location(directory / path)
            if loc is None:
                raise VersionError(
                    f'{directory / path}: no __version__ = "..." line, which '
                    f"{pyproject} [tool.hatch.version] path points at; add one"
                )
            return "hatch", [loc]
    pdm = _table(tool, "pdm", "version")
    if pdm:
        if pdm.get("source") == "scm":
            return VCS_SOURCE, []
        path = pdm.get("path")
        if pdm.get("source") == "file" and isinstance(path, str):
            loc = python_location(directory / path)
            if loc is None:
                raise VersionError(
                    f"{directory / path}: no __version__ line for [tool.pdm.version]"
                )
            return "pdm", [loc]
    setuptools_version = _table(tool, "setuptools", "dynamic").get("version")
    if isinstance(setuptools_version, Mapping):
        attr = setuptools_version.get("attr")
        if isinstance(attr, str):
            module_name, _, _var = attr.rpartition(".")
            module = _find_module(directory, module_name)
            loc = python_location(module) if module else None
            if loc is None:
                raise VersionError(
                    f"{pyproject}: [tool.setuptools.dynamic] version attr {attr!r} does not "
                    'point at a literal __version__ = "..." line; add one or use version = "..."'
                )
            return "setuptools-attr", [loc]
        files = setuptools_version.get("file")
        if isinstance(files, str):
            files = [files]
        if isinstance(files, list) and files:
            return "setuptools-file", [text_location(directory / str(files[0]))]
    requires = " ".join(build_requires).lower().replace("_", "-")
    if "setuptools_scm" in tool or "setuptools-scm" in tool or "setuptools-scm" in requires:
        return VCS_SOURCE, []
    if _table(tool, "poetry-dynamic-versioning").get("enable") is True:
        return VCS_SOURCE, []
    if backend.startswith("flit_core"):
        for module_name in modules:
            module = _find_module(directory, module_name)
            loc = python_location(module) if module else None
            if loc is not None:
                return "flit", [loc]
    raise VersionError(
        f"{pyproject}: the version is dynamic but relnox cannot tell where it is written; "
        'list the file in [tool.relnox] version-files = ["path"]'
    )


def _regex_location(path: Path, pattern: str) -> VersionLocation:
    import re

    from relnox.sources import read_text

    match = re.search(pattern, read_text(path), re.MULTILINE)
    if match is None or "version" not in match.groupdict():
        raise VersionError(f"{path}: the hatch version pattern {pattern!r} matches nothing")
    return VersionLocation(path, "pattern", match.group("version"), pattern=pattern)


def _requirements(
    pyproject: Path, doc: Mapping[str, Any], names: set[str]
) -> tuple[InternalRequirement, ...]:
    found: list[InternalRequirement] = []
    project_name = _table(doc, "project").get("name") or _table(doc, "tool", "poetry").get("name")
    own = canonicalize_name(str(project_name or ""))

    def pep508(items: Any, key: tuple[str, ...], runtime: bool) -> None:
        if not isinstance(items, list):
            return
        for index, text in enumerate(items):
            if not isinstance(text, str):
                continue
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                raise ConfigError(
                    f"{pyproject}: invalid requirement {text!r} in {'.'.join(key)} ({exc}); fix it"
                ) from None
            target = canonicalize_name(req.name)
            if target in names and target != own:
                found.append(
                    InternalRequirement(target, text, pyproject, (*key, index), "pep508", runtime)
                )

    def poetry(table: Any, key: tuple[str, ...], runtime: bool) -> None:
        if not isinstance(table, Mapping):
            return
        for dep, value in table.items():
            target = canonicalize_name(dep)
            if target not in names or target == own:
                continue
            if isinstance(value, str):
                found.append(
                    InternalRequirement(target, value, pyproject, (*key, dep), "poetry", runtime)
                )
            elif isinstance(value, Mapping) and isinstance(value.get("version"), str):
                found.append(
                    InternalRequirement(
                        target,
                        value["version"],
                        pyproject,
                        (*key, dep, "version"),
                        "poetry",
                        runtime,
                    )
                )
            else:  # a path dependency without a version: ordering only
                found.append(InternalRequirement(target, "*", pyproject, (), "poetry", runtime))

    project = _table(doc, "project")
    pep508(project.get("dependencies"), ("project", "dependencies"), True)
    for extra, items in _table(project, "optional-dependencies").items():
        pep508(items, ("project", "optional-dependencies", extra), True)
    for group, items in _table(doc, "dependency-groups").items():
        pep508(items, ("dependency-groups", group), False)
    tool_poetry = _table(doc, "tool", "poetry")
    poetry(tool_poetry.get("dependencies"), ("tool", "poetry", "dependencies"), True)
    poetry(tool_poetry.get("dev-dependencies"), ("tool", "poetry", "dev-dependencies"), False)
    for group, table in _table(tool_poetry, "group").items():
        if isinstance(table, Mapping):
            poetry(
                table.get("dependencies"), ("tool", "poetry", "group", group, "dependencies"), False
            )
    return tuple(found)


def _readme(directory: Path, doc: Mapping[str, Any]) -> Path | None:
    readme: Any = _table(doc, "project").get("readme") or _table(doc, "tool", "poetry").get(
        "readme"
    )
    if isinstance(readme, Mapping):
        readme = readme.get("file")
    if isinstance(readme, list) and readme:
        readme = readme[0]
    if isinstance(readme, str):
        return directory / readme
    for candidate in ("README.md", "README.rst", "README.txt", "README"):
        if (directory / candidate).is_file():
            return directory / candidate
    return None


def _load_package(
    directory: Path, doc: Mapping[str, Any], names: set[str], config: Config, is_root: bool
) -> Package:
    pyproject = directory / "pyproject.toml"
    project = _table(doc, "project")
    tool_poetry = _table(doc, "tool", "poetry")
    project_name = project.get("name") or tool_poetry.get("name")
    if not isinstance(project_name, str) or not project_name:
        raise ConfigError(f'{pyproject}: [project] has no name; add name = "your-package"')
    build_system = _table(doc, "build-system")
    backend = build_system.get("build-backend") or DEFAULT_BACKEND
    requires = tuple(
        build_system.get(
            "requires", DEFAULT_BUILD_REQUIRES if "build-backend" not in build_system else ()
        )
    )
    modules = _import_packages(directory, project_name, doc)
    settings = config.raw if is_root else _table(doc, "tool", "relnox")

    locations: list[VersionLocation] = []
    if "version" in project:
        source = "project.version"
        locations.append(toml_location(pyproject, doc, ("project", "version")))
    elif "version" in project.get("dynamic", ()):
        source, locations = _dynamic_locations(directory, doc, backend, requires, modules)
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
        for module_name in modules:
            for filename in VERSION_MODULE_FILES:
                for base in (directory / "src", directory):
                    loc = python_location(base / module_name / filename)
                    if loc is not None and all(loc.path != known.path for known in locations):
                        locations.append(loc)
        extra = _version_files(settings, directory, config.source if is_root else pyproject)
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
    scripts = {**_table(tool_poetry, "scripts"), **_table(project, "scripts")}
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
        requirements=_requirements(pyproject, doc, names),
        import_packages=modules,
        scripts={k: str(v) for k, v in scripts.items() if isinstance(v, str)},
        readme=_readme(directory, doc),
        requires_python=project.get("requires-python"),
        settings=dict(settings),
    )


def _version_files(
    settings: Mapping[str, Any], directory: Path, source: Path
) -> list[VersionLocation]:
    if not settings.get("version-files"):
        return []
    config = load_config(source, settings)
    found = []
    for item in config.version_files:
        path = directory / item.path
        if item.search:
            found.append(pattern_location(path, item.search))
        else:
            loc = python_location(path)
            if loc is None:
                raise ConfigError(
                    f'{path}: listed in version-files but has no version = "..." line; '
                    'add one or give { path = "...", search = "...{version}..." }'
                )
            found.append(loc)
    return found


def _member_dirs(root: Path, doc: Mapping[str, Any], config: Config) -> list[Path]:
    if config.packages is not None:
        globs, excludes = list(config.packages), []
    else:
        uv_ws = _table(doc, "tool", "uv", "workspace")
        globs = [g for g in uv_ws.get("members", []) if isinstance(g, str)]
        excludes = [g for g in uv_ws.get("exclude", []) if isinstance(g, str)]
        if is_package(doc):
            globs.insert(0, ".")
    excluded = {p.resolve() for g in excludes for p in root.glob(g)}
    dirs: list[Path] = []
    for pattern in globs:
        matches = [root] if pattern in (".", "") else sorted(root.glob(pattern))
        for path in matches:
            if path.resolve() in excluded or not (path / "pyproject.toml").is_file():
                continue
            if path.resolve() not in {d.resolve() for d in dirs}:
                dirs.append(path)
    return dirs


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
    config = load_config(root_pyproject, _table(doc, "tool", "relnox"))
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
        name = _table(data, "project").get("name") or _table(data, "tool", "poetry").get("name")
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
    ordered = release_order(packages)
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
