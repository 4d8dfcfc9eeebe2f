"""The release that intent gives (relnox/release/intent.py): a release file naming its
part is the recorded intent, and its notes are the changelog section as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

NOTES = "This release adds a widget.\n\n### Migration\n\nNothing to do.\n"


@pytest.mark.parametrize(
    ("name", "text", "part", "new"),
    [
        (
            "RELEASE.md",
            f"---\nrelease type: minor\nsocial: >-\n  out!\n---\n\n{NOTES}",
            "minor",
            "1.1.0",
        ),
        ("RELEASE.md", f"Release type: patch\n\n{NOTES}", "patch", "1.0.1"),
        ("RELEASE.rst", f"RELEASE_TYPE: major\n\n{NOTES}", "major", "2.0.0"),
    ],
)
def test_a_release_file_naming_its_type_gives_the_part_and_the_notes(
    tmp_path: Path, name: str, text: str, part: str, new: str
) -> None:
    """A ``RELEASE.md`` a contributor adds with the change, its part in its front matter
    or on its first line, the rest its notes (a bot turns it into the changelog's section
    and deletes it): the intent's part, and the section's text as written."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["v1.0.0"],
    )
    commit(root, {"acme/widget.py": "", name: text}, message="Add a widget")
    planned = json.loads(run_relnox("plan", "--intent", "--json", cwd=root, check=True).stdout)
    assert planned["versions"] == {"acme": new}
    assert planned["why"]["acme"] == f"{part}: {name} says release type: {part}"
    body = run_relnox("release-pr", "--dry-run", cwd=root, check=True).stdout
    assert f"### {new} (" in body
    assert NOTES.strip() in body  # as written: no bullet, no heading of its type


@pytest.mark.parametrize(("pre_major", "new"), [(True, "0.6.0"), (False, "1.0.0")])
def test_a_breaking_commit_below_one_is_minor_where_release_please_says_so(
    tmp_path: Path, pre_major: bool, new: str
) -> None:
    """release-please's ``bump-minor-pre-major``: below 1.0 a ``feat!:`` commit makes a
    minor release (0.5.0 -> 0.6.0); without it, a major one."""
    config = {"packages": {".": {}}, "bump-minor-pre-major": pre_major}
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("acme", "0.5.0"),
            "acme/__init__.py": "",
            "release-please-config.json": json.dumps(config),
            ".release-please-manifest.json": '{".": "0.5.0"}\n',
        },
        tags=["v0.5.0"],
    )
    commit(root, {"acme/api.py": ""}, message="feat!: drop the old API")
    planned = json.loads(run_relnox("plan", "--intent", "--json", cwd=root, check=True).stdout)
    assert planned["versions"] == {"acme": new}
