"""The one changelog reader doctor, bump and notes share: a release heading (Markdown, reST,
a bold line, ``.. changelog::``, ``:release:``, a version over its entries) names a version or
Unreleased; its section runs to the next heading of its level or higher, outside fences."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from packaging.utils import canonicalize_name

from relnox.errors import ConfigError
from relnox.files import text_or_none
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.sources import read_text
from relnox.versions.tag_model import split_tag, stem

_ATX = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
#: reST's adornment characters (docutils' punctuation), ``#`` too: a line of them under a title
_ADORNMENT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
UNDERLINE = re.compile(rf"^(?P<char>[{re.escape(''.join(sorted(_ADORNMENT)))}])(?P=char){{2,}}\s*$")
#: underlines read under a title of any length; the others need one as long as it (reST)
_ANY_LENGTH = "=-~^*+"
#: an Unreleased section's line saying it holds nothing yet (``- *nothing yet*``)
_NOTHING_YET = re.compile(
    r"^\s*(?:[-*+]\s+)?[*_`(]*\s*(?:nothing|none|no\s+(?:notable\s+|unreleased\s+)?changes)"
    r"(?:\s+(?:yet|so\s+far))?\s*[.!]?\s*[*_`)]*\s*[.!]?\s*$",
    re.I,
)
#: a line an underline cannot make a title: a list item, a quote (``*emphasis*`` can be one)
_NO_TITLE = re.compile(r"[>|]|[-*+](?:\s|$)")
_SETEXT_LEVEL = {"=": 1, "-": 2}  # reST's other underline characters: level 3
_LINK_TARGET = re.compile(r"\]\([^)]*\)")  # [1.2.0](https://...) -> [1.2.0]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEAD_WORDS = ("release", "version", "releases", "versions")
_PUNCTUATION = "[]()*_`:,;"
UNRELEASED = "unreleased"
#: a date to be filled in: ``2026/XX/XX``, ``YYYY-MM-DD``, ``TBD``, ``Month XX 2025``, ``DD.MM.YYYY``
DATE_PLACEHOLDER = re.compile(
    r"(?:\d{4}|[XY?]{4})(?P<sep>[-/.])[XM?]{2}(?P=sep)[XDY?]{2}\b|\bTB[AD]\b"
    r"|\b[XD?]{2}(?P<sep2>[-/.])[XM?]{2}(?P=sep2)(?:\d{4}|[XY?]{4})\b"
    r"|\bmonth[ \t]+(?:XX|DD)\b,?(?:[ \t]+(?:\d{4}|YYYY)\b)?",
    re.IGNORECASE,
)
#: a status line saying the section is not released yet (``*Unreleased*``, ``Released: TBD``)
_PENDING = re.compile(
    r"^(?P<lead>\s*[*_(\[]*)(?:(?P<word>unreleased)|(?P<said>released)(?P<colon>:?[ \t]*)"
    rf"(?:not[ \t]+yet|{DATE_PLACEHOLDER.pattern}))(?P<tail>[*_)\].:]*\s*)$",
    re.I,
)


@dataclass(frozen=True)
class Heading:
    line: int  # index of the title line
    end: int  # index of the first line after the heading (after a setext underline)
    level: int
    title: str  # without its marks
    marker: str  # "#"*level for ATX headings, the underline character for setext ones

    @property
    def atx(self) -> bool:
        """A Markdown ``#`` heading: one line (a reST title adorned with ``#`` is underlined)."""
        return self.marker.startswith("#") and self.end == self.line + 1

    def spelled(self, words: str, eol: str, under: str = "") -> str:
        """``words`` as a heading like this one: after its ``#``s, or adorned as its reST title
        is (underlined by ``under``, else its character as long as the words; maybe over)."""
        if self.atx:
            return f"{self.marker} {words}"
        under = under or self.marker * len(words)
        over = f"{under}{eol}" if self.end - self.line == 3 else ""
        return f"{over}{words}{eol}{under}"


@dataclass(frozen=True)
class Section(Heading):
    label: str  # "unreleased" or the (first) version as written (without a leading v)
    heading: str
    body: str  # the text under the heading, stripped
    versions: tuple[tuple[str | None, str], ...] = ()  # each (name or None, version) it names

    @property
    def has_entries(self) -> bool:
        """Has a list item or paragraph (not a sub-heading, nor ``*nothing yet*``)."""
        lines = self.body.splitlines()
        return any(
            line.strip()
            and not _NOTHING_YET.match(line)
            and not line.lstrip().startswith("#")
            and not UNDERLINE.match(line)
            and not (i + 1 < len(lines) and underlines(lines[i + 1], line))
            for i, line in enumerate(lines)
        )


_TILDES = re.compile(r"^\s*~{3,}\s*$")


def headings(lines: list[str]) -> list[Heading]:
    """Every heading outside code fences, at Markdown's levels, or in a file using an
    underline only reST has, reST's (each style the level of its first appearance)."""
    found: list[Heading] = []
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]  # a fence opens or closes a code block; tildes under text underline
        if line.lstrip().startswith(("```", "~~~")) and (
            in_fence or not (index > 0 and lines[index - 1].strip() and _TILDES.match(line))
        ):
            in_fence = not in_fence
        elif not in_fence and (heading := _heading_at(lines, index)) is not None:
            found.append(heading)
            index = heading.end
            continue
        index += 1
    if not any(h.marker in _ADORNMENT - {"=", "-"} and not h.atx for h in found):
        return found
    styles: dict[tuple[str, bool], int] = {}
    return [
        h
        if h.atx or h.marker in READ_ONLY or h.marker == RELEASES
        else replace(h, level=styles.setdefault((h.marker, h.end - h.line == 3), len(styles) + 1))
        for h in found
    ]


def _heading_at(lines: list[str], index: int) -> Heading | None:
    line = lines[index]
    if (over := UNDERLINE.match(line)) is not None and index + 2 < len(lines):  # an overline
        title = lines[index + 1]
        framed = title.strip() and not title.startswith("#")
        under = underlines(lines[index + 2], title) if framed else None
        if under is not None and under["char"] == over["char"]:
            return Heading(index, index + 3, 0, title.strip(), over["char"])
    if (atx := _ATX.match(line)) is not None:
        return Heading(index, index + 1, len(atx["level"]), atx["title"], atx["level"])
    under = underlines(lines[index + 1], line) if index + 1 < len(lines) else None
    if under and line.strip() and not line[0].isspace() and not _NO_TITLE.match(line):
        level = _SETEXT_LEVEL.get(under["char"], 3)
        return Heading(index, index + 2, level, line.strip(), under["char"])
    if line.rstrip() == DIRECTIVE:
        return _directive(lines, index)
    if (release := _RELEASE_LINE.match(line)) is not None:
        date = f" ({release['date']})" if release["date"] else ""
        return Heading(index, index + 1, 2, release["version"] + date, RELEASES)
    if _entry_title(lines, index):
        return Heading(index, index + 1, 2, line.strip(), ALONE)
    if (dated := _DATED.match(line)) is not None:
        title = f"{dated['title']} ({dated['date']})"
        return Heading(index, index + 1, 2, title, DATED) if _release(title) else None
    if (bold := _BOLD.match(line)) is not None:
        title = f"{bold['title'].strip()}{bold['rest'].rstrip()}"
        return Heading(index, index + 1, BOLD_LEVEL, title, BOLD) if _release(title) else None
    after = index + 2 if index + 2 < len(lines) and not lines[index + 1].strip() else index + 1
    if (  # a version alone (maybe dated) opening a paragraph over a list
        (_BARE.match(line) is not None or _CHANGES_LINE.match(line) is not None)
        and (index == 0 or not lines[index - 1].strip())
        and after < len(lines)
        and re.match(r"[-*+][ \t]", lines[after]) is not None
        and _release(line.strip().rstrip(":"))
    ):
        return Heading(index, index + 1, BOLD_LEVEL, line.strip().rstrip(":"), BARE)
    return None


#: Sphinx's changelog extension: ``.. changelog::`` over ``:version: 1.19.1``
DIRECTIVE = ".. changelog::"
_OPTION = re.compile(r"^[ \t]+:(?P<name>[\w-]+):[ \t]*(?P<value>.*?)[ \t]*$")


def _directive(lines: list[str], index: int) -> Heading | None:
    """The heading a ``.. changelog::`` directive at ``lines[index]`` stands for."""
    options: dict[str, str] = {}
    end = index + 1
    while end < len(lines) and (option := _OPTION.match(lines[end])) is not None:
        options[option["name"]] = option["value"]
        end += 1
    if not (version := options.get("version", "")) or " " in version:
        return None
    released = f" ({options['released']})" if options.get("released") else ""
    return Heading(index, end, 2, version + released, DIRECTIVE)


#: Sphinx's releases extension: ``- :release:`1.2.3 <2024-01-01>``` over the entries it released
RELEASES = ":release:"
_RELEASE_LINE = re.compile(
    r"^(?P<bullet>[-*+][ \t]+):release:`(?P<version>[^\s`<]+)[ \t]*(?:<(?P<date>[^>`]*)>)?`\s*$"
)


def release_line(line: str, version: str, day: date) -> str:
    """``line``, a ``:release:`` line, as the line of ``version`` released on ``day``."""
    bullet = found["bullet"] if (found := _RELEASE_LINE.match(line)) is not None else "- "
    return f"{bullet}:release:`{version} <{day.isoformat()}>`"


#: a GNU ChangeLog's release entry: ``2025-04-24<TAB>acme 1.4.0`` over its indented items
_DATED = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})[ \t]+(?P<title>\S.*?)\s*$")
DATED = "date"

#: a version alone, or ``Version 0.9.8 -- 2025-11-28``, over its indented entries
ALONE = "indented"
_ALONE = re.compile(r"v?\d+(?:\.\d+)+[0-9A-Za-z.+-]*")


def _entry_title(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` is the line of a release over its indented entries."""
    if not (line := lines[index]).strip() or line[:1].isspace():
        return False
    if _ALONE.fullmatch(line) and _version(line) is not None:
        after = next((later for later in lines[index + 1 :] if later.strip()), "")
        return after[:1] in (" ", "\t")
    below = lines[index + 1] if index + 1 < len(lines) else ""
    return (
        line.split()[0].lower() in _LEAD_WORDS
        and (index == 0 or not lines[index - 1].strip())
        and below[:1] in (" ", "\t")
        and bool(below.strip())
        and _release(line)
    )


#: a bold line naming a release (``**Release 5.16.3** - 2026-06-15``): the lowest heading
_BOLD = re.compile(r"^\*\*(?P<title>[^*\r\n]+)\*\*(?P<rest>[^*\r\n]*)$")
BOLD, BOLD_LEVEL = "**", 7

#: a version alone (``Version 4.1.1 released 2026-04-24``) or ``Changes to 0.4.28:`` over its list
BARE = "bare"
#: the heading kinds a bump reads and never writes
READ_ONLY = frozenset({BOLD, DIRECTIVE, DATED, ALONE, BARE})
_BARE = re.compile(
    r"^(?:[Vv]ersion[ \t]+)?[vV]?\d+(?:\.\d+)+\S*"
    r"(?:[ \t]+(?:released[ \t]+)?\(?\d{4}-\d{2}-\d{2}\)?)?[ \t]*$"
)
_CHANGES_LINE = re.compile(
    r"^(?:changes\s+(?:in|for|to)|version|release)\s+\S[^\r\n]*:[ \t]*$", re.I
)


def underlines(line: str, title: str) -> re.Match[str] | None:
    if (under := UNDERLINE.match(line)) is None or under["char"] in _ANY_LENGTH:
        return under
    return under if len(line.rstrip()) >= len(title.strip()) else None


def _version(token: str) -> str | None:
    """``token`` as a version (without a leading v), if it is one; dates are not."""
    token = token.strip(_PUNCTUATION).rstrip(".")
    token = token[1:] if token[:1] in ("v", "V") else token
    usable = token[:1].isdigit() and not _DATE.match(token) and maybe_version(token) is not None
    return token if usable else None


def _is_tail(words: list[str]) -> bool:
    """What may follow ``name version``: nothing, a date, ``(date)`` or ``- text``."""
    lead = words[0] if words else ""
    dash = lead[:1] in ("(", "-", "\u2013", "\u2014", ":")
    return not words or dash or bool(_DATE.match(lead.strip("()")))


def _tag(token: str) -> tuple[str | None, str] | None:
    """A release tag's name and version (``[pkg/acme-v10.5.0]``, ``core@1.2.0``)."""
    token = token.strip(_PUNCTUATION)
    if (found := split_tag(token)) is None:
        return None
    prefix, _parsed = found
    if not re.search(r"(?:[-_/]v|@|==)\Z", prefix, re.IGNORECASE) or not stem(prefix):
        return None
    version = _version(token[len(prefix) :])
    return (stem(prefix).rsplit("/", 1)[-1], version) if version is not None else None


#: what a version heads when it titles a series' document, not a release
_TITLES = frozenset({"changelog", "change log", "changes", "release notes", "history", "news"})
#: a list number opening a heading: a step of a how-to-release guide
_STEP = re.compile(r"\d+[.)]")


def _unled(words: list[str]) -> list[str]:
    """``words`` without the lead words (``Release``, ``Version``) they open with."""
    while words and words[0].strip(_PUNCTUATION).lower() in _LEAD_WORDS:
        words = words[1:]
    return words


def _release(title: str) -> bool:
    return isinstance(parse_title(title), tuple)


def _pair(words: list[str], *, first: bool) -> tuple[str | None, str] | None:
    """``1.2.0 ...``, ``[Release] name 1.2.0 [tail]`` or ``name-v1.2.0 [tail]``."""
    led = len(_unled(words)) < len(words)
    if not (words := _unled(words)) or (_STEP.fullmatch(words[0]) and not _is_tail(words[1:])):
        return None  # none, or a numbered step of a guide
    version = _version(words[0])
    if not led and version and " ".join(words[1:]).strip(_PUNCTUATION).lower() in _TITLES:
        return None  # ``2.1 Changelog`` titles a series' releases; ``Version 2.1 Changes`` is one
    if version is not None:
        return (None, version) if first or _is_tail(words[1:]) else None
    if (tagged := _tag(words[0])) is not None:
        return tagged if _is_tail(words[1:]) else None
    rest = _unled(words[1:])
    version = _version(rest[0]) if rest else None
    if version is None or not _is_tail(rest[1:]):
        return None
    name = words[0].strip(_PUNCTUATION)
    return (name, version) if name else None


#: a version not numbered yet, its parts letters: ``X.Y.Z``, ``X.YY.Z``, ``vx.x.x``
_PLACEHOLDER = re.compile(r"[vV]?(?:[xX]+|[yY]+|[zZ]+)(?:\.(?:[xX]+|[yY]+|[zZ]+)){1,3}")

#: other names for Unreleased: ``Upcoming Release``, ``vNext``, the branch (``main``)
_UPCOMING = re.compile(
    r"to be released|not (?:released yet|yet released)|(?:in|under) development"
    r"|development version|latest(?: changes)?|master|main|trunk|head"
    r"|upcoming(?: release| changes)?|v?\(next\)|vnext|next(?: release| version)?",
    re.I,
)

#: ``Changes in Acme Kit 3.8.0``, ``What's new in 2.1``, ``Changes from 2.14.2 to 2.14.3``
_CHANGES_FROM = re.compile(r"^changes\s+from\s+v?\S+\s+to\s+(?P<new>v?\d\S*)\s*$", re.I)
_CHANGES_IN = re.compile(
    r"^(?:changes\s+(?:in|for|to)|what's\s+new\s+(?:in|for))\s+(?P<rest>\S.*)$", re.I
)


def _changes_in(rest: list[str]) -> tuple[tuple[str | None, str], ...] | str | None:
    """The label of a ``Changes in ...`` title, from the words after ``in``."""
    lowered = [w.strip(_PUNCTUATION).lower() for w in rest]
    if lowered[-2:] == ["in", "development"] or lowered == ["development"]:
        return UNRELEASED
    for index, word in enumerate(rest):
        if (version := _version(word)) is not None and _is_tail(rest[index + 1 :]):
            name = rest[:index]
            while name and name[-1].strip(_PUNCTUATION).lower() in _LEAD_WORDS:
                name = name[:-1]
            return ((" ".join(name) or None, version),)
    return None


def parse_title(title: str) -> tuple[tuple[str | None, str], ...] | str | None:
    """A heading's release label: ``"unreleased"``, the (name, version) pairs, or ``None``."""
    title = _LINK_TARGET.sub("]", title.strip())
    if not (words := title.split()):
        return None
    if (between := _CHANGES_FROM.match(title)) is not None:
        version = _version(between["new"])
        return ((None, version),) if version is not None else None
    if (changes := _CHANGES_IN.match(title)) is not None:
        return _changes_in(changes.group("rest").split())
    stripped = " ".join(w.strip(_PUNCTUATION) for w in words)
    upcoming = _UPCOMING.fullmatch(stripped) or _UPCOMING.fullmatch(" ".join(words))
    if words[0].strip(_PUNCTUATION).lower() == UNRELEASED or upcoming:
        return UNRELEASED
    if _PLACEHOLDER.fullmatch(words[0].strip(_PUNCTUATION)) and _is_tail(words[1:]):
        return UNRELEASED  # ``X.YY.Z (UNRELEASED)``, ``x.y.z``
    core = title.split("(", 1)[0] or title
    if title.startswith("[") and "]" in title:
        core = title[1 : title.index("]")]
    pairs: list[tuple[str | None, str]] = []
    for part in re.split(r",|\s(?:and|&)\s", core):
        words = part.split()
        if (pair := _pair(words, first=not pairs)) is None:
            break
        pairs.append(pair)
        if not words[-1].strip(_PUNCTUATION).endswith(pair[1]):
            break  # a tail follows the version: its comma is the date's
    return tuple(pairs) or None


def numbered_later(section: Section) -> bool:
    """An Unreleased section titled ``X.YY.Z (UNRELEASED)``: a release retitles it."""
    if section.label != UNRELEASED:
        return False
    words = section.title.split()
    return bool(words) and _PLACEHOLDER.fullmatch(words[0].strip(_PUNCTUATION)) is not None


def _body(lines: list[str], marker: str) -> str:
    """A section's text, stripped; entries indented under their release line dedented."""
    if marker in (ALONE, DATED):
        lines = [line.expandtabs() for line in lines]
        depth = min(
            (len(x) - len(x.lstrip()) for x in lines if x[:1] == " " and x.strip()), default=0
        )
        lines = [line[depth:] if line[:depth].isspace() else line for line in lines]
    return "\n".join(lines).strip()


def sections(text: str) -> list[Section]:
    """Every release section of a changelog, in file order."""
    lines = text.splitlines()
    found = headings(lines)
    result = []
    releases: list[tuple[int, int]] = []  # each release section's level and end
    for position, heading in enumerate(found):
        if (label := parse_title(heading.title)) is None:
            continue
        whole = end = next(
            (later.line for later in found[position + 1 :] if later.level <= heading.level),
            len(lines),
        )
        if isinstance(label, str):  # Unreleased over the releases: its entries end at the first
            if any(level < heading.level and heading.line < stop for level, stop in releases):
                continue  # a sub-heading of a release: not Unreleased
            below = (later for later in found[position + 1 :] if later.level > heading.level)
            end = next((h.line for h in below if h.line < end and parse_title(h.title)), end)
        else:
            releases.append((heading.level, end))
        section = Section(
            **vars(heading),
            label=label if isinstance(label, str) else label[0][1],
            heading="\n".join(lines[heading.line : heading.end]).strip(),
            body=_body(lines[heading.end : end], heading.marker),
            versions=() if isinstance(label, str) else label,
        )
        if end != whole and not section.has_entries:
            continue  # a title over the releases (``Latest changes``), none of its own
        result.append(section)
    return result


def unreleased_title(text: str) -> Heading | None:
    """The Unreleased heading, even an empty permanent one :func:`sections` does not read."""
    levels: list[int] = []  # the levels of the releases above
    for heading in headings(text.splitlines()):
        label = parse_title(heading.title)
        if label == UNRELEASED and not any(level < heading.level for level in levels):
            return heading  # not a sub-heading of a release above it
        if label is not None and label != UNRELEASED:
            levels.append(heading.level)
    return None


def _matches(section: Section, version: str, package: str | None, loose: bool = False) -> bool:
    if section.label == UNRELEASED or version.lower() == UNRELEASED:
        return section.label == version.lower()
    several = len(section.versions) > 1  # one name before a version is free text ...
    title = _LINK_TARGET.sub("]", section.title).split()[:3]  # ... but a tag's is the package's
    tagged = not several and any(_tag(word) is not None for word in title)
    if not several and _ONWARD.search(section.title) is not None:
        found, floor = maybe_version(version.removeprefix("v")), maybe_version(section.label)
        return found is not None and floor is not None and found >= floor
    return any(
        same_version(found, version.removeprefix("v"))
        and (not (several or tagged) or _named(name, package, loose=tagged and loose))
        for name, found in section.versions
    )


_ONWARD = re.compile(
    r"\d\S*\s+(?:and|or)\s+(?:newer|later|above)\b|\d\S*\s+onwards?\b", re.IGNORECASE
)


def _named(name: str | None, package: str | None, loose: bool = False) -> bool:
    """``name`` is ``package``'s; ``loose``: or its first words (``acme`` of ``acme-kit``)."""
    if name is None or package is None or canonicalize_name(name) == canonicalize_name(package):
        return True
    words, of = canonicalize_name(name).split("-"), canonicalize_name(package).split("-")
    return loose and of[: len(words)] == words


def find_section(text: str, version: str, package: str | None = None) -> Section | None:
    """The section of ``version`` (or ``"unreleased"``) of ``package`` (if it names several)."""
    found = sections(text)  # a tag naming the package exactly first:
    loose = (s for exact in (False, True) for s in found if _matches(s, version, package, exact))
    return next(loose, None)


#: a heading's note that its version is not out yet: ``Release 0.14 (in development)``
PENDING_TAIL = re.compile(
    r"\s*(?:\((?:in development|in progress|unreleased|not released yet|not yet released|"
    r"upcoming|future)\)|[-\u2013\u2014:]\s*(?:in development|unreleased|not released yet|"
    r"not yet released))\s*$",
    re.IGNORECASE,
)


def pending(text: str, version: str) -> tuple[int | None, int | None]:
    """The line indexes of ``version``'s first line when it says ``*Unreleased*`` and of its
    heading when it says it is not released yet (:data:`PENDING_TAIL`), each else ``None``."""
    section = find_section(text, version)
    if section is None or section.label == UNRELEASED:
        return None, None
    lines = text.splitlines()
    heading = section.line if PENDING_TAIL.search(lines[section.line]) else None
    if not section.body:
        return None, heading
    first = section.body.splitlines()[0]
    index = next(i for i in range(section.end, len(lines)) if lines[i].strip())
    said = lines[index].strip() == first.strip() and _PENDING.match(lines[index]) is not None
    return index if said else None, heading


def pending_newest(text: str) -> Section | None:
    """The newest section when it is one version's and not out yet: a higher release takes it."""
    newest = next(iter(sections(text)), None)
    if newest is None or newest.label == UNRELEASED or len(newest.versions) != 1:
        return None
    old = newest.versions[0][1]
    dev = (version := maybe_version(old)) is not None and version.is_devrelease
    status, heading = pending(text, old)
    return newest if dev or heading == newest.line or status is not None else None


def dated_status(line: str, day: str) -> str:
    """A :func:`pending` status line released on ``day``, in its own case and emphasis."""
    if (match := _PENDING.match(line)) is None:
        return line
    if match.group("said") is not None:  # Released: Not yet. -> Released: 2026-01-01
        tail = match.group("tail").lstrip(".:")
        return f"{match.group('lead')}{match.group('said')}{match.group('colon') or ' '}{day}{tail}"
    word = match.group("word")
    released = "RELEASED" if word.isupper() else "Released" if word[0].isupper() else "released"
    return f"{match.group('lead')}{released} {day}{match.group('tail')}"


#: a date after a heading's version, in brackets (``(2025 Des 9)``) or to the end (``- July 29``)
_BRACKETED_DATE = re.compile(r"[(\[](?P<date>[^()\[\]]*\b(?:19|20)\d\d\b[^()\[\]]*)[)\]]")
_TRAILING_DATE = re.compile(
    r"(?P<sep>\s+[-\u2013\u2014:,]?\s*)(?P<date>[^-\u2013\u2014:()\[\]]*\b(?:19|20)\d\d\b"
    r"[^()\[\]]*)$"
)


def undated(after: str) -> str:
    """``after`` (a heading's text after its version) with its date made ``YYYY-MM-DD``."""
    if (bracketed := _BRACKETED_DATE.search(after)) is not None:
        return after[: bracketed.start("date")] + "YYYY-MM-DD" + after[bracketed.end("date") :]
    if (trailing := _TRAILING_DATE.search(after)) is not None:
        return after[: trailing.start("date")] + "YYYY-MM-DD"
    return after


def line_end(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def unreleased_aside(path: Path) -> Path | None:
    """The ``CHANGELOG.unreleased.md`` the changelog names, when it holds entries."""
    aside = path.with_name(f"{path.stem}.unreleased{path.suffix}")
    named = aside.is_file() and aside.name in (text_or_none(path) or "")
    text = text_or_none(aside) if named else None
    section = find_section(text, UNRELEASED) if text is not None else None
    return aside if section is not None and section.has_entries else None


def read_section(path: Path, version: str, package: str | None = None) -> Section | None:
    return find_section(read_text(path), version, package) if path.is_file() else None


def check_heading(source: Path, template: str) -> None:
    """Refuse a ``changelog-heading`` whose headings :func:`sections` would not read back."""
    example = '"{title} - {date}" or "[{title}] - {date}"'
    for title, versions in (
        ("1.2.0", ((None, "1.2.0"),)),
        ("acme-core 1.2.0", (("acme-core", "1.2.0"),)),
        ("acme-core 1.2.0, acme-cli 0.3.0", (("acme-core", "1.2.0"), ("acme-cli", "0.3.0"))),
    ):
        heading = "## " + template.format(title=title, date="2026-01-31")
        if not (found := sections(heading + "\n\n- entry\n")) or found[0].versions != versions:
            raise ConfigError(
                f"{source}: [tool.relnox] changelog-heading {template!r} gives {heading!r}, "
                f"which doctor and release-notes would not read as the section of {title}; put "
                f"the title first (words like Release or Version may lead), like {example}"
            )
