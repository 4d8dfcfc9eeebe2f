"""tag, check-tag and resolve-version on real git repositories (and a bare remote)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.errors import GitError, VersionError
from relnox.project.discovery import load_workspace
from relnox.release.ci_tags import check_tag, resolve_version
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.sample import ProjectSpec, demo_specs, git_commit_all
from relnox.stage import Runtime
from tests.conftest import run_relnox


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def set_version(package_dir: Path, old: str, new: str) -> None:
    """Rewrite a sample package's version everywhere it is written."""
    for path in [package_dir / "pyproject.toml", *package_dir.glob("*/__init__.py")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f'"{old}"', f'"{new}"'), encoding="utf-8")


@pytest.fixture
def demo(make_workspace: Callable[..., Path]) -> Path:
    return make_workspace(demo_specs())


@pytest.fixture
def remote(tmp_path: Path, demo: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(demo, "remote", "add", "origin", str(bare))
    git(demo, "push", "-q", "-u", "origin", "main")
    return bare


def bump_two(root: Path) -> None:
    set_version(root / "packages" / "demo-core", "0.1.0", "0.2.0")
    set_version(root / "packages" / "demo-agents", "0.1.0", "0.1.1")
    git_commit_all(root, "Bump core and agents")


def test_auto_tag_after_version_change_in_two_of_three(demo: Path, remote: Path) -> None:
    bump_two(demo)
    ws = load_workspace(demo)
    plan = plan_tags(ws, TagOptions(push=True))
    assert plan.since == "HEAD~1"
    assert [(a.tag, a.action) for a in plan.actions] == [
        ("demo-core-v0.2.0", "create"),
        ("demo-agents-v0.1.1", "create"),
    ]
    apply_tags(plan)
    head = git(demo, "rev-parse", "HEAD")
    for tag in ("demo-core-v0.2.0", "demo-agents-v0.1.1"):
        assert git(demo, "cat-file", "-t", tag) == "tag"  # annotated
        assert git(demo, "rev-parse", f"{tag}^{{commit}}") == head
    pushed = git(remote, "tag", "--list")
    assert pushed.split() == ["demo-agents-v0.1.1", "demo-core-v0.2.0"]

    # a rerun changes nothing: the tags are on HEAD already
    rerun = plan_tags(load_workspace(demo), TagOptions(push=True))
    assert [a.action for a in rerun.actions] == ["skip", "skip"]
    assert rerun.to_create == ()
    apply_tags(rerun)
    assert git(demo, "tag", "--list").split() == ["demo-agents-v0.1.1", "demo-core-v0.2.0"]


@pytest.mark.slow
def test_tag_task_dry_run_and_rerun_through_relnox(demo: Path) -> None:
    bump_two(demo)
    dry = run_relnox("tag", "--dry-run", cwd=demo, check=True)
    assert "would create tag demo-core-v0.2.0" in dry.stdout
    assert git(demo, "tag", "--list") == ""
    first = run_relnox("tag", cwd=demo, check=True)
    assert "create tag demo-agents-v0.1.1" in first.stdout
    second = run_relnox("tag", cwd=demo, check=True)
    assert "skip demo-core-v0.2.0" in second.stdout
    assert git(demo, "tag", "--list").split() == ["demo-agents-v0.1.1", "demo-core-v0.2.0"]


def test_conflicting_tag_on_another_commit_is_an_error(demo: Path) -> None:
    git(demo, "tag", "-a", "demo-core-v0.2.0", "-m", "stale")
    bump_two(demo)
    with pytest.raises(GitError, match=r"tag demo-core-v0\.2\.0 already exists on commit"):
        plan_tags(load_workspace(demo), TagOptions())
    assert "demo-agents-v0.1.1" not in git(demo, "tag", "--list")  # nothing was tagged
    proc = run_relnox("tag", cwd=demo)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("relnox: error: tag demo-core-v0.2.0 already exists")


def test_missing_tags_every_untagged_version_once(demo: Path) -> None:
    ws = load_workspace(demo)
    git(demo, "tag", "-a", "demo-core-v0.1.0", "-m", "old", "HEAD")
    plan = plan_tags(ws, TagOptions(missing=True))
    assert [(a.tag, a.action) for a in plan.actions] == [
        ("demo-core-v0.1.0", "skip"),
        ("demo-agents-v0.1.0", "create"),
        ("demo-runtime-v0.1.0", "create"),
    ]
    apply_tags(plan)
    assert plan_tags(ws, TagOptions(missing=True)).to_create == ()


def test_a_version_tagged_on_an_older_commit_is_said_not_hidden(demo: Path) -> None:
    """The release's tag stage: the version was released before, from another commit."""
    git(demo, "tag", "-a", "demo-core-v0.1.0", "-m", "old", "HEAD")
    (demo / "notes.txt").write_text("later\n", encoding="utf-8")
    git_commit_all(demo, "A later commit, same versions")
    plan = plan_tags(load_workspace(demo), TagOptions(missing=True, packages=["demo-core"]))
    assert plan.to_create == ()
    [kept] = plan.actions
    assert (kept.tag, kept.action) == ("demo-core-v0.1.0", "keep")
    assert "bump demo-core to release HEAD" in kept.reason
    assert "on an older commit, not moved" in plan.summary()
    assert "already on HEAD" not in plan.summary()


def test_since_defaults_to_the_push_before_commit_on_github(demo: Path, tmp_path: Path) -> None:
    first = git(demo, "rev-parse", "HEAD")
    bump_two(demo)
    (demo / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    git_commit_all(demo, "Unrelated change")
    ws = load_workspace(demo)
    assert (
        plan_tags(ws, TagOptions(), Runtime(environ={})).actions == ()
    )  # HEAD~1 changed no version
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": first}), encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event)}
    plan = plan_tags(ws, TagOptions(), Runtime(environ=env))
    assert plan.since == first
    assert [a.tag for a in plan.actions] == ["demo-core-v0.2.0", "demo-agents-v0.1.1"]
    event.write_text(json.dumps({"before": "1" * 40}), encoding="utf-8")
    with pytest.raises(GitError, match="fetch-depth: 0"):
        plan_tags(ws, TagOptions(), Runtime(environ=env))


def test_since_head_1_on_the_first_commit_tags_every_version(demo: Path) -> None:
    assert git(demo, "rev-list", "--count", "HEAD") == "1"
    ws = load_workspace(demo)
    plan = plan_tags(
        ws, TagOptions(since="HEAD~1"), Runtime(environ={})
    )  # the auto-tag step on a new repository
    assert plan.since is None
    assert [a.tag for a in plan.to_create] == [
        "demo-core-v0.1.0",
        "demo-agents-v0.1.0",
        "demo-runtime-v0.1.0",
    ]
    with pytest.raises(GitError, match="'nope' is not a commit") as info:
        plan_tags(ws, TagOptions(since="nope"), Runtime(environ={}))
    assert "fetch-depth" not in str(info.value)  # not a shallow clone: fetching would not help


def test_push_needs_the_remote(demo: Path) -> None:
    bump_two(demo)
    ws = load_workspace(demo)
    with pytest.raises(GitError, match="no remote 'upstream'"):
        apply_tags(plan_tags(ws, TagOptions(push=True, remote="upstream")))
    assert git(demo, "tag", "--list") == ""  # checked before tagging


@pytest.fixture
def single(make_project: Callable[..., Path]) -> Path:
    return make_project(ProjectSpec("failextract", "1.0.0"))


def test_check_tag_success_and_mismatch(single: Path) -> None:
    ws = load_workspace(single)
    [ok] = check_tag(ws, "v1.0.0")
    assert (ok.package, ok.version) == ("failextract", "1.0.0")
    with pytest.raises(VersionError) as info:
        check_tag(ws, "v1.0.1")
    assert "Version mismatch: git tag (1.0.1) != pyproject.toml (1.0.0)" in str(info.value)
    with pytest.raises(VersionError, match="not a release tag of any package"):
        check_tag(ws, "release-1.0.0")
    # GitHub's ref when no tag is passed
    [from_env] = check_tag(ws, env={"GITHUB_REF": "refs/tags/v1.0.0"})
    assert from_env.tag == "v1.0.0"


def test_check_tag_through_relnox_is_one_error_line(single: Path) -> None:
    assert run_relnox("check-tag", "v1.0.0", cwd=single, check=True).stdout.startswith("ok v1.0.0")
    proc = run_relnox("check-tag", "v1.0.1", cwd=single)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Version mismatch: git tag (1.0.1) != pyproject.toml (1.0.0)" in lines[0]


def test_check_tag_in_a_workspace_finds_the_package(demo: Path) -> None:
    ws = load_workspace(demo)
    [ok] = check_tag(ws, "demo-agents-v0.1.0")
    assert ok.package == "demo-agents"
    with pytest.raises(VersionError, match=r"git tag \(0\.3\.0\) != __init__.py \(0\.1\.0\)"):
        check_tag(ws, "demo-runtime-v0.3.0")


def test_resolve_version_from_tag_then_input_then_pyproject(single: Path) -> None:
    ws = load_workspace(single)
    by_tag = resolve_version(ws, tag="v1.0.0", explicit="2.0.0", env={})
    assert (by_tag.version, by_tag.source) == ("1.0.0", "tag")
    from_ref = resolve_version(ws, explicit="2.0.0", env={"GITHUB_REF": "refs/tags/v1.0.0"})
    assert (from_ref.version, from_ref.source) == ("1.0.0", "tag")
    by_input = resolve_version(ws, explicit="2.0.0", env={"GITHUB_REF": "refs/heads/main"})
    assert (by_input.version, by_input.source) == ("2.0.0", "input")
    by_file = resolve_version(ws, explicit="  ", env={})
    assert (by_file.version, by_file.source) == ("1.0.0", "pyproject")
    with pytest.raises(VersionError, match="not a valid PEP 440 version"):
        resolve_version(ws, explicit="one", env={})


@pytest.mark.slow
def test_resolve_version_task_outputs_and_check(demo: Path) -> None:
    proc = run_relnox(
        "resolve-version", "--tag", "demo-core-v0.1.0", "--json", cwd=demo, check=True
    )
    assert json.loads(proc.stdout) == {
        "schema": 1,
        "packages": [{"package": "demo-core", "version": "0.1.0", "source": "tag"}],
        "routes": {"testpypi": [], "pypi": ["demo-core"]},
    }
    everything = run_relnox("resolve-version", cwd=demo, check=True)
    assert everything.stdout.count("(from pyproject)") == 3
    checked = run_relnox(
        "resolve-version", "--package", "demo-core", "--version", "0.9.0", "--check", cwd=demo
    )
    assert checked.returncode == 1
    assert "the input says 0.9.0 but the package is at 0.1.0" in checked.stderr


@pytest.mark.slow
def test_resolve_version_takes_every_tag_of_one_release(demo: Path) -> None:
    """auto-tag's one run of several tags: every package of every tag, each at its tag."""
    tags = ("--tag", "demo-core-v0.1.0", "--tag", "demo-agents-v0.1.0")
    proc = run_relnox("resolve-version", *tags, "--check", "--json", cwd=demo, check=True)
    assert json.loads(proc.stdout)["packages"] == [
        {"package": "demo-core", "version": "0.1.0", "source": "tag"},
        {"package": "demo-agents", "version": "0.1.0", "source": "tag"},
    ]
    mixed = run_relnox("resolve-version", *tags, "--package", "demo-core", cwd=demo)
    assert mixed.returncode == 1 and "Traceback" not in mixed.stderr
    assert "pass the tags alone" in mixed.stderr
    wrong = run_relnox(
        "resolve-version", *tags[:2], "--tag", "demo-agents-v0.9.0", "--check", cwd=demo
    )
    assert wrong.returncode == 1 and "demo-agents" in wrong.stderr and "0.9.0" in wrong.stderr


def test_a_tag_name_git_refuses_stops_before_any_tag(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(demo_specs(), relnox='tag-format = "-d{version}"')
    proc = run_relnox("tag", "--missing", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "tag-format '-d{version}' begins or ends in a way, which git refuses" in proc.stderr
    assert git(root, "tag", "--list") == ""


# -- tag --missing and one shared tag (a lockstep group's v1.2.0, the repository's one
#    convention): recognised, nothing created; a version's tag on an older commit stays


def _two_at(root: Path, version: str, relnox: str = "") -> Path:
    from tests.shapes import project, repo

    return repo(
        root,
        {
            "pyproject.toml": f'[tool.uv.workspace]\nmembers = ["p/*"]\n{relnox}',
            "p/a/pyproject.toml": project("sh-a", version),
            "p/b/pyproject.toml": project("sh-b", version),
        },
    )


@pytest.mark.parametrize("shape", ["one convention", "lockstep group", "lightweight"])
def test_missing_recognises_a_shared_tag_on_head(tmp_path: Path, shape: str) -> None:
    relnox = "[tool.relnox]\nlockstep = true\n" if shape == "lockstep group" else ""
    root = _two_at(tmp_path / "ws", "1.1.0", relnox)
    git(root, "tag", "-a", "-m", "r", "v1.1.0")
    for pkg in ("a", "b"):
        set_version(root / "p" / pkg, "1.1.0", "1.2.0")
    git_commit_all(root, "Release 1.2.0")
    if shape == "lightweight":
        git(root, "tag", "v1.2.0")
    else:
        git(root, "tag", "-a", "-m", "Release 1.2.0", "v1.2.0")
    before = git(root, "tag", "--list")
    plan = plan_tags(load_workspace(root), TagOptions(missing=True))
    assert plan.to_create == ()
    assert [(a.tag, a.action) for a in plan.actions] == [("v1.2.0", "skip")]
    # the shared tags make v{version} the packages' convention (a lockstep line): the tag
    # is theirs, already on HEAD
    said = "already on HEAD"
    assert plan.describe()[0].startswith("skip v1.2.0 (sh-a 1.2.0)")
    assert said in plan.describe()[0]
    assert plan.summary() == "v1.2.0 already on HEAD"
    proc = run_relnox("tag", "--missing", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert said in proc.stdout
    assert git(root, "tag", "--list") == before  # no sh-a-v1.2.0, no sh-b-v1.2.0
    # ... and the version-change mode agrees
    assert plan_tags(load_workspace(root), TagOptions()).to_create == ()


def test_missing_never_moves_a_tag_from_an_older_commit(tmp_path: Path) -> None:
    root = _two_at(tmp_path / "ws", "1.2.0")
    git(root, "tag", "-a", "-m", "r", "v1.2.0")
    released = git(root, "rev-parse", "HEAD")
    git(root, "commit", "-q", "--allow-empty", "-m", "later work, same version")
    plan = plan_tags(load_workspace(root), TagOptions(missing=True))
    assert plan.to_create == ()
    assert [(a.tag, a.action, a.commit) for a in plan.actions] == [("v1.2.0", "keep", released)]
    assert "on an older commit, not moved" in plan.summary()
    assert "already on HEAD" not in plan.summary()
    proc = run_relnox("tag", "--missing", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert f"warning: not moving v1.2.0 (sh-a 1.2.0) from older commit {released[:12]}" in (
        proc.stdout
    )
    assert git(root, "tag", "--list") == "v1.2.0"
    assert git(root, "rev-parse", "v1.2.0^{commit}") == released


def test_missing_keeps_a_package_tag_on_an_older_commit_and_says_so(demo: Path) -> None:
    git(demo, "tag", "-a", "demo-core-v0.1.0", "-m", "old", "HEAD")
    git(demo, "commit", "-q", "--allow-empty", "-m", "later")
    plan = plan_tags(load_workspace(demo), TagOptions(missing=True))
    actions = {a.tag: a.action for a in plan.actions}
    assert actions == {
        "demo-core-v0.1.0": "keep",
        "demo-agents-v0.1.0": "create",
        "demo-runtime-v0.1.0": "create",
    }
    assert plan.summary() == (
        "created demo-agents-v0.1.0, demo-runtime-v0.1.0; "
        "demo-core-v0.1.0 on an older commit, not moved (bump to release HEAD)"
    )


def test_a_tag_another_package_owns_is_not_shared(tmp_path: Path) -> None:
    """``v{version}`` is app's own convention: lib at the same version still gets its tag."""
    from tests.shapes import project, repo

    root = repo(
        tmp_path / "ws",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["p/*"]\n'
            '[tool.relnox.tag-formats]\nsh-app = "v{version}"\n',
            "p/app/pyproject.toml": project("sh-app", "1.0.0"),
            "p/lib/pyproject.toml": project("sh-lib", "1.0.0"),
        },
    )
    git(root, "tag", "-a", "-m", "r", "v1.0.0")
    plan = plan_tags(load_workspace(root), TagOptions(missing=True))
    assert {a.tag: a.action for a in plan.actions} == {
        "v1.0.0": "skip",
        "sh-lib-v1.0.0": "create",
    }


def test_a_companion_released_under_the_family_tag_gets_no_tag_of_its_own(
    tmp_path: Path,
) -> None:
    """ext never had a tag: each v{version} of app marked a version of its own (0.1.0 at
    v1.0.0, 0.2.0 at v1.1.0). Their next release is tagged v1.2.0 alone, as before."""
    from tests.shapes import commit, project, repo

    def files(app: str, ext: str) -> dict[str, str]:
        return {
            "app/pyproject.toml": project("fam-app", app),
            "ext/pyproject.toml": project("fam-ext", ext),
        }

    config = '[tool.uv.workspace]\nmembers = ["app", "ext"]\n'
    root = repo(tmp_path / "ws", {"pyproject.toml": config, **files("1.0.0", "0.1.0")})
    git(root, "tag", "-a", "-m", "r", "v1.0.0")
    commit(root, files("1.1.0", "0.2.0"))
    git(root, "tag", "-a", "-m", "r", "v1.1.0")
    commit(root, files("1.2.0", "0.3.0"))
    plan = plan_tags(load_workspace(root), TagOptions())
    assert [(a.tag, a.action) for a in plan.actions] == [("v1.2.0", "create")]
    assert "fam-ext 0.3.0: released under fam-app's tag v1.2.0, as its releases were" in (
        "\n".join(plan.describe())
    )
    run_relnox("tag", cwd=root, check=True)
    assert git(root, "tag", "--list", "--points-at", "HEAD") == "v1.2.0"
    # ... and a bump that tags its commit makes the one tag too
    run_relnox("bump", "--part", "minor", "--commit", "--tag", cwd=root, check=True)
    assert git(root, "tag", "--list", "--points-at", "HEAD") == "v1.3.0"


def test_tags_are_pushed_at_most_three_a_push(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    """GitHub creates no push event for a push of more than three tags: five new tags go
    out in pushes of three and two, each seen by the remote's hook, and all arrive."""
    from relnox.sample import generated_specs

    root = make_workspace(generated_specs(5))
    bare = tmp_path / "counted.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    hook = bare / "hooks" / "pre-receive"
    hook.write_text('#!/bin/sh\nwc -l >> "$GIT_DIR/pushes"\n', encoding="utf-8")
    hook.chmod(0o755)
    git(root, "remote", "add", "origin", str(bare))
    git(root, "push", "-q", "origin", "main")
    for pkg in (root / "packages").iterdir():
        set_version(pkg, "0.1.0", "0.2.0")
    git_commit_all(root, "Bump every package")
    ws = load_workspace(root)
    plan = plan_tags(ws, TagOptions(push=True))
    assert len(plan.actions) == 5
    apply_tags(plan)
    counts = [int(n) for n in (bare / "pushes").read_text(encoding="utf-8").split()]
    assert counts == [1, 3, 2]  # main, then the tags three and two
    assert sorted(git(bare, "tag").split()) == sorted(a.tag for a in plan.actions)


def _outputs(root: Path, tmp_path: Path, *args: str) -> dict[str, str]:
    """resolve-version's step outputs, as the plan job of release.yml gets them."""
    import os

    from tests.ci.harness import parse_outputs

    out = tmp_path / "output"
    out.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(out)}
    env["GITHUB_REF"] = "refs/heads/main"
    run_relnox("resolve-version", "--check", *args, cwd=root, env=env, check=True)
    return parse_outputs(out)


def test_a_run_releases_every_release_tag_of_its_commit_once(demo: Path, tmp_path: Path) -> None:
    """``--at HEAD``: the run of one pushed tag takes every release tag of its commit
    (not another project's tag there); ``--released`` leaves out what an earlier run of the
    commit released, and nothing left is an empty plan, not a second release."""
    for name in ("demo-core-v0.1.0", "demo-agents-v0.1.0", "lume-v1.0"):
        git(demo, "tag", name)
    found = _outputs(demo, tmp_path, "--tag", "demo-core-v0.1.0", "--at", "HEAD")
    assert found["packages"] == "demo-core demo-agents"
    assert found["tags"] == "demo-core-v0.1.0 demo-agents-v0.1.0"
    assert (found["pypi"], found["testpypi"], found["prerelease_tags"]) == (
        "demo-core demo-agents",
        "",
        "",
    )
    left = _outputs(
        demo,
        tmp_path,
        "--tag",
        "demo-agents-v0.1.0",
        "--at",
        "HEAD",
        "--released",
        "demo-core-v0.1.0",
    )
    assert (left["packages"], left["tags"]) == ("demo-agents", "demo-agents-v0.1.0")
    released = ("--released", "demo-core-v0.1.0", "--released", "demo-agents-v0.1.0")
    nothing = _outputs(demo, tmp_path, "--tag", "demo-agents-v0.1.0", "--at", "HEAD", *released)
    assert nothing["packages"] == nothing["tags"] == nothing["pypi"] == nothing["testpypi"] == ""


def test_each_package_is_routed_by_its_own_version(demo: Path, tmp_path: Path) -> None:
    """One run of a pre-release tag and a final tag: the one decision the jobs read."""
    set_version(demo / "packages" / "demo-core", "0.1.0", "0.2.0rc1")
    git_commit_all(demo, "core rc")
    git(demo, "tag", "demo-core-v0.2.0rc1")
    git(demo, "tag", "demo-agents-v0.1.0")
    found = _outputs(demo, tmp_path, "--tag", "demo-core-v0.2.0rc1", "--at", "HEAD")
    assert (found["testpypi"], found["pypi"]) == ("demo-core", "demo-agents")
    assert found["prerelease_tags"] == "demo-core-v0.2.0rc1"
    assert found["pypi_repository"] == "pypi"
    branch = _outputs(demo, tmp_path, "--target", "testpypi")  # a branch run: the user's choice
    assert (branch["testpypi"], branch["pypi"], branch["tags"]) == (
        "demo-core demo-agents demo-runtime",
        "",
        "",
    )
    bad = run_relnox("resolve-version", "--target", "prod", cwd=demo)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "--target 'prod'" in bad.stderr and "testpypi or pypi" in bad.stderr


def test_a_final_that_needs_a_pre_release_of_the_run_is_refused(demo: Path, tmp_path: Path) -> None:
    """agents 0.2.0 to PyPI needing core>=0.2.0rc1, a pre-release that goes to the test
    index only: refused by the plan, before anything is built."""
    set_version(demo / "packages" / "demo-core", "0.1.0", "0.2.0rc1")
    set_version(demo / "packages" / "demo-agents", "0.1.0", "0.2.0")
    agents = demo / "packages" / "demo-agents" / "pyproject.toml"
    text = agents.read_text(encoding="utf-8")
    agents.write_text(text.replace("demo-core>=0.1.0,<0.2.0", "demo-core>=0.2.0rc1,<0.3.0"))
    git_commit_all(demo, "core rc, agents final on it")
    for name in ("demo-core-v0.2.0rc1", "demo-agents-v0.2.0"):
        git(demo, "tag", name)
    proc = run_relnox("resolve-version", "--tag", "demo-core-v0.2.0rc1", "--at", "HEAD", cwd=demo)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "demo-agents 0.2.0 goes to pypi, but it needs demo-core" in proc.stderr
    assert "release demo-core as a final version too" in proc.stderr


def test_a_tag_the_remote_has_on_another_commit_is_refused_before_any_is_made(
    demo: Path, remote: Path
) -> None:
    """The remote has demo-core-v0.2.0 on another commit: refused before a tag is made or
    pushed (the tags go three a push: found at a later push, the first three would stay
    released on the remote and the rest not)."""
    git(demo, "tag", "demo-core-v0.2.0", "HEAD")
    git(demo, "push", "-q", "origin", "demo-core-v0.2.0")
    git(demo, "tag", "-d", "demo-core-v0.2.0")
    bump_two(demo)
    before = git(demo, "tag", "--list")
    proc = run_relnox("tag", "--push", cwd=demo)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(
        "relnox: error: tag demo-core-v0.2.0 already exists on origin, on commit "
    )
    assert "no tag was made or pushed" in proc.stderr and proc.stderr.count("\n") == 1
    assert git(demo, "tag", "--list") == before
    assert git(remote, "tag", "--list") == "demo-core-v0.2.0"


def test_a_push_the_remote_refuses_leaves_no_tag_of_this_run(demo: Path, remote: Path) -> None:
    """The remote refuses the push (its hook says no): the two tags this run made are
    removed again, so no local tag disagrees with the remote."""
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'tags are frozen' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    bump_two(demo)
    before = git(demo, "tag", "--list")
    proc = run_relnox("tag", "--push", cwd=demo)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("relnox: error:")]
    assert len(lines) == 1, proc.stderr
    assert "pushing tags to origin failed" in lines[0]
    assert "pre-receive hook declined" in lines[0]  # git's refusal, not "remote hung up"
    assert "the tags this run made and did not push were removed: " in lines[0]
    assert git(demo, "tag", "--list") == before
    assert git(remote, "tag", "--list") == ""


def test_one_bare_tag_of_two_packages_resolves_both(tmp_path: Path) -> None:
    """A bare ``3.3.4`` that two packages share (released in step) beside a ``pool-``
    package: resolve-version of that one tag is both packages at its version, as a run of
    several tags is; --package still picks one, and the pool's own tag is its only."""
    from tests.shapes import project, repo

    files = {
        "pyproject.toml": "[tool.mypy]\nstrict = true\n",
        "core/pyproject.toml": project("core", "3.3.4"),
        "core_c/pyproject.toml": project("core-c", "3.3.4"),
        "core_pool/pyproject.toml": project("core-pool", "3.3.1"),
    }
    root = repo(tmp_path / "ws", files, tags=["3.3.4", "pool-3.3.1"])
    proc = run_relnox("resolve-version", "--tag", "3.3.4", "--check", "--json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["packages"] == [
        {"package": "core", "version": "3.3.4", "source": "tag"},
        {"package": "core-c", "version": "3.3.4", "source": "tag"},
    ]
    one = run_relnox("resolve-version", "--tag", "3.3.4", "--package", "core-c", cwd=root)
    assert one.stdout == "core-c 3.3.4 (from tag) -> pypi\n"
    pool = run_relnox("resolve-version", "--tag", "pool-3.3.1", cwd=root)
    assert pool.stdout == "core-pool 3.3.1 (from tag) -> pypi\n"


# -- tags that would not name what HEAD releases are refused before one is made


def _two(tmp_path: Path, fmt: str = "") -> Path:
    from tests.shapes import project, repo

    config = f'[tool.relnox]\ntag-format = "{fmt}"\n' if fmt else "[tool.relnox]\n"
    return repo(
        tmp_path / "ws",
        {
            "pyproject.toml": config,
            "a/pyproject.toml": project("pkg-a", "1.0.0"),
            "a/src/pkg_a/__init__.py": "",
            "b/pyproject.toml": project("pkg-b", "1.0.0"),
            "b/src/pkg_b/__init__.py": "",
        },
    )


def _refused(root: Path, *args: str) -> str:
    tags = git(root, "tag", "--list")
    proc = run_relnox("tag", *args, cwd=root)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert git(root, "tag", "--list") == tags  # nothing was tagged
    return proc.stderr.removeprefix("relnox: error: ")


def test_a_version_not_committed_or_a_dirty_tree_is_not_tagged(tmp_path: Path) -> None:
    """pkg-b's 2.0.0 only in the working tree: tagging HEAD pkg-b-v2.0.0 named a commit
    at 1.0.0; refused even with --allow-dirty. Another uncommitted change: --allow-dirty."""
    from tests.shapes import commit, project, write

    root = _two(tmp_path)
    commit(root, {"a/pyproject.toml": project("pkg-a", "1.1.0")})
    write(root, {"b/pyproject.toml": project("pkg-b", "2.0.0")})
    for args in ((), ("--allow-dirty",), ("--dry-run",)):
        assert _refused(root, *args).startswith(
            f"{root / 'b/pyproject.toml'}: pkg-b 2.0.0 is not committed (HEAD holds 1.0.0)"
        )
    write(root, {"b/pyproject.toml": project("pkg-b", "1.0.0"), "a/src/pkg_a/__init__.py": "x"})
    assert "tracked files have uncommitted changes (a/src/pkg_a/__init__.py)" in _refused(root)
    run_relnox("tag", "--allow-dirty", cwd=root, check=True)
    assert git(root, "tag", "--list") == "pkg-a-v1.1.0"


def test_a_detached_head_is_tagged_only_when_allowed(tmp_path: Path) -> None:
    from tests.shapes import commit, project

    """A detached HEAD main holds (a CI checkout of a pushed commit) is tagged; a commit
    made after it, which no branch holds, only with --allow-detached."""
    root = _two(tmp_path)
    git(root, "checkout", "-q", "--detach")
    commit(root, {"a/pyproject.toml": project("pkg-a", "1.1.0")})
    assert "HEAD is detached at a commit no branch holds" in _refused(root)
    run_relnox("tag", "--allow-detached", cwd=root, check=True)
    assert git(root, "tag", "--list") == "pkg-a-v1.1.0"
    git(root, "checkout", "-q", "main")
    commit(root, {"b/pyproject.toml": project("pkg-b", "1.1.0")})
    git(root, "checkout", "-q", "--detach")
    run_relnox("tag", cwd=root, check=True)
    assert git(root, "tag", "--list").split() == ["pkg-a-v1.1.0", "pkg-b-v1.1.0"]


def test_a_downgrade_is_not_tagged(tmp_path: Path) -> None:
    """Below the version before (since HEAD~1), or below a release HEAD contains
    (--missing has no version before)."""
    from tests.shapes import commit, project

    root = _two(tmp_path)
    git(root, "tag", "pkg-a-v1.0.0")
    commit(root, {"a/pyproject.toml": project("pkg-a", "0.9.0")})
    assert _refused(root).startswith(
        "pkg-a 0.9.0 is lower than 1.0.0 (its version at HEAD~1): tag pkg-a-v0.9.0 would "
        "release a downgrade"
    )
    assert "lower than 1.0.0 (pkg-a-v1.0.0, released in HEAD's history)" in _refused(
        root, "--missing", "--package", "pkg-a"
    )


@pytest.mark.parametrize("b_version", ["1.2.0", "1.0.0"])
def test_one_tag_for_packages_at_different_versions_is_refused(
    tmp_path: Path, b_version: str
) -> None:
    """tag-format v{version} names no package: v1.1.0 would say pkg-b is at 1.1.0 too
    (check-tag v1.1.0 then fails for it), whether pkg-b moved elsewhere or stayed."""
    from tests.shapes import commit, project

    root = _two(tmp_path, "v{version}")
    commit(
        root,
        {
            "a/pyproject.toml": project("pkg-a", "1.1.0"),
            "b/pyproject.toml": project("pkg-b", b_version),
        },
    )
    assert _refused(root).startswith(
        f"pkg-a 1.1.0 and pkg-b {b_version} share the tag format 'v{{version}}', so tag v1.1.0"
    )
    commit(root, {"b/pyproject.toml": project("pkg-b", "1.1.0")})
    run_relnox("tag", "--since", "HEAD~2", cwd=root, check=True)
    assert git(root, "tag", "--list") == "v1.1.0"


@pytest.mark.parametrize(
    ("tag", "refusal"),
    [
        ("pkg-a-v1..0", "'pkg-a-v1..0' is not a valid git tag name"),
        ("pkg-a-v1.0.0\n", "'pkg-a-v1.0.0\\n' is not a valid git tag name"),
        ("pkg-a-v1.0.0x", "tag pkg-a-v1.0.0x: '1.0.0x' is not a PEP 440 version"),
    ],
)
def test_check_tag_of_no_tag_git_takes_or_no_version_is_refused(
    tmp_path: Path, tag: str, refusal: str
) -> None:
    """It said "set the version to 1..0 there": a fix that is no version."""
    root = _two(tmp_path)
    proc = run_relnox("check-tag", tag, cwd=root)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert refusal in proc.stderr and "set the version to" not in proc.stderr


def test_resolve_version_at_no_commit_names_the_value(tmp_path: Path) -> None:
    root = _two(tmp_path)
    proc = run_relnox("resolve-version", "--at", "nonexistent", cwd=root)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert "--at 'nonexistent' is not a commit of" in proc.stderr


def test_a_tag_git_keeps_as_a_folder_of_another_is_refused_before_any_is_made(
    tmp_path: Path,
) -> None:
    """pkg-b-v1.1.0/x exists, so git cannot make pkg-b-v1.1.0: pkg-a-v1.1.0 was made first,
    then taken back with git's 'cannot lock ref' and no fix; now refused up front."""
    from tests.shapes import commit, project

    root = _two(tmp_path)
    commit(
        root,
        {
            "a/pyproject.toml": project("pkg-a", "1.1.0"),
            "b/pyproject.toml": project("pkg-b", "1.1.0"),
        },
    )
    git(root, "tag", "pkg-b-v1.1.0/x")
    assert _refused(root).startswith(
        "tag pkg-b-v1.1.0 cannot be made beside the tag pkg-b-v1.1.0/x"
    )


def test_a_ref_lock_left_behind_is_named_with_the_way_out(demo: Path) -> None:
    """A git that stopped while writing a tag left refs/tags/<tag>.lock: git's own last
    line ('remove the file manually to continue.') named no file; the error names the lock
    and the others this run made are taken back."""
    bump_two(demo)
    lock = demo / ".git" / "refs" / "tags" / "demo-agents-v0.1.1.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("")
    proc = run_relnox("tag", cwd=demo)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = [line for line in proc.stderr.splitlines() if line.startswith("relnox: error")]
    assert f"{lock} exists: another git process is running" in line, line
    assert f"remove {lock} if no git process runs" in line
    assert "manually" not in line
    assert git(demo, "tag", "--list") == ""
    lock.unlink()
    assert run_relnox("tag", cwd=demo).returncode == 0
    assert git(demo, "tag", "--list").split() == ["demo-agents-v0.1.1", "demo-core-v0.2.0"]


def test_check_tag_never_asks_to_set_the_version_back_to_an_older_tag(single: Path) -> None:
    """A tag below the files' version (a stale or mistyped tag pushed on a newer commit) was
    answered 'set the version to 0.9.0 there': a downgrade. The fix is the other tag, or the
    tag's own commit; a tag above the files still asks for its version."""
    proc = run_relnox("check-tag", "v0.9.0", cwd=single)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "Version mismatch: git tag (0.9.0) != pyproject.toml (1.0.0)" in line
    assert "set the version to 0.9.0" not in line
    assert "would be a downgrade" in line and "tag v1.0.0 instead" in line
    higher = run_relnox("check-tag", "v1.1.0", cwd=single)
    assert "set the version to 1.1.0 there, or tag v1.0.0 instead" in higher.stderr


def test_resolve_version_check_never_asks_to_bump_down_to_an_older_input(single: Path) -> None:
    """resolve-version --check with an input below the package ('bump it to 0.9.0 (relnox bump
    --to 0.9.0)') proposed a downgrade; it now says so and names the version to give."""
    proc = run_relnox("resolve-version", "--check", "--version", "0.9.0", cwd=single)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "the input says 0.9.0 but the package is at 1.0.0" in line
    assert "bump" not in line and "would be a downgrade: give 1.0.0" in line
    higher = run_relnox("resolve-version", "--check", "--version", "1.1.0", cwd=single)
    assert "bump it to 1.1.0 (relnox bump --to 1.1.0) first" in higher.stderr


def test_an_input_version_is_given_on_as_pep_440_spells_it(single: Path) -> None:
    """A workflow_dispatch input 'v1.0.0' or '01.0.0' passed --check (it is 1.0.0) and went
    on to the later steps as typed, in versions and the matrix; it is now the package's own
    spelling when equal, else PEP 440's."""
    for typed in ("v1.0.0", "01.0.0", " V1.0.0 "):
        proc = run_relnox("resolve-version", "--check", "--version", typed, "--json", cwd=single)
        assert proc.returncode == 0, proc.stderr
        [resolved] = json.loads(proc.stdout)["packages"]
        assert resolved == {"package": "failextract", "version": "1.0.0", "source": "input"}
    ws = load_workspace(single)
    assert resolve_version(ws, explicit="v2.0RC1", env={}).version == "2.0rc1"


def test_a_release_tag_naming_a_tree_or_a_blob_is_named_before_any_tag_is_made(
    demo: Path,
) -> None:
    """demo-agents-v0.1.0 made of a tree (git tag -a NAME HEAD^{tree}) and demo-runtime's
    of a blob: the plan saw no tag (none names a commit) and git's 'already exists' came after
    the tags before it were made; doctor read the tree's files and said 'matches (already
    released)'. Both now name the tag and what it names, and no tag is made."""
    git(demo, "tag", "-a", "-m", "tree", "demo-agents-v0.1.0", "HEAD^{tree}")
    git(demo, "tag", "demo-runtime-v0.1.0", git(demo, "rev-parse", "HEAD:pyproject.toml"))
    before = git(demo, "tag", "--list")
    proc = run_relnox("tag", "--missing", cwd=demo)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("relnox: error")]
    assert "tag demo-agents-v0.1.0 names a tree, not a commit, so it releases nothing" in line
    assert git(demo, "tag", "--list") == before
    doctor = run_relnox("doctor", cwd=demo)
    rows = [ln for ln in doctor.stdout.splitlines() if ln.startswith("tags ")]
    assert any("demo-agents-v0.1.0 names a tree, not a commit" in r and "error" in r for r in rows)
    assert any("demo-runtime-v0.1.0 names a blob, not a commit" in r for r in rows), rows


def test_check_tag_refuses_a_tag_that_names_no_commit(single: Path) -> None:
    """check-tag passed a v1.0.0 made of a blob (its name spells the files' version): the
    release job would then build and publish from a tag that releases nothing."""
    git(single, "tag", "v1.0.0", git(single, "rev-parse", "HEAD:pyproject.toml"))
    proc = run_relnox("check-tag", "v1.0.0", cwd=single)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "tag v1.0.0 names a blob, not a commit, so it releases nothing" in line
