"""relnox.project.plain_requirement: every string it reads, packaging reads to the same
name; what it leaves to packaging is every other shape."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement

from relnox.project.plain_requirement import plain_name


def _packaging_name(text: str) -> str | None:
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "core",
        "core>=0.1.0",
        "core>=0.1.0,<0.2.0",
        "core >= 0.1.0 , < 0.2.0",
        "Core_Lib.x[cli,http]>=1.0",
        "core [cli] (>=1.0,<2)",
        "core==1.0.*",
        "core!=1.0.*",
        "core~=1.2",
        "core~=1.2.3rc1",
        "core==1.0a1",
        "core<2.0.dev0",
        "core>1.0.post1",
        "core==1.0.post1.dev2",
        "\tcore\t>=1\t",
    ],
)
def test_a_plain_requirement_is_read_to_packagings_name(text: str) -> None:
    assert plain_name(text) is not None
    assert plain_name(text) == _packaging_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "core; python_version < '3.11'",  # a marker
        "core @ https://example.invalid/core.whl",  # a URL
        "core>=1!2.0",  # an epoch
        "core==1.0+local",  # a local label
        "core===1.0",  # arbitrary equality
        "core>=1.0-rc1",  # a spelling PEP 440 normalizes
        "core>=v1.0",
        "core~=1",  # invalid: ~= needs two release segments
        "core<1.0.*",  # invalid: a prefix match after <
        "core==1.0.post1.*",  # invalid: a prefix match of a post-release
        "core>=1.0,",  # invalid: a trailing comma
        "core>=",  # invalid
        "core[]",  # empty extras (valid): left to packaging
        "-core",  # invalid name
        "core-",  # invalid name
        "core\n>=1.0",  # a newline
        "",
    ],
)
def test_any_other_string_is_left_to_packaging(text: str) -> None:
    assert plain_name(text) is None


_PIECES = st.sampled_from(
    [
        "core",
        "a",
        "A.b_c-d",
        "x1",
        "-",
        "_",
        ".",
        "[",
        "]",
        ",",
        "(",
        ")",
        ";",
        "@",
        " ",
        "\t",
        "\n",
        "==",
        "!=",
        "~=",
        ">=",
        "<=",
        ">",
        "<",
        "===",
        "*",
        ".*",
        "1",
        "0",
        "1.0",
        "2.3.4",
        "a1",
        "b2",
        "rc3",
        ".post1",
        ".dev0",
        "+local",
        "1!",
        "cli",
        "extra",
        "python_version",
        "'3.11'",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_whatever_it_reads_packaging_reads_to_the_same_name(text: str) -> None:
    name = plain_name(text)
    if name is not None:
        assert _packaging_name(text) == name, text


@settings(max_examples=1000, deadline=None)
@given(
    name=st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,6}[A-Za-z0-9])?", fullmatch=True),
    extras=st.lists(st.sampled_from(["cli", "http", "x_y"]), max_size=2),
    clauses=st.lists(
        st.tuples(
            st.sampled_from(["==", "!=", "~=", ">=", "<=", ">", "<"]),
            st.from_regex(
                r"[0-9]{1,2}(\.[0-9]{1,2}){0,3}((a|b|rc)[0-9])?(\.post[0-9])?(\.dev[0-9])?(\.\*)?",
                fullmatch=True,
            ),
        ),
        max_size=3,
    ),
    gap=st.sampled_from(["", " ", "\t", "  "]),
)
def test_generated_plain_requirements_agree_with_packaging(
    name: str, extras: list[str], clauses: list[tuple[str, str]], gap: str
) -> None:
    text = name + (f"[{','.join(extras)}]" if extras else "")
    text += gap + f"{gap},{gap}".join(op + gap + v for op, v in clauses)
    found = plain_name(text)
    if found is not None:
        assert _packaging_name(text) == found, text
