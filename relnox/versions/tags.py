"""Tag names from ``tag-format`` and back: ``{name}``, ``{dir}``, ``{version}``,
``{version_underscored}`` (``rel_1_2_0``) and ``{version_dotless}`` (``rel-188`` for 1.88)."""

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
    # the version with its dots written as underscores: rel_2_1_0b3 is 2.1.0b3
    "version_underscored": r"(?P<version_underscored>[0-9]+(?:_[0-9]+)*(?:[A-Za-z]+[0-9]*)?)",
    # the version with its dot dropped: acme-188 is 1.88 (a one-digit major, the minor)
    "version_dotless": r"(?P<version_dotless>[0-9]{2,}(?:[A-Za-z]+[0-9]*)?)",
}
UNDERSCORED = "{version_underscored}"
DOTLESS = "{version_dotless}"
_DOTLESS = re.compile(r"([0-9])([0-9]+)(.*)")


def dotless_version(text: str) -> str:
    """``188`` -> ``1.88``, ``163b`` -> ``1.63b``: the first digit is the major version."""
    found = _DOTLESS.fullmatch(text)
    return f"{found[1]}.{found[2]}{found[3]}" if found is not None else text


def dotless_spelling(version: str) -> str | None:
    """``1.89`` -> ``189``; ``None`` for a version that spelling cannot say back."""
    from relnox.versions.arithmetic import maybe_version

    parsed, spelled = maybe_version(version), version.replace(".", "")
    if parsed is None or len(parsed.release) != 2 or not 0 <= parsed.release[0] <= 9:
        return None
    return spelled if maybe_version(dotless_version(spelled)) == parsed else None


def version_in(groups: dict[str, str | None]) -> str:
    """The version a tag regex's groups give."""
    if (version := groups.get("version")) is not None:
        return version
    if (dotless := groups.get("version_dotless")) is not None:
        return dotless_version(dotless)
    return (groups.get("version_underscored") or "").replace("_", ".")


@dataclass(frozen=True)
class ParsedTag:
    tag: str
    version: str
    name: str | None = None
    dir: str | None = None


def names_no_package(tag_format: str) -> bool:
    """A format whose tags say no package's name (``v{version}``)."""
    return "{name}" not in tag_format and "{dir}" not in tag_format


def format_tag(tag_format: str, *, name: str, dir: str, version: str) -> str:
    dotless = dotless_spelling(version) if DOTLESS in tag_format else ""
    if dotless is None:
        raise ConfigError(
            f"tag-format {tag_format!r} spells a version without its dot (188 for 1.88), "
            f"which cannot say {version}; release a MAJOR.MINOR version (one digit of "
            "major), or set tag-format in [tool.relnox]"
        )
    return tag_format.format(
        name=name,
        dir=dir,
        version=version,
        version_underscored=version.replace(".", "_"),
        version_dotless=dotless,
    )


@functools.lru_cache(maxsize=256)  # a start asks it per tag and convention: hundreds of times
def tag_regex(tag_format: str) -> re.Pattern[str]:
    pattern = ""
    for literal, field, _spec, _conv in string.Formatter().parse(tag_format):
        pattern += re.escape(literal)
        if field is not None:
            if field not in _FIELDS:
                raise ConfigError(
                    f"tag-format {tag_format!r} uses {{{field}}}; only {{name}}, {{dir}}, "
                    "{version} and {version_underscored} (rel_1_2_0) or {version_dotless} "
                    "(rel-188 for 1.88) exist"
                )
            pattern += _FIELDS[field]
    return re.compile(f"^{pattern}$")


def parse_tag(tag_format: str, tag: str) -> ParsedTag | None:
    """Split ``tag`` by ``tag_format``; ``None`` if it does not have that shape."""
    tag = tag.removeprefix("refs/tags/")
    if (match := tag_regex(tag_format).match(tag)) is None:
        return None
    groups = match.groupdict()
    return ParsedTag(tag, version_in(groups), groups.get("name"), groups.get("dir"))
