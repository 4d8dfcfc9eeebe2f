"""Version arithmetic: parts, pre-release sequences, semver input and output, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import semver
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from relnox.errors import VersionError
from relnox.versions.arithmetic import (
    PARTS,
    long_as_released,
    maybe_version,
    parse_version,
    same_version,
    target_version,
    to_scheme,
)
from tests.conftest import run_relnox
from tests.shapes import git, project, repo

ATTR = '[tool.setuptools.dynamic]\nversion = {attr = "sv.__about__.__version__"}\n'


@pytest.mark.parametrize(
    ("current", "part", "pre", "pep440", "semver_form"),
    [
        ("1.2.3", "major", None, "2.0.0", "2.0.0"),
        ("1.2.3", "minor", None, "1.3.0", "1.3.0"),
        ("1.2.3", "patch", None, "1.2.4", "1.2.4"),
        ("1.2", "minor", None, "1.3", "1.3.0"),
        ("1.2.3", "minor", "rc", "1.3.0rc0", "1.3.0-rc.0"),
        ("2.0.0", "pre", "alpha", "2.0.1a0", "2.0.1-alpha.0"),  # seed 003's prerelease
        ("2.0.1-alpha.0", "pre", None, "2.0.1-alpha.1", "2.0.1-alpha.1"),  # kept as spelled
        ("2.0.1a1", "pre", "alpha", "2.0.1a2", "2.0.1-alpha.2"),
        ("2.0.1a1", "pre", "beta", "2.0.1b0", "2.0.1-beta.0"),
        ("2.0.1b3", "pre", "rc", "2.0.1rc0", "2.0.1-rc.0"),
        ("2.0.1rc2", "release", None, "2.0.1", "2.0.1"),
        ("2.0.0rc1", "major", None, "2.0.0", "2.0.0"),
        ("1.3.0a2", "minor", None, "1.3.0", "1.3.0"),
        ("1.3.1a2", "minor", None, "1.4.0", "1.4.0"),
        ("1.2.3", "dev", None, "1.2.4.dev0", "1.2.4-dev.0"),
        ("1.2.4.dev0", "dev", None, "1.2.4.dev1", "1.2.4-dev.1"),
        ("1.2.4.dev3", "pre", "rc", "1.2.4rc0", "1.2.4-rc.0"),
        ("1.2.3", "post", None, "1.2.3.post1", None),
        ("1.2.3.post1", "post", None, "1.2.3.post2", None),
        ("1!1.0", "major", None, "1!2.0", None),
        ("1.0.0-rc.1+build.5", "patch", None, "1.0.0", "1.0.0"),
        # a local label between releases (mypy's 2.4.0+dev) names the release it leads to
        ("2.4.0+dev", "minor", None, "2.4.0", "2.4.0"),
        ("2.4.0+dev", "patch", None, "2.4.0", "2.4.0"),
        ("2.4.0+dev", "major", None, "3.0.0", "3.0.0"),
        ("2.4.1+dev", "minor", None, "2.5.0", "2.5.0"),
        # any other local label (a never-released root's 0.1+private) is no dev marker
        ("0.1+private", "minor", None, "0.2", "0.2.0"),
        ("2.0+cu118", "patch", None, "2.0.1", "2.0.1"),
    ],
)
def test_parts(
    current: str, part: str, pre: str | None, pep440: str, semver_form: str | None
) -> None:
    assert target_version(current, part=part, pre=pre) == pep440
    if semver_form is None:
        with pytest.raises(VersionError, match="semver cannot express"):
            target_version(current, part=part, pre=pre, scheme="semver")
    else:
        assert target_version(current, part=part, pre=pre, scheme="semver") == semver_form


def test_a_pre_release_sequence_always_climbs() -> None:
    steps = [("pre", "alpha"), ("pre", None), ("pre", "beta"), ("pre", "rc"), ("pre", None)]
    version, seen = "0.9.0", ["0.9.0"]
    for part, label in [*steps, ("release", None), ("minor", None)]:
        version = target_version(version, part=part, pre=label)
        seen.append(version)
    assert seen == [
        "0.9.0",
        "0.9.1a0",
        "0.9.1a1",
        "0.9.1b0",
        "0.9.1rc0",
        "0.9.1rc1",
        "0.9.1",
        "0.10.0",
    ]
    assert [Version(v) for v in seen] == sorted(Version(v) for v in seen)


@pytest.mark.parametrize(
    ("current", "part", "pre", "message"),
    [
        ("1.0.0", "bogus", None, "unknown part 'bogus'; use one of major"),
        ("1.0.0", "pre", None, "add --pre alpha"),
        ("1.0.0", "pre", "gamma", "unknown pre-release label 'gamma'"),
        ("1.0.0b1", "pre", "alpha", "1.0.0a0, which is not higher than 1.0.0b1"),
        ("1.0.0", "release", None, "not higher"),
        ("1.0.0", "post", "rc", "does not combine"),
        ("one.two", "major", None, "'one.two' is not a valid version"),
    ],
)
def test_refusals(current: str, part: str, pre: str | None, message: str) -> None:
    with pytest.raises(VersionError, match=message.replace("(", r"\(").replace(".", r"\.")):
        target_version(current, part=part, pre=pre)


def test_semver_scheme_refuses_a_lower_semver_order() -> None:
    # PEP 440 sorts 1.0.1.dev0 below 1.0.1a0, semver sorts "dev" above "alpha"
    assert target_version("1.0.1.dev0", part="pre", pre="alpha") == "1.0.1a0"
    with pytest.raises(VersionError, match="does not sort above"):
        target_version("1.0.1.dev0", part="pre", pre="alpha", scheme="semver")


def test_parse_and_write_forms() -> None:
    assert parse_version("2.0.1-alpha.0") == Version("2.0.1a0")
    assert parse_version("v1.2.3") == Version("1.2.3")
    assert parse_version("1.0.0-beta") == Version("1.0.0b0")
    with pytest.raises(VersionError, match=r"pyproject\.toml: '1\.0\.0-snapshot\.x'"):
        parse_version("1.0.0-snapshot.x", "pyproject.toml")
    assert to_scheme("2.0.1a0", "semver") == "2.0.1-alpha.0"
    assert to_scheme(Version("2.0.1rc3+abc.1"), "semver") == "2.0.1-rc.3+abc.1"
    assert to_scheme("2.0.1-rc.3", "pep440") == "2.0.1rc3"
    with pytest.raises(VersionError, match="unknown version scheme"):
        to_scheme("1.0", "calver")


def test_target_version_to_and_part() -> None:
    assert target_version("1.0.0", to="1.1.0rc1") == "1.1.0rc1"
    assert target_version("1.0.0", pre="rc") == "1.0.1rc0"  # --pre alone means --part pre
    with pytest.raises(VersionError, match=r"pkg/pyproject\.toml: --to 0\.9 gives 0\.9"):
        target_version("1.0.0", to="0.9", where="pkg/pyproject.toml")
    with pytest.raises(VersionError, match="exactly one of --part"):
        target_version("1.0.0", part="minor", to="2.0")
    with pytest.raises(VersionError, match="exactly one of --part"):
        target_version("1.0.0")
    assert target_version("2.4.0+dev", to="2.4.0") == "2.4.0"  # its public version
    with pytest.raises(VersionError, match=r"2\.3\.9, which is not higher than 2\.4\.0\+dev"):
        target_version("2.4.0+dev", to="2.3.9")
    with pytest.raises(VersionError, match="not higher"):
        target_version("2.4.0+dev", to="2.4.0+cpu")


def test_a_zero_padded_calendar_version_keeps_its_widths() -> None:
    """``2026.07.22`` (a zero-padded release day) bumps to ``2026.07.23``, not PEP 440's normal
    ``2026.7.23``; ``--to`` is written as given; semver never pads."""
    assert target_version("2026.07.22", part="patch") == "2026.07.23"
    assert target_version("2026.07.22", part="minor") == "2026.08.0"
    assert target_version("2026.07.22", to="2026.08.15") == "2026.08.15"
    assert target_version("2026.07.22", to="2026.8.15") == "2026.8.15"
    assert target_version("24.01", part="minor") == "24.02"
    assert target_version("2026.07.22", part="patch", scheme="semver") == "2026.7.23"
    assert target_version("0.9.0", to="1.0.0-rc1") == "1.0.0rc1"


# -- properties ------------------------------------------------------------------------

versions = st.builds(
    lambda epoch, release, pre, post, dev: Version(
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.sampled_from([0, 0, 0, 0, 1]),
    st.lists(st.integers(0, 40), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 9)),
    st.none() | st.integers(0, 9),
    st.none() | st.integers(0, 9),
)
labels = st.sampled_from([None, "alpha", "beta", "rc"])


@settings(max_examples=400, deadline=None)
@given(current=versions, part=st.sampled_from(PARTS), label=labels)
def test_every_result_is_a_valid_strictly_greater_pep440_version(
    current: Version, part: str, label: str | None
) -> None:
    try:
        result = target_version(str(current), part=part, pre=label)
    except VersionError:
        # only these can be refused; the everyday parts always work
        assert part in ("pre", "release", "post", "dev") or label is not None
        assert (part, label) not in {("dev", None), ("post", None)}
        assert not (part in ("major", "minor", "patch") and label is None)
        return
    new = Version(result)
    assert str(new) == result
    assert new > current


@settings(max_examples=300, deadline=None)
@given(current=versions, part=st.sampled_from(PARTS), label=labels)
def test_semver_output_parses_with_semver_and_climbs(
    current: Version, part: str, label: str | None
) -> None:
    try:
        result = target_version(str(current), part=part, pre=label, scheme="semver")
    except VersionError:
        return
    parsed = semver.Version.parse(result)
    assert parse_version(result) > current
    assert str(parsed) == result


@settings(max_examples=200, deadline=None)
@given(
    major=st.integers(0, 30),
    minor=st.integers(0, 30),
    patch=st.integers(0, 30),
    part=st.sampled_from(["major", "minor", "patch"]),
)
def test_plain_semver_input_always_bumps_in_both_schemes(
    major: int, minor: int, patch: int, part: str
) -> None:
    current = f"{major}.{minor}.{patch}"
    pep440 = target_version(current, part=part)
    assert target_version(current, part=part, scheme="semver") == pep440
    assert semver.Version.parse(pep440) > semver.Version.parse(current)


def test_versions_compare_as_pep440() -> None:
    assert same_version("1.0", "1.0.0")
    assert same_version("1.0.0rc1", "1.0.0-rc.1")
    assert not same_version("1.0.1", "1.0.0")
    assert not same_version(None, "1.0.0")
    assert same_version("weird", "weird")
    assert same_version(None, None) and not same_version("1.0", None)
    assert maybe_version("1.2") == maybe_version("1.2.0") and maybe_version("x") is None


# -- the one validation: strings only, PEP 440, at most MAX_VERSION_LENGTH characters -----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.0." + "1" * 10_000, "10004 characters long"),  # a 10,000-digit segment: no int
        ("1.0+" + "a" * 300, "more than the 255 relnox accepts"),
        (1, "must be a string, not int"),
        (1.0, "must be a string, not float"),
        ("one", "'one' is not a valid PEP 440 version"),
    ],
)
def test_validate_version_refuses_with_the_limit_named(value: object, expected: str) -> None:
    from relnox.versions.arithmetic import validate_version

    with pytest.raises(VersionError) as info:
        validate_version(value, "pkg/pyproject.toml")
    message = str(info.value)
    assert message.startswith("pkg/pyproject.toml: ") and expected in message
    assert "\n" not in message and len(message) < 400  # the value is shown cut short


def test_the_limit_is_the_longest_file_name() -> None:
    from relnox.versions.arithmetic import MAX_VERSION_LENGTH, validate_version

    longest = "1." + "0" * (MAX_VERSION_LENGTH - 2)
    assert validate_version(longest, "x") == Version(longest)
    with pytest.raises(VersionError, match=f"the {MAX_VERSION_LENGTH} relnox accepts"):
        validate_version(longest + "0", "x")
    # the semver spelling (--to, a bump's input) and tags go through the same limit
    with pytest.raises(VersionError, match="characters long"):
        parse_version("1.2.3-" + "a" * 300, "--to")
    assert maybe_version("1." + "1" * 5000) is None


def test_validation_is_written_once() -> None:
    """Every module checks a version with relnox.versions.arithmetic, not a copy of its own."""
    import inspect

    import relnox.project.pyproject
    import relnox.release.tagging

    for module in (relnox.project.pyproject, relnox.release.tagging):
        assert "InvalidVersion" not in inspect.getsource(module), module.__name__


@pytest.mark.parametrize(
    ("current", "part", "pre", "new"),
    [
        ("3.2.0-rc0", "pre", None, "3.2.0-rc1"),  # a VERSION.txt and tags spelled semver
        ("3.2.0-rc0", "minor", None, "3.2.0"),
        ("1.0.0.beta2", "pre", None, "1.0.0.beta3"),
        ("1.0.0.beta2", "pre", "rc", "1.0.0.rc0"),
        ("1.0.0-Alpha.1", "pre", None, "1.0.0-Alpha.2"),
        ("1.0-pre1", "pre", None, "1.0-pre2"),
        ("1.0.0rc1", "pre", None, "1.0.0rc2"),  # normalized stays normalized
        ("1.0.0-rc1", "dev", None, "1.0.0rc2.dev0"),  # no plain pre-release: PEP 440
        ("2.0.0", "pre", "beta", "2.0.1b0"),  # nothing to follow
    ],
)
def test_a_bump_writes_the_pre_release_as_the_current_version_does(
    current: str, part: str, pre: str | None, new: str
) -> None:
    assert target_version(current, part=part, pre=pre) == new
    assert Version(new) == Version(target_version(str(Version(current)), part=part, pre=pre))


def test_a_dev_version_with_a_pre_label_is_a_pre_release_of_itself() -> None:
    """The shape: 4.4.0.dev1 is the work toward 4.4.0; --part minor gives 4.4.0, so
    --part minor --pre beta gives its beta, 4.4.0b0 (it gave 4.5.0b0, a minor past it);
    ``first`` starts a new label at 1 as a history of (4.3.0a1, b1, rc1) does."""
    from packaging.version import Version

    from relnox.versions.arithmetic import bump_version

    assert bump_version(Version("4.4.0.dev1"), "minor", "beta") == Version("4.4.0b0")
    assert bump_version(Version("4.4.0.dev1"), "patch", "rc", first=1) == Version("4.4.0rc1")
    assert bump_version(Version("4.4.0.dev1"), "major", "alpha") == Version("5.0.0a0")
    assert bump_version(Version("4.3.1"), "minor", "alpha", first=1) == Version("4.4.0a1")
    assert bump_version(Version("4.4.0a1"), "pre", "beta", first=1) == Version("4.4.0b1")
    assert bump_version(Version("4.4.0a1"), "pre") == Version("4.4.0a2")


@pytest.mark.parametrize(
    ("text", "released", "expected"),
    [
        ("0.14", ["0.12.0", "0.13.0", "0.13.4"], "0.14.0"),  # minors tagged 0.13.0
        ("0.14", ["0.13", "0.13.4"], "0.14"),  # minors tagged short
        # one ancient v0.2.3.0 among 1.12.3 and the rest: the newest decides
        ("2.0.0", ["0.2.3.0", "1.11.0", "1.12.3"], "2.0.0"),
        ("2.0", ["0.2.3.0", "1.11.0", "1.12.3"], "2.0.0"),
        # sqlite-utils, llm: minors released short (4.1, 4.2), patches long (4.2.1)
        ("4.3.0", ["4.1", "4.2", "4.2.1"], "4.3"),
        ("5.0.0", ["3.0", "4.0", "4.2", "4.2.1"], "5.0"),
        ("2.0.0", ["1.0", "1.9.6", "1.10.1"], "2.0.0"),  # Fiona: one 1.0 long ago is no habit
        ("4.3.0rc0", ["4.1", "4.2", "4.2.1"], "4.3rc0"),
        ("4.2.2", ["4.1", "4.2", "4.2.1"], "4.2.2"),  # a patch has no zero to drop
        ("4.3.0", ["4.1", "4.2.0", "4.2.1"], "4.3.0"),  # the newest minor was long
        ("1.0.0", ["0.9", "0.10"], "1.0.0"),  # no major release to follow
    ],
)
def test_a_version_is_as_long_as_the_newest_release_of_its_shape(
    text: str, released: list[str], expected: str
) -> None:
    assert long_as_released(text, map(Version, released)) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0.3.0", "0.4.0"),  # hyperopt: its own 0.3.0 says minors are written long now
        ("0.2.7", "0.4"),  # a patch says nothing of how a minor is written
        ("0.3", "0.4"),
        (None, "0.4"),
    ],
)
def test_the_version_written_now_says_how_its_shape_is_written(
    written: str | None, expected: str
) -> None:
    """hyperopt tagged its minors 0.1 and 0.2, then wrote 0.3.0 (not yet tagged): a minor
    bump from it is 0.4.0, as it writes them now; relnox gave 0.4."""
    released = map(Version, ["0.1", "0.1.2", "0.2", "0.2.7"])
    assert long_as_released("0.4.0", released, written) == expected


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["--pre", "rc"], "3.0.0-rc.0"),
        (["--part", "dev"], "3.0.0-dev.5"),
        (["--part", "patch"], "3.0.0"),
    ],
)
def test_a_version_written_as_semver_writes_it_is_bumped_in_that_spelling(
    tmp_path: Path, args: list[str], written: str
) -> None:
    _semver_spelled_bump(tmp_path, "3.0.0-dev.4", args, written)


@pytest.mark.parametrize(
    ("current", "args", "written"),
    [
        ("4.16.0rc2.dev", ["--part", "minor"], "4.16.0rc2"),  # semver writes no dev of an rc
        ("3.0.0.dev4", ["--pre", "rc"], "3.0.0rc1"),  # PEP 440's own spelling, from 1
    ],
)
def test_a_version_semver_cannot_write_or_pep_440s_own_keeps_pep_440s_spelling(
    tmp_path: Path, current: str, args: list[str], written: str
) -> None:
    _semver_spelled_bump(tmp_path, current, args, written)


def _semver_spelled_bump(tmp_path: Path, current: str, args: list[str], written: str) -> None:
    """``__version__ = "3.0.0-dev.4"`` (semver's spelling; PEP 440 says 3.0.0.dev4): the next
    version is written, tagged and named in the same spelling (``3.0.0-rc.0``, not ``3.0.0rc0``)."""
    files = {
        "pyproject.toml": project("sv", None, backend="setuptools", extra=ATTR),
        "sv/__init__.py": "",
        "sv/__about__.py": f'__version__ = "{current}"\n',
    }
    root = repo(tmp_path / "r", files, tags=["2.9.0"])
    done = run_relnox("bump", *args, "--tag", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["versions"] == {"sv": written}
    assert (root / "sv/__about__.py").read_text() == f'__version__ = "{written}"\n'
    assert git(root, "tag", "--points-at", "HEAD").split() == [written]
