"""The format of a package's new tags and the tag of a version, spelled as its releases were."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from relnox.versions.arithmetic import (
    long_as_released,
    maybe_version,
    padded_like,
    spelled_like,
    to_scheme,
)
from relnox.versions.tag_model import split_tag
from relnox.versions.tags import format_tag

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.project.workspace import Package

#: the newest releases a rule read from the history looks at
RELEASES_READ = 3


def tag_format_of(pkg: Package, default: str) -> str:
    """The format of ``pkg``'s new tags: configured, inferred from its tags, or the default."""
    return pkg.tags.convention.format if pkg.tags else pkg.tag_format or default


def tag_for(pkg: Package, version: str | None, default: str) -> str:
    """The tag of ``version``, spelled as the package's tags are (``v2.11`` after ``v2.10``)."""
    text = version or pkg.version
    if (tags := pkg.tags) is not None:
        convention, parsed = tags.convention, maybe_version(text)
        # the files' version not released yet, spelled short ("2.5" after v2.4.0): v2.5.0
        fresh = parsed is not None and not parsed.is_devrelease and parsed not in tags.released
        if fresh and text == pkg.version and not convention.short_zero:
            text = long_as_released(text, tags.released, pkg.spelling(text))
        if convention.semver_pre:
            parsed = maybe_version(text)
            if parsed is not None and parsed.pre is not None and parsed.dev is None:
                text = to_scheme(parsed, "semver")
        elif convention.pre_spelling:
            text = spelled_like(text, convention.pre_spelling)
        model = tags.last_tag or tags.highest_tag
        found = split_tag(model) if model is not None else None
        if model is not None and found is not None:  # zero-padded as its tags: v24.06.01
            text = padded_like(text, model[len(found[0]) :])
        if tags.dated in ("padded", "short-padded"):  # its month and day two wide: 2026.07.04
            text = padded_like(text, "1.01.01")
        parsed = maybe_version(text) if convention.short_zero else None
        if parsed is not None and str(parsed) == text and len(parsed.release) == 3:
            text = text.removesuffix(".0")  # v2.10 for 2.10.0
    return format_tag(
        tag_format_of(pkg, default), name=pkg.name, dir=pkg.directory.name, version=text
    )


def last_releases(pkg: Package, default: str) -> list[tuple[Version, str]]:
    """``pkg``'s newest releases of HEAD's line (up to :data:`RELEASES_READ`), newest first,
    with their tags: finals, or pre-releases too where it made no final or is a pre-release;
    no dev or post-release; else the tags that carried it."""
    if (facts := pkg.tags) is None:
        return []
    if facts.carried:
        return list(facts.carried[:RELEASES_READ])
    current = maybe_version(pkg.version)
    # the release its development version leads to counts (0.3b0 beside main's 0.3b0.dev0)
    top = maybe_version(current.public.rsplit(".dev", 1)[0]) if current else None
    newest = max(filter(None, (facts.newest[0], top)), default=None)
    line = [v for v in facts.released if not (v.is_devrelease or v.is_postrelease)]
    line = [v for v in line if newest is None or v <= newest]
    finals = [v for v in line if not v.is_prerelease]
    candidate = current is not None and current.pre is not None
    last = heapq.nlargest(RELEASES_READ, line if candidate else finals or line)
    return [(v, tag_for(pkg, str(v), default)) for v in last]
