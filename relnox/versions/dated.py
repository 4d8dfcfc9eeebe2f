"""Versions that are the days, months or years of their releases, read from the tags' times."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter

from packaging.version import Version

from relnox.versions.tag_model import KEEPS_MONTH, Group, RepoTags

#: how a date version is spelled; ``short-``: the year's last two digits
DATE_SPELLINGS = {
    "padded": "{0.year}.{0.month:02}.{0.day:02}",
    "plain": "{0.year}.{0.month}.{0.day}",
    "compact": "{0.year}{0.month:02}{0.day:02}",  # 20260107: one number
    "short-padded": "{0:%y}.{0.month:02}.{0.day:02}",
    "short-plain": "{0:%y}.{0.month}.{0.day}",
}


def date_of(v: Version) -> date | None:
    """The day a version names (``2026.8.17``, ``26.8.17``, ``20260107``), else ``None``."""
    parts = v.release
    if len(parts) == 1 and 20000101 <= parts[0] < 21000101:
        parts = (parts[0] // 10000, parts[0] // 100 % 100, parts[0] % 100)
    if len(parts) != 3:
        return None
    year = parts[0] + (2000 if 10 <= parts[0] < 100 else 0)
    if not 2000 <= year < 2100:
        return None
    try:
        return date(year, *parts[1:])
    except (ValueError, OverflowError):  # a timestamp for a day (2026.07.20260706214220)
        return None


def _stamp(version: Version, when: int) -> str | None:
    """The :data:`STAMPS` spelling of ``version``'s fourth number when it is ``when``'s day."""
    if len(version.release) != 4 or when <= 0:
        return None
    stamp, slack = version.release[-1], DATED_SLACK / 2
    days = [utc(when + shift) for shift in (-slack, 0, slack)]
    found = (
        name for day in days for name, form in STAMPS.items() if int(form.format(day)) == stamp
    )
    return next(found, None)


#: year.month.counter versions: ``month`` with a four-digit year, ``short-month`` two
MONTH_SPELLINGS = ("month", "short-month")


def utc(when: float) -> datetime:
    return datetime.fromtimestamp(when, timezone.utc)


#: the newest final releases that must each be a date to call a package's versions dates
DATED_READ = 3
#: how far (seconds) a tag may be made from the day its version names
DATED_SLACK = 2 * 86400
#: how many days into the next month a month's release may be tagged
MONTH_LATE = 15


def _calendar(parts: tuple[int, ...], when: int, late: int = 0) -> str | None:
    """``""`` (a four-digit year) or ``"short-"`` when ``parts`` (a year, maybe a month) is
    when a tag made at ``when`` was cut (a day's slack, ``late`` days after)."""
    slack = DATED_SLACK / 2
    stamps = (when - slack, when, when + slack, when - late * 86400)
    seen = {(d.year, d.month)[: len(parts)] for d in map(utc, stamps)}
    year, *rest = parts
    if 2000 <= year < 2100 and (year, *rest) in seen:
        return ""
    return "short-" if 10 <= year < 100 and (2000 + year, *rest) in seen else None


#: a release's number then the day it was tagged (``2.2.3.261125``, ``2.2.3.20261125``)
STAMPS = {"stamp": "{0:%Y%m%d}", "short-stamp": "{0:%y%m%d}"}


def stamp_of(number: int) -> str | None:
    """The :data:`STAMPS` spelling ``number`` is a day of in (``251104``, ``20251104``)."""
    text = str(number)
    for name, form in STAMPS.items():
        try:
            day = datetime.strptime(text, form[3:-1])
        except ValueError:
            continue
        if form.format(day) == text and 2000 <= day.year < 2100:
            return name
    return None


def spelling_of(finals: Group, tags: RepoTags) -> str | None:
    """The spelling of dates when the newest releases are the days they were tagged."""
    if not (newest := heapq.nlargest(DATED_READ, finals)):
        return None
    stamps = {_stamp(version, tags.dates.get(tag, 0)) for version, tag in newest}
    if len(newest) > 1 and len(stamps) == 1 and None not in stamps:
        return stamps.pop()
    for version, tag in newest:
        day = date_of(version)
        when = tags.dates.get(tag, 0)
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) if day else None
        if noon is None or when <= 0 or abs(when - noon.timestamp()) > DATED_SLACK:
            return _monthly(newest, tags, finals) or _yearly(finals, tags, newest)
    if len(newest[0][0].release) == 1:
        return "compact"  # one number: 20260107
    short = newest[0][0].release[0] < 100  # 25.11.29
    kinds = [n for n in DATE_SPELLINGS if n != "compact" and n.startswith("short-") == short]
    for version, tag in sorted(finals, reverse=True):  # the newest whose month or day < 10
        if (day := date_of(version)) is None or (version.release[0] < 100) != short:
            continue
        written = {name: DATE_SPELLINGS[name].format(day) for name in kinds}
        spelling = next((name for name, text in written.items() if tag.endswith(text)), None)
        if len(set(written.values())) > 1 and spelling is not None:
            return spelling
    return kinds[0]


def _monthly(newest: Group, tags: RepoTags, finals: Group = ()) -> str | None:
    """``month`` or ``short-month`` (``/1``: from 1) when the newest are their tag's month's."""
    everyone = [(v, t) for v, t in [*newest, *finals] if len(v.release) == 3]
    if any(len(v.release) != 3 or not 1 <= v.release[1] <= 12 for v, _tag in newest):
        return None
    if not any(2000 <= v.release[0] < 2100 or 10 <= v.release[0] < 100 for v, _t in everyone):
        return None  # no year to be the one a tag was made in: none is a month's
    firsts: dict[tuple[int, ...], int] = {}  # each month's first count, as released
    for version, _tag in everyone:
        month = version.release[:2]
        firsts[month] = min(version.release[2], firsts.get(month, version.release[2]))
    # the newest releases say the scheme; a month's later release (a patch) may be older
    counted, kinds = 0, set()
    for version, tag in sorted(dict(everyone).items(), key=itemgetter(0), reverse=True):
        when = tags.dates.get(tag, 0)
        kind = _calendar(version.release[:2], when, MONTH_LATE) if when > 0 else None
        if kind is None and version.release[2] > firsts[version.release[:2]]:
            continue
        if kind is None:
            return None
        kinds.add(kind)
        counted += 1
        if counted == len(newest):
            break
    if len(kinds) != 1 or counted < 2:
        return None
    newest_month = max(v.release[:2] for v, _tag in newest)
    spelling = kinds.pop() + "month" + ("/1" if firsts[newest_month] == 1 else "")
    return spelling + (KEEPS_MONTH if _keeps_month(everyone, firsts, tags) else "")


def _keeps_month(releases: Group, firsts: Mapping[tuple[int, ...], int], tags: RepoTags) -> bool:
    """Whether a month's patch release was tagged over :data:`MONTH_LATE` days after it ended."""
    for version, tag in releases:
        when = tags.dates.get(tag, 0)
        if when <= 0 or version.release[2] == firsts.get(version.release[:2]):
            continue
        year, month = version.release[0], version.release[1]
        year += 2000 if year < 100 else 0
        if not 1 <= month <= 12 or not 2000 <= year < 2100:
            continue
        ended = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
        if utc(when) > ended + timedelta(days=MONTH_LATE):
            return True
    return False


def _yearly(finals: Group, tags: RepoTags, newest: Group) -> str | None:
    """``year`` or ``short-year`` (``short-year/3/1``) when the newest are their tag's year's."""
    lengths = {len(v.release) for v, _tag in newest}
    if len(newest) < 2 or len(lengths) != 1 or not 2 <= min(lengths) <= 3:
        return None
    kinds = set()
    for version, tag in newest:
        when = tags.dates.get(tag, 0)
        kinds.add(_calendar(version.release[:1], when) if when > 0 else None)
    if len(kinds) != 1 or None in kinds:
        return None
    firsts: dict[int, int] = {}  # each year's first count, as tagged
    for version, _tag in finals:
        if len(version.release) >= 2:
            year, count = version.release[:2]
            firsts[year] = min(count, firsts.get(year, count))
    years = sorted(firsts)[1:]  # the project's first year may start anywhere
    if not years or not {firsts[y] for y in years} <= {0, 1}:
        return None  # a count that does not restart with the year: no calendar
    return f"{kinds.pop()}year/{min(lengths)}/{firsts[years[-1]]}"
