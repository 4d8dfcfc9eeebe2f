"""A package's tags read with its convention (see :mod:`relnox.versions.conventions`): its
released versions, the highest and the last on this branch, and the format of new tags."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise, takewhile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.versions.arithmetic import maybe_version, spells_pre
from relnox.versions.dated import spelling_of, utc
from relnox.versions.former_names import pyproject_name
from relnox.versions.tag_model import (
    DOTLESS_TAIL,
    Group,
    Member,
    RepoTags,
    TagConvention,
    TagFacts,
    spelled,
    split_tag,
    squash,
    stem,
    underscored,
)
from relnox.versions.tags import UNDERSCORED, dotless_version, names_no_package, tag_regex

if TYPE_CHECKING:
    from relnox.versions.sources import VersionLocation

#: the files at tags, read many at once: ``[(tag, path), ...]`` -> each one's text, ``None``
#: where there is none
ShowFiles = Callable[[Sequence[tuple[str, str]]], list[str | None]]


#: a quoted version assigned to a version's name: ``__version__ = "1.2"``, ``VERSION: Final =
#: '1.2'``, setup()'s ``version="1.2"``, ``"version": "1.2"`` (not ``MIN_SERVER = "2.0"``)
_ASSIGNED = re.compile(
    r"""(?<![\w.])['"]?(?:__version__|VERSION|version|current_version)['"]?[ \t]*"""
    r"""(?::[^=\r\n]*)?[=:][ \t]*['"](\d[^'"\s]*)['"]"""
)
#: a version written bare: setup.cfg's ``version = 3.3.3``, bumpversion's ``current_version``
_BARE = re.compile(
    r"""^[ \t]*(?:version|current_version)[ \t]*[=:][ \t]*(\d[^'"\s#;]*)[ \t]*$""", re.M
)


def _written(text: str) -> list[str]:
    """The versions ``text`` assigns to a version's name, as written."""
    return [*_ASSIGNED.findall(text), *_BARE.findall(text)]


@functools.cache  # lockstep packages' files, alike, are asked of one tag by several rules
def _said(text: str, name: str, location: VersionLocation | None) -> tuple[Version | None, ...]:
    """The versions a version file (named ``name``) says in ``text`` where a version is written
    (never another version in it: ``python_version >= '3.13'``)."""
    from relnox.versions.sources import PYPROJECT_KEYS, VersionLocation, value_in
    from relnox.versions.version_tuple import joined, public

    if name == "pyproject.toml":
        places = [VersionLocation(Path(name), "toml", "", key) for key in PYPROJECT_KEYS]
        return tuple(maybe_version(v) for place in places if (v := value_in(place, text)))
    said = [maybe_version(m) for m in _written(text)]
    if location is not None and (own := value_in(location, text)):
        said.append(maybe_version(own))
    if "\n" not in text.strip() and text.strip()[:1].isdigit():
        said.append(maybe_version(text.strip()))
    if "__version__" in text:
        found = (joined(text), public(text))
        said += [maybe_version(v) for v in found if v]
    return tuple(said)


#: the newest bare tags whose versions a package's file must each contradict, naming more than
#: one version of its own there or at older tags, for them to be another line's
#: (:meth:`TagReading.moves_apart`)
APART_READ = 3
#: the tags of a package whose repository's bare tags are another line's
NAMED = "{name}-v{version}"
CONTRADICTIONS_READ = 40  # newest tags read before a prefix is judged another project's


@dataclass
class AtTags:
    """The packages' version files read at tags, many at once (:data:`ShowFiles`)."""

    show_files: ShowFiles

    def said_at(
        self, members: Sequence[Member], tag: str
    ) -> list[tuple[Version | None, ...] | None]:
        """What each member's version file says at ``tag`` (``None`` without one there)."""
        asked = [(tag, m.version_file) for m in members if m.version_file is not None]
        texts = iter(self.show_files(asked) if asked else ())
        return [
            None
            if m.version_file is None or (text := next(texts)) is None
            else _said(text, m.version_file.rpartition("/")[2], m.location)
            for m in members
        ]

    def names(self, member: Member, tag: str, version: Version) -> bool:
        return version in (self.said_at([member], tag)[0] or ())

    def contradicts(self, member: Member, tag: str, version: Version) -> bool:
        """At ``tag``, the member's version file names other versions, never this one."""
        said = None if member.vcs else self.said_at([member], tag)[0]
        return said is not None and version not in said and any(v is not None for v in said)

    def every_tag_contradicts(self, member: Member, group: Group) -> bool:
        """No tag of the prefix (of the newest :data:`CONTRADICTIONS_READ`) agrees."""
        return all(
            self.contradicts(member, tag, version)
            for version, tag in list(reversed(group))[:CONTRADICTIONS_READ]
        )

    def read_dotless(
        self, members: Sequence[Member], groups: Mapping[str, list[tuple[Version, str]]]
    ) -> dict[str, list[tuple[Version, str]]]:
        """``groups`` with a prefix whose tags are mostly digits read as versions without their
        dot (``acme-188`` for 1.88) when a version file says the dotted version at the highest."""
        out = dict(groups)
        for prefix, group in groups.items():
            digits = {t: v for v, t in group if DOTLESS_TAIL.fullmatch(t[len(prefix) :])}
            if len(digits) * 2 <= len(group):
                continue
            tag = max(digits, key=digits.__getitem__)
            dotted = maybe_version(dotless_version(tag[len(prefix) :]))
            if dotted is None or not any(self.names(m, tag, dotted) for m in members):
                continue
            out[prefix] = sorted(
                (maybe_version(dotless_version(t[len(prefix) :])) or v if t in digits else v, t)
                for v, t in group
            )
        return out


def _aliases(group: Group) -> set[str]:
    """Short tags beside their version's full one: a release tool's floating ``v1`` and
    ``v1.2``, moved to each ``v1.2.N``, are aliases, not how releases are spelled."""
    full = {v for v, _t in group if len(v.release) >= 3}
    return {t for v, t in group if len(v.release) < 3 and v in full}


def _finals(group: Group) -> list[tuple[Version, str]]:
    """The final releases of ``group``, without :func:`_aliases`."""
    aliases = _aliases(group)
    return [
        (v, t)
        for v, t in group
        if not v.is_prerelease and not v.is_postrelease and t not in aliases
    ]


def _short_zero(group: Group, tags: RepoTags) -> bool:
    """Whether releases ending in .0 are tagged without it (``v2.10``, beside ``v2.9.1``)."""
    finals = _finals(group)
    if not any(len(v.release) == 3 and v.release[2] for v, _t in finals):
        return False
    zeros = [(v, t) for v, t in finals if len(v.release) in (2, 3) and not any(v.release[2:])]
    if not zeros:
        return False
    version, tag = tags.by_date(zeros)[0]
    return len(version.release) == 2 and not tag.endswith(f"{version}.0")


_SEMVER_PRE_TAG = re.compile(r"\d-(alpha|beta|rc)\.\d+$", re.IGNORECASE)


def top_release(group: Group) -> tuple[Version, str]:
    """The highest final release of a prefix's tags (the highest tag when none is final)."""
    return max([item for item in group if not item[0].is_prerelease] or group)


def _format_of_rule(member: Member) -> str | None:
    """The tag spelling the backend's ``--match`` or ``tag_regex`` asks for, or ``None``."""
    if member.match is not None:
        first = member.match.split(" ")[0]  # the first glob: the releases' own
        literal = re.split(r"[*?\[]", first, maxsplit=1)[0]
        candidate = literal + "{version}"
        if literal and fnmatch.fnmatchcase(candidate.replace("{version}", "1.0.0"), first):
            return candidate
    if member.regex is not None:
        head = re.split(r"\(\?P<version>", member.regex, maxsplit=1)[0].removeprefix("^")
        literal = re.sub(r"\\(.)", r"\1", head)
        if head and not re.search(r"[\\.*+?()\[\]{}|^$]", re.sub(r"\\.", "", head)):
            found = re.search(member.regex, literal + "1.0.0")
            if found is not None and found.groupdict().get("version") == "1.0.0":
                return literal + "{version}"
    return None


STRAYS_READ = 3  # highest tags checked against the version file before they count


class _Tagged(NamedTuple):
    """What a convention's tags say whichever package it is measured for."""

    found: list[tuple[Version, str]]
    dated: str | None  # the dated spelling (:func:`spelling_of`)
    ranked: list[tuple[Version, str]]  # by version, a tag spelled as new tags above its alias
    finals: list[tuple[Version, str]]  # of ``ranked``, the final releases (all when none is)
    merged: list[tuple[Version, str]]  # of ``found``, the final releases HEAD contains
    reachable: tuple[Version, str] | None  # the tag git describe finds
    released: frozenset[Version]  # the versions of ``found`` but short aliases (:func:`_aliases`)


#: a convention's tags by its globs, regex and formats (:class:`_Tagged`)
Measured = dict[tuple[object, ...], _Tagged]


def _tagged(
    member: Member, convention: TagConvention, formats: tuple[str, ...], tags: RepoTags
) -> _Tagged:
    candidates: Sequence[str] = tags.all  # else those starting with a format's literal prefix
    if convention.match is None and convention.regex is None and convention.accepts:
        prefixes = dict.fromkeys(f.split("{", 1)[0] for f in formats)
        candidates = list(dict.fromkeys(t for p in prefixes for t in tags.starting_with(p)))
    found = [
        (version, tag)
        for tag in candidates
        if (version := convention.version_of(tag, name=member.name, dir=member.dir)) is not None
    ]
    dated = spelling_of([item for item in found if not item[0].is_prerelease] or found, tags)
    # of two tags of one version (1.3.0, a floating v1.3), the one spelled as new tags ranks higher
    own = tag_regex(formats[0]) if formats and "{version" in convention.accepts[0] else None
    ranked = sorted(found, key=lambda i: (i[0], bool(own and own.match(i[1])), i[1]))
    finals = [item for item in ranked if not item[0].is_prerelease] or ranked
    merged = [item for item in ranked if item[1] in tags.merged]
    # git describe finds the nearest tag HEAD contains; on one commit, the higher version
    near = min((tags.nearness.get(tag, 0) for _v, tag in merged), default=0)
    reachable = next((i for i in reversed(merged) if tags.nearness.get(i[1], 0) == near), None)
    aliases = _aliases(found)
    released = frozenset(v for v, tag in found if tag not in aliases)
    merged_finals = [(v, t) for v, t in found if t in tags.merged and not v.is_prerelease]
    return _Tagged(found, dated, ranked, finals, merged_finals, reachable, released)


def _measure(
    member: Member, convention: TagConvention, tags: RepoTags, files: AtTags, seen: Measured | None
) -> TagFacts:
    """The package's tags: highest final release, the last of HEAD's line, every version.
    ``seen``: the conventions measured so far (packages tagged alike read them once)."""
    formats = tuple(
        f.replace("{name}", member.name).replace("{dir}", member.dir) for f in convention.accepts
    )
    key, seen = (convention.match, convention.regex, formats), {} if seen is None else seen
    if key not in seen:
        seen[key] = _tagged(member, convention, formats, tags)
    found, dated, ranked, finals, merged, reachable, released = seen[key]
    # HEAD's line: tags HEAD contains, and those of versions its files have reached
    current = member.current
    if current is None and member.vcs and reachable is not None:
        current = reachable[0]
    # a release the files went back from is not the line's (withdrawn, or another line's)
    left, withdrawn, note = _left_behind(member, found, merged, tags, files)
    # the final release a pre-release HEAD is at led to (v1.8.0 made on a branch after rc6)
    final = Version(current.base_version) if current and current.pre and not current.dev else None
    line = [
        item
        for item in ranked
        if (
            item[1] in tags.merged
            or (current is not None and item[0] <= current)
            or (final is not None and item[0] == final)
        )
        and item[1] not in left
    ]
    last = next((i for i in reversed(line) if not i[0].is_prerelease), line[-1] if line else None)
    pre = next((i for i in reversed(line) if i[0].is_prerelease and not i[0].is_devrelease), None)
    ahead = pre if pre is not None and (last is None or pre[0] > last[0]) else None
    if ahead and (current is None or ahead[0] > current):  # not a marker its files never said
        ahead = None if files.contradicts(member, ahead[1], ahead[0]) else ahead
    highest = next(
        (
            item
            for item in reversed(finals)
            if (last is None or not _retired_year(item, last, tags)) and item[1] not in withdrawn
        ),
        finals[-1] if finals else None,
    )
    return TagFacts(
        convention,
        highest[0] if highest else None,
        highest[1] if highest else None,
        reachable[0] if reachable else None,
        reachable[1] if reachable else None,
        len(found),
        released=released,
        withdrawn=frozenset(v for v, tag in found if tag in withdrawn),
        last=last[0] if last else None,
        last_tag=last[1] if last else None,
        ahead=ahead,
        dated=dated,
        finding=note,
    )


def _above(items: Group, current: Version) -> list[tuple[Version, str]]:
    """Those of ``items`` whose release is above ``current``'s, as PEP 440 compares them:
    padded with zeros (the tag ``0.9.44.0`` releases the files' ``0.9.44``)."""
    floor = _trimmed(current.release)
    return [(v, t) for v, t in items if _trimmed(v.release) > floor]


def _trimmed(release: tuple[int, ...]) -> tuple[int, ...]:
    """``release`` without its trailing zeros (PEP 440 pads the shorter release with them)."""
    end = len(release)
    while end > 1 and release[end - 1] == 0:
        end -= 1
    return release[:end]


def _left_behind(
    member: Member, found: Group, merged: Group, tags: RepoTags, files: AtTags
) -> tuple[set[str], set[str], str | None]:
    """The releases the files said and went back from (``v1.0.0``, then 0.7.1; ``v0.2.0rc2``
    from a branch, then 0.1.0.dev0): never this line's last, and withdrawn unless a maintenance
    branch. ``merged``: the finals HEAD holds. The tags left, those withdrawn, and why."""
    current = member.current
    if member.vcs or current is None or not (later := _above(found, current)):
        return set(), set(), None  # no release above the files' (``merged`` is of ``found``)
    above, series, line_tag = sorted(_above(merged, current)), "", None
    if above:
        on_line = [
            (v, t) for v, t in merged if v <= current and v.release[:2] == current.release[:2]
        ]
        near = tags.nearness
        # the files went back below them, to their line or one it continues (v0.6.0, v1.0.0
        # reverted, v0.7.0): a release below the files' version is older than those above
        below = [t for v, t in merged if v <= current]
        if not on_line or not any(near.get(t, 0) > near.get(above[0][1], 0) for t in below):
            return set(), set(), None
        line_tag, series = max(on_line)[1], ".".join(map(str, current.release[:2]))
        why = (
            f"the files went back to the {series} line and {line_tag} was released on it, "
            "which a bump continues"
        )
    else:
        above = sorted(later)
        first = min((tags.dates.get(t, 0) for _v, t in above), default=0)
        before = [
            (v, t)
            for v, t in found
            if v.release == current.release and v > current
            if 0 < tags.dates.get(t, 0) < first
        ]
        if not before or any(not v.is_prerelease or t in tags.merged for v, t in above):
            return set(), set(), None
        why = (
            f"pre-releases outside this branch made after {max(before)[1]}, and the files say "
            f"{current}, below it: a bump continues that line"
        )
    if not all(files.names(member, t, v) for v, t in above[-3:]):
        return set(), set(), None  # the files never said it: not a release they went back from
    left = {t for _v, t in above}
    named = ", ".join(t for _v, t in above[-3:])
    if line_tag is not None and any(t not in tags.merged for _v, t in _above(found, current)):
        note = (
            f"the files are on the {series} line ({line_tag}), below {named}, which this "
            f"branch holds: a maintenance line, so a bump goes above {line_tag} (bump --to "
            "gives another version)"
        )
        return left, set(), note
    note = (
        f"{named} {'is' if len(above) == 1 else 'are'} taken as withdrawn: {why} (bump --to "
        f"gives a version above {above[-1][1]} if that line is the one to continue)"
    )
    return left, left, note


def _retired_year(item: tuple[Version, str], last: tuple[Version, str], tags: RepoTags) -> bool:
    """Whether ``item`` releases a calendar scheme the project left (``2012.1``, not merged)."""
    version, tag = item
    when, then = tags.dates.get(tag, 0), tags.dates.get(last[1], 0)
    if tag in tags.merged or when <= 0 or then <= when or last[0].release[0] >= 2000:
        return False
    return abs(version.release[0] - utc(when).year) <= 1


#: the newest tags of a bare line a package's file must name versions of its own at
CARRIED_READ = 3


def _short_names(facts: dict[str, TagFacts], members: Sequence[Member]) -> dict[str, TagFacts]:
    """Siblings whose tags spell their name less their shared words (``workflow-v`` for
    ``acme-ext-workflow``): a package without tags whose name starts so too."""
    tagged = [m for m in members if facts[m.name].count and facts[m.name].convention.inferred]
    prefixes = {m.name: facts[m.name].convention.format.removesuffix("{version}") for m in tagged}
    shorts = [m for m in tagged if prefixes[m.name] not in ("", "v")]
    # the leading words all (two or more) names share, with the separator after them
    words = zip(*(m.name.split("-") for m in shorts), strict=False)
    shared = [w[0] for w in takewhile(lambda w: len(set(w)) == 1, words)] if len(shorts) > 1 else []
    common = "-".join(shared) + "-" if shared else ""
    if not common:
        return facts
    seps = set()
    for member in shorts:
        short, prefix = _short(member.name, common), prefixes[member.name]
        if not short or not prefix.lower().startswith(short) or "{" in prefix:
            return facts
        seps.add(prefix[len(short) :])
    sep = seps.pop() if len(seps) == 1 else ""
    if not sep or sep[0].isalnum():
        return facts
    out = dict(facts)
    for member in members:
        fact = facts[member.name]
        short = _short(member.name, common) if member.name.startswith(common) else ""
        untagged = fact.count == 0 and fact.problem is None
        rules = (member.configured, member.match, member.regex)
        if untagged and short and all(rule is None for rule in rules):
            fmt = f"{short}{sep}{{version}}"
            why = f"no tags yet; {fmt} as the other packages' tags spell their names"
            out[member.name] = TagFacts(TagConvention(fmt, (fmt,), why))
    return out


def _short(name: str, common: str) -> str:
    """``name`` less ``common``, separators dropped; empty for the package ``common`` names."""
    return squash(name.removeprefix(common)) if name != common.rstrip("-") else ""


def _generalise(fmt: str, member: Member) -> str | None:
    prefix = fmt.removesuffix("{version}")
    for placeholder, value in (("{name}", member.name), ("{dir}", member.dir)):
        if prefix.lower().startswith(value.lower()) and len(prefix) > len(value):
            return placeholder + prefix[len(value) :] + "{version}"
    path = "/".join((*member.parents, member.dir))
    if member.parents and prefix.lower().startswith(path.lower() + "/"):
        return "/".join(member.parents) + "/{dir}" + prefix[len(path) :] + "{version}"
    return fmt if "{" in prefix or stem(prefix) == "" else None


def _fits(shape: str, member: Member) -> bool:
    """Whether ``member`` can take ``shape`` (one spelling a directory fits that directory's)."""
    head = shape.partition("/{dir}")[0]
    return "/{dir}" not in shape or "{" in head or head == "/".join(member.parents)


def describe_match(command: object) -> str | None:
    """The ``--match`` globs of a ``git describe`` command (string or argv), space-joined."""
    if isinstance(command, str):
        import shlex

        try:
            argv = shlex.split(command)
        except ValueError:
            return None
    elif isinstance(command, list) and all(isinstance(a, str) for a in command):
        argv = list(command)
    else:
        return None
    globs = []
    for index, arg in enumerate(argv):
        if arg == "--match" and index + 1 < len(argv):
            globs.append(argv[index + 1])
        elif arg.startswith("--match="):
            globs.append(arg.split("=", 1)[1])
    return " ".join(globs) if globs else None


class Spelling(NamedTuple):
    """How a prefix's tags are spelled."""

    format: str  # :func:`spelled`
    #: its tags spelled so (a stray 22_07 is neither counted nor shown)
    fitting: list[tuple[Version, str]]
    #: as the prefix that writes new tags: the newest release's, of two the one with more
    rank: tuple[bool, Version, int]
    short_zero: bool  # a release's .0 left out of its tags (:func:`_short_zero`)
    #: the most recently made final release (:func:`_finals`), or ``None``
    newest_final: tuple[Version, str] | None
    #: the most recently made pre-release, as ``(prefix, tag)``, or ``None``
    newest_pre: tuple[str, str] | None


@dataclass
class TagReading(AtTags):
    """The repository's tags grouped by prefix, and the packages whose facts are read."""

    members: Sequence[Member]
    groups: Mapping[str, list[tuple[Version, str]]]
    tags: RepoTags
    measured: Measured = field(default_factory=dict, init=False, repr=False)
    #: each prefix's :class:`Spelling`, read once for every package that may own it
    spellings: dict[str, Spelling] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.spellings = {}
        for prefix, group in self.groups.items():
            fmt = spelled(prefix, group)
            under = fmt.endswith(UNDERSCORED)
            fitting = [(v, t) for v, t in group if underscored(t[len(prefix) :]) == under] or group
            rank = (any(not v.is_prerelease for v, _t in group), top_release(group)[0], len(group))
            finals = _finals(group)
            newest = self.tags.by_date(finals)[0] if finals else None
            short_zero = _short_zero(fitting, self.tags)
            pres = [(prefix, tag) for v, tag in group if v.is_prerelease]
            pre = max(pres, key=lambda pt: self.tags.dates.get(pt[1], 0)) if pres else None
            self.spellings[prefix] = Spelling(fmt, fitting, rank, short_zero, newest, pre)

    def naming_each(self, members: Sequence[Member], newest: Group) -> list[Member]:
        """Those of ``members`` whose version file names the version of each of ``newest``."""
        for version, tag in newest:
            said = self.said_at(members, tag)
            members = [m for m, at in zip(members, said, strict=True) if version in (at or ())]
        return list(members)

    def moves_apart(self, member: Member, group: Group) -> bool:
        """``member``, below the top, names another version at each of the newest
        :data:`APART_READ` tags of ``group`` (not one placeholder each time, unless it moved
        between older ones or the top's pyproject.toml names two of them), or was not there
        while the top's named another project: a line of its own, released apart from them."""
        if not member.home or member.vcs:
            return False
        newest = self.tags.by_date(group)[:APART_READ]
        said = [self.said_at([member], tag)[0] for _version, tag in newest]
        absent = [self._joined_later(member, tag) for _version, tag in newest]
        apart = all(
            gone or self.contradicts(member, tag, version)
            for gone, (version, tag) in zip(absent, newest, strict=True)
        )
        if len(newest) < 2 or not apart:
            return False
        if any(absent) or len({frozenset(s or ()) for s in said}) > 1:
            return True
        if self._moved_before(member, group, said[0]):
            return True
        tops = self.show_files([(tag, "pyproject.toml") for _version, tag in newest])
        named = [
            text is not None and version in _said(text, "pyproject.toml", None)
            for text, (version, _tag) in zip(tops, newest, strict=True)
        ]
        return sum(named) >= 2

    def _moved_before(
        self, member: Member, group: Group, now: Sequence[Version | None] | None
    ) -> bool:
        """At the older of the newest :data:`CONTRADICTIONS_READ` tags of ``group``,
        ``member``'s file said another version than ``now`` and never the tag's: a line of its
        own that moved between them, not a placeholder stamped at build time, which stays."""
        older = self.tags.by_date(group)[APART_READ:CONTRADICTIONS_READ]
        path = member.version_file
        if not older or path is None or now is None:
            return False
        texts = self.show_files([(tag, path) for _version, tag in older])
        name = path.rpartition("/")[2]
        said = [_said(t, name, member.location) if t is not None else () for t in texts]
        named = any(version in s for (version, _tag), s in zip(older, said, strict=True))
        return not named and any(set(s) - {None} - set(now) for s in said)

    def facts_of(
        self,
        member: Member,
        prefixes: list[str],
        claims: Mapping[str, Mapping[str, int]],
        default: str,
        examples: list[str],
        takeover: tuple[str, str | None] = ("", None),
    ) -> TagFacts:
        """``takeover``: why a newer spelling is current, and its prefix."""
        tags = self.tags
        why, current = takeover
        if member.configured is not None:
            convention = TagConvention(
                member.configured, (member.configured,), f"configured: {member.configured_where}"
            )
            return _measure(member, convention, tags, self, self.measured)
        if member.match is not None or member.regex is not None:
            globs = member.match.split(" ") if member.match else []
            rule = " ".join(f"--match {glob}" for glob in globs) or f"tag_regex {member.regex}"
            convention = TagConvention(
                default, (), f"the build backend's {rule}", False, member.match, member.regex
            )
            measured = _measure(member, convention, tags, self, self.measured)
            split = split_tag(measured.highest_tag) if measured.highest_tag is not None else None
            fmt = (split[0] + "{version}") if split else _format_of_rule(member) or default
            if fmt != default:
                convention = replace(convention, format=fmt)
                measured = _measure(member, convention, tags, self, self.measured)
            return measured
        if not prefixes:
            bare, why = default.partition("{version}")[0], f"default {default}"
            if names_no_package(default) and self.moves_apart(member, self.groups.get(bare, [])):
                why = f"{NAMED} as its file names other versions at the {default} tags"
                default = NAMED
            convention = TagConvention(default, (default,), f"no tags yet; {why}")
            facts = _measure(member, convention, tags, self, None)
            if facts.highest is None and examples and (member.vcs or len(claims) == 0):
                split = split_tag(examples[0])
                example = spelled(split[0], [(split[1], examples[0])]) if split else default
                problem = (
                    f"tags such as {', '.join(examples)} exist but none names {member.name}; "
                    f'set tag-format (e.g. tag-format = "{example}", as {examples[0]}) in '
                    "its [tool.relnox] if its releases are tagged another way"
                )
                facts = TagFacts(facts.convention, problem=problem)
            return facts
        best = max(claims[p][member.name] for p in prefixes)
        chosen = [p for p in prefixes if claims[p][member.name] == best]
        chosen, unsaid = self._unsaid(member, chosen)
        # the prefix of the newest release writes new tags (of two, the one with more releases)
        chosen.sort(key=lambda p: self.spellings[p].rank, reverse=True)
        if current in chosen:  # the spelling that took over writes new tags, whatever the old
            chosen.remove(current)  # one's highest (release-23.11.0 after a bare 99.99.99)
            chosen.insert(0, current)
        accepts = tuple(self.spellings[p].format for p in chosen)
        fitting = [self.spellings[p].fitting for p in chosen]
        count = sum(len(group) for group in fitting)
        group = fitting[0]
        example = next((t for v, t in reversed(group) if not v.is_prerelease), group[-1][1])
        formats = " and ".join(repr(fmt) for fmt in accepts)
        pres = [pre for p in chosen if (pre := self.spellings[p].newest_pre) is not None]
        newest_pre = max(pres, key=lambda pt: tags.dates.get(pt[1], 0)) if pres else None
        semver_pre = newest_pre is not None and _SEMVER_PRE_TAG.search(newest_pre[1]) is not None
        # else as written: v1.28.0.rc0, v3.1.0-rc3
        text = newest_pre[1][len(newest_pre[0]) :] if newest_pre and not semver_pre else ""
        pre_spelling = text if spells_pre(text) else None
        short_zero = self.spellings[chosen[0]].short_zero or self._zero_in_file(
            member, chosen[0], accepts[0]
        )
        said = (
            f"inferred from {count} tag{'s' if count != 1 else ''} like {example} ({formats})",
            "one tag for the whole directory" if best == 2 else "",
            why,
            "pre-releases spelled semver style (-beta.N)" if semver_pre else "",
            f"pre-releases spelled {pre_spelling}" if pre_spelling else "",
            "a release ending in .0 is tagged without it" if short_zero else "",
        )
        evidence = "; ".join(filter(None, said))
        convention = TagConvention(
            accepts[0],
            accepts,
            evidence,
            inferred=True,
            semver_pre=semver_pre,
            pre_spelling=pre_spelling,
            short_zero=short_zero,
        )
        measured = _measure(member, convention, tags, self, self.measured)
        later = self._spelled_later(chosen, accepts)
        found = "; ".join(filter(None, (later, unsaid, measured.finding)))
        return replace(measured, finding=found or None)

    def _unsaid(self, member: Member, chosen: list[str]) -> tuple[list[str], str | None]:
        """``chosen`` without the spellings at whose every tag the version file says another
        version (or its folder is not there) while it names another's two newest, and the
        line that says so, or ``None``."""
        if len(chosen) < 2 or member.vcs or member.version_file is None:
            return chosen, None
        groups = self.groups
        named = [  # a spelling whose two newest final tags the file said at their commits
            p  # (a candidate may be tagged where the file says its final release already)
            for p in chosen
            if len(finals := [(v, t) for v, t in groups[p] if not v.is_prerelease]) >= 2
            and all(self.names(member, t, v) for v, t in finals[-2:])
        ]
        if not named:
            return chosen, None
        # at each of its tags the file says another version, or the package's folder is not
        # there at all (a tag of a branch that holds no such package)
        unsaid = [
            p
            for p in chosen
            if all(
                self.contradicts(member, t, v) or self._elsewhere(member, t)
                for v, t in list(reversed(groups[p]))[:CONTRADICTIONS_READ]
            )
        ]
        # a spelling whose every tag sits on the commit of an agreed one's tag of its version
        # (1.1.0 beside v1.1.0) spells the same releases: dropped without a word
        near = self.tags.nearness
        beside = {(v, near[t]) for p in named for v, t in groups[p] if t in near}
        spelt = [p for p in unsaid if all((v, near.get(t)) in beside for v, t in groups[p])]
        shown = ", ".join(groups[p][-1][1] for p in unsaid if p not in spelt)
        if not shown:
            return [p for p in chosen if p not in unsaid], None
        agreed = groups[named[0]][-1][1]
        return [p for p in chosen if p not in unsaid], (
            f"tags such as {shown} are not its releases: {member.version_file} never says their "
            f"version at their commit, as it says {agreed}'s; set tag-format in its "
            "[tool.relnox] if they are"
        )

    def _elsewhere(self, member: Member, tag: str) -> bool:
        """``member`` lives below the top and its folder is not there at ``tag`` (asked only
        where its version file, already read, is not there either)."""
        if not member.home or self.said_at([member], tag)[0] is not None:
            return False
        return self.show_files([(tag, member.home)])[0] is None

    def _joined_later(self, member: Member, tag: str) -> bool:
        """``member``'s folder is not there at ``tag``, where the top's pyproject.toml names
        another project: the tag is that project's, made before the package joined."""
        if not self._elsewhere(member, tag):
            return False
        text = self.show_files([(tag, "pyproject.toml")])[0]
        name = pyproject_name(text) if text is not None else None
        return name is not None and canonicalize_name(name) != member.name

    def _spelled_later(self, chosen: Sequence[str], accepts: Sequence[str]) -> str | None:
        """The finding when another spelling's tags came later and reach higher than new tags'."""
        groups, tags = self.groups, self.tags
        if len(chosen) < 2:
            return None

        def newest(prefix: str) -> tuple[int, str]:
            return max((tags.dates.get(t, 0), t) for _v, t in groups[prefix])

        lead_when, lead_tag = newest(chosen[0])
        lead_top = max(v for v, _t in groups[chosen[0]])
        for prefix, fmt in zip(chosen[1:], accepts[1:], strict=True):
            when, tag = newest(prefix)
            if lead_when and when > lead_when and max(v for v, _t in groups[prefix]) > lead_top:
                return (
                    f"tags {fmt} (newest {tag}) came after the last {accepts[0]} tag ({lead_tag}); "
                    f"relnox spells new tags {accepts[0]}, as its highest release: set "
                    f'tag-format = "{fmt}" in its [tool.relnox] if that is the current convention'
                )
        return None

    def _zero_in_file(self, member: Member, prefix: str, fmt: str) -> bool:
        """:func:`_short_zero` read from the version file (``v0.61`` whose file says ``0.61.0``)."""
        show_files, newest = self.show_files, self.spellings[prefix].newest_final
        if fmt != prefix + "{version}" or "{" in prefix or member.vcs or newest is None:
            return False
        version, tag = newest
        if len(version.release) != 2 or tag != f"{prefix}{version}":
            return False
        text = show_files([(tag, member.version_file)])[0] if member.version_file else None
        written = _written(text or "")
        return f"{version}.0" in written and str(version) not in written

    def with_default_for_new(self, facts: dict[str, TagFacts], default: str) -> dict[str, TagFacts]:
        """A package without tags follows its siblings when they all spell tags one way."""
        members = self.members
        shapes = set()
        for member in members:
            fact = facts[member.name]
            if not fact.convention.inferred or fact.convention.regex or fact.convention.match:
                continue
            if (shape := _generalise(fact.convention.format, member)) is None:
                return _short_names(facts, members)
            shapes.add(shape)
        if len(shapes) != 1:
            return facts
        (shape,) = shapes
        if shape == default:
            return facts
        out = dict(facts)
        # one tag for all joins a lockstep line: only a package at the line's version
        line = (
            {m.current for m in members if facts[m.name].count} if names_no_package(shape) else None
        )
        tops = [(f.highest, f.highest_tag) for f in facts.values() if f.count]
        newest = max(((v, t) for v, t in tops if v is not None and t is not None), default=None)
        for member in members:
            fact = facts[member.name]
            if line is not None and (
                member.current not in line
                or (newest and self.contradicts(member, newest[1], newest[0]))
            ):
                continue  # not at the line's version, or released beside it at its own
            if member.match is not None or member.regex is not None or not _fits(shape, member):
                continue  # its backend's rule says how its tags are spelled, or its directory
            if fact.count == 0 and member.configured is None and fact.problem is None:
                out[member.name] = TagFacts(
                    TagConvention(
                        shape, (shape,), f"no tags yet; {shape} as the other packages' tags"
                    )
                )
        return out

    def with_new_in_a_shared_line(self, facts: dict[str, TagFacts]) -> dict[str, TagFacts]:
        """A package without tags at the one version of the packages that share one tag
        naming none of them (``core@{version}`` for core and its plugins) joins their line: made
        since their last release (when its siblings spell tags several ways)."""
        sharers: dict[str, list[Version | None]] = {}
        for member in self.members:
            fmt = (fact := facts[member.name]).convention.format
            if fact.count and fact.convention.inferred and "{" not in fmt.split("{version}")[0]:
                sharers.setdefault(fmt, []).append(member.current)
        lines = [(f, vs[0]) for f, vs in sharers.items() if len(vs) > 1 and len(set(vs)) == 1]
        if len(lines) != 1 or lines[0][1] is None:
            return facts
        ((fmt, version),) = lines
        out = dict(facts)
        for member in self.members:
            fact, rules = facts[member.name], (member.configured, member.match, member.regex)
            if fact.count or fact.problem or member.current != version or any(rules):
                continue
            why = f"no tags yet; {fmt} as the {len(sharers[fmt])} packages at {version}"
            out[member.name] = TagFacts(TagConvention(fmt, (fmt,), why))
        return out

    def with_carried_releases(self, facts: dict[str, TagFacts]) -> dict[str, TagFacts]:
        """A package without tags (or whose own stopped below) released under its siblings'
        bare tags: its file names a version of its own at each of the newest
        :data:`CARRIED_READ`, rising at one of them at least and never going down."""
        members, groups = self.members, self.groups
        carriers = {
            f.convention.format: f
            for m in members
            if (f := facts[m.name]).count
            and f.convention.inferred
            and f.last_tag is not None
            and f.last is not None
            and "{" not in f.convention.format.removesuffix("{version}")
        }
        if len(carriers) > 1:  # the one tagging now: a member's own that stopped carries none
            when = {f: self.tags.dates.get(str(c.last_tag), 0) for f, c in carriers.items()}
            carriers = {f: c for f, c in carriers.items() if when[f] == max(when.values())}
        if len(carriers) != 1:
            return facts
        ((shape, carrier),) = carriers.items()
        prefix = shape.removesuffix("{version}")
        below = [
            (v, t)
            for v, t in groups.get(prefix, [])
            if carrier.last is not None and v < carrier.last and not v.is_prerelease
        ]
        chain = [(carrier.last, str(carrier.last_tag)), *sorted(below)[::-1][: CARRIED_READ - 1]]
        if len(chain) < 2:
            return facts
        out = dict(facts)
        for member in members:
            fact = facts[member.name]
            rules = (member.configured, member.match, member.regex, member.version_file)
            if fact.problem is not None or fact.convention.format == shape:
                continue
            if member.vcs or any(rule is not None for rule in rules[:3]) or rules[3] is None:
                continue
            said = []
            for version, tag in chain:
                found = {v for v in self.said_at([member], tag)[0] or () if v is not None}
                if len(found) != 1 or version in found:
                    break
                said.append((found.pop(), tag))
            versions = [v for v, _ in said]
            if len(said) != len(chain) or any(a < b for a, b in pairwise(versions)):
                continue  # back below at a later release: not released with it
            if versions[0] == versions[-1]:  # the same version at each: never released with
                if member.current == versions[0]:  # the line, nor since
                    out[member.name] = replace(fact, stayed=tuple(t for _, t in said))
                continue
            if fact.count and (fact.highest is None or versions[-1] <= fact.highest):
                continue  # its own tags go on, or reach as high: released under them
            last, tag = next((v, t) for v, t in reversed(said) if v == versions[0])
            if member.current is not None and member.current < last:
                continue  # its files went back below what it released: read nothing
            since = (
                f"no tags of its own since {fact.last_tag}" if fact.count else "no tags of its own"
            )
            why = f"{since}; released under the tags {shape}: its {rules[3]} says {last} at {tag}"
            out[member.name] = TagFacts(
                replace(fact.convention, evidence=why),
                highest=last,
                highest_tag=tag,
                released=fact.released | {v for v, _ in said},
                last=last,
                last_tag=tag,
                carried=tuple({v: t for v, t in said}.items()),  # each at its first tag
            )
        return out
