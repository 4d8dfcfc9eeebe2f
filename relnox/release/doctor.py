"""``doctor``: one read-only look at a repository before a release.

Each check gives rows of (check, status, detail) with status ``ok``, ``warn`` or
``error``; a check that cannot run becomes an ``error`` row instead of stopping the
others. Nothing is written, fetched or locked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox.artifacts.checks import readme_problem as render_problem
from relnox.errors import ConfigError, RelnoxError
from relnox.guards import doctor_checks as api_checks
from relnox.paths import rel
from relnox.project.changelog import UNRELEASED, read_section, sections
from relnox.project.discovery import discover, load_toml
from relnox.project.pyproject import setup_cfg
from relnox.project.workspace import Package, Workspace, changelog_in
from relnox.release.doctor_index import index_checks
from relnox.release.tagging import FETCH_HINT, is_shallow, version_at
from relnox.toml import table
from relnox.tools import git
from relnox.versioning import same_version

logger = logging.getLogger("relnox")
OK, WARN, ERROR = "ok", "warn", "error"


@dataclass(frozen=True)
class Check:
    check: str
    status: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class DoctorReport:
    root: Path
    checks: tuple[Check, ...]

    @property
    def errors(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == ERROR)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == WARN)


def _working_tree(ws: Workspace) -> list[Check]:
    dirty = git.dirty_files(ws.root)  # tracked files only: untracked ones never block
    if not dirty:
        return [Check("working tree", OK, "no uncommitted changes to tracked files")]
    shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
    return [
        Check(
            "working tree",
            ERROR,
            f"uncommitted changes to tracked files: {shown}; commit or stash them",
        )
    ]


def _branch(ws: Workspace) -> list[Check]:
    branch = git.current_branch(ws.root)
    if branch is None:
        return [
            Check("branch", WARN, "detached HEAD (fine on a CI tag build); release from a branch")
        ]
    upstream = git.git(
        ws.root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False
    )
    if not upstream:
        return [
            Check(
                "branch",
                WARN,
                f"{branch} has no upstream; push it with git push -u origin {branch}",
            )
        ]
    counts = git.git(ws.root, "rev-list", "--left-right", "--count", f"{upstream}...HEAD")
    behind, ahead = (int(n) for n in counts.split())
    if behind:
        return [
            Check(
                "branch", ERROR, f"{branch} is {behind} commit(s) behind {upstream}; git pull first"
            )
        ]
    if ahead:
        return [
            Check("branch", WARN, f"{branch} is {ahead} commit(s) ahead of {upstream}; push it")
        ]
    return [Check("branch", OK, f"{branch}, in sync with {upstream}")]


def _history(ws: Workspace) -> list[Check]:
    if is_shallow(ws.root):
        return [
            Check("history", ERROR, f"shallow clone: tags and history are missing; {FETCH_HINT}")
        ]
    if not git.tags(ws.root):
        return [
            Check(
                "history",
                WARN,
                "no tags at all: fine before a first release, else the tags were not "
                f"fetched; {FETCH_HINT}",
            )
        ]
    return [Check("history", OK, "full history with tags")]


def missing_metadata(doc: Mapping[str, Any]) -> list[str]:
    """The required core metadata fields a pyproject document lacks."""
    project = table(doc, "project")
    poetry = table(doc, "tool", "poetry")
    dynamic = set(project.get("dynamic", ()))

    def has(key: str, poetry_key: str | None = None) -> bool:
        return bool(project.get(key)) or key in dynamic or bool(poetry.get(poetry_key or key))

    missing = [k for k in ("name", "version", "description", "readme") if not has(k)]
    classifiers = [*project.get("classifiers", ()), *poetry.get("classifiers", ())]
    license_known = (
        has("license")
        or bool(project.get("license-files"))
        or any(str(c).startswith("License ::") for c in classifiers)
    )
    if not license_known:
        missing.append("license")
    if not has("requires-python") and not table(poetry, "dependencies").get("python"):
        missing.append("requires-python")
    return missing


def readme_problem(path: Path | None) -> str | None:
    """Why the readme would not render on an index (``None`` when it renders)."""
    if path is None:
        return "no readme file"
    if not path.is_file():
        return f"{path.name} does not exist"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"{path.name} is not UTF-8 text"
    if not text.strip():
        return f"{path.name} is empty"
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt", ""):
        return None  # markdown and plain text always render (as twine check treats them)
    if suffix == ".rst":
        problem = render_problem(text, "text/x-rst")
        return None if problem is None else f"{path.name} does not render: {problem}"
    return f"{path.name}: unknown readme type {suffix!r}; use .md, .rst or .txt"


def missing_setup_cfg(sections: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The required core metadata fields a ``setup.cfg`` ``[metadata]`` section lacks."""
    metadata = sections.get("metadata", {})
    fields = {
        "name": "name",
        "version": "version",
        "description": "description",
        "readme": "long_description",
    }
    missing = [field for field, key in fields.items() if not metadata.get(key, "").strip()]
    classifiers = metadata.get("classifiers", "")
    if not (
        metadata.get("license") or metadata.get("license_files") or "License ::" in classifiers
    ):
        missing.append("license")
    if not sections.get("options", {}).get("python_requires"):
        missing.append("requires-python")
    return missing


def _declared(pkg: Package) -> tuple[list[str] | None, Path, str]:
    """The missing fields, the file that declares the metadata and the table to add them to.

    ``None`` for the fields when only ``setup.py`` declares them (code relnox does not run).
    """
    doc = load_toml(pkg.pyproject) if pkg.pyproject.is_file() else {}
    if table(doc, "project") or table(doc, "tool", "poetry"):
        return missing_metadata(doc), pkg.pyproject, "[project]"
    sections = setup_cfg(pkg.directory)
    if sections.get("metadata"):
        return missing_setup_cfg(sections), pkg.directory / "setup.cfg", "[metadata] and [options]"
    if (pkg.directory / "setup.py").is_file():
        return None, pkg.directory / "setup.py", "setup()"
    return missing_metadata(doc), pkg.pyproject, "[project]"


def _metadata(ws: Workspace, pkg: Package) -> list[Check]:
    rows = []
    missing, where, table = _declared(pkg)
    if missing is None:
        return [
            Check(
                f"metadata {pkg.name}",
                WARN,
                f"{rel(where, ws.root)} declares the metadata in code; build-all's twine check "
                "--strict checks it once built",
            )
        ]
    required = [field for field in missing if field in ("name", "version")]
    # an index accepts a project without these; users and search miss them
    wanted = [f for f in missing if f in ("description", "readme", "requires-python")]
    if required:
        rows.append(
            Check(
                f"metadata {pkg.name}",
                ERROR,
                f"{rel(where, ws.root)} lacks {', '.join(required)}; add them to {table}",
            )
        )
    elif wanted:
        rows.append(
            Check(
                f"metadata {pkg.name}",
                WARN,
                f"{rel(where, ws.root)} lacks {', '.join(wanted)}; an index accepts that, but the "
                f"project page (and pip, for requires-python) use them: add them to {table}",
            )
        )
    else:
        rows.append(
            Check(
                f"metadata {pkg.name}",
                OK,
                "name, version, description, readme, requires-python"
                + ("" if "license" in missing else ", license"),
            )
        )
    if "license" in missing:
        rows.append(
            Check(
                f"license {pkg.name}",
                WARN,
                f"{rel(where, ws.root)} has no license; an index accepts that but users cannot "
                f'tell the terms: add license = "MIT" (any SPDX expression) to {table}',
            )
        )
    problem = readme_problem(pkg.readme)
    if problem and pkg.readme is None:
        pass  # said in the metadata row: a project page without a readme is a choice
    elif problem:
        rows.append(
            Check(
                f"readme {pkg.name}", ERROR, f"{problem}; fix it, PyPI shows it as the project page"
            )
        )
    elif pkg.readme is not None:
        rows.append(Check(f"readme {pkg.name}", OK, f"{rel(pkg.readme, ws.root)} renders"))
    return rows


def _tags(ws: Workspace, pkg: Package) -> list[Check]:
    name = f"tags {pkg.name}"
    facts = pkg.tags
    convention = (
        f"tags {ws.tag_format_of(pkg)} ({facts.convention.evidence})" if facts else "no tags read"
    )
    if facts is not None and facts.problem:
        return [Check(name, WARN, facts.problem)]
    if pkg.vcs_versioned:
        if facts is not None and facts.highest is None:
            return [
                Check(
                    name,
                    OK,
                    f"no release tag yet: its backend builds a dev version until "
                    f"{ws.tag_for(pkg, '0.1.0')} or another first tag; {convention}",
                )
            ]
        return [Check(name, OK, f"version {pkg.version} comes from the tags; {convention}")]
    current = Version(pkg.version)
    if facts is not None and facts.highest is not None and facts.highest > current:
        where = rel(pkg.primary.path if pkg.primary else pkg.pyproject, ws.root)
        leads_to = Version(current.base_version) if current.dev is not None else current
        if current.dev is not None and current.pre is not None:
            leads_to = Version(str(current).split(".dev")[0])
        if current.dev is not None and leads_to in facts.released:
            # main at 8.5.0.dev while 8.5.0 was tagged on a release branch not merged back
            return [
                Check(
                    name,
                    ERROR,
                    f"{pkg.version} leads to {leads_to}, already released by tag "
                    f"{ws.tag_for(pkg, str(leads_to))} on another branch; merge that branch "
                    f"into this one, or set the version above {facts.highest}",
                )
            ]
        if facts.backport and facts.last is not None and facts.last <= current:
            # HEAD's line has its own releases: a maintenance branch (or a main behind one)
            return [
                Check(
                    name,
                    WARN,
                    f"tag {facts.highest_tag} is newer than {pkg.version} and is on another "
                    f"branch; this branch's last release is {facts.last_tag}, so a bump here "
                    f"below {facts.highest} is a maintenance release (not marked latest)",
                )
            ]
        if facts.highest_tag and version_at(ws, pkg, facts.highest_tag) is None:
            # two readings: a release of this package from before its file moved, or a
            # tag of another project that shares the prefix
            return [
                Check(
                    name,
                    WARN,
                    f"tag {facts.highest_tag} is newer than {pkg.version} but tags a commit "
                    f"without {where}; if it is another project's, set tag-format in "
                    f"{pkg.name}'s [tool.relnox] (relnox refuses a bump to {facts.highest} or "
                    "below until then)",
                )
            ]
        return [
            Check(
                name,
                ERROR,
                f"tag {facts.highest_tag} is newer than {pkg.version} in "
                f"{rel(pkg.primary.path if pkg.primary else pkg.pyproject, ws.root)}; "
                "bump the version above it",
            )
        ]
    tag = ws.tag_for(pkg)
    if git.tag_exists(ws.root, tag):
        at_tag = version_at(ws, pkg, tag)
        if not same_version(at_tag, pkg.version):
            return [
                Check(
                    name,
                    ERROR,
                    f"tag {tag} points at a commit whose version is {at_tag or 'unknown'}; "
                    "delete or move that tag",
                )
            ]
        return [Check(name, OK, f"{tag} matches (already released); {convention}")]
    shared = _released_under_another_tag(ws, pkg)
    if shared is not None:
        other, other_tag = shared
        fmt = ws.tag_for(other, "{version}")
        return [
            Check(
                name,
                WARN,
                f"{tag} not created yet, but {other_tag} of {other.name} tags a commit where "
                f"{pkg.name} is already {pkg.version}: if they are released together, set "
                f'lockstep (e.g. ["{other.name}", "{pkg.name}"]) and tag-format = "{fmt}" '
                "in [tool.relnox]",
            )
        ]
    return [Check(name, OK, f"{tag} not created yet; {convention}")]


def _released_under_another_tag(ws: Workspace, pkg: Package) -> tuple[Package, str] | None:
    """Another package's tag of this version, on a commit where this one had it too.

    One tag for several packages released together, named after one of them
    (``core@1.7.0`` for every plugin at 1.7.0): not this package's convention, so
    relnox does not guess; doctor names the settings that decide.
    """
    if pkg.tags is None or pkg.tags.convention.evidence.startswith("configured"):
        return None
    version = Version(pkg.version)
    for other in ws.packages:
        if other is pkg or other.tags is None or Version(other.version) != version:
            continue
        if version not in other.tags.released:
            continue
        other_tag = ws.tag_for(other)
        if git.tag_exists(ws.root, other_tag) and same_version(
            version_at(ws, pkg, other_tag), pkg.version
        ):
            return other, other_tag
        return None
    return None


def _uv_locks(pyproject: Path) -> bool:
    """uv locks a project only when its pyproject.toml has a ``[project]`` table."""
    try:
        return pyproject.is_file() and "project" in load_toml(pyproject)
    except RelnoxError:
        return True


def _uv_lock(ws: Workspace) -> list[Check]:
    lock = ws.uv_lock
    if lock is None:
        return [Check("uv.lock", OK, "no uv.lock")]
    entries = load_toml(lock).get("package", [])
    local: dict[str, Mapping[str, Any]] = {}
    for entry in entries if isinstance(entries, list) else []:
        source = entry.get("source", {}) if isinstance(entry, Mapping) else {}
        if isinstance(source, Mapping) and ({"editable", "virtual", "directory"} & set(source)):
            local[canonicalize_name(str(entry.get("name", "")))] = entry
    stale = []
    for pkg in ws.packages:
        entry = local.get(pkg.name)
        if entry is None and not _uv_locks(pkg.pyproject):
            continue  # a setup.py project beside a pyproject of tool settings: uv locks none
        if entry is None:
            stale.append(f"{pkg.name} is missing")
        elif (
            "version" in entry
            and not pkg.vcs_versioned
            and not same_version(str(entry["version"]), pkg.version)
        ):
            stale.append(f"{pkg.name} {entry['version']} != {pkg.version}")
    if stale:
        return [
            Check("uv.lock", ERROR, f"out of date ({'; '.join(stale)}); run uv lock and commit it")
        ]
    return [Check("uv.lock", OK, "current: workspace versions match")]


def changelog_required(ws: Workspace) -> bool:
    """``[tool.relnox.doctor] require-changelog``: a missing section is an error, not a warning."""
    value = ws.config.section("doctor").get("require-changelog", False)
    if not isinstance(value, bool):
        raise ConfigError(
            f"{ws.config.source}: [tool.relnox.doctor] require-changelog must be true or "
            f"false, not {value!r}; fix that key"
        )
    return value


def heading_like(path: Path, version: str) -> str:
    """A heading for ``version`` in the style of ``path``'s latest release section
    (``Version 3.3.0`` underlined with ``-`` in a reStructuredText changelog); Keep a
    Changelog's ``## [version]`` when the file has none to copy."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for section in sections(text):
        if section.label == UNRELEASED or len(section.versions) != 1:
            continue
        first = section.heading.splitlines()[0]
        old = section.versions[0][1]
        at = first.find(old)
        if at < 0:
            continue
        title = first[:at] + version + first[at + len(old) :]
        title = re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", title)
        if first.startswith("#"):
            return f"'{title}'"
        return f"'{title}' underlined with {section.marker * len(title)}"
    return f"## [{version}] (or entries under ## [Unreleased])"


def _changelog(ws: Workspace, pkg: Package, version: str | None) -> list[Check]:
    name = f"changelog {pkg.name}"
    required = changelog_required(ws)
    missing = ERROR if required else WARN
    opt_in = "" if required else " (a warning: [tool.relnox.doctor] require-changelog is off)"
    path = pkg.changelog(ws.config) or changelog_in(ws.root, ws.config)
    if not path.is_file():
        return [
            Check(
                name,
                missing,
                f"no {ws.config.changelog}; release notes will only say how to install{opt_in}",
            )
        ]
    wanted = version or pkg.version
    if read_section(path, wanted, pkg.name):
        return [Check(name, OK, f"{rel(path, ws.root)} has a section for {wanted}")]
    unreleased = read_section(path, UNRELEASED)
    if unreleased is not None and unreleased.has_entries:
        return [
            Check(
                name,
                OK,
                f"{rel(path, ws.root)}: Unreleased entries become {wanted}'s section on bump",
            )
        ]
    return [
        Check(
            name,
            missing,
            f"{rel(path, ws.root)} has no section for {wanted} and no Unreleased entries; "
            f"add {heading_like(path, wanted)}{opt_in}",
        )
    ]


def _pins(ws: Workspace, pkg: Package) -> list[Check]:
    """Requirements on workspace packages that do not admit their version here.

    A release of ``pkg`` would then install another build of the package it needs
    than the one released with it (or none: ``==0.1.6`` of a package at 0.1.2).
    """
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    from relnox.project.pins import poetry_admits

    rows = []
    versions = {p.name: p for p in ws.packages}
    for req in pkg.requirements:
        target = versions.get(req.target)
        if not req.runtime or not req.key or target is None or target.vcs_versioned:
            continue
        try:
            version = Version(target.version)
            if req.style == "poetry":
                admits = poetry_admits(req.text, version)
            else:
                admits = SpecifierSet(req.specifier).contains(version, prereleases=True)
        except (InvalidSpecifier, InvalidVersion, ValueError):
            continue
        written = req.text if req.style == "pep508" else f"{target.name} {req.text}"
        if not admits:
            rows.append(
                Check(
                    f"pins {pkg.name}",
                    WARN,
                    f"{rel(req.path, ws.root)} requires {written!r}, which does not admit "
                    f"{target.name} {target.version} of this repository; a bump of "
                    f"{target.name} rewrites it, or fix it by hand if the pin is meant",
                )
            )
    return rows


def _guarded(rows: list[Check], name: str, fn: Callable[..., list[Check]], *args: Any) -> None:
    try:
        rows.extend(fn(*args))
    except RelnoxError as exc:
        rows.append(Check(name, ERROR, str(exc)))


def doctor(
    root: Path | str = ".",
    *,
    version: str | None = None,
    packages: Sequence[str] = (),
    repository: str | None = None,
) -> DoctorReport:
    """Run every check on the repository at ``root``; never raises for a failed check.

    ``packages``: check only these packages (and the repository-wide checks).
    ``repository``: also ask that index about each package (:mod:`relnox.release.doctor_index`).
    """
    root = Path(root).resolve()
    rows: list[Check] = []
    try:
        ws = discover(root)
        chosen = ws.select(packages) if packages else ws.packages
    except RelnoxError as exc:
        return DoctorReport(root, (Check("workspace", ERROR, str(exc)),))
    rows.append(Check("workspace", OK, f"{len(ws.packages)} package(s)"))
    rows += [Check("workspace", WARN, note) for note in ws.notes]
    drift = [note for pkg in chosen for note in pkg.drift_notes]
    if ws.problems or drift:
        rows += [Check("version sources", ERROR, problem) for problem in [*ws.problems, *drift]]
    else:
        rows.append(Check("version sources", OK, "every version source agrees"))
    for pkg in chosen:
        where = rel(pkg.primary.path, ws.root) if pkg.primary else "git tags"
        rows.append(
            Check(f"version {pkg.name}", OK, f"{pkg.version} from {where} ({pkg.evidence})")
        )

    if git.is_repo(root):
        for name, fn in (
            ("working tree", _working_tree),
            ("branch", _branch),
            ("history", _history),
        ):
            _guarded(rows, name, fn, ws)
    else:
        rows.append(Check("git", ERROR, f"{root} is not a git repository; git init and commit"))
    for pkg in chosen:
        _guarded(rows, f"metadata {pkg.name}", _metadata, ws, pkg)
        if git.is_repo(root):
            _guarded(rows, f"tags {pkg.name}", _tags, ws, pkg)
        _guarded(rows, f"pins {pkg.name}", _pins, ws, pkg)
        _guarded(rows, f"changelog {pkg.name}", _changelog, ws, pkg, version)
    _guarded(rows, "uv.lock", _uv_lock, ws)
    _guarded(rows, "api", api_checks, ws, chosen, Check)  # [tool.relnox] check-api = true
    if repository:
        _guarded(rows, "index", index_checks, ws, chosen, repository, version, Check)
    return DoctorReport(root, tuple(rows))
