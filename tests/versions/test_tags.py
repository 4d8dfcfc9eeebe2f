"""Tag names from tag-format and back."""

from __future__ import annotations

import pytest

from relnox.errors import ConfigError
from relnox.versions.tags import ParsedTag, format_tag, parse_tag


@pytest.mark.parametrize(
    ("fmt", "tag", "name", "dir", "version"),
    [
        ("v{version}", "v1.2.3", None, None, "1.2.3"),
        ("v{version}", "refs/tags/v2.0.0rc1", None, None, "2.0.0rc1"),
        ("{name}-v{version}", "cua-core-v0.1.9", "cua-core", None, "0.1.9"),
        ("{dir}-v{version}", "core-v0.1.9", None, "core", "0.1.9"),
        ("{name}/{version}", "pkg/2.0.1-alpha.0", "pkg", None, "2.0.1-alpha.0"),
        ("rel_{version_underscored}", "rel_2_1_0b3", None, None, "2.1.0b3"),
        ("rel_{version_underscored}", "rel_1_4_54", None, None, "1.4.54"),
    ],
)
def test_parse_round_trips_format(
    fmt: str, tag: str, name: str | None, dir: str | None, version: str
) -> None:
    parsed = parse_tag(fmt, tag)
    assert parsed is not None
    assert (parsed.name, parsed.dir, parsed.version) == (name, dir, version)
    again = format_tag(fmt, name=parsed.name or "", dir=parsed.dir or "", version=parsed.version)
    assert again == tag.removeprefix("refs/tags/")


def test_shapes_that_do_not_match() -> None:
    assert parse_tag("v{version}", "release-1.0") is None
    assert parse_tag("{name}-v{version}", "v1.0.0") is None
    assert parse_tag("rel_{version_underscored}", "rel_1.4.54") is None


def test_unknown_field() -> None:
    with pytest.raises(
        ConfigError, match=r"only \{name\}, \{dir\}, \{version\} and \{version_underscored\}"
    ):
        parse_tag("{package}-{version}", "a-1")


def test_a_version_without_its_dot() -> None:
    """``biopython-188`` is 1.88, ``biopython-163b`` 1.63b; a version the
    spelling cannot say back (a third number, a major past 9) is refused, naming it."""
    fmt = "biopython-{version_dotless}"
    parsed = parse_tag(fmt, "biopython-188")
    assert parsed is not None and parsed.version == "1.88"
    assert parse_tag(fmt, "biopython-163b") == ParsedTag("biopython-163b", "1.63b")
    assert format_tag(fmt, name="b", dir="b", version="1.89") == "biopython-189"
    for version in ("1.89.1", "10.1"):
        with pytest.raises(ConfigError, match=f"cannot say {version}"):
            format_tag(fmt, name="b", dir="b", version=version)
