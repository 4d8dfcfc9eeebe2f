"""What a next version must be (never a tagged one, never at or below this line's last
release: :func:`refuse_released`), and the notes a plan says of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from relnox.errors import VersionError
from relnox.paths import rel
from relnox.tools import git
from relnox.versions.arithmetic import bump_version, maybe_version, parse_version
from relnox.versions.next import PARTS_OF_RELEASE, dated_spelling, release_tag
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
    """The release a new version of ``pkg`` must be above: its line's last, unless that is
    the final a pre-release of HEAD's led to, made on a branch HEAD's history does not hold
    (v4.2.0 beside main's 4.2.0b4): then the newest release HEAD holds."""
    facts = pkg.tags
    if facts is None:
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
        facts = pkg.tags
        if facts is None:
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


def unreleased_note(workspace: Workspace, pkg: Package, part: str, new: str) -> list[str]:
    """The note that a --part bump skips a version file set past the last release."""
    current = parse_version(pkg.version)
    facts = pkg.tags
    if facts is None or facts.highest is None or current.is_prerelease or current.local:
        return []
    if current <= facts.highest or current in facts.released:
        return []
    steps = PARTS_OF_RELEASE
    if facts.last is not None and current in {bump_version(facts.last, s) for s in steps}:
        return []
    return [
        f"note: {pkg.name} {pkg.version} is written but not released (no tag "
        f"{tag_for(pkg, None, workspace.tag_format)}); --part {part} skips it to {new}. To release "
        f"{pkg.version} as written, tag it instead: relnox tag"
    ]


def stamped_reading(workspace: Workspace, pkg: Package) -> str | None:
    """What :func:`stamped_tags` found, as a sentence for a note or a check; else ``None``."""
    tags = pkg.stamped
    if not tags or pkg.tags is None or pkg.tags.last is None:
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
    """Refuse ``version`` of a package no tag names when unclaimed tags (``v0.86.5``) reach it."""
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


def past_unreleased(
    selected: Sequence[Package], versions: Mapping[str, tuple[str, str]], part: str | None
) -> list[str]:
    """Notes for the packages whose files hold the untagged next version (``1.53.0`` after
    ``1.52.0``), which ``--part`` moves past."""
    if part not in PARTS_OF_RELEASE:
        return []
    ahead: dict[tuple[str, str, str], list[str]] = {}
    for pkg in selected:
        facts, current = pkg.tags, maybe_version(pkg.version)
        last, last_tag = facts.newest if facts is not None else (None, None)
        if pkg.vcs_versioned or facts is None or last is None or current is None:
            continue
        if current.is_devrelease or current.is_postrelease or current.local is not None:
            continue
        pre = ("pre",) if last.pre is not None and not last.is_devrelease else ()
        steps = {bump_version(last, step) for step in (*PARTS_OF_RELEASE, *pre)}
        if current in steps and current not in facts.released and pkg.name in versions:
            key = (pkg.version, str(last_tag), versions[pkg.name][1])
            ahead.setdefault(key, []).append(pkg.name)
    return [
        f"note: {', '.join(names)} {'is' if len(names) == 1 else 'are'} at {version}, which no "
        f"tag released (the last release is {tag}): --part {part} gives {new}, past it; to "
        f"release {version} as it is, run relnox release without --part"
        for (version, tag, new), names in ahead.items()
    ]


def dated_note(pkg: Package, part: str | None, pre: str | None, new: str) -> list[str]:
    """What ``--part`` gives a package whose versions are release days (months, years)."""
    facts = pkg.tags
    if facts is None or dated_spelling(pkg, part, pre) is None:
        return []
    unit = (facts.dated or "").partition("/")[0].removeprefix("short-")  # year, month, a day's
    said = f"{unit}s they were released and a count ({facts.highest_tag} was tagged in its {unit})"
    if unit not in ("year", "month"):
        said = f"days they were released ({facts.highest_tag} was tagged on its date)"
    gives = {"year": "this year's next", "month": "this month's"}.get(unit, "today's")
    return [f"note: {pkg.name}'s versions are the {said}: --part {part} gives {gives}, {new}"]
