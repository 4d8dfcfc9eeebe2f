"""The next version of a package, the one answer every command uses, and the notes of how
``--part`` reached it; what it must not be: :mod:`relnox.versions.next_checks`."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.errors import VersionError, shortlist
from relnox.tools import git
from relnox.versions.arithmetic import (
    PRE_LABELS,
    bump_version,
    check_file_name,
    check_increase,
    long_as_released,
    maybe_version,
    parse_version,
    semver_spelled,
    target_version,
)
from relnox.versions.dated import DATE_SPELLINGS, MONTH_SPELLINGS, STAMPS, stamp_of
from relnox.versions.sources import said_in_history
from relnox.versions.tag_model import KEEPS_MONTH
from relnox.versions.tag_name import tag_for

if TYPE_CHECKING:
    from relnox.project.workspace import Package, Workspace


#: the parts whose bump is a final release
PARTS_OF_RELEASE = ("major", "minor", "patch")


def next_versions(
    workspace: Workspace,
    selected: Sequence[Package],
    part: str | None,
    to: str | None = None,
    pre: str | None = None,
    today: date | None = None,
    notes: list[str] | None = None,
    failed: dict[str, VersionError] | None = None,
) -> dict[str, tuple[str, str]]:
    """Each of ``selected``: its version now and its next; ``failed`` gets a group's errors."""
    versions: dict[str, tuple[str, str]] = {}
    chosen = {p.name for p in selected}  # by name: comparing whole packages is quadratic
    for pkg in selected:
        if pkg.name in versions or pkg.name in (failed or {}):
            continue
        group = [p for p in workspace.group_of(pkg) if p.name in chosen]
        # the member whose tags released the most speaks for the group
        lead = max(group, key=lambda p: len(p.tags.released) if p.tags else 0)
        try:
            new = next_version(workspace, lead, group, part, pre, to=to, today=today, notes=notes)
            for member in group:
                check_file_name(str(member.pyproject), member.name, new)
        except VersionError as exc:
            if failed is None:
                raise
            failed.update((member.name, exc) for member in group)
            continue
        versions.update((member.name, (member.version, new)) for member in group)
    if notes is not None and to is None:
        notes += past_unreleased(selected, versions, part)
        for pkg in (p for p in selected if p.name in versions):
            notes += dated_note(pkg, part, pre, versions[pkg.name][1])
            if part in PARTS_OF_RELEASE and not pkg.bumped_by_tag:
                notes += unreleased_note(workspace, pkg, part, versions[pkg.name][1])
    return versions


def next_version(
    workspace: Workspace,
    pkg: Package,
    group: Sequence[Package],
    part: str | None,
    pre: str | None = None,
    *,
    to: str | None = None,
    today: date | None = None,
    notes: list[str] | None = None,
) -> str:
    current = {p.name: parse_version(p.version, str(p.pyproject)) for p in group}
    one = len(set(current.values())) == 1
    built = built_release(pkg, part, pre) if to is None and one else None
    if built is not None:
        if notes is not None:
            notes.append(
                f"note: {pkg.name}'s build backend computes {built} (no tag marks it "
                f"yet): that is its release, whatever --part {part} says"
            )
        return built
    spelling = dated_spelling(pkg, part, pre) if to is None else None
    if spelling is not None:  # versions are release dates: today's, in their spelling
        highest = pkg.tags.highest if pkg.tags else None
        new = dated_version(today or date.today(), spelling, highest, pkg.version, part)
        for member in group:  # release days move the group to today's, whatever each was
            check_increase(
                parse_version(member.version),
                parse_version(new),
                f"{member.pyproject}: today's date",
            )
        return new
    if not one:
        return _aligned(workspace, group, to, current)
    return _stepped(workspace, pkg, group, part, pre, to, today or date.today(), notes)


def _aligned(
    workspace: Workspace, group: Sequence[Package], to: str | None, current: dict[str, Version]
) -> str:
    """``--to`` for a lockstep group whose versions diverged: never below its highest."""
    highest = max(current.values())
    if to is None:
        everyone = {p.name for p in group} == {p.name for p in workspace.packages}
        flags = "" if everyone else "".join(f"--package {p.name} " for p in group)
        by: dict[str, list[str]] = {}  # 1.7.0: a, b and 69 more; 0.3.0: c
        for pkg in group:
            by.setdefault(pkg.version, []).append(pkg.name)
        diverged = "; ".join(f"{version}: {shortlist(names)}" for version, names in by.items())
        raise VersionError(
            f"lockstep group with diverged versions ({diverged}); align them "
            f"first with relnox bump {flags}--to {highest}, or list only the packages "
            "that move together in [tool.relnox] lockstep"
        )
    if parse_version(to) < highest:
        raise VersionError(
            f"--to {to} is below {highest}, the highest version of its lockstep group; "
            f"use --to {highest} or higher"
        )
    return to


def _stepped(
    workspace: Workspace,
    pkg: Package,
    group: Sequence[Package],
    part: str | None,
    pre: str | None,
    to: str | None,
    today: date,
    notes: list[str] | None,
) -> str:
    scheme = workspace.config.version_scheme
    taken = released_elsewhere(workspace, group)
    start = workspace.config.pre_release_start
    # a file's history is read only where a pre-release is made or left
    history = pre is not None or bool((v := maybe_version(pkg.version)) and v.is_prerelease)
    label = PRE_LABELS.get(pre.lower()) if pre is not None else None
    first = first_pre(pkg, workspace.pre_releases, start, history, label, scheme)
    base = pkg.version if to is not None else bump_base(pkg, part)
    if to is None and part in ("minor", "patch") and _one_number(pkg, base):
        if notes is not None:
            notes.append(f"note: {pkg.name} is released as one number: --part {part} raises it")
        part = "major"  # 56 after 54 and 55: a release of any part is 57, not 56.0.1
    facts, ahead = pkg.tags, maybe_version(pkg.version)
    wanted = maybe_version(to) if to is not None else None
    last = facts.last if facts is not None else None
    if facts and last and ahead and wanted and ahead.is_devrelease and last < wanted < ahead:
        base = str(last)  # a development version no tag released: --to need only pass the last
        if notes is not None:
            notes.append(
                f"note: {pkg.name} {to} is below {pkg.version}, the development version it is "
                f"at: a release of the line of {facts.last_tag}"
            )
    new = target_version(
        base,
        part=part,
        to=to,
        pre=pre,
        scheme=scheme,
        where=str(pkg.pyproject),
        taken=taken,
        first=first,
    )
    if to is None and scheme == "pep440":
        new = _pre_number(pkg, new, today, notes)
    if notes is not None and to is None and start is None:
        notes += split_starts_note(pkg, workspace.pre_releases, new, first, history)
    if part is None:
        return new
    if scheme == "pep440" and pkg.tags is not None:
        new = long_as_released(new, pkg.tags.released, pkg.spelling(base))
    plain = bump_version(parse_version(base), part, pre, first)
    if notes is not None and str(plain) != new and taken(plain):
        over = [plain]  # each taken version the part steps over, up to the new one
        while len(over) < 100 and str(after := bump_version(over[-1], part, pre, first)) != new:
            if not taken(after):
                break
            over.append(after)
        tags = [tag_for(pkg, str(v), workspace.tag_format) for v in (over[0], over[-1])]
        how = "withdrawn" if facts and plain in facts.withdrawn else "already released"
        where = "" if how == "withdrawn" else ", on another branch"
        said = (
            f"{plain} was {how} (tag {tags[0]}{where}); --part {part} steps over it"
            if len(over) == 1
            else f"{plain} to {over[-1]} were {how} (tags {tags[0]} to {tags[1]}{where}); "
            f"--part {part} steps over them"
        )
        notes.append(f"note: {pkg.name} {said} to {new}")
    return new


def _one_number(pkg: Package, base: str) -> bool:
    """``base`` and the two newest final releases of ``pkg`` are each one number (``56``)."""
    version = maybe_version(base)
    finals = sorted(v for v in (pkg.tags.released if pkg.tags else ()) if not v.is_prerelease)
    shapes = {len(v.release) for v in finals[-2:]}
    return version is not None and len(version.release) == 1 and len(finals) > 1 and shapes == {1}


def _pre_number(pkg: Package, new: str, today: date, notes: list[str] | None) -> str:
    """``new``, a pre-release, numbered as ``pkg``'s are: by the day, or past its line's."""
    if (wanted := maybe_version(new)) is None or wanted.pre is None:
        return new
    label, number = wanted.pre
    pres = [v for v in (pkg.tags.released if pkg.tags else ()) if v.pre and v.dev is None]
    newest = max([*pres, *[v for v in [maybe_version(pkg.version)] if v and v.pre]], default=None)
    stamp = stamp_of(newest.pre[1]) if newest and newest.pre and newest.pre[0] == label else None
    if stamp is not None:
        dated = f"{wanted.base_version}{label}{STAMPS[stamp].format(today)}"
        if notes is not None:
            notes.append(
                f"note: {pkg.name}'s pre-releases are numbered by the day they were made ({newest}): "
                f"the next is today's, {dated}"
            )
        return dated
    if pkg.tags is None:
        return new
    line = [
        v
        for v in pkg.tags.released
        if v.pre and (v.epoch, v.release) == (wanted.epoch, wanted.release)
    ]
    numbers = [v.pre[1] for v in line if v.pre and v.pre[0] == label]
    stepped = f"{wanted.base_version}{label}{max(numbers, default=0) + 1}"
    if not numbers or max(numbers) < number or max(line) > parse_version(stepped):
        return new  # none to step over, or a label this line is past (a beta after its rcs)
    if notes is not None:
        notes.append(
            f"note: {pkg.name} {wanted.base_version}{label}{max(numbers)} was released already; "
            f"the next {label} is {stepped}"
        )
    return stepped


def built_release(pkg: Package, part: str | None, pre: str | None) -> str | None:
    """The final release above every tag that the backend computes (a clock): tag it."""
    if part not in PARTS_OF_RELEASE or pre is not None:
        return None
    if not pkg.vcs_versioned or pkg.tags is None or not pkg.referee:
        return None  # only a version the backend said over relnox's reading of the tags
    version = maybe_version(pkg.version.strip())
    if version is None or version.is_prerelease or version.is_postrelease or version.local:
        return None  # a tag plugin's guess between tags (1.6.1.dev3+g...): not a release
    if version in pkg.tags.released or (pkg.tags.highest and version <= pkg.tags.highest):
        return None
    return pkg.version


def bump_base(pkg: Package, part: str | None = None) -> str:
    """The version a ``--part`` bump starts from (``0.34.0+dev``: 0.34.0; ``1!0+dev`` or a
    stamped placeholder: the highest release; ``3.14rc0.dev0``: ``3.14.dev0``)."""
    if (parsed := maybe_version(pkg.version)) is None or pkg.tags is None:
        return pkg.version
    if pkg.tags.last is not None and pkg.stamped:
        return str(pkg.tags.last)
    if parsed.dev is not None and parsed.local is None:
        ahead = Version(parsed.public.rpartition(".dev")[0])
        if ahead in pkg.tags.released:
            return str(ahead)
        last = pkg.tags.last
        zero = parsed.pre is not None and parsed.pre[1] == 0 and parsed.post is None
        if zero and part in PARTS_OF_RELEASE and last is not None and not last.is_prerelease:
            return f"{parsed.base_version}.dev{parsed.dev}"  # a first pre-release's road
        return pkg.version
    if parsed.local is None:
        return pkg.version
    top = max(pkg.tags.released, default=None)
    if top is not None and not any(parsed.release) and parsed.epoch > top.epoch:
        return str(top)  # a sentinel of development (1!0+dev): from the release
    public = Version(parsed.public)
    return str(public) if public in pkg.tags.released else pkg.version


def pre_series(
    pkg: Package, others: Collection[Version] = (), history: bool = False
) -> list[Version]:
    """The first tag of each pre-release series ``pkg`` tagged (``3.4.0b1`` of ``3.4.0b``),
    newest first, lines above its version left out while it has others; else ``others``'
    (the workspace's). With ``history``, the series its version file's history said and no
    tag of it made count too (an alpha written ``1.1.1a`` and never tagged), unless only the
    workspace's tags have any."""
    pres = [v for v in pkg.tags.released if v.pre] if pkg.tags else []
    if history and (pres or not others) and pkg.primary is not None:
        tagged = {(Version(v.base_version), v.pre[0]) for v in pres if v.pre}
        said = [v for v in said_in_history(pkg.primary) if v.pre]
        pres += [v for v in said if v.pre and (Version(v.base_version), v.pre[0]) not in tagged]
    if (current := maybe_version(pkg.version)) is not None:
        top = Version(current.base_version)
        pres = [v for v in pres if Version(v.base_version) <= top] or pres
    firsts: dict[tuple[Version, str], Version] = {}
    for v in pres or others:
        key = (Version(v.base_version), v.pre[0] if v.pre else "")
        firsts[key] = min(firsts.get(key, v), v)
    return sorted(firsts.values(), reverse=True)


def first_pre(
    pkg: Package,
    others: Collection[Version] = (),
    start: int | None = None,
    history: bool = False,
    label: str | None = None,
    scheme: str = "pep440",
) -> int:
    """``start`` (pre-release-start) when set; else 1 when each series that decides
    (:func:`_deciding`) started at 1 or above (2.0.0b1), or with none, each tagged ``.dev``
    series (3.0.0.dev1), else 0; with no series at all, as its spelling starts one: PEP 440
    at 1 (``rc1``), semver at 0 (``2.0.1-alpha.0``)."""
    if start is not None:
        return start
    numbers = [v.pre[1] for v in _deciding(pkg, others, history, label)[0] if v.pre]
    if not numbers and pkg.tags is not None:  # no pre-release series: its tagged .dev series'
        firsts: dict[Version, int] = {}  # (3.0.0-dev.1, a release of its own, starts at 1)
        for v in pkg.tags.released:
            if v.dev is not None and v.pre is None and v.post is None:
                line = Version(v.base_version)
                firsts[line] = min(firsts.get(line, v.dev), v.dev)
        numbers = list(firsts.values())
    if not numbers:  # none: the version's own series (2.1.0a0), else as its spelling starts one
        if (current := maybe_version(pkg.version)) is not None and current.pre is not None:
            return min(current.pre[1], 1)
        return 0 if scheme != "pep440" or semver_spelled(pkg.version) else 1
    return 1 if min(numbers) >= 1 else 0


def _deciding(
    pkg: Package, others: Collection[Version], history: bool, label: str | None
) -> tuple[list[Version], str]:
    """The first tags of the series that number a new ``label`` series, and whose: the newest
    line's; once that line is released, the ``label``'s own series (a0 but rc1)."""
    firsts = pre_series(pkg, others, history)
    newest = max((Version(v.base_version) for v in firsts), default=None)
    own = [v for v in firsts if v.pre and v.pre[0] == label]
    whose = "its newest line's"
    if own and pkg.tags is not None and newest in pkg.tags.released:  # that line is out
        firsts, newest = own, max(Version(v.base_version) for v in own)
        whose = f"its own {label} series"
    return [v for v in firsts if v.pre and Version(v.base_version) == newest], whose


def split_starts_note(
    pkg: Package, others: Collection[Version], new: str, first: int, history: bool = False
) -> list[str]:
    """The note that ``new`` is one reading of series that started at 0 and at 1 both."""
    wanted = maybe_version(new)
    if wanted is None or wanted.pre is None or wanted.pre[1] != first:
        return []
    series = (Version(wanted.base_version), wanted.pre[0])
    made = [maybe_version(pkg.version), *(pkg.tags.released if pkg.tags else ())]
    if any(v and v.pre and (Version(v.base_version), v.pre[0]) == series for v in made):
        return []  # a series begun already: its next number, no start
    firsts = pre_series(pkg, others, history)
    at = {n: [str(v) for v in firsts if v.pre and min(v.pre[1], 1) == n] for n in (0, 1)}
    if not at[0] or not at[1]:
        return []
    decided, whose = _deciding(pkg, others, history, wanted.pre[0])
    said = f" ({shortlist([str(v) for v in decided], 2)})" if whose != "its newest line's" else ""
    other = f"{wanted.base_version}{wanted.pre[0]}{1 - first}"
    return [
        f"note: {pkg.name}'s pre-release series started at 0 ({shortlist(at[0], 2)}) and at 1 "
        f"({shortlist(at[1], 2)}); {new} starts as {whose} did{said}, and [tool.relnox] "
        f"pre-release-start = {1 - first} gives {other}"
    ]


def dated_spelling(pkg: Package, part: str | None, pre: str | None) -> str | None:
    """How ``pkg`` spells a date when its versions are release days and ``--part`` releases."""
    if part not in PARTS_OF_RELEASE or pre is not None or pkg.tags is None:
        return None
    dated = pkg.tags.dated
    if part == "patch" and dated is not None and dated.startswith(("year/", "short-year/")):
        return None  # a patch of a year's release (25.1.1) is an ordinary patch
    if part == "patch" and dated is not None and dated.endswith(KEEPS_MONTH):
        return None  # a patch of a month's release made after it (24.6.1 in July) keeps it
    return dated


def released_elsewhere(workspace: Workspace, group: Sequence[Package]) -> Callable[[Version], bool]:
    """Whether a tag of ``group`` released (on a line HEAD does not hold) or withdrew a version."""

    def taken(version: Version) -> bool:
        for pkg in group:
            if pkg.tags is not None and version in pkg.tags.withdrawn:
                return True
            tag = release_tag(workspace, pkg, version)
            if tag is not None and git.tag_exists(workspace.root, tag):
                return not git.contains(workspace.root, "HEAD", f"refs/tags/{tag}")
        return False

    return taken


def release_tag(workspace: Workspace, pkg: Package, version: Version) -> str | None:
    """The tag that released ``version`` of ``pkg``: its own, or ``sdk-2.17.0-1`` (2.17.0.post1)."""
    if (facts := pkg.tags) is None:
        return None
    if version in facts.released:
        return tag_for(pkg, str(version), workspace.tag_format)
    if version.post is not None or version.dev is not None or version.local is not None:
        return None
    for post in sorted(facts.released):
        same = (post.epoch, post.release, post.pre) == (version.epoch, version.release, version.pre)
        if not same or post.post is None or post.dev is not None or post.local is not None:
            continue
        again = f"{tag_for(pkg, str(version), workspace.tag_format)}-{post.post}"
        if git.tag_exists(workspace.root, again):
            return again
    return None


def unreleased_note(workspace: Workspace, pkg: Package, part: str, new: str) -> list[str]:
    """The note that a --part bump skips a version file set past the last release."""
    current = parse_version(pkg.version)
    facts = pkg.tags
    if facts is None or facts.highest is None or current.is_prerelease or current.local:
        return []
    if current <= facts.highest or current in facts.released:
        return []
    if facts.last and current in {bump_version(facts.last, s) for s in PARTS_OF_RELEASE}:
        return []
    return [
        f"note: {pkg.name} {pkg.version} is written but not released (no tag "
        f"{tag_for(pkg, None, workspace.tag_format)}); --part {part} skips it to {new}. To release "
        f"{pkg.version} as written, tag it instead: relnox tag"
    ]


def past_unreleased(
    selected: Sequence[Package], versions: Mapping[str, tuple[str, str]], part: str | None
) -> list[str]:
    """Notes for the packages whose files hold the untagged next version ``--part`` passes."""
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
    if (facts := pkg.tags) is None or dated_spelling(pkg, part, pre) is None:
        return []
    unit = (facts.dated or "").partition("/")[0].removeprefix("short-")  # year, month, a day's
    said = f"{unit}s they were released and a count ({facts.highest_tag} was tagged in its {unit})"
    if unit not in ("year", "month"):
        said = f"days they were released ({facts.highest_tag} was tagged on its date)"
    gives = {"year": "this year's next", "month": "this month's"}.get(unit, "today's")
    if facts.dated in STAMPS:
        said = f"release then the day it was tagged ({facts.highest_tag} on its date)"
        gives = "that release's next and today's day"
    return [f"note: {pkg.name}'s versions are the {said}: --part {part} gives {gives}, {new}"]


def dated_version(
    today: date,
    spelling: str,
    last: Version | None = None,
    written: str = "",
    part: str | None = None,
) -> str:
    """The version of a release made ``today`` in a dated ``spelling``, padded as ``written``."""
    if spelling in STAMPS:  # 2.2.2.240610 -> 2.2.3.261125
        release = parse_version(written).release[:3]
        step = bump_version(Version(".".join(map(str, release))), part or "patch")
        return f"{step}.{STAMPS[spelling].format(today)}"
    if spelling.startswith(("year/", "short-year/")):  # 26.1.0, 26.0
        kind, parts, start = spelling.split("/")
        year = today.year if kind == "year" else today.year % 100
        count = int(start)
        if last is not None and last.release[0] == year and len(last.release) > 1:
            count = last.release[1] + 1
        return ".".join(str(n) for n in (year, count, *[0] * (int(parts) - 2)))
    kind, *rest = spelling.split("/")
    start = next((part for part in rest if part.isdigit()), "0")
    if kind in MONTH_SPELLINGS:  # month/1: a count that starts at 1
        year = today.year if kind == "month" else today.year % 100
        counter = int(start or 0)
        if last is not None and tuple(last.release[:2]) == (year, today.month):
            counter = (last.release[2] if len(last.release) > 2 else 0) + 1
        if _PADDED_MONTH.fullmatch(written):
            return f"{year}.{today.month:02}.{counter:02}"
        return f"{year}.{today.month}.{counter}"
    return DATE_SPELLINGS[spelling].format(today)


#: a year.month.counter version written with two-digit month and counter (``26.08.00``)
_PADDED_MONTH = re.compile(r"\d+\.(?=\d\d\.\d\d\Z)(?:0\d\.\d\d|\d\d\.0\d)")
