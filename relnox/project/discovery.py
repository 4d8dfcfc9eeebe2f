"""Finding a repository's packages and reading each one: the workspace of a command.

Discovery starts at the root ``pyproject.toml``: ``[tool.relnox] packages``
globs if given, otherwise the root project plus ``[tool.uv.workspace]`` members
(minus ``exclude``); without a root project, the projects in the directories below.
Then the repository's tags are read (:func:`relnox.project.vcs.read_tags`), so each
package knows its tag convention and its releases. A package that cannot be read is
:class:`~relnox.project.workspace.Broken`: left out, never stopping the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.config import (
    MEMBER_KEYS,
    Config,
    check_keys,
    check_tag_format,
    check_version_source,
    load_config,
)
from relnox.errors import ConfigError, RelnoxError, VersionError
from relnox.paths import rel as relpath
from relnox.project.changelog import check_heading
from relnox.project.dynamic import dynamic_version, unreadable, vcs_plugin
from relnox.project.pins import poetry_specifier
from relnox.project.pyproject import (
    DEFAULT_BACKEND,
    DEFAULT_BUILD_REQUIRES,
    VCS_SOURCE,
    VERSION_MODULE_FILES,
    import_packages,
    internal_requirements,
    is_package,
    load_toml,
    not_built,
    project_doc,
    readme_path,
    setup_cfg,
    source_roots,
    version_files,
)
from relnox.project.sources import VersionLocation, python_location, read_text, toml_location
from relnox.project.tag_facts import describe_match
from relnox.project.validate import (
    check_file_name,
    check_root,
    check_shape,
    member_path,
    workspace_error,
)
from relnox.project.vcs import read_tags
from relnox.project.workspace import Broken, Package, Workspace
from relnox.toml import table
from relnox.versioning import maybe_version, validate_version

__all__ = [
    "discover",
    "is_package",
    "load_toml",
    "load_workspace",
    "release_order",
    "validate_version",
]


#: a valid distribution name (PEP 508); a template's '$pkg-haystack' is not one
_VALID_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def _name_of(directory: Path, doc: Mapping[str, Any]) -> str | None:
    """The project name as written: [project], [tool.poetry], setup.cfg or a literal in setup.py."""
    name = table(doc, "project").get("name") or table(doc, "tool", "poetry").get("name")
    if isinstance(name, str) and name:
        return name
    name = setup_cfg(directory).get("metadata", {}).get("name")
    if name:
        return name.strip()
    setup_py = directory / "setup.py"
    if setup_py.is_file():
        import re

        match = re.search(r"""\bname\s*=\s*(['"])([A-Za-z0-9._-]+)\1""", read_text(setup_py))
        if match:
            return match.group(2)
    return None


def _tag_rules(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """How a version-from-tags backend narrows its tags: (describe --match glob, tag regex)."""

    tool = table(doc, "tool")
    hatch = table(tool, "hatch", "version")
    raw = table(hatch, "raw-options")
    scm = table(tool, "setuptools_scm") or table(tool, "setuptools-scm")
    pdm = table(tool, "pdm", "version")
    match = describe_match(raw.get("git_describe_command") or scm.get("git_describe_command"))
    if match is None and isinstance(pdm.get("tag_filter"), str):
        match = pdm["tag_filter"]
    regex = (
        hatch.get("tag-pattern")
        or raw.get("tag_regex")
        or scm.get("tag_regex")
        or pdm.get("tag_regex")
    )
    for dunamai in ("uv-dynamic-versioning", "poetry-dynamic-versioning"):
        pattern = table(tool, dunamai).get("pattern")
        if isinstance(pattern, str) and "(?P<base>" in pattern:
            regex = pattern.replace("(?P<base>", "(?P<version>")
    return match, regex if isinstance(regex, str) else None


def _secondaries(
    directory: Path,
    doc: Mapping[str, Any],
    project_name: str,
    modules: tuple[str, ...],
    known: list[VersionLocation],
) -> list[VersionLocation]:
    """Literal copies of the version: ``__version__`` in the packages it ships, poetry's key."""
    found: list[VersionLocation] = []
    pyproject = directory / "pyproject.toml"
    tool_poetry = table(doc, "tool", "poetry")
    poetry_key = ("tool", "poetry", "version")
    if isinstance(tool_poetry.get("version"), str) and all(k.key != poetry_key for k in known):
        found.append(toml_location(pyproject, doc, poetry_key))
    dotted = project_name.lower().replace("-", "_").split(".")  # zope.interface: zope/interface
    nested = ["/".join(dotted)] if len(dotted) > 1 and dotted[0] in modules else []
    roots = source_roots(directory, doc)
    for module_name in [*modules, *nested]:
        for filename in VERSION_MODULE_FILES:
            for base in roots:
                for package in _regular_packages(base / module_name):
                    loc = python_location(package / filename, top_level=True)
                    if loc is not None and all(loc.path != k.path for k in [*known, *found]):
                        found.append(loc)
    return found


def _regular_packages(path: Path) -> list[Path]:
    """``path`` itself, or for a namespace package (a directory without ``__init__.py``)
    the regular packages directly inside it: ``src/poetry/core`` of a wheel shipping ``poetry``.
    """
    if not path.is_dir() or (path / "__init__.py").is_file():
        return [path]
    return sorted(child for child in path.iterdir() if (child / "__init__.py").is_file())


def _load_package(
    directory: Path, doc: Mapping[str, Any], names: set[str], config: Config, is_root: bool
) -> Package:
    pyproject = directory / "pyproject.toml"
    project = table(doc, "project")
    tool_poetry = table(doc, "tool", "poetry")
    project_name = _name_of(directory, doc)
    if not project_name:
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
    if not is_root:
        check_keys(pyproject, settings, MEMBER_KEYS)
    override = (
        check_version_source(pyproject, settings.get("version-source")) or config.version_source
    )
    cfg = setup_cfg(directory) if not project else {}
    metadata = cfg.get("metadata", {})

    locations: list[VersionLocation] = []
    if override == VCS_SOURCE:
        source, evidence = VCS_SOURCE, "[tool.relnox] version-source = 'vcs'"
    elif "version" in project:
        source, evidence = "project.version", "[project] version"
        locations.append(toml_location(pyproject, doc, ("project", "version")))
    elif "version" in tool_poetry and "version" not in project.get("dynamic", ()):
        if vcs_plugin(doc, requires) == "poetry-dynamic-versioning":
            source, evidence = VCS_SOURCE, "poetry-dynamic-versioning (versions from git tags)"
        else:
            source, evidence = "tool.poetry.version", "[tool.poetry] version"
            locations.append(toml_location(pyproject, doc, ("tool", "poetry", "version")))
    elif "version" in project.get("dynamic", ()) or not project:
        found = dynamic_version(
            directory,
            doc,
            str(backend),
            [str(r) for r in requires],
            roots=source_roots(directory, doc),
            modules=modules,
            metadata=metadata,
            load=load_toml,
        )
        if found is None:
            listed = version_files(settings, directory, config.source if is_root else pyproject)
            if not listed:
                raise unreadable(directory)
            found = ("version-files", listed, "[tool.relnox] version-files (first entry)")
        source, locations, evidence = found[0], list(found[1]), found[2]
    else:
        raise VersionError(
            f'{pyproject}: no version; add version = "0.1.0" to [project] '
            'or declare dynamic = ["version"] with its source'
        )
    drift: list[VersionLocation] = []
    if source != VCS_SOURCE:
        locations += _secondaries(directory, doc, project_name, modules, locations)
        extra = version_files(settings, directory, config.source if is_root else pyproject)
        locations += [loc for loc in extra if all(loc.path != k.path for k in locations)]
        primary = validate_version(locations[0].value, locations[0].label)
        for loc in locations[1:]:
            if maybe_version(loc.value) != primary:
                drift.append(loc)
        version = str(primary) if locations[0].semver else locations[0].value
        check_file_name(locations[0].label, canonicalize_name(project_name), version)
    else:
        version = "0.0.0"  # replaced by the package's last tag in discover
    tag_format = settings.get("tag-format") if not is_root else None
    tag_where = f"{pyproject} [tool.relnox] tag-format"
    for key in (canonicalize_name(project_name), project_name, directory.name):
        if key in config.tag_formats:
            tag_format, tag_where = (
                config.tag_formats[key],
                f"{config.source} [tool.relnox.tag-formats] {key}",
            )
    if tag_format is None and config.tag_format:
        tag_format, tag_where = config.tag_format, f"{config.source} [tool.relnox] tag-format"
    if tag_format is not None:
        check_tag_format(pyproject, tag_format)
    match, regex = _tag_rules(doc) if source == VCS_SOURCE else (None, None)
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
        requires_python=project.get("requires-python")
        or _poetry_python(tool_poetry)
        or cfg.get("options", {}).get("python_requires")
        or None,
        settings=dict(settings),
        evidence=evidence,
        drift=tuple(drift),
        tag_format=tag_format,
        tag_format_where=tag_where if tag_format else "",
        tag_match=match,
        tag_regex=regex,
    )


def _poetry_python(tool_poetry: Mapping[str, Any]) -> str | None:
    """``[tool.poetry.dependencies] python = "^3.9"`` as a PEP 440 ``requires-python``."""
    python = table(tool_poetry, "dependencies").get("python")
    return poetry_specifier(python) if isinstance(python, str) else None


def _member_dirs(
    root: Path, doc: Mapping[str, Any] | None, config: Config
) -> tuple[list[Path], list[Broken]]:
    """The member directories the globs name, and the matches that cannot be read."""
    if doc is None:  # no root pyproject.toml: every project below the root
        return _projects_below(root), []
    if config.packages is not None:
        globs, excludes = list(config.packages), []
    else:
        uv_ws = table(doc, "tool", "uv", "workspace")
        globs = [g for g in uv_ws.get("members", []) if isinstance(g, str)]
        excludes = [g for g in uv_ws.get("exclude", []) if isinstance(g, str)]
        if is_package(doc, root):
            globs.insert(0, ".")
    excluded: set[Path | None] = set()  # as matched, and resolved when it resolves
    for pattern in excludes:  # a literal path too: a looping link matches no glob
        for path in [root / pattern, *root.glob(pattern)]:
            excluded |= {path.absolute(), member_path(path)[0]}
    dirs: list[Path] = []
    broken: list[Broken] = []
    seen: set[Path] = set()  # resolved once each: discovery stays linear in the member count
    for pattern in globs:
        matches = [root] if pattern in (".", "", "./") else sorted(root.glob(pattern))
        for path in matches:
            if path.absolute() in excluded:
                continue
            resolved, error = member_path(path)
            if error is not None:
                broken.append(Broken(path, None, error))
            if resolved is None or resolved in excluded or resolved in seen:
                continue
            seen.add(resolved)
            dirs.append(path)
    return dirs, broken


_NOT_PROJECTS = {
    "tests",
    "test",
    "docs",
    "doc",
    "examples",
    "example",
    "fixtures",
    "benchmarks",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    "vendor",
    "third_party",
}


def _projects_below(root: Path, depth: int = 3) -> list[Path]:
    """Directories up to ``depth`` levels below ``root`` holding a pyproject.toml."""
    found: list[Path] = []
    level = [root]
    for _ in range(depth):
        below: list[Path] = []
        for directory in level:
            try:
                children = sorted(p for p in directory.iterdir() if p.is_dir())
            except OSError:
                continue
            for child in children:
                if (
                    child.name.startswith(".")
                    or child.name in _NOT_PROJECTS
                    or "venv" in child.name
                ):
                    continue
                if (child / "pyproject.toml").is_file():
                    found.append(child)
                else:
                    below.append(child)
        level = below
    return found


def _released_by_evidence(
    root: Path, doc: Mapping[str, Any], dirs: Sequence[Path]
) -> dict[Path, str]:
    """Projects no workspace file lists whose release history says they are released
    (:mod:`relnox.project.released`): directory -> the evidence."""
    from relnox.project.released import released_elsewhere

    members = {d.resolve() for d in dirs}
    candidates: list[tuple[Path, str]] = []
    if (
        root.resolve() not in members
        and {"project", "build-system"} <= doc.keys()
        and table(doc, "tool", "uv").get("package") is False
    ):
        candidates.append((root, _name_of(root, doc) or root.name))
    for directory in _projects_below(root, depth=3):
        if directory.resolve() in members:
            continue
        try:
            found = load_toml(directory / "pyproject.toml")
        except RelnoxError:
            continue
        name = _name_of(directory, found)
        valid = name is not None and _VALID_NAME.fullmatch(name) is not None
        if valid and "build-system" in found and is_package(found, directory):
            candidates.append((directory, name or directory.name))
    return dict(released_elsewhere(root, candidates))


def _outside(root: Path, dirs: Sequence[Path]) -> tuple[str, ...]:
    """Projects next to the workspace that no member list names (a ``backend/`` of its own)."""
    members = {d.resolve() for d in dirs}
    notes = []
    for directory in _projects_below(root, depth=3):
        if directory.resolve() in members:
            continue
        try:
            doc = load_toml(directory / "pyproject.toml")
        except RelnoxError:
            continue
        name = _name_of(directory, doc)
        if name and is_package(doc, directory):
            rel = directory.relative_to(root).as_posix()
            notes.append(
                f"{rel}/pyproject.toml ({name}) is not a member of this workspace; "
                f'add "{rel}" to [tool.relnox] packages to release it with relnox'
            )
    return tuple(notes)


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

    Errors that make the whole workspace meaningless (a malformed root
    ``[tool.relnox]``, a dependency cycle, no package at all) are raised.
    """
    root = Path(root).resolve()
    check_root(root)
    root_pyproject = root / "pyproject.toml"
    exists = os.path.lexists(root_pyproject)
    doc: Mapping[str, Any] | None = load_toml(root_pyproject) if exists else None
    if doc is not None:
        check_shape(root_pyproject, doc)
    if doc is None and (root / "setup.py").is_file():
        doc = {}  # a setup.py project: build's legacy setuptools backend builds it
    config = load_config(root_pyproject, table(doc or {}, "tool", "relnox"))
    check_heading(root_pyproject, config.changelog_heading)
    dirs, broken = _member_dirs(root, doc, config)
    if doc is None and not dirs and not broken:
        raise ConfigError(
            f"{root}: no pyproject.toml here or in the directories below; "
            "run relnox from the repository root or pass --root"
        )
    explicit = config.packages is not None
    inferred: dict[Path, str] = (
        {} if explicit or doc is None else _released_by_evidence(root, doc, dirs)
    )
    dirs = [*dirs, *(d for d in inferred if d not in dirs)]
    docs: dict[Path, Mapping[str, Any]] = {}
    skipped: list[str] = []
    for directory in dirs:
        try:  # anything unreadable in one member is that member's problem, listed with the rest
            loaded = doc if directory == root and doc is not None else project_doc(directory)
            check_shape(directory / "pyproject.toml", loaded)
            if not is_package(loaded, directory, explicit=explicit or directory in inferred):
                if doc is not None and directory != root and not _virtual(loaded):
                    raise _no_project(root, directory)
                continue
            name = _name_of(directory, loaded)
        except RelnoxError as exc:
            broken.append(Broken(directory, None, exc))
            continue
        if name and not _VALID_NAME.fullmatch(name):
            error = ConfigError(
                f"{directory / 'pyproject.toml'}: {name!r} is not a valid project name "
                "(letters, digits and . _ - only); fix it there"
            )
            if doc is None:  # found by scanning, not listed: a template, said and left out
                rel = (directory / "pyproject.toml").relative_to(root).as_posix()
                skipped.append(
                    f"{rel}: {name!r} is not a valid project name, so it is left out "
                    "(a template?); fix the name there if it is a package"
                )
            else:
                broken.append(Broken(directory, None, error))
            continue
        docs[directory] = loaded
    names: set[str] = set()
    for directory, data in docs.items():
        name = _name_of(directory, data)
        if name:
            names.add(canonicalize_name(name))
    packages: list[Package] = []
    for directory, data in docs.items():
        try:
            packages.append(_load_package(directory, data, names, config, directory == root))
        except RelnoxError as exc:
            name = _name_of(directory, data)
            broken.append(Broken(directory, canonicalize_name(name) if name else None, exc))
    packages, broken = _unique(root, packages, broken)
    if not packages and not broken:
        uv_virtual = doc is not None and table(doc, "tool", "uv").get("package") is False
        if uv_virtual and doc is not None and "project" in doc:
            raise ConfigError(
                f"{root_pyproject}: no package to release: [tool.uv] package = false marks "
                'this [project] as not built; if it is released, add packages = ["."] '
                "to [tool.relnox]"
            )
        raise ConfigError(
            f"{root_pyproject}: no package to release; add a [project] table, "
            "[tool.uv.workspace] members or [tool.relnox] packages"
        )
    ordered = release_order(_defer_optional_cycles(packages))
    notes = _outside(root, dirs) if doc is not None and not explicit else ()
    notes += tuple(skipped)
    notes += tuple(
        f"{relpath(d, root) if d != root else 'pyproject.toml'} is released ({why}), though no "
        "workspace file lists it; [tool.relnox] packages decides otherwise"
        for d, why in inferred.items()
    )
    if (
        root not in inferred
        and doc is not None
        and not explicit
        and {"project", "build-system"} <= doc.keys()
        and table(doc, "tool", "uv").get("package") is False
    ):
        notes += (
            f"pyproject.toml ({_name_of(root, doc) or 'the root project'}) has a "
            "[build-system] but [tool.uv] package = false, so relnox does not release it; "
            'if it is released, add "." to [tool.relnox] packages',
        )
    workspace = Workspace(
        root=root,
        config=config,
        packages=ordered,
        is_workspace=len(dirs) > 1 or doc is None or not is_package(doc, root, explicit),
        broken=tuple(broken),
        notes=notes,
    )
    workspace = read_tags(workspace)
    return _with_problems(workspace)


def _virtual(doc: Mapping[str, Any]) -> bool:
    """``[tool.uv] package = false`` (poetry: ``package-mode = false``): a member its
    tool installs but never builds."""
    return not_built(doc)


def _no_project(root: Path, directory: Path) -> ConfigError:
    rel = directory.relative_to(root).as_posix() if directory.is_relative_to(root) else directory
    return ConfigError(
        f"{directory / 'pyproject.toml'}: a workspace member without a [project] table (nor "
        f"[tool.poetry] name and version, setup.cfg or setup.py); add [project] with name and "
        f'version, or leave "{rel}" out of the members in {root / "pyproject.toml"}'
    )


def _unique(
    root: Path, packages: list[Package], broken: list[Broken]
) -> tuple[list[Package], list[Broken]]:
    """Two members with one project name are both left out, naming each other."""
    by_name: dict[str, list[Package]] = {}
    for pkg in packages:
        by_name.setdefault(pkg.name, []).append(pkg)
    kept = []
    for pkg in packages:
        twins = by_name[pkg.name]
        if len(twins) == 1:
            kept.append(pkg)
            continue
        where = " and ".join(str(t.pyproject.relative_to(root)) for t in twins)
        broken.append(
            Broken(
                pkg.directory,
                pkg.name,
                ConfigError(
                    f"{pkg.pyproject}: the project name {pkg.project_name!r} is used by {where}; "
                    "give each package its own name, or leave one out of the workspace"
                ),
            )
        )
    return kept, broken


def _with_problems(workspace: Workspace) -> Workspace:
    errors = tuple(b.error for b in workspace.broken)
    return replace(workspace, errors=errors, problems=tuple(str(e) for e in errors))


def load_workspace(root: Path | str = ".", packages: Sequence[str] | None = None) -> Workspace:
    """:func:`discover` for a command: every input checked before any work.

    A package that cannot be read is never left out silently: when any member is
    broken (a malformed pyproject, two members whose names normalise alike, a version
    that is not PEP 440 ...), every problem is raised together, one line each with its
    file (:func:`relnox.project.validate.workspace_error`). A command told to act on
    named ``packages`` only goes on when each is a sound package, with every problem of
    the others logged as a warning: a problem in one package never stops work on
    another the user asked for. ``doctor`` and ``check-versions`` use :func:`discover`,
    which collects them instead.
    """
    import logging

    workspace = discover(root)
    log = logging.getLogger("relnox")
    for warning in workspace.warnings:
        log.warning("warning: %s", warning)
    if workspace.errors:
        problem = workspace_error(workspace.root, workspace.errors)
        if not packages or not all(workspace.has(name) for name in packages):
            raise problem
        log.warning("warning: left out, not asked for: %s", problem)
    return workspace
