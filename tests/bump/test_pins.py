"""Dependents' requirements follow a new version and keep their shape (relnox.project.pins)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

from relnox.errors import VersionError
from relnox.project.pins import poetry_admits, rewrite_cfg_line, rewrite_requirement


@pytest.mark.parametrize(
    ("text", "new", "expected"),
    [
        ("cua-core>=0.3.0,<0.4.0", "0.4.0", "cua-core>=0.4.0,<0.5.0"),  # the example
        ("cua-core>=0.3.0,<0.4.0", "0.3.7", None),  # still admitted: untouched
        ("core>=0.3.0,<0.5.0", "0.5.1", "core>=0.5.1,<0.7.0"),  # the width is kept
        ("core>=1.2,<2", "2.0.0", "core>=2.0,<3"),  # segments as written
        ("core==0.3.0", "0.4.0", "core==0.4.0"),
        ("core===0.3.0", "0.4.0", "core===0.4.0"),
        ("core==0.3.*", "0.4.0", "core==0.4.*"),
        ("core~=0.3.1", "0.4.0", "core~=0.4.0"),
        ("core~=1.2", "2.0.0", "core~=2.0"),
        ("core<0.4", "0.4.0", "core<0.5"),
        ("core<=0.4", "0.5.0", "core<=0.5.0"),
        ("core>=0.3.0,!=0.4.0", "0.4.0", "core>=0.4.0"),
        ("core>=0.3.0,<0.4.0", "0.4.0a0", "core>=0.4.0a0,<0.5.0"),  # <0.4.0 excludes 0.4.0a0
        ("core>=0.3.0,<0.4.0", "0.4.0rc1", "core>=0.4.0rc1,<0.5.0"),
        (
            "core[cli] >= 0.3, < 0.4 ; python_version >= '3.10'",
            "0.4.0",
            "core[cli] >= 0.4, < 0.5 ; python_version >= '3.10'",
        ),
        ("core (>=0.3.0,<0.4.0)", "0.4.0", "core (>=0.4.0,<0.5.0)"),
        ("core", "9.0", None),
        ("core @ file:///src/core", "9.0", None),
        # a local label is allowed only after == and ===: a bound takes the public version
        ("core>=0.1.0,<0.2.0", "0.2.0+local", "core>=0.2.0,<0.3.0"),
        ("core<=0.1", "0.2.0+ubuntu.1", "core<=0.2.0"),
        ("core~=0.1.0", "0.2.0+local", "core~=0.2.0"),
        ("core~=1.0", "2+local", "core~=2.0"),
        ("core==0.1.0", "0.2.0+local", "core==0.2.0+local"),
    ],
)
def test_pep508(text: str, new: str, expected: str | None) -> None:
    result = rewrite_requirement(text, "pep508", Version(new), "pyproject.toml")
    assert result == expected
    if result is not None:
        assert Requirement(result).specifier.contains(new, prereleases=True)


@pytest.mark.parametrize(
    ("constraint", "new", "expected"),
    [
        ("^0.3.0", "0.4.0", "^0.4.0"),
        ("^0.3.0", "0.3.9", None),
        ("^1.2", "2.0.0", "^2.0"),
        ("^1.2", "1.9.0", None),
        ("~0.3.0", "0.4.0", "~0.4.0"),
        ("~1.2.3", "1.2.9", None),
        ("0.3.0", "0.4.0", "0.4.0"),
        ("==0.3.0", "0.4.0", "==0.4.0"),
        ("0.3.*", "0.4.0", "0.4.*"),
        (">=0.3.0,<0.4.0", "0.4.0", ">=0.4.0,<0.5.0"),
        (">= 0.3.0 < 0.4.0", "0.4.0", ">=0.4.0 <0.5.0"),
        ("^0.3 || ^0.4", "0.5.0", "^0.3 || ^0.5"),
        ("^0.3 || ^0.4", "0.4.2", None),
        ("*", "3.0", None),
        ("^0.3.0", "0.4.0rc1", "^0.4.0rc1"),
        ("^0.3.0", "0.4.0+local", "^0.4.0"),
        (">=0.3.0,<0.4.0", "0.4.0+local", ">=0.4.0,<0.5.0"),
        ("0.3.0", "0.4.0+local", "0.4.0+local"),
    ],
)
def test_poetry(constraint: str, new: str, expected: str | None) -> None:
    result = rewrite_requirement(constraint, "poetry", Version(new), "pyproject.toml")
    assert result == expected
    assert poetry_admits(result or constraint, Version(new))


def test_invalid_constraints_name_the_file() -> None:
    with pytest.raises(VersionError, match=r"pkg/pyproject\.toml: invalid poetry constraint"):
        rewrite_requirement("^x.y", "poetry", Version("1.0"), "pkg/pyproject.toml")
    with pytest.raises(VersionError, match=r"pkg/pyproject\.toml: invalid version specifier"):
        rewrite_requirement("core>=1.0,<<2", "pep508", Version("3.0"), "pkg/pyproject.toml")


releases = st.lists(st.integers(0, 12), min_size=1, max_size=3).map(
    lambda parts: ".".join(map(str, parts))
)


@settings(max_examples=300, deadline=None)
@given(
    lower=releases,
    upper=releases,
    new=releases,
    pre=st.none() | st.sampled_from(["a0", "rc2"]),
    local=st.none() | st.sampled_from(["+local", "+ubuntu.1"]),
    op=st.sampled_from([">=", "==", "~=", "<", "<="]),
)
def test_a_rewritten_requirement_always_admits_the_new_version(
    lower: str, upper: str, new: str, pre: str | None, local: str | None, op: str
) -> None:
    if op == "~=" and "." not in lower:
        lower += ".0"
    text = f"core>={lower},<{upper}" if op == ">=" else f"core{op}{lower}"
    version = Version(new + (pre or "") + (local or ""))
    result = rewrite_requirement(text, "pep508", version, "p")
    final = Requirement(result or text)
    if result is None:
        assert final.specifier.contains(version, prereleases=True)
    else:
        assert final.specifier.contains(version, prereleases=True)
        assert final.name == "core"


@pytest.mark.parametrize(
    ("text", "new", "expected"),
    [
        ("core>=0.3.0,<0.4.0", "1.0.0", "core>=1.0.0,<2.0.0"),  # a cap at the next major stays one
        ("core>=1.2,<2", "2.0.0", "core>=2.0,<3"),
        ("core>=1.2,<1.3", "1.3.0", "core>=1.3,<1.4"),  # a minor cap keeps its width
    ],
)
def test_major_bump_keeps_a_next_major_cap(text: str, new: str, expected: str) -> None:
    from packaging.version import Version

    from relnox.project.pins import rewrite_pep508

    assert rewrite_pep508(text, Version(new), "here") == expected


def test_a_setup_cfg_requirement_is_rewritten_in_its_own_line_only() -> None:
    text = (
        "[options]\ninstall_requires =\n  ext~=4.0.14\n\n"
        "[options.extras_require]\ntest = ext~=4.0.14\n"
    )
    key = ("options.extras_require", "test", 0)
    assert rewrite_cfg_line(text, key, "ext~=4.0.14", "ext~=4.1.0", "setup.cfg") == (
        text.replace("test = ext~=4.0.14", "test = ext~=4.1.0")
    )
    with pytest.raises(VersionError) as info:
        rewrite_cfg_line(text, ("options", "install_requires", 1), "ext>=1", "ext>=2", "s.cfg")
    assert str(info.value) == (
        "s.cfg: 'ext>=1' is no longer in [options] install_requires; rerun the bump"
    )


def test_a_floor_beside_a_series_pin_that_admits_the_new_version_is_kept() -> None:
    """RAPIDS' ``librmm==26.8.*,>=0.0.0a0``: the floor lets the series' nightlies
    (pre-releases) in and is no range to slide; only the pin follows (it became
    ``>=26.11.0``). A floor with a cap still slides."""
    from packaging.version import Version

    from relnox.project.pins import rewrite_pep508

    new = Version("26.11.0")
    assert rewrite_pep508("librmm==26.8.*,>=0.0.0a0", new, "here") == "librmm==26.11.*,>=0.0.0a0"
    assert rewrite_pep508("librmm>=26.8,<26.9", new, "here") == "librmm>=26.11,<26.12"
