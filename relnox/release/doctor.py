"""``doctor``: one read-only look at a repository before a release: rows of (check,
status, detail); a check that cannot run is an ``error`` row, the others still run.
Nothing is written, fetched or locked."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.errors import RelnoxError, shortlist
from relnox.guards import doctor_checks as api_checks
from relnox.paths import rel
from relnox.project.changes import left_out
from relnox.project.discovery import discover
from relnox.project.uvlock import NOT_IN_STEP, left_at_releases, local_entries
from relnox.project.workspace import Package, Unreleased, Workspace
from relnox.release.ci_tags import releases_nothing
from relnox.release.doctor_package import (
    ERROR,
    OK,
    WARN,
    Check,
    Row,
    bumped_release,
    changelog_checks,
    metadata_checks,
    pin_checks,
    release_of,
)
from relnox.release.tagging import FETCH_HINT, is_shallow
from relnox.report import package_folders
from relnox.toml import table
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.next_checks import stamped_reading
from relnox.versions.sources import load_toml, stray_tag_hint, version_at
from relnox.versions.tag_model import TagFacts, fires
from relnox.versions.vcs import release_filters, stamps_version


@dataclass(frozen=True)
class DoctorReport:
    root: Path
    checks: tuple[Check, ...]
    packages: tuple[str, ...] = ()  # the packages checked (their names in the checks)
    unreleased: tuple[Unreleased, ...] = ()  # the projects left out, which its notes say
    folders: dict[str, str] = field(default_factory=dict)  # each package's (a check's path)

    @property
    def errors(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == ERROR)

    @property
    def warnings(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == WARN)


def _working_tree(ws: Workspace) -> Row:
    if (busy := git.in_progress(ws.root) or git.index_lock(ws.root)) is not None:
        return ERROR, busy
    if not (dirty := git.dirty_files(ws.root)):  # tracked files only: untracked never block
        return OK, "no uncommitted changes to tracked files"
    changed = f"uncommitted changes to tracked files: {shortlist(dirty, 5)}"
    return ERROR, f"{changed}; commit or stash them"


def _branch(ws: Workspace) -> Row:
    if (branch := git.current_branch(ws.root)) is None:
        return WARN, "detached HEAD (fine on a CI tag build); release from a branch"
    asked = ("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}")
    if not (upstream := git.git(ws.root, *asked, check=False)):
        return WARN, f"{branch} has no upstream; push it with git push -u origin {branch}"
    counts = git.git(ws.root, "rev-list", "--left-right", "--count", f"{upstream}...HEAD")
    behind, ahead = (int(n) for n in counts.split())
    if behind:
        return ERROR, f"{branch} is {behind} commit(s) behind {upstream}; git pull first"
    if ahead:
        return WARN, f"{branch} is {ahead} commit(s) ahead of {upstream}; push it"
    return OK, f"{branch}, in sync with {upstream}"


def _history(ws: Workspace) -> Row:
    if is_shallow(ws.root):
        return ERROR, f"shallow clone: tags and history are missing; {FETCH_HINT}"
    if not git.tag_refs(ws.root):
        why = "fine before a first release, else they were not fetched"
        return WARN, f"no tags: {why}; {FETCH_HINT}"
    return OK, "full history with tags"


def tag_checks(ws: Workspace, pkg: Package) -> Row:
    convention = "no tags read"
    if facts := pkg.tags:
        convention = f"tags {ws.tag_format_of(pkg)} ({facts.convention.evidence})"
    if facts is not None and facts.problem:
        return WARN, facts.problem
    if pkg.vcs_versioned:
        if facts is not None and facts.highest is None:
            return OK, (
                f"no release tag yet: its backend builds a dev version until "
                f"{ws.tag_for(pkg, '0.1.0')} or another first tag; {convention}"
            )
        return OK, f"version {pkg.version} comes from the tags; {convention}"
    current = Version(pkg.version)
    if facts is not None and facts.highest is not None and facts.highest > current:
        return _newer_tag(ws, pkg, facts)
    tag = ws.tag_for(pkg)
    if (nothing := releases_nothing(ws.root, tag)) is not None:
        return ERROR, f"{nothing}; delete it (git tag -d {tag})"
    if git.tag_exists(ws.root, tag):
        at_tag = version_at(ws.root, pkg.locations, tag)
        if same_version(at_tag, pkg.version):
            return OK, f"{tag} matches (already released); {convention}"
        if (after := _bot_order(ws, pkg, tag)) is not None:
            return OK, (
                f"{tag} is released: it tags the commit right before {after[:9]}, which sets "
                f"{pkg.version}, as the release before it was tagged (a release bot's "
                f"order: tag, then the release commit); {convention}"
            )
        fired, filters = _fired(ws, tag)
        if not fired and filters:  # a v3.2.0-rc0 marking where 3.2 starts, not published
            marker = "; ".join(", ".join(g) for g in filters)
            return WARN, (
                f"tag {tag} marks a commit at {at_tag or 'an unknown version'}, and "
                f"no release workflow fires on it ({marker}): a marker, not the "
                f"release of {pkg.version}; bump to the version to release"
            )
        return ERROR, (
            f"tag {tag} points at a commit whose version is {at_tag or 'unknown'}; "
            "delete or move that tag"
        )
    if facts is not None and not facts.count and facts.last == current and facts.last_tag:
        # released under another package's tag (with_carried_releases)
        return OK, f"{pkg.version} is released, under {facts.last_tag}; {convention}"
    if facts is not None and facts.finding:  # its version tagged in a spelling relnox doubts
        return WARN, f"{tag} not created yet; {facts.finding}"
    if (shared := _released_under_another_tag(ws, pkg)) is not None:
        other, other_tag = shared
        fmt = ws.tag_for(other, "{version}")
        return WARN, (
            f"{tag} not created yet, but {other_tag} of {other.name} tags a commit where "
            f"{pkg.name} is already {pkg.version}: if they are released together, set "
            f'lockstep (e.g. ["{other.name}", "{pkg.name}"]) and tag-format = "{fmt}" '
            "in [tool.relnox]"
        )
    coming = release_of(pkg.version)  # 2.4.0+dev is released as 2.4.0, tagged v2.4.0
    if coming is not None:  # 0.14-dev as the bump releases it: 0.14.0 after 0.13.0
        coming = bumped_release(ws, pkg, pkg.version, coming)
    if coming is not None and not git.tag_exists(ws.root, ws.tag_for(pkg, coming)):
        tag = f"{ws.tag_for(pkg, coming)} (the release of {pkg.version})"
    return OK, f"{tag} not created yet; {convention}"


def _bot_order(ws: Workspace, pkg: Package, tag: str) -> str | None:
    """The release commit right after ``tag`` when this release and the one before were each
    tagged on the commit before the one setting its version (a release bot's order)."""
    current = Version(pkg.version)
    released = pkg.tags.released if pkg.tags else ()
    if not (earlier := sorted((v for v in released if v < current), reverse=True)):
        return None
    names = [loc.path.name for loc in pkg.locations]
    if _fired(ws, tag)[0] and not stamps_version(git.toplevel(ws.root), names):
        return None  # the publishing workflow builds the tagged commit, its version unwritten
    previous = ws.tag_for(pkg, str(earlier[0]))
    for version, marked in ((pkg.version, tag), (str(earlier[0]), previous)):
        after = git.next_on_path(ws.root, marked)
        if after is None or not same_version(version_at(ws.root, pkg.locations, after), version):
            return None
        if same_version(version_at(ws.root, pkg.locations, marked), version):
            return None
    return git.next_on_path(ws.root, tag)


def _dev_after_release(ws: Workspace, pkg: Package, release: Version, tag: str) -> str | None:
    """How the release before ``release`` was followed by its own development version too
    (``0.9.10-dev after v0.9.10``); ``None`` when the files said another next."""
    earlier = sorted(v for v in (pkg.tags.released if pkg.tags else ()) if v < release)
    if not earlier or not pkg.locations:
        return None
    previous = ws.tag_for(pkg, str(earlier[-1]))
    where = rel(pkg.locations[0].path, ws.root)
    path = ("--reverse", "--ancestry-path", f"{previous}..{tag}", "--", where)
    moves = git.git(ws.root, "rev-list", *path, check=False).split()
    said = version_at(ws.root, pkg.locations, moves[0]) if moves else None
    parsed = maybe_version(said) if said is not None else None
    if parsed is None or parsed.dev is None or Version(parsed.base_version) != earlier[-1]:
        return None
    return f"{said} after {previous}"


def _fired(ws: Workspace, tag: str) -> tuple[bool, list[tuple[str, ...]]]:
    """Whether a publishing workflow runs on ``tag``, and those workflows' tag filters."""
    filters = list(release_filters(git.toplevel(ws.root), publishing=True))
    return any(fires(tag, globs) for globs in filters), filters


def _newer_tag(ws: Workspace, pkg: Package, facts: TagFacts) -> Row:
    """A release tag above the version in the files: which of the three readings it is."""
    current = Version(pkg.version)
    where = rel(pkg.primary.path if pkg.primary else pkg.pyproject, ws.root)
    leads_to = Version(current.base_version) if current.dev is not None else current
    if current.dev is not None and current.pre is not None:
        leads_to = Version(str(current).split(".dev")[0])
    tag = ws.tag_for(pkg, str(leads_to))
    if facts.last == leads_to and facts.last_tag:
        tag = facts.last_tag  # the tag as written: 5.25.0 for 5.25
    if current.dev is not None and leads_to in facts.released:
        if not git.contains(ws.root, "HEAD", tag):
            # main at 8.5.0.dev while 8.5.0 was tagged on a release branch not merged back
            return ERROR, (
                f"{pkg.version} leads to {leads_to}, already released by tag {tag} on "
                f"another branch; merge that branch into this one, or set the version "
                f"above {facts.highest}"
            )
        if facts.dated:
            # 2025.12.19.dev1 after 2025.12.19: release days make a --part bump today's date
            return OK, (
                f"{pkg.version} is development after {tag} (in this branch's history); its "
                "versions are release days, so a --part bump gives today's date"
            )
        if (before := _dev_after_release(ws, pkg, leads_to, tag)) is not None:
            # 0.9.11-dev after 0.9.11, as 0.9.10-dev after 0.9.10: the history's own way
            return OK, (
                f"{pkg.version} is development after {tag} (in this branch's history), as "
                f"{before}; a --part bump starts from {leads_to}"
            )
        return ERROR, (
            f"{pkg.version} leads to {leads_to}, which tag {tag} in this branch's history "
            f"already released; set the version above {facts.highest}"
        )
    if facts.backport and facts.last is not None and facts.last <= current:
        # HEAD's line has its own releases: a maintenance branch (or a main behind one)
        return WARN, (
            f"tag {facts.highest_tag} is newer than {pkg.version} and is on another "
            f"branch; this branch's last release is {facts.last_tag}, so a bump here "
            f"below {facts.highest} is a maintenance release (not marked latest)"
        )
    if (stamped := stamped_reading(ws, pkg)) is not None:
        return WARN, stamped
    if facts.highest_tag and version_at(ws.root, pkg.locations, facts.highest_tag) is None:
        # a release of this package from before its file moved, or another project's tag
        fmt = facts.convention.format
        spelled = ws.tag_for(pkg, str(facts.highest)) == facts.highest_tag
        setting = "tag-format" if spelled else f'tag-format = "{fmt}" (its newest tags\' spelling)'
        return WARN, (
            f"tag {facts.highest_tag} is newer than {pkg.version} but tags a commit "
            f"without {where}; if it is another project's, set {setting} in "
            f"{pkg.name}'s [tool.relnox] (relnox refuses a bump to {facts.highest} or "
            "below until then)"
        )
    stray = ""
    if facts.highest_tag and facts.highest is not None:
        stray = stray_tag_hint(ws.root, pkg.locations, facts.highest_tag, str(facts.highest))
    return ERROR, (
        f"tag {facts.highest_tag} is newer than {pkg.version} in {where}{stray}; "
        "bump the version above it"
    )


def _released_under_another_tag(ws: Workspace, pkg: Package) -> tuple[Package, str] | None:
    """Another package's tag of this version, on a commit where this one had it too."""
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
            version_at(ws.root, pkg.locations, other_tag), pkg.version
        ):
            return other, other_tag
        return None
    return None


def _uv_members(lock: Path) -> set[Path] | None:
    """The directories uv locks in ``lock``: its project and its workspace members minus
    ``exclude``; None when that pyproject.toml cannot be read (all are)."""
    try:
        doc = load_toml(lock.parent / "pyproject.toml")
    except RelnoxError:
        return None
    workspace = table(doc, "tool", "uv", "workspace")

    def matched(key: str) -> set[Path]:
        globs = workspace.get(key, [])
        found = set()
        for glob in globs if isinstance(globs, list) else []:
            if isinstance(glob, str) and not Path(glob).is_absolute():
                found |= {p.resolve() for p in lock.parent.glob(glob)}
        return found

    return {lock.parent.resolve(), *(matched("members") - matched("exclude"))}


def _uv_lock(ws: Workspace) -> list[Check]:
    return [_one_lock(ws, lock) for lock in ws.uv_locks] or [Check("uv.lock", OK, "no uv.lock")]


def _has_project(pyproject: Path) -> bool:
    try:
        return pyproject.is_file() and "project" in load_toml(pyproject)
    except RelnoxError:
        return True


def _one_lock(ws: Workspace, lock: Path) -> Check:
    label = "uv.lock" if lock.parent == ws.root else f"uv.lock {rel(lock.parent, ws.root)}"
    locked = _uv_members(lock)
    local: dict[str, Mapping[str, Any]] = {
        canonicalize_name(str(e.get("name", ""))): e for e in local_entries(lock)
    }
    stale, behind = [], []
    for pkg in ws.packages:
        entry = local.get(pkg.name)
        if entry is None and locked is not None and pkg.directory.resolve() not in locked:
            continue  # released beside the uv workspace (its tags say so), not a member of it
        if entry is None and not _has_project(pkg.pyproject):
            continue  # a setup.py project beside a pyproject of tool settings: uv locks none
        if entry is None:
            stale.append(f"{pkg.name} is missing")
        elif (
            "version" in entry
            and not pkg.vcs_versioned
            and not same_version(str(entry["version"]), pkg.version)
        ):
            stale.append(f"{pkg.name} {entry['version']} != {pkg.version}")
            behind.append(pkg)
    left = left_at_releases(ws, lock, behind) if len(behind) == len(stale) > 0 else {}
    if len(left) == len(stale) > 0:
        held = f"held {', '.join(left.values())}, behind each release: {NOT_IN_STEP}"
        return Check(label, WARN, f"out of date ({'; '.join(stale)}): {held}")
    if stale:
        where = "" if lock.parent == ws.root else f" in {rel(lock.parent, ws.root)}"
        fix = f"run uv lock{where} and commit it"
        return Check(label, ERROR, f"out of date ({'; '.join(stale)}); {fix}")
    return Check(label, OK, "current: workspace versions match")


def _gitlab_pipeline(ws: Workspace, chosen: Sequence[Package]) -> list[Check]:
    """The GitLab pipeline ci-init wrote, if any: its tag rule and ID tokens."""
    from relnox.ci import pipeline_problems

    if not (found := pipeline_problems(ws, chosen)):
        fits = "tag rule fits the tags; ID tokens in the publish jobs"
        return [] if found is None else [Check("gitlab pipeline", OK, fits)]
    return [Check("gitlab pipeline", ERROR, problem) for problem in found]


def _guarded(
    rows: list[Check], name: str, fn: Callable[..., Row | list[Check]], *args: Any
) -> None:
    try:
        found = fn(*args)
        rows.extend([Check(name, *found)] if isinstance(found, tuple) else found)
    except RelnoxError as exc:
        rows.append(Check(name, ERROR, str(exc)))


def doctor(
    root: Path | str = ".",
    *,
    version: str | None = None,
    packages: Sequence[str] = (),
    repository: str | None = None,
    workspace: Workspace | None = None,
) -> DoctorReport:
    """Every check of ``root`` (only ``packages``' own and the repository-wide ones; ``repository``:
    that index's too; ``workspace``: ``root`` as just loaded); never raises for a check."""
    root = Path(root).resolve()
    rows: list[Check] = []
    try:
        ws = workspace or discover(root)
        chosen = ws.select(packages) if packages else ws.packages
        # a release's packages, no tool it leaves out; a broken member stays a finding
        left = {} if packages else left_out(ws)
        chosen = tuple(p for p in chosen if p.name not in left)
    except RelnoxError as exc:
        return DoctorReport(root, (Check("workspace", ERROR, str(exc)),))
    rows.append(Check("workspace", OK, f"{len(ws.packages)} package(s)"))
    rows += [Check("workspace", WARN, note) for note in ws.notes]
    rows += [Check("workspace", OK, note.removeprefix("note: ")) for note in left.values()]
    drift = [note for pkg in chosen for note in pkg.drift_notes]
    if ws.problems or drift:
        rows += [Check("version sources", ERROR, problem) for problem in ws.problems]
        rows += [Check("version sources", ERROR, note, bump_fixes=True) for note in drift]
    else:
        rows.append(Check("version sources", OK, "every version source agrees"))
    for pkg in chosen:
        where = rel(pkg.primary.path, ws.root) if pkg.primary else "git tags"
        rows.append(
            Check(f"version {pkg.name}", OK, f"{pkg.version} from {where} ({pkg.evidence})")
        )

    if in_repo := git.is_repo(root):
        _guarded(rows, "working tree", _working_tree, ws)
        _guarded(rows, "branch", _branch, ws)
        _guarded(rows, "history", _history, ws)
    else:
        rows.append(Check("git", ERROR, f"{root} is not a git repository; git init and commit"))
    with git.held(ws.root) if in_repo else contextlib.nullcontext():  # read-only: tags once
        for pkg in chosen:
            _guarded(rows, f"metadata {pkg.name}", metadata_checks, ws, pkg)
            if in_repo:
                _guarded(rows, f"tags {pkg.name}", tag_checks, ws, pkg)
            _guarded(rows, f"pins {pkg.name}", pin_checks, ws, pkg)
            _guarded(rows, f"changelog {pkg.name}", changelog_checks, ws, pkg, version)
    _guarded(rows, "uv.lock", _uv_lock, ws)
    _guarded(rows, "gitlab pipeline", _gitlab_pipeline, ws, chosen)
    _guarded(rows, "api", api_checks, ws, chosen, Check)  # [tool.relnox] check-api = true
    if repository:  # the index's questions (and its network clients) only when one is named
        from relnox.release.doctor_index import index_checks

        _guarded(rows, "index", index_checks, ws, chosen, repository, version)
    names = tuple(p.name for p in chosen)
    return DoctorReport(root, tuple(rows), names, ws.unreleased, package_folders(ws))
