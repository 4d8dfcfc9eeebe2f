"""Each package's tag convention, read from the repository's own tags.

A repository already says how it tags releases: ``1.6.0``, ``v1.6.0``,
``core-v0.1.9``, ``agent-v0.8.4`` for ``libs/python/agent`` (distribution
``cua-agent``), ``name@1.2.0``, ``name==4.2.0``, or one ``python-v0.7.5`` for every
package of ``python/``. :func:`infer_conventions` groups the version-shaped tags by
their prefix and gives each package the prefixes that name it, most specific first:

1. the package's name or directory (``{name}-v``, ``{dir}-v``, ``{name}@``, ...);
2. a part of its name or directory that no other package shares (``sandbox-v`` for
   ``cua-sandbox``), confirmed by the tagged commit when two packages could claim it;
3. a directory above it (one tag for a whole sub-tree);
4. no prefix at all (``1.6.0`` / ``v1.6.0``) for the only package, or the root one.

A configured ``tag-format`` (root, per package, or ``[tool.relnox.tag-formats]``)
wins over inference. A version-from-tags backend that narrows the tags itself
(``--match`` in a describe command, a ``tag_regex``) is honoured the same way.
When tags exist but none can be tied to a package, nothing is guessed: the package
gets the default format for new tags, and a tag-versioned package is an error.
"""

from __future__ import annotations

import bisect
import dataclasses
import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.version import Version

from relnox.tags import tag_regex
from relnox.versioning import maybe_version

_SEPARATORS = "-_/@=.+"


@dataclass(frozen=True)
class RepoTags:
    """The version-shaped tags of a repository, read once."""

    all: tuple[str, ...] = ()
    merged: frozenset[str] = frozenset()  # tags HEAD contains
    shallow: bool = False
    is_repo: bool = False
    nearness: Mapping[str, int] = field(default_factory=dict)  # merged tag -> rank, nearest 0
    dates: Mapping[str, int] = field(default_factory=dict)  # tag -> creation time (unix)
    triggers: tuple[str, ...] = ()  # the release workflows' ``on: push: tags:`` globs

    def starting_with(self, prefix: str) -> list[str]:
        """The tags that start with ``prefix`` (a binary search in the sorted names)."""
        ordered: list[str] | None = self.__dict__.get("_sorted")
        if ordered is None:
            ordered = sorted(self.all)
            object.__setattr__(self, "_sorted", ordered)
        start = bisect.bisect_left(ordered, prefix)
        end = start
        while end < len(ordered) and ordered[end].startswith(prefix):
            end += 1
        return ordered[start:end]

    def by_prefix(self) -> dict[str, list[tuple[Version, str]]]:
        groups: dict[str, list[tuple[Version, str]]] = {}
        for tag in self.all:
            split = split_tag(tag)
            if split is not None:
                groups.setdefault(split[0], []).append((split[1], tag))
        for items in groups.values():
            items.sort()
        return groups


@dataclass(frozen=True)
class TagConvention:
    """How one package's release tags are spelled, and why relnox thinks so."""

    format: str  # for new tags; may hold {name}, {dir}, {version}
    accepts: tuple[str, ...]  # formats whose tags are this package's (format first)
    evidence: str
    inferred: bool = False
    match: str | None = None  # glob from the backend's describe command
    regex: str | None = None  # the backend's tag_regex
    semver_pre: bool = False  # pre-releases are tagged semver style: v1.2.0-beta.4

    def version_of(self, tag: str, *, name: str, dir: str) -> Version | None:
        """The version ``tag`` gives this package, ``None`` if it is not one of its tags."""
        if self.match is not None and not fnmatch.fnmatchcase(tag, self.match):
            return None
        if self.regex is not None:
            found = re.search(self.regex, tag)
            if found is None:
                return None
            groups = found.groupdict()
            text = groups.get("version") or (found.group(1) if found.groups() else found.group(0))
            return maybe_version(text.removeprefix("v").removeprefix("V"))
        if not self.accepts:  # the backend's --match alone decides: any version-shaped tag
            split = split_tag(tag)
            return split[1] if split else None
        for fmt in self.accepts:
            concrete = fmt.replace("{name}", name).replace("{dir}", dir)
            hit = tag_regex(concrete).match(tag)
            if hit is not None:
                return maybe_version(hit.group("version"))
        return None


@dataclass(frozen=True)
class TagFacts:
    """A package's convention and what its tags say about its released versions."""

    convention: TagConvention
    highest: Version | None = None  # the highest final release anywhere (pre-releases if none)
    highest_tag: str | None = None
    reachable: Version | None = None  # the newest tag HEAD contains (what git describe sees)
    reachable_tag: str | None = None
    count: int = 0
    problem: str | None = None  # tags exist but none is this package's
    released: frozenset[Version] = frozenset()  # every version a tag of it marks
    finding: str | None = None  # ambiguous evidence: the choices and the setting that decides
    last: Version | None = None  # the last release of HEAD's line (see :func:`_measure`)
    last_tag: str | None = None

    @property
    def backport(self) -> bool:
        """HEAD's line is below a release made on another branch (a maintenance branch)."""
        return self.last is not None and self.highest is not None and self.highest > self.last


def split_tag(tag: str) -> tuple[str, Version] | None:
    """``agent-v0.8.4`` -> (``agent-v``, 0.8.4); ``None`` for a tag without a version."""
    for index, char in enumerate(tag):
        if not char.isdigit() or (index and (tag[index - 1].isdigit() or tag[index - 1] == ".")):
            continue
        version = maybe_version(tag[index:])
        if version is not None:
            return tag[:index], version
    return None


def stem(prefix: str) -> str:
    """``agent-v`` -> ``agent``; ``name==`` -> ``name``; ``v`` -> ``""``."""
    text = prefix.rstrip(_SEPARATORS)
    if text.endswith(("v", "V")) and (len(text) == 1 or text[-2] in _SEPARATORS):
        text = text[:-1]
    return text.rstrip(_SEPARATORS).lower()


def _squash(text: str) -> str:
    return re.sub(r"[-_.]+", "", text.lower())


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[-_.]+", text.lower()) if t]


def _contains(whole: Sequence[str], part: Sequence[str]) -> bool:
    n = len(part)
    return 0 < n < len(whole) and any(
        list(whole[i : i + n]) == list(part) for i in range(len(whole) - n + 1)
    )


@dataclass(frozen=True)
class Member:
    """What inference needs to know of a package."""

    name: str  # canonical
    project_name: str
    dir: str  # directory name
    parents: tuple[str, ...]  # directory names between the root and the package
    is_root: bool
    configured: str | None = None  # a tag-format set for this package
    configured_where: str = ""
    match: str | None = None
    regex: str | None = None
    version_file: str | None = None  # repo-relative path whose content names the version
    vcs: bool = False  # its version comes from its tags
    current: Version | None = None  # the version HEAD's files give it (None: from its tags)


def _names(member: Member, several: bool = False) -> set[str]:
    """The names tags may call ``member`` by. A root's directory is the checkout's name,
    often a member's (``setuptools-scm/`` holding ``setuptools-scm/``): beside other
    packages it names none of them."""
    names = {member.name, member.project_name.lower()}
    if not (member.is_root and several):
        names.add(member.dir.lower())
    return names | {n.replace("-", "_") for n in names} | {n.replace("_", "-") for n in names}


def _score(member: Member, prefix_stem: str, single: bool, names: set[str]) -> int:
    """How surely tags with this prefix stem are ``member``'s: 0 (not) to 4 (its name)."""
    if prefix_stem == "":
        # a tag-versioned member reads the repository's bare tags as its backend does
        # (git describe sees every tag): pydantic-ai's members all take v2.33.0
        return 1 if (single or member.is_root or member.vcs) else 0
    if prefix_stem in names:
        return 4
    stem_tokens = _tokens(prefix_stem)
    if any(_contains(_tokens(n), stem_tokens) for n in names):
        return 3
    if prefix_stem in {p.lower() for p in member.parents}:
        return 2
    return 0


def infer_conventions(
    members: Sequence[Member],
    tags: RepoTags,
    *,
    default: str,
    show_file: Callable[[str, str], str | None] | None = None,
    shared: bool = False,
) -> dict[str, TagFacts]:
    """Each member's :class:`TagFacts`, keyed by name.

    ``shared``: bare tags (``v1.2.0``) belong to every package (lockstep).
    """
    groups = tags.by_prefix()
    single = len(members) == 1 or shared
    claims: dict[str, dict[str, int]] = {}  # prefix -> member -> score
    names = {m.name: _names(m, several=len(members) > 1) for m in members}
    exact: dict[str, list[Member]] = {}
    for member in members:
        # a name or directory as written, or with its separators dropped
        # (``checkpointpostgres==3.1.2`` for ``libs/checkpoint-postgres``)
        for name in dict.fromkeys([*names[member.name], *map(_squash, names[member.name])]):
            exact.setdefault(name, []).append(member)
    for prefix in groups:
        prefix_stem = stem(prefix)
        key = prefix_stem if prefix_stem in exact else _squash(prefix_stem)
        if prefix_stem and key in exact:  # a name or directory: nothing else competes
            claims[prefix] = {m.name: 4 for m in dict.fromkeys(exact[key])}
            continue
        for member in members:
            score = _score(member, prefix_stem, single, names[member.name])
            if score:
                claims.setdefault(prefix, {})[member.name] = score
    for member in members:
        if member.current is not None and member.current.local is not None:
            # ``0.1+private``: no index takes a local version, so no tag released it
            for scores in claims.values():
                scores.pop(member.name, None)
    claims = {prefix: scores for prefix, scores in claims.items() if scores}
    if not single:
        _drop_roots_never_released(members, claims, groups, show_file)
        _share_roots_tags(members, claims, groups, tags, show_file)
    for prefix in groups:
        if stem(prefix) or prefix in claims or len(members) < 2:
            continue
        # bare tags among several packages, none of them the root: the packages whose
        # version file names the newest such tag's version at its commit own them (several:
        # one tag for a line released together, which makes them a lockstep group)
        newest_version, newest_tag = _newest(groups[prefix], tags)
        confirmed = [
            m.name
            for m in members
            if not _has_own_tags(m.name, claims)
            and _tag_names_version(m, newest_tag, newest_version, show_file)
        ]
        if confirmed:
            claims[prefix] = dict.fromkeys(confirmed, 1)
    # a prefix a tag-format configures for one package is that package's, never inferred
    # for another (``[tool.relnox.tag-formats] app = "v{version}"``: lib gets no v-tags)
    configured = {
        m.configured.partition("{version}")[0]: m.name
        for m in members
        if m.configured and "{version}" in m.configured
    }
    for prefix in list(claims):
        if prefix in configured:
            kept = {n: s for n, s in claims[prefix].items() if n == configured[prefix]}
            if kept:
                claims[prefix] = kept
            else:
                del claims[prefix]
    owned: dict[str, list[str]] = {m.name: [] for m in members}
    for prefix, scores in claims.items():
        best = max(scores.values())
        winners = [name for name, score in scores.items() if score == best]
        if best >= 3 and len(winners) > 1:  # two packages could own it: ask the tagged commit
            newest_version, newest_tag = groups[prefix][-1]
            confirmed = [
                m.name
                for m in members
                if m.name in winners
                and _tag_names_version(m, newest_tag, newest_version, show_file)
            ]
            winners = confirmed if len(confirmed) == 1 else []
        elif best in (2, 3):  # a token or a parent directory: the tagged commits may say no
            winners = [
                m.name
                for m in members
                if m.name in winners and not _every_tag_contradicts(m, groups[prefix], show_file)
            ]
        for name in winners:
            owned[name].append(prefix)
    why, doubts = _follow_new_conventions(members, claims, owned, groups, tags, show_file)
    owners = {prefix for prefixes in owned.values() for prefix in prefixes}
    unclaimed = [
        groups[p][-1][1] for p in sorted(groups, key=lambda p: -len(groups[p])) if p not in owners
    ]
    examples = unclaimed[:3]
    strays = _strays(members, owned, groups, show_file)
    if strays:
        tags = _without(tags, strays)
    facts: dict[str, TagFacts] = {}
    for member in members:
        facts[member.name] = _facts(
            member,
            owned[member.name],
            claims,
            groups,
            tags,
            default,
            examples,
            why.get(member.name, ""),
        )
        if member.name in doubts:
            facts[member.name] = dataclasses.replace(
                facts[member.name], finding=doubts[member.name]
            )
    return _with_default_for_new(facts, members, default)


def _drop_roots_never_released(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    show_file: Callable[[str, str], str | None] | None,
) -> None:
    """Bare tags are the root's only when its version file ever named their versions.

    A root project that is never released (a workspace's dev project at 0.1.1 beside a
    member tagged ``v1.2.3``) would otherwise take the member's tags and be told that
    0.1.1 is not above 1.2.3. When every tagged commit's root file names another
    version, the claim is dropped and the members whose files name the tag's version
    take the tags (below). A tag-versioned root, or a file missing at the tags, says
    nothing, and the root keeps them.
    """
    roots = [m for m in members if m.is_root]
    for prefix, scores in list(claims.items()):
        if stem(prefix) or set(scores) != {r.name for r in roots} or not roots:
            continue
        if all(_every_tag_contradicts(root, groups[prefix], show_file) for root in roots):
            del claims[prefix]


def _share_roots_tags(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> None:
    """The root's bare tags also release the members whose version file names the
    newest tag's version at its commit (a ``-api`` package published with the root
    under one ``v4.41.0``): one tag for both, which makes them a lockstep group."""
    for prefix, scores in claims.items():
        if stem(prefix) or not any(m.is_root and m.name in scores for m in members):
            continue
        version, tag = _newest(groups[prefix], tags)
        for member in members:
            if (
                member.name not in scores
                and not _has_own_tags(member.name, claims)
                and _tag_names_version(member, tag, version, show_file)
            ):
                scores[member.name] = 1


def _has_own_tags(name: str, claims: Mapping[str, Mapping[str, int]]) -> bool:
    """Tags named after the package (``checkpoint==4.2.0``) exist: a bare tag that its
    file happens to agree with is not its own."""
    return any(scores.get(name, 0) >= 3 for scores in claims.values())


def _strays(
    members: Sequence[Member],
    owned: Mapping[str, list[str]],
    groups: Mapping[str, list[tuple[Version, str]]],
    show_file: Callable[[str, str], str | None] | None,
) -> set[str]:
    """The highest tags of a shared bare prefix that release none of its owners.

    ``v1.16.0`` on the commit that releases the line at ``0.37b0`` (a tag made by mistake
    with another repository's number): no owner's version file names 1.16.0 there and
    one names another version, so it is not a release of theirs.
    """
    found: set[str] = set()
    for prefix, group in groups.items():
        owners = [m for m in members if prefix in owned[m.name]]
        if stem(prefix) or len(owners) < 2:
            continue
        for version, tag in list(reversed(group))[:_STRAYS_READ]:
            if any(_tag_names_version(m, tag, version, show_file) for m in owners):
                break
            if not any(_tag_contradicts(m, tag, version, show_file) for m in owners):
                break
            found.add(tag)
    return found


def _without(tags: RepoTags, strays: set[str]) -> RepoTags:
    return dataclasses.replace(
        tags,
        all=tuple(t for t in tags.all if t not in strays),
        merged=tags.merged - strays,
    )


def _newest(group: Sequence[tuple[Version, str]], tags: RepoTags) -> tuple[Version, str]:
    """The most recently created tag of a prefix (the highest version when dates tie)."""
    return max(group, key=lambda item: (tags.dates.get(item[1], 0), item[0]))


def _span(tags: RepoTags, group: Sequence[tuple[Version, str]]) -> tuple[int, int]:
    """The first and last creation times of a prefix's tags (0, 0 when unknown)."""
    times = [tags.dates.get(tag, 0) for _v, tag in group]
    return (min(times), max(times)) if times and all(times) else (0, 0)


def _continues(
    newer: Sequence[tuple[Version, str]],
    older: Sequence[tuple[Version, str]],
    tags: RepoTags,
) -> bool:
    """``newer`` took over from ``older``: its newest tag came after the last of ``older``
    and releases a higher version (``python-v0.2.8`` then ``v0.3.0`` onwards; a few
    releases tagged both ways in between do not matter)."""
    (_, new_last), (_, old_last) = _span(tags, newer), _span(tags, older)
    return bool(new_last and old_last and new_last > old_last) and max(newer) > max(older)


def _triggered(tags: RepoTags, tag: str) -> bool:
    """The release workflow's ``on: push: tags:`` filter fires on ``tag``."""
    return any(fnmatch.fnmatchcase(tag, glob) for glob in tags.triggers)


def _follow_new_conventions(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    owned: dict[str, list[str]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> tuple[dict[str, str], dict[str, str]]:
    """A package whose tags changed spelling keeps the newest spelling as its current one.

    A prefix ``U`` the package holds weakly (bare ``v`` beside its own ``python-v``) or
    nobody holds is the package's, as strongly as its own prefix ``P``, when ``U``
    continues ``P`` (:func:`_continues`) and the evidence agrees: the package's version
    file names the version at ``U``'s newest tag, or the release workflow's tag trigger
    fires on ``U``'s tags and not on ``P``'s. Without that agreement nothing changes.
    """
    taken = {prefix for prefixes in owned.values() for prefix in prefixes}
    why: dict[str, str] = {}
    doubts: dict[str, str] = {}
    ranks: dict[str, tuple[tuple[bool, bool, int], str, int]] = {}
    for member in members:
        mine = owned[member.name]
        if not mine or member.configured or member.match or member.regex:
            continue
        best = max(claims[p][member.name] for p in mine)
        own = [p for p in mine if claims[p][member.name] == best]
        for prefix, group in groups.items():
            if prefix in own or (prefix in taken and prefix not in mine):
                continue
            # it must take over from the package's current prefix, not from one it left
            # behind (a lone ``vcs-versioning-1.0.0.dev`` beside ``vcs-versioning-v2.3.1``)
            latest = max(own, key=lambda p: _span(tags, groups[p])[1])
            followed = [latest] if _continues(group, groups[latest], tags) else []
            if not followed:
                continue
            version, tag = next(
                ((v, t) for v, t in reversed(group) if not v.is_prerelease), group[-1]
            )
            triggered = _triggered(tags, tag) and not any(
                _triggered(tags, groups[p][-1][1]) for p in followed
            )
            if not (triggered or _tag_names_version(member, tag, version, show_file)):
                if not _tag_contradicts(member, tag, version, show_file):
                    old = f"{followed[0]}{{version}}"
                    doubts[member.name] = (
                        f"tags {prefix}{{version}} (newest {tag}) came after the last {old} "
                        f"tag ({groups[followed[0]][-1][1]}), but nothing says they are "
                        f"{member.name}'s; relnox keeps {old}: set tag-format = "
                        f'"{prefix}{{version}}" in its [tool.relnox] if that is the current '
                        "convention"
                    )
                continue
            # rank: the workflow fires on it, then the bare spelling (the project's own
            # name for a release), then the newest; a sibling language's prefix tagged on
            # the same commits (node-v0.23.1 beside v0.23.1) is never taken with it
            rank = (triggered, stem(prefix) == "", _span(tags, group)[1])
            if member.name in ranks and ranks[member.name][0] >= rank:
                continue
            ranks[member.name] = (rank, prefix, best)
            evidence = (
                "the release workflow's tag trigger fires on it"
                if triggered
                else f"{member.version_file} says {version} at {tag}"
            )
            why[member.name] = (
                f"{prefix}{{version}} is the current convention: its tags came after the last "
                f"{followed[0]}{{version}} tag ({groups[followed[0]][-1][1]}) and {evidence}"
            )
    for member in members:
        if member.name in ranks:
            _rank, prefix, best = ranks[member.name]
            claims.setdefault(prefix, {})[member.name] = best
            if prefix not in owned[member.name]:
                owned[member.name].append(prefix)
    for name in why:
        doubts.pop(name, None)
    return why, doubts


def _tag_names_version(
    member: Member, tag: str, version: Version, show_file: Callable[[str, str], str | None] | None
) -> bool:
    if show_file is None or member.version_file is None:
        return False
    text = show_file(tag, member.version_file)
    return text is not None and version in {maybe_version(m) for m in _QUOTED.findall(text)}


_QUOTED = re.compile(r"""['"](\d[^'"\s]*)['"]""")


def _tag_contradicts(
    member: Member, tag: str, version: Version, show_file: Callable[[str, str], str | None] | None
) -> bool:
    """At ``tag``, the member's version file exists and names another version, never this one.

    (cua-bench-ui's pyproject says 0.7.0 at ``bench-v0.2.11``: that tag is another
    project's.) A file missing at the tag, or a tag-versioned member, says nothing.
    """
    if show_file is None or member.version_file is None or member.vcs:
        return False
    text = show_file(tag, member.version_file)
    if text is None:
        return False
    quoted = [maybe_version(m) for m in _QUOTED.findall(text)]
    return version not in quoted and any(v is not None for v in quoted)


_CONTRADICTIONS_READ = 40  # newest tags read before a prefix is judged another project's


def _every_tag_contradicts(
    member: Member,
    group: Sequence[tuple[Version, str]],
    show_file: Callable[[str, str], str | None] | None,
) -> bool:
    """No tag of the prefix agrees: each tagged commit's version file names another version.

    One agreeing tag is enough: a project that later publishes builds made elsewhere
    (its file left behind at 0.0.10 while ``fleet-v0.1.14`` is released) still owns
    ``fleet-v``, and its file is then below its released version, which is reported.
    The newest tags are read first, at most ``_CONTRADICTIONS_READ`` of them.
    """
    return all(
        _tag_contradicts(member, tag, version, show_file)
        for version, tag in list(reversed(group))[:_CONTRADICTIONS_READ]
    )


def _facts(
    member: Member,
    prefixes: list[str],
    claims: Mapping[str, Mapping[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    default: str,
    examples: list[str],
    why: str = "",
) -> TagFacts:
    if member.configured is not None:
        convention = TagConvention(
            member.configured, (member.configured,), f"configured: {member.configured_where}"
        )
        return _measure(member, convention, tags)
    if member.match is not None or member.regex is not None:
        rule = f"--match {member.match}" if member.match else f"tag_regex {member.regex}"
        convention = TagConvention(
            default, (), f"the build backend's {rule}", False, member.match, member.regex
        )
        measured = _measure(member, convention, tags)
        split = split_tag(measured.highest_tag) if measured.highest_tag is not None else None
        fmt = (split[0] + "{version}") if split else _format_of_rule(member) or default
        if fmt != default:
            convention = TagConvention(
                fmt, (), convention.evidence, False, member.match, member.regex
            )
            measured = _measure(member, convention, tags)
        return measured
    if not prefixes:
        facts = _measure(
            member, TagConvention(default, (default,), f"no tags yet; default {default}"), tags
        )
        if facts.highest is None and examples and (member.vcs or len(claims) == 0):
            split = split_tag(examples[0])
            example = f"{split[0]}{{version}}" if split is not None else default
            facts = TagFacts(
                facts.convention,
                problem=(
                    f"tags such as {', '.join(examples)} exist but none names {member.name}; "
                    f'set tag-format (e.g. tag-format = "{example}", as {examples[0]}) in '
                    "its [tool.relnox] if its releases are tagged another way"
                ),
            )
        return facts
    best = max(claims[p][member.name] for p in prefixes)
    chosen = [p for p in prefixes if claims[p][member.name] == best]
    # the prefix holding the newest release writes new tags; every chosen prefix is read
    chosen.sort(key=lambda p: groups[p][-1][0], reverse=True)
    accepts = tuple(p + "{version}" for p in chosen)
    count = sum(len(groups[p]) for p in chosen)
    group = groups[chosen[0]]
    example = next((t for v, t in reversed(group) if not v.is_prerelease), group[-1][1])
    spelled = " and ".join(repr(p + "{version}") for p in chosen)
    evidence = f"inferred from {count} tag{'s' if count != 1 else ''} like {example} ({spelled})"
    if best == 2:
        evidence += "; one tag for the whole directory"
    if why:
        evidence += f"; {why}"
    pres = [tag for p in chosen for v, tag in groups[p] if v.is_prerelease]
    semver_pre = (
        bool(pres)
        and _SEMVER_PRE_TAG.search(max(pres, key=lambda t: tags.dates.get(t, 0))) is not None
    )
    if semver_pre:
        evidence += "; pre-releases spelled semver style (-beta.N)"
    convention = TagConvention(accepts[0], accepts, evidence, inferred=True, semver_pre=semver_pre)
    return _measure(member, convention, tags)


_SEMVER_PRE_TAG = re.compile(r"\d-(alpha|beta|rc)\.\d+$", re.IGNORECASE)


def _format_of_rule(member: Member) -> str | None:
    """The first tag's spelling the backend's own rule asks for, before any tag exists.

    ``--match 'pkgs/core-v[0-9]*'`` or a ``tag_regex`` of ``^pkgs/core-v(?P<version>...)``:
    the literal text before the version, when the rule spells one; ``None`` otherwise.
    """
    if member.match is not None:
        literal = re.split(r"[*?\[]", member.match, maxsplit=1)[0]
        candidate = literal + "{version}"
        if literal and fnmatch.fnmatchcase(candidate.replace("{version}", "1.0.0"), member.match):
            return candidate
    if member.regex is not None:
        head = re.split(r"\(\?P<version>", member.regex, maxsplit=1)[0].removeprefix("^")
        literal = re.sub(r"\\(.)", r"\1", head)
        if head and not re.search(r"[\\.*+?()\[\]{}|^$]", re.sub(r"\\.", "", head)):
            found = re.search(member.regex, literal + "1.0.0")
            if found is not None and found.groupdict().get("version") == "1.0.0":
                return literal + "{version}"
    return None


def _candidates(member: Member, convention: TagConvention, tags: RepoTags) -> Sequence[str]:
    """The tags that can match: those starting with a format's literal prefix."""
    if convention.match is not None or convention.regex is not None or not convention.accepts:
        return tags.all
    prefixes = []
    for fmt in convention.accepts:
        concrete = fmt.replace("{name}", member.name).replace("{dir}", member.dir)
        prefixes.append(concrete.split("{", 1)[0])
    found: list[str] = []
    for prefix in dict.fromkeys(prefixes):
        found += tags.starting_with(prefix)
    return list(dict.fromkeys(found))


_STRAYS_READ = 3  # highest tags checked against the version file before they count


def _measure(member: Member, convention: TagConvention, tags: RepoTags) -> TagFacts:
    """The package's tags: highest final release, the last of HEAD's line, every version."""
    found: list[tuple[Version, str]] = []
    for tag in _candidates(member, convention, tags):
        version = convention.version_of(tag, name=member.name, dir=member.dir)
        if version is not None:
            found.append((version, tag))
    finals = [item for item in found if not item[0].is_prerelease] or found
    highest = max(finals, default=None)
    merged = [item for item in found if item[1] in tags.merged]
    # HEAD's line: the tags HEAD contains, and those elsewhere that release a version HEAD's
    # files have reached (a release branch's tags seen from main, a release commit amended
    # after tagging); its highest is the last release, the base of every comparison
    line = [
        item
        for item in found
        if item[1] in tags.merged or (member.current is not None and item[0] <= member.current)
    ]
    last = max([item for item in line if not item[0].is_prerelease] or line, default=None)
    # git describe finds the nearest tag HEAD contains; on one commit, the higher version
    reachable = max(
        merged, key=lambda item: (-tags.nearness.get(item[1], 0), item[0]), default=None
    )
    return TagFacts(
        convention,
        highest[0] if highest else None,
        highest[1] if highest else None,
        reachable[0] if reachable else None,
        reachable[1] if reachable else None,
        len(found),
        released=frozenset(v for v, _tag in found),
        last=last[0] if last else None,
        last_tag=last[1] if last else None,
    )


def _with_default_for_new(
    facts: dict[str, TagFacts], members: Sequence[Member], default: str
) -> dict[str, TagFacts]:
    """A package without tags follows its siblings when they all spell tags one way."""
    shapes = set()
    for member in members:
        fact = facts[member.name]
        if not fact.convention.inferred or fact.convention.regex or fact.convention.match:
            continue
        shape = _generalise(fact.convention.format, member)
        if shape is None:
            return facts
        shapes.add(shape)
    if len(shapes) != 1:
        return facts
    (shape,) = shapes
    if shape == default:
        return facts
    out = dict(facts)
    # one tag for all (no {name}/{dir}) joins a lockstep line: only a package at the
    # line's version joins it (1.45.0.dev beside 0.66b0.dev packages does not)
    line = (
        {m.current for m in members if facts[m.name].count}
        if "{name}" not in shape and "{dir}" not in shape
        else None
    )
    for member in members:
        fact = facts[member.name]
        if line is not None and member.current not in line:
            continue
        if fact.count == 0 and member.configured is None and fact.problem is None:
            out[member.name] = TagFacts(
                TagConvention(shape, (shape,), f"no tags yet; {shape} as the other packages' tags")
            )
    return out


def _generalise(fmt: str, member: Member) -> str | None:
    prefix = fmt.removesuffix("{version}")
    for placeholder, value in (("{name}", member.name), ("{dir}", member.dir)):
        if prefix.lower().startswith(value.lower()) and len(prefix) > len(value):
            return placeholder + prefix[len(value) :] + "{version}"
    return fmt if "{" in prefix or stem(prefix) == "" else None


def describe_match(command: object) -> str | None:
    """The ``--match`` glob of a ``git describe`` command (string or argv list)."""
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
    for index, arg in enumerate(argv):
        if arg == "--match" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--match="):
            return arg.split("=", 1)[1]
    return None
