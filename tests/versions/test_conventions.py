"""Tag conventions read from real git tags: every spelling real repositories use."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from packaging.version import Version

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.errors import GitError, VersionError
from relnox.project.changes import plan
from relnox.project.discovery import discover, load_workspace
from relnox.release.ci_tags import check_tag
from relnox.release.doctor import doctor
from relnox.release.tagging import TagOptions, plan_tags
from relnox.versions.tag_model import split_tag, stem
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

INIT = '__version__ = "{}"\n'


@pytest.mark.parametrize(
    ("tag", "prefix", "version"),
    [
        ("1.6.0", "", "1.6.0"),
        ("v1.6.0", "v", "1.6.0"),
        ("agent-v0.8.4", "agent-v", "0.8.4"),
        ("name==4.2.0", "name==", "4.2.0"),
        ("pkg@1.0.0rc1", "pkg@", "1.0.0rc1"),
        ("py2-lib-1.0.0", "py2-lib-", "1.0.0"),
        ("v1.6.5rel", "v", "1.6.5"),  # a word after the version
        ("v1.7.4.1rel", "v", "1.7.4.1"),
    ],
)
def test_split_tag(tag: str, prefix: str, version: str) -> None:
    assert split_tag(tag) == (prefix, Version(version))


def test_stem_drops_separators_and_v() -> None:
    assert [stem(p) for p in ("agent-v", "v", "", "name==", "pkg@", "python-v")] == [
        "agent",
        "",
        "",
        "name",
        "pkg",
        "python",
    ]
    assert split_tag("not-a-release") is None


def test_a_name_ending_in_a_digit_keeps_it_before_an_underscored_version() -> None:
    """gmpy's ``gmpy2_2_2_0`` (2.2.0 of gmpy2) was split as ``gmpy`` and 2.2.2.0, which made
    the format ``gmpy{version_underscored}`` and --part minor give 2.3.0.0 after 2.3.0a1: a
    digit written right after a name's letters is the name's when the text after the next
    separator is a version too."""
    assert split_tag("gmpy2_2_2_0") == ("gmpy2_", Version("2.2.0"))
    assert split_tag("gmpy2-2.1.5") == ("gmpy2-", Version("2.1.5"))
    assert split_tag("h5py3_1_0_2") == ("h5py3_", Version("1.0.2"))
    assert split_tag("v2_2_1_0") == ("v", Version("2.2.1.0"))  # v marks the version
    assert split_tag("release-v2.0") == ("release-v", Version("2.0"))
    # a version of three numbers or fewer is not cut: r3.1.0 is 3.1.0
    assert split_tag("r3.1.0") == ("r", Version("3.1.0"))
    assert split_tag("rel3_1_0") == ("rel", Version("3.1.0"))


def test_a_newer_spelling_that_reaches_higher_is_said_with_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: ``gmpy2_2_2_0`` (2024) is the highest final release, and
    ``gmpy2-2.3.0a1`` (2025) came after it in the other spelling. relnox spells new tags as
    the highest release's and says so, naming the setting that follows the newer one."""
    files = {
        "pyproject.toml": project("gmpy2", "2.3.0a1", backend="setuptools"),
        "gmpy2/__init__.py": "",
    }
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2023-01-02T12:00:00+00:00")
    root = repo(tmp_path / "r", files, tags=["gmpy2-2.1.5"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-06-29T12:00:00+00:00")
    commit(root, {"a.txt": "a"}, "gmpy2_2_2_0")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-08-22T12:00:00+00:00")
    commit(root, {"b.txt": "b"}, "gmpy2-2.3.0a1")
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "gmpy2_{version_underscored}"
    assert pkg.tags.finding is not None
    assert 'tag-format = "gmpy2-{version}"' in pkg.tags.finding
    assert "newest gmpy2-2.3.0a1" in pkg.tags.finding


def test_a_tag_that_is_a_year_and_a_month_is_no_version() -> None:
    """A tag ``2025-03`` (the month of an announcement): PEP 440 reads it as
    2025.post3, which relnox took for the package's last release."""
    assert split_tag("2025-03") is None
    assert split_tag("release-2024-12") is None
    assert split_tag("1.0-1") == ("", Version("1.0.post1"))  # a post release stays one
    assert split_tag("v2025.3.0") == ("v", Version("2025.3.0"))


def test_bare_tags_with_setuptools_scm_give_the_real_version(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("plug", None, backend="setuptools-scm"),
            "src/plug/__init__.py": "",
        },
        tags=["1.5.0", "v1.5.1"],
    )
    commit(root, {"x.txt": "x"}, "1.6.0")
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.vcs_versioned) == ("1.6.0", True)
    assert pkg.tags is not None and pkg.tags.convention.accepts == ("{version}", "v{version}")
    bump = plan_bump(
        load_workspace(root), BumpOptions(part="minor", tag=True, commit=True, allow_dirty=True)
    )
    assert bump.tags == ["1.7.0"]  # the spelling of the newest release tag
    out = run_relnox("doctor", cwd=root).stdout
    assert "1.6.0 comes from the tags" in out and "0.0.0" not in out


def test_tags_that_name_nothing_are_an_error_for_a_tag_versioned_package(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("plug", None, backend="setuptools-scm")},
        tags=["release-1.0", "release-1.1"],
    )
    ws = discover(root)
    assert not ws.packages
    (problem,) = ws.problems
    assert "release-1.1" in problem and 'tag-format = "release-{version}"' in problem
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 1 and "0.0.0" not in proc.stdout + proc.stderr


def _monorepo(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/python/*"]\n',
        "libs/python/agent/pyproject.toml": project("cua-agent", "0.8.4"),
        "libs/python/cua-sandbox/pyproject.toml": project("cua-sandbox", "0.4.3"),
        "libs/python/cua-cli/pyproject.toml": project("cua-cli", "0.1.15"),
        "libs/python/fresh/pyproject.toml": project("cua-fresh", "0.1.0"),
    }
    return repo(
        tmp_path / "mono",
        files,
        tags=["agent-v0.8.3", "agent-v0.8.4", "sandbox-v0.4.3", "cli-v0.1.15", "cli-v0.1.14"],
    )


def test_per_package_prefixes_learned_from_history(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    ws = load_workspace(root)
    formats = {p.name: ws.tag_format_of(p) for p in ws.packages}
    assert formats == {
        "cua-agent": "agent-v{version}",
        "cua-sandbox": "sandbox-v{version}",
        "cua-cli": "cli-v{version}",
        # no tags yet: its name as the others spell theirs (agent-v, as the agent's), said so
        "cua-fresh": "fresh-v{version}",
    }
    agent = ws.get("cua-agent")
    assert (
        agent.tags is not None
        and "inferred from 2 tags like agent-v0.8.4" in agent.tags.convention.evidence
    )
    rows = {row.name: row for row in plan(ws)}
    assert rows["cua-cli"].last_tag == "cli-v0.1.15" and not rows["cua-cli"].changed
    bump = plan_bump(ws, BumpOptions(part="minor", packages=["cua-sandbox"], commit=True, tag=True))
    assert bump.tags == ["sandbox-v0.5.0"]
    data = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    by_name = {row["name"]: row for row in data["packages"]}
    assert by_name["cua-agent"]["tag_format"] == "agent-v{version}"
    assert by_name["cua-agent"]["last_tag"] == "agent-v0.8.4"
    assert by_name["cua-agent"]["primary"] == "libs/python/agent/pyproject.toml [project].version"
    assert [c.tag for c in check_tag(ws, "sandbox-v0.4.3")] == ["sandbox-v0.4.3"]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["core-v0.1.8", "core-v0.1.9"], "core-v{version}"),
        (["core@0.1.9"], "core@{version}"),
        (["core==0.1.9"], "core=={version}"),
        (["acme-core-v0.1.9"], "acme-core-v{version}"),
    ],
)
def test_name_and_dir_spellings(tmp_path: Path, tags: list[str], expected: str) -> None:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "libs/core/pyproject.toml": project("acme-core", "0.1.9"),
        "libs/web/pyproject.toml": project("acme-web", "0.2.0"),
    }
    root = repo(tmp_path / "r", files, tags=tags)
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("acme-core")) == expected
    assert ws.tag_for(ws.get("acme-core"), "0.2.0") == expected.format(version="0.2.0")


def test_one_tag_for_a_whole_directory(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["python/*"]\n',
        "python/alpha/pyproject.toml": project("alpha", "0.7.5"),
        "python/beta/pyproject.toml": project("beta", "0.7.5"),
    }
    root = repo(tmp_path / "r", files, tags=["python-v0.7.4", "python-v0.7.5"])
    ws = load_workspace(root)
    assert {ws.tag_for(p) for p in ws.packages} == {"python-v0.7.5"}
    assert {p.name for p, _v in ws.match_tag("python-v0.7.5")} == {"alpha", "beta"}
    assert "one tag for the whole directory" in (ws.packages[0].tags.convention.evidence or "")  # type: ignore[union-attr]


def test_a_prefix_two_packages_could_own_is_settled_by_the_tagged_commit(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
        "pkgs/a/pyproject.toml": project("acme-cli-tools", "1.0.0"),
        "pkgs/b/pyproject.toml": project("other-cli", "3.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["cli-v3.0.0"])
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("other-cli")) == "cli-v{version}"
    assert ws.tag_format_of(ws.get("acme-cli-tools")) == "{name}-v{version}"


def test_configured_formats_win(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": (
            '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
            '[tool.relnox.tag-formats]\nacme-web = "website/{version}"\n'
        ),
        "libs/core/pyproject.toml": project(
            "acme-core", "0.1.9", extra='[tool.relnox]\ntag-format = "c{version}"\n'
        ),
        "libs/web/pyproject.toml": project("acme-web", "0.2.0"),
    }
    root = repo(tmp_path / "r", files, tags=["core-v0.1.9"])
    ws = load_workspace(root)
    assert ws.tag_for(ws.get("acme-core")) == "c0.1.9"
    assert ws.tag_for(ws.get("acme-web")) == "website/0.2.0"
    assert "configured" in ws.get("acme-web").tags.convention.evidence  # type: ignore[union-attr]


def test_newest_release_on_a_release_branch_bounds_the_bump(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": project("lib", "1.6.0")}, tags=["v1.6.0"])
    git(root, "checkout", "-q", "-b", "release-1.6")
    commit(root, {"pyproject.toml": project("lib", "1.6.1")}, "v1.6.1")
    git(root, "checkout", "-q", "main")
    commit(root, {"README.md": "work on main\n"})
    ws = load_workspace(root)
    assert str(ws.packages[0].released) == "1.6.1"
    # main's next patch is the next one nobody released: 1.6.1 is stepped over, said in a
    # note, and plan --part patch says the same (main at 5.6.2 after 5.6.3)
    patch = plan_bump(ws, BumpOptions(part="patch"))
    assert patch.versions == {"lib": ("1.6.0", "1.6.2")}
    assert any(
        "1.6.1 was already released (tag v1.6.1, on another branch)" in n for n in patch.notes
    )
    assert [row.next_version for row in plan(ws, "patch")] == ["1.6.2"]
    with pytest.raises(VersionError, match=r"1\.6\.1 was already released \(its tag v1\.6\.1"):
        plan_bump(ws, BumpOptions(to="1.6.1"))
    # above every release HEAD holds and nowhere released: a maintenance release (issue 24)
    backport = plan_bump(ws, BumpOptions(to="1.6.0.post1"))
    assert any("1.6.0.post1 is a maintenance release" in n for n in backport.notes)
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"lib": ("1.6.0", "1.7.0")}
    doctor = run_relnox("doctor", cwd=root).stdout
    assert "tag v1.6.1 is newer than 1.6.0" in doctor


def test_backend_describe_match_narrows_the_tags_and_a_side_project_is_named(
    tmp_path: Path,
) -> None:
    extra = (
        '[tool.hatch.version]\nsource = "vcs"\n'
        "[tool.hatch.version.raw-options]\n"
        'git_describe_command = ["git", "describe", "--dirty", "--tags", "--long", "--match", "hatch-v*"]\n'
    )
    files = {
        "pyproject.toml": project("hatch", None, backend="hatch-vcs", extra=extra),
        "src/hatch/__init__.py": "",
        "backend/pyproject.toml": project(
            "hatchling", None, extra='[tool.hatch.version]\npath = "src/hatchling/__about__.py"\n'
        ),
        "backend/src/hatchling/__about__.py": INIT.format("1.27.0"),
    }
    root = repo(tmp_path / "r", files, tags=["hatch-v1.13.0", "hatchling-v1.27.0", "hatch-v1.14.0"])
    ws = load_workspace(root)
    pkg = ws.get("hatch")
    assert (pkg.name, pkg.version) == ("hatch", "1.14.0")
    assert "--match hatch-v*" in pkg.tags.convention.evidence  # type: ignore[union-attr]
    assert ws.tag_for(pkg, "1.15.0") == "hatch-v1.15.0"
    # the backend has release tags of its own: it is released too (issue 22, 5)
    assert ws.tag_for(ws.get("hatchling"), "1.28.0") == "hatchling-v1.28.0"
    (note,) = ws.notes
    assert "backend is released (tags named hatchling exist)" in note


def test_a_describe_command_of_two_globs_under_scm_git_reads_the_anchor_tag(
    tmp_path: Path,
) -> None:
    """The shape: releases are tagged on release branches (v1.9.0, v1.9.2), and an
    anchor ``dummy-v1.9.0`` on main, which ``[tool.setuptools_scm.scm.git] describe_command``
    matches beside ``v*`` (``--match v* --match dummy-v*``). relnox read neither that table
    nor the second glob: main's version was an old v1.1.18 and --part patch proposed
    1.1.19 below 1.9.2. It is 1.9.0, and new tags are spelled v{version}."""
    extra = (
        '[tool.setuptools_scm]\nversion_file = "optish/_version.py"\n'
        "[tool.setuptools_scm.scm.git]\n"
        'describe_command = ["git", "describe", "--dirty", "--tags", "--long", '
        '"--match", "v*", "--match", "dummy-v*"]\n'
    )
    files = {
        "pyproject.toml": project("optish", None, backend="setuptools-scm", extra=extra),
        "optish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v1.1.18"])
    commit(root, {"a.txt": "a"}, "dummy-v1.9.0")
    git(root, "checkout", "-q", "-b", "release/1.9.x")
    commit(root, {"b.txt": "b"}, "v1.9.0")
    commit(root, {"c.txt": "c"}, "v1.9.2")
    git(root, "checkout", "-q", "main")
    commit(root, {"d.txt": "d"})
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "1.9.0"
    assert pkg.tags is not None and "--match v* --match dummy-v*" in pkg.tags.convention.evidence
    ws = load_workspace(root)
    assert ws.tag_for(pkg, "1.10.0") == "v1.10.0"
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"optish": ("1.9.0", "1.10.0")}
    # a patch of main's line, 1.9.0, as any maintenance release: never 1.1.19
    assert plan_bump(ws, BumpOptions(part="patch")).versions["optish"][1] == "1.9.1"


@pytest.mark.parametrize(
    "rule",
    [
        """git_describe_command = 'git describe --tags --match="pkgs/{dir}-v[0-9]*"'""",
        "tag-pattern = 'pkgs\\/{dir}-v(?P<version>.*)'",
    ],
)
def test_a_first_tag_is_spelled_as_the_backends_own_rule_asks(tmp_path: Path, rule: str) -> None:
    """No tag of ``pkgs/new_one`` yet: its first one must be what its describe will match."""

    def member(name: str, dir: str) -> str:
        extra = f'[tool.hatch.version]\nsource = "vcs"\n{rule.format(dir=dir)}\n'
        if "describe" in rule:
            extra = f'[tool.hatch.version]\nsource = "vcs"\n[tool.hatch.version.raw-options]\n{rule.format(dir=dir)}\n'
        return project(name, None, backend="hatch-vcs", extra=extra)

    files = {
        "pkgs/old_one/pyproject.toml": member("old-one-x", "old_one"),
        "pkgs/new_one/pyproject.toml": member("new-one-x", "new_one"),
    }
    root = repo(tmp_path / "r", files, tags=["pkgs/old_one-v1.2.0"])
    ws = load_workspace(root)
    assert ws.get("old-one-x").version == "1.2.0"
    new = ws.get("new-one-x")
    assert ws.tag_for(new, "0.1.0") == "pkgs/new_one-v0.1.0"
    bump = plan_bump(ws, BumpOptions(part="minor", packages=["new-one-x"], tag=True, commit=True))
    assert bump.tags == ["pkgs/new_one-v0.1.0"]


def test_shallow_clone_refuses_what_needs_tags(tmp_path: Path) -> None:
    origin = repo(tmp_path / "origin", {"pyproject.toml": project("lib", "1.0.0")}, tags=["v1.0.0"])
    commit(origin, {"a.txt": "a"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    ws = load_workspace(clone)
    with pytest.raises(GitError, match=r"shallow clone.*fetch --unshallow"):
        plan(ws)
    with pytest.raises(GitError, match="shallow clone"):
        plan_tags(ws, TagOptions(missing=True))
    with pytest.raises(GitError, match="shallow clone"):
        plan_bump(ws, BumpOptions(part="minor", changed_only=True))
    proc = run_relnox("plan", cwd=clone)
    assert proc.returncode == 1 and "shallow clone" in proc.stderr


def test_a_shallow_clone_refuses_a_bump_that_picks_the_version(tmp_path: Path) -> None:
    """v1.1.0 is released but not fetched: --part minor would offer it again. The bump
    relnox computes needs every tag; --to names the version, so it still runs."""
    origin = repo(
        tmp_path / "origin", {"pyproject.toml": project("lib", "1.0.0")}, tags=["v1.0.0", "v1.1.0"]
    )
    commit(origin, {"a.txt": "a"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{origin}", str(clone))
    for args in (["--part", "minor"], ["--part", "minor", "--dry-run"], ["--pre", "rc"]):
        proc = run_relnox("bump", *args, "--no-commit", cwd=clone)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
        assert "is a shallow clone, so bump --" in proc.stderr
        assert "git fetch --unshallow --tags" in proc.stderr
    assert 'version = "1.0.0"' in (clone / "pyproject.toml").read_text()
    chosen = run_relnox("bump", "--to", "1.2.0.dev3", "--no-commit", cwd=clone)
    assert chosen.returncode == 0, chosen.stderr
    assert 'version = "1.2.0.dev3"' in (clone / "pyproject.toml").read_text()


def test_an_old_pre_release_above_the_line_does_not_block_it(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": project("client", "0.27.0")}, tags=["0.27.0"])
    commit(root, {"pyproject.toml": project("client", "1.0.0b0")}, "1.0.0.beta0")
    commit(root, {"pyproject.toml": project("client", "0.28.1")}, "0.28.1")
    git(root, "tag", "-f", "0.28.1")  # same second as the beta: creation order decides
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.reachable_tag == "0.28.1"
    assert str(pkg.tags.highest) == "0.28.1"
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"client": ("0.28.1", "0.29.0")}
    with pytest.raises(VersionError, match=r"1\.0\.0b0 was already released"):
        plan_bump(ws, BumpOptions(to="1.0.0b0"))
    assert "newer than" not in run_relnox("doctor", cwd=root).stdout


def test_a_token_prefix_the_tagged_commit_contradicts_is_another_projects(
    tmp_path: Path,
) -> None:
    """``bench-v0.2.11`` tags a project outside the workspace, not ``acme-bench-ui`` at 0.7.0."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/python/*"]\n',
        "libs/python/bench-ui/pyproject.toml": project("acme-bench-ui", "0.7.0"),
        "libs/python/core/pyproject.toml": project("acme-core", "0.3.1"),
        "libs/bench/package.json": '{"name": "acme-bench", "version": "0.2.11"}\n',
    }
    root = repo(tmp_path / "r", files, tags=["bench-v0.2.11", "core-v0.3.1"])
    ws = load_workspace(root)
    ui = ws.get("acme-bench-ui")
    assert ws.tag_for(ui) == "bench-ui-v0.7.0" and ui.released is None  # as its siblings
    assert ws.tag_format_of(ws.get("acme-core")) == "core-v{version}"
    commit(root, {"libs/python/bench-ui/pyproject.toml": project("acme-bench-ui", "0.2.12")})
    git(root, "tag", "bench-v0.2.12")  # now the tagged commit agrees: the prefix is its own
    again = load_workspace(root)
    assert again.tag_format_of(again.get("acme-bench-ui")) == "bench-v{version}"


def test_a_token_prefix_with_one_agreeing_tag_is_the_packages_even_if_newer_ones_disagree(
    tmp_path: Path,
) -> None:
    """``fleet-v0.0.2`` tagged the file at 0.0.2; ``fleet-v0.1.4`` was built elsewhere.

    The prefix is still the package's, and its file is below its released version:
    a bump that would not pass 0.1.4 is refused instead of proposing a downgrade.
    """
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "libs/acme-fleet/pyproject.toml": project("acme-fleet", "0.0.2"),
        "libs/acme-core/pyproject.toml": project("acme-core", "0.3.1"),
    }
    root = repo(tmp_path / "r", files, tags=["fleet-v0.0.2", "core-v0.3.1"])
    commit(root, {"ci.txt": "wheels of 0.1.4 come from another repository"}, "fleet-v0.1.4")
    ws = load_workspace(root)
    fleet = ws.get("acme-fleet")
    assert ws.tag_format_of(fleet) == "fleet-v{version}"
    assert fleet.tags is not None and str(fleet.tags.highest) == "0.1.4"
    with pytest.raises(VersionError, match=r"0\.1\.0 is not above 0\.1\.4.*fleet-v0\.1\.4"):
        plan_bump(ws, BumpOptions(part="minor", packages=["acme-fleet"]))
    planned = plan_bump(ws, BumpOptions(part="minor"))  # the others are not blocked
    assert planned.versions == {"acme-core": ("0.3.1", "0.4.0")}
    assert any(
        n.startswith("warning: acme-fleet is left out of this bump: ") for n in planned.notes
    )
    out = run_relnox("doctor", cwd=root, check=False).stdout
    assert "fleet-v0.1.4 is newer than 0.0.2" in out


def test_a_tag_its_own_commit_contradicts_is_named_in_the_refusals(tmp_path: Path) -> None:
    """``a-v999.0`` beside ``v1.0`` on the commit whose pyproject says 1.0: relnox keeps the
    package's own name as its convention, and the refusals (bump, doctor) say the tag's
    commit says 1.0 and how to settle it, rather than only "bump above 999.0"."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("a", "1.0")}, tags=["v1.0", "a-v999.0"])
    commit(root, {"a/x.py": "x = 1\n"})
    hint = (
        "but pyproject.toml says 1.0 at its commit: a release whose version was set at build "
        "time, another project's tag (then set tag-format in the package's [tool.relnox]) or a "
        "mistake (then delete it: git tag -d a-v999.0, and git push origin :refs/tags/a-v999.0 "
        "if it was pushed)"
    )
    with pytest.raises(VersionError) as refused:
        plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert str(refused.value) == (
        f"a: 1.1 is not above 999.0, which tag a-v999.0 already released, {hint}; "
        "bump to a higher version (--to or another --part)"
    )
    row = {r.check: r for r in doctor(root).checks}["tags a"]
    assert (row.status, row.detail) == (
        "error",
        f"tag a-v999.0 is newer than 1.0 in pyproject.toml, {hint}; bump the version above it",
    )
    # a tag its commit agrees with gets no such clause
    commit(root, {"pyproject.toml": project("a", "1000.0")}, "a-v1000.0")
    commit(root, {"pyproject.toml": project("a", "999.5")})
    with pytest.raises(VersionError) as refused:
        plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert str(refused.value).endswith(
        "tag a-v1000.0 already released; bump to a higher version (--to or another --part)"
    )


def test_a_higher_tag_on_a_commit_without_the_package_is_said_to_be_ambiguous(
    tmp_path: Path,
) -> None:
    root = repo(tmp_path / "r", {"js/cli/package.json": "{}\n"}, tags=["tool-v0.1.8"])
    commit(
        root,
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["py/*"]\n',
            "py/tool/pyproject.toml": project("tool", "0.1.6"),
            "py/core/pyproject.toml": project("tool-core", "1.0.0"),
        },
        "tool-v0.1.6",
        "tool-core-v1.0.0",
    )
    row = {r.check: r for r in doctor(root).checks}["tags tool"]
    assert row.status == "warn"
    assert row.detail.startswith(
        "tag tool-v0.1.8 is newer than 0.1.6 but tags a commit without py/tool/pyproject.toml; "
        "if it is another project's, set tag-format in tool's [tool.relnox]"
    )
    with pytest.raises(VersionError, match=r"0\.1\.7 is not above 0\.1\.8"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", packages=["tool"]))


def test_tag_versioned_members_share_the_repositorys_bare_tags(tmp_path: Path) -> None:
    """Every member reads v2.33.0 as its backend's git describe does; they move together."""
    vcs = '\n[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n'
    files = {
        "pyproject.toml": project("agentkit", None, backend="hatch-vcs", extra=vcs)
        + '\n[tool.uv.workspace]\nmembers = ["slim", "evals"]\n',
        "slim/pyproject.toml": project("agentkit-slim", None, backend="hatch-vcs", extra=vcs),
        "evals/pyproject.toml": project("agentkit-evals", None, backend="hatch-vcs", extra=vcs),
    }
    root = repo(tmp_path / "r", files, tags=["v2.32.0", "v2.33.0"])
    ws = load_workspace(root)
    assert {p.name: p.version for p in ws.packages} == dict.fromkeys(
        ("agentkit", "agentkit-slim", "agentkit-evals"), "2.33.0"
    )
    assert plan_bump(ws, BumpOptions(part="minor")).tags == ["v2.34.0"]
    # one shared tag: naming one member moves the group, and the plan says so (issue 22, 4)
    moved = plan_bump(ws, BumpOptions(part="minor", packages=["agentkit-evals"]))
    assert set(moved.versions) == {"agentkit", "agentkit-slim", "agentkit-evals"}
    assert any("move with agentkit-evals" in n for n in moved.notes)


def test_one_tag_named_after_one_package_for_several_released_together_is_named_not_guessed(
    tmp_path: Path,
) -> None:
    """``core@1.2.0`` marks the plugin at 1.2.0 too; its own tags stopped at 0.2.0."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
        "pkgs/core/pyproject.toml": project("core", "0.9.0"),
        "pkgs/plugin-x/pyproject.toml": project("plugin-x", "0.2.0"),
    }
    root = repo(tmp_path / "r", files, tags=["core@0.9.0", "plugin-x@0.2.0"])
    commit(
        root,
        {
            "pkgs/core/pyproject.toml": project("core", "1.2.0"),
            "pkgs/plugin-x/pyproject.toml": project("plugin-x", "1.2.0"),
        },
        "core@1.2.0",
    )
    commit(root, {"pkgs/core/notes.txt": "later"})
    out = run_relnox("doctor", cwd=root).stdout
    assert "plugin-x@1.2.0 not created yet, but core@1.2.0 of core tags a commit" in out
    assert 'tag-format = "core@{version}"' in out
    config = '\n[tool.relnox]\nlockstep = true\ntag-format = "core@{version}"\n'
    commit(root, {"pyproject.toml": files["pyproject.toml"] + config})
    ws = load_workspace(root)
    assert {ws.tag_for(p) for p in ws.packages} == {"core@1.2.0"}
    assert "not created yet, but" not in run_relnox("doctor", cwd=root).stdout
    assert plan_bump(ws, BumpOptions(part="minor", tag=True, commit=True)).tags == ["core@1.3.0"]


def test_tags_spelled_without_separators_and_bare_tags_of_one_package_among_several(
    tmp_path: Path,
) -> None:
    """No root project: ``1.2.11`` is the package whose file said 1.2.11 at that tag;
    ``checkpointpostgres==3.1.2`` is ``libs/checkpoint-postgres``'s."""
    files = {
        "libs/graph/pyproject.toml": project("acme-graph", "1.2.11"),
        "libs/checkpoint-postgres/pyproject.toml": project("acme-checkpoint-postgres", "3.1.2"),
        "libs/checkpoint/pyproject.toml": project("acme-checkpoint", "4.2.0"),
    }
    root = repo(
        tmp_path / "r", files, tags=["1.2.11", "checkpointpostgres==3.1.2", "checkpoint==4.2.0"]
    )
    ws = load_workspace(root)
    assert {p.name: ws.tag_format_of(p) for p in ws.packages} == {
        "acme-graph": "{version}",
        "acme-checkpoint-postgres": "checkpointpostgres=={version}",
        "acme-checkpoint": "checkpoint=={version}",
    }
    graph = ws.get("acme-graph")
    assert graph.tags is not None and str(graph.tags.highest) == "1.2.11"
    assert plan_bump(
        ws, BumpOptions(part="minor", packages=["acme-graph"], tag=True, commit=True)
    ).tags == ["1.3.0"]
    # two packages at the tagged version, one of them with tags of its own: that one's
    # agreement is a coincidence, the bare tags stay acme-graph's
    commit(root, {"libs/checkpoint/pyproject.toml": project("acme-checkpoint", "1.3.0")})
    commit(root, {"libs/graph/pyproject.toml": project("acme-graph", "1.3.0")}, "1.3.0")
    again = load_workspace(root)
    assert again.tag_format_of(again.get("acme-graph")) == "{version}"
    assert again.tag_format_of(again.get("acme-checkpoint")) == "checkpoint=={version}"


def test_tags_that_name_no_package_of_static_versions_warn_but_pass_check_versions(
    tmp_path: Path,
) -> None:
    """``v1.44.0`` marks a release train of packages with versions of their own."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["api", "sdk"]\n',
        "api/pyproject.toml": project("train-api", "1.45.0.dev0"),
        "sdk/pyproject.toml": project("train-sdk", "0.66b0.dev0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.44.0"])
    proc = run_relnox("check-versions", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert 'tag-format = "v{version}", as v1.44.0' in proc.stdout
    assert json.loads(run_relnox("check-versions", "--json", cwd=root).stdout)["warnings"]


def test_the_only_package_at_a_local_dev_version_keeps_its_tags(tmp_path: Path) -> None:
    """``2.4.0+dev`` between releases (its build adds the commit): the bare tags of the
    only package are still its releases, so new tags are spelled like them."""
    files = {"pyproject.toml": project("typer-x", "2.3.1")}
    root = repo(tmp_path / "r", files, tags=["2.3.0"])
    commit(root, {"pyproject.toml": project("typer-x", "2.3.1")}, "2.3.1")
    commit(root, {"pyproject.toml": project("typer-x", "2.4.0+dev")})
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.last_tag == "2.3.1"
    assert pkg.tags.convention.format == "{version}"
    assert pkg.tags.convention.evidence.startswith("inferred from 2 tags like 2.3.1")


def test_tags_with_a_word_after_the_version_are_the_packages_tags(tmp_path: Path) -> None:
    """``v1.6.5rel``: ``rel`` after every release's version since
    its first years (``v1.0.1`` before). relnox read none of them: its last release was
    ``v1.0.1`` and a minor bump tagged ``v1.7.0``. They are its releases, and new tags
    end in ``rel`` too."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("cftimeish", "1.0.1")}, ["v1.0.1"])
    for version in ("1.5.0", "1.6.0", "1.6.5"):
        commit(root, {"pyproject.toml": project("cftimeish", version)}, f"v{version}rel")
    commit(root, {"pyproject.toml": project("cftimeish", "1.6.6")})
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.format == "v{version}rel"
    assert (pkg.tags.last_tag, str(pkg.tags.last)) == ("v1.6.5rel", "1.6.5")
    assert ws.tag_for(pkg, "1.7.0") == "v1.7.0rel"
    assert split_tag("v1.0.0-beta") == ("v", Version("1.0.0b0"))  # a pre-release, not a word
    assert split_tag("v1.0-windows") is None  # another word names no release
    assert split_tag("v1-prerelease") is None  # the word is the version's, not after it


def test_versions_spelled_with_underscores_are_the_only_packages_tags(tmp_path: Path) -> None:
    """``rel_2_0_50``, ``rel_2_1_0b3``: the release's dots written as underscores. The only
    package's file names each tag's version at its commit, so they are its tags; new tags
    are spelled the same way (never ``rel_2_0_{version}``, which would read 50 as a version)."""
    extra = (
        '[tool.setuptools.dynamic]\nversion = {attr = "alch.__version__"}\n'
        '[tool.setuptools.packages.find]\nwhere = ["lib"]\n'
    )
    files = {
        "pyproject.toml": project("alch", None, backend="setuptools", extra=extra),
        "lib/alch/__init__.py": INIT.format("2.0.50"),
    }
    root = repo(tmp_path / "r", files, tags=["rel_2_0_50"])
    commit(root, {"lib/alch/__init__.py": INIT.format("2.1.0b3")}, "rel_2_1_0b3")
    commit(root, {"lib/alch/__init__.py": INIT.format("2.1.0b4")})
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.problem is None
    assert pkg.tags.convention.format == "rel_{version_underscored}"
    assert (pkg.tags.last_tag, pkg.tags.reachable_tag) == ("rel_2_0_50", "rel_2_1_0b3")
    bumped = plan_bump(load_workspace(root), BumpOptions(part="minor", commit=True, tag=True))
    assert "rel_2_1_0" in "\n".join(bumped.describe())
    # a tag the file does not confirm: nothing is guessed, and the advice is a real format
    commit(root, {"lib/alch/__init__.py": INIT.format("3.0.0.dev0")}, "rel_9_9_9")
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.problem is not None
    assert 'tag-format = "rel_{version_underscored}"' in pkg.tags.problem


def test_dotted_tags_that_took_over_from_many_underscored_ones_are_the_spelling(
    tmp_path: Path,
) -> None:
    """The shape: eighty releases tagged ``2_9_5`` and before, then ``2.9.6`` ...
    ``2.9.12``: the three highest agree, so new tags are dotted; the newest is the last
    release (2.9.12 was "written but not released, no tag 2_9_12") and the next follows."""
    files = {"setup.py": "from setuptools import setup\nsetup(name='psy', version='2.9.3')\n"}
    root = repo(tmp_path / "r", files, tags=["2_9_3"])
    for version in ("2.9.4", "2.9.5", "2.9.6", "2.9.7", "2.9.8", "2.9.9"):
        tag = version.replace(".", "_") if version < "2.9.7" else version
        setup = files["setup.py"].replace("2.9.3", version)
        commit(root, {"setup.py": setup}, tag)
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}"
    assert pkg.tags.last_tag == "2.9.9"
    bumped = plan_bump(load_workspace(root), BumpOptions(part="patch", commit=True, tag=True))
    assert bumped.versions == {"psy": ("2.9.9", "2.9.10")} and bumped.tags == ["2.9.10"]


def test_one_stray_underscored_tag_above_dotted_releases_is_not_the_spelling(
    tmp_path: Path,
) -> None:
    """The shape: releases tagged 4.3.0 ... 4.4.1 and one stray ``22_07``
    (higher, read as 22.7) off HEAD's line; the releases' spelling is ``{version}``, the
    stray neither the example nor the last release, and a bump tags 4.5.0."""
    files = {
        "pyproject.toml": project("importish", backend="setuptools-scm", dynamic=True),
        "importish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["4.3.0"])
    git(root, "checkout", "-q", "-b", "side")
    commit(root, {"side.txt": "x"}, "22_07")
    git(root, "checkout", "-q", "main")
    commit(root, {"a.txt": "a"}, "4.4.0")
    commit(root, {"b.txt": "b"}, "4.4.1")
    commit(root, {"c.txt": "c"})
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}"
    assert (pkg.version, pkg.tags.last_tag) == ("4.4.1", "4.4.1")
    assert "like 4.4.1 (" in pkg.tags.convention.evidence
    bumped = plan_bump(load_workspace(root), BumpOptions(part="minor", commit=True, tag=True))
    assert bumped.tags == ["4.5.0"]


def test_tags_named_by_the_package_s_path_are_its_own(tmp_path: Path) -> None:
    """``libs/genai/v4.3.5`` for the package in ``libs/genai`` (distribution
    ``lc-google-genai``): the prefix is the package's path from the root."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "libs/genai/pyproject.toml": project("lc-google-genai", "4.3.5"),
        "libs/vertexai/pyproject.toml": project("lc-google-vertexai", "3.2.4"),
    }
    root = repo(tmp_path / "r", files, tags=["libs/genai/v4.3.5", "libs/vertexai/v3.2.4"])
    ws = load_workspace(root)
    genai, vertexai = ws.get("lc-google-genai"), ws.get("lc-google-vertexai")
    assert genai.tags is not None and genai.tags.problem is None
    assert (ws.tag_format_of(genai), genai.tags.last_tag) == (
        "libs/genai/v{version}",
        "libs/genai/v4.3.5",
    )
    assert vertexai.tags is not None and vertexai.tags.last_tag == "libs/vertexai/v3.2.4"
    assert ws.tag_for(vertexai, "3.3.0") == "libs/vertexai/v3.3.0"


def _runtime_line(tmp_path: Path, runtime_from: int) -> Path:
    """``py-main/`` and the runtime wheel inside it that it pins, tagged ``py-1.N.0`` (one
    tag for both, ``py-1.2.3``); the runtime exists from release ``runtime_from``."""

    def files(minor: int) -> dict[str, str]:
        version = f"1.{minor}.0"
        found = {"py-main/pyproject.toml": project("main", version, requires=["main-rt"])}
        if minor >= runtime_from:
            found["py-main/runtime/main-rt/pyproject.toml"] = project("main-rt", version)
        return found

    root = repo(tmp_path / "r", files(0), tags=["py-1.0.0"])
    for minor in (1, 2, 3):
        commit(root, files(minor), f"py-1.{minor}.0")
    commit(root, {"py-main/README.md": "more\n"})
    return root


def test_one_tag_for_packages_released_together_is_each_ones(tmp_path: Path) -> None:
    """Both packages could own ``py-`` (a token of the directory above them), and each one's
    version file names the version of the newest tags: a line released together."""
    ws = discover(_runtime_line(tmp_path, runtime_from=0))
    for pkg in ws.packages:
        assert pkg.tags is not None
        assert (pkg.tags.convention.format, pkg.tags.last_tag) == ("py-{version}", "py-1.3.0")
    bumped = plan_bump(ws, BumpOptions(part="minor", commit=True, tag=True))
    assert bumped.versions == {"main-rt": ("1.3.0", "1.4.0"), "main": ("1.3.0", "1.4.0")}
    assert bumped.tags == ["py-1.4.0"]


def test_a_runtime_split_off_at_the_newest_tag_leaves_the_tags_to_the_main_package(
    tmp_path: Path,
) -> None:
    """The two versions agree at the newest tag only (the runtime is new there): the tags
    stay the main package's, as before; the runtime starts a convention of its own."""
    ws = discover(_runtime_line(tmp_path, runtime_from=3))
    facts = {p.name: p.tags for p in ws.packages}
    assert facts["main"] is not None and facts["main"].last_tag == "py-1.3.0"
    assert facts["main-rt"] is not None and facts["main-rt"].last_tag is None


@pytest.mark.parametrize(
    ("trigger", "current"),
    [("v[0-9]+.[0-9]+.[0-9]+", "v{version}"), ("v[0-9].[0-9]", "acme-v{version}")],
)
def test_a_trigger_s_plus_repeats_the_character_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trigger: str, current: str
) -> None:
    """``acme-v0.2.0`` then ``v0.3.0`` and ``v0.4.0``, built where the file is not moved:
    the release workflow's ``v[0-9]+.[0-9]+.[0-9]+`` fires on the new tags as GitHub reads
    it (``+``: one or more of the class), so they are the current convention; a trigger
    that fires on none of them leaves the package's own spelling."""
    workflow = f"on:\n  push:\n    tags:\n      - '{trigger}'\njobs: {{}}\n"
    files = {"pyproject.toml": project("acme", "0.2.0"), ".github/workflows/r.yml": workflow}
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00+00:00")
    root = repo(tmp_path / "r", files, tags=["acme-v0.1.0"])
    for day, tag in enumerate(("acme-v0.2.0", "v0.3.0", "v0.4.0"), start=2):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-01-0{day}T00:00:00+00:00")
        commit(root, {"notes.txt": tag}, tag)
    (pkg,) = discover(root).packages
    assert pkg.tags is not None and pkg.tags.convention.format == current


def test_a_misspelt_tag_no_workflow_fires_on_is_no_new_convention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: the root tagged ``v1.2.0`` and its plugin ``plugin-v1.2.0``, each
    spelling with a release workflow firing on it; the newest release of the plugin was
    tagged ``plgin-v1.3.0`` (its file says 1.3.0 there), a spelling no workflow fires on:
    a slip, not the plugin's convention, so its next tag is ``plugin-v1.3.1``."""
    workflow = "on:\n  push:\n    tags:\n      - 'v*'\n      - 'plugin-v*'\njobs: {}\n"
    files = {
        "pyproject.toml": project("acme", "1.2.0"),
        "plugin/pyproject.toml": project("acme-plugin", "1.2.0"),
        ".github/workflows/r.yml": workflow,
    }
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00+00:00")
    root = repo(tmp_path / "r", files, tags=["v1.2.0", "plugin-v1.2.0"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T00:00:00+00:00")
    bumped = {"pyproject.toml": project("acme", "1.3.0")}
    commit(root, {**bumped, "plugin/pyproject.toml": project("acme-plugin", "1.3.0")})
    git(root, "tag", "v1.3.0")
    git(root, "tag", "plgin-v1.3.0")
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("acme-plugin")) == "plugin-v{version}"
    assert ws.tag_for(ws.get("acme-plugin"), "1.3.1") == "plugin-v1.3.1"
    assert [w for w in ws.warnings if "no release workflow fires on them" in w], ws.warnings
    row = {r.check: r for r in doctor(root).checks}["tags acme-plugin"]
    assert row.status == "warn" and "no release workflow fires on them" in row.detail, row


def test_pre_release_tags_keep_the_spelling_the_newest_one_has(tmp_path: Path) -> None:
    """``v1.28.0.rc0`` (the tags' spelling) beside a file at ``1.29.0.dev0``: the next
    rc is tagged ``v1.29.0.rc0``, not ``v1.29.0rc0``, and the old one is found by doctor."""
    init = "src/hub/__init__.py"
    files = {"pyproject.toml": project("hub", None, backend="setuptools", dynamic=True)}
    files["pyproject.toml"] += '\n[tool.setuptools.dynamic]\nversion = {attr = "hub.__version__"}\n'
    files[init] = INIT.format("1.28.0.rc0")
    root = repo(tmp_path / "r", files, tags=["v1.28.0.rc0"])
    commit(root, {init: INIT.format("1.28.0")}, "v1.28.0")
    commit(root, {init: INIT.format("1.29.0.dev0")})
    ws = discover(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.pre_spelling == "1.28.0.rc0"
    assert ws.tag_for(pkg, "1.28.0rc0") == "v1.28.0.rc0"
    bump = plan_bump(ws, BumpOptions(part="pre", pre="rc", commit=True, tag=True))
    assert bump.versions == {"hub": ("1.29.0.dev0", "1.29.0rc0")}
    assert bump.tags == ["v1.29.0.rc0"]


def test_a_go_modules_tags_are_not_the_python_package_below_it(tmp_path: Path) -> None:
    # The shape: sdk/go.mod is a Go module, whose tags Go requires to be sdk/v3.1.0;
    # the Python SDK in sdk/python is released under the repository's own v3.1.0
    files = {
        "sdk/go.mod": "module example.invalid/acme/sdk/v3\n\ngo 1.22\n",
        "pkg/go.mod": "module example.invalid/acme/pkg/v3\n\ngo 1.22\n",
        "sdk/python/pyproject.toml": project("acme", "3.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v3.0.0", "sdk/v3.0.0", "pkg/v3.0.0"])
    commit(root, {}, "v3.1.0", "sdk/v3.1.0", "pkg/v3.1.0")
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("acme")) == "v{version}"
    assert ws.tag_for(ws.get("acme"), "3.2.0") == "v3.2.0"


def test_bare_tags_are_claimed_by_a_recent_tag_that_names_a_package_not_only_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: no root project, ``crates/core-py`` (at 2.0.0b2) and
    another crate's wheel below; ``v2.0.0-beta.2`` tags the new line, and the newest bare
    tag, ``v1.12.3``, is a maintenance release of the old one made on a branch where the
    crate does not exist. The newest tags that name a package's version decide, not the
    newest alone."""
    files = {
        "crates/core-py/pyproject.toml": project("acme-core", "2.0.0b2"),
        "crates/jinja-py/pyproject.toml": project("acme-jinja", "2.5.0"),
    }
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00+00:00")
    root = repo(tmp_path / "r", {"README.md": "old line\n"}, tags=["v1.12.0"])
    git(root, "branch", "old")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T00:00:00+00:00")
    commit(root, files, "v2.0.0-beta.2")
    git(root, "checkout", "-q", "old")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-03T00:00:00+00:00")
    commit(root, {"README.md": "old line, fixed\n"}, "v1.12.3")
    git(root, "checkout", "-q", "main")
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("acme-core")) == "v{version}"
    assert ws.tag_format_of(ws.get("acme-jinja")) == "{name}-v{version}"


def test_a_directory_tag_named_after_one_packages_version_is_not_the_others(
    tmp_path: Path,
) -> None:
    """The shape: ``python-1.13.0`` tags a release of ``python/`` named
    after the core package's version, while each other package keeps a version of its
    own (1.0.0b260730, 1.0.1); once, early, they were all at one version. The directory's
    tag is the core's, the others are no lockstep group with it (a bump was refused as a
    group with diverged versions)."""
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["python/packages/*"]\n',
        "python/packages/core/pyproject.toml": project("af-core", "1.0.0b1"),
        "python/packages/a2a/pyproject.toml": project("af-a2a", "1.0.0b1"),
    }
    root = repo(tmp_path / "r", files, tags=["python-1.0.0b1"])
    commit(
        root,
        {
            "python/packages/core/pyproject.toml": project("af-core", "1.12.0"),
            "python/packages/a2a/pyproject.toml": project("af-a2a", "1.0.0b260723"),
        },
        "python-1.12.0",
    )
    commit(
        root,
        {
            "python/packages/core/pyproject.toml": project("af-core", "1.13.0"),
            "python/packages/a2a/pyproject.toml": project("af-a2a", "1.0.0b260730"),
        },
        "python-1.13.0",
    )
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("af-core")) == "python-{version}"
    assert ws.tag_format_of(ws.get("af-a2a")) == "{name}-v{version}"
    bump = plan_bump(ws, BumpOptions(part="patch"))
    assert bump.versions == {"af-core": ("1.13.0", "1.13.1"), "af-a2a": ("1.0.0b260730", "1.0.0")}


def test_a_tag_naming_a_top_directory_and_the_package_directory_is_that_packages(
    tmp_path: Path,
) -> None:
    """``python-github-copilot-1.0.0``: the language's directory, then
    the package's (``python/packages/github_copilot``, distribution
    ``af-github-copilot``), as a polyglot repository tags one package."""
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["python/packages/*"]\n',
        "python/packages/core/pyproject.toml": project("af-core", "1.13.0"),
        "python/packages/github_copilot/pyproject.toml": project("af-github-copilot", "1.0.1"),
    }
    root = repo(tmp_path / "r", files, tags=["python-github-copilot-1.0.0"])
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("af-github-copilot")) == "python-github-copilot-{version}"
    assert ws.tag_format_of(ws.get("af-core")) == "{name}-v{version}"


def test_a_prefix_of_only_a_development_tag_does_not_write_the_new_tags(tmp_path: Path) -> None:
    """The shape: releases tagged ``v0.2.44``, ``v0.2.45``, and one stray ``0.26.dev``
    (a development marker, higher than any release): new tags are spelled as the
    releases are, ``v0.2.46``, not ``0.2.46``."""
    files = {"pyproject.toml": project("datish", "0.2.45")}
    root = repo(tmp_path / "r", files, tags=["0.26.dev", "v0.2.44", "v0.2.45"])
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("datish")) == "v{version}"
    assert ws.tag_for(ws.get("datish"), "0.2.46") == "v0.2.46"


def test_a_dunamai_pattern_prefix_narrows_a_members_tags(tmp_path: Path) -> None:
    """The shape: the root tagged ``v0.9.8`` and each member versioned by
    uv-dynamic-versioning with ``pattern-prefix = "rx-core-"`` (tags ``rx-core-v0.9.8``):
    the backend reads only those, so the root's ``v`` tags are not a member's (a guide
    member whose prefix no tag has yet is unreleased, not 0.9.8) and raise no doubt."""

    def member(name: str, prefix: str) -> str:
        extra = (
            '\n[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n\n'
            f'[tool.uv-dynamic-versioning]\npattern-prefix = "{prefix}"\n'
        )
        return project(name, None, backend="hatch-vcs", extra=extra)

    root_extra = (
        '\n[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    files = {
        "pyproject.toml": project("rx", None, backend="hatch-vcs", extra=root_extra),
        "packages/core/pyproject.toml": member("rx-core", "rx-core-"),
        "packages/guide/pyproject.toml": member("rx-guide", "rx-guide-"),
    }
    root = repo(tmp_path / "r", files, tags=["rx-core-v0.9.7", "v0.9.7"])
    commit(root, {"notes.txt": "x"}, "rx-core-v0.9.8", "v0.9.8")
    ws = load_workspace(root)
    assert ws.get("rx-core").version == "0.9.8"
    assert ws.tag_for(ws.get("rx-core"), "0.9.9") == "rx-core-v0.9.9"
    assert ws.get("rx-guide").released is None
    assert ws.tag_for(ws.get("rx-guide"), "0.1.0") == "rx-guide-v0.1.0"
    assert ws.get("rx").version == "0.9.8"
    assert not [w for w in ws.warnings if "nothing says" in w]


def test_a_new_package_follows_its_siblings_path_tags(tmp_path: Path) -> None:
    """The shape: ``libs/ai-endpoints/v1.4.3`` and ``libs/openshell/v0.1.0``
    tag the packages of ``libs/``; a new ``libs/langgraph`` with no tag yet gets
    ``libs/langgraph/v0.1.0`` for its first, not ``{name}-v``; a new package outside
    ``libs/`` keeps the default."""
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["libs/*", "tools/*"]\n',
        "libs/ai-endpoints/pyproject.toml": project("lc-ai-endpoints", "1.4.3"),
        "libs/openshell/pyproject.toml": project("lc-openshell", "0.1.0"),
        "libs/langgraph/pyproject.toml": project("lc-langgraph", "0.1.0"),
        "tools/lint/pyproject.toml": project("lc-lint", "0.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["libs/ai-endpoints/v1.4.3", "libs/openshell/v0.1.0"])
    ws = load_workspace(root)
    assert ws.tag_for(ws.get("lc-langgraph"), "0.1.0") == "libs/langgraph/v0.1.0"
    assert ws.tag_for(ws.get("lc-lint"), "0.1.0") == "lc-lint-v0.1.0"


def test_a_new_package_spells_its_tags_as_its_siblings_spell_their_short_names(
    tmp_path: Path,
) -> None:
    """The shape: each package's tags spell its name without the ``graphkit-`` every
    package starts with, separators dropped (``checkpoint==`` for graphkit-checkpoint,
    ``checkpointpg==`` for graphkit-checkpoint-pg in libs/checkpoint-pg, ``sdk==`` for
    graphkit-sdk in libs/sdk-py, bare for graphkit itself), as the release workflow's
    ``sed -e 's/graphkit//g' -e 's/-//g'`` makes them. A package with no tags yet gets
    its name spelled the same way, not the default ``{name}-v{version}``."""
    members = '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
    files = {
        "pyproject.toml": members,
        "libs/checkpoint/pyproject.toml": project("graphkit-checkpoint", "4.2.0"),
        "libs/checkpoint-pg/pyproject.toml": project("graphkit-checkpoint-pg", "3.1.2"),
        "libs/sdk-py/pyproject.toml": project("graphkit-sdk", "0.4.3"),
        "libs/graphkit/pyproject.toml": project("graphkit", "1.2.11"),
        "libs/checkpoint-conformance/pyproject.toml": project(
            "graphkit-checkpoint-conformance", "0.0.2"
        ),
    }
    tags = ["checkpoint==4.2.0", "checkpointpg==3.1.2", "sdk==0.4.3", "1.2.11"]
    ws = load_workspace(repo(tmp_path / "r", files, tags=tags))
    formats = {p.name: ws.tag_format_of(p) for p in ws.packages}
    assert formats == {
        "graphkit-checkpoint": "checkpoint=={version}",
        "graphkit-checkpoint-pg": "checkpointpg=={version}",
        "graphkit-sdk": "sdk=={version}",
        "graphkit": "{version}",
        "graphkit-checkpoint-conformance": "checkpointconformance=={version}",
    }
    new = ws.get("graphkit-checkpoint-conformance")
    assert new.tags is not None and "spell their names" in new.tags.convention.evidence


def test_tags_of_a_removed_sibling_project_are_not_taken_as_a_new_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: checks in top-level directories, each tagged
    ``<dir>-<version>``; ``traefik/`` was a check (its tags ``traefik-1.1.0`` came after
    ``syncthing-1.1.0``) and is gone. syncthing's file says 1.1.0 at traefik-1.1.0 by
    coincidence: those are traefik's tags, not a new spelling of syncthing's."""

    def on(day: int) -> None:  # tags' creation dates order the spellings
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2023-01-0{day}T00:00:00+00:00")

    on(1)
    files = {
        "syncthing/pyproject.toml": project("datadog-syncthing", "1.0.0"),
        "ably/pyproject.toml": project("datadog-ably", "1.0.0"),
        "traefik/pyproject.toml": project("datadog-traefik", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["syncthing-1.0.0", "ably-1.0.0", "traefik-1.0.0"])
    on(2)
    commit(root, {"syncthing/pyproject.toml": project("datadog-syncthing", "1.1.0")})
    git(root, "tag", "syncthing-1.1.0")
    on(3)
    commit(root, {"traefik/pyproject.toml": project("datadog-traefik", "1.1.0")}, "traefik-1.1.0")
    on(4)
    git(root, "rm", "-q", "traefik/pyproject.toml")
    commit(root, {"traefik/README.md": "moved\n"})
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("datadog-syncthing")) == "syncthing-{version}"
    tags = ws.get("datadog-syncthing").tags
    assert tags is not None and tags.last_tag == "syncthing-1.1.0"


@pytest.mark.parametrize("old_file", ["pyproject.toml", "setup.py"])
def test_tags_made_under_the_project_s_former_name_are_not_its_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_file: str
) -> None:
    """The shape: ``v202007.0036`` released an old name, then the project was renamed
    and tagged ``2020.1100`` onwards. The old name's tags rank higher but are not the
    package's releases: its last release is 2026.1132, its new tags are spelled bare, and a
    bump is no downgrade below a tag of another name."""
    old = {
        "pyproject.toml": project("oldcal", "202007.36"),
        "setup.py": 'from setuptools import setup\n\nsetup(name="oldcal", version="202007.36")\n',
    }[old_file]
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-07-01T00:00:00+00:00")
    root = repo(tmp_path / "r", {old_file: old}, tags=["v202007.0036"])
    if old_file == "setup.py":
        git(root, "rm", "-q", "setup.py")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-09-01T00:00:00+00:00")
    commit(root, {"pyproject.toml": project("newcal", "2020.1100")}, "2020.1100")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-05-01T00:00:00+00:00")
    commit(root, {"pyproject.toml": project("newcal", "2026.1132")}, "2026.1132")
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}"
    assert (pkg.tags.last_tag, pkg.tags.highest_tag) == ("2026.1132", "2026.1132")
    assert "released oldcal, the project's former name" in pkg.tags.convention.evidence
    bump = plan_bump(ws, BumpOptions(part="patch"))
    assert bump.versions == {"newcal": ("2026.1132", "2026.1132.1")}


def test_tags_of_the_same_project_spelled_two_ways_are_all_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same two spellings one after the other, the name unchanged: both are the
    package's, so a version below the old spelling's is still refused."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-07-01T00:00:00+00:00")
    root = repo(tmp_path / "r", {"pyproject.toml": project("cal", "202007.36")}, ["v202007.0036"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2020-09-01T00:00:00+00:00")
    commit(root, {"pyproject.toml": project("cal", "2020.1100")}, "2020.1100")
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.highest_tag == "v202007.0036"


def test_a_word_after_a_plus_is_the_tags_spelling_not_a_local_version(tmp_path: Path) -> None:
    """The shape: a fork tags its releases ``8.3.0.5+async`` beside the ``8.3.0``
    tags of the project it merges from. ``+async`` is no local version (no index takes
    one): the last release is 8.3.0.5, new tags are spelled ``{version}+async``, and the
    version a tag names compares as a release."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("forked", "8.2.2")}, ["8.2.2"])
    for version in ("8.3.0", "8.3.0.1", "8.3.0.2", "8.3.0.5"):
        tags = [f"{version}+async"] + (["8.3.0"] if version == "8.3.0" else [])
        commit(root, {"pyproject.toml": project("forked", version)}, *tags)
    commit(root, {"pyproject.toml": project("forked", "8.3.0.7")})
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.format == "{version}+async"
    assert (str(pkg.tags.last), pkg.tags.last_tag) == ("8.3.0.5", "8.3.0.5+async")
    assert ws.tag_for(pkg, "8.3.0.7") == "8.3.0.7+async"
    assert split_tag("8.3.0.5+async") == ("", Version("8.3.0.5"))
    assert split_tag("1.0+g1a2b3c") == ("", Version("1.0+g1a2b3c"))  # a build's label


def test_the_spelling_that_took_over_writes_new_tags_above_an_old_stray(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: a bare ``99.99.99`` made in 2013 on a commit without today's version
    file, ``v0.2.1``, then ``release-16.12.0`` onwards naming the file's version. The
    release- spelling is the current one, so new tags are spelled so (relnox said so in its
    evidence but kept {version}, whose 99.99.99 was highest); doctor names that spelling
    as the tag-format that leaves the stray behind."""
    version_py = "src/treqish/_version.py"
    extra = f'[tool.hatch.version]\npath = "{version_py}"\n'
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2013-10-01T00:00:00+00:00")
    root = repo(tmp_path / "r", {"README.rst": "treqish\n"}, tags=["0.2.0", "99.99.99"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2013-11-01T00:00:00+00:00")
    commit(root, {"README.rst": "treqish 0.2.1\n"}, "v0.2.1")
    files = {"pyproject.toml": project("treqish", None, extra=extra)}
    for day, version in enumerate(("16.12.0", "17.3.0"), start=1):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2017-0{day}-01T00:00:00+00:00")
        files[version_py] = f'__version__ = "{version}"\n'
        commit(root, files, f"release-{version}")
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert pkg.tags is not None and pkg.tags.convention.format == "release-{version}"
    assert ws.tag_for(pkg, "17.4.0") == "release-17.4.0"
    [row] = [c for c in doctor(root).checks if c.check == "tags treqish"]
    assert 'set tag-format = "release-{version}" (its newest tags\' spelling)' in row.detail


def test_the_only_packages_prefix_is_confirmed_by_its_newest_final_past_a_dev_marker(
    tmp_path: Path,
) -> None:
    """The shape: ``python/`` is the only package, its tags are the
    project's release tags ``acme-kit-0.8.0`` (no tag names ``kit`` alone), and the newest
    tag, ``acme-kit-0.9.0.dev``, marks where development of 0.9.0 began, on a commit whose
    version file still said 0.8.0.dev0. The newest final release's commit names its
    version: the prefix is the package's (it was the default ``{name}-v{version}``, with
    a warning that no tag names it)."""
    hatch = '[tool.hatch.version]\npath = "kit/_version.py"\n'

    def at(version: str) -> dict[str, str]:
        return {
            "python/pyproject.toml": project("kit", None, extra=hatch),
            "python/kit/__init__.py": "",
            "python/kit/_version.py": f'__version__ = "{version}"\n',
        }

    root = repo(tmp_path / "r", at("0.7.0"), tags=["acme-kit-0.7.0"])
    commit(root, at("0.8.0.dev0"))
    git(root, "checkout", "-q", "-b", "maint-0.8")
    commit(root, at("0.8.0"), "acme-kit-0.8.0")
    git(root, "checkout", "-q", "main")
    git(root, "tag", "acme-kit-0.9.0.dev")
    commit(root, at("0.9.0.dev0"))
    ws = load_workspace(root)
    kit = ws.get("kit")
    assert ws.tag_format_of(kit) == "acme-kit-{version}"
    assert kit.tags is not None and kit.tags.highest_tag == "acme-kit-0.8.0"
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"kit": ("0.9.0.dev0", "0.9.0")}


def test_a_package_no_tag_names_shares_a_named_prefix_its_file_followed(
    tmp_path: Path,
) -> None:
    """The shape: ``package/`` (its tags ``package-2.6.0``, ``package-2.7.0``) and
    ``testsuite/`` (no tag of its own, its version file naming 2.6.0 and 2.7.0 at those
    tags): one tag releases both, a lockstep group (``testsuite`` got
    ``{dir}-{version}``, tags never made). ``other/``, which followed only once, keeps its
    own."""

    def at(version: str, other: str) -> dict[str, str]:
        return {
            "package/pyproject.toml": project("kit", version),
            "testsuite/pyproject.toml": project("kit-tests", version),
            "other/pyproject.toml": project("kit-extra", other),
        }

    root = repo(tmp_path / "r", at("2.6.0", "1.0.0"), tags=["package-2.6.0"])
    commit(root, at("2.7.0", "2.7.0"), "package-2.7.0")
    commit(root, at("2.8.0.dev0", "2.7.1"))
    ws = load_workspace(root)
    formats = {p.name: ws.tag_format_of(p) for p in ws.packages}
    assert formats["kit"] == formats["kit-tests"] == "package-{version}"
    assert formats["kit-extra"] != "package-{version}"
    plan = plan_bump(ws, BumpOptions(part="minor", packages=("kit",)))
    assert plan.versions == dict.fromkeys(["kit", "kit-tests"], ("2.8.0.dev0", "2.8.0"))


def test_tags_spelling_the_packages_name_are_anothers_when_its_file_never_says_them(
    tmp_path: Path,
) -> None:
    """The shape: the Python package ``kit`` is released as ``v4.0.3``, ``v4.0.4``,
    and its npm package of the same name as ``kit@7.0.3``, ``kit@7.0.4`` on the same
    commits; the version file never says a ``kit@`` version (an old one says none it can
    read). The ``v`` tags are the package's (``kit@{version}`` was taken for its name,
    and a minor bump was refused as not above 7.0.4)."""
    hatch = '[tool.hatch.version]\npath = "kit/_version.py"\n'

    def at(line: str) -> dict[str, str]:
        return {"pyproject.toml": project("kit", None, extra=hatch), "kit/_version.py": line}

    root = repo(tmp_path / "r", at("version_info = (3, 1, 1)\n"), tags=["kit@6.0.0"])
    commit(root, at('__version__ = "4.0.3"\n'), "v4.0.3", "kit@7.0.3")
    commit(root, at('__version__ = "4.0.4"\n'), "v4.0.4", "kit@7.0.4")
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("kit")) == "v{version}"
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {"kit": ("4.0.4", "4.1.0")}


def test_bare_tags_made_when_the_root_was_another_project_are_not_the_roots(
    tmp_path: Path,
) -> None:
    """The shape: ``kit`` lived at the root and was tagged ``v0.2.0``,
    ``v1.0.0``; it moved to ``packages/kit`` (tagged ``kit@1.1.0`` since) and the root
    became the workspace's dev project ``kit-dev`` at 0.1.0. The bare tags name ``kit`` in
    the root's pyproject.toml at their commits: not the dev project's releases (a minor
    bump was refused as 0.2.0 already released, and doctor said v1.0.0 is newer than
    0.1.0)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("kit", "0.2.0")}, tags=["v0.2.0"])
    commit(root, {"pyproject.toml": project("kit", "1.0.0")}, "v1.0.0")
    members = '\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    commit(
        root,
        {
            "pyproject.toml": project("kit-dev", "0.1.0", extra=members),
            "packages/kit/pyproject.toml": project("kit", "1.1.0"),
        },
        "kit@1.1.0",
    )
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("kit-dev")) != "v{version}"
    plan = plan_bump(ws, BumpOptions(part="minor", packages=("kit-dev",)))
    assert plan.versions == {"kit-dev": ("0.1.0", "0.2.0")}
    assert not [c for c in doctor(root).checks if c.status == "error"]


def test_versions_written_without_their_dot_are_read_by_the_version_file(tmp_path: Path) -> None:
    """The shape: ``biopython-187``, ``biopython-188`` for 1.87 and 1.88, the
    version file saying 1.88 at its tag and 1.89.dev0 now. relnox read 188 and refused every
    bump ('1.89 is not above 188'); the tags are read as 1.87, 1.88, and a minor bump
    releases 1.89, tagged ``biopython-189``. The same digits without a file that says the
    dotted version are versions as written."""
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "bio.__version__"}\n'
    files = {
        "pyproject.toml": project("biopythonish", None, backend="setuptools", extra=extra),
        "bio/__init__.py": INIT.format("1.87"),
    }
    root = repo(tmp_path / "r", files, tags=["biopythonish-187"])
    commit(root, {"bio/__init__.py": INIT.format("1.88.dev0")})
    commit(root, {"bio/__init__.py": INIT.format("1.88")}, "biopythonish-188")
    commit(root, {"bio/__init__.py": INIT.format("1.89.dev0")})
    (pkg,) = load_workspace(root).packages
    assert pkg.tags is not None and pkg.tags.problem is None
    assert pkg.tags.convention.format == "biopythonish-{version_dotless}"
    assert (pkg.tags.last_tag, str(pkg.tags.last)) == ("biopythonish-188", "1.88")
    bumped = plan_bump(load_workspace(root), BumpOptions(part="minor", commit=True, tag=True))
    assert bumped.versions["biopythonish"] == ("1.89.dev0", "1.89")
    assert "biopythonish-189" in "\n".join(bumped.describe())
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["tags biopythonish"].status == "ok", rows["tags biopythonish"].detail
    plain = {**files, "bio/__init__.py": INIT.format("187")}
    other = repo(tmp_path / "s", plain, tags=["biopythonish-187"])
    commit(other, {"bio/__init__.py": INIT.format("188")}, "biopythonish-188")
    (pkg,) = load_workspace(other).packages
    assert pkg.tags is not None and pkg.tags.convention.format == "biopythonish-{version}"
    assert str(pkg.tags.last) == "188"


def test_a_former_name_read_from_a_setup_py_nested_past_the_parser_is_no_name(
    tmp_path: Path,
) -> None:
    """A setup.py at an old tag nested past the parser's stack (hostile) is no name, not a
    traceback: the former-name reading goes through the one hardened parser."""
    from relnox.versions.former_names import _setup_py_name, pyproject_name

    assert _setup_py_name("x = " + "-" * 200_000 + "1\n") is None
    assert pyproject_name("a = " + "[" * 100_000) is None  # its pyproject.toml likewise
    assert _setup_py_name("from setuptools import setup\nsetup(name='old')\n") == "old"
    # read as the package's own setup.py is: a top-level constant too
    assert _setup_py_name("from setuptools import setup\nNAME = 'old'\nsetup(name=NAME)\n") == "old"


def test_a_library_released_beside_a_bare_tag_at_its_own_version_is_not_drawn_into_it(
    tmp_path: Path,
) -> None:
    """The shape: on master every version.py says the sentinel ``1!0+dev``; each
    release branch writes the core 1.10.7 and its libraries 0.26.7 and is tagged ``1.10.7``.
    The libraries, untagged, followed the sibling's bare ``{version}`` and, as every file
    says the same sentinel, joined its lockstep line: ``bump --part minor`` gave
    corekit-aws 1.11.0 (its last release was 0.26.7). At that tag its file names 0.26.7,
    so the tag is not its: it keeps a format of its own, and its releases are the
    versions its file names at those tags (0.26.6, 0.26.7), so the bump of its sentinel
    starts from 0.26.7, never from the core's version."""
    from tests.shapes import commit, git, project, repo

    def version_py(version: str) -> str:
        return f'__version__ = "{version}"\n'

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "libs/*"]\n',
            "core/pyproject.toml": project(
                "corekit", None, extra='[tool.hatch.version]\npath = "corekit/version.py"\n'
            ),
            "core/corekit/version.py": version_py("1!0+dev"),
            "libs/corekit-aws/pyproject.toml": project(
                "corekit-aws",
                None,
                requires=["corekit"],
                extra='[tool.hatch.version]\npath = "corekit_aws/version.py"\n',
            ),
            "libs/corekit-aws/corekit_aws/version.py": version_py("1!0+dev"),
        },
    )
    for patch in (6, 7):
        git(root, "checkout", "-q", "-b", f"release-{patch}", "main")
        commit(
            root,
            {
                "core/corekit/version.py": version_py(f"1.10.{patch}"),
                "libs/corekit-aws/corekit_aws/version.py": version_py(f"0.26.{patch}"),
            },
            f"1.10.{patch}",
        )
        git(root, "checkout", "-q", "main")
        commit(root, {"README.md": f"work {patch}\n"})
    ws = load_workspace(root)
    assert ws.tag_format_of(ws.get("corekit")) == "{version}"
    assert ws.tag_format_of(ws.get("corekit-aws")) == "{name}-v{version}"
    assert [p.name for p in ws.group_of(ws.get("corekit-aws"))] == ["corekit-aws"]
    assert plan_bump(ws, BumpOptions(part="minor")).versions == {
        "corekit": ("1!0+dev", "1.11.0"),
        "corekit-aws": ("1!0+dev", "0.27.0"),
    }


def test_packages_released_under_a_sibling_s_bare_tags_read_their_releases_there(
    tmp_path: Path,
) -> None:
    """The shape (also of a line of 0.xxb0 packages): the root
    is tagged ``v3.20.0``; kit-core, 2.20.0 at that commit, has no tag of its own
    and is released with it. relnox read no release for it (last tag none, always
    changed, doctor offering a first tag of 2.20.0). Its file names its own rising
    version at the line's newest tags: those are its releases, its last one 2.20.0 under
    ``v3.20.0``, changes are measured from there, and a bump goes above it. A package
    whose file said the same version at every one of those tags (never released with
    them) reads nothing."""
    from relnox.release.doctor import doctor
    from tests.shapes import commit, project, repo

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("kit", "3.18.0", requires=["kit-core"])
            + '\n[tool.uv.workspace]\nmembers = ["kit-core", "kit-idle"]\n',
            "kit/__init__.py": "",
            "kit-core/pyproject.toml": project("kit-core", "2.18.0"),
            "kit-core/kit_core/__init__.py": "",
            "kit-idle/pyproject.toml": project("kit-idle", "0.1.0"),
            "kit-idle/kit_idle/__init__.py": "",
        },
        ["v3.18.0"],
    )
    for minor in (19, 20):
        commit(
            root,
            {
                "pyproject.toml": project("kit", f"3.{minor}.0", requires=["kit-core"])
                + '\n[tool.uv.workspace]\nmembers = ["kit-core", "kit-idle"]\n',
                "kit-core/pyproject.toml": project("kit-core", f"2.{minor}.0"),
            },
            f"v3.{minor}.0",
        )
    commit(root, {"kit-core/kit_core/more.py": "X = 1\n"})
    ws = load_workspace(root)
    core, idle = ws.get("kit-core"), ws.get("kit-idle")
    assert core.tags is not None and idle.tags is not None
    assert (str(core.tags.last), core.tags.last_tag) == ("2.20.0", "v3.20.0")
    assert idle.tags.last is None
    rows = {row.name: row for row in plan(ws, "minor")}
    assert (rows["kit-core"].last_tag, rows["kit-core"].changed) == ("v3.20.0", True)
    assert rows["kit-core"].next_version == "2.21.0"
    assert rows["kit"].changed is False
    checks = {c.check: c for c in doctor(root).checks}
    assert checks["tags kit-core"].status == "ok"
    assert "2.20.0 is released, under v3.20.0" in checks["tags kit-core"].detail


def test_a_plugin_whose_own_tags_stopped_shares_the_core_s_tags_not_a_stray(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plugins tagged on their own (``kit-plugins-openai@1.0.0``)
    and since then every release is ``kit-agents@X`` with every plugin's version.py at
    X; one stray ``someone/markdown-docs@1.3.0`` (a branch name pushed as a tag) sits on a
    commit where the files say 1.3.0. relnox took that stray for the plugins' new
    convention (it came after their own tags and their files name its version), and left
    the plugins that never had tags on the core's: the same lockstep line read two ways.
    A package whose own tags all came before the newest tags of a prefix naming one other
    package, and whose file names each of their versions, shares that prefix."""
    from tests.shapes import commit, repo
    from tests.shapes import git as sh

    def files(version: str, plugin: str) -> dict[str, str]:
        return {
            "kit-agents/pyproject.toml": project("kit-agents", version),
            "kit-plugins/kit-plugins-openai/pyproject.toml": project("kit-plugins-openai", plugin),
        }

    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T12:00:00+00:00")
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["kit-agents", "kit-plugins/*"]\n',
            **files("0.9.0", "0.9.0"),
        },
        ["kit-agents@0.9.0", "kit-plugins-openai@0.9.0"],
    )
    for day, version in enumerate(("1.0.0", "1.1.0", "1.2.0", "1.3.0"), start=2):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-02-{day:02d}T12:00:00+00:00")
        commit(root, files(version, version), f"kit-agents@{version}")
    sh(root, "tag", "kit-plugins-openai@1.0.0", "kit-agents@1.0.0")  # its last own tag
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-02-09T12:00:00+00:00")
    commit(root, {"README.md": "docs\n"})
    sh(root, "tag", "someone/markdown-docs@1.3.0")  # the stray, on a commit at 1.3.0
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-02-10T12:00:00+00:00")
    commit(root, files("1.4.0", "1.4.0"), "kit-agents@1.4.0")
    ws = load_workspace(root)
    plugin = ws.get("kit-plugins-openai")
    assert ws.tag_format_of(plugin) == "kit-agents@{version}"
    assert [p.name for p in ws.group_of(plugin)] == ["kit-agents", "kit-plugins-openai"]
    assert plugin.tags is not None and plugin.tags.last_tag == "kit-agents@1.4.0"
    assert plan_bump(ws, BumpOptions(part="patch")).versions == {
        "kit-agents": ("1.4.0", "1.4.1"),
        "kit-plugins-openai": ("1.4.0", "1.4.1"),
    }


def test_underscored_tags_of_each_package_of_a_workspace_are_its_releases(tmp_path: Path) -> None:
    """``foo_1_2_0`` and ``bar_0_3_0``: each package's tags spell its name, then its version
    with underscores for dots. Each is read as that package's releases, and the real
    ``relnox bump`` tags the next release of each the same way."""
    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": members,
            "packages/foo/pyproject.toml": project("foo", "1.2.0"),
            "packages/bar/pyproject.toml": project("bar", "0.3.0"),
        },
        tags=["foo_1_1_0", "bar_0_2_0"],
    )
    commit(root, {"packages/foo/README": "foo"}, "foo_1_2_0")
    commit(root, {"packages/bar/README": "bar"}, "bar_0_3_0")
    packages = {p.name: p for p in load_workspace(root).packages}
    for name, last in (("foo", "foo_1_2_0"), ("bar", "bar_0_3_0")):
        facts = packages[name].tags
        assert facts is not None and facts.problem is None
        assert (facts.convention.format, facts.last_tag) == (
            f"{name}_{{version_underscored}}",
            last,
        )
    run_relnox("bump", "--part", "minor", "--tag", cwd=root, check=True)
    assert set(git(root, "tag", "--points-at", "HEAD").split()) == {"foo_1_3_0", "bar_0_4_0"}


def test_packages_that_share_one_bare_tag_per_release_keep_one_tag(tmp_path: Path) -> None:
    """Four packages of a workspace always released together at one version, each release
    tagged once (``v1.3.0``, ``v1.4.0``), no package tagged by name: the tag is theirs in
    common, so a bump, its dry run and ``relnox tag`` make the one tag ``v1.5.0``, never a
    tag per package."""
    names = ("alpha", "beta", "gamma", "delta")

    def at(version: str) -> dict[str, str]:
        return {f"packages/{n}/pyproject.toml": project(n, version) for n in names}

    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    root = repo(tmp_path / "r", {"pyproject.toml": members, **at("1.3.0")}, tags=["v1.3.0"])
    commit(root, at("1.4.0"), "v1.4.0")
    for pkg in load_workspace(root).packages:
        assert pkg.tags is not None and pkg.tags.last_tag == "v1.4.0"
    dry = run_relnox("bump", "--part", "minor", "--tag", "--dry-run", cwd=root, check=True)
    assert dry.stdout.count("git tag ") == 1 and "-- v1.5.0" in dry.stdout
    run_relnox("bump", "--part", "minor", "--no-commit", cwd=root, check=True)
    git(root, "commit", "-qam", "Release 1.5.0")
    shown = run_relnox("tag", "--dry-run", cwd=root, check=True).stdout
    assert "v1.5.0" in shown and not any(f"{n}-v1.5.0" in shown for n in names)
    run_relnox("tag", cwd=root, check=True)
    assert git(root, "tag", "--points-at", "HEAD").split() == ["v1.5.0"]


def test_the_version_files_at_a_tag_are_asked_for_every_package_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A core and six plugins released together under the core's tags, each plugin's own
    tags stopped long ago: whether a plugin's file names each of the core's newest versions
    is asked of git for every plugin at once, one request a file, not one round trip to
    ``git cat-file`` a file (a 73-package workspace made 1,754 of them)."""
    from relnox.tools import git as tools_git

    names = [f"kit-plugins-{n}" for n in ("a", "b", "c", "d", "e", "f")]

    def files(version: str) -> dict[str, str]:
        plugins = {f"kit-plugins/{n}/pyproject.toml": project(n, version) for n in names}
        return {"kit-agents/pyproject.toml": project("kit-agents", version), **plugins}

    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-02T12:00:00+00:00")
    members = '[tool.uv.workspace]\nmembers = ["kit-agents", "kit-plugins/*"]\n'
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": members, **files("0.9.0")},
        ["kit-agents@0.9.0", *(f"{n}@0.9.0" for n in names)],
    )
    for day, version in enumerate(("1.0.0", "1.1.0", "1.2.0"), start=2):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-02-{day:02d}T12:00:00+00:00")
        commit(root, files(version), f"kit-agents@{version}")
    asked: list[list[tuple[str, str]]] = []
    real = tools_git.show_files

    def counted(repo: Path, files: Sequence[tuple[str, str]]) -> list[str | None]:
        asked.append(list(files))
        return real(repo, files)

    monkeypatch.setattr(tools_git, "show_files", counted)
    ws = load_workspace(root)
    assert {ws.tag_format_of(ws.get(n)) for n in names} == {"kit-agents@{version}"}
    at_newest = [batch for batch in asked if len(batch) >= len(names)]
    assert at_newest, asked  # the plugins' files at a tag in one request


def test_bare_tags_of_a_maintenance_branch_s_packages_are_theirs_though_main_tagged_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two packages released together under one bare tag per release (``v2.4.0``, ``v2.4.1``)
    on a maintenance branch, while main, where they no longer exist, tagged ``v3.0.0`` to
    ``v3.0.2`` later: on the branch the bare tags HEAD holds are theirs, so the bump goes on
    from v2.4.1 (read from main's newest tags only, none named them and the bump was refused
    as not above 3.0.2)."""
    names = ("alpha", "beta")

    def at(version: str) -> dict[str, str]:
        return {f"packages/{n}/pyproject.toml": project(n, version) for n in names}

    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2024-01-01T00:00:00+00:00")
    root = repo(tmp_path / "r", {"pyproject.toml": members, **at("2.4.0")}, tags=["v2.4.0"])
    commit(root, at("2.4.1"), "v2.4.1")
    git(root, "branch", "2.x")
    git(root, "rm", "-q", "-r", "packages", "pyproject.toml")
    for day, tag in enumerate(("v3.0.0", "v3.0.1", "v3.0.2"), start=2):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-01-0{day}T00:00:00+00:00")
        commit(root, {"README.md": f"{tag}\n"}, tag)
    git(root, "switch", "-q", "2.x")
    for pkg in load_workspace(root).packages:
        assert pkg.tags is not None and pkg.tags.last_tag == "v2.4.1", pkg.name
    dry = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "alpha: 2.4.1 -> 2.4.2" in dry.stdout and "beta: 2.4.1 -> 2.4.2" in dry.stdout


def test_bare_tags_a_tag_versioned_member_reads_also_release_the_members_naming_them(
    tmp_path: Path,
) -> None:
    """No root project; ``scm`` takes its version from the tags (its backend's git describe
    reads the bare ``v1.1.0``), ``core`` and ``extra`` write theirs, 1.1.0 at v1.1.0 and
    1.0.0 at v1.0.0: the bare tags are theirs too, as they are when the root reads them (they
    were given no tag and ``{name}-v{version}``)."""
    vcs = '\n[tool.hatch.version]\nsource = "vcs"\n'
    members = '[tool.uv.workspace]\nmembers = ["core", "extra", "scm"]\n'

    def at(version: str) -> dict[str, str]:
        return {f"{n}/pyproject.toml": project(f"acme-{n}", version) for n in ("core", "extra")}

    scm = {"scm/pyproject.toml": project("acme-scm", None, backend="hatch-vcs", extra=vcs)}
    root = repo(tmp_path / "r", {"pyproject.toml": members, **scm, **at("1.0.0")}, ["v1.0.0"])
    commit(root, at("1.1.0"), "v1.1.0")
    for pkg in load_workspace(root).packages:
        assert pkg.tags is not None and pkg.tags.last_tag == "v1.1.0", pkg.name


def test_a_package_released_under_a_sibling_s_tags_is_read_at_its_own_version_not_a_marker_s(
    tmp_path: Path,
) -> None:
    """The previous shape, the package's ``pyproject.toml`` requiring ``numpy>=2;
    python_version >= '3.13'``: at each tag its file says its own version, not 3.13 (read as
    a second version there, its releases were not read and it had no last tag)."""
    marker = "numpy>=2; python_version >= '3.13'"
    members = '\n[tool.uv.workspace]\nmembers = ["kit-core"]\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("kit", "3.18.0") + members,
            "kit-core/pyproject.toml": project("kit-core", "2.18.0", requires=[marker]),
        },
        ["v3.18.0"],
    )
    for minor in (19, 20):
        commit(
            root,
            {
                "pyproject.toml": project("kit", f"3.{minor}.0") + members,
                "kit-core/pyproject.toml": project("kit-core", f"2.{minor}.0", requires=[marker]),
            },
            f"v3.{minor}.0",
        )
    core = load_workspace(root).get("kit-core")
    assert core.tags is not None and (core.tags.last_tag, str(core.tags.last)) == (
        "v3.20.0",
        "2.20.0",
    )


@pytest.mark.parametrize(
    ("said", "last"),
    [(("2.18.0", "2.18.0", "2.19.0"), "v3.20.0"), (("2.18.0", "2.19.0", "2.19.0"), "v3.19.0")],
)
def test_a_package_released_under_a_sibling_s_tags_need_not_move_at_each_of_them(
    tmp_path: Path, said: tuple[str, str, str], last: str
) -> None:
    """A package without tags of its own released beside the root's ``v3.18.0`` to
    ``v3.20.0``, but not at each of them (its file says 2.18.0 at two, then 2.19.0): its
    releases are the versions its file said there, the last 2.19.0 under the first tag that
    said it (it had none, so it was always changed and had no last release)."""
    members = '\n[tool.uv.workspace]\nmembers = ["kit-core"]\n'
    root = repo(tmp_path / "r", {"README.md": ""})
    for minor, version in zip((18, 19, 20), said, strict=True):
        files = {
            "pyproject.toml": project("kit", f"3.{minor}.0") + members,
            "kit-core/pyproject.toml": project("kit-core", version),
        }
        commit(root, files, f"v3.{minor}.0")
    core = load_workspace(root).get("kit-core")
    assert core.tags is not None and (core.tags.last_tag, str(core.tags.last)) == (last, "2.19.0")


def test_a_folders_own_version_line_is_not_the_repositorys_bare_tags(tmp_path: Path) -> None:
    """The shape: relnox run in projects/ext, a companion released with projects/app
    under app's v{version} tags at versions of its own (0.2.0 at v1.1.0, 0.3.0 at
    v1.2.0): ext's file moves while naming none of them, so they are not its tags."""
    root = repo(tmp_path / "r", {"projects/ext/pyproject.toml": project("ext", "0.1.0")})
    git(root, "tag", "v1.0.0")
    for app, ext in (("1.1.0", "0.2.0"), ("1.2.0", "0.3.0")):
        commit(root, {"projects/ext/pyproject.toml": project("ext", ext)}, f"v{app}")
    commit(root, {"projects/ext/pyproject.toml": project("ext", "0.4.0rc0")})
    done = run_relnox("bump", "--to", "0.4.0", "--dry-run", cwd=root / "projects" / "ext")
    assert done.returncode == 0, done.stderr
    assert "ext: 0.4.0rc0 -> 0.4.0" in done.stdout


def test_a_folder_below_the_top_project_does_not_take_the_top_projects_bare_tags(
    tmp_path: Path,
) -> None:
    """The shape: relnox run in ext/, a server beside the library at the top; the library's
    file names each bare tag (v1.0.0 ... v1.2.0), ext's stays at 0.1.0 across them. The
    tags are the top project's releases, not a placeholder of ext's stamped at build time:
    ext's bump writes its file."""
    files = {
        "pyproject.toml": project("lib", "1.0.0"),
        "ext/pyproject.toml": project("ext", "0.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    for version in ("1.1.0", "1.2.0"):
        commit(root, {"pyproject.toml": project("lib", version)}, f"v{version}")
    done = run_relnox("bump", "--to", "0.2.0", "--dry-run", cwd=root / "ext")
    assert done.returncode == 0, done.stderr
    assert "ext: 0.1.0 -> 0.2.0" in done.stdout and '+version = "0.2.0"' in done.stdout


def test_a_release_trains_tags_with_a_timestamp_for_a_day_are_no_dates(tmp_path: Path) -> None:
    """The shape: one tag per release train of many servers, its year, month and a
    timestamp (``2026.07.20260706214220``); relnox run in one server's folder read them
    as day versions and stopped on a day number too large for a date."""
    files = {"src/srv/pyproject.toml": project("srv", "1.3.46")}
    root = repo(tmp_path / "r", files, tags=["2026.07.20260702161703"])
    commit(root, {"src/srv/notes.txt": "x"}, "2026.07.20260706214220")
    done = run_relnox("packages", cwd=root / "src" / "srv")
    assert done.returncode == 0 and "srv" in done.stdout, done.stderr


def test_a_package_that_joined_the_repository_later_is_not_released_by_the_tops_tags(
    tmp_path: Path,
) -> None:
    """``acme`` at the top is tagged v1.0.0 to v1.3.0; ``plugin/`` (``acme-plugin``, 0.3.0)
    was added after v1.2.0. Read from its folder, the bare tags are not its releases: its
    folder was not there at v1.1.0 and v1.2.0, where the top named another project, and it
    said 0.3.0 at v1.3.0. So its bump is 0.3.1, not refused as not above 1.3.0."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "1.0.0")}, tags=["v1.0.0"])
    for minor in (1, 2):
        commit(root, {"pyproject.toml": project("acme", f"1.{minor}.0")}, f"v1.{minor}.0")
    plugin = {"plugin/pyproject.toml": project("acme-plugin", "0.3.0"), "plugin/acme_plugin.py": ""}
    commit(root, plugin, message="Add the plugin")
    commit(root, {"pyproject.toml": project("acme", "1.3.0")}, "v1.3.0")
    done = run_relnox(
        "bump", "--part", "patch", "--dry-run", "--json", cwd=root / "plugin", check=True
    )
    assert json.loads(done.stdout)["versions"] == {"acme-plugin": "0.3.1"}


def test_a_folders_own_line_that_stayed_at_the_newest_bare_tags_but_moved_before_is_its_own(
    tmp_path: Path,
) -> None:
    """The shape: relnox run in packages/semconv, a library beside the instrumentations the
    repository's v{version} tags release. Its file said 0.1.0, then 0.2.0 at every one of the
    three newest tags: the same version each time, as a placeholder stamped at build time
    would, but it moved between older ones and never named a tag's version, so the tags are
    not its releases and its patch is 0.2.1, not 1.4.1."""
    files = {
        "packages/app/pyproject.toml": project("app", "1.0.0"),
        "packages/semconv/pyproject.toml": project("semconv", "0.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    commit(root, {"packages/app/pyproject.toml": project("app", "1.1.0")}, "v1.1.0")
    commit(root, {"packages/semconv/pyproject.toml": project("semconv", "0.2.0")})
    for minor in (2, 3, 4):
        commit(
            root, {"packages/app/pyproject.toml": project("app", f"1.{minor}.0")}, f"v1.{minor}.0"
        )
    done = run_relnox(
        "bump", "--part", "patch", "--dry-run", "--json", cwd=root / "packages" / "semconv"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"] == {"semconv": "0.2.1"}


def test_a_package_made_since_the_older_tags_of_a_shared_line_moves_with_it(
    tmp_path: Path,
) -> None:
    """The shape: kit and its plugins released together under kit@{version} (kit@1.0.0 to
    kit@1.2.0); plugin b was made after kit@1.1.0 and said 1.2.0 at kit@1.2.0. Its folder
    was not there at the older tags, so it shares the line: a patch of kit moves b too;
    before, b took a tag of its own and stayed at 1.2.0."""
    members = '[tool.uv.workspace]\nmembers = ["kit", "plugins/*"]\n'
    files = {
        "pyproject.toml": members,
        "kit/pyproject.toml": project("kit", "1.0.0"),
        "plugins/a/pyproject.toml": project("kit-a", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["kit@1.0.0"])
    for minor in (1, 2):
        files = {
            "kit/pyproject.toml": project("kit", f"1.{minor}.0"),
            "plugins/a/pyproject.toml": project("kit-a", f"1.{minor}.0"),
        }
        if minor == 2:
            files["plugins/b/pyproject.toml"] = project("kit-b", "1.2.0")
        commit(root, files, f"kit@1.{minor}.0")
    done = run_relnox("bump", "--part", "patch", "-p", "kit", "--dry-run", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"] == dict.fromkeys(("kit", "kit-a", "kit-b"), "1.2.1")


def test_a_package_made_since_the_last_release_of_a_shared_line_at_its_version_joins_it(
    tmp_path: Path,
) -> None:
    """The shape: kit and plugin a released together under kit@{version}; plugin b, made
    since kit@1.1.0 at the line's version (1.1.0), has no tag yet: a patch of kit moves it
    too. A plugin at a version of its own (c, 0.3.0) stays; before, b stayed as well."""
    members = '[tool.uv.workspace]\nmembers = ["kit", "plugins/*"]\n'
    files = {
        "pyproject.toml": members,
        "kit/pyproject.toml": project("kit", "1.0.0"),
        "plugins/a/pyproject.toml": project("kit-a", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["kit@1.0.0"])
    files = {
        "kit/pyproject.toml": project("kit", "1.1.0"),
        "plugins/a/pyproject.toml": project("kit-a", "1.1.0"),
    }
    commit(root, files, "kit@1.1.0")
    files = {
        "plugins/b/pyproject.toml": project("kit-b", "1.1.0"),
        "plugins/c/pyproject.toml": project("kit-c", "0.3.0"),
    }
    commit(root, files)
    done = run_relnox("bump", "--part", "patch", "-p", "kit", "--dry-run", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"] == dict.fromkeys(("kit", "kit-a", "kit-b"), "1.1.1")


def test_a_package_read_from_its_own_folder_keeps_its_path_tags_over_a_siblings_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libs/a and libs/b are released at once (libs/a/v1.0.1 and libs/b/v1.0.1 on one commit),
    then libs/b alone (libs/b/v1.0.2). Read from libs/a, where no workspace names libs/b, a
    keeps libs/a/v{version}: libs/b/ names the project beside it, whose tags came later (it
    took libs/b/v{version} as its new convention and would have tagged libs/b/v1.0.2)."""

    def both(a: str, b: str) -> dict[str, str]:
        return {"libs/a/pyproject.toml": project("a", a), "libs/b/pyproject.toml": project("b", b)}

    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-01-01T12:00:00+00:00")
    root = repo(tmp_path / "r", both("1.0.0", "1.0.0"), ["libs/a/v1.0.0", "libs/b/v1.0.0"])
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-02-01T12:00:00+00:00")
    commit(root, both("1.0.1", "1.0.1"), "libs/a/v1.0.1", "libs/b/v1.0.1")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-03-01T12:00:00+00:00")
    commit(root, both("1.0.1", "1.0.2"), "libs/b/v1.0.2")
    (pkg,) = load_workspace(root / "libs/a").packages
    assert pkg.tags is not None
    assert (pkg.tags.convention.format, pkg.tags.last_tag) == ("libs/a/v{version}", "libs/a/v1.0.1")


def test_a_package_is_tagged_by_the_name_of_the_npm_manifest_beside_it_which_moves_with_it(
    tmp_path: Path,
) -> None:
    """The shape: a changesets monorepo whose Python package carries a ``package.json`` of
    another name for changesets to version, which tags its releases by that name
    (``@acme/sdk-python@1.1.0``); another Python package and a JavaScript one beside it have
    tags of their own."""

    def files(python: str, js: str) -> dict[str, str]:
        npm = '{{\n  "name": "{}",\n  "private": true,\n  "version": "{}"\n}}\n'
        return {
            "python/pyproject.toml": project("acme-sdk", python),
            "python/src/acme_sdk/__init__.py": "",
            "python/package.json": npm.format("@acme/sdk-python", python),
            "charts/pyproject.toml": project("acme-charts", "0.1.0"),
            "charts/src/acme_charts/__init__.py": "",
            "charts/package.json": npm.format("@acme/data-charts", "0.1.0"),
            "js/package.json": npm.format("@acme/sdk", js),
        }

    tags = ["@acme/sdk-python@1.0.0", "@acme/data-charts@0.1.0", "v0.0.0"]
    root = repo(tmp_path / "r", files("1.0.0", "2.0.0"), tags)
    commit(root, files("1.0.0", "2.1.0"), "@acme/sdk@2.1.0")
    commit(root, files("1.1.0", "2.1.0"), "@acme/sdk-python@1.1.0")
    ws = load_workspace(root)
    pkg = ws.get("acme-sdk")
    assert ws.tag_format_of(pkg) == "@acme/sdk-python@{version}"
    assert pkg.tags is not None and pkg.tags.last_tag == "@acme/sdk-python@1.1.0"
    assert ws.tag_format_of(ws.get("acme-charts")) == "@acme/data-charts@{version}"
    # the manifest its tags are named by moves with the release, as changesets moves it
    bump = ("bump", "-p", "acme-sdk", "--part", "patch", "--dry-run", "--json")
    done = run_relnox(*bump, cwd=root, check=True)
    assert json.loads(done.stdout)["files"] == ["python/pyproject.toml", "python/package.json"]
