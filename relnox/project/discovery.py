"""Finding a repository's packages (``[tool.relnox] packages``, else the root and uv's
workspace members, else the projects below) and reading each; one that cannot be read is
:class:`~relnox.project.workspace.Broken`, never stopping the others."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.config import DEFAULT_CHANGELOG_HEADING, Config, load_config
from relnox.errors import ConfigError, RelnoxError, path_error, shortlist
from relnox.paths import rel as relpath
from relnox.project.members import (
    NOTES_SHOWN,
    Targets,
    listed_below,
    local_references,
    member_dirs,
    nested,
    no_members,
    outside_members,
    projects_below,
    released_by_evidence,
    required_by,
    test_dirs_note,
    test_suite,
    workspace_below_note,
    workspace_setting,
    workspaces_below,
)
from relnox.project.moved_with import unreleased_rule, with_moved_copies
from relnox.project.order import ordered
from relnox.project.package_load import VALID_NAME, load_package, name_of
from relnox.project.package_tags import read_tags
from relnox.project.pyproject import (
    is_package,
    not_built,
    project_doc,
    source_repository,
    tools_only,
    unbuildable,
    uv_never_builds,
    with_hatch_toml,
)
from relnox.project.validate import check_root, check_shape, workspace_error
from relnox.project.workspace import Broken, Package, Unreleased, Workspace
from relnox.toml import read_or_empty, table
from relnox.versions.arithmetic import dev_label, maybe_version, same_version
from relnox.versions.next_checks import with_stamped
from relnox.versions.referee import asked_note, refereed
from relnox.versions.released import tagged, under_examples
from relnox.versions.sources import load_toml, toml_location

__all__ = ["discover", "is_package", "load_workspace"]


def discover(root: Path | str = ".", *, tags: bool = True, moved: bool = True) -> Workspace:
    """Load every package; one package's problem is collected, a whole workspace's raised.

    ``tags=False``: tags read only where they decide a version (build-all, verify-install);
    ``moved=False``: no copies of unreleased projects' versions (plan, check-versions)."""
    root = Path(root).resolve()
    check_root(root)
    read = functools.cache(project_doc)  # each pyproject read once (none is changed here)
    root_pyproject = root / "pyproject.toml"
    exists = os.path.lexists(root_pyproject)
    doc: Mapping[str, Any] | None = load_toml(root_pyproject) if exists else None
    root_broken: list[Broken] = []
    if doc is not None:
        doc, root_broken = _root_checked(root_pyproject, doc)
        doc = with_hatch_toml(root, dict(doc))
    if doc is None and (root / "setup.py").is_file():
        doc = {}  # a setup.py project: build's legacy setuptools backend builds it
    config = load_config(root_pyproject, table(doc or {}, "tool", "relnox"))
    if config.changelog_heading != DEFAULT_CHANGELOG_HEADING:
        from relnox.project.changelog import check_heading

        check_heading(root_pyproject, config.changelog_heading)
    listing = None if doc is None or _settings_only(root, doc, config) else doc
    tests: list[Path] = []  # projects a scan leaves in directories named for tests
    dirs, broken = member_dirs(root, listing, config, tests, read)
    broken = [*root_broken, *broken]
    if doc is None and not dirs and not broken:
        raise ConfigError(
            f"{root}: no pyproject.toml here or in the directories below; "
            "run relnox from the repository root or pass --root"
        )
    explicit = config.packages is not None
    scan = [] if explicit or listing is None else projects_below(root, tests=tests, read=read)
    others = no_members(scan, dirs)  # the projects below that are no member
    # a workspace below the root: its members are looked at as projects inside a package are
    workspaces = [] if explicit else workspaces_below(root, [*dirs, *others], read)
    # a project in a folder named for tests too: its releases' history can say it is released
    inside = [*dirs, *(d for d in workspaces if d not in dirs)]
    candidates = [*others, *tests, *nested(root, inside, read)]
    inferred: dict[Path, str] = (
        {} if explicit else released_by_evidence(root, listing or {}, candidates, dirs, read)
    )
    skipped: list[str] = []
    unreleased: list[Unreleased] = []
    if listing is None and doc is not None and unbuildable(doc, root) and name_of(root, doc):
        why = (  # taken for settings (_settings_only): said, with what makes it a package
            "its [project] has a dynamic version and no backend builds it (no [build-system], "
            "setup.py or setuptools setting)"
        )
        setting = "[tool.relnox] version-files naming the file that holds its version releases it"
        skipped.append(f"pyproject.toml ({name_of(root, doc)}): {why}, so not released; {setting}")
        unreleased.append(Unreleased(root, str(name_of(root, doc)), why, setting))
    development = None
    if inferred and root in dirs and listing is not None and _development_root(root, listing):
        development = listing
        dirs = [d for d in dirs if d != root]
        why = (
            "it has no [build-system], setup.py or dependencies and the projects below are "
            "released, so relnox takes it for the development project that holds their "
            "settings (its version, when it is theirs, moves with them)"
        )
        setting = 'add "." to [tool.relnox] packages if it is released'
        root_name = name_of(root, listing) or root.name
        skipped.append(f"pyproject.toml ({root_name}) {why.removeprefix('it ')}; {setting}")
        unreleased.append(Unreleased(root, root_name, why, setting))
    dirs = [*dirs, *(d for d in inferred if d not in dirs)]
    lists = (broken, skipped, unreleased)
    docs = _member_docs(root, listing, dirs, explicit, set(inferred), lists, read)
    if listing is None and docs and not inferred:  # only examples, beside a deeper workspace
        examples = all(under_examples(d, root) for d in docs)
        if examples and (below := _workspace_below(root, dirs, doc is not None)) is not None:
            raise below
    if not explicit:
        home = source_repository(doc) if doc is not None else None
        said = (skipped, unreleased)
        docs = _without_examples(root, docs, set(inferred), said, listing is None, home)
    names: set[str] = {canonicalize_name(n) for d, data in docs.items() if (n := name_of(d, data))}
    packages: list[Package] = []
    for directory, data in docs.items():
        try:
            packages.append(load_package(directory, data, names, config, directory == root))
        except (RelnoxError, OSError) as exc:
            name = name_of(directory, data)
            if isinstance(exc, OSError):  # a path a setting names that cannot be looked up
                names_it = directory / "pyproject.toml"
                exc = path_error(names_it if names_it.is_file() else directory, exc)
            broken.append(Broken(directory, canonicalize_name(name) if name else None, exc))
    packages, broken = _unique(root, packages, broken)
    if (
        unreleased
        and unreleased[0].directory == root
        and canonicalize_name(unreleased[0].name) in names
    ):
        del unreleased[0], skipped[0]  # a root holding the metadata of a package below it
    if development is not None:
        packages = _with_root_copy(root_pyproject, development, packages)
    if not packages and not broken:
        if (
            doc is not None
            and "project" in doc
            and table(doc, "tool", "uv").get("package") is False
        ):
            raise ConfigError(
                f"{root_pyproject}: no package to release: [tool.uv] package = false marks "
                'this [project] as not built; if it is released, add packages = ["."] '
                "to [tool.relnox]"
            )
        members = table(doc or {}, "tool", "uv", "workspace").get("members")
        if config.packages or (isinstance(members, list) and members):
            setting = (
                f"[tool.relnox] packages = {list(config.packages or ())!r}"
                if config.packages
                else f"[tool.uv.workspace] members = {members!r}"
            )
            raise ConfigError(
                f"{root_pyproject}: {setting} names no directory with a pyproject.toml "
                "(or setup.py); point it at the packages' directories"
            )
        if listing is None and (below := _workspace_below(root, dirs, doc is not None)):
            raise below
        if doc is not None and unbuildable(doc, root):  # and nothing below
            raise ConfigError(
                f"{root_pyproject}: [project] has a dynamic version and no [build-system], "
                "setup.py or setuptools setting computes it, so no backend builds it; add "
                "the [build-system] that sets its version, or [tool.relnox] version-files "
                "naming the file that holds it"
            )
        if doc is not None and "project" in doc:  # for tools only, and nothing below
            raise ConfigError(
                f'{root_pyproject}: [project] has no name; add name = "your-package" and a '
                "version if this root is a package, or [tool.relnox] packages naming the "
                "directories that hold them"
            )
        if doc is None:
            raise ConfigError(
                f"{root}: no pyproject.toml here and no package in the directories below; "
                "run relnox from the repository root or pass --root"
            )
        if listing is None and not dirs:  # tools' settings, and no project below
            tools = ", ".join(f"[tool.{key}]" for key in list(table(doc, "tool"))[:3])
            raise ConfigError(
                f"{root_pyproject}: no package to release: it holds only tools' settings"
                f"{f' ({tools})' if tools else ''} and no directory below holds a "
                "pyproject.toml or setup.py; run relnox where a Python package is (or pass "
                "--root), or add a [project] table with name and version if this is one"
            )
        raise ConfigError(
            f"{root_pyproject}: no package to release; add a [project] table, "
            "[tool.uv.workspace] members or [tool.relnox] packages"
        )
    in_order, cycles = ordered(packages)
    released = {d.resolve() for d in inferred}
    shipped = {  # the import packages' folders: a directory inside one is its data
        base / name.split(".")[0]
        for pkg in packages
        for name in pkg.import_packages
        for base in (pkg.directory, pkg.directory / "src")
    }
    others = [d for d in others if d.resolve() not in released and shipped.isdisjoint(d.parents)]
    outside_notes, outside_entries = (
        outside_members(root, others, read) if listing is not None and not explicit else ((), [])
    )
    unreleased += outside_entries
    tests = [d for d in tests if shipped.isdisjoint(d.parents)]
    known = {p.directory.resolve() for p in packages} | {u.directory.resolve() for u in unreleased}
    skipped += [n for d in workspaces if (n := workspace_below_note(root, d, known, read))]
    if tests and (note := test_dirs_note(root, tests, dirs, read)) is not None:
        skipped.append(note)
    notes = _notes(root, listing, outside_notes, explicit, inferred, skipped) + cycles
    if any(pkg.asked for pkg in in_order):
        notes += tuple(asked_note(pkg, root) for pkg in in_order if pkg.asked)
    workspace = Workspace(
        root=root,
        config=config,
        packages=in_order,
        is_workspace=len(dirs) > 1 or listing is None or not is_package(listing, root, explicit),
        broken=tuple(broken),
        notes=notes,
        unreleased=tuple(unreleased),
    )
    scanned = listing is None and not explicit  # found by scanning, declared by no file
    if tags or scanned or any(pkg.vcs_versioned for pkg in workspace.packages):
        workspace = read_tags(workspace)
    workspace = _without_placeholders(workspace, scanned)
    workspace = with_stamped(refereed(workspace))
    if tags and moved:  # a project not released whose version the history moves with a
        workspace = with_moved_copies(workspace, read)  # package's
    elif tags:
        unreleased_rule(workspace)  # the setting checked all the same
    errors = tuple(b.error for b in workspace.broken)
    problems = tuple(dict.fromkeys(str(e) for e in errors))  # a cycle's: said once
    return replace(workspace, errors=errors, problems=problems)


def _without_placeholders(workspace: Workspace, scanned: bool) -> Workspace:
    """Projects at a version no release gives, listed as not released unless every project is one
    or another requires it: scanned ones at a version of zeros no tag released, or the root at a
    local version (not a ``+dev`` label) unless ``[tool.relnox] packages`` lists it."""

    def why(pkg: Package) -> str | None:
        if (version := maybe_version(pkg.version)) is None or pkg.vcs_versioned:
            return None
        if scanned and pkg.released is None and not any(version.release) and not version.epoch:
            return f"it is at {pkg.version}, no tag released it and no file declares it"
        root = pkg.directory == workspace.root and workspace.config.packages is None
        if root and version.local and not dev_label(version):
            return f"it is at {pkg.version}, a local version, which a public index refuses"
        return None

    reasons = {p.name: reason for p in workspace.packages if (reason := why(p)) is not None}
    kept = [p for p in workspace.packages if p.name not in reasons]
    needed = {r.target for p in kept for r in p.requirements if r.runtime}
    gone = [p for p in workspace.packages if p.name in reasons and p.name not in needed]
    if not kept or not gone:
        return workspace
    entries, notes = list(workspace.unreleased), list(workspace.notes)
    for p in gone:
        where = relpath(p.directory, workspace.root)
        setting = f'add "{where}" to [tool.relnox] packages (with the others) to release it'
        entries.append(Unreleased(p.directory, p.name, reasons[p.name], setting))
        file = p.pyproject if p.pyproject.is_file() else p.directory / "setup.py"
        if p.directory == workspace.root:
            what = ", a local version, which a public index refuses, so it is"
        else:
            what = " and no tag released it, so it is taken for a helper and"
        said = f"{relpath(file, workspace.root)} ({p.name}) is at {p.version}{what}"
        notes.append(f"{said} not released; {setting}")
    packages = tuple(p for p in workspace.packages if p not in gone)
    return replace(workspace, packages=packages, notes=tuple(notes), unreleased=tuple(entries))


def _root_checked(
    pyproject: Path, doc: Mapping[str, Any]
) -> tuple[Mapping[str, Any], list[Broken]]:
    """The root's pyproject, checked: its ``[tool]`` tables (relnox's settings, the member
    list) must hold for any package to be read; its own project's tables, when it lists
    members, are that project's problem: the members are read without them."""
    check_shape(pyproject, doc, only="tool")
    try:
        check_shape(pyproject, doc)
    except ConfigError as exc:
        if workspace_setting(doc) is None:
            raise  # the root is the one project: its problem is the command's
        name = table(doc, "project").get("name")
        found = canonicalize_name(name) if isinstance(name, str) else None
        rest = {key: value for key, value in doc.items() if key not in ("project", "build-system")}
        return rest, [Broken(pyproject.parent, found, exc)]
    return doc, []


def _settings_only(root: Path, doc: Mapping[str, Any], config: Config) -> bool:
    """A root ``pyproject.toml`` of tools' settings only, or one no backend can build: it
    lists no package, so the packages are the projects below."""
    if config.packages is not None or table(doc, "tool", "uv", "workspace"):
        return False
    if ("project" not in doc and not is_package(doc, root)) or tools_only(doc, root):
        return True
    return not (config.version_files or config.version_source) and unbuildable(doc, root)


def _member_docs(
    root: Path,
    doc: Mapping[str, Any] | None,
    dirs: Sequence[Path],
    explicit: bool,
    inferred: set[Path],
    problems: tuple[list[Broken], list[str], list[Unreleased]],
    read: Callable[[Path], dict[str, Any]] = project_doc,
) -> dict[Path, Mapping[str, Any]]:
    """Each member's pyproject, read and checked; one that cannot be read, or is no
    package, is added to ``problems`` instead."""
    docs: dict[Path, Mapping[str, Any]] = {}
    broken, skipped, unreleased = problems

    def leave(directory: Path, name: str, why: str, setting: str) -> None:
        unreleased.append(Unreleased(directory, name, why, setting, declared=doc is not None))
        skipped.append(unreleased[-1].note(root))

    for directory in dirs:
        rel = relpath(directory, root)
        try:
            loaded = doc if directory == root and doc is not None else read(directory)
            check_shape(directory / "pyproject.toml", loaded)
            if not is_package(loaded, directory, explicit=explicit or directory in inferred):
                virtual = directory != root and not_built(loaded)
                if doc is not None and directory != root and not virtual:
                    raise ConfigError(
                        f"{directory / 'pyproject.toml'}: a workspace member without a [project] "
                        "table (nor [tool.poetry] name and version, setup.cfg or setup.py); add "
                        f'[project] with name and version, or leave "{rel}" out of the members '
                        f"in {root / 'pyproject.toml'}"
                    )
                if virtual:  # a declared member its tool installs and never builds
                    uv = table(loaded, "tool", "uv").get("package") is False
                    setting = "[tool.uv] package" if uv else "[tool.poetry] package-mode"
                    leave(
                        directory,
                        name_of(directory, loaded) or directory.name,
                        f"its {setting} = false says its tool installs it and never builds it",
                        f'add "{rel}" to [tool.relnox] packages if it is released',
                    )
                continue
            name = name_of(directory, loaded)
        except RelnoxError as exc:
            broken.append(Broken(directory, None, exc))
            continue
        marked = _private(loaded) if len(dirs) > 1 and not explicit else None
        if marked is not None:  # its own metadata says no index takes it
            leave(
                directory,
                name or directory.name,
                f"its classifier {marked!r} says it is never uploaded",
                f'add "{rel}" to [tool.relnox] packages if it is released (to a private index)',
            )
        elif not name and not loaded and doc is None:  # a setup.py found by scanning
            skipped.append(
                f"{rel}/setup.py: no project name relnox can read (setup(name=...) is computed), "
                "so it is left out; write the name as a literal, or in setup.cfg [metadata]"
            )
        elif name and not VALID_NAME.fullmatch(name) and doc is not None:
            error = ConfigError(
                f"{directory / 'pyproject.toml'}: {name!r} is not a valid project name "
                "(letters, digits and . _ - only); fix it there"
            )
            broken.append(Broken(directory, None, error))
        elif name and not VALID_NAME.fullmatch(name):  # found by scanning: a template
            skipped.append(
                f"{rel}/pyproject.toml: {name!r} is not a valid project name, so it is left "
                "out (a template?); fix the name there if it is a package"
            )
            why = f"{name!r} is not a valid project name (a template?)"
            setting = "fix the name in its pyproject.toml if it is a package"
            unreleased.append(Unreleased(directory, directory.name, why, setting))
        else:
            docs[directory] = loaded
    return docs


def _private(doc: Mapping[str, Any]) -> str | None:
    """The ``Private ::`` classifier of a project, which every public index refuses."""
    for where in (table(doc, "project"), table(doc, "tool", "poetry")):
        classifiers = where.get("classifiers")
        for classifier in classifiers if isinstance(classifiers, list) else ():
            if isinstance(classifier, str) and classifier.startswith("Private ::"):
                return classifier
    return None


def _without_examples(
    root: Path,
    docs: dict[Path, Mapping[str, Any]],
    inferred: set[Path],
    said: tuple[list[str], list[Unreleased]],
    scanned: bool,
    home: str | None = None,
) -> dict[Path, Mapping[str, Any]]:
    """The members without those of examples, docs or tests (and, ``scanned``, developer tools)
    or copies of another repository's projects, unless tagged or required; each said in ``said``."""
    skipped, unreleased = said
    examples = {
        directory: name_of(directory, data) or directory.name
        for directory, data in docs.items()
        if directory != root
        and directory not in inferred
        and (under_examples(directory, root, tools=scanned) or test_suite(directory.name))
    }
    elsewhere = {
        directory: theirs
        for directory, data in docs.items()
        if home is not None
        and directory != root
        and directory not in inferred
        and directory not in examples
        and (theirs := source_repository(data)) not in (None, home)
    }
    aside = {**examples, **{d: name_of(d, docs[d]) or d.name for d in elsewhere}}
    if not aside or len(aside) == len(docs):
        return docs
    requirers = [(d, data) for d, data in docs.items() if d not in aside]
    targets: Targets = {canonicalize_name(n): (d, docs[d]) for d, n in aside.items()}
    released = tagged(root, aside.items()) | set(required_by(requirers, targets))
    left = {d: name for d, name in aside.items() if d not in released}
    for directory in left:
        del docs[directory]
    where = "examples, tests, docs or developer tools" if scanned else "examples, tests or docs"
    setting = "list those to release in [tool.relnox] packages"
    for why, group in (
        (f"in an {where} directory", [d for d in left if d not in elsewhere]),
        *((f"a copy of {elsewhere[d]} (its [project.urls])", [d]) for d in left if d in elsewhere),
    ):
        if group:
            why += ", named by no tag and required by no released package"
            unreleased += [Unreleased(d, left[d], why, setting) for d in group]
            shown = [f"{relpath(d, root)} ({left[d]})" for d in group]
            skipped.append(f"{shortlist(shown)}: {why}, so not released; {setting}")
    return docs


def _notes(
    root: Path,
    doc: Mapping[str, Any] | None,
    outside_notes: tuple[str, ...],
    explicit: bool,
    inferred: Mapping[Path, str],
    skipped: Sequence[str],
) -> tuple[str, ...]:
    """What the workspace says about how it was read: projects outside it or left out,
    projects released though no workspace file lists them, a root uv does not build."""
    notes = outside_notes + tuple(skipped)
    if len(inferred) > NOTES_SHOWN:  # many: one note
        shown = shortlist([f"{relpath(d, root)}: {why}" for d, why in inferred.items()], sep="; ")
        (below, *others) = {listed_below(root, d) for d in inferred}
        notes += (
            f"{len(inferred)} projects below are released, though "
            f"{_listing(None if others else below, 'them')} ({shown}); "
            "[tool.relnox] packages decides otherwise",
        )
    else:
        excludes = table(doc or {}, "tool", "uv", "workspace").get("exclude")
        globs = [g for g in excludes if isinstance(g, str)] if isinstance(excludes, list) else []
        globs = [g for g in globs if g.strip() and not Path(g).is_absolute()]
        excluded = {path.absolute() for pattern in globs for path in root.glob(pattern)}
        notes += tuple(
            (
                f"{relpath(d, root)} is released ({why}), though "
                + (
                    "[tool.uv.workspace] exclude leaves it out"
                    if d.absolute() in excluded
                    else _listing(listed_below(root, d), "it")
                )
                if d != root
                else f"pyproject.toml ({name_of(root, doc or {}) or 'the root project'}) is "
                f"released ({why}), though its [tool.uv] package = false keeps uv from "
                "building it; relnox releases it"
            )
            + "; [tool.relnox] packages decides otherwise"
            for d, why in inferred.items()
        )
    referenced = local_references(root, doc) if doc is not None and not explicit else []
    if referenced and not table(doc or {}, "tool", "uv", "workspace").get("members"):
        notes += (
            f"pyproject.toml ({name_of(root, doc or {}) or 'the root project'}) requires its "
            f"packages by direct reference ({referenced[0][1]}), which no index accepts, so "
            "relnox takes it for the development project and releases the projects it "
            'references; add "." to [tool.relnox] packages if it is released',
        )
    elif root not in inferred and doc is not None and not explicit and uv_never_builds(doc):
        notes += (
            f"pyproject.toml ({name_of(root, doc) or 'the root project'}) has a "
            "[build-system] but [tool.uv] package = false, so relnox does not release it; "
            'if it is released, add "." to [tool.relnox] packages',
        )
    return notes


def _listing(below: str | None, them: str) -> str:
    """Which workspace file lists projects released below the root: the workspace in folder
    ``below``, or none."""
    if below is None:
        return f"no workspace file lists {them}"
    return (
        f"only {below}/pyproject.toml, a workspace below the root, lists {them} "
        f"(relnox run in {below} reads that workspace alone)"
    )


def _development_root(root: Path, doc: Mapping[str, Any]) -> bool:
    """A root ``[project]`` that builds and installs nothing (no build system, setup.py,
    setup.cfg, dependencies, extras or scripts)."""
    project = table(doc, "project")
    installs = {"dependencies", "optional-dependencies", "scripts", "gui-scripts", "entry-points"}
    return (
        bool(project)
        and "build-system" not in doc
        and not any(project.get(key) for key in installs)  # dependencies = [] installs none
        and not set(project.get("dynamic", ())) & installs
        and not (root / "setup.py").is_file()
        and not (root / "setup.cfg").is_file()
    )


def _with_root_copy(
    pyproject: Path, doc: Mapping[str, Any], packages: list[Package]
) -> list[Package]:
    """The packages at the version a development root's ``[project]`` says, with it as a
    copy of their own, so a bump keeps it in step."""
    version = table(doc, "project").get("version")
    if not isinstance(version, str) or maybe_version(version) is None:
        return packages
    copy = toml_location(pyproject, doc, ("project", "version"))
    return [
        replace(p, locations=(*p.locations, copy))
        if p.primary is not None and same_version(p.version, version)
        else p
        for p in packages
    ]


def _workspace_below(root: Path, dirs: Sequence[Path], settings: bool) -> ConfigError | None:
    """The error naming a workspace root found among ``dirs`` and how to run relnox on it,
    when ``root`` has no package; None when there is none."""
    here = (
        f"{root / 'pyproject.toml'} holds no package"
        if settings
        else f"{root}: no pyproject.toml here"
    )
    for directory in dirs:
        found = read_or_empty(directory / "pyproject.toml")  # unreadable: {}, passed over
        rel = directory.relative_to(root).as_posix()
        setting = workspace_setting(found)
        if not setting and not_built(found) and {"project", "build-system"} <= found.keys():
            return ConfigError(
                f"{here}, and {rel}/pyproject.toml sets [tool.uv] package = false (a project "
                "uv never builds) with no tag or release workflow naming it: if it is "
                f"released, run relnox in {rel}, or pass --root {rel}"
            )
        if setting:
            return ConfigError(
                f"{here}, and {rel}/pyproject.toml is a workspace "
                f"({setting}): run relnox in {rel}, or pass --root {rel}"
            )
    return None


def _unique(
    root: Path, packages: list[Package], broken: list[Broken]
) -> tuple[list[Package], list[Broken]]:
    """Two members with one project name (once normalised) are both left out, by one
    error naming both (said once: a problem's text is)."""
    by_name: dict[str, list[Package]] = {}
    for pkg in packages:
        by_name.setdefault(pkg.name, []).append(pkg)
    for twins in by_name.values():
        if len(twins) < 2:
            continue
        where = " and ".join(
            [str(twins[0].pyproject), *(relpath(t.pyproject, root) for t in twins[1:])]
        )
        spellings = list(dict.fromkeys(t.project_name for t in twins))
        said = " and ".join(repr(n) for n in spellings)
        what = (
            f"the project names {said} are one name, {twins[0].name}, as indexes compare them"
            if len(spellings) > 1
            else f"the project name {said} is used by both"
        )
        error = ConfigError(
            f"{where}: {what}; give each package its own name, or name the one to release "
            "in [tool.relnox] packages"
        )
        broken += [Broken(t.directory, t.name, error) for t in twins]
    return [pkg for pkg in packages if len(by_name[pkg.name]) == 1], broken


def listing(root: Path | str = ".", *, tags: bool = True, moved: bool = True) -> Workspace:
    """:func:`discover` for a command that shows every package, then ends with
    :func:`raise_broken`: one package's problem never hides the others."""
    workspace = discover(root, tags=tags, moved=moved)
    for warning in workspace.warnings:
        logging.getLogger("relnox").warning("warning: %s", warning)
    return workspace


def raise_broken(workspace: Workspace) -> None:
    """Raise every problem of the packages that could not be read, together."""
    if workspace.errors:
        raise workspace_error(workspace.root, workspace.errors)


def load_workspace(
    root: Path | str = ".", packages: Sequence[str] | None = None, *, tags: bool = True
) -> Workspace:
    """:func:`discover` for a command: every problem raised together, unless the named
    ``packages`` are each sound (the others' problems are then warnings)."""
    if (workspace := listing(root, tags=tags)).errors:
        problem = workspace_error(workspace.root, workspace.errors)
        if not packages or not all(workspace.has(name) for name in packages):
            for name in packages or ():  # one taken for not released: say why, not others'
                if not workspace.has(name) and workspace.is_unreleased(name):
                    workspace.get(name)
            if not packages and workspace.packages:  # the way on for the sound ones
                said, sound = str(problem), len(workspace.packages)
                them = f"{sound} sound package{'s' if sound > 1 else ''}"
                way = f"or act on the {them} alone: --package NAME"
                raise type(problem)(f"{said}\n  {way}" if "\n" in said else f"{said}; {way}")
            raise problem
        logging.getLogger("relnox").warning("warning: left out, not asked for: %s", problem)
    return workspace
