"""relnox.artifacts.filenames: wheel and sdist names read as packaging reads them; the
plain wheel names without packaging.utils, every other one by it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import InvalidSdistFilename, InvalidWheelFilename
from packaging.utils import parse_sdist_filename as packagings_sdist
from packaging.utils import parse_wheel_filename as packagings_wheel

from relnox.artifacts import filenames
from relnox.artifacts.filenames import (
    InvalidFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)


def _packagings_wheel(name: str) -> object:
    try:
        parsed = packagings_wheel(name)
    except InvalidWheelFilename:
        return "invalid"
    return str(parsed[0]), parsed[1], parsed[2], frozenset(str(t) for t in parsed[3])


def _ours_wheel(name: str) -> object:
    try:
        return parse_wheel_filename(name)
    except InvalidFilename:
        return "invalid"


PLAIN = [
    "demo-1.0-py3-none-any.whl",
    "Demo_Core-1.0.post1-py2.py3-none-any.whl",
    "demo.pkg-2.0rc1-1-py3-none-any.whl",
    "demo-1.0-12abc-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "demo-1!1.0+local.1-cp312-abi3-win_amd64.whl",
    "demo-1.0-cp38-cp38d-macosx_10_9_universal2.whl",
]


@pytest.mark.parametrize("name", PLAIN)
def test_plain_wheel_names_are_read_without_packaging(name: str) -> None:
    assert filenames._plain_wheel(name) is not None
    assert _ours_wheel(name) == _packagings_wheel(name)


@pytest.mark.parametrize(
    "name",
    [
        "demo-1.0-py3-none-any.tar.gz",
        "demo-1.0-none-any.whl",
        "demo__x-1.0-py3-none-any.whl",
        "demo-1.0-py3-none-ANY.whl",  # packaging lower-cases tags
        "demo-notaversion-py3-none-any.whl",
        "demo-1.0-x1-py3-none-any.whl",  # a build tag starts with a digit
        "demo-1.0-3py-none-any.whl",  # an interpreter tag is an identifier
        "demo-1.0-py3..py2-none-any.whl",
        "démo-1.0-py3-none-any.whl",
        "-1.0-py3-none-any.whl",
    ],
)
def test_other_names_get_packagings_reading(name: str) -> None:
    assert filenames._plain_wheel(name) is None
    assert _ours_wheel(name) == _packagings_wheel(name)


_PIECES = st.sampled_from(
    [
        "demo",
        "Demo_x",
        "a.b",
        "__",
        "-",
        "1.0",
        "2!3",
        "rc1",
        ".post2",
        "+l",
        "1",
        "12ab",
        "py3",
        "py2.py3",
        "cp311",
        "none",
        "abi3",
        "any",
        "linux_x86_64",
        "win_amd64",
        "ANY",
        ".",
        "_",
        "é",
        ".whl",
        ".tar.gz",
        ".zip",
        "3py",
        "",
    ]
)


@settings(max_examples=4000, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join))
def test_generated_wheel_names_agree_with_packaging(name: str) -> None:
    if filenames._plain_wheel(name) is not None:  # what relnox reads itself
        assert _ours_wheel(name) == _packagings_wheel(name), name
    assert _ours_wheel(name) == _packagings_wheel(name), name


@settings(max_examples=2000, deadline=None)
@given(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._]{0,6}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}(\.[0-9]{1,2}){0,2}((a|b|rc)[0-9])?(\.post[0-9])?", fullmatch=True),
    st.lists(
        st.sampled_from(["py3", "py2", "cp311", "pp310"]), min_size=1, max_size=2, unique=True
    ),
    st.sampled_from(["none", "abi3", "cp311"]),
    st.sampled_from(["any", "linux_x86_64", "manylinux_2_17_x86_64.manylinux2014_x86_64"]),
    st.sampled_from(["", "-1", "-2b"]),
)
def test_generated_plain_wheel_names_are_read_as_packaging_reads_them(
    name: str, version: str, interpreters: list[str], abi: str, platform: str, build: str
) -> None:
    filename = f"{name}-{version}{build}-{'.'.join(interpreters)}-{abi}-{platform}.whl"
    assert _ours_wheel(filename) == _packagings_wheel(filename), filename


def _packagings_sdist(name: str) -> object:
    try:
        parsed = packagings_sdist(name)
    except InvalidSdistFilename:
        return "invalid"
    return str(parsed[0]), parsed[1]


def _ours_sdist(name: str) -> object:
    try:
        return parse_sdist_filename(name)
    except InvalidFilename:
        return "invalid"


@pytest.mark.parametrize(
    "name",
    [
        "demo-1.0.tar.gz",
        "Demo_Core-1.0.post1.zip",
        "demo-core-2!1.0rc1.tar.gz",
        "demo-1.0.tgz",
        "demo.tar.gz",
        "-1.0.tar.gz",
        "demo-x.tar.gz",
    ],
)
def test_sdist_names_are_read_as_packaging_reads_them(name: str) -> None:
    assert _ours_sdist(name) == _packagings_sdist(name)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=10).map("".join))
def test_generated_sdist_names_agree_with_packaging(name: str) -> None:
    assert _ours_sdist(name) == _packagings_sdist(name), name
