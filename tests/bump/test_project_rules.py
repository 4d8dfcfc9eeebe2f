"""A scheme's own rules, read from its history: its arithmetic, its spelling, its tags,
every copy of its version, its changelog's order. Each shape as a real repository."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

DAY = date(2026, 11, 25)

TAG_VERSIONED = project(
    "calpad", None, backend="hatch-vcs", extra='[tool.hatch.version]\nsource = "vcs"\n'
)


def _on(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """The commits and tags that follow are made on ``day`` (``2024-06-10``)."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T12:00:00+00:00")
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T12:00:00+00:00")


def _released(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str],
    releases: list[tuple[str, str]],
    pyproject: object = None,
) -> Path:
    """A repository whose releases (``(day, tag)``) were each tagged on their day; with
    ``pyproject`` (a function of the version), each release commit writes its version."""
    _on(monkeypatch, "2024-01-05")
    root = repo(tmp_path / "r", files)
    for day, tag in releases:
        _on(monkeypatch, day)
        version = tag.lstrip("v")
        written = {"pyproject.toml": pyproject(version)} if callable(pyproject) else {}
        commit(root, written, tag)
    _on(monkeypatch, "2024-08-25")
    commit(root, {"README.md": "work since the release\n"})
    return root


def test_zero_padded_calendar_tags_are_written_in_their_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``v24.06.00`` (YY.MM.PP) on a package versioned by its tags: the backend reads it
    as 24.6.0, and the next tag is spelled as the history spells them, ``v24.06.01`` (its
    patches keep their month: ``v24.04.01`` of late May) and this month's ``v26.11.00``,
    never ``v24.6.1``; the versions compare as PEP 440's."""
    releases = [("2024-02-10", "v24.02.00"), ("2024-04-10", "v24.04.00")]
    releases += [("2024-05-29", "v24.04.01"), ("2024-06-10", "v24.06.00")]
    root = _released(tmp_path, monkeypatch, {"pyproject.toml": TAG_VERSIONED}, releases)
    ws = load_workspace(root)
    assert ws.packages[0].version == "24.6.0"
    patch = plan_bump(ws, BumpOptions(part="patch", tag=True, commit=True, today=DAY))
    assert (patch.versions["calpad"], patch.tags) == (("24.6.0", "24.6.1"), ["v24.06.01"])
    minor = plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True, today=DAY))
    assert (minor.versions["calpad"], minor.tags) == (("24.6.0", "26.11.0"), ["v26.11.00"])


def test_a_month_s_patch_releases_keep_its_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``YY.M.P`` whose history tagged ``24.4.1`` in late May: a patch release keeps its
    minor's month, so ``--part patch`` gives ``24.8.2``, not this month's; ``--part minor``
    still gives this month's ``26.11.0``."""

    def pyproject(version: str) -> str:
        return project("monthly", version)

    releases = [("2024-02-10", "v24.2.0"), ("2024-04-10", "v24.4.0")]
    releases += [("2024-05-29", "v24.4.1"), ("2024-06-10", "v24.6.0")]
    releases += [("2024-08-10", "v24.8.0"), ("2024-08-20", "v24.8.1")]
    files = {"pyproject.toml": project("monthly", "24.1.0")}
    root = _released(tmp_path, monkeypatch, files, releases, pyproject)
    ws = load_workspace(root)
    patch = plan_bump(ws, BumpOptions(part="patch", today=DAY))
    assert patch.versions["monthly"] == ("24.8.1", "24.8.2")
    minor = plan_bump(ws, BumpOptions(part="minor", today=DAY))
    assert minor.versions["monthly"] == ("24.8.1", "26.11.0")
    rows = run_relnox("plan", "--part", "patch", "--json", cwd=root, check=True)
    assert '"next_version": "24.8.2"' in rows.stdout


def test_a_four_part_version_ending_in_its_release_day_keeps_the_day_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``X.Y.Z.YYMMDD`` (the stubs of another project's X.Y.Z, stamped with the day each was
    tagged): ``--part`` steps X.Y.Z and stamps today, never ``2.2.3.0``."""

    def pyproject(version: str) -> str:
        return project("stamped", version)

    releases = [("2024-02-10", "v2.2.0.240210"), ("2024-04-10", "v2.2.1.240410")]
    releases += [("2024-06-10", "v2.2.2.240610")]
    files = {"pyproject.toml": project("stamped", "2.1.0.240105")}
    root = _released(tmp_path, monkeypatch, files, releases, pyproject)
    ws = load_workspace(root)
    patch = plan_bump(ws, BumpOptions(part="patch", today=DAY))
    assert patch.versions["stamped"] == ("2.2.2.240610", "2.2.3.261125")
    minor = plan_bump(ws, BumpOptions(part="minor", today=DAY))
    assert minor.versions["stamped"] == ("2.2.2.240610", "2.3.0.261125")


def test_a_month_s_patch_released_within_it_is_this_month_s_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same versions with every patch tagged in its month (``24.4.1`` of
    April): nothing says a patch keeps its month, so a patch is this month's release."""

    def pyproject(version: str) -> str:
        return project("monthly", version)

    releases = [("2024-02-10", "v24.2.0"), ("2024-04-10", "v24.4.0")]
    releases += [("2024-04-29", "v24.4.1"), ("2024-08-10", "v24.8.0")]
    files = {"pyproject.toml": project("monthly", "24.1.0")}
    root = _released(tmp_path, monkeypatch, files, releases, pyproject)
    patch = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert patch.versions["monthly"] == ("24.8.0", "26.11.0")


@pytest.mark.parametrize(
    ("part", "expected"),
    [("patch", "3.13"), ("minor", "3.13"), ("major", "4.0"), ("pre", "3.13rc0")],
)
def test_a_dev_release_of_the_first_candidate_is_the_road_to_the_release(
    tmp_path: Path, part: str, expected: str
) -> None:
    """``3.13rc0.dev0`` after the final ``3.12``: a development release below every
    candidate of 3.13, the road to 3.13. A release bump gives 3.13, never the candidate
    ``3.13rc0``; ``--part pre`` gives the candidate."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("roadpkg", "3.12")}, ["v3.12"])
    commit(root, {"pyproject.toml": project("roadpkg", "3.13rc0.dev0")})
    plan = plan_bump(load_workspace(root), BumpOptions(part=part))
    assert plan.versions["roadpkg"] == ("3.13rc0.dev0", expected)


COMMITIZEN = """
[tool.commitizen]
version_provider = "pep621"
version_files = ["src/czpkg/about.py:__version__", "chart/Chart.yaml:appVersion"]
"""
BUMP_MY_VERSION = """
[tool.bumpversion]
current_version = "1.2.3"

[[tool.bumpversion.files]]
filename = "docs/conf.py"
search = 'release = "{current_version}"'
replace = 'release = "{new_version}"'
"""


@pytest.mark.parametrize(
    ("config", "place", "before", "after"),
    [
        (COMMITIZEN, "chart/Chart.yaml", 'appVersion: "1.2.1"\n', 'appVersion: "1.2.4"\n'),
        (COMMITIZEN, "src/czpkg/about.py", '__version__ = "1.2.2"\n', '__version__ = "1.2.4"\n'),
        (BUMP_MY_VERSION, "docs/conf.py", 'release = "1.2.2"\n', 'release = "1.2.4"\n'),
    ],
)
def test_every_copy_a_bump_tool_declares_is_checked_and_moved(
    tmp_path: Path, config: str, place: str, before: str, after: str
) -> None:
    """commitizen's ``version_files`` (``path:regex``) and bump-my-version's searches name
    the copies of the version that move with it. One out of step (``appVersion: "1.2.1"``
    beside 1.2.3) fails check-versions, naming it, and a bump moves it with the others."""
    files = {
        "pyproject.toml": project("czpkg", "1.2.3", extra=config),
        "src/czpkg/__init__.py": "",
        "src/czpkg/about.py": '__version__ = "1.2.3"\n',
        "chart/Chart.yaml": 'version: 0.1.0\nappVersion: "1.2.3"\n',
        "docs/conf.py": 'project = "czpkg"\nrelease = "1.2.3"\n',
    }
    root = repo(tmp_path / "r", {**files, place: before}, ["v1.2.3"])
    proc = run_relnox("check-versions", cwd=root)
    assert proc.returncode == 1
    assert f"{place} says {before.split()[-1].strip(chr(34))!r}" in proc.stdout
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert plan.versions["czpkg"] == ("1.2.3", "1.2.4")
    edits = {e.path.relative_to(root).as_posix(): e.after.decode() for e in plan.edits}
    assert after in edits[place]
    assert '"1.2.3"' not in "".join(edits.values())


@pytest.mark.parametrize(
    ("module", "after"),
    [
        (
            '__version__ = "1.2.3"\nVERSION_STRING: str = "1.2.3"  # for the CLI\n',
            '__version__ = "1.2.4"\nVERSION_STRING: str = "1.2.4"  # for the CLI\n',
        ),
        (
            'VERSION = (1, 2, 3)\n__version__ = ".".join(map(str, VERSION))\n',
            'VERSION = (1, 2, 4)\n__version__ = ".".join(map(str, VERSION))\n',
        ),
        (
            '__version__ = "1.2.3"\nMY_VERSION_TUPLE = (1, 2, 3)\nAPI_VERSION = "2.0"\n',
            '__version__ = "1.2.4"\nMY_VERSION_TUPLE = (1, 2, 4)\nAPI_VERSION = "2.0"\n',
        ),
    ],
)
def test_every_copy_of_the_version_a_module_declares_moves_with_it(
    tmp_path: Path, module: str, after: str
) -> None:
    """A version module holding the version twice, under ``__version__`` and another name
    (a string or a tuple, the module's only literal or beside it): the program reads the
    second, so it moves with the one the wheel gets; a version of something else
    (``API_VERSION = "2.0"``) stays."""
    files = {
        "pyproject.toml": project("twocopy", "1.2.3"),
        "twocopy/__init__.py": "",
        "twocopy/_version.py": module,
    }
    root = repo(tmp_path / "r", files, ["v1.2.3"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    edits = {e.path.relative_to(root).as_posix(): e.after.decode() for e in plan.edits}
    assert edits["twocopy/_version.py"] == after


NEWEST_FIRST = (
    "# Changelog\n\n## 1.2.3 (2024-02-10)\n\n- fix\n\n## 1.2.2 (2024-01-10)\n\n- old\n\n"
    "## Unreleased\n\n- new\n- newer\n"
)
OLDEST_FIRST = (
    "# Changelog\n\n## 1.2.2 (2024-01-10)\n\n- old\n\n## 1.2.3 (2024-02-10)\n\n- fix\n\n"
    "## Unreleased\n\n- new\n- newer\n"
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            NEWEST_FIRST,
            "# Changelog\n\n## 1.2.4 (2026-11-25)\n\n- new\n- newer\n\n## 1.2.3 (2024-02-10)\n\n"
            "- fix\n\n## 1.2.2 (2024-01-10)\n\n- old\n\n## Unreleased\n",
        ),
        (
            OLDEST_FIRST,
            "# Changelog\n\n## 1.2.2 (2024-01-10)\n\n- old\n\n## 1.2.3 (2024-02-10)\n\n- fix\n\n"
            "## Unreleased\n\n## 1.2.4 (2026-11-25)\n\n- new\n- newer\n",
        ),
    ],
)
def test_the_new_section_goes_where_the_newest_one_is(
    tmp_path: Path, before: str, after: str
) -> None:
    """A changelog listing its releases newest first, its Unreleased section kept at the
    bottom: the released entries go above the newest release, and the Unreleased heading
    stays for the next ones. Oldest first, the newest is at the bottom, and so is the new."""
    files = {"pyproject.toml": project("clpkg", "1.2.3"), "CHANGELOG.md": before}
    root = repo(tmp_path / "r", files, ["v1.2.3"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    edits = {e.path.relative_to(root).as_posix(): e.after.decode() for e in plan.edits}
    assert edits["CHANGELOG.md"] == after


@pytest.mark.parametrize(
    ("to", "after"),
    [
        ("1.2.4", 'VERSION = (1, 2, 4, "final", 0)\n'),
        ("1.3.0rc2", 'VERSION = (1, 3, 0, "rc", 2)\n'),
        ("2.0.0a1", 'VERSION = (2, 0, 0, "alpha", 1)\n'),
    ],
)
def test_a_release_level_tuple_is_a_copy_of_the_version(
    tmp_path: Path, to: str, after: str
) -> None:
    """The shape: ``VERSION = (1, 2, 3, "final", 0)``, the module's version made from
    it by a function; it moves with the version the build reads, its level word and serial
    written for a pre-release."""
    module = 'VERSION = (1, 2, 3, "final", 0)\n'
    files = {
        "pyproject.toml": project("levelled", "1.2.3"),
        "levelled/__init__.py": module + "__version__ = get_version(VERSION)\n",
    }
    root = repo(tmp_path / "r", files, ["v1.2.3"])
    plan = plan_bump(load_workspace(root), BumpOptions(to=to))
    edits = {e.path.relative_to(root).as_posix(): e.after.decode() for e in plan.edits}
    assert edits["levelled/__init__.py"].startswith(after)


def test_the_newest_release_is_a_pre_release_tagged_semver_style(tmp_path: Path) -> None:
    """``alpha-sdk-v2.0.0-beta.2`` after ``alpha-sdk-v1.9.0``: the beta is the newest
    release, so nothing changed since it, and the next beta is tagged in the same spelling."""

    def member(name: str, version: str) -> dict[str, str]:
        return {f"packages/{name}/pyproject.toml": project(name, version)}

    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    files |= member("alpha-sdk", "1.9.0") | member("beta-cli", "0.3.0")
    root = repo(tmp_path / "r", files, ["alpha-sdk-v1.9.0", "beta-cli-v0.3.0"])
    commit(root, member("alpha-sdk", "2.0.0-beta.1"), "alpha-sdk-v2.0.0-beta.1")
    commit(root, member("alpha-sdk", "2.0.0-beta.2"), "alpha-sdk-v2.0.0-beta.2")
    rows = run_relnox("plan", "--json", cwd=root, check=True).stdout
    assert '"last_tag": "alpha-sdk-v2.0.0-beta.2"' in rows and '"changed": true' not in rows
    commit(root, {"packages/alpha-sdk/fix.py": "\n"})
    plan = plan_bump(
        load_workspace(root),
        BumpOptions(part="pre", packages=["alpha-sdk"], tag=True, commit=True),
    )
    assert plan.tags == ["alpha-sdk-v2.0.0-beta.3"]


def test_the_only_spelling_of_the_version_tags_is_the_only_package_s(tmp_path: Path) -> None:
    """``rel_1_3_0``, ``rel_1_4_0`` made while the version lived in a file that is gone
    (setup.py reading VERSION.txt); pyproject.toml says 1.4.1 now. Nothing at those tags
    names another version, and every version tag is spelled so: they are its releases,
    and its next tag is ``rel_1_5_0``."""
    setup = 'from setuptools import setup\nsetup(name="relu", version=open("VERSION.txt").read())\n'
    backend = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    files = {"pyproject.toml": backend, "setup.py": setup, "VERSION.txt": "1.3.0\n"}
    root = repo(tmp_path / "r", files, ["rel_1_3_0"])
    commit(root, {"VERSION.txt": "1.4.0\n"}, "rel_1_4_0")
    for gone in ("setup.py", "VERSION.txt"):
        (root / gone).unlink()
    commit(root, {"pyproject.toml": project("relu", "1.4.1")})
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.problem is None
    assert (pkg.tags.convention.format, pkg.tags.last_tag) == (
        "rel_{version_underscored}",
        "rel_1_4_0",
    )
    plan = plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True))
    assert plan.tags == ["rel_1_5_0"]


def test_sphinx_s_release_shows_the_last_release_through_development_versions(
    tmp_path: Path,
) -> None:
    """The shape: ``release = '25.0.0'`` in docs/conf.py beside the package's 25.0.0; the
    step to 25.0.1.dev0 leaves the docs at the release (the docs show the last release),
    and the next release moves them on with the package."""
    conf = "project = 'tools'\nversion = '25.0'\nrelease = '25.0.0'\n"
    files = {"pyproject.toml": project("tools", "25.0.0"), "docs/conf.py": conf}
    root = repo(tmp_path / "tools", files, tags=["25.0.0"])
    dev = run_relnox("bump", "--to", "25.0.1.dev0", cwd=root, check=True)
    assert (root / "docs/conf.py").read_text() == conf
    assert "note: docs/conf.py stays at 25.0.0" in dev.stdout
    run_relnox("check-versions", cwd=root, check=True)
    run_relnox("bump", "--to", "25.1.0", cwd=root, check=True)
    moved = conf.replace("25.0.0", "25.1.0").replace("'25.0'", "'25.1'")
    assert (root / "docs/conf.py").read_text() == moved


def test_sphinx_s_short_version_moves_to_each_release_s_major_minor(tmp_path: Path) -> None:
    """The shape: docs/conf.py's only literal is Sphinx's short ``version = '4.7'`` (with
    ``release = version``) beside the package's 4.7.0; the releases moved it to 4.8 with
    4.8.0, and relnox left it. A patch release keeps it; a minor one moves it; it is no
    drift while it says the package's major.minor."""
    conf = "project = 'px'\n# The short X.Y version.\nversion = '4.7'\nrelease = version\n"
    files = {"pyproject.toml": project("px", "4.7.0"), "docs/conf.py": conf}
    root = repo(tmp_path / "px", files, tags=["4.7.0"])
    patch = run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "docs/conf.py").read_text() == conf
    assert "out of step" not in patch.stdout + patch.stderr
    run_relnox("check-versions", cwd=root, check=True)
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    assert (root / "docs/conf.py").read_text() == conf.replace("'4.7'", "'4.8'")


def test_sphinx_s_version_and_release_written_as_python_2_unicode_strings_move(
    tmp_path: Path,
) -> None:
    """The shape: docs/conf.py written for Python 2, ``version = u"1.2.0"`` and ``release =
    u"1.2.0"``, beside the package's 1.2.0: a copy of the version like any other, so a
    release moves both (the ``u`` prefix stays)."""
    conf = 'project = u"sched"\nversion = u"1.2.0"\nrelease = u"1.2.0"\n'
    files = {"pyproject.toml": project("sched", "1.2.0"), "docs/conf.py": conf}
    root = repo(tmp_path / "sched", files, tags=["1.2.0"])
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "docs/conf.py").read_text() == conf.replace("1.2.0", "1.2.1")


FORMER = (
    "# Changelog\n\n{newer}## {old}\n\n- old\n\n"
    "## Unreleased changes in the former project\n\n- left over\n\n"
    "## History of the former project\n\n- older\n"
)


@pytest.mark.parametrize(
    ("old", "new"), [("1.2.2", "1.2.3"), ("2026.07.04", "2026.08.19")], ids=["semver", "dated"]
)
def test_an_unreleased_section_below_the_releases_that_releases_left_is_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    """Newest first, an Unreleased section far below the newest release, as it was at the
    last two releases (each left it: the entries of a project this one continues): it is
    the history's, not the next release's. The bump leaves the changelog and says so. Dated
    releases tagged zero-padded (2026.07.04) are found by their tags as they were spelled."""
    dated = old.startswith("2026")
    _on(monkeypatch, "2026-07-04")
    files = {
        "pyproject.toml": project("clpkg", old),
        "CHANGELOG.md": FORMER.format(newer="", old=old),
    }
    root = repo(tmp_path / "r", files, [old if dated else f"v{old}"])
    _on(monkeypatch, "2026-08-19")
    log = FORMER.format(newer=f"## {new}\n\n- fix\n\n", old=old)
    changed = {"pyproject.toml": project("clpkg", new), "CHANGELOG.md": log}
    commit(root, changed, new if dated else f"v{new}")
    commit(root, {"src.py": "x = 1\n"})
    done = run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "CHANGELOG.md").read_text() == log
    tags = f"{new} and {old}" if dated else f"v{new} and v{old}"
    assert f"was there as it is at {tags}" in done.stdout + done.stderr
