"""The types of tag inference and how a tag prefix is scored against a package's names."""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.versions.arithmetic import maybe_version
from relnox.versions.tags import DOTLESS, UNDERSCORED, tag_regex, version_in

if TYPE_CHECKING:
    from relnox.versions.sources import VersionLocation

_SEPARATORS = "-_/@=.+"
#: a prefix's tags: each version and its tag
Group = Sequence[tuple[Version, str]]


def glob_regex(glob: str) -> str:
    """GitHub's tag filter pattern as a regular expression Python and GitLab's RE2 both read."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if char == "*":
            double = glob.startswith("**", i)
            out.append(".*" if double else "[^/]*")
            i += 2 if double else 1
            continue
        if char in "?+" and out and out[-1][-1:] not in "*?+":
            out.append(char)
        elif char == "[" and "]" in glob[i + 1 :]:
            end = glob.index("]", i + 1)
            out.append("[" + glob[i + 1 : end].replace("\\", "\\\\") + "]")
            i = end
        elif char == "\\" and i + 1 < len(glob):
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def fires(tag: str, globs: Sequence[str]) -> bool:
    """Whether a workflow's ``on: push: tags:`` filter (``!`` negating) fires on ``tag``."""
    fired = False
    for glob in globs:
        negated = glob.startswith("!")
        try:
            pattern = re.compile(glob_regex(glob[1:] if negated else glob))
        except re.error:
            continue  # a pattern GitHub would refuse says nothing
        if pattern.fullmatch(tag):
            fired = not negated
    return fired


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
        return sorted(tag for tag in self.all if tag.startswith(prefix))

    def by_date(self, group: Group) -> list[tuple[Version, str]]:
        """``group``'s tags, the most recently created first (the highest when dates tie)."""
        return sorted(group, key=lambda item: (self.dates.get(item[1], 0), item[0]), reverse=True)

    def by_prefix(self) -> dict[str, list[tuple[Version, str]]]:
        groups: dict[str, list[tuple[Version, str]]] = {}
        for tag in self.all:
            if (split := split_tag(tag)) is not None:
                groups.setdefault(split[0], []).append((split[1], tag))
        return {prefix: sorted(items) for prefix, items in groups.items()}


@dataclass(frozen=True)
class TagConvention:
    """How one package's release tags are spelled, and why relnox thinks so."""

    format: str  # for new tags; may hold {name}, {dir}, {version}
    accepts: tuple[str, ...]  # formats whose tags are this package's (format first)
    evidence: str
    inferred: bool = False
    match: str | None = None  # globs from the backend's describe command, space-separated
    regex: str | None = None  # the backend's tag_regex
    semver_pre: bool = False  # pre-releases are tagged semver style: v1.2.0-beta.4
    pre_spelling: str | None = None  # the newest pre-release tag's version, spelled so: 1.28.0.rc0
    #: a release ending in .0 is tagged without it (v2.10 for 2.10.0, beside v2.9.1)
    short_zero: bool = False

    def version_of(self, tag: str, *, name: str, dir: str) -> Version | None:
        if self.match is not None and not any(
            fnmatch.fnmatchcase(tag, glob) for glob in self.match.split(" ")
        ):
            return None
        if self.regex is not None:
            if (found := re.search(self.regex, tag)) is None:
                return None
            groups = found.groupdict()
            text = groups.get("version") or (found.group(1) if found.groups() else found.group(0))
            return maybe_version(text.removeprefix("v").removeprefix("V"))
        if not self.accepts:  # the backend's --match alone decides: any version-shaped tag
            split = split_tag(tag)
            return split[1] if split else None
        for fmt in self.accepts:
            concrete = fmt.replace("{name}", name).replace("{dir}", dir)
            if (hit := tag_regex(concrete).match(tag)) is not None:
                version = maybe_version(version_in(hit.groupdict()))
                return None if version is None else released(version)
        return None


#: the end of :attr:`TagFacts.dated` when a month's patch releases keep its month
KEEPS_MONTH = "/patch"


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
    withdrawn: frozenset[Version] = frozenset()  # released, then the files went back below
    finding: str | None = None  # ambiguous evidence: the choices and the setting that decides
    last: Version | None = None  # the last release of HEAD's line (see :func:`_measure`)
    last_tag: str | None = None
    #: a pre-release of HEAD's line above :attr:`last`: HEAD holds it, or its files are at it
    #: or past it (a beta tagged on a release branch, its version mirrored on main)
    ahead: tuple[Version, str] | None = None
    #: how releases that are their own dates are spelled (:func:`relnox.versions.next.dated_version`)
    dated: str | None = None
    #: released under another package's tags: (version, the tag that released it), the newest first
    carried: tuple[tuple[Version, str], ...] = ()
    #: no tags of its own, its files at the version they say now at each of its siblings'
    #: last bare tags (newest first): it never moved with their releases
    stayed: tuple[str, ...] = ()

    @property
    def newest(self) -> tuple[Version | None, str | None]:
        """The newest release of HEAD's line: :attr:`ahead`, else :attr:`last`."""
        return self.ahead or (self.last, self.last_tag)

    @property
    def backport(self) -> bool:
        """HEAD's line is below a release made on another branch (a maintenance branch)."""
        return self.last is not None and self.highest is not None and self.highest > self.last


def split_tag(tag: str) -> tuple[str, Version] | None:
    """``agent-v0.8.4`` -> (``agent-v``, 0.8.4); ``None`` without a version."""
    if (found := _split_from(tag, 0)) is None:
        return None
    index = len(found[0])
    # not a v marking the version (release-v2)
    v_marker = tag[index - 1] in "vV" and (index == 1 or tag[index - 2] in _SEPARATORS)
    if index > 0 and tag[index - 1].isalpha() and not v_marker:
        cut = next((i for i in range(index, len(tag)) if tag[i] in _SEPARATORS), None)
        later = _split_from(tag, cut + 1) if cut is not None else None
        # only where the name's digit makes a version longer than any release's (2.2.2.0)
        if len(found[1].release) > 3 and later is not None and 2 <= len(later[1].release) <= 3:
            return later
    return found


def _split_from(tag: str, start: int) -> tuple[str, Version] | None:
    for index, char in enumerate(tag[start:], start):
        if not char.isdigit() or (index and (tag[index - 1].isdigit() or tag[index - 1] == ".")):
            continue
        if _UNDERSCORED.fullmatch(tag, index):
            version = maybe_version(tag[index:].replace("_", "."))
            if version is not None:
                return tag[:index], version
        if _MONTH.fullmatch(tag, index):
            return None  # 2025-03: a month, never 2025.post3
        tail = tag[index:]
        cut = found.start() if (found := _SUFFIX.search(tail)) else 0  # v1.6.5rel: 1.6.5
        version = maybe_version(tail) or (maybe_version(tail[:cut]) if cut else None)
        if version is not None:
            return tag[:index], released(version)
    return None


#: a local label of letters alone (``+async``): the tag's spelling, not its version
_WORD_LABEL = re.compile(r"\+[A-Za-z]+\Z")


def released(version: Version) -> Version:
    if version.local is None or not _WORD_LABEL.search(f"+{version.local}"):
        return version
    return Version(version.public)


#: a year and a month (``2025-03``): a month, not the post release 2025.post3
_MONTH = re.compile(r"(?:19|20)\d\d-(?:0[1-9]|1[0-2])")


#: a word after a release tag's version (``v1.6.5rel``): its spelling, not its version
_SUFFIX = re.compile(r"(?<=\d)[-_.]?(?:rel|release)\Z", re.IGNORECASE)


def suffix_of(tail: str) -> str:
    """The word after a tag's version (``rel`` of ``1.6.5rel``, ``+async``), or ``""``."""
    label = _WORD_LABEL.search(tail)
    if label is not None and maybe_version(tail[: label.start()]) is not None:
        return label.group(0)
    found = _SUFFIX.search(tail)
    if found is None or not found.start() or maybe_version(tail) is not None:
        return ""
    return found.group(0) if maybe_version(tail[: found.start()]) is not None else ""


_UNDERSCORED = re.compile(r"[0-9]+(?:_[0-9]+)+(?:[A-Za-z]+[0-9]*)?")


def underscored(tail: str) -> bool:
    """Whether a tag's version part is written with underscores (``2_0_52``)."""
    return _UNDERSCORED.fullmatch(tail) is not None


#: a tag's version written with its dot dropped: ``188`` (1.88), ``163b`` (1.63b0)
DOTLESS_TAIL = re.compile(r"[0-9]{3,}(?:[A-Za-z]+[0-9]*)?")


def spelled(prefix: str, group: Group) -> str:
    """The format of a prefix's tags: the three highest's spelling when they agree, else the
    one most tags use (the newest's on a tie)."""
    tails = [tag[len(prefix) :] for _version, tag in group]
    hits = sum(
        len(v.release) == 2 and bool(DOTLESS_TAIL.fullmatch(t[len(prefix) :])) for v, t in group
    )
    if hits * 2 > len(group):  # most are versions written without their dot (acme-188)
        return prefix + DOTLESS
    kinds = [UNDERSCORED if underscored(t) else "{version}" + suffix_of(t) for t in tails]
    top = kinds[-_TOP_READ:]
    if len(top) == _TOP_READ and len(set(top)) == 1:
        return prefix + top[0]
    counts = Counter(kinds)
    most = max(counts.values(), default=0)
    newest = kinds[-1] if kinds else "{version}"
    return prefix + (newest if counts[newest] == most else max(counts, key=counts.__getitem__))


_TOP_READ = 3  # the highest tags that, all spelled one way, make it the convention


def stem(prefix: str) -> str:
    """``agent-v`` -> ``agent``; ``name==`` -> ``name``; ``v`` -> ``""``."""
    text = prefix.rstrip(_SEPARATORS)
    if text.endswith(("v", "V")) and (len(text) == 1 or text[-2] in _SEPARATORS):
        text = text[:-1]
    return text.rstrip(_SEPARATORS).lower()


def squash(text: str) -> str:
    return re.sub(r"[-_.]+", "", text.lower())


def _tokens(text: str) -> list[str]:
    return [t for t in text.lower().replace("_", "-").replace(".", "-").split("-") if t]


def names_part(prefix_stem: str, name: str) -> bool:
    """Whether ``prefix_stem`` is a run of ``name``'s words, not all of them (``workflow``)."""
    whole, part = _tokens(name), _tokens(prefix_stem)
    n = len(part)
    return 0 < n < len(whole) and any(whole[i : i + n] == part for i in range(len(whole) - n + 1))


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
    #: where in it the version is (its primary source; ``None``: pyproject.toml or tags)
    location: VersionLocation | None = None
    home: str = ""  # its directory, repo-relative ("" at the top)
    vcs: bool = False  # its version comes from its tags
    current: Version | None = None  # the version HEAD's files give it (None: from its tags)
    # directories above it holding a Go module (whose tags are the module's)
    go_modules: tuple[str, ...] = ()
    #: the name of the npm manifest beside its pyproject.toml (changesets tags it so:
    #: ``@scope/name-python@1.2.0``)
    npm_name: str = ""


def member_names(member: Member, several: bool = False) -> set[str]:
    names = {member.name, member.project_name.lower(), *filter(None, [member.npm_name.lower()])}
    if not (member.is_root and several):
        names.add(member.dir.lower())
    if member.parents:  # its path from the root: libs/genai/v4.3.5 for libs/genai
        names.add("/".join((*member.parents, member.dir)).lower())
    return names | {n.replace("-", "_") for n in names} | {n.replace("_", "-") for n in names}


def prefix_score(member: Member, prefix_stem: str, single: bool, names: set[str]) -> int:
    """How surely tags with this prefix stem are ``member``'s: 0 (not) to 4 (its name)."""
    if prefix_stem == "":
        # a tag-versioned member reads bare tags as git describe does
        return 1 if (single or member.is_root or member.vcs) else 0
    if prefix_stem in names:
        return 4
    if any(names_part(prefix_stem, n) for n in names):
        return 3
    if prefix_stem in {p.lower() for p in member.parents}:
        # ``sdk/v3.1.0`` beside ``sdk/go.mod`` tags the Go module, not ``sdk/python``
        paths = {"/".join(member.parents[: i + 1]).lower() for i in range(len(member.parents))}
        go = prefix_stem in paths and prefix_stem in {m.lower() for m in member.go_modules}
        return 0 if go else 2
    return 0
