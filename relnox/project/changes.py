"""The release plan: per package, its last tag, whether it changed since, its next version.

"Changed": a committed file under the package's directory (nested packages' excluded)
differs between its last tag and HEAD; a package never tagged counts as changed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.errors import GitError, VersionError
from relnox.paths import rel
from relnox.project import change_walk
from relnox.project.build_inputs import build_inputs_of
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import bump_version, maybe_version, same_version
from relnox.versions.tag_model import KEEPS_MONTH

if TYPE_CHECKING:
    from packaging.version import Version


@dataclass(frozen=True)
class PlanRow:
    name: str
    version: str
    directory: str
    last_tag: str | None
    changed: bool
    commits: int | None  # commits touching the directory since last_tag (None: never tagged)
    files: int | None  # files changed since last_tag
    next_version: str | None  # what the requested bump would give (changed packages only)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def last_tag(workspace: Workspace, pkg: Package) -> str | None:
    """The newest release tag of HEAD's line, a pre-release HEAD holds above its last too."""
    facts = pkg.tags
    if facts is None:
        return None
    ahead = facts.reachable
    release = ahead is not None and ahead.is_prerelease and not ahead.is_devrelease
    if release and (facts.last is None or (ahead is not None and ahead > facts.last)):
        return facts.reachable_tag
    return facts.last_tag


def _inputs(workspace: Workspace, pkg: Package, top: Path) -> list[str]:
    """The directories outside the package's own that its build reads (a Rust crate
    at ``../rust``, a CMake source dir), as paths relative to the workspace root."""
    root = workspace.root.resolve()
    found = []
    for path in build_inputs_of(pkg.pyproject, top):
        try:
            found.append(path.relative_to(root).as_posix())
        except ValueError:  # above the workspace root: git takes ../ paths from its cwd
            found.append(os.path.relpath(path, root).replace(os.sep, "/"))
    return found


def pathspec(workspace: Workspace, pkg: Package) -> list[str]:
    """The package's directory without nested packages', plus those its build reads."""
    return pathspecs(workspace, [pkg])[pkg.name]


def pathspecs(workspace: Workspace, packages: Sequence[Package]) -> dict[str, list[str]]:
    """:func:`pathspec` of each of ``packages``, in time linear in the workspace's size."""
    dirs = {pkg.name: pkg.directory.resolve() for pkg in workspace.packages}
    owner = {path: name for name, path in dirs.items()}
    nested: dict[str, list[str]] = {}
    for path in dirs.values():
        for parent in path.parents:
            if parent in owner:  # excluded from every enclosing package
                nested.setdefault(owner[parent], []).append(
                    f":(exclude){rel(path, workspace.root)}"
                )
    root = workspace.root
    top = git.toplevel(root) if git.is_repo(root) else root
    return {
        pkg.name: [
            rel(dirs[pkg.name], workspace.root),
            *_inputs(workspace, pkg, top),
            *nested.get(pkg.name, []),
        ]
        for pkg in packages
    }


def _changes(workspace: Workspace, spec: Sequence[str], since: str) -> tuple[int, int]:
    """The files under ``spec`` that differ since ``since``, and HEAD's commits touching them."""
    root = workspace.root
    commits = int(git.git(root, "rev-list", "--count", f"{since}..HEAD", "--", *spec) or 0)
    if not commits:
        return 0, 0
    files = git.git(
        root, "diff", "--no-renames", "--name-only", f"{since}..HEAD", "--", *spec
    ).splitlines()
    return len([f for f in files if f]), commits


def _check_repo(workspace: Workspace, since: str | None) -> None:
    if not git.is_repo(workspace.root) or git.head(workspace.root) is None:
        raise GitError(f"{workspace.root} is not a git repository with commits; commit first")
    if since is not None:
        ok = git.git(
            workspace.root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}", check=False
        )
        if not ok:
            raise GitError(
                f"--since {since!r} is not a commit of {workspace.root}; pass a tag or commit"
            )


def plan(
    workspace: Workspace,
    part: str | None = None,
    pre: str | None = None,
    *,
    since: str | None = None,
) -> list[PlanRow]:
    """One row per package in release order; ``part`` adds the versions that bump would give."""
    _check_repo(workspace, since)
    workspace.require_history("plan")
    if part:
        from relnox.versions.arithmetic import dated_version, long_as_released, target_version

    specs = pathspecs(workspace, workspace.packages)  # once: each package's alone is O(n)
    tags = {pkg.name: last_tag(workspace, pkg) for pkg in workspace.packages}
    bases = {name: base for name, tag in tags.items() if (base := since or tag) is not None}
    walked = change_walk.changes(workspace.root, specs, bases)  # one walk for them all
    rows = []
    for pkg in workspace.packages:
        files: int | None = None
        commits: int | None = None
        if (base := bases.get(pkg.name)) is not None:
            found = walked[pkg.name] if walked is not None else None  # None: ask git
            files, commits = found or _changes(workspace, specs[pkg.name], base)
        where = rel(pkg.directory, workspace.root)
        rows.append(
            PlanRow(pkg.name, pkg.version, where, tags[pkg.name], files != 0, commits, files, None)
        )
    changed = {row.name for row in rows if row.changed}
    for index, pkg in enumerate(workspace.packages):
        if not any(p.name in changed for p in workspace.group_of(pkg)):
            continue
        bumped = None
        spelling = dated_spelling(pkg, part, pre)
        if spelling is not None:
            bumped = dated_version(
                date.today(), spelling, pkg.tags.highest if pkg.tags else None, pkg.version
            )
        elif part:
            base = bump_base(workspace, pkg, part)
            bumped = target_version(
                base,
                part=part,
                pre=pre,
                scheme=workspace.config.version_scheme,
                taken=released_elsewhere(workspace, workspace.group_of(pkg)),
                first=first_pre(pkg),
            )
            if workspace.config.version_scheme == "pep440" and pkg.tags is not None:
                bumped = long_as_released(bumped, pkg.tags.released, base)  # as bump gives it
            try:
                refuse_released(workspace, pkg, bumped)  # bump would refuse it: never shown
            except VersionError as exc:  # this package's problem: the others' rows still come
                logging.getLogger("relnox").warning("warning: %s", exc)
                bumped = None
        rows[index] = replace(rows[index], next_version=bumped)
    return rows


def refuse_released(workspace: Workspace, pkg: Package, version: str) -> None:
    """Refuse ``version`` for ``pkg`` when a tag already marks it, or when it is not above
    HEAD's last release: what ``bump`` refuses and ``plan`` never shows."""
    from relnox.versions.arithmetic import parse_version
    from relnox.versions.sources import stray_tag_hint

    facts = pkg.tags
    new = parse_version(version, str(pkg.pyproject))
    _refuse_sentinel_release(pkg, version, new)
    if facts is None:
        return
    if facts.problem is not None and facts.highest is None:
        _refuse_below_unclaimed(workspace, pkg, version, new)
    again = None if new in facts.released else release_tag(workspace, pkg, new)
    if new in facts.released or again is not None:
        carried = facts.last_tag if not facts.count and new == facts.last else None
        tag = again or carried or workspace.tag_for(pkg, version)
        stray = stray_tag_hint(workspace.root, pkg.locations, tag, version)
        raise VersionError(
            f"{pkg.name}: {version} was already released (its tag {tag} exists{stray}); "
            "bump to a higher version (--to or another --part)"
        )
    floor, floor_tag = facts.last, facts.last_tag
    if floor is None:
        floor, floor_tag = facts.highest, facts.highest_tag
    if floor is not None and new <= floor:
        stray = (
            stray_tag_hint(workspace.root, pkg.locations, floor_tag, str(floor))
            if floor_tag
            else ""
        )
        raise VersionError(
            f"{pkg.name}: {version} is not above {floor}, which tag "
            f"{floor_tag} already released{stray}; bump to a higher version "
            f"(--to or another --part)"
        )


def stamped_tags(workspace: Workspace, pkg: Package) -> tuple[str, ...]:
    """The two newest release tags of HEAD's line at whose commits ``pkg``'s version file
    says the version it says now, below them (a placeholder stamped at build time)."""
    from relnox.versions.sources import version_at

    facts, current = pkg.tags, maybe_version(pkg.version)
    if pkg.vcs_versioned or facts is None or facts.last is None or current is None:
        return ()
    if current >= facts.last or not git.is_repo(workspace.root):
        return ()
    # the two newest releases, both above it: a file that said 0.1.0 at v0.1.0 named that
    # release (and a v0.3.0 above it is a stray)
    finals = sorted(v for v in facts.released if v < facts.last and not v.is_prerelease)
    before = [v for v in finals[-1:] if v > current]
    tags = [t for t in (facts.last_tag, *(workspace.tag_for(pkg, str(v)) for v in before)) if t]
    tags = [t for t in tags if git.tag_exists(workspace.root, t)]
    if len(tags) < 2:  # one tag above the file may as well be another project's
        return ()
    said = [version_at(workspace.root, pkg.locations, t) for t in tags]
    return tuple(tags) if all(same_version(s, pkg.version) for s in said) else ()


def stamped_reading(workspace: Workspace, pkg: Package) -> str | None:
    """What :func:`stamped_tags` found, as a sentence for a note or a check; else ``None``."""
    tags = stamped_tags(workspace, pkg)
    if not tags or pkg.tags is None or pkg.tags.last is None:
        return None
    where = rel(pkg.locations[0].path, workspace.root)
    return (
        f"{where} says {pkg.version} at {' and '.join(tags)} too, below {'them' if len(tags) > 1 else 'it'}: "
        f"a placeholder the release replaces at build time, so a bump starts from the last "
        f"release, {pkg.tags.last} (--to sets another version)"
    )


def _refuse_sentinel_release(pkg: Package, version: str, new: Version) -> None:
    """Refuse the release of an epoch sentinel (``1!0+dev``) no release lets a bump start
    from: ``1!0`` would outrank every version ever published."""
    current = maybe_version(pkg.version)
    if current is None or not current.epoch or any(current.release) or not new.epoch:
        return
    top = max(pkg.tags.released, default=None) if pkg.tags is not None else None
    if top is not None and top.epoch >= new.epoch:
        return
    raise VersionError(
        f"{pkg.name}: {pkg.version} is a development sentinel (epoch {current.epoch}, release "
        f"0) that the release replaces, and no release tag of {pkg.name} gives a version to "
        f"start from, so the bump gave {version}, which would outrank every version ever "
        f"published; give the version (--to), or set tag-format in [tool.relnox] so relnox "
        "finds its release tags"
    )


def _refuse_below_unclaimed(workspace: Workspace, pkg: Package, version: str, new: Version) -> None:
    """Refuse ``version`` for ``pkg``, which no tag names, when unclaimed plain version
    tags (``v0.86.5``) reach it: they may be its releases, and the bump a downgrade."""
    from relnox.versions.released import plain_version_tag
    from relnox.versions.tag_model import split_tag

    tag = plain_version_tag(workspace.root)
    split = split_tag(tag) if tag is not None else None
    if tag is None or split is None or new > split[1]:
        return
    raise VersionError(
        f"{pkg.name}: {version} is not above {split[1]}, which tag {tag} released, and no "
        f"tag names {pkg.name} or another package: if {tag} released it (its version set at "
        f'build time), set tag-format = "{split[0]}{{version}}" in [tool.relnox] (the '
        'root\'s or its own); if not, set tag-format = "{name}-v{version}" there to say so'
    )


#: the parts whose bump is a final release
PARTS_OF_RELEASE = ("major", "minor", "patch")


def bump_base(workspace: Workspace, pkg: Package, part: str | None = None) -> str:
    """The version a ``--part`` bump starts from: the release a label marks work since
    (``0.34.0+dev``, ``4.16.0rc2.dev`` once tagged), the highest release for an epoch
    sentinel (``1!0+dev``) or a placeholder stamped at build time (:func:`stamped_tags`),
    ``3.14.dev0`` for ``3.14rc0.dev0`` when the line's last release is final; else the
    version itself."""
    from packaging.version import Version

    from relnox.versions.arithmetic import maybe_version

    parsed = maybe_version(pkg.version)
    if parsed is None or pkg.tags is None:
        return pkg.version
    if pkg.tags.last is not None and stamped_tags(workspace, pkg):
        return str(pkg.tags.last)
    if parsed.dev is not None and parsed.local is None:
        ahead = Version(parsed.public.rpartition(".dev")[0])
        if ahead in pkg.tags.released:
            return str(ahead)
        last = pkg.tags.last
        first = parsed.pre is not None and parsed.pre[1] == 0 and parsed.post is None
        road = first and part in PARTS_OF_RELEASE and last is not None and not last.is_prerelease
        if road and not any(v.pre == parsed.pre for v in pkg.tags.released):
            return f"{parsed.base_version}.dev{parsed.dev}"
        return pkg.version
    if parsed.local is None:
        return pkg.version
    top = max(pkg.tags.released, default=None)
    if top is not None and not any(parsed.release) and parsed.epoch > top.epoch:
        return str(top)  # a sentinel of development (1!0+dev): from the release
    public = Version(parsed.public)
    return str(public) if public in pkg.tags.released else pkg.version


def first_pre(pkg: Package) -> int:
    """The number a new pre-release label starts at: 1 when every tagged one does, else 0."""
    numbers = [v.pre[1] for v in pkg.tags.released if v.pre] if pkg.tags else []
    return 1 if numbers and min(numbers) >= 1 else 0


def dated_spelling(pkg: Package, part: str | None, pre: str | None) -> str | None:
    """How ``pkg`` spells a date when its versions are release days (``2026.08.17``) and
    ``--part`` asks for a release: its next version is then today's date."""
    if part not in ("major", "minor", "patch") or pre is not None or pkg.tags is None:
        return None
    dated = pkg.tags.dated
    if part == "patch" and dated is not None and dated.startswith(("year/", "short-year/")):
        return None  # a patch of a year's release (25.1.1) is an ordinary patch
    if part == "patch" and dated is not None and dated.endswith(KEEPS_MONTH):
        return None  # a patch of a month's release made after it (24.6.1 in July) keeps it
    return dated


def released_elsewhere(workspace: Workspace, group: Sequence[Package]) -> Callable[[Version], bool]:
    """Whether a tag of ``group`` released a version on a line HEAD does not hold (a
    release branch's 5.6.3 seen from main), which a ``--part`` bump steps over."""

    def taken(version: Version) -> bool:
        for pkg in group:
            tag = release_tag(workspace, pkg, version)
            if tag is not None and git.tag_exists(workspace.root, tag):
                return not git.contains(workspace.root, "HEAD", f"refs/tags/{tag}")
        return False

    return taken


def release_tag(workspace: Workspace, pkg: Package, version: Version) -> str | None:
    """The tag that released ``version`` of ``pkg``: its own, or one with a number after a
    hyphen (``sdk-2.17.0-1``, PEP 440's ``2.17.0.post1``); ``None`` when none is known."""
    facts = pkg.tags
    if facts is None:
        return None
    if version in facts.released:
        return workspace.tag_for(pkg, str(version))
    if version.post is not None or version.dev is not None or version.local is not None:
        return None
    for post in sorted(facts.released):
        if (post.epoch, post.release, post.pre) != (version.epoch, version.release, version.pre):
            continue
        if post.post is None or post.dev is not None or post.local is not None:
            continue
        again = f"{workspace.tag_for(pkg, str(version))}-{post.post}"
        if git.tag_exists(workspace.root, again):
            return again
    return None


def changed_packages(workspace: Workspace, since: str | None = None) -> list[str]:
    """Names of the packages with changes since their last tag (or ``since``), release order."""
    return [row.name for row in plan(workspace, since=since) if row.changed]


def unreleased(workspace: Workspace, pkg: Package) -> bool:
    """``pkg``'s current version is not out yet: no tag for it, or its tag is on HEAD."""
    if not git.is_repo(workspace.root):
        return True
    tag = workspace.tag_for(pkg)
    on = git.tag_commit(workspace.root, tag)
    return on is None or on == git.head(workspace.root)


def past_unreleased(
    selected: Sequence[Package], versions: Mapping[str, tuple[str, str]], part: str | None
) -> list[str]:
    """Notes for the packages whose files already hold the next final version after their
    last release, untagged (``1.53.0`` after ``1.52.0``), which ``--part`` moves past."""
    if part not in ("major", "minor", "patch"):
        return []
    ahead: dict[tuple[str, str, str], list[str]] = {}
    for pkg in selected:
        facts, current = pkg.tags, maybe_version(pkg.version)
        if pkg.vcs_versioned or facts is None or facts.last is None or current is None:
            continue
        if current.is_prerelease or current.is_postrelease or current.local is not None:
            continue
        steps = {bump_version(facts.last, step) for step in ("major", "minor", "patch")}
        if current in steps and current not in facts.released and pkg.name in versions:
            key = (pkg.version, str(facts.last_tag), versions[pkg.name][1])
            ahead.setdefault(key, []).append(pkg.name)
    return [
        f"note: {', '.join(names)} {'is' if len(names) == 1 else 'are'} at {version}, which no "
        f"tag released (the last release is {tag}): --part {part} gives {new}, past it; to "
        f"release {version} as it is, run relnox release without --part"
        for (version, tag, new), names in ahead.items()
    ]
