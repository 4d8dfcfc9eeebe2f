"""plan and changed_packages on a real history where one package changed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from invoke.context import Context

from relnox.project.changes import changed_packages, last_tag, pathspec, pathspecs, plan
from relnox.project.discovery import load_workspace
from relnox.project.workspace import Workspace
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.sample import ProjectSpec, demo_specs, git_commit_all


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


@pytest.fixture
def history(make_workspace: Callable[..., Path]) -> Path:
    """Three packages released (tagged), then two commits touching only demo-agents."""
    root = make_workspace(demo_specs())
    ws = load_workspace(root)
    apply_tags(plan_tags(ws, TagOptions(missing=True)))
    agents = root / "packages" / "demo-agents" / "demo_agents"
    (agents / "extra.py").write_text("VALUE = 1\n", encoding="utf-8")
    git_commit_all(root, "agents: add extra")
    (agents / "extra.py").write_text("VALUE = 2\n", encoding="utf-8")
    (root / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")  # not a package's
    git_commit_all(root, "agents: change extra")
    return root


def test_plan_marks_only_the_changed_package(history: Path) -> None:
    ws = load_workspace(history)
    rows = {row.name: row for row in plan(ws, part="minor")}
    assert rows["demo-agents"].changed
    assert (rows["demo-agents"].commits, rows["demo-agents"].files) == (2, 1)
    assert rows["demo-agents"].last_tag == "demo-agents-v0.1.0"
    assert rows["demo-agents"].next_version == "0.2.0"
    for name in ("demo-core", "demo-runtime"):
        assert not rows[name].changed
        assert rows[name].files == 0
        assert rows[name].next_version is None
    assert changed_packages(ws) == ["demo-agents"]
    # against an explicit revision: the commit before the last one
    assert changed_packages(ws, since="HEAD~1") == ["demo-agents"]
    assert changed_packages(ws, since="HEAD") == []


def test_never_tagged_packages_count_as_changed(make_workspace: Callable[..., Path]) -> None:
    ws = load_workspace(make_workspace(demo_specs()))
    rows = plan(ws, part="patch")
    assert all(r.changed and r.last_tag is None and r.commits is None for r in rows)
    assert [r.next_version for r in rows] == ["0.1.1", "0.1.1", "0.1.1"]


def test_a_package_without_tags_counts_its_changes_since_its_literal_moved(
    tmp_path: Path,
) -> None:
    """The shape: one package, no tags at all, its version literal moved 0.3.0 -> 0.4.0 ->
    0.4.1 in commits, one commit of work since. The moves are its releases: plan counts the
    changes since the commit that set 0.4.1 (before: changed, counts unknown), and nothing
    has changed on that commit itself."""
    from tests.conftest import run_relnox
    from tests.shapes import commit, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "0.3.0"), "acme.py": ""})
    commit(root, {"pyproject.toml": project("acme", "0.4.0"), "acme.py": "a = 1\n"})
    commit(root, {"pyproject.toml": project("acme", "0.4.1")})
    set_it = git(root, "rev-parse", "HEAD")
    commit(root, {"acme.py": "a = 2\n"})

    def row() -> dict[str, object]:
        out = run_relnox("plan", "--json", cwd=root, check=True).stdout
        return dict(json.loads(out)["packages"][0])

    assert {k: row()[k] for k in ("version", "changed", "commits", "files")} == {
        "version": "0.4.1",
        "changed": True,
        "commits": 1,
        "files": 1,
    }
    git(root, "checkout", "-q", set_it)
    assert {k: row()[k] for k in ("changed", "commits", "files")} == {
        "changed": False,
        "commits": 0,
        "files": 0,
    }


def test_last_tag_is_the_highest_version_reachable(history: Path) -> None:
    ws = load_workspace(history)
    git(history, "tag", "demo-core-v0.1.5", "HEAD~1")
    git(history, "tag", "demo-core-v0.10.0", "HEAD")
    git(history, "checkout", "-q", "-b", "side", "HEAD~2")
    git(history, "commit", "-q", "--allow-empty", "-m", "side work")
    git(history, "tag", "demo-core-v9.0.0")  # on another branch: not reachable from main
    git(history, "checkout", "-q", "main")
    ws = load_workspace(history)  # tags are read when the workspace is loaded
    assert last_tag(ws.get("demo-core")) == "demo-core-v0.10.0"
    assert str(ws.get("demo-core").released) == "9.0.0"  # the highest anywhere bounds bumps


def test_root_package_ignores_nested_packages(make_project: Callable[..., Path]) -> None:
    root = make_project(
        ProjectSpec("outer", "1.0.0"),
    )
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + '\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        encoding="utf-8",
    )
    from relnox.sample import write_project

    write_project(root / "libs" / "inner", ProjectSpec("inner", "1.0.0"))
    git_commit_all(root, "Add inner")
    ws = load_workspace(root)
    apply_tags(plan_tags(ws, TagOptions(missing=True)))
    (root / "libs" / "inner" / "inner" / "more.py").write_text("X = 1\n", encoding="utf-8")
    git_commit_all(root, "inner only")
    assert changed_packages(load_workspace(root)) == ["inner"]
    ws = load_workspace(root)
    assert pathspecs(ws, ws.packages) == {p.name: pathspec(ws, p) for p in ws.packages}
    assert pathspecs(ws, ws.packages)["outer"] == [".", ":(exclude)libs/inner"]


def test_a_broken_members_change_is_no_change_of_the_root_package(
    make_project: Callable[..., Path],
) -> None:
    """A root package with members ``good`` and ``bad``; after the tags, a commit touches only
    ``bad``, which then breaks (``version = 1``): ``plan`` says the root unchanged, as if
    ``bad`` were not there (before, its folder counted as the root's own files)."""
    from relnox.sample import write_project

    root = make_project(ProjectSpec("outer", "1.0.0"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + '\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        encoding="utf-8",
    )
    write_project(root / "libs" / "good", ProjectSpec("good", "1.0.0"))
    write_project(root / "libs" / "bad", ProjectSpec("bad", "1.0.0"))
    git_commit_all(root, "Add members")
    apply_tags(plan_tags(load_workspace(root), TagOptions(missing=True)))
    bad = root / "libs" / "bad" / "pyproject.toml"
    bad.write_text(bad.read_text(encoding="utf-8").replace('version = "1.0.0"', "version = 1"))
    git_commit_all(root, "bad only")
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "plan", "--json"], cwd=root, capture_output=True, text=True
    )
    assert proc.returncode == 1 and "libs/bad/pyproject.toml" in proc.stderr, proc.stderr
    rows = {row["name"]: row["changed"] for row in json.loads(proc.stdout)["packages"]}
    assert rows == {"outer": False, "good": False}


def test_plan_reads_every_pathspec_in_one_pass(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A monorepo's 39 packages (a synthetic 400 took 12 s): plan built each package's
    pathspec alone, resolving every other package's directory for each, quadratic in the
    package count. It reads them all in one linear pass (:func:`pathspecs`), with the same
    result: a root package still leaves its nested members' changes out."""
    root = make_project(ProjectSpec("outer", "1.0.0"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + '\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        encoding="utf-8",
    )
    from relnox.project import changes
    from relnox.sample import write_project

    for name in ("inner", "other"):
        write_project(root / "libs" / name, ProjectSpec(name, "1.0.0"))
    git_commit_all(root, "Add the members")
    apply_tags(plan_tags(load_workspace(root), TagOptions(missing=True)))
    (root / "libs" / "inner" / "inner" / "more.py").write_text("X = 1\n", encoding="utf-8")
    git_commit_all(root, "inner only")

    def one_at_a_time(*args: object) -> list[str]:
        raise AssertionError("a pathspec read alone: quadratic in the package count")

    monkeypatch.setattr(changes, "pathspec", one_at_a_time)
    rows = {row.name: row for row in plan(load_workspace(root))}
    assert {name: row.changed for name, row in rows.items()} == {
        "outer": False,
        "inner": True,
        "other": False,
    }
    assert (rows["inner"].commits, rows["inner"].files) == (1, 1)


def test_plan_task_json(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from relnox.invoke import plan as plan_task

    result = plan_task(Context(), root=str(history), part="major", json=True)
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1
    rows = data["packages"]
    assert [r["name"] for r in rows if r["changed"]] == ["demo-agents"]
    assert result["packages"] == ["demo-agents"]
    assert result["versions"] == {"demo-agents": "1.0.0"}


@pytest.mark.slow
def test_plan_session_through_nox(history: Path) -> None:
    (history / "noxfile.py").write_text(
        "import relnox.nox\n\nrelnox.nox.register()\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "plan", "--", "--part", "minor"],
        cwd=history,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    table = [line.split() for line in proc.stdout.splitlines()]
    assert ["demo-agents", "0.1.0", "demo-agents-v0.1.0", "yes", "2", "1", "0.2.0"] in table
    assert ["demo-core", "0.1.0", "demo-core-v0.1.0", "no", "0", "0", "-"] in table


def test_plan_s_next_version_starts_where_bump_starts(tmp_path: Path) -> None:
    """``0.34.0+dev`` after ``v0.34.0``: plan --part minor says 0.35.0, as bump gives."""
    from tests.shapes import commit, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("trioish", "0.34.0")}, ["v0.34.0"])
    commit(root, {"pyproject.toml": project("trioish", "0.34.0+dev")})
    (row,) = plan(load_workspace(root), "minor")
    assert row.next_version == "0.35.0"


def test_plan_never_shows_a_next_version_a_tag_already_marks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A tag on HEAD's own line above the version file (v8.1.0 made by hand while the file
    still says 8.0.0): bump refuses --part minor (8.1.0, taken); plan says the same error
    as a warning instead of showing it as next (the other packages' rows still come), and
    shows major's 9.0.0."""
    from relnox.bump import BumpOptions
    from relnox.bump.plan import plan_bump
    from relnox.errors import VersionError
    from tests.shapes import commit, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("redisish", "8.0.0")}, ["v8.0.0"])
    commit(root, {"README.md": "work\n"}, "v8.1.0")
    commit(root, {"README.md": "more work\n"})
    ws = load_workspace(root)
    with caplog.at_level("WARNING", logger="relnox"):
        (row,) = plan(ws, "minor")
    assert row.next_version is None
    with pytest.raises(VersionError, match=r"8\.1\.0") as by_bump:
        plan_bump(ws, BumpOptions(part="minor"))
    assert f"warning: {by_bump.value}" in caplog.messages
    (row,) = plan(ws, "major")
    assert row.next_version == "9.0.0"


def test_plan_gives_the_version_bump_gives_as_long_as_the_releases(tmp_path: Path) -> None:
    """The shape: 0.14.dev0 with releases tagged 0.13.0: plan --part minor says 0.14.0,
    as bump does (it said 0.14)."""
    from tests.shapes import commit, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("bottle", "0.13.0")}, tags=["0.13.0"])
    commit(root, {"pyproject.toml": project("bottle", "0.14.dev0")})
    [row] = plan(load_workspace(root), part="minor")
    assert row.next_version == "0.14.0"


def test_a_bump_below_plain_tags_no_package_claims_names_the_setting(tmp_path: Path) -> None:
    """The shape: a uv workspace of packages at a placeholder 0.1.0 (the release workflow
    writes the version from the tag), released as the repository's plain tags (v0.86.5)
    that name no package. A minor bump gave 0.2.0, below what the index holds; it is now
    refused, naming tag-format either way, and proceeds once tag-format says whose tags."""
    from relnox.bump import BumpOptions
    from relnox.bump.plan import plan_bump
    from relnox.errors import VersionError
    from tests.shapes import project, repo

    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    files = {
        "pyproject.toml": f'[project]\nname = "acme-dev"\nversion = "0.1.0"\n{members}',
        "packages/acme/pyproject.toml": project("acme", "0.1.0"),
        "packages/acme-cli/pyproject.toml": project("acme-cli", "0.1.0", requires=["acme"]),
    }
    root = repo(tmp_path / "r", files, tags=["v0.85.0", "v0.86.5"])
    with pytest.raises(VersionError) as info:
        plan_bump(load_workspace(root), BumpOptions(part="minor"))
    message = str(info.value)
    assert [row.next_version for row in plan(load_workspace(root), part="minor")] == [None, None]
    assert message.startswith("acme: 0.2.0 is not above 0.86.5, which tag v0.86.5 released")
    assert 'tag-format = "v{version}"' in message and 'tag-format = "{name}-v{version}"' in message
    (root / "pyproject.toml").write_text(
        files["pyproject.toml"] + '[tool.relnox]\ntag-format = "{name}-v{version}"\n',
        encoding="utf-8",
    )
    git(root, "commit", "-qam", "our own tags")
    assert {row.name: row.next_version for row in plan(load_workspace(root), part="minor")} == {
        "acme": "0.2.0",
        "acme-cli": "0.2.0",
    }


def test_a_bump_below_plain_tags_of_packages_whose_files_moved_on_their_own_is_not_refused(
    tmp_path: Path,
) -> None:
    """The shape: servers with versions of their own in their files, each moved at its
    releases (0.1.3 then 0.1.4), and repository tags (``2026.08.20260813230114``) that name
    none of them and that their files never said. The bump was refused as "0.1.5 is not
    above 2026.8.20260813230114"; a file whose version moved up on its own line is no
    placeholder that tag released, so the bump goes on from the file."""
    from relnox.bump import BumpOptions
    from relnox.bump.plan import plan_bump
    from tests.shapes import commit, project, repo

    root = repo(
        tmp_path / "r",
        {
            "a/pyproject.toml": project("acme-a", "0.1.3"),
            "b/pyproject.toml": project("acme-b", "1.0.20"),
        },
    )
    commit(root, {"a/pyproject.toml": project("acme-a", "0.1.4")})
    commit(root, {"b/pyproject.toml": project("acme-b", "1.0.21")})
    git(root, "tag", "2026.08.20260813230114")
    commit(root, {"a/x.py": "X = 1\n"})
    bumped = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert {name: new for name, (_old, new) in bumped.versions.items()} == {
        "acme-a": "0.1.5",
        "acme-b": "1.0.22",
    }


def test_one_package_s_refused_next_version_leaves_the_others_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two packages changed since their tags, one of them tagged above its file (a tag
    made by hand, acme-a-v2.0.0 while a/pyproject.toml says 1.0.0): plan --part minor
    stopped with that package's error, with no row for the other; it now shows every row,
    the refused one without a next version, and says why as a warning."""
    from tests.shapes import commit, project, repo

    files = {
        "a/pyproject.toml": project("acme-a", "1.0.0"),
        "b/pyproject.toml": project("acme-b", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["acme-a-v2.0.0", "acme-b-v1.0.0"])
    commit(root, {"a/x.py": "X = 1\n", "b/y.py": "Y = 1\n"})
    with caplog.at_level("WARNING", logger="relnox"):
        rows = {row.name: row.next_version for row in plan(load_workspace(root), part="minor")}
    assert rows == {"acme-a": None, "acme-b": "1.1.0"}
    assert any(m.startswith("warning: acme-a: 1.1.0 is not above 2.0.0") for m in caplog.messages)


def test_a_release_tag_ahead_of_head_on_its_branch_is_no_change_of_head(tmp_path: Path) -> None:
    """The shape: main at 5.2.0.dev0, a release branch from it commits
    5.1.2 and tags v5.1.2; HEAD has no commit since. relnox said it changed (2 files, 0
    commits: the release commit's, which HEAD lacks); it changed when HEAD commits to it."""
    from tests.shapes import commit, git, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("stish", "5.1.1")}, ["v5.1.1"])
    commit(root, {"pyproject.toml": project("stish", "5.2.0.dev0")})
    git(root, "checkout", "-q", "-b", "release")
    commit(root, {"pyproject.toml": project("stish", "5.1.2"), "stish.py": "x = 1\n"}, "v5.1.2")
    git(root, "checkout", "-q", "main")
    [row] = plan(load_workspace(root))
    assert (row.last_tag, row.changed, row.commits, row.files) == ("v5.1.2", False, 0, 0)
    commit(root, {"stish.py": "x = 2\n"})
    [row] = plan(load_workspace(root))
    assert (row.changed, row.commits) == (True, 1)


def _monorepo(root: Path, count: int) -> Path:
    """``count`` packages under ``packages/``, each tagged ``name_1.0.0`` (a large
    monorepo's spelling), then a few released on their own and a few changed since."""
    from tests.shapes import commit, project, repo

    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    names = [f"pkg{i:02d}" for i in range(count)]
    for name in names:
        files[f"packages/{name}/pyproject.toml"] = project(name, "1.0.0")
        files[f"packages/{name}/{name}/__init__.py"] = ""
    repo(root, files, [f"{name}_1.0.0" for name in names])
    for i, name in enumerate(names):
        if i % 3 == 0:
            commit(
                root, {f"packages/{name}/pyproject.toml": project(name, "1.1.0")}, f"{name}_1.1.0"
            )
        if i % 2 == 0:
            commit(root, {f"packages/{name}/{name}/more.py": f"X = {i}\n"})
    commit(root, {"README.md": "root only\n"})
    return root


def test_plan_walks_the_history_once_for_every_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large monorepos (hundreds of packages, each tagged ``name_1.2.3`` on its
    own): plan asked git per package how many commits since its last tag touched it, each
    question a walk of the history, so 600 packages took 46 s (quadratic). It reads the
    history once for them all: as many git calls for 24 packages as for 6, and the same
    answers git gives package by package."""
    from relnox.project import changes
    from relnox.tools import git as git_tool

    calls: list[tuple[str, ...]] = []
    asked = git_tool.run

    def counted(repo: Path, *args: str, **kwargs: object) -> object:
        calls.append(args)
        return asked(repo, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(git_tool, "run", counted)
    per_size = []
    for count in (6, 24):
        ws = load_workspace(_monorepo(tmp_path / str(count), count))
        calls.clear()
        rows = {row.name: row for row in plan(ws)}
        per_size.append(len(calls))
        specs = pathspecs(ws, ws.packages)
        for pkg in ws.packages:
            tag = last_tag(pkg)
            assert tag is not None
            files, commits = changes._changes(ws, specs[pkg.name], tag)
            assert (rows[pkg.name].files, rows[pkg.name].commits) == (files, commits)
        assert rows["pkg00"].last_tag == "pkg00_1.1.0" and rows["pkg00"].changed
        assert rows["pkg01"].last_tag == "pkg01_1.0.0" and not rows["pkg01"].changed
        assert (rows["pkg02"].commits, rows["pkg02"].files) == (1, 1)
    assert per_size[0] == per_size[1]


def test_plan_one_walk_agrees_with_git_off_the_line_and_after_a_merge(tmp_path: Path) -> None:
    """The one walk holds only where the history is one line: a tag on a release branch
    (v1.44.0 on release/v1.44.x, main gone on) is measured from where the
    branch left main, as git's ``tag..HEAD`` does; a merge makes plan ask git per package,
    whose history simplification decides what a merge counts as."""
    from relnox.project import change_walk
    from tests.shapes import commit
    from tests.shapes import git as sh

    root = _monorepo(tmp_path / "r", 4)
    sh(root, "checkout", "-q", "-b", "release", "HEAD~2")
    commit(root, {"packages/pkg01/pyproject.toml": project_text("pkg01", "1.0.1")}, "pkg01_1.0.1")
    sh(root, "checkout", "-q", "main")
    commit(root, {"packages/pkg01/pkg01/x.py": "X = 1\n"})
    ws = load_workspace(root)
    specs = pathspecs(ws, ws.packages)
    bases = {"pkg01": "pkg01_1.0.1", "pkg02": "pkg02_1.0.0", "pkg00": "pkg00_1.1.0"}
    walked = change_walk.changes(ws.root, specs, bases)
    assert walked is not None
    from relnox.project import changes

    assert walked == {name: changes._changes(ws, specs[name], b) for name, b in bases.items()}
    assert walked["pkg01"] == (2, 1)  # x.py made on main since; pyproject.toml differs
    sh(root, "merge", "-q", "--no-ff", "-m", "merge release", "release")
    assert change_walk.changes(ws.root, specs, bases) is None


def project_text(name: str, version: str) -> str:
    from tests.shapes import project

    return project(name, version)


def test_plan_spells_a_pre_release_as_bump_writes_it(make_workspace: Callable[..., Path]) -> None:
    """``3.2.0-rc0`` by pre is ``3.2.0-rc1`` in the plan too, not PEP 440's ``3.2.0rc1``."""
    ws = load_workspace(make_workspace(demo_specs(version="3.2.0-rc0")))
    assert {r.next_version for r in plan(ws, part="pre")} == {"3.2.0-rc1"}


def test_plan_one_walk_answers_the_packages_released_since_the_newest_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge below some packages' last tags (a workspace tagged together since, one plugin
    last released before the merge): the walk answers the packages released above the
    newest merge, git is asked for the others alone, and every row is git's."""
    from relnox.project import change_walk
    from relnox.project import changes as module
    from tests.shapes import commit
    from tests.shapes import git as sh

    root = _monorepo(tmp_path / "r", 6)
    sh(root, "checkout", "-q", "-b", "side", "HEAD~1")
    commit(root, {"packages/pkg01/pkg01/side.py": "S = 1\n"})
    sh(root, "checkout", "-q", "main")
    sh(root, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    later = {f"packages/pkg0{i}/pyproject.toml": project_text(f"pkg0{i}", "1.2.0") for i in (0, 2)}
    commit(root, later, "pkg00_1.2.0", "pkg02_1.2.0")
    commit(root, {"packages/pkg00/pkg00/after.py": "A = 1\n"})
    ws = load_workspace(root)
    specs = pathspecs(ws, ws.packages)
    bases = {"pkg00": "pkg00_1.2.0", "pkg02": "pkg02_1.2.0", "pkg01": "pkg01_1.0.0"}
    walked = change_walk.changes(ws.root, specs, bases)
    assert walked == {"pkg00": (1, 1), "pkg02": (0, 0)}  # pkg01's base is below the merge
    asked: list[str] = []
    real = module._changes

    def counted(workspace: Workspace, spec: Sequence[str], base: str) -> tuple[int, int]:
        asked.append(base)
        return real(workspace, spec, base)

    monkeypatch.setattr(module, "_changes", counted)
    rows = {row.name: row for row in plan(ws)}
    tags = {pkg.name: str(last_tag(pkg)) for pkg in ws.packages}
    assert sorted(asked) == sorted(t for n, t in tags.items() if n not in ("pkg00", "pkg02"))
    for pkg in ws.packages:
        files_commits = real(ws, specs[pkg.name], tags[pkg.name])
        assert (rows[pkg.name].files, rows[pkg.name].commits) == files_commits


def test_plan_below_a_merge_asks_git_once_where_the_merge_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge on HEAD's line below some packages' last tags: the newest merge of the
    first-parent line, and the commits above it, read from HEAD's one history log, say for
    every walk whether a merge lies between HEAD and its bottom (no ``rev-list --min-parents``
    per walk, which a failed first walk paid on a real 73-package workspace); the rows stay
    git's."""
    from relnox.project import changes as module
    from relnox.tools import git as git_tool
    from tests.shapes import commit
    from tests.shapes import git as sh

    root = _monorepo(tmp_path / "r", 6)
    sh(root, "checkout", "-q", "-b", "side", "HEAD~1")
    commit(root, {"packages/pkg01/pkg01/side.py": "S = 1\n"})
    sh(root, "checkout", "-q", "main")
    sh(root, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    later = {f"packages/pkg0{i}/pyproject.toml": project_text(f"pkg0{i}", "1.2.0") for i in (0, 2)}
    commit(root, later, "pkg00_1.2.0", "pkg02_1.2.0")
    commit(root, {"packages/pkg00/pkg00/after.py": "A = 1\n"})
    ws = load_workspace(root)
    calls: list[tuple[str, ...]] = []
    asked = git_tool.run

    def counted(repo: Path, *args: str, **kwargs: object) -> object:
        calls.append(args)
        return asked(repo, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(git_tool, "run", counted)
    rows = {row.name: row for row in plan(ws)}
    monkeypatch.setattr(git_tool, "run", asked)
    assert not [c for c in calls if c[0] == "rev-list" and "--min-parents=2" in c], calls
    assert len([c for c in calls if c[:2] == ("log", "--topo-order")]) == 1, calls
    # the bases above the merge lie on one line: the lowest is their merge base
    assert not [c for c in calls if c[:2] == ("merge-base", "--octopus")], calls
    specs = pathspecs(ws, ws.packages)
    for pkg in ws.packages:
        tag = last_tag(pkg)
        assert tag is not None
        files, commits = module._changes(ws, specs[pkg.name], tag)
        assert (rows[pkg.name].files, rows[pkg.name].commits) == (files, commits)


def test_plan_off_the_line_and_below_a_merge_is_git_s(tmp_path: Path) -> None:
    """A tag on a release branch HEAD never merged, and a merge on main after it: the walk
    takes the packages above the merge at once (no walk tried first for them all), git
    measures the others, and every row is what git says package by package."""
    from relnox.project import change_walk
    from relnox.project import changes as module
    from tests.shapes import commit
    from tests.shapes import git as sh

    root = _monorepo(tmp_path / "r", 6)
    sh(root, "checkout", "-q", "-b", "side", "HEAD~1")
    commit(root, {"packages/pkg03/pkg03/side.py": "S = 1\n"})
    sh(root, "checkout", "-q", "main")
    sh(root, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    later = {f"packages/pkg0{i}/pyproject.toml": project_text(f"pkg0{i}", "1.2.0") for i in (0, 2)}
    commit(root, later, "pkg00_1.2.0", "pkg02_1.2.0")
    sh(root, "checkout", "-q", "-b", "release")  # above the merge, never merged back
    commit(root, {"packages/pkg01/pyproject.toml": project_text("pkg01", "1.0.1")}, "pkg01_1.0.1")
    sh(root, "checkout", "-q", "main")
    commit(root, {"packages/pkg01/pkg01/after.py": "A = 1\n", "packages/pkg00/pkg00/a.py": ""})
    ws = load_workspace(root)
    specs = pathspecs(ws, ws.packages)
    bases = {"pkg01": "pkg01_1.0.1", "pkg02": "pkg02_1.2.0", "pkg00": "pkg00_1.2.0"}
    walked = change_walk.changes(ws.root, specs, bases)
    assert walked == {"pkg00": (1, 1), "pkg02": (0, 0)}  # pkg01: git asked for it alone
    assert walked == {n: module._changes(ws, specs[n], b) for n, b in bases.items() if n in walked}
    assert module._changes(ws, specs["pkg01"], "pkg01_1.0.1") == (2, 1)
