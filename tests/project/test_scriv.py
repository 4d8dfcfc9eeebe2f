"""scriv's fragments (relnox/project/news.py): doctor counts them as the next release's
changelog, and a bump says to collect them first."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from relnox.project.news import scriv as fragments
from relnox.release.doctor import doctor
from tests.shapes import project, repo

FRAGMENT = "### Changed\n\n- fix #950: ensure to pass encodings to io usage\n"


@pytest.mark.parametrize(
    ("config", "extra"),
    [
        ('\n[tool.scriv]\nformat = "md"\n', {}),
        ("", {"setup.cfg": "[scriv]\nformat = md\n"}),
        ("", {"changelog.d/scriv.ini": "[scriv]\nformat = md\n"}),
    ],
)
def test_scriv_fragments_are_the_unreleased_changelog(
    tmp_path: Path, config: str, extra: dict[str, str]
) -> None:
    """The shape: ``[tool.scriv] format = "md"`` and its entries wait in
    ``changelog.d/<date>_<who>_<what>.md`` until ``scriv collect``; relnox wrote no word of
    them (doctor asked for a section, a bump released without them). A README and a file
    of another format there are no fragments."""
    files = {
        "pyproject.toml": project("scm", "8.1.0", extra=config),
        "scm/__init__.py": "",
        "CHANGELOG.md": "# v8.1.0\n\n- Old.\n",
        "changelog.d/20240105_133254_ronny_timeout.md": FRAGMENT,
        "changelog.d/20240108_134756_ronny_force.md": FRAGMENT,
        "changelog.d/README.md": "Fragments go here.\n",
        "changelog.d/notes.rst": "Not one.\n",
        **extra,
    }
    root = repo(tmp_path / "r", files, tags=["v8.1.0"])
    found = fragments(root)
    assert found is not None and [p.name for p in found.fragments] == [
        "20240105_133254_ronny_timeout.md",
        "20240108_134756_ronny_force.md",
    ]
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert (
        "note: changelog.d holds 2 scriv fragment(s); relnox does not run scriv: run "
        "scriv collect --version 8.2.0 before this bump"
    ) in plan.notes
    row = {r.check: r for r in doctor(root, version="8.2.0").checks}["changelog scm"]
    assert (row.status, row.detail) == (
        "ok",
        "changelog.d: 2 scriv fragments become 8.2.0's section on scriv collect",
    )


def test_a_project_without_scriv_has_no_fragments(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"pyproject.toml": project("p"), "changelog.d/1.md": "x\n"})
    assert fragments(root) is None


def test_an_unreadable_scriv_setting_file_is_passed_over(tmp_path: Path) -> None:
    """A ``tox.ini`` relnox cannot read (here longer than it reads of any file) is passed
    over for scriv's next setting file, ``changelog.d/scriv.ini``: doctor counts the
    fragments instead of dying of the OSError."""
    from relnox.files import MAX_BYTES

    files = {
        "pyproject.toml": project("scm", "8.1.0"),
        "scm/__init__.py": "",
        "CHANGELOG.md": "# v8.1.0\n\n- Old.\n",
        "changelog.d/20240105_133254_ronny_timeout.md": FRAGMENT,
        "changelog.d/scriv.ini": "[scriv]\nformat = md\n",
    }
    root = repo(tmp_path / "r", files, tags=["v8.1.0"])
    with (root / "tox.ini").open("wb") as huge:  # sparse: no disk written
        huge.truncate(MAX_BYTES + 1)
    row = {r.check: r for r in doctor(root, version="8.2.0").checks}["changelog scm"]
    assert row.detail == "changelog.d: 1 scriv fragment becomes 8.2.0's section on scriv collect"
