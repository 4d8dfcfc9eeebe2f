"""What a next version must not be, and a version file stamped at build time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from relnox.errors import VersionError
from relnox.paths import rel
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, parse_version, same_version
from relnox.versions.next import release_tag
from relnox.versions.tag_name import tag_for

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.project.workspace import Package, Workspace


def refuse_released(workspace: Workspace, pkg: Package, version: str) -> None:
    """Refuse ``version`` when a tag already marks it, or it is not above HEAD's last release."""
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
        tag = again or carried or tag_for(pkg, version, workspace.tag_format)
        stray = stray_tag_hint(workspace.root, pkg.locations, tag, version)
        raise VersionError(
            f"{pkg.name}: {version} was already released (its tag {tag} exists{stray}); "
            "bump to a higher version (--to or another --part)"
        )
    floor, floor_tag = own_floor(workspace, pkg)
    if floor is not None and new <= floor:
        stray = (
            floor_tag and stray_tag_hint(workspace.root, pkg.locations, floor_tag, str(floor))
        ) or ""
        raise VersionError(
            f"{pkg.name}: {version} is not above {floor}, which tag "
            f"{floor_tag} already released{stray}; bump to a higher version "
            f"(--to or another --part)"
        )


def own_floor(workspace: Workspace, pkg: Package) -> tuple[Version | None, str | None]:
    """The release a new version of ``pkg`` must be above: its line's last, or the newest HEAD
    holds when that is a final made on another branch."""
    if (facts := pkg.tags) is None:
        return None, None
    floor, tag = facts.last, facts.last_tag
    if floor is None:
        return facts.highest, facts.highest_tag
    current = maybe_version(pkg.version)
    if current is None or current >= floor or facts.reachable is None or tag is None:
        return floor, tag
    if git.contains(workspace.root, "HEAD", f"refs/tags/{tag}"):
        return floor, tag
    return facts.reachable, facts.reachable_tag


def refuse_downgrades(
    workspace: Workspace, selected: Sequence[Package], versions: Mapping[str, tuple[str, str]]
) -> list[str]:
    """:func:`refuse_released` for each package; notes for maintenance releases."""
    notes = []
    for pkg in selected:
        if (facts := pkg.tags) is None:
            continue
        refuse_released(workspace, pkg, versions[pkg.name][1])
        new = parse_version(versions[pkg.name][1], str(pkg.pyproject))
        if facts.highest is not None and new < facts.highest:
            notes.append(
                f"note: {pkg.name} {versions[pkg.name][1]} is a maintenance release: above "
                f"{own_floor(workspace, pkg)[1]}, the last release of this branch, and below "
                f"{facts.highest_tag} released elsewhere; it is not marked latest"
            )
    return notes


def with_stamped(workspace: Workspace) -> Workspace:
    """``workspace`` with each package's :func:`stamped_tags`; a copy saying its last release,
    not the placeholder, is in step (the module's ``__version__`` a release moves)."""
    stamped = {p.name: found for p in workspace.packages if (found := stamped_tags(workspace, p))}
    if not stamped:
        return workspace
    packages = tuple(
        _stamp(p, stamped[p.name]) if p.name in stamped else p for p in workspace.packages
    )
    return replace(workspace, packages=packages)


def _stamp(pkg: Package, tags: tuple[str, ...]) -> Package:
    """``pkg`` stamped by ``tags``, its copies out of step those saying neither its placeholder
    nor its last release (:attr:`Package.copies_say`)."""
    pkg = replace(pkg, stamped=tags)
    drift = tuple(loc for loc in pkg.drift if not same_version(loc.value, pkg.copies_say))
    return replace(pkg, drift=drift)


def stamped_tags(workspace: Workspace, pkg: Package) -> tuple[str, ...]:
    """The two newest release tags at whose commits ``pkg``'s file says its version now."""
    from relnox.versions.sources import version_at

    facts, current = pkg.tags, maybe_version(pkg.version)
    if pkg.vcs_versioned or facts is None or facts.last is None or current is None:
        return ()
    if current >= facts.last or not git.is_repo(workspace.root):
        return ()
    finals = sorted(v for v in facts.released if v < facts.last and not v.is_prerelease)
    before = [v for v in finals[-1:] if v > current]
    named = (facts.last_tag, *(tag_for(pkg, str(v), workspace.tag_format) for v in before))
    tags = [t for t in named if t and git.tag_exists(workspace.root, t)]
    if len(tags) < 2:  # one tag above the file may as well be another project's
        return ()
    said = [version_at(workspace.root, pkg.locations, t) for t in tags]
    return tuple(tags) if all(same_version(s, pkg.version) for s in said) else ()


def stamped_reading(workspace: Workspace, pkg: Package) -> str | None:
    if not (tags := pkg.stamped) or pkg.tags is None or pkg.tags.last is None:
        return None
    where = rel(pkg.locations[0].path, workspace.root)
    return (
        f"{where} says {pkg.version} at {' and '.join(tags)} too, below {'them' if len(tags) > 1 else 'it'}: "
        f"a placeholder the release replaces at build time, so a bump starts from the last "
        f"release, {pkg.tags.last} (--to sets another version)"
    )


def _refuse_sentinel_release(pkg: Package, version: str, new: Version) -> None:
    """Refuse an epoch sentinel's (``1!0+dev``) release with no release to start from."""
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
    """Refuse ``version`` of a package no tag names when unclaimed tags (``v0.86.5``) reach it,
    unless its file's history is a line of its own that never said the tag's version."""
    from relnox.versions.released import plain_version_tag
    from relnox.versions.sources import said_in_history
    from relnox.versions.tag_model import split_tag

    tag = plain_version_tag(workspace.root)
    split = split_tag(tag) if tag is not None else None
    if tag is None or split is None or new > split[1]:
        return
    said = said_in_history(pkg.primary) if pkg.primary is not None else []
    if len(set(said)) > 1 and split[1] not in said and max(said) == maybe_version(pkg.version):
        return
    raise VersionError(
        f"{pkg.name}: {version} is not above {split[1]}, which tag {tag} released, and no "
        f"tag names {pkg.name} or another package: if {tag} released it (its version set at "
        f'build time), set tag-format = "{split[0]}{{version}}" in [tool.relnox] (the '
        'root\'s or its own); if not, set tag-format = "{name}-v{version}" there to say so'
    )
