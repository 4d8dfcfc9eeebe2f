"""The release workflow's tag trigger follows the convention read from the repository's tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from relnox.ci.init import generate
from relnox.project.discovery import load_workspace
from relnox.release.ci_tags import release_tags_at
from tests.ci.conftest import PINNED
from tests.ci.harness import filter_matches
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo


def _tags_filter(root: Path) -> list[str]:
    doc: dict[Any, Any] = yaml.safe_load(
        generate(load_workspace(root))[".github/workflows/release.yml"]
    )
    on: dict[str, Any] = doc[True] if True in doc else doc["on"]
    found: list[str] = on["push"]["tags"]
    return found


def _fires(globs: list[str], tag: str) -> bool:
    """Whether GitHub starts the release for ``tag`` (its ``*`` stops at ``/``)."""
    return filter_matches(globs, tag)


def test_bare_version_tags_get_a_bare_trigger(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": project("web", "0.28.1")}, tags=["0.28.0"])
    commit(root, {}, "0.28.1")
    globs = _tags_filter(root)
    assert globs == ["[0-9]*"]
    assert _fires(globs, "0.29.0") and not _fires(globs, "v0.29.0")


def test_the_trigger_never_fires_on_another_projects_tags(tmp_path: Path) -> None:
    """Python tags ``core-v*`` beside a Swift tool's ``lume-v*`` in one repository."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/python/*"]\n',
        "libs/python/core/pyproject.toml": project("cua-core", "0.1.9"),
        "libs/lume/Package.swift": "// swift\n",
    }
    root = repo(tmp_path / "r", files, tags=["core-v0.1.9", "lume-v0.2.1"])
    globs = _tags_filter(root)
    assert _fires(globs, "core-v0.2.0")
    assert not _fires(globs, "lume-v0.2.2")


def test_packages_tagged_in_one_tag_folder_get_one_glob(tmp_path: Path) -> None:
    """``integrations/<dir>-v1.2.3`` for each of many packages: one glob for the folder
    (a new package's first tag fires too), not one pattern a package."""
    names = ["agent_pack", "chroma", "qdrant"]
    files = {"pyproject.toml": '[tool.relnox]\npackages = ["integrations/*"]\n'}
    for name in names:
        files[f"integrations/{name}/pyproject.toml"] = project(f"{name}-haystack", "1.0.0")
    root = repo(tmp_path / "r", files, tags=[f"integrations/{n}-v1.0.0" for n in names])
    globs = _tags_filter(root)
    assert globs == ["integrations/*-v[0-9]*"]
    assert _fires(globs, "integrations/chroma-v1.1.0")
    assert _fires(globs, "integrations/new_store-v0.1.0")
    assert not _fires(globs, "components/chroma-v1.1.0")
    assert not _fires(globs, "integrations/old/chroma-v1.1.0")


def test_floating_major_and_minor_tags_start_no_release(tmp_path: Path) -> None:
    """The shape: each release also moves ``v10`` and ``v10.6`` to its
    commit. ``v[0-9]*`` started a run for each, whose tag check failed (``10 != 10.6.1``) on
    every release; the trigger now asks for every release number."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("psr", "9.21.2")}, tags=["v9.21.2"])
    commit(root, {"pyproject.toml": project("psr", "10.6.0")}, "v10.6.0")
    commit(root, {"pyproject.toml": project("psr", "10.6.1")}, "v10.6.1", "v10.6", "v10")
    git(root, "tag", "v9", "v9.21.2")
    git(root, "tag", "v9.21", "v9.21.2")
    globs = _tags_filter(root)
    assert globs == ["v[0-9]+.[0-9]+.[0-9]+*"]
    for tag in ("v10.7.0", "v10.7.0rc1", "v11.0.0-beta.1"):
        assert _fires(globs, tag), tag
    for tag in ("v10", "v10.7", "v11", "10.7.0"):
        assert not _fires(globs, tag), tag


def test_short_versions_that_are_releases_keep_the_plain_trigger(tmp_path: Path) -> None:
    """Old ``v0.9``, ``v0.10`` releases (this shape) each mark their own commit: they
    are releases, not floating tags, and the trigger stays ``v[0-9]*``."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("web", "0.9")}, tags=["v0.9"])
    commit(root, {"pyproject.toml": project("web", "0.10")}, "v0.10")
    commit(root, {"pyproject.toml": project("web", "1.0.0")}, "v1.0.0")
    assert _tags_filter(root) == ["v[0-9]*"]


def test_the_run_of_a_release_leaves_the_floating_tags_of_its_commit_out(tmp_path: Path) -> None:
    """The plan job releases every release tag of its commit (``--at HEAD``): ``v10`` and
    ``v10.6`` beside ``v10.6.1`` made it refuse the run (``the tag says 10``)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("psr", "10.6.1")}, tags=["v10.6.1"])
    git(root, "tag", "v10")
    git(root, "tag", "v10.6")
    git(root, "tag", "v10.6.1rc1")  # a pre-release of the same commit is a release of its own
    assert release_tags_at(load_workspace(root)) == ["v10.6.1", "v10.6.1rc1"]


def test_a_package_not_tagged_yet_gets_its_own_prefix_not_a_catch_all(tmp_path: Path) -> None:
    """One package tagged ``core-v*``, one not tagged yet, beside a Swift tool's ``lume-v*``:
    ``ci-init`` gives the new package its default convention with its own name, so no
    other project's tag starts the release, and its first tag does."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/python/*"]\n' + PINNED,
        "libs/python/core/pyproject.toml": project("cua-core", "0.1.9"),
        "libs/python/agent/pyproject.toml": project("cua-agent", "0.1.0"),
        "libs/lume/Package.swift": "// swift\n",
    }
    root = repo(tmp_path / "r", files, tags=["core-v0.1.9", "lume-v0.2.1", "lumier-v0.1.0"])
    proc = run_relnox("ci-init", cwd=root)
    assert proc.returncode == 0, proc.stderr
    doc = yaml.safe_load((root / ".github/workflows/release.yml").read_text(encoding="utf-8"))
    globs = doc[True]["push"]["tags"]
    workspace = load_workspace(root)
    first = workspace.tag_for(workspace.get("cua-agent"), "0.1.0")
    assert _fires(globs, first) and _fires(globs, "core-v0.2.0"), (globs, first)
    for other in ("lume-v0.2.2", "lumier-v0.2.0", "webapp-v1.0.0"):
        assert not _fires(globs, other), (globs, other)
