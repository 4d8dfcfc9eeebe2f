"""Dependents' requirements follow a new version and keep their shape (relnox.project.pins)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

from relnox.errors import VersionError
from relnox.project.pins import poetry_admits, rewrite_cfg_line, rewrite_requirement
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo, write


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
    """A nightly-series pin ``librmm==26.8.*,>=0.0.0a0``: the floor lets the series' nightlies
    (pre-releases) in and is no range to slide; only the pin follows (it became
    ``>=26.11.0``). A floor with a cap still slides."""
    from packaging.version import Version

    from relnox.project.pins import rewrite_pep508

    new = Version("26.11.0")
    assert rewrite_pep508("librmm==26.8.*,>=0.0.0a0", new, "here") == "librmm==26.11.*,>=0.0.0a0"
    assert rewrite_pep508("librmm>=26.8,<26.9", new, "here") == "librmm>=26.11,<26.12"


def _lockstep(root: Path, ext_pin: str, *tags: str) -> None:
    """A lockstep pair released under one tag: ``acme-ext`` requires ``ext_pin``."""
    commit(
        root,
        {
            "core/pyproject.toml": project("acme-core", tags[0][1:] if tags else "1.6.10"),
            "ext/pyproject.toml": project(
                "acme-ext", tags[0][1:] if tags else "1.6.10", requires=[ext_pin]
            ),
        },
        *tags,
        message="release",
    )


def _workspace(tmp_path: Path, settings: str = "") -> Path:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "ext"]\n\n'
        f'[tool.relnox]\nlockstep = true\ntag-format = "v{{version}}"\n{settings}',
        "core/src/acme_core/__init__.py": "",
        "ext/src/acme_ext/__init__.py": "",
    }
    return repo(tmp_path / "r", files)


def test_floors_raised_at_every_earlier_release_are_raised_again(tmp_path: Path) -> None:
    """At each release of the lockstep group the maintainers raised the members' floor on
    the group (``acme-core>=1.6.10`` at v1.6.10, ``>=1.6.11rc1`` at v1.6.11rc1): the bump to
    1.7.0 does the same, and says the rule and why; with ``pin-rule = "admit"`` (today's
    rule) the floor, which admits 1.7.0, stays."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.6.10", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11rc1", "v1.6.11rc1")
    bump = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True)
    (line,) = [line for line in bump.stdout.splitlines() if "requires acme-core" in line]
    assert "acme-ext requires acme-core>=1.7.0 (was acme-core>=1.6.11rc1)" in line
    assert "pin rule raise: it was raised to each release at v1.6.10, v1.6.11rc1" in line
    commit(root, {"core/src/acme_core/more.py": ""})
    plan = run_relnox("plan", cwd=root, check=True)
    assert "acme-ext requires acme-core>=1.6.11rc1: pin rule raise (it was raised" in plan.stdout
    settings = (root / "pyproject.toml").read_text() + 'pin-rule = "admit"\n'
    write(root, {"pyproject.toml": settings})
    today = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True)
    assert "requires acme-core" not in today.stdout


def test_floors_raised_to_a_next_majors_first_pre_release_move_its_cap(tmp_path: Path) -> None:
    """The floors raised at each release, under a cap at the next major (``>=1.6.11,<2``): a
    bump to 2.0.0a0 raises the floor to it and moves the cap to the major after."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.6.10,<2", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11,<2", "v1.6.11")
    bump = run_relnox("bump", "--dry-run", "--to", "2.0.0a0", cwd=root, check=True)
    (line,) = [line for line in bump.stdout.splitlines() if "requires acme-core" in line]
    assert "acme-ext requires acme-core>=2.0.0a0,<3 (was acme-core>=1.6.11,<2)" in line


def test_an_exact_pin_kept_on_an_older_release_is_kept(tmp_path: Path) -> None:
    """A bot keeps ``acme-core==1.6.9`` in acme-ext while the group releases 1.6.10 and
    1.6.11: the bump to 1.7.0 keeps the pin (today's rule rewrote it to ==1.7.0), and says
    why; no history (a first release) is today's rule. A pin a bot moves to each release
    after it is out (``==1.6.9`` at v1.6.10, ``==1.6.10`` at v1.6.11, then ``==1.6.11``)
    admitted only an older release at each: it is kept too (it was rewritten to ==1.7.0)."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core==1.6.9", "v1.6.10")
    _lockstep(root, "acme-core==1.6.9", "v1.6.11")
    bump = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True)
    assert "requires acme-core" not in bump.stdout
    kept = "note: acme-ext keeps acme-core==1.6.9 (pin rule keep: it stayed acme-core==1.6.9 at v1.6.10 and v1.6.11)"
    assert kept in bump.stdout
    doctor = run_relnox("doctor", cwd=root).stdout
    assert "kept (pin rule keep: it stayed acme-core==1.6.9 at v1.6.10 and v1.6.11)" in doctor
    fresh = _workspace(tmp_path / "fresh")
    _lockstep(fresh, "acme-core==1.6.9")
    first = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=fresh, check=True)
    assert "acme-ext requires acme-core==1.7.0 (was acme-core==1.6.9)" in first.stdout
    behind = _workspace(tmp_path / "behind")  # moved after each release: kept at each
    _lockstep(behind, "acme-core==1.6.9", "v1.6.10")
    _lockstep(behind, "acme-core==1.6.10", "v1.6.11")
    commit(
        behind,
        {"ext/pyproject.toml": project("acme-ext", "1.6.11", requires=["acme-core==1.6.11"])},
    )
    held = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=behind, check=True)
    assert "requires acme-core" not in held.stdout
    why = "it admitted only an older release at v1.6.10 and v1.6.11"
    assert f"note: acme-ext keeps acme-core==1.6.11 (pin rule keep: {why})" in held.stdout


def test_a_maintenance_line_reads_its_rule_at_its_own_releases(tmp_path: Path) -> None:
    """The group raised acme-ext's floor at v1.6.10 and v1.6.11; then main tagged v2.0.0a0,
    its floor left at ``>=1.0``. On the 1.6 branch, which does not hold v2.0.0a0, the bump to
    1.6.12 raises the floor again: main's pre-release is no release of this line (read as
    one, it made the history show no rule and the floor stayed)."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.6.10", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11", "v1.6.11")
    git(root, "branch", "maint")
    _lockstep(root, "acme-core>=1.0", "v2.0.0a0")
    git(root, "switch", "-q", "maint")
    bump = run_relnox("bump", "--dry-run", "--to", "1.6.12", cwd=root, check=True)
    assert "acme-ext requires acme-core>=1.6.12 (was acme-core>=1.6.11)" in bump.stdout


def test_floors_raised_at_the_last_two_releases_are_raised_though_not_before(
    tmp_path: Path,
) -> None:
    """acme-ext's floor stayed ``>=1.0`` at v1.6.9, then the maintainers raised it at v1.6.10
    and v1.6.11: the history's practice now is to raise it, so the bump to 1.6.12 does (an
    older release that did not, before the practice began, made it admit and keep it)."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.0", "v1.6.9")
    _lockstep(root, "acme-core>=1.6.10,<2", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11,<2", "v1.6.11")
    bump = run_relnox("bump", "--dry-run", "--to", "1.6.12", cwd=root, check=True)
    assert "acme-ext requires acme-core>=1.6.12,<2 (was acme-core>=1.6.11,<2)" in bump.stdout
    assert "pin rule raise: it was raised to each release at v1.6.10, v1.6.11" in bump.stdout


def test_a_range_kept_on_an_older_line_is_kept(tmp_path: Path) -> None:
    """acme-ext keeps ``acme-core>=1.5.0,<1.6`` (an older line, which neither release since
    admits) while the group releases 1.6.10 and 1.6.11: the bump to 1.7.0 keeps it, as it
    keeps an exact pin on an older release (it was rewritten to ``>=1.7.0,<1.8``); so does
    one release past the range, the range left as it was at the release before."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.5.0,<1.6", "v1.6.10")
    _lockstep(root, "acme-core>=1.5.0,<1.6", "v1.6.11")
    bump = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True)
    assert "acme-ext requires acme-core>=1.7.0" not in bump.stdout
    assert "keeps acme-core>=1.5.0,<1.6 (pin rule keep: it stayed" in bump.stdout
    # the same range admitted 1.5.3 and was left as it was at 1.6.0, the first release past
    # its cap (an extra added between): kept at 1.6.1 too (it was rewritten to >=1.6.1,<1.7)
    past = _workspace(tmp_path / "past")
    _lockstep(past, "acme-core>=1.5.0,<1.6", "v1.5.3")
    _lockstep(past, "acme-core[cli]>=1.5.0,<1.6", "v1.6.0")
    bump = run_relnox("bump", "--dry-run", "--to", "1.6.1", cwd=past, check=True)
    assert "keeps acme-core[cli]>=1.5.0,<1.6 (pin rule keep: it stayed" in bump.stdout


EXTENSIONS = ["ext1", "ext2", "ext3", "ext4"]


def _raised_floors(tmp_path: Path) -> Path:
    """A lockstep group whose four extensions' floors on the core were raised to each
    release (v1.6.10, v1.6.11)."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "ext*"]\n\n'
        '[tool.relnox]\nlockstep = true\ntag-format = "v{version}"\n',
        "core/src/acme_core/__init__.py": "",
        **{f"{n}/src/acme_{n}/__init__.py": "" for n in EXTENSIONS},
    }
    root = repo(tmp_path / "r", files)
    for version in ("1.6.10", "1.6.11"):
        members = {
            f"{n}/pyproject.toml": project(f"acme-{n}", version, requires=[f"acme-core>={version}"])
            for n in EXTENSIONS
        }
        commit(
            root, {"core/pyproject.toml": project("acme-core", version), **members}, f"v{version}"
        )
    return root


def test_plan_says_a_rule_many_requirements_share_once(tmp_path: Path) -> None:
    """A lockstep group whose four extensions' floors on the core were raised at each
    release: plan's listing says the shared rule and reason once, with the first requirement
    and the count of the others (a 73-package group printed 75 such lines under its table);
    ``-v`` and ``--json`` name each requirement."""
    names = EXTENSIONS
    root = _raised_floors(tmp_path)
    commit(root, {"core/src/acme_core/more.py": ""})
    said = "pin rule raise (it was raised to each release at v1.6.10, v1.6.11)"
    plan = run_relnox("plan", cwd=root, check=True)
    rules = [line.strip() for line in plan.stdout.splitlines() if "pin rule" in line]
    assert rules == [f"acme-ext1 requires acme-core>=1.6.11 and 3 more: {said}"]
    every = run_relnox("-v", "plan", cwd=root, check=True)
    assert [line for line in every.stdout.splitlines() if "pin rule" in line] == [
        f"  acme-{n} requires acme-core>=1.6.11: {said}" for n in names
    ]
    listed = json.loads(run_relnox("plan", "--json", cwd=root, check=True).stdout)
    assert listed["pin_rules"] == [f"acme-{n} requires acme-core>=1.6.11: {said}" for n in names]


def test_a_constant_kept_in_step_with_an_exact_pin_moves_with_it(tmp_path: Path) -> None:
    """The app pins ``acme-core==2.43.0`` and its version module says
    ``_COMPATIBLE_ACME_CORE_VERSION = '2.43.0'`` (a check keeps the two in step): releasing
    acme-core 2.44.0 moves both; a constant naming another version is left alone."""
    module = (
        "VERSION = '1.2.0'\n_COMPATIBLE_ACME_CORE_VERSION = '2.43.0'\nPROTOCOL_VERSION = '2.43.0'\n"
    )
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "app"]\n',
        "core/pyproject.toml": project("acme-core", "2.43.0"),
        "core/src/acme_core/__init__.py": "",
        "app/pyproject.toml": project(
            "acme-app",
            None,
            requires=["acme-core==2.43.0"],
            extra='[tool.hatch.version]\npath = "src/acme_app/version.py"\n',
        ),
        "app/src/acme_app/__init__.py": "",
        "app/src/acme_app/version.py": module,
    }
    root = repo(tmp_path / "r", files)
    bump = run_relnox(
        "bump", "--dry-run", "-p", "acme-core", "--to", "2.44.0", cwd=root, check=True
    )
    assert "+_COMPATIBLE_ACME_CORE_VERSION = '2.44.0'" in bump.stdout
    assert '+    "acme-core==2.44.0"' in bump.stdout or "acme-core==2.44.0" in bump.stdout
    assert "PROTOCOL_VERSION = '2.44.0'" not in bump.stdout and "+VERSION" not in bump.stdout


def test_a_requirement_newer_than_the_releases_follows_its_siblings_raised_floors(
    tmp_path: Path,
) -> None:
    """A member added after the group's last releases (its floor on the core raised once,
    at most) follows the rule its siblings' history shows: their floors were raised at
    each release, so its floor is raised too, and the line says whose history decided."""
    root = _workspace(tmp_path)
    _lockstep(root, "acme-core>=1.6.10", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11", "v1.6.11")
    members = '[tool.uv.workspace]\nmembers = ["core", "ext", "new"]\n\n'
    settings = (root / "pyproject.toml").read_text().split("\n\n", 1)[1]
    added = {
        "pyproject.toml": members + settings,
        "new/pyproject.toml": project("acme-new", "1.6.11", requires=["acme-core>=1.6.11"]),
        "new/src/acme_new/__init__.py": "",
    }
    commit(root, added)
    bump = run_relnox("bump", "--dry-run", "--to", "1.6.12", cwd=root, check=True)
    (line,) = [line for line in bump.stdout.splitlines() if "acme-new requires" in line]
    assert "acme-new requires acme-core>=1.6.12 (was acme-core>=1.6.11)" in line
    assert "acme-ext's requirement was raised to each release at v1.6.10, v1.6.11" in line


def test_a_package_outside_the_group_does_not_follow_the_group_s_raised_pins(
    tmp_path: Path,
) -> None:
    """acme-core and acme-ext share the tag ``v{version}`` and ext's pin on the core was
    raised at each release; acme-proxy, released on its own (``acme-proxy-v0.10.0``), was
    added since with a floor ``acme-core>=1.6.11``. The group's release 1.7.0 leaves the
    proxy's floor, which admits it: the group's history says how the group's pins move,
    not how a package released apart does (it was raised to >=1.7.0)."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "ext", "proxy"]\n',
        "core/src/acme_core/__init__.py": "",
        "ext/src/acme_ext/__init__.py": "",
        "proxy/src/acme_proxy/__init__.py": "",
        "proxy/pyproject.toml": project("acme-proxy", "0.9.0"),
    }
    root = repo(tmp_path / "r", files)
    _lockstep(root, "acme-core==1.6.10", "v1.6.10")
    _lockstep(root, "acme-core==1.6.11", "v1.6.11")
    proxy = {
        "proxy/pyproject.toml": project("acme-proxy", "0.10.0", requires=["acme-core>=1.6.11"])
    }
    commit(root, proxy, "acme-proxy-v0.10.0")
    bump = run_relnox("bump", "--dry-run", "-p", "acme-core", "--to", "1.7.0", cwd=root, check=True)
    assert "acme-ext requires acme-core==1.7.0" in bump.stdout
    assert "acme-proxy requires acme-core>=1.7.0" not in bump.stdout


def test_the_pin_rules_of_a_bump_read_the_files_at_tags_through_one_process(
    tmp_path: Path,
) -> None:
    """A bump reads each dependent's pyproject.toml at the target's last releases (its pin
    rule): through one ``git cat-file --batch`` (git.held), not one ``git show`` a file."""
    import os

    root = _workspace(tmp_path)
    for tag in ("v1.6.9", "v1.6.10", "v1.6.11"):
        _lockstep(root, f"acme-core>={tag[1:]}", tag)
    trace = tmp_path / "trace.log"
    env = {**os.environ, "GIT_TRACE": str(trace)}
    bump = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True, env=env)
    assert "pin rule raise: it was raised to each release at v1.6.9, v1.6.10, v1.6.11" in (
        bump.stdout
    )
    started = [line for line in trace.read_text().splitlines() if "built-in: git " in line]
    assert not [line for line in started if "built-in: git show " in line], started
    assert sum("built-in: git cat-file --batch" in line for line in started) == 1, started


def test_plan_s_pin_rules_ask_every_file_at_the_tags_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four extensions whose floors on the core were raised at each of two releases: the
    pin rules read each extension's pyproject.toml at both tags, all eight asked of git in
    one request (a 73-package workspace made 222 round trips to ``git cat-file``), and the
    rules are what they were."""
    from relnox.project.discovery import load_workspace
    from relnox.project.pins import pin_rules
    from relnox.tools import git

    names = EXTENSIONS
    root = _raised_floors(tmp_path)
    workspace = load_workspace(root)
    asked: list[list[tuple[str, str]]] = []
    real = git.Blobs._answers

    def counted(
        blobs: git.Blobs, files: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str | None]:
        asked.append(list(files))  # one request to git cat-file
        return real(blobs, files)

    monkeypatch.setattr(git.Blobs, "_answers", counted)
    rules = pin_rules(workspace, {"acme-core"})
    said = "raise (it was raised to each release at v1.6.10, v1.6.11)"
    assert rules == [(f"acme-{n} requires acme-core>=1.6.11", said) for n in names]
    assert sorted(asked[0]) == sorted(
        (f"v{v}", f"{n}/pyproject.toml") for n in names for v in ("1.6.10", "1.6.11")
    )
    assert not [batch for batch in asked[1:] if batch], asked  # nothing read one by one


def test_a_requirement_that_was_invalid_at_a_release_leaves_the_rule_to_the_others(
    tmp_path: Path,
) -> None:
    """At v1.6.9 acme-ext's pyproject.toml also held ``other =>2`` (not PEP 508, fixed
    since): the pin rule reads only acme-ext's requirement on the core at each release, so
    plan and bump say the rule the three releases give instead of failing on a file as it
    was at a tag."""
    root = _workspace(tmp_path)
    commit(
        root,
        {
            "core/pyproject.toml": project("acme-core", "1.6.9"),
            "ext/pyproject.toml": project(
                "acme-ext", "1.6.9", requires=["acme-core>=1.6.9", "other =>2"]
            ),
        },
        "v1.6.9",
    )
    _lockstep(root, "acme-core>=1.6.10", "v1.6.10")
    _lockstep(root, "acme-core>=1.6.11", "v1.6.11")
    commit(root, {"core/src/acme_core/more.py": ""})
    said = "pin rule raise (it was raised to each release at v1.6.9, v1.6.10, v1.6.11)"
    plan = run_relnox("plan", cwd=root, check=True)
    assert f"acme-ext requires acme-core>=1.6.11: {said}" in plan.stdout
    bump = run_relnox("bump", "--dry-run", "--to", "1.7.0", cwd=root, check=True)
    assert "acme-ext requires acme-core>=1.7.0 (was acme-core>=1.6.11)" in bump.stdout


def test_a_bump_s_pin_rules_ask_every_file_at_the_tags_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bump of the group whose four extensions' floors were raised at each release
    reads each extension's pyproject.toml at both tags in one request, as plan does (a
    bump of a 73-package workspace made 400 round trips, one a file), and raises them."""
    from relnox.bump import BumpOptions, plan_bump
    from relnox.project.discovery import load_workspace
    from relnox.tools import git

    root = _raised_floors(tmp_path)
    asked: list[list[tuple[str, str]]] = []
    real = git.Blobs._answers

    def counted(
        blobs: git.Blobs, files: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], str | None]:
        asked.append(list(files))  # one request to git cat-file
        return real(blobs, files)

    monkeypatch.setattr(git.Blobs, "_answers", counted)
    bump = plan_bump(load_workspace(root), BumpOptions(to="1.7.0", dry_run=True))
    wanted = {(f"v{v}", f"{n}/pyproject.toml") for n in EXTENSIONS for v in ("1.6.10", "1.6.11")}
    reading = [batch for batch in asked if wanted & set(batch)]
    assert len(reading) == 1 and wanted <= set(reading[0]), reading
    edits = "".join(edit.after.decode() for edit in bump.edits)
    assert edits.count('"acme-core>=1.7.0"') == len(EXTENSIONS)


HATCH_VERSION = '[tool.hatch.version]\npath = "app/__init__.py"\n'


def test_a_floor_a_bump_tool_also_rewrites_is_one_edit(tmp_path: Path) -> None:
    """A tool and its core library in one repository, released together: the tool's
    ``core >=1.0.0`` floor is raised at each release, and a bump-my-version search names that
    same line. The pin rewrite and the search make one edit, not a refusal to rerun."""
    cfg = (
        "[bumpversion]\ncurrent_version = 1.0.0\n\n[bumpversion:file:pyproject.toml]\n"
        "search = core >={current_version}\nreplace = core >={new_version}\n\n"
        "[bumpversion:file:core/pyproject.toml]\n"
    )
    files = {
        "pyproject.toml": project(
            "app", dynamic=True, requires=["core >=1.0.0"], extra=HATCH_VERSION
        ),
        "app/__init__.py": '__version__ = "1.0.0"\n',
        "core/pyproject.toml": project("core", "1.0.0"),
        "core/core/__init__.py": "",
        ".bumpversion.cfg": cfg,
    }
    root = repo(tmp_path / "r", files, tags=["1.0.0"])
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    assert '"core >=1.1.0"' in (root / "pyproject.toml").read_text()
    assert (root / "app/__init__.py").read_text() == '__version__ = "1.1.0"\n'
    assert 'version = "1.1.0"' in (root / "core/pyproject.toml").read_text()
    assert "current_version = 1.1.0" in (root / ".bumpversion.cfg").read_text()


def test_a_floor_raised_to_each_release_carried_under_the_root_s_tags_is_raised(
    tmp_path: Path,
) -> None:
    """The shape: a member with no tags of its own is released under the root's ``v3.x.0``
    tags at versions of its own (1.0.0, 1.1.0, 1.2.0), and the root's floor on it was raised
    to each; relnox looked for the member's tags (``part-v1.1.0``), found none and left the
    floor as it was. It reads the floor at the tags the member was released under, and so
    finds the project no member list names (``demo/``) whose version moved with it there."""
    files = {
        "pyproject.toml": project("umbrella", "3.0.0", requires=["part>=1.0.0"])
        + '\n[tool.uv.workspace]\nmembers = ["part"]\n',
        "src/umbrella/__init__.py": "",
        "part/pyproject.toml": project("part", "1.0.0"),
        "part/src/part/__init__.py": "",
        "demo/pyproject.toml": project("part-demo", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v3.0.0"])
    for minor in (1, 2):
        pyproject = project("umbrella", f"3.{minor}.0", requires=[f"part>=1.{minor}.0"])
        files = {
            "pyproject.toml": pyproject + '\n[tool.uv.workspace]\nmembers = ["part"]\n',
            "part/pyproject.toml": project("part", f"1.{minor}.0"),
            "demo/pyproject.toml": project("part-demo", f"1.{minor}.0"),
        }
        commit(root, files, f"v3.{minor}.0", message="release")
    commit(root, {"part/src/part/more.py": ""})
    bump = run_relnox("bump", "--dry-run", "-p", "part", "--part", "minor", cwd=root, check=True)
    assert "umbrella requires part>=1.3.0 (was part>=1.2.0)" in bump.stdout
    moved = "(part-demo) is not released but said each release's version at v3.0.0, v3.1.0, v3.2.0"
    assert f"{moved}, so a bump moves it with part" in bump.stdout, bump.stdout
