"""The release history as real repositories have it (issue 22's shapes, issue 24's backports).

Each fixture is a small repository of a shape read from real public projects: tags on
release branches and amended release commits (not ancestors of HEAD), a tag convention
that changed, semver-style pre-release tags, one tag shared by several packages, a
development version at HEAD, and a maintenance branch below the newest release.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.errors import ConfigError, VersionError
from relnox.project.changes import plan
from relnox.project.discovery import load_workspace
from relnox.release.ci_tags import is_latest
from relnox.release.doctor import doctor
from relnox.release.tagging import TagOptions, plan_tags
from tests.conftest import run_relnox
from tests.shapes import git, project, write

DAY = 86400
START = 1_700_000_000


class History:
    """A repository whose commits (and so its lightweight tags) get increasing dates."""

    def __init__(self, root: Path, files: Mapping[str, str]) -> None:
        self.root = root
        self.clock = START
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")
        self.commit(files, message="initial")

    def commit(
        self, files: Mapping[str, str], *tags: str, message: str = "change", amend: bool = False
    ) -> None:
        self.clock += DAY
        write(self.root, files)
        stamp = f"@{self.clock} +0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        subprocess.run(["git", "add", "-A"], cwd=self.root, check=True, env=env)
        args = ["commit", "-q", "--allow-empty", "-m", message] + (["--amend"] if amend else [])
        subprocess.run(["git", *args], cwd=self.root, check=True, env=env)
        for tag in tags:
            subprocess.run(["git", "tag", tag], cwd=self.root, check=True, env=env)


def _json(root: Path, *args: str) -> dict[str, object]:
    proc = run_relnox(*args, "--json", cwd=root, check=True)
    found: dict[str, object] = json.loads(proc.stdout)
    return found


def _last_tags(root: Path) -> tuple[str | None, str | None]:
    """``packages --json``'s and ``plan --json``'s last tag of the only package."""
    packages = _json(root, "packages")["packages"]
    planned = _json(root, "plan")
    rows = planned["packages"] if isinstance(planned, dict) and "packages" in planned else planned
    assert isinstance(packages, list) and isinstance(rows, list)
    return packages[0]["last_tag"], rows[0]["last_tag"]


# 1. release tags that are not ancestors of HEAD ------------------------------------------


def test_a_release_commit_amended_after_tagging_is_still_heads_last_release(
    tmp_path: Path,
) -> None:
    """Tag v1.4.0, then the release commit amended (a lockfile refresh): the tag is on a
    sibling of HEAD, which holds 1.4.0 all the same."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "1.3.0")})
    git(repo.root, "tag", "v1.3.0")
    repo.commit({"pyproject.toml": project("lib", "1.4.0")}, "v1.4.0", message="release 1.4.0")
    repo.commit({"uv.lock.txt": "refreshed"}, message="release 1.4.0", amend=True)
    assert git(repo.root, "tag", "--merged", "HEAD").split() == ["v1.3.0"]
    ws = load_workspace(repo.root)
    facts = ws.packages[0].tags
    assert facts is not None and (facts.last_tag, facts.backport) == ("v1.4.0", False)
    assert [row.last_tag for row in plan(ws)] == ["v1.4.0"]
    assert _last_tags(repo.root) == ("v1.4.0", "v1.4.0")  # packages and plan agree
    assert plan_bump(ws, BumpOptions(part="patch")).versions == {"lib": ("1.4.0", "1.4.1")}


def test_releases_tagged_on_release_branches_are_mains_last_release(tmp_path: Path) -> None:
    """main moved on to 2.1.0.dev0 while 2.0.0 and 2.0.1 were tagged on release/v2.0.x."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "1.9.0")})
    git(repo.root, "tag", "v1.9.0")
    git(repo.root, "checkout", "-q", "-b", "release/v2.0.x")
    repo.commit({"pyproject.toml": project("lib", "2.0.0")}, "v2.0.0")
    repo.commit({"pyproject.toml": project("lib", "2.0.1"), "fix.txt": "1"}, "v2.0.1")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"pyproject.toml": project("lib", "2.1.0.dev0"), "feature.txt": "1"})
    ws = load_workspace(repo.root)
    assert [(row.last_tag, row.changed) for row in plan(ws)] == [("v2.0.1", True)]
    assert _last_tags(repo.root) == ("v2.0.1", "v2.0.1")
    # the development version names the next release (rule 7)
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"lib": ("2.1.0.dev0", "2.1.0")}
    assert not doctor(repo.root).errors


# maintenance branches (issue 24) -------------------------------------------------------


def _maintained(tmp_path: Path) -> History:
    """release-1.2.x at 1.2.3 (tagged) while main released 2.0.0; HEAD on release-1.2.x."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "1.2.0")})
    git(repo.root, "tag", "v1.2.0")
    git(repo.root, "checkout", "-q", "-b", "release-1.2.x")
    repo.commit({"pyproject.toml": project("lib", "1.2.3")}, "v1.2.3")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"pyproject.toml": project("lib", "2.0.0"), "new.txt": "1"}, "v2.0.0")
    git(repo.root, "checkout", "-q", "release-1.2.x")
    repo.commit({"fix.txt": "backported"})
    return repo


def test_a_backport_on_a_maintenance_branch_is_allowed_and_never_called_latest(
    tmp_path: Path,
) -> None:
    repo = _maintained(tmp_path)
    ws = load_workspace(repo.root)
    facts = ws.packages[0].tags
    assert facts is not None and facts.backport
    assert (facts.last_tag, facts.highest_tag) == ("v1.2.3", "v2.0.0")
    bump = plan_bump(ws, BumpOptions(part="patch", commit=True, tag=True))
    assert bump.versions == {"lib": ("1.2.3", "1.2.4")} and bump.tags == ["v1.2.4"]
    assert any(
        "1.2.4 is a maintenance release" in n and "not marked latest" in n for n in bump.notes
    )
    assert [row.last_tag for row in plan(ws)] == ["v1.2.3"]
    assert _last_tags(repo.root) == ("v1.2.3", "v1.2.3")
    # doctor: a warning that explains, not an error that blocks
    checks = [c for c in doctor(repo.root).checks if "v2.0.0" in c.detail]
    assert checks and all(c.status == "warn" for c in checks), checks
    # a version that exists anywhere, or is not above this branch's last release, is refused
    with pytest.raises(VersionError, match=r"2\.0\.0 was already released"):
        plan_bump(ws, BumpOptions(to="2.0.0"))
    with pytest.raises(VersionError, match=r"not higher than 1\.2\.3"):
        plan_bump(ws, BumpOptions(to="1.2.2"))
    result = run_relnox("bump", "--part", "patch", "--dry-run", cwd=repo.root)
    assert result.returncode == 0 and "maintenance release" in result.stdout + result.stderr


def test_a_calendar_release_of_a_scheme_the_project_left_does_not_make_the_next_a_backport(
    tmp_path: Path,
) -> None:
    """The shape: ``2023.1`` tagged in 2023 on a branch main never merged,
    then main released 2.6.0 and 3.0.0: the next release is main's latest, not a
    maintenance release below 2023.1, and 2023.1 itself stays taken."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "2.5.0")})
    git(repo.root, "tag", "2.5.0")
    git(repo.root, "checkout", "-q", "-b", "stable/old")
    repo.commit({"pyproject.toml": project("lib", "2023.1")}, "2023.1")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"pyproject.toml": project("lib", "2.6.0"), "a.txt": "1"}, "2.6.0")
    repo.commit({"pyproject.toml": project("lib", "3.0.0"), "b.txt": "1"}, "3.0.0")
    ws = load_workspace(repo.root)
    facts = ws.packages[0].tags
    assert facts is not None and (facts.last_tag, facts.highest_tag) == ("3.0.0", "3.0.0")
    bump = plan_bump(ws, BumpOptions(part="minor"))
    assert bump.versions == {"lib": ("3.0.0", "3.1.0")}
    assert not any("maintenance release" in note for note in bump.notes), bump.notes
    assert is_latest(ws, "lib", "3.1.0")
    with pytest.raises(VersionError, match=r"2023\.1 was already released"):
        plan_bump(ws, BumpOptions(to="2023.1"))


def test_without_a_release_on_its_line_a_version_below_the_newest_is_refused(
    tmp_path: Path,
) -> None:
    """A branch that never released (file at 0.1.0) is not a maintenance line of 2.0.0."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "0.1.0")})
    git(repo.root, "checkout", "-q", "-b", "other")
    repo.commit({"pyproject.toml": project("lib", "2.0.0")}, "v2.0.0")
    git(repo.root, "checkout", "-q", "main")
    with pytest.raises(VersionError, match=r"0\.1\.1 is not above 2\.0\.0"):
        plan_bump(load_workspace(repo.root), BumpOptions(part="patch"))


def test_a_tag_versioned_main_has_reached_the_releases_of_its_branches(tmp_path: Path) -> None:
    """setuptools-scm on main at ``0.68.0dev0`` (a tag opening the next line), ``0.67.0``
    released on its release branch: the last release of main's line is 0.67.0, not the
    last final tag main itself holds (0.66.0), as for a version file at 0.68.0.dev0."""
    files = {"pyproject.toml": project("numbaish", None, backend="setuptools-scm")}
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "0.66.0")
    git(repo.root, "checkout", "-q", "-b", "release0.67")
    repo.commit({"notes.txt": "0.67"}, "0.67.0")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"work.txt": "next"}, "0.68.0dev0")
    repo.commit({"work.txt": "more"})
    (pkg,) = load_workspace(repo.root).packages
    assert pkg.version == "0.68.0.dev0" and pkg.tags is not None
    assert (pkg.tags.last_tag, pkg.tags.reachable_tag) == ("0.67.0", "0.68.0dev0")


# 2. conventions that change over time --------------------------------------------------


def test_a_new_convention_takes_over_beside_an_old_one_s_development_tags(
    tmp_path: Path,
) -> None:
    """``v3.7.5``, then ``v4.0.0.dev10`` on a development line, then only
    ``release-v3.7.6`` ... ``release-v3.8.1``: the development tags of a line not released
    yet do not keep ``v`` current (its last final release, 3.7.5, is below 3.8.1)."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("spacey", "3.7.5")})
    git(repo.root, "tag", "v3.7.5")
    repo.commit({"pyproject.toml": project("spacey", "4.0.0.dev10")}, "v4.0.0.dev10")
    repo.commit({"pyproject.toml": project("spacey", "3.7.6")}, "release-v3.7.6")
    repo.commit({"pyproject.toml": project("spacey", "3.8.1")}, "release-v3.8.1")
    (pkg,) = load_workspace(repo.root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "release-v{version}"
    assert pkg.tags.last_tag == "release-v3.8.1"


def test_the_newest_tag_convention_is_the_current_one(tmp_path: Path) -> None:
    """python-v0.1.0 ... python-v0.3.0 for a while, a few releases tagged both ways, then
    only v0.4.0, v0.5.0; the release workflow fires on ``v*``."""
    workflow = "on:\n  push:\n    tags: ['v*']\njobs: {}\n"
    repo = History(
        tmp_path / "r",
        {"python/pyproject.toml": project("acme", "0.1.0"), ".github/workflows/r.yml": workflow},
    )
    git(repo.root, "tag", "python-v0.1.0")
    repo.commit({"python/pyproject.toml": project("acme", "0.2.0")}, "python-v0.2.0")
    repo.commit({"python/pyproject.toml": project("acme", "0.3.0")}, "python-v0.3.0", "v0.3.0")
    repo.commit({"python/pyproject.toml": project("acme", "0.4.0")}, "v0.4.0")
    repo.commit({"python/pyproject.toml": project("acme", "0.5.0")}, "v0.5.0")
    ws = load_workspace(repo.root / "python")
    pkg = ws.packages[0]
    assert pkg.tags is not None
    assert ws.tag_format_of(pkg) == "v{version}"
    assert "v{version} is the current convention" in pkg.tags.convention.evidence
    assert "python-v0.3.0" in pkg.tags.convention.evidence
    assert pkg.tags.last_tag == "v0.5.0"
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["v0.6.0"]


def test_a_new_spelling_is_the_convention_when_an_earlier_of_its_releases_names_it(
    tmp_path: Path,
) -> None:
    """acme-0.1.0 ... acme-0.3.0, then bare 0.4.0 and 0.5.0, whose release commit wrote the
    next development version (0.5.0.1) already: the newest bare tag alone said nothing of
    acme, so relnox kept acme-{version} and read 0.3.0 as the last release. The bare tag
    before it names acme's version: the bare spelling is the convention, 0.5.0 the last."""
    init, said = "acme/__init__.py", '__version__ = "{}"\n'
    attr = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    pyproject = project("acme", None, backend="setuptools", extra=attr)
    repo = History(tmp_path / "r", {"pyproject.toml": pyproject, init: said.format("0.1.0")})
    git(repo.root, "tag", "acme-0.1.0")
    for version, tag in (("0.2.0", "acme-0.2.0"), ("0.3.0", "acme-0.3.0"), ("0.4.0", "0.4.0")):
        repo.commit({init: said.format(version)}, tag)
    repo.commit({init: said.format("0.5.0.1")}, "0.5.0")
    rows = _json(repo.root, "packages")["packages"]
    assert isinstance(rows, list) and rows[0]["tag_format"] == "{version}", rows
    plan = _json(repo.root, "plan")["packages"]
    assert isinstance(plan, list) and plan[0]["last_tag"] == "0.5.0", plan


@pytest.mark.parametrize(
    ("version_file", "spelled"),
    [
        ("setup.cfg", "[metadata]\nname = fboy\nversion = {}\n"),  # factory_boy's
        ("VERSION", "{}\n"),
    ],
)
def test_bare_tags_after_the_named_ones_are_current_when_a_bare_version_says_so(
    tmp_path: Path, version_file: str, spelled: str
) -> None:
    """The shape: ``factory_boy-1.2.0`` long ago, then ``3.3.2``, ``3.3.3``,
    with setup.cfg saying ``version = 3.3.3`` (not quoted) at that tag. relnox read no
    version there, kept the old spelling and called 1.2.0 the last release."""
    extra = (
        '[tool.setuptools.dynamic]\nversion = {file = "VERSION"}\n'
        if version_file == "VERSION"
        else ""
    )
    pyproject = (
        project("fboy", None, backend="setuptools", extra=extra)
        if extra
        else '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    files = {"pyproject.toml": pyproject, "fboy/__init__.py": ""}
    repo = History(tmp_path / "r", {**files, version_file: spelled.format("1.2.0")})
    git(repo.root, "tag", "fboy-1.2.0")
    repo.commit({version_file: spelled.format("3.3.2")}, "3.3.2")
    repo.commit({version_file: spelled.format("3.3.3")}, "3.3.3")
    repo.commit({version_file: spelled.format("3.3.4.dev0")})
    (pkg,) = load_workspace(repo.root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}"
    assert pkg.tags.last_tag == "3.3.3"


def test_a_convention_of_another_project_beside_it_is_not_taken(tmp_path: Path) -> None:
    """python-v tags for the Python package, rust-v tags (newer, other versions) for the
    crate: the crate's tags never name the package's version, so nothing changes."""
    repo = History(tmp_path / "r", {"python/pyproject.toml": project("deltaish", "1.0.0")})
    git(repo.root, "tag", "python-v1.0.0")
    repo.commit({"python/pyproject.toml": project("deltaish", "1.1.0")}, "python-v1.1.0")
    repo.commit({"crate.txt": "0.31"}, "rust-v0.31.0")
    repo.commit({"crate.txt": "2.0"}, "rust-v2.0.0")
    ws = load_workspace(repo.root / "python")
    assert ws.tag_format_of(ws.packages[0]) == "python-v{version}"
    assert plan_bump(ws, BumpOptions(part="patch", tag=True, commit=True)).tags == ["python-v1.1.1"]


# 3. tags spelled the way another tool spells versions ----------------------------------


def test_semver_style_pre_release_tags_are_written_back_in_that_spelling(tmp_path: Path) -> None:
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "2.0.0b3")})
    git(repo.root, "tag", "v2.0.0-beta.3")
    repo.commit({"pyproject.toml": project("lib", "2.0.0b4")}, "v2.0.0-beta.4")
    ws = load_workspace(repo.root)
    bump = plan_bump(ws, BumpOptions(part="pre", tag=True, commit=True))
    assert bump.versions == {"lib": ("2.0.0b4", "2.0.0b5")}
    assert bump.tags == ["v2.0.0-beta.5"]
    pkg = ws.packages[0]
    assert pkg.tags is not None and "semver style" in pkg.tags.convention.evidence
    assert plan_bump(ws, BumpOptions(part="release", tag=True, commit=True)).tags == ["v2.0.0"]


# 4. shared tags imply lockstep ---------------------------------------------------------


def test_one_tag_shared_by_three_packages_moves_them_together(tmp_path: Path) -> None:
    members = ("alpha", "beta", "gamma")
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["python/*"]\n',
        **{f"python/{m}/pyproject.toml": project(f"kit-{m}", "0.7.5") for m in members},
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "python-v0.7.5")
    ws = load_workspace(repo.root)
    assert {ws.tag_for(p) for p in ws.packages} == {"python-v0.7.5"}
    bump = plan_bump(ws, BumpOptions(part="patch", packages=["kit-beta"], tag=True, commit=True))
    assert bump.versions == {f"kit-{m}": ("0.7.5", "0.7.6") for m in members}
    assert bump.tags == ["python-v0.7.6"]
    assert any("kit-alpha, kit-gamma move with kit-beta" in n for n in bump.notes)


# 7. development versions ---------------------------------------------------------------


def test_a_dev_version_at_head_releases_as_itself_with_pins_following(tmp_path: Path) -> None:
    """A line of packages at 0.60b0.dev whose every release is 0.NNb0, pinned exactly."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
        "pkgs/base/pyproject.toml": project("line-base", "0.60b0.dev"),
        "pkgs/plugin/pyproject.toml": project(
            "line-plugin", "0.60b0.dev", requires=["line-base == 0.60b0.dev"]
        ),
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.59b0")
    ws = load_workspace(repo.root)
    bump = plan_bump(ws, BumpOptions(part="patch"))
    assert bump.versions == {
        "line-base": ("0.60b0.dev", "0.60b0"),
        "line-plugin": ("0.60b0.dev", "0.60b0"),
    }
    assert any("line-base == 0.60b0" in line for line in bump.rewrites)
    assert plan_bump(ws, BumpOptions(part="release")).versions["line-base"] == (
        "0.60b0.dev",
        "0.60",
    )


def test_release_tags_are_planned_once_for_a_maintenance_release(tmp_path: Path) -> None:
    repo = _maintained(tmp_path)
    write(repo.root, {"pyproject.toml": project("lib", "1.2.4")})
    repo.commit({}, message="release 1.2.4")
    ws = load_workspace(repo.root)
    tags = plan_tags(ws, TagOptions(missing=True))
    assert [a.tag for a in tags.to_create] == ["v1.2.4"]


def test_a_line_released_under_one_bare_tag_beside_independent_name_tags(
    tmp_path: Path,
) -> None:
    """``v0.41b0`` for a line of packages released together, ``name==1.0.1`` for one
    released on its own, and a stray ``v1.20.0`` made on a commit releasing the line at
    0.40b0 (another repository's number): the line owns the bare tags, the stray counts
    for nobody, the independent package keeps its own."""
    line = ("one", "two", "three")

    def files(version: str, own: str = "1.0.1") -> dict[str, str]:
        found = {f"line/{m}/pyproject.toml": project(f"obs-{m}", version) for m in line}
        found["pyproject.toml"] = '[tool.uv.workspace]\nmembers = ["line/*", "solo"]\n'
        found["solo/pyproject.toml"] = project("obs-solo", own)
        return found

    repo = History(tmp_path / "r", files("0.40b0", "1.0.0"))
    git(repo.root, "tag", "v0.40b0")
    git(repo.root, "tag", "v1.20.0")  # the stray
    git(repo.root, "tag", "obs-solo==1.0.0")
    repo.commit(files("0.41b0"), "v0.41b0", "obs-solo==1.0.1")
    repo.commit(files("0.42b0.dev"))
    ws = load_workspace(repo.root)
    assert {ws.tag_format_of(p) for p in ws.packages if p.name != "obs-solo"} == {"v{version}"}
    assert ws.tag_format_of(ws.get("obs-solo")) == "obs-solo=={version}"
    facts = ws.get("obs-two").tags
    assert facts is not None and (facts.last_tag, facts.highest_tag) == ("v0.41b0", "v0.41b0")
    bump = plan_bump(ws, BumpOptions(part="patch", packages=["obs-two"], tag=True, commit=True))
    assert bump.versions == {f"obs-{m}": ("0.42b0.dev", "0.42b0") for m in line}
    assert bump.tags == ["v0.42b0"]
    assert not any("maintenance" in n for n in bump.notes)


def test_a_maintenance_release_is_not_the_latest(tmp_path: Path) -> None:
    ws = load_workspace(_maintained(tmp_path).root)
    assert not is_latest(ws, "lib", "1.2.4")
    assert is_latest(ws, "lib", "2.0.1")


# 8. what a package's build reads -------------------------------------------------------


def test_commits_to_the_crate_a_wheel_is_compiled_from_change_the_package(tmp_path: Path) -> None:
    """bindings/python builds with maturin from its own Cargo.toml, whose path dependency
    ``../../core`` is the Rust crate the wheel compiles; a Cargo workspace at the top."""
    maturin = '\n[tool.maturin]\nmanifest-path = "Cargo.toml"\n'
    crate = '[package]\nname = "{}"\nversion = "0.4.0"\n'
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["core", "bindings/python"]\n\n'
        '[workspace.dependencies]\nfastcore = { path = "core" }\n',
        "core/Cargo.toml": crate.format("fastcore"),
        "core/src/lib.rs": "// v1\n",
        "bindings/python/Cargo.toml": crate.format("fastcore-py")
        + "\n[dependencies]\nfastcore = { workspace = true }\n",
        "bindings/python/pyproject.toml": project(
            "fastcore", None, backend="maturin", extra=maturin
        ),
        "docs/index.md": "docs\n",
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.4.0")
    repo.commit({"docs/index.md": "more docs\n"})
    ws = load_workspace(repo.root / "bindings" / "python")
    assert [(row.last_tag, row.changed) for row in plan(ws)] == [("v0.4.0", False)]
    repo.commit({"core/src/lib.rs": "// v2\n"}, message="core: faster")
    repo.commit({"core/src/lib.rs": "// v3\n"}, message="core: fix")
    rows = plan(load_workspace(repo.root / "bindings" / "python"))
    assert [(row.changed, row.commits) for row in rows] == [(True, 2)]


# 6. versions computed by the backend ---------------------------------------------------

HEADER = """#pragma once
#define FASTMATH_VERSION_MAJOR 3
#define FASTMATH_VERSION_MINOR 0
#define FASTMATH_VERSION_PATCH 1
"""
SKBUILD = """
[tool.scikit-build.metadata.version]
provider = "scikit_build_core.metadata.regex"
input = "include/fastmath/version.h"
regex = '''(?sx)
\\#define \\s+ FASTMATH_VERSION_MAJOR \\s+ (?P<major>\\d+) .*?
\\#define \\s+ FASTMATH_VERSION_MINOR \\s+ (?P<minor>\\d+) .*?
\\#define \\s+ FASTMATH_VERSION_PATCH \\s+ (?P<patch>\\d+)
'''
result = "{major}.{minor}.{patch}"
"""


def test_a_version_made_of_several_regex_groups_is_read_and_bumped(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("fastmath", None, backend="skbuild", extra=SKBUILD),
        "include/fastmath/version.h": HEADER,
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v3.0.1")
    ws = load_workspace(repo.root)
    assert ws.packages[0].version == "3.0.1"
    bump = plan_bump(ws, BumpOptions(part="minor"))
    assert bump.versions == {"fastmath": ("3.0.1", "3.1.0")}
    (edit,) = [e for e in bump.edits if e.path.name == "version.h"]
    assert edit.after.decode() == HEADER.replace("MINOR 0", "MINOR 1").replace("PATCH 1", "PATCH 0")
    with pytest.raises(VersionError, match=r"3\.1\.0rc1 cannot be written there"):
        plan_bump(ws, BumpOptions(part="minor", pre="rc"))


PDM_SRC = '\n[tool.pdm.build]\npackage-dir = "src"\nincludes = ["src"]\n'


def test_pdm_includes_of_the_package_dir_ship_what_it_holds(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("tidy-tool", "1.0.0", backend="pdm", extra=PDM_SRC),
        "src/tidy/__init__.py": "",
        "src/tidy_cli.py": "",
    }
    repo = History(tmp_path / "r", files)
    (pkg,) = load_workspace(repo.root).packages
    assert pkg.import_packages == ("tidy", "tidy_cli")


@pytest.mark.slow
def test_a_pdm_wheel_of_includes_src_passes_the_wheel_check(tmp_path: Path) -> None:
    text = project("tidy-tool", "1.0.0", backend="pdm", extra=PDM_SRC)
    files = {
        "pyproject.toml": text.replace(
            "dependencies = []", 'readme = "README.md"\ndependencies = []'
        ),
        "README.md": "# tidy\n",
        "src/tidy/__init__.py": "VALUE = 1\n",
    }
    repo = History(tmp_path / "r", files)
    result = run_relnox("build-all", cwd=repo.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lacks the import package" not in result.stdout + result.stderr
    assert list((repo.root / "dist").glob("tidy_tool-1.0.0-*.whl"))


WORKSPACE = '\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'


def test_a_root_never_released_does_not_take_a_members_bare_tags(tmp_path: Path) -> None:
    """The workspace's own project (0.1.1, never released) beside ``packages/acme``
    tagged ``v1.2.2``, ``v1.2.3``: the tags are acme's, the root has none; its version
    stayed at both, so a release leaves it unless named."""
    files = {
        "pyproject.toml": project("acme-workspace", "0.1.1", extra=WORKSPACE),
        "packages/acme/pyproject.toml": project("acme", "1.2.2"),
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v1.2.2")
    repo.commit({"packages/acme/pyproject.toml": project("acme", "1.2.3")}, "v1.2.3")
    ws = load_workspace(repo.root)
    root, acme = ws.get("acme-workspace"), ws.get("acme")
    assert (root.released, str(acme.released)) == (None, "1.2.3")
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"acme": ("1.2.3", "1.3.0")}
    both = ("acme-workspace", "acme")
    bump = plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True, packages=both))
    assert bump.versions == {"acme-workspace": ("0.1.1", "0.2.0"), "acme": ("1.2.3", "1.3.0")}
    assert bump.tags == ["acme-workspace-v0.2.0", "v1.3.0"]
    assert not [c for c in doctor(repo.root).checks if c.status == "error"]


def test_a_released_root_keeps_its_bare_tags_beside_a_member(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("tool", "2.0.0", extra=WORKSPACE),
        "packages/plugin/pyproject.toml": project("tool-plugin", "0.3.0"),
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v2.0.0")
    ws = load_workspace(repo.root)
    assert (str(ws.get("tool").released), ws.get("tool-plugin").released) == ("2.0.0", None)


# 5. packages no workspace declares -----------------------------------------------------


def test_a_backend_released_from_its_own_directory_with_its_own_tags_is_a_package(
    tmp_path: Path,
) -> None:
    """The tool at the root, its build backend in backend/ (tags tool-v*, forge-v*); a
    test fixture project and a template without tags stay out."""
    files = {
        "pyproject.toml": project("tool", "1.18.0"),
        "backend/pyproject.toml": project("forge", "1.32.0"),
        "tests/fixtures/sample/pyproject.toml": project("sample-project", "0.0.1"),
        "templates/new/pyproject.toml": project("my-package", "0.1.0"),
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "tool-v1.18.0")
    git(repo.root, "tag", "forge-v1.32.0")
    ws = load_workspace(repo.root)
    assert sorted(p.name for p in ws.packages) == ["forge", "tool"]
    assert any("backend is released (tags named forge exist)" in n for n in ws.notes)
    assert ws.tag_for(ws.get("forge"), "1.33.0") == "forge-v1.33.0"
    bump = plan_bump(ws, BumpOptions(part="minor", packages=["forge"], tag=True, commit=True))
    assert bump.tags == ["forge-v1.33.0"]


def test_runtime_wheels_built_by_the_release_workflow_are_packages(tmp_path: Path) -> None:
    workflow = (
        "on:\n  push:\n    tags: ['v*']\njobs:\n  wheels:\n    steps:\n"
        "      - uses: PyO3/maturin-action@v1\n        with:\n"
        "          working-directory: runtime/linux\n"
    )
    files = {
        "pyproject.toml": project("engine", "0.9.0"),
        "runtime/linux/pyproject.toml": project("engine-runtime-linux", "0.9.0"),
        "examples/demo/pyproject.toml": project("demo", "0.1.0"),
        ".github/workflows/release.yml": workflow,
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.9.0")
    ws = load_workspace(repo.root)
    assert sorted(p.name for p in ws.packages) == ["engine", "engine-runtime-linux"]
    assert any("the release workflow builds runtime/linux" in n for n in ws.notes)


def test_a_uv_virtual_root_with_a_backend_and_its_own_tags_is_released(tmp_path: Path) -> None:
    uv = "\n[tool.uv]\npackage = false\n"
    repo = History(tmp_path / "r", {"pyproject.toml": project("lonely", "2.1.0", extra=uv)})
    git(repo.root, "tag", "lonely-v2.1.0")
    ws = load_workspace(repo.root)
    assert [p.name for p in ws.packages] == ["lonely"]
    assert plan_bump(ws, BumpOptions(part="patch", tag=True, commit=True)).tags == ["lonely-v2.1.1"]


def test_a_uv_virtual_root_released_by_its_tags_is_noted_for_uvs_setting_not_a_workspace_file(
    tmp_path: Path,
) -> None:
    """The shape: a meson-python root with ``[tool.uv] package = false`` whose version
    is that of each of its last tags; the note said "no workspace file lists it" of the
    root, which is itself the workspace file: it names uv's setting now."""
    uv = "\n[tool.uv]\npackage = false\n"
    repo = History(tmp_path / "r", {"pyproject.toml": project("cairoish", "1.0.0", extra=uv)})
    git(repo.root, "tag", "v1.0.0")
    for version in ("1.1.0", "1.2.0"):
        repo.commit({"pyproject.toml": project("cairoish", version, extra=uv)}, f"v{version}")
    ws = load_workspace(repo.root)
    assert [p.name for p in ws.packages] == ["cairoish"]
    (note,) = [n for n in ws.notes if "is released" in n]
    assert note.startswith("pyproject.toml (cairoish) is released (")
    assert "[tool.uv] package = false keeps uv from building it" in note
    assert "no workspace file lists it" not in note


def test_a_uv_virtual_root_alone_in_its_repository_is_released_by_plain_version_tags(
    tmp_path: Path,
) -> None:
    """The shape: a maturin project whose ``[tool.uv] package = false`` only
    keeps ``uv run`` from building it, released as ``v2.41.5``; relnox said there was no
    package to release. Without a plain version tag, or beside another project, the root
    is still not taken (its tags are not surely its own)."""
    uv = "\n[tool.uv]\npackage = false\n"
    repo = History(tmp_path / "r", {"pyproject.toml": project("core", "2.41.5", extra=uv)})
    with pytest.raises(ConfigError, match="no package to release"):
        load_workspace(repo.root)
    git(repo.root, "tag", "v2.41.5")
    ws = load_workspace(repo.root)
    assert [p.name for p in ws.packages] == ["core"]
    assert any("only project and tags like v2.41.5 release it" in n for n in ws.notes)
    assert plan_bump(ws, BumpOptions(part="patch", tag=True, commit=True)).tags == ["v2.41.6"]
    repo.commit({"tools/pyproject.toml": project("tools", "0.1.0")}, message="a tool")
    with pytest.raises(ConfigError, match="no package to release"):
        load_workspace(repo.root)


def test_a_newer_prefix_nothing_confirms_is_one_finding_naming_the_setting(
    tmp_path: Path,
) -> None:
    """A tag-versioned package tagged ``python-v`` until 0.3.0, then bare ``v0.4.0``: its
    files name no version and no workflow says which tags release it."""
    vcs = '\n[tool.hatch.version]\nsource = "vcs"\n'
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["python/*"]\n',
        "python/kit/pyproject.toml": project("kit", None, backend="hatch-vcs", extra=vcs),
        "python/other/pyproject.toml": project("other", "1.0.0"),
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "kit-v0.3.0")
    repo.commit({"x.txt": "1"}, "release-0.4.0")
    ws = load_workspace(repo.root)
    kit = ws.get("kit")
    assert ws.tag_format_of(kit) == "kit-v{version}"
    (finding,) = [w for w in ws.warnings if w.startswith("kit:")]
    assert "release-{version}" in finding and "kit-v{version}" in finding
    assert 'set tag-format = "release-{version}"' in finding


def test_a_release_train_tag_is_the_stable_lines_and_bumping_one_moves_that_line(
    tmp_path: Path,
) -> None:
    """``v1.44.0`` releases api and sdk at 1.44.0 and, on the same commit, semconv at
    0.65b0: the tag is the stable line's; semconv keeps a convention of its own."""

    def files(stable: str, beta: str) -> dict[str, str]:
        return {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["api", "sdk", "semconv"]\n',
            "api/pyproject.toml": project("train-api", stable),
            "sdk/pyproject.toml": project("train-sdk", stable),
            "semconv/pyproject.toml": project("train-semconv", beta),
        }

    repo = History(tmp_path / "r", files("1.44.0", "0.65b0"))
    git(repo.root, "tag", "v1.44.0")
    repo.commit(files("1.45.0.dev", "0.66b0.dev"))
    ws = load_workspace(repo.root)
    assert ws.tag_format_of(ws.get("train-semconv")) == "{name}-v{version}"
    bump = plan_bump(ws, BumpOptions(part="minor", packages=["train-sdk"], tag=True, commit=True))
    assert bump.versions == {n: ("1.45.0.dev", "1.45.0") for n in ("train-api", "train-sdk")}
    assert bump.tags == ["v1.45.0"]
    assert any("train-api moves with train-sdk" in n for n in bump.notes)


def test_a_sibling_languages_tags_on_the_same_commits_are_not_taken_with_the_new_one(
    tmp_path: Path,
) -> None:
    """python-v0.13.3, then each release tagged v0.14.0 and node-v0.14.0 on one commit."""
    repo = History(tmp_path / "r", {"bindings/python/pyproject.toml": project("tok", "0.13.3")})
    git(repo.root, "tag", "python-v0.13.3")
    for version in ("0.14.0", "0.15.0"):
        repo.commit(
            {"bindings/python/pyproject.toml": project("tok", version)},
            f"v{version}",
            f"node-v{version}",
        )
    ws = load_workspace(repo.root / "bindings" / "python")
    facts = ws.packages[0].tags
    assert facts is not None and ws.tag_format_of(ws.packages[0]) == "v{version}"
    assert facts.convention.accepts == ("v{version}", "python-v{version}")


def test_the_release_workflow_hears_a_maintenance_release_is_not_the_latest(
    tmp_path: Path,
) -> None:
    """resolve-version's step output ``is_latest`` (the plan job's, which the GitHub release
    step turns into ``--latest=false``): false for 1.2.4 on release-1.2.x, true on main."""
    import os

    repo = _maintained(tmp_path)
    repo.commit({"pyproject.toml": project("lib", "1.2.4")}, "v1.2.4")

    def output() -> list[str]:
        out = tmp_path / "github-output"
        out.unlink(missing_ok=True)
        env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(out)}
        env.pop("GITHUB_REF", None)
        run_relnox("resolve-version", cwd=repo.root, env=env, check=True)
        return out.read_text(encoding="utf-8").splitlines()

    assert "is_latest=false" in output()
    git(repo.root, "checkout", "-q", "main")
    assert "is_latest=true" in output()


# tried on real repositories: shapes that broke ----------------------------------------


VCS = '\n[tool.hatch.version]\nsource = "vcs"\n'


def test_a_roots_checkout_directory_named_like_a_member_takes_none_of_its_tags(
    tmp_path: Path,
) -> None:
    """The checkout is ``kit/``, the workspace's dev project sits at its root and the
    released, tag-versioned ``kit`` in ``kit/kit``: ``kit-v*`` tags are the member's,
    and ``kit`` names the member, not the checkout."""
    files = {
        "pyproject.toml": project(
            "kit-dev", "0.3.0", extra='\n[tool.uv.workspace]\nmembers = ["kit"]\n'
        ),
        "kit/pyproject.toml": project("kit", None, backend="hatch-vcs", extra=VCS),
    }
    repo = History(tmp_path / "kit", files)
    git(repo.root, "tag", "kit-v2.0.0")
    ws = load_workspace(repo.root)
    assert (ws.get("kit-dev").released, str(ws.get("kit").released)) == (None, "2.0.0")
    assert ws.tag_for(ws.get("kit-dev"), "0.4.0") == "kit-dev-v0.4.0"


def test_a_root_at_a_local_version_was_never_released_and_takes_no_tags(tmp_path: Path) -> None:
    """``0.1+private``: no index accepts it, so the root is no package, and the bare tags of
    the project that once lived at the root (its file then said nothing of a version) are
    not its releases."""
    old_root = '[project]\nname = "tool"\ndynamic = ["version"]\n'
    repo = History(tmp_path / "r", {"pyproject.toml": old_root})
    git(repo.root, "tag", "v1.15.0")
    extra = '\n[tool.uv.workspace]\nmembers = ["tool"]\n'
    repo.commit(
        {
            "pyproject.toml": project("tool-workspace", "0.1+private", extra=extra),
            "tool/pyproject.toml": project("tool", "2.0.0"),
        },
        "tool-v2.0.0",
    )
    ws = load_workspace(repo.root)
    assert [p.name for p in ws.packages] == ["tool"] and ws.is_unreleased("tool-workspace")
    assert not [c for c in doctor(repo.root).checks if c.status == "error"]


def test_a_newer_prefix_must_take_over_from_the_current_one_not_a_forgotten_one(
    tmp_path: Path,
) -> None:
    """``core-1.0.0.dev0`` tagged once long ago, ``core-v*`` since; ``plugin-v*`` tags
    that the release workflow fires on came after the forgotten tag but before core's
    current ones: they are no new convention of core's."""
    workflow = "on:\n  push:\n    tags: ['plugin-v*']\njobs: {}\n"
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "extra"]\n',
        "core/pyproject.toml": project("core", "1.0.0.dev0"),
        "extra/pyproject.toml": project("extra", "0.1.0"),
        ".github/workflows/release.yml": workflow,
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "core-1.0.0.dev0")
    repo.commit({"plugin.txt": "5.1"}, "plugin-v5.1.0")
    repo.commit({"plugin.txt": "10.2"}, "plugin-v10.2.1")
    repo.commit({"core/pyproject.toml": project("core", "2.3.1")}, "core-v2.3.1")
    ws = load_workspace(repo.root)
    core = ws.get("core")
    assert core.tags is not None and core.tags.last_tag == "core-v2.3.1"
    assert ws.tag_for(core, "2.4.0") == "core-v2.4.0"


def test_projects_their_tool_never_builds_are_not_packages(tmp_path: Path) -> None:
    """poetry's ``package-mode = false`` (a vendoring project) and a uv workspace root
    without a build system are installed, never built: no package, no note."""
    vendors = '[project]\nname = "vendors"\ndynamic = ["version"]\n\n[tool.poetry]\npackage-mode = false\n'
    files = {
        "pyproject.toml": project("engine", "1.0.0"),
        "vendors/pyproject.toml": vendors,
    }
    ws = load_workspace(History(tmp_path / "a", files).root)
    assert [p.name for p in ws.packages] == ["engine"] and not ws.notes
    root = '[project]\nname = "dev"\nversion = "0.1.0"\n\n[tool.uv.workspace]\nmembers = ["lib"]\n'
    files = {"pyproject.toml": root, "lib/pyproject.toml": project("lib", "1.0.0")}
    ws = load_workspace(History(tmp_path / "b", files).root)
    assert [p.name for p in ws.packages] == ["lib"]


def test_a_member_released_under_the_roots_bare_tags_shares_them(tmp_path: Path) -> None:
    """The root and ``sdk-api`` are published together under ``v4.1.0`` (its file names
    4.1.0 there); the api package's stub ``VERSION = '0.0.0'`` for when the root is not
    installed is no version source of it."""
    stub = "try:\n    import sdk\nexcept ImportError:\n    VERSION = '0.0.0'\n"
    files = {
        "pyproject.toml": project("sdk", "4.1.0", extra=WORKSPACE.replace("packages/*", "sdk-api")),
        "sdk-api/pyproject.toml": project("sdk-api", "4.1.0"),
        "sdk-api/sdk_api/__init__.py": stub,
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v4.1.0")
    ws = load_workspace(repo.root)
    api = ws.get("sdk-api")
    assert api.tags is not None and api.tags.last_tag == "v4.1.0"
    assert [loc.path.name for loc in api.locations] == ["pyproject.toml"]
    assert not [c for c in doctor(repo.root).checks if c.status == "error"]
    bump = plan_bump(ws, BumpOptions(part="minor", packages=["sdk-api"], tag=True, commit=True))
    assert bump.versions == {"sdk": ("4.1.0", "4.2.0"), "sdk-api": ("4.1.0", "4.2.0")}
    assert bump.tags == ["v4.2.0"]


def test_a_test_crate_the_workflows_build_is_not_a_released_package(tmp_path: Path) -> None:
    workflow = (
        "on:\n  push:\n    tags: ['v*']\njobs:\n  check:\n    steps:\n"
        "      - run: maturin build -m test-crates/mixed/Cargo.toml\n"
        "      - uses: PyO3/maturin-action@v1\n        with:\n"
        "          working-directory: runtime/linux\n"
    )
    files = {
        "pyproject.toml": project("engine", "0.9.0"),
        "test-crates/mixed/pyproject.toml": project("mixed", "2.1.5"),
        "runtime/linux/pyproject.toml": project("engine-runtime-linux", "0.9.0"),
        ".github/workflows/release.yml": workflow,
    }
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.9.0")
    ws = load_workspace(repo.root)
    assert sorted(p.name for p in ws.packages) == ["engine", "engine-runtime-linux"]


def test_releases_ending_in_zero_tagged_short_get_short_tags(tmp_path: Path) -> None:
    """The shape: version.py says ``2.10.0`` and its tag is ``v2.10`` (``v2.9`` for 2.9.0,
    ``v2.9.1`` for its patch). relnox said v2.10.0 was not created yet and would tag the
    next minor v2.11.0; it now reads 2.10.0 as released and tags v2.11 (patches v2.10.1)."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("rqish", "2.9.0")})
    git(repo.root, "tag", "v2.9")
    repo.commit({"pyproject.toml": project("rqish", "2.9.1")}, "v2.9.1")
    repo.commit({"pyproject.toml": project("rqish", "2.10.0")}, "v2.10")
    repo.commit({"README.md": "work\n"})
    ws = load_workspace(repo.root)
    (pkg,) = ws.packages
    assert ws.tag_for(pkg) == "v2.10"
    tags = [c.detail for c in doctor(repo.root).checks if c.check == "tags rqish"]
    assert tags and tags[0].startswith("v2.10 matches (already released)")
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["v2.11"]
    assert plan_bump(ws, BumpOptions(part="patch", tag=True, commit=True)).tags == ["v2.10.1"]


def test_releases_written_with_zero_and_tagged_short_without_a_patch_release(
    tmp_path: Path,
) -> None:
    """The shape: its file says ``0.61.0`` at ``v0.61`` and no release has a
    patch number, so no tag shows that rule; the file at the newest tag does. relnox said
    v0.61.0 was not created yet and would tag v0.62.0; it now tags v0.62."""
    files = {
        "pyproject.toml": project("memish", dynamic=True),
        "memish.py": "__version__ = '0.60.0'\n",
    }
    files["pyproject.toml"] += "\n[tool.hatch.version]\npath = 'memish.py'\n"
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.60")
    repo.commit({"memish.py": "__version__ = '0.61.0'\n"}, "v0.61")
    repo.commit({"README.md": "work\n"})
    ws = load_workspace(repo.root)
    (pkg,) = ws.packages
    assert ws.tag_for(pkg) == "v0.61"
    tags = [c.detail for c in doctor(repo.root).checks if c.check == "tags memish"]
    assert tags and tags[0].startswith("v0.61 matches (already released)")
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["v0.62"]
    # a file that writes its versions in two parts keeps two-part tags, and says nothing more
    repo.commit({"memish.py": "__version__ = '0.62'\n"}, "v0.62")
    facts = load_workspace(repo.root).packages[0].tags
    assert facts is not None and "tagged without it" not in facts.convention.evidence


def test_a_short_version_not_yet_released_is_tagged_as_long_as_the_releases(
    tmp_path: Path,
) -> None:
    """The shape: libinfo says ``2.5`` (the nightly) after releases tagged ``v2.3.0`` and
    ``v2.4.0`` from files that said 2.4.0. relnox named its tag ``v2.5``; it is ``v2.5.0``,
    as the releases are tagged, while released versions keep their own tags."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("dglish", "2.3.0")})
    git(repo.root, "tag", "v2.3.0")
    repo.commit({"pyproject.toml": project("dglish", "2.4.0")}, "v2.4.0")
    repo.commit({"pyproject.toml": project("dglish", "2.5")})
    ws = load_workspace(repo.root)
    (pkg,) = ws.packages
    assert (ws.tag_for(pkg), ws.tag_for(pkg, "2.4.0")) == ("v2.5.0", "v2.4.0")
    tags = [c.detail for c in doctor(repo.root).checks if c.check == "tags dglish"]
    assert tags and tags[0].startswith("v2.5.0 not created yet")


def test_releases_ending_in_zero_tagged_long_keep_long_tags(tmp_path: Path) -> None:
    """The newest .0 release decides: ``v2.9`` long ago, ``v2.10.0`` since: v2.11.0."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("rqish", "2.9.0")})
    git(repo.root, "tag", "v2.9")
    repo.commit({"pyproject.toml": project("rqish", "2.9.1")}, "v2.9.1")
    repo.commit({"pyproject.toml": project("rqish", "2.10.0")}, "v2.10.0")
    ws = load_workspace(repo.root)
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["v2.11.0"]


def test_a_tag_versioned_package_follows_the_newer_spelling_its_backend_reads(
    tmp_path: Path,
) -> None:
    """The shape: setuptools-scm, ``vcsy-3.2.2`` years ago, ``v18.10.0`` since.
    No file names a version, so relnox kept the old spelling and said the package was at
    3.2.2; git describe (what the backend reads) finds the newer tags, and so does relnox."""
    files = {"pyproject.toml": project("vcsy", None, backend="setuptools-scm"), "vcsy.py": ""}
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "vcsy-3.2.2")
    repo.commit({"a.txt": "1"}, "v18.9.0")
    repo.commit({"a.txt": "2"}, "v18.10.0")
    repo.commit({"a.txt": "3"})
    ws = load_workspace(repo.root)
    (pkg,) = ws.packages
    assert pkg.version == "18.10.0"
    assert pkg.tags is not None and pkg.tags.convention.format == "v{version}"
    assert plan_bump(ws, BumpOptions(part="minor", tag=True)).tags == ["v18.11.0"]


def test_floating_action_tags_beside_the_releases_do_not_spell_them(tmp_path: Path) -> None:
    """The shape: releases tagged ``1.2.7``, ``1.3.0`` (many), and a GitHub
    Action's floating ``v1``, ``v1.2``, ``v1.3`` on the same commits. relnox took the
    floating spelling (v1.3 sorts after 1.3.0) as the convention and the last release."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("bumpish", "1.2.6")})
    git(repo.root, "tag", "1.2.6")
    repo.commit({"pyproject.toml": project("bumpish", "1.2.7")}, "1.2.7", "v1.2")
    repo.commit({"pyproject.toml": project("bumpish", "1.3.0")}, "1.3.0", "v1.3", "v1")
    repo.commit({"README.md": "work\n"})
    ws = load_workspace(repo.root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}"
    assert (pkg.tags.last_tag, pkg.tags.highest_tag) == ("1.3.0", "1.3.0")
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["1.4.0"]


def test_a_tag_versioned_package_does_not_follow_a_newer_named_prefix(tmp_path: Path) -> None:
    """Only a bare spelling (``v18.10.0``) is taken on describe's word alone: a later
    ``chart-1.2.0`` is another thing's release, and the package keeps ``v``."""
    files = {"pyproject.toml": project("vcsy", None, backend="setuptools-scm"), "vcsy.py": ""}
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "v0.5.0")
    repo.commit({"a.txt": "1"}, "chart-1.2.0")
    (pkg,) = load_workspace(repo.root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "v{version}"


def test_a_release_tagged_again_with_a_number_after_a_hyphen_is_stepped_over(
    tmp_path: Path,
) -> None:
    """The shape: main at 2.15.2, its release branches tagged ``sdk-2.16.0``
    and ``sdk-2.17.0-1`` (2.17.0 tagged again; its version file says 2.17.0 there). PEP 440
    reads ``2.17.0-1`` as ``2.17.0.post1``, and a minor bump proposed 2.17.0, a version
    already published; it steps over both to 2.18.0, and ``--to 2.17.0`` names the tag."""
    files = {"pyproject.toml": project("kit", "2.15.2")}
    repo = History(tmp_path / "r", files)
    git(repo.root, "tag", "kit-2.15.2")
    for version, tag in (("2.16.0", "kit-2.16.0"), ("2.17.0", "kit-2.17.0-1")):
        git(repo.root, "checkout", "-q", "-b", f"release-{version}", "main")
        repo.commit({"pyproject.toml": project("kit", version)}, tag)
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"fix.txt": "on main"})
    ws = load_workspace(repo.root)
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"kit": ("2.15.2", "2.18.0")}
    with pytest.raises(
        VersionError, match=r"2\.17\.0 was already released \(its tag kit-2\.17\.0-1 exists"
    ):
        plan_bump(ws, BumpOptions(to="2.17.0"))


def test_a_next_line_s_marker_tag_on_the_branch_point_is_not_a_release_branch_s_last(
    tmp_path: Path,
) -> None:
    """main tags ``v3.1.0rc0`` on the commit its release branch starts from (the files say
    3.0.0rc0 there: a marker of the next line, no release); the branch releases 3.0.0rc1 and
    3.0.0. On the branch at v3.0.0 the last release is v3.0.0 and nothing changed since (the
    marker was taken for a pre-release of the line ahead of it, four commits before)."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "3.0.0rc0")})
    git(repo.root, "tag", "v3.0.0rc0")
    repo.commit({"fix.txt": "1"}, "v3.1.0rc0")
    git(repo.root, "checkout", "-q", "-b", "v3.0.x")
    repo.commit({"pyproject.toml": project("lib", "3.0.0rc1")}, "v3.0.0rc1")
    repo.commit({"pyproject.toml": project("lib", "3.0.0")}, "v3.0.0")
    ws = load_workspace(repo.root)
    assert [(row.last_tag, row.changed) for row in plan(ws)] == [("v3.0.0", False)]
