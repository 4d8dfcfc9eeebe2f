"""The workspace model: the packages a repository releases, in release order, each with its
version, the places it is written and its requirements on the others (read by discovery)."""

from __future__ import annotations

import fnmatch
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.config import Config
from relnox.errors import ConfigError, GitError, RelnoxError, UnknownChoice, did_you_mean, shortlist
from relnox.paths import rel
from relnox.project.changelog_file import changelog_in
from relnox.project.pyproject import InternalRequirement, requirement_target
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import VCS_SOURCE, VersionLocation
from relnox.versions.tag_model import TagConvention, TagFacts
from relnox.versions.tag_name import tag_for, tag_format_of
from relnox.versions.tags import names_no_package

__all__ = ["Broken", "InternalRequirement", "Package", "Unreleased", "Workspace"]


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
    evidence: str = ""  # how the primary version source was found
    drift: tuple[VersionLocation, ...] = ()  # secondary copies that disagree with the primary
    tag_format: str | None = None  # configured for this package (root table or its own)
    tag_format_where: str = ""
    tag_match: str | None = None  # the backend narrows its tags: describe --match glob
    tag_regex: str | None = None  # ... or tag_regex
    tags: TagFacts | None = None  # its tag convention and released versions (git repos)
    referee: str = ""  # where its build backend says another version (relnox.versions.referee)
    spelled: str = ""  # its version as its backend spells it, where relnox joins it from parts
    asked: str = ""  # what relnox took from its build backend: "name", "version" or both
    stamped: tuple[str, ...] = ()  # release tags whose commits said this version: a placeholder
    build_tables: Mapping[str, Any] = field(default_factory=dict)  # what its build reads outside
    build_computes: bool = False  # its version only the build computes: no reading

    @property
    def vcs_versioned(self) -> bool:
        return self.version_source == VCS_SOURCE

    @property
    def bumped_by_tag(self) -> bool:
        """Its bump is a tag: versioned by git tags, or a placeholder stamped at build time."""
        return self.vcs_versioned or bool(self.stamped)

    @property
    def copies_say(self) -> str:
        """The version its copies say: its last release where its file holds a placeholder
        stamped at build time (``0.1.0`` in ``Cargo.toml``), else its version."""
        last = self.tags.last if self.tags is not None else None
        return str(last) if self.stamped and last is not None else self.version

    @property
    def primary(self) -> VersionLocation | None:
        """The place the build backend reads the version from (``None``: git tags)."""
        return self.locations[0] if self.locations and not self.vcs_versioned else None

    def spelling(self, written: str) -> str | None:
        """``written``, a version its files say, as the project spells it (what its backend
        builds where relnox joins it from parts)."""
        composed = self.primary is not None and self.primary.composed
        return (self.spelled or None) if composed else written

    @property
    def secondaries(self) -> tuple[VersionLocation, ...]:
        return self.locations[1:] if self.primary is not None else ()

    @property
    def drift_notes(self) -> tuple[str, ...]:
        if not self.drift:
            return ()
        cwd = str(Path.cwd().resolve())

        def shown(label: str) -> str:
            return label[len(cwd) + 1 :] if label.startswith(cwd + os.sep) else label

        primary = shown(self.primary.label) if self.primary else "its tags"
        return tuple(
            f"{shown(loc.label)} says {loc.value!r} but {primary} says {self.version!r} for "
            f"{self.name}; relnox bump rewrites it (or fix it by hand)"
            for loc in self.drift
        )

    @property
    def released(self) -> Version | None:
        """The highest version released under its tags, on any branch."""
        return self.tags.highest if self.tags else None

    @property
    def build_names(self) -> tuple[str, ...]:
        """The canonical names its ``[build-system] requires`` names (those that parse)."""
        return tuple(n for n in map(requirement_target, self.build_requires) if n is not None)

    @property
    def internal_deps(self) -> tuple[str, ...]:
        """Workspace packages this one needs at run time, but those of :attr:`deferred`."""
        targets = (r.target for r in self.requirements if r.runtime)
        return tuple(t for t in dict.fromkeys(targets) if t not in self.deferred)

    @property
    def dist_name(self) -> str:
        """The name as it appears in artifact file names (``acme_core``)."""
        return self.name.replace("-", "_")

    def changelog(self, config: Config) -> Path | None:
        path = changelog_in(self.directory, config)
        return path if path.is_file() else None


@dataclass(frozen=True)
class Broken:
    """A member that could not be loaded: its directory, its name if readable, why."""

    directory: Path
    name: str | None
    error: RelnoxError


@dataclass(frozen=True)
class Unreleased:
    """A project taken for one not released: ``why``, and the ``setting`` that releases it."""

    directory: Path
    name: str
    why: str
    setting: str
    declared: bool = False  # a member a workspace file lists (a private or virtual one)

    def note(self, root: Path) -> str:
        """The workspace note that says it: ``examples/a (a): WHY, so not released; SETTING``."""
        return f"{rel(self.directory, root)} ({self.name}): {self.why}{NOT_RELEASED}{self.setting}"


#: what joins an :class:`Unreleased` project's reason and the setting that releases it
NOT_RELEASED = ", so not released; "


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config
    packages: tuple[Package, ...]
    problems: tuple[str, ...] = ()
    errors: tuple[RelnoxError, ...] = ()  # the same problems, as exceptions
    is_workspace: bool = False  # more than one package, or a root that is not a package
    broken: tuple[Broken, ...] = ()
    shallow: bool = False  # a shallow clone: tags and history may be missing
    notes: tuple[str, ...] = ()  # facts worth saying (pyproject files outside the workspace ...)
    unreleased: tuple[Unreleased, ...] = ()  # projects found and not released, with why
    moved: tuple[tuple[str, str], ...] = ()  # (package, note) of a copy moved with its releases

    @property
    def warnings(self) -> tuple[str, ...]:
        """Findings that do not stop a command: drift, packages left out, unclear tags."""
        found = [note for pkg in self.packages for note in pkg.drift_notes]
        found += [pkg.referee for pkg in self.packages if pkg.referee]
        found += self.tag_problems
        found += self._groups_of_nothing()
        found += _shared(
            [(pkg.name, pkg.tags.finding) for pkg in self.packages if pkg.tags and pkg.tags.finding]
        )
        return tuple(found)

    @property
    def tag_problems(self) -> list[str]:
        """Tags relnox cannot tell, each package's; one line for those that differ by name."""
        return _shared(
            [(pkg.name, pkg.tags.problem) for pkg in self.packages if pkg.tags and pkg.tags.problem]
        )

    def require_history(self, what: str) -> None:
        """Refuse ``what`` in a shallow clone, where tags and history are incomplete."""
        if self.shallow:
            raise GitError(
                f"{self.root} is a shallow clone, so {what} cannot see every tag and commit; "
                "run git fetch --unshallow --tags (or check out with fetch-depth: 0) first"
            )

    @property
    def uv_locks(self) -> tuple[Path, ...]:
        """Every ``uv.lock`` a bump keeps in step: the root's and the packages' own."""
        folders = dict.fromkeys([self.root, *(p.directory for p in self.packages)])
        return tuple(d / "uv.lock" for d in folders if (d / "uv.lock").is_file())

    @property
    def tag_format(self) -> str:
        default = "{name}-v{version}" if self.is_workspace else "v{version}"
        return self.config.tag_format or default

    def has(self, name: str) -> bool:
        """``name`` is a package that could be loaded (by name or directory name)."""
        wanted = canonicalize_name(name)
        return any(p.name == wanted or p.directory.name == name for p in self.packages)

    def is_unreleased(self, name: str) -> Unreleased | None:
        """The project found and taken for not released that ``name`` names, if any."""
        wanted = canonicalize_name(name)
        found = (
            u
            for u in self.unreleased
            if wanted == canonicalize_name(u.name) or u.directory.name == name
        )
        return next(found, None)

    def get(self, name: str) -> Package:
        """A package by its name, its name as written, or its directory name (a name first)."""
        wanted = canonicalize_name(name)
        found = next((p for p in self.packages if p.name == wanted), None) or next(
            (p for p in self.packages if p.directory.name == name), None
        )  # one pass each, no sort: called once per package
        if found is not None:
            return found
        for broken in self.broken:
            if broken.name == wanted or broken.directory.name == name:
                raise type(broken.error)(str(broken.error))
        if (other := self.is_unreleased(name)) is not None:
            where = other.directory.relative_to(self.root).as_posix() or "."
            raise ConfigError(f"{name!r} ({where}) is not released: {other.why}; {other.setting}")
        known = [p.name for p in self.packages]
        raise UnknownChoice(
            f"unknown package {name!r}; {did_you_mean(name, known)}the packages of "
            f"{self.root} are: {', '.join(known) or 'none'}"
        )

    def select(self, names: Iterable[str] | None) -> tuple[Package, ...]:
        """The named packages in release order; all when none is named (but none broken)."""
        if not (wanted := {self.get(n).name for n in names or ()}):
            if self.broken:
                others = ", ".join(p.name for p in self.packages) or "none"
                raise type(self.broken[0].error)(
                    f"{self.broken[0].error} (fix it, or name the packages to work on with "
                    f"--package; loaded: {others})"
                )
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

    def groups(self) -> tuple[tuple[Package, ...], ...]:
        """The lockstep groups: configured, sharing one tag, or sharing one version file."""
        configured = self._configured_groups()
        grouped = {p.name for group in configured for p in group}
        by_tag: dict[tuple[str, str], list[Package]] = {}  # new tags one at one version
        for pkg in self.packages:
            fmt = self.tag_format_of(pkg)
            if pkg.name not in grouped and names_no_package(fmt):
                key = (fmt, str(maybe_version(pkg.version) or pkg.version))
                by_tag.setdefault(key, []).append(pkg)
        shared = [tuple(group) for group in by_tag.values() if len(group) > 1]
        grouped |= {p.name for group in shared for p in group}
        by_file: dict[Path, list[Package]] = {}  # a bump of one writes the other's version
        for pkg in self.packages:
            if pkg.name not in grouped and pkg.primary is not None:
                by_file.setdefault(Path(os.path.normpath(pkg.primary.path)), []).append(pkg)
        shared += [tuple(group) for group in by_file.values() if len(group) > 1]
        return configured + tuple(shared)

    def _configured_groups(self) -> tuple[tuple[Package, ...], ...]:
        if self.config.lockstep:
            return (self.packages,) if self.packages else ()
        groups = []
        owner: dict[str, int] = {}
        for index, globs in enumerate(self.config.lockstep_groups):
            members = tuple(
                p
                for p in self.packages
                if any(fnmatch.fnmatchcase(n, g) for n in (p.name, p.directory.name) for g in globs)
            )
            for pkg in members:
                if pkg.name in owner:
                    raise ConfigError(
                        f"{self.config.source}: [tool.relnox] lockstep puts {pkg.name} in two "
                        f"groups ({list(self.config.lockstep_groups[owner[pkg.name]])} and "
                        f"{list(globs)}); keep each package in one group"
                    )
                owner[pkg.name] = index
            if members:
                groups.append(members)
        return tuple(groups)

    def _groups_of_nothing(self) -> list[str]:
        """A configured lockstep group whose globs name no project here (a misspelt name)."""
        names = [(p.name, p.directory.name) for p in self.packages]
        names += [(b.name or "", b.directory.name) for b in self.broken]
        names += [(u.name, u.directory.name) for u in self.unreleased]
        return [
            f"{self.config.source}: [tool.relnox] lockstep group {list(globs)} names no package "
            "here; check its names against relnox packages"
            for globs in self.config.lockstep_groups
            if not any(fnmatch.fnmatchcase(n, g) for pair in names for n in pair for g in globs)
        ]

    def shared_file(self, group: Sequence[Package]) -> Path | None:
        """The one version file every package of ``group`` reads, if they read one."""
        files = {Path(os.path.normpath(p.primary.path)) for p in group if p.primary is not None}
        return files.pop() if len(group) > 1 and len(files) == 1 else None

    def tag_sharers(self, pkg: Package) -> tuple[Package, ...]:
        """The packages outside ``pkg``'s group whose new tags have its tags' names."""
        fmt = self.tag_format_of(pkg)
        if not names_no_package(fmt):
            return ()
        group = self.group_of(pkg)
        return tuple(q for q in self.packages if q not in group and self.tag_format_of(q) == fmt)

    def shares_a_tag(self, group: Sequence[Package]) -> bool:
        """The group moves together because its packages share one tag, not by configuration."""
        return tuple(group) not in self._configured_groups()

    @functools.cached_property
    def changelogs(self) -> frozenset[Path]:
        """Every package's changelog, normalised, read once."""
        from relnox.project.changelog_file import changelog_of

        return frozenset(Path(os.path.normpath(changelog_of(self, p))) for p in self.packages)

    @functools.cached_property
    def pre_releases(self) -> frozenset[Version]:
        return frozenset(v for p in self.packages if p.tags for v in p.tags.released if v.pre)

    def group_of(self, pkg: Package) -> tuple[Package, ...]:
        return self._group_index.get(pkg.name, (pkg,))

    @functools.cached_property
    def _group_index(self) -> dict[str, tuple[Package, ...]]:
        index: dict[str, tuple[Package, ...]] = {}
        for group in self.groups():
            for p in group:
                index.setdefault(p.name, group)
        return index

    def tag_format_of(self, pkg: Package) -> str:
        return tag_format_of(pkg, self.tag_format)

    def tag_for(self, pkg: Package, version: str | None = None) -> str:
        return tag_for(pkg, version, self.tag_format)

    def version_of_tag(self, pkg: Package, tag: str) -> str | None:
        """The version ``tag`` releases of ``pkg`` (``None``: not one of its tags)."""
        fmt = self.tag_format_of(pkg)
        convention = pkg.tags.convention if pkg.tags is not None else TagConvention(fmt, (fmt,), "")
        found = convention.version_of(
            tag.removeprefix("refs/tags/"), name=pkg.name, dir=pkg.directory.name
        )
        return str(found) if found is not None else None

    def match_tag(self, tag: str) -> list[tuple[Package, str]]:
        found = [(pkg, self.version_of_tag(pkg, tag)) for pkg in self.packages]
        return [(pkg, version) for pkg, version in found if version is not None]

    def carrier(self, pkg: Package, tagged: Sequence[Package]) -> Package | None:
        """The package of ``tagged`` whose tag releases ``pkg`` too (:attr:`TagFacts.carried`)."""
        if pkg.tags is None or not pkg.tags.carried:
            return None
        owners = {p.name for p, _version in self.match_tag(pkg.tags.carried[0][1])}
        return next((p for p in tagged if p.name in owners and p is not pkg), None)


_FOR_SEVERAL = (
    ("none names {name}", "none names them"),
    ("in its [tool.relnox]", "in each one's [tool.relnox]"),
    ("if its releases", "if their releases"),
)


def _shared(problems: Sequence[tuple[str, str]]) -> list[str]:
    """``name: problem`` for each, but one line for those whose problem differs only by name."""
    groups: dict[str, list[str]] = {}
    for name, problem in problems:
        groups.setdefault(problem.replace(name, "{name}"), []).append(name)
    found = []
    for text, names in groups.items():
        several = text
        for one, many in _FOR_SEVERAL:
            several = several.replace(one, many)
        if len(names) == 1 or "{name}" in several:
            found += [f"{name}: {text.replace('{name}', name)}" for name in names]
            continue
        found.append(f"{shortlist(names)}: {several}")
    return found


def needs(
    workspace: Workspace, names: Iterable[str], deps: Callable[[str], Iterable[str]] | None = None
) -> list[str]:
    """``names`` and every workspace package they need, directly or through others, in the
    order found; ``deps``: what one needs, by default its :attr:`Package.internal_deps`."""
    found: dict[str, None] = {}
    todo = [canonicalize_name(n) for n in names]
    while todo:
        if (name := todo.pop()) in found:
            continue
        found[name] = None
        if deps is not None:
            more = deps(name)
        else:
            try:
                more = workspace.get(name).internal_deps
            except RelnoxError:
                more = ()
        todo += (canonicalize_name(d) for d in more)
    return list(found)
