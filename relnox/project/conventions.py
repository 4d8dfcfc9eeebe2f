"""Each package's tag convention, read from the repository's own tags.

:func:`infer_conventions` groups the version-shaped tags by their prefix and gives each
package the prefixes that name it, most specific first: its name or directory, a part of
its name no other package shares, a directory above it, then no prefix for the only or
the root package. Where two packages could claim a prefix, the tagged commits' version
files decide. A configured ``tag-format`` or a backend's own tag rule wins over
inference; tags that name no package are never guessed to be one's."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from packaging.version import Version

from relnox.project.former_names import former_names
from relnox.project.tag_facts import (
    CONTRADICTIONS_READ,
    STRAYS_READ,
    every_tag_contradicts,
    facts_of,
    read_dotless,
    short_zero_by_file,
    tag_contradicts,
    tag_names_version,
    top_release,
    with_carried_releases,
    with_default_for_new,
)
from relnox.project.tag_model import (
    Member,
    RepoTags,
    TagFacts,
    fires,
    member_names,
    prefix_score,
    squash,
    stem,
)


def infer_conventions(
    members: Sequence[Member],
    tags: RepoTags,
    *,
    default: str,
    show_file: Callable[[str, str], str | None] | None = None,
    shared: bool = False,
) -> dict[str, TagFacts]:
    """Each member's :class:`TagFacts`, keyed by name; ``shared``: bare tags belong to every
    package (lockstep)."""
    groups = read_dotless(members, tags.by_prefix(), show_file)
    single = len(members) == 1 or shared
    claims: dict[str, dict[str, int]] = {}  # prefix -> member -> score
    names = {m.name: member_names(m, several=len(members) > 1) for m in members}
    exact: dict[str, list[Member]] = {}
    for member in members:
        # a name or directory as written, or with its separators dropped
        spelled = [*names[member.name], *_top_and_own(member)]
        for name in dict.fromkeys([*spelled, *map(squash, spelled)]):
            exact.setdefault(name, []).append(member)
    for prefix in groups:
        prefix_stem = stem(prefix)
        key = prefix_stem if prefix_stem in exact else squash(prefix_stem)
        if prefix_stem and key in exact:  # a name or directory: nothing else competes
            claims[prefix] = {m.name: 4 for m in dict.fromkeys(exact[key])}
            continue
        for member in members:
            score = prefix_score(member, prefix_stem, single, names[member.name])
            if score:
                claims.setdefault(prefix, {})[member.name] = score
    for member in members if len(members) > 1 else ():
        if member.current is not None and member.current.local is not None:
            # a local version (0.1+private) beside packages: no tag released it
            for scores in claims.values():
                scores.pop(member.name, None)
    claims = {prefix: scores for prefix, scores in claims.items() if scores}
    if not single:
        _drop_roots_never_released(members, claims, groups, show_file)
        _share_roots_tags(members, claims, groups, tags, show_file)
        _share_named_tags(members, claims, groups, show_file, tags)
    for prefix in groups:
        if stem(prefix) or prefix in claims or len(members) < 2:
            continue
        # bare tags, no root: the packages whose file names a newest tag's version (lockstep)
        for version, tag in tags.by_date(groups[prefix])[:_BARE_ASKED]:
            confirmed = [
                m.name
                for m in members
                if not _has_own_tags(m.name, claims)
                and tag_names_version(m, tag, version, show_file)
                and not _names_another(m, tag, show_file)
            ]
            if confirmed:
                claims[prefix] = dict.fromkeys(confirmed, 1)
                break
    if len(members) == 1 and not claims:
        _claim_confirmed_prefix(members[0], claims, groups, tags, show_file)
    # a prefix a tag-format configures for one package is never inferred for another
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
        if best == 4 and len(winners) == 1:
            winners = _unless_anothers(members, winners[0], prefix, claims, groups, tags, show_file)
        if best >= 3 and len(winners) > 1:  # two packages could own it: ask the tagged commit
            newest_version, newest_tag = groups[prefix][-1]
            confirmed = [
                m.name
                for m in members
                if m.name in winners and tag_names_version(m, newest_tag, newest_version, show_file)
            ]
            if len(confirmed) > 1:  # one tag for a line released together (lockstep)
                confirmed = _released_together(members, confirmed, groups[prefix], show_file)
            winners = confirmed
        elif best in (2, 3):  # a token or a parent directory: the tagged commits may say no
            winners = [
                m.name
                for m in members
                if m.name in winners and not every_tag_contradicts(m, groups[prefix], show_file)
            ]
            if best == 2 and len(winners) > 1:
                winners = _named_by_newest(members, winners, groups[prefix], tags, show_file)
        for name in winners:
            owned[name].append(prefix)
    why, doubts, current = _follow_new_conventions(members, claims, owned, groups, tags, show_file)
    for name, said in former_names(members, owned, groups, tags, show_file).items():
        why[name] = f"{why[name]}; {said}" if name in why else said
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
        facts[member.name] = facts_of(
            member,
            owned[member.name],
            claims,
            groups,
            tags,
            default,
            examples,
            (why.get(member.name, ""), current.get(member.name)),
        )
        facts[member.name] = short_zero_by_file(member, facts[member.name], groups, tags, show_file)
        if member.name in doubts:
            facts[member.name] = replace(facts[member.name], finding=doubts[member.name])
    facts = with_default_for_new(facts, members, default, show_file)
    return with_carried_releases(facts, members, groups, show_file)


def _top_and_own(member: Member) -> list[str]:
    """Its top directory and its own joined (``python-github-copilot`` for
    ``python/packages/github_copilot``): a whole name, never its words alone."""
    if not member.parents:
        return []
    joined = f"{member.parents[0]}-{member.dir}".lower()
    return [joined, joined.replace("_", "-")]


_BARE_ASKED = 3  # the newest bare tags asked whether they name a package's version
_PREFIXES_CONFIRMED = 3  # the most used unclaimed prefixes asked of the version file


def _claim_confirmed_prefix(
    member: Member,
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> None:
    """The only package, named by no tag: one of the most used prefixes is its own when its
    version file names the newest (or newest final) tag's version there, or when it is the
    only spelling and the file names no other version at the newest."""
    if member.configured is not None:
        return
    ordered = sorted((p for p in groups if stem(p)), key=lambda p: -len(groups[p]))
    for prefix in ordered[:_PREFIXES_CONFIRMED]:
        asked = [tags.by_date(groups[prefix])[0]]
        finals = [item for item in groups[prefix] if not item[0].is_prerelease]
        if finals and tags.by_date(finals)[0] not in asked:
            asked.append(tags.by_date(finals)[0])
        if any(tag_names_version(member, tag, version, show_file) for version, tag in asked):
            claims[prefix] = {member.name: 1}
            return
    # one spelling of every version tag where its file says no other version: its releases
    if len(ordered) == 1 and len(groups[ordered[0]]) >= 2 and not member.vcs:
        version, tag = tags.by_date(groups[ordered[0]])[0]
        if not tag_contradicts(member, tag, version, show_file):
            claims[ordered[0]] = {member.name: 1}


def _named_by_newest(
    members: Sequence[Member],
    names: Sequence[str],
    group: Sequence[tuple[Version, str]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> list[str]:
    """Of the packages of a directory its tags could mark, those whose file names the newest
    tag's version, when every other one's names another there; all of them otherwise."""
    version, tag = tags.by_date(group)[0]
    named = [
        m for m in members if m.name in names and tag_names_version(m, tag, version, show_file)
    ]
    others = [m for m in members if m.name in names and m not in named]
    if named and others and all(tag_contradicts(m, tag, version, show_file) for m in others):
        return [m.name for m in named]
    return list(names)


_TOGETHER_READ = 3  # the newest tags of a prefix that every package of a line must name


def _released_together(
    members: Sequence[Member],
    names: Sequence[str],
    group: Sequence[tuple[Version, str]],
    show_file: Callable[[str, str], str | None] | None,
) -> list[str]:
    """The packages of ``names`` whose version files name the version of each of the prefix's
    newest :data:`_TOGETHER_READ` tags (two at least): one tag for a line released together."""
    newest = list(reversed(group))[:_TOGETHER_READ]
    if len(newest) < 2:
        return []
    return [
        m.name
        for m in members
        if m.name in names
        and all(tag_names_version(m, tag, version, show_file) for version, tag in newest)
    ]


def _drop_roots_never_released(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    show_file: Callable[[str, str], str | None] | None,
) -> None:
    """Drop the root's claim on bare tags when its version file never named their versions (or
    named another project): a workspace's unreleased dev root; members may take them below."""
    roots = [m for m in members if m.is_root]
    for prefix, scores in list(claims.items()):
        if stem(prefix) or set(scores) != {r.name for r in roots} or not roots:
            continue
        if all(
            every_tag_contradicts(root, groups[prefix], show_file)
            or _every_tag_names_another(root, groups[prefix], show_file)
            for root in roots
        ):
            del claims[prefix]


def _every_tag_names_another(
    member: Member,
    group: Sequence[tuple[Version, str]],
    show_file: Callable[[str, str], str | None] | None,
) -> bool:
    """At each of the newest tags whose pyproject.toml says a name, it names another project."""
    newest = list(reversed(group))[:CONTRADICTIONS_READ]
    said = [s for _v, tag in newest if (s := _names_another(member, tag, show_file)) is not None]
    return bool(said) and all(said)


def _names_another(
    member: Member, tag: str, show_file: Callable[[str, str], str | None] | None
) -> bool | None:
    """Whether the member's pyproject.toml names another project at ``tag``; ``None`` when it
    says no name there."""
    from packaging.utils import canonicalize_name

    from relnox.project.former_names import pyproject_name

    path = member.version_file
    if show_file is None or path is None or path.rpartition("/")[2] != "pyproject.toml":
        return None
    text = show_file(tag, path)
    name = pyproject_name(text) if text is not None else None
    return canonicalize_name(name) != member.name if name is not None else None


def _share_roots_tags(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> None:
    """The root's bare tags also release the members whose version file names the newest tag's
    version at its commit: one tag for both (lockstep)."""
    for prefix, scores in claims.items():
        if stem(prefix) or not any(m.is_root and m.name in scores for m in members):
            continue
        version, tag = tags.by_date(groups[prefix])[0]
        for member in members:
            if (
                member.name not in scores
                and not _has_own_tags(member.name, claims)
                and tag_names_version(member, tag, version, show_file)
            ):
                scores[member.name] = 1


def _share_named_tags(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    show_file: Callable[[str, str], str | None] | None,
    tags: RepoTags,
) -> None:
    """A package no tag names (or whose own tags stopped before), whose version file names the
    version of each of the newest tags (two at least) of a prefix naming one other package,
    shares that prefix: one tag releases both (lockstep)."""
    held = {m.name: [p for p, scores in claims.items() if m.name in scores] for m in members}
    for prefix, scores in list(claims.items()):
        if not stem(prefix) or len(scores) != 1 or max(scores.values()) < 4:
            continue
        newest = [item for item in reversed(groups[prefix]) if not item[0].is_prerelease]
        newest = newest[:_TOGETHER_READ]
        if len(newest) < 2:
            continue
        for member in members:
            if member.name in scores or not (
                not held[member.name] or _stopped(held[member.name], groups, tags, newest[-1][1])
            ):
                continue
            if all(tag_names_version(member, tag, version, show_file) for version, tag in newest):
                scores[member.name] = 4


def _stopped(
    prefixes: Sequence[str],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    after: str,
) -> bool:
    """Whether every tag of ``prefixes`` was made before the tag ``after``."""
    if not tags.dates.get(after):
        return False
    made = [tags.dates.get(tag, 0) for prefix in prefixes for _v, tag in groups.get(prefix, [])]
    return bool(made) and all(0 < when < tags.dates[after] for when in made)


def _unless_anothers(
    members: Sequence[Member],
    name: str,
    prefix: str,
    claims: Mapping[str, Mapping[str, int]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> list[str]:
    """``[name]``, the package whose name ``prefix`` spells, unless its version file names none
    of the prefix's versions, its two newest contradict it, and another prefix it may own
    has its newest version named there (an npm package's tags of the same name)."""
    member = next(m for m in members if m.name == name)
    newest = list(reversed(groups[prefix]))[:CONTRADICTIONS_READ]
    if any(tag_names_version(member, tag, version, show_file) for version, tag in newest):
        return [name]
    if (
        len(newest) < 2
        or not all(  # one stray tag may be a mistake: the user decides
            tag_contradicts(member, tag, version, show_file) for version, tag in newest[:2]
        )
    ):
        return [name]
    for other, scores in claims.items():
        if other == prefix or name not in scores:
            continue
        version, tag = tags.by_date(groups[other])[0]
        if tag_names_version(member, tag, version, show_file):
            return []
    return [name]


def _has_own_tags(name: str, claims: Mapping[str, Mapping[str, int]]) -> bool:
    """Tags named after the package exist: a bare tag its file agrees with is not its own."""
    return any(scores.get(name, 0) >= 3 for scores in claims.values())


def _strays(
    members: Sequence[Member],
    owned: Mapping[str, list[str]],
    groups: Mapping[str, list[tuple[Version, str]]],
    show_file: Callable[[str, str], str | None] | None,
) -> set[str]:
    """The highest tags of a shared bare prefix that release none of its owners (no owner's
    file names the version there, one names another)."""
    found: set[str] = set()
    for prefix, group in groups.items():
        owners = [m for m in members if prefix in owned[m.name]]
        if stem(prefix) or len(owners) < 2:
            continue
        for version, tag in list(reversed(group))[:STRAYS_READ]:
            if any(tag_names_version(m, tag, version, show_file) for m in owners):
                break
            if not any(tag_contradicts(m, tag, version, show_file) for m in owners):
                break
            found.add(tag)
    return found


def _without(tags: RepoTags, strays: set[str]) -> RepoTags:
    return replace(
        tags,
        all=tuple(t for t in tags.all if t not in strays),
        merged=tags.merged - strays,
    )


def _span(tags: RepoTags, group: Sequence[tuple[Version, str]]) -> tuple[int, int]:
    """The first and last creation times of a prefix's tags (0, 0 when unknown)."""
    times = [tags.dates.get(tag, 0) for _v, tag in group]
    return (min(times), max(times)) if times and all(times) else (0, 0)


def _continues(
    newer: Sequence[tuple[Version, str]],
    older: Sequence[tuple[Version, str]],
    tags: RepoTags,
) -> bool:
    """``newer`` took over from ``older``: its newest tag came later and its top release is
    higher (final releases compared when both have some)."""
    (_, new_last), (_, old_last) = _span(tags, newer), _span(tags, older)
    return bool(new_last and old_last and new_last > old_last) and (
        top_release(newer) > top_release(older)
    )


def _another_projects(
    member: Member, prefix: str, tag: str, show_file: Callable[[str, str], str | None] | None
) -> bool:
    """Whether ``prefix`` names a directory beside ``member`` that held a project at ``tag``."""
    name = stem(prefix)
    if not name or show_file is None or name in (member.dir.lower(), member.name):
        return False
    beside = "/".join((*member.parents, name))
    return any(show_file(tag, f"{beside}/{f}") is not None for f in ("pyproject.toml", "setup.py"))


def _triggered(tags: RepoTags, tag: str) -> bool:
    """The release workflow's ``on: push: tags:`` filter fires on ``tag``."""
    return any(fires(tag, (glob,)) for glob in tags.triggers if not glob.startswith("!"))


def _follow_new_conventions(
    members: Sequence[Member],
    claims: dict[str, dict[str, int]],
    owned: dict[str, list[str]],
    groups: Mapping[str, list[tuple[Version, str]]],
    tags: RepoTags,
    show_file: Callable[[str, str], str | None] | None,
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A package whose tags changed spelling keeps the newest as its current one: a prefix it
    holds weakly or nobody holds, which continues its own (:func:`_continues`), when its
    version file names the version at the newest such tag, the release workflow fires on it
    and not on the old, or it is the only, tag-versioned package. Returns why, the doubts
    and each package's current prefix."""
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
            # it must take over from the package's current prefix, not one it left behind
            latest = max(own, key=lambda p: _span(tags, groups[p])[1])
            followed = [latest] if _continues(group, groups[latest], tags) else []
            if not followed:
                continue
            version, tag = next(
                ((v, t) for v, t in reversed(group) if not v.is_prerelease), group[-1]
            )
            if _another_projects(member, prefix, tag, show_file):
                continue
            triggered = _triggered(tags, tag) and not any(
                _triggered(tags, groups[p][-1][1]) for p in followed
            )
            # the only tag-versioned package: its backend's git describe reads the newer tags
            described = member.vcs and len(members) == 1 and not stem(prefix)
            if not (triggered or described or tag_names_version(member, tag, version, show_file)):
                if not tag_contradicts(member, tag, version, show_file):
                    old = f"{followed[0]}{{version}}"
                    doubts[member.name] = (
                        f"tags {prefix}{{version}} (newest {tag}) came after the last {old} "
                        f"tag ({groups[followed[0]][-1][1]}), but nothing says they are "
                        f"{member.name}'s; relnox keeps {old}: set tag-format = "
                        f'"{prefix}{{version}}" in its [tool.relnox] if that is the current '
                        "convention"
                    )
                continue
            # rank: the workflow fires on it, then the bare spelling, then the newest
            rank = (triggered, stem(prefix) == "", _span(tags, group)[1])
            if member.name in ranks and ranks[member.name][0] >= rank:
                continue
            ranks[member.name] = (rank, prefix, best)
            evidence = (
                "the release workflow's tag trigger fires on it"
                if triggered
                else "its backend's git describe reads them (versions from git tags)"
                if described
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
    return why, doubts, {name: rank[1] for name, rank in ranks.items()}
