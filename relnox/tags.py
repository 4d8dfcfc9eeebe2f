"""Tag names from ``tag-format`` and back: ``{name}-v{version}``, ``{dir}-v{version}``, ``v{version}``."""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

from relnox.errors import ConfigError

_FIELDS = {
    "name": r"(?P<name>[A-Za-z0-9._-]+?)",
    "dir": r"(?P<dir>[A-Za-z0-9._-]+?)",
    "version": r"(?P<version>[0-9][0-9A-Za-z.+!_-]*)",
}


@dataclass(frozen=True)
class ParsedTag:
    tag: str
    version: str
    name: str | None = None
    dir: str | None = None


def format_tag(tag_format: str, *, name: str, dir: str, version: str) -> str:
    return tag_format.format(name=name, dir=dir, version=version)


@functools.lru_cache(maxsize=256)  # a start asks it per tag and convention: hundreds of times
def tag_regex(tag_format: str) -> re.Pattern[str]:
    pattern = ""
    for literal, field, _spec, _conv in string.Formatter().parse(tag_format):
        pattern += re.escape(literal)
        if field is not None:
            if field not in _FIELDS:
                raise ConfigError(
                    f"tag-format {tag_format!r} uses {{{field}}}; only {{name}}, {{dir}} and {{version}} exist"
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
    return ParsedTag(tag, groups["version"], groups.get("name"), groups.get("dir"))
