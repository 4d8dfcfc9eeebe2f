"""relnox.artifacts.filenames: packaging's reading, its tags as strings, its refusals as
InvalidFilename with packaging's message."""

from __future__ import annotations

import pytest
from packaging.version import Version

from relnox.artifacts.filenames import (
    InvalidFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)


def test_a_wheel_name_reads_to_its_name_version_build_and_tags() -> None:
    assert parse_wheel_filename("Demo_Core-1.0-12abc-py2.py3-none-any.whl") == (
        "demo-core",
        Version("1.0"),
        (12, "abc"),
        frozenset({"py2-none-any", "py3-none-any"}),
    )


def test_an_sdist_name_reads_to_its_name_and_version() -> None:
    assert parse_sdist_filename("Demo_Core-1.0.post1.zip") == ("demo-core", Version("1.0.post1"))


@pytest.mark.parametrize(
    "name", ["demo-1.0-none-any.whl", "demo__x-1.0-py3-none-any.whl", "demo-x-py3-none-any.whl"]
)
def test_a_bad_wheel_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidFilename, match="Invalid"):
        parse_wheel_filename(name)


@pytest.mark.parametrize("name", ["demo-1.0.tgz", "demo.tar.gz", "demo-x.tar.gz"])
def test_a_bad_sdist_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidFilename, match="Invalid sdist filename"):
        parse_sdist_filename(name)
