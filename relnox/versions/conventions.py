"""Each package's tag convention, read from the repository's own tags: prefixes scored by
how surely they name a package (:func:`relnox.versions.tag_model.prefix_score`), the tagged
commits' version files deciding between two claimants (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.versions.former_names import former_names, pyproject_name
from relnox.versions.tag_facts import (
    CONTRADICTIONS_READ,
    STRAYS_READ,
    AtTags,
    ShowFiles,
    TagReading,
    top_release,
)
from relnox.versions.tag_model import (
    Group,
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
    members: Sequence[Member], tags: RepoTags, *, default: str, show_files: ShowFiles, shared: bool
) -> dict[str, TagFacts]:
    """Each member's :class:`TagFacts`, keyed by name; ``shared``: bare tags belong to every
    package (lockstep)."""
    groups = AtTags(show_files).read_dotless(members, tags.by_prefix())
    single = len(members) == 1 or shared
    claims: dict[str, dict[str, int]] = {}  # prefix -> member -> score
    names = {m.name: member_names(m, several=len(members) > 1) for m in members}
    exact: dict[str, list[Member]] = {}
    for member in members:
        # a name or directory as written, or with its separators dropped, and its top
        # directory and its own joined (python-copilot for python/pkgs/copilot)
        joined = [f"{member.parents[0]}-{member.dir}".lower()] if member.parents else []
        spelled = [*names[member.name], *joined, *(n.replace("_", "-") for n in joined)]
        for name in dict.fromkeys([*spelled, *map(squash, spelled)]):
            exact.setdefault(name, []).append(member)
    for prefix in groups:
        prefix_stem = stem(prefix)
        key = prefix_stem if prefix_stem in exact else squash(prefix_stem)
        if prefix_stem and key in exact:  # a name or directory: nothing else competes
            claims[prefix] = {m.name: 4 for m in dict.fromkeys(exact[key])}
            continue
        for member in members:
            if score := prefix_score(member, prefix_stem, single, names[member.name]):
                claims.setdefault(prefix, {})[member.name] = score
    # a local version (0.1+private) beside packages: no tag released it
    local = {m.name for m in members if len(members) > 1 and m.current and m.current.local}
    claims = {p: {n: s for n, s in c.items() if n not in local} for p, c in claims.items()}
    claims = {prefix: scores for prefix, scores in claims.items() if scores}
    r = _Reading(show_files, members, groups, tags, claims)
    if not single:
        r.drop_roots_never_released()
        r.share_roots_tags()
        r.share_named_tags()
    for prefix in groups:
        if stem(prefix) or prefix in claims or len(members) < 2:
            continue
        # bare tags, no root: the packages whose file names a newest tag's version, or the
        # newest HEAD holds (a maintenance branch's, main's newer ones made without them)
        held = tags.by_date([item for item in groups[prefix] if item[1] in tags.merged])[:1]
        for version, tag in dict.fromkeys([*tags.by_date(groups[prefix])[:_BARE_ASKED], *held]):
            unowned = [m for m in members if not r.has_own_tags(m.name)]
            named = r.naming_each(unowned, [(version, tag)])
            confirmed = [m.name for m in named if not r.names_another(m, tag)]
            if confirmed:
                claims[prefix] = dict.fromkeys(confirmed, 1)
                break
    if len(members) == 1 and not claims:
        r.claim_confirmed_prefix(members[0])
    # a prefix a tag-format configures for one package is never inferred for another
    configured = {
        m.configured.partition("{version}")[0]: m.name
        for m in members
        if m.configured and "{version}" in m.configured
    }
    for prefix in [p for p in claims if p in configured]:
        claims[prefix] = {n: s for n, s in claims[prefix].items() if n == configured[prefix]}
        if not claims[prefix]:
            del claims[prefix]
    for prefix, scores in claims.items():
        best = max(scores.values())
        winners = [name for name, score in scores.items() if score == best]
        if best == 4 and len(winners) == 1:
            winners = r.unless_anothers(winners[0], prefix)
        if best >= 3 and len(winners) > 1:  # two packages could own it: ask the tagged commit
            named = r.naming_each([r.by_name[n] for n in winners], groups[prefix][-1:])
            confirmed = [m.name for m in named]
            if len(confirmed) > 1:  # one tag for a line released together (lockstep)
                confirmed = r.released_together(confirmed, groups[prefix])
            winners = confirmed
        elif best in (2, 3):  # a token or a parent directory: the tagged commits may say no
            winners = [
                n for n in winners if not r.every_tag_contradicts(r.by_name[n], groups[prefix])
            ]
            if best == 2 and len(winners) > 1:
                winners = r.named_by_newest(winners, groups[prefix])
        elif not stem(prefix) and len(members) == 1:  # bare tags, a folder read alone
            winners = [n for n in winners if not r.moves_apart(r.by_name[n], groups[prefix])]
        for name in winners:
            r.owned[name].append(prefix)
    owned = r.owned
    why, doubts, current = r.follow_new_conventions()
    for name, said in former_names(members, owned, groups, tags, show_files).items():
        why[name] = f"{why[name]}; {said}" if name in why else said
    owners = {prefix for prefixes in owned.values() for prefix in prefixes}
    unclaimed = [
        groups[p][-1][1] for p in sorted(groups, key=lambda p: -len(groups[p])) if p not in owners
    ]
    if strays := r.strays():
        r.tags = replace(
            tags, all=tuple(t for t in tags.all if t not in strays), merged=tags.merged - strays
        )
    facts: dict[str, TagFacts] = {}
    for member in members:
        takeover = (why.get(member.name, ""), current.get(member.name))
        fact = r.facts_of(member, owned[member.name], claims, default, unclaimed[:3], takeover)
        finding = "; ".join(filter(None, (doubts.get(member.name), fact.finding)))
        facts[member.name] = replace(fact, finding=finding or None)
    facts = r.with_new_in_a_shared_line(r.with_default_for_new(facts, default))
    return r.with_carried_releases(facts)


_BARE_ASKED = 3  # the newest bare tags asked whether they name a package's version
_PREFIXES_CONFIRMED = 3  # the most used unclaimed prefixes asked of the version file
_TOGETHER_READ = 3  # the newest tags of a prefix that every package of a line must name


@dataclass
class _Reading(TagReading):
    """:class:`TagReading` with the packages' claims on each prefix."""

    claims: dict[str, dict[str, int]]
    owned: dict[str, list[str]] = field(init=False)  # member -> the prefixes it owns
    by_name: dict[str, Member] = field(init=False)
    made: dict[str, int] = field(init=False)  # prefix -> :meth:`last_made` of its tags

    def __post_init__(self) -> None:
        super().__post_init__()
        self.by_name = {m.name: m for m in self.members}
        self.owned = {m.name: [] for m in self.members}
        self.made = {prefix: self.last_made(group) for prefix, group in self.groups.items()}

    def newest(self, prefix: str) -> tuple[Version, str]:
        return self.tags.by_date(self.groups[prefix])[0]

    def has_own_tags(self, name: str) -> bool:
        """Tags named after the package exist: a bare tag its file agrees with is not its own."""
        return any(scores.get(name, 0) >= 3 for scores in self.claims.values())

    def claim_confirmed_prefix(self, member: Member) -> None:
        """The only package, named by no tag: a most used prefix whose newest (or newest final)
        tag's version its file names, or the only spelling where it names no other."""
        if member.configured is not None:
            return
        groups = self.groups
        ordered = sorted((p for p in groups if stem(p)), key=lambda p: -len(groups[p]))
        for prefix in ordered[:_PREFIXES_CONFIRMED]:
            finals = [item for item in groups[prefix] if not item[0].is_prerelease]
            asked = dict.fromkeys([self.newest(prefix), *self.tags.by_date(finals)[:1]])
            if any(self.names(member, tag, version) for version, tag in asked):
                self.claims[prefix] = {member.name: 1}
                return
        # one spelling of every version tag where its file says no other version: its releases
        if len(ordered) == 1 and len(groups[ordered[0]]) >= 2 and not member.vcs:
            version, tag = self.newest(ordered[0])
            if not self.contradicts(member, tag, version):
                self.claims[ordered[0]] = {member.name: 1}

    def named_by_newest(self, names: Sequence[str], group: Group) -> list[str]:
        """Of the packages of a directory its tags could mark, those whose file names the
        newest tag's version, when every other one's names another there; else all of them."""
        version, tag = self.tags.by_date(group)[0]
        named = [n for n in names if self.names(self.by_name[n], tag, version)]
        others = [self.by_name[n] for n in names if n not in named]
        if named and others and all(self.contradicts(m, tag, version) for m in others):
            return named
        return list(names)

    def released_together(self, names: Sequence[str], group: Group) -> list[str]:
        """The packages of ``names`` whose files name each of the newest :data:`_TOGETHER_READ`
        tags' versions (two at least): one tag for a line released together."""
        newest = list(reversed(group))[:_TOGETHER_READ]
        if len(newest) < 2:
            return []
        return [m.name for m in self.naming_each([self.by_name[n] for n in names], newest)]

    def drop_roots_never_released(self) -> None:
        """Drop the root's claim on bare tags its file never named (an unreleased root)."""
        roots = [m for m in self.members if m.is_root]
        for prefix, scores in list(self.claims.items()):
            if stem(prefix) or set(scores) != {r.name for r in roots} or not roots:
                continue
            group = self.groups[prefix]
            if all(
                self.every_tag_contradicts(root, group) or self.every_tag_names_another(root, group)
                for root in roots
            ):
                del self.claims[prefix]

    def every_tag_names_another(self, member: Member, group: Group) -> bool:
        """At each of the newest tags whose pyproject.toml says a name, it names another."""
        newest = list(reversed(group))[:CONTRADICTIONS_READ]
        said = [s for _v, tag in newest if (s := self.names_another(member, tag)) is not None]
        return bool(said) and all(said)

    def names_another(self, member: Member, tag: str) -> bool | None:
        """Whether its pyproject.toml names another project at ``tag`` (``None``: no name)."""
        if (path := member.version_file) is None or path.rpartition("/")[2] != "pyproject.toml":
            return None
        text = self.show_files([(tag, path)])[0]
        name = pyproject_name(text) if text is not None else None
        return canonicalize_name(name) != member.name if name is not None else None

    def share_roots_tags(self) -> None:
        """The bare tags the root reads (or a member whose version is from tags, as its git
        describe does) also release the members whose file names the newest's version."""
        for prefix, scores in self.claims.items():
            readers = [m for m in self.members if (m.is_root or m.vcs) and m.name in scores]
            if stem(prefix) or not readers:
                continue
            version, tag = self.newest(prefix)
            for member in self.members:
                if (
                    member.name not in scores
                    and not self.has_own_tags(member.name)
                    and self.names(member, tag, version)
                ):
                    scores[member.name] = 1

    def share_named_tags(self) -> None:
        """A package no tag names (or whose own stopped) whose file names each of the newest
        versions of a prefix naming another package or directory (``py-1.43.2``) shares it."""
        held = {
            m.name: [p for p, scores in self.claims.items() if m.name in scores]
            for m in self.members
        }
        for prefix, scores in list(self.claims.items()):
            if not stem(prefix) or (len(scores) != 1 and max(scores.values()) >= 3):
                continue
            newest = [item for item in reversed(self.groups[prefix]) if not item[0].is_prerelease]
            newest = newest[:_TOGETHER_READ]
            if len(newest) < 2:
                continue
            free = [
                m
                for m in self.members
                if m.name not in scores
                and not (held[m.name] and not self.stopped(held[m.name], newest[-1][1]))
            ]
            for member in self.naming_each(free, newest):
                scores[member.name] = max(scores.values())

    def stopped(self, prefixes: Sequence[str], after: str) -> bool:
        """Whether every tag of ``prefixes`` was made before the tag ``after``."""
        dates = self.tags.dates
        if not dates.get(after):
            return False
        made = [dates.get(tag, 0) for p in prefixes for _v, tag in self.groups.get(p, [])]
        return bool(made) and all(0 < when < dates[after] for when in made)

    def unless_anothers(self, name: str, prefix: str) -> list[str]:
        """``[name]``, unless its file names none of ``prefix``'s versions, contradicts the two
        newest, and names another prefix's newest (an npm package's tags of the same name)."""
        member = self.by_name[name]
        newest = list(reversed(self.groups[prefix]))[:CONTRADICTIONS_READ]
        if any(self.names(member, tag, version) for version, tag in newest):
            return [name]
        # one stray tag may be a mistake: the user decides
        if len(newest) < 2 or not all(self.contradicts(member, t, v) for v, t in newest[:2]):
            return [name]
        others = [p for p, scores in self.claims.items() if p != prefix and name in scores]
        named = any(self.names(member, tag, version) for version, tag in map(self.newest, others))
        return [] if named else [name]

    def strays(self) -> set[str]:
        """The highest tags of a shared bare prefix whose version no owner's file names."""
        found: set[str] = set()
        for prefix, group in self.groups.items():
            owners = [m for m in self.members if prefix in self.owned[m.name]]
            if stem(prefix) or len(owners) < 2:
                continue
            for version, tag in list(reversed(group))[:STRAYS_READ]:
                if any(self.names(m, tag, version) for m in owners):
                    break
                if not any(self.contradicts(m, tag, version) for m in owners):
                    break
                found.add(tag)
        return found

    def last_made(self, group: Group) -> int:
        """When the last of a prefix's tags was made (0 when any date is unknown)."""
        times = [self.tags.dates.get(tag, 0) for _v, tag in group]
        return max(times) if times and all(times) else 0

    def continues(self, newer: str, older: str) -> bool:
        """Prefix ``newer`` took over from ``older``: a later newest tag, a higher top release."""
        new_last, old_last = self.made[newer], self.made[older]
        return bool(new_last and old_last and new_last > old_last) and (
            top_release(self.groups[newer]) > top_release(self.groups[older])
        )

    def another_projects(self, member: Member, prefix: str, tag: str) -> bool:
        """Whether ``prefix`` names a directory beside ``member`` holding a project at ``tag``
        (``libs/b/v``, a path from the top, names ``libs/b`` itself)."""
        own = "/".join((*member.parents, member.dir)).lower()
        if not (name := stem(prefix)) or name in (member.dir.lower(), member.name, own):
            return False
        beside = name if "/" in name else "/".join((*member.parents, name))
        files = ("pyproject.toml", "setup.py")
        return any(self.show_files([(tag, f"{beside}/{f}")])[0] is not None for f in files)

    def triggered(self, tag: str) -> bool:
        """The release workflow's ``on: push: tags:`` filter fires on ``tag``."""
        return any(fires(tag, (g,)) for g in self.tags.triggers if not g.startswith("!"))

    def follow_new_conventions(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """A package whose tags changed spelling takes a prefix that :meth:`continues` its own
        when something says they are its. Returns why, the doubts and each one's prefix."""
        groups, claims, owned = self.groups, self.claims, self.owned
        taken = {prefix for prefixes in owned.values() for prefix in prefixes}
        why: dict[str, str] = {}
        doubts: dict[str, str] = {}
        ranks: dict[str, tuple[tuple[bool, bool, int], str, int]] = {}
        for member in self.members:
            mine = owned[member.name]
            if not mine or member.configured or member.match or member.regex:
                continue
            best = max(claims[p][member.name] for p in mine)
            own = [p for p in mine if claims[p][member.name] == best]
            # a new spelling must take over from the package's current prefix, not one it left
            latest = max(own, key=self.made.__getitem__)
            for prefix, group in groups.items():
                if prefix in own or (prefix in taken and prefix not in mine):
                    continue
                if not self.continues(prefix, latest):
                    continue
                # the newest of its few newest releases that names the package's version (a
                # release commit may write the next development version already)
                finals = [(v, t) for v, t in reversed(group) if not v.is_prerelease][:STRAYS_READ]
                version, tag = next(
                    ((v, t) for v, t in finals if self.names(member, t, v)),
                    finals[0] if finals else group[-1],
                )
                if self.another_projects(member, prefix, tag):
                    continue
                old_tag = groups[latest][-1][1]
                old = f"{latest}{{version}}"
                came = f"tags {prefix}{{version}} (newest {tag}) came after the last {old} tag"
                if self.triggered(old_tag) and not self.triggered(tag):  # a slip
                    doubts[member.name] = (
                        f"{came} ({old_tag}), but no release workflow fires on them as on {old}: "
                        f"relnox keeps {old}"
                    )
                    continue
                triggered = self.triggered(tag) and not self.triggered(old_tag)
                # the only tag-versioned package: its backend's git describe reads the newer tags
                described = member.vcs and len(self.members) == 1 and not stem(prefix)
                if not (triggered or described or self.names(member, tag, version)):
                    if not self.contradicts(member, tag, version):
                        doubts[member.name] = (
                            f"{came} ({old_tag}), but nothing says they are {member.name}'s; "
                            f'relnox keeps {old}: set tag-format = "{prefix}{{version}}" in its '
                            "[tool.relnox] if that is the current convention"
                        )
                    continue
                # rank: the workflow fires on it, then the bare spelling, then the newest
                rank = (triggered, stem(prefix) == "", self.made[prefix])
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
                    f"{prefix}{{version}} is the current convention: its tags came after the "
                    f"last {old} tag ({old_tag}) and {evidence}"
                )
        for name, (_rank, prefix, best) in ranks.items():
            claims.setdefault(prefix, {})[name] = best
            if prefix not in owned[name]:
                owned[name].append(prefix)
        for name in why:
            doubts.pop(name, None)
        return why, doubts, {name: rank[1] for name, rank in ranks.items()}
