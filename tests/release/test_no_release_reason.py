""" "no release" says why in text: a changed package whose version is an untagged .dev is
left out, with the way to release it (never a tag of the .dev as a release)."""

from __future__ import annotations

from pathlib import Path

from relnox.sample import ProjectSpec, git_commit_all, git_env, git_init, write_project
from relnox.tools import git
from tests.conftest import run_relnox


def _dev_after_a_release(root: Path) -> Path:
    """acme tagged v1.1.0, then 1.2.0.dev0 in its files and a fix on top."""
    write_project(root, ProjectSpec("acme", "1.1.0"))
    git_init(root)
    git.git(root, "tag", "v1.1.0", env=git_env())
    for name in ("pyproject.toml", "acme/__init__.py"):
        path = root / name
        path.write_text(path.read_text().replace("1.1.0", "1.2.0.dev0"))
    git_commit_all(root, "start 1.2.0")
    (root / "acme" / "x.py").write_text("x = 1\n")
    git_commit_all(root, "fix: a thing")
    return root


def test_no_release_names_the_dev_version_and_the_way_on(tmp_path: Path) -> None:
    root = _dev_after_a_release(tmp_path / "acme")
    for argv in (("plan", "--intent"), ("release-pr", "--dry-run")):
        out = run_relnox(*argv, cwd=root, check=True).stdout.splitlines()
        assert out[0] == "no release: every package that changed is left out", out
        assert "acme 1.2.0.dev0 is a development version no tag released" in out[1]
        assert "relnox bump --package acme --part release" in out[1]
        assert not any("tag --missing" in line for line in out)
        assert not any(line.startswith("pull request:") for line in out)
