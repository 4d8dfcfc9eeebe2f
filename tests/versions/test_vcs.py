"""The release workflow's tag trigger, read without a YAML library (relnox's command
needs none), agrees with a YAML parser on the shapes workflows are written in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from relnox.versions.tag_model import fires
from relnox.versions.vcs import push_tags, release_filters
from tests.bump_support import run_git

SHAPES = {
    "block list": "on:\n  push:\n    tags:\n      - 'v*'\n      - \"core-v[0-9]*\"\n",
    "flow list": "name: r\non:\n  push:\n    branches: [main]\n    tags: ['v*', 'py-v*']\n",
    "one string": "on:\n  push:\n    tags: v*\n  workflow_dispatch:\n",
    "quoted on": '"on":\n  push:\n    tags:\n    - "[0-9]*"\njobs: {}\n',
    "comments": "on:  # when\n  push:\n    tags:   # release tags\n      - 'v*'  # only v\n",
    "no tags": "on:\n  push:\n    branches: [main]\n  pull_request:\n",
    "tags elsewhere": "on:\n  workflow_dispatch:\njobs:\n  a:\n    tags:\n      - x\n",
    "release trigger": "on:\n  release:\n    types: [published]\n",
    "deeper indent": "on:\n    push:\n        tags:\n            - 'v*'\n    pull_request:\n",
}


def _by_yaml(text: str) -> list[str]:
    doc = yaml.safe_load(text)
    on = doc.get(True, doc.get("on")) if isinstance(doc, dict) else None
    push = on.get("push") if isinstance(on, dict) else None
    tags = push.get("tags") if isinstance(push, dict) else None
    return [tags] if isinstance(tags, str) else list(tags or [])


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_push_tags_read_as_a_yaml_parser_reads_them(shape: str) -> None:
    assert push_tags(SHAPES[shape]) == _by_yaml(SHAPES[shape])


def test_the_command_reads_triggers_without_pyyaml() -> None:
    import relnox.versions.vcs as vcs

    assert "yaml" not in vcs.__dict__


def test_tag_dates_are_each_tags_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lightweight tag's date is its commit's, an annotated one's its tag object's; a
    moved tag has its new commit's."""
    import relnox.versions.vcs as vcs

    repo = tmp_path / "repo"
    repo.mkdir()
    run_git(repo, "init", "-q")
    for day, name in ((1, "one"), (2, "two")):
        (repo / "f").write_text(name, encoding="utf-8")
        run_git(repo, "add", "-A")
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"2024-01-0{day}T00:00:00+00:00")
        run_git(repo, "commit", "-q", "-m", name)
    run_git(repo, "tag", "light", "HEAD~1")
    run_git(repo, "tag", "-a", "-m", "annotated", "anno", "HEAD")
    first = vcs.repo_tags(repo, ())
    assert first.dates == {"anno": 1704153600, "light": 1704067200}
    run_git(repo, "tag", "-f", "light", "HEAD")
    moved = vcs.repo_tags(repo, ())
    assert moved.dates == {"anno": 1704153600, "light": 1704153600}


def test_a_tag_of_a_tree_or_a_blob_is_no_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``git tag v3.0 HEAD:pyproject.toml`` names a blob, ``v2.0`` a tree: git describe takes
    neither, and a bump above 1.0 is not refused as below 3.0; an annotated tag of a blob
    and a tag of a tag of a commit are read as before."""
    from relnox.bump import BumpOptions
    from relnox.bump.plan import plan_bump
    from relnox.project.discovery import load_workspace
    from relnox.versions.vcs import repo_tags

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1.0"\n', encoding="utf-8"
    )
    run_git(repo, "init", "-q")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "one")
    run_git(repo, "tag", "-a", "-m", "release", "v1.0")
    run_git(repo, "tag", "-a", "-m", "again", "v1.0.0", "v1.0")  # a tag of a tag of a commit
    run_git(repo, "tag", "v2.0", "HEAD^{tree}")
    run_git(repo, "tag", "v3.0", "HEAD:pyproject.toml")
    run_git(repo, "tag", "-a", "-m", "blob", "v4.0", "HEAD:pyproject.toml")
    tags = repo_tags(repo, ())
    assert tags.all == ("v1.0", "v1.0.0")
    plan = plan_bump(load_workspace(repo), BumpOptions(part="minor"))
    # v1.0 beside v1.0.0 is its short alias: the full tag says how releases are spelled
    assert plan.versions == {"a": ("1.0", "1.1.0")}


@pytest.mark.parametrize(
    ("tag", "globs", "fired"),
    [
        ("v3.1.0", ["v[0-9]+.[0-9]+.[0-9]+*"], True),  # + repeats the class before it
        ("v3.1.0-rc3", ["v[0-9]+.[0-9]+.[0-9]+*", "!v[0-9]+.[0-9]+.[0-9]-rc0"], True),
        ("v3.2.0-rc0", ["v[0-9]+.[0-9]+.[0-9]+*", "!v[0-9]+.[0-9]+.[0-9]-rc0"], False),
        ("v3.2.0-rc0", ["!v*-rc0", "v*"], True),  # a later glob includes it again
        ("pkg/v1.0", ["*"], False),  # * stops at /
        ("pkg/v1.0", ["**"], True),
        ("v1.0", ["v1.?0"], True),  # ? makes the character before optional
        ("v10", ["v1.?0"], True),
        ("v1*0", ["v1\\*0"], True),
        ("v1x0", ["v1\\*0"], False),
        ("1.0", ["v*"], False),
    ],
)
def test_a_tag_filter_fires_as_github_reads_it(tag: str, globs: list[str], fired: bool) -> None:
    assert fires(tag, globs) is fired


def test_only_the_workflows_that_publish_give_release_filters(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "docker.yml").write_text("on:\n  push:\n    tags: ['v*']\njobs: {}\n")
    (folder / "pypi.yml").write_text(
        "on:\n  push:\n    tags: ['v*', '!v*-rc0']\n"
        "jobs:\n  a:\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n"
    )
    assert release_filters(tmp_path) == (("v*",), ("v*", "!v*-rc0"))
    assert release_filters(tmp_path, publishing=True) == (("v*", "!v*-rc0"),)


def test_a_read_of_the_workspace_lists_the_tags_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a listing asks of the tags (their names, newest first, their objects and dates,
    for the projects released though no member list names them and for each package's
    convention) is one ``for-each-ref`` while the repository is held, not four."""
    from relnox.project.discovery import listing
    from relnox.tools import git

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    files = {
        "pyproject.toml": '[project]\nname = "root"\nversion = "1.0"\n'
        '[tool.uv.workspace]\nmembers = ["packages/a"]\n',
        "packages/a/pyproject.toml": '[project]\nname = "a"\nversion = "1.0"\n',
        "packages/b/pyproject.toml": '[project]\nname = "b"\nversion = "1.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    run_git(repo, "init", "-q")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "one")
    for tag in ("v1.0", "a-v1.0", "b-v1.0"):
        run_git(repo, "tag", tag)
    calls: list[tuple[str, ...]] = []
    asked = git.run

    def counted(path: Path, *args: str, **kwargs: Any) -> Any:
        calls.append(args)
        return asked(path, *args, **kwargs)

    monkeypatch.setattr(git, "run", counted)
    with git.held(repo):
        workspace = listing(repo)
        head = git.head(repo)  # the rev-parse that read the clone's state said it
    assert {p.name for p in workspace.packages} == {"a", "b"}  # b: tags name it
    assert [c for c in calls if c[0] == "for-each-ref"] == [
        ("for-each-ref", f"--format={git.TAG_FIELDS}", "refs/tags")
    ]
    assert head == run_git(repo, "rev-parse", "HEAD").strip()
    assert ("rev-parse", "--verify", "--quiet", "HEAD") not in calls
