"""Tag names from ``tag-format`` and back: ``{name}-v{version}``, ``{dir}-v{version}``,
``v{version}``, ``rel_{version_underscored}`` (``rel_1_2_0``)."""

from __future__ import annotations

import functools
import re
import string

from relnox._records import dataclass
from relnox.errors import ConfigError

_FIELDS = {
    "name": r"(?P<name>[A-Za-z0-9._-]+?)",
    "dir": r"(?P<dir>[A-Za-z0-9._-]+?)",
    "version": r"(?P<version>[0-9][0-9A-Za-z.+!_-]*)",
    # the version with its dots written as underscores: rel_2_1_0b3 is 2.1.0b3
    "version_underscored": r"(?P<version_underscored>[0-9]+(?:_[0-9]+)*(?:[A-Za-z]+[0-9]*)?)",
}
UNDERSCORED = "{version_underscored}"


def version_in(groups: dict[str, str | None]) -> str:
    """The version a tag regex's groups give (``2_1_0b3`` read as ``2.1.0b3``)."""
    version = groups.get("version")
    if version is not None:
        return version
    return (groups.get("version_underscored") or "").replace("_", ".")


@dataclass(frozen=True)
class ParsedTag:
    tag: str
    version: str
    name: str | None = None
    dir: str | None = None


def format_tag(tag_format: str, *, name: str, dir: str, version: str) -> str:
    underscored = version.replace(".", "_")
    return tag_format.format(name=name, dir=dir, version=version, version_underscored=underscored)


@functools.lru_cache(maxsize=256)  # a start asks it per tag and convention: hundreds of times
def tag_regex(tag_format: str) -> re.Pattern[str]:
    pattern = ""
    for literal, field, _spec, _conv in string.Formatter().parse(tag_format):
        pattern += re.escape(literal)
        if field is not None:
            if field not in _FIELDS:
                raise ConfigError(
                    f"tag-format {tag_format!r} uses {{{field}}}; only {{name}}, {{dir}}, "
                    "{version} and {version_underscored} (rel_1_2_0) exist"
                )
            pattern += _FIELDS[field]
    return re.compile(f"^{pattern}$")


def parse_tag(tag_format: str, tag: str) -> ParsedTag | None:
    """Split ``tag`` by ``tag_format``; ``None`` if it does not have that shape."""
    tag = tag.removeprefix("refs/tags/")
    match = tag_regex(tag_format).match(tag)
    if match is None:
        return None
    groups = match.groupdict()
    return ParsedTag(tag, version_in(groups), groups.get("name"), groups.get("dir"))
