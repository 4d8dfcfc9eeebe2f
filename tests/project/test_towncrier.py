"""towncrier's fragments read as towncrier finds them, and what doctor and bump make of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from relnox.project.news import towncrier as news
from relnox.release.doctor import doctor
from tests.shapes import project, repo, write

TYPES = """
[[tool.towncrier.type]]
directory = "breaking"
name = "Breaking"
showcontent = true

[[tool.towncrier.type]]
directory = "contrib"
name = "Contributor-facing"
showcontent = true
"""


def test_fragments_in_the_configured_directory(tmp_path: Path) -> None:
    """The shape: towncrier.toml names CHANGES/ and the types; a README and the template
    beside the fragments, and a fragment of an undeclared type, are no fragments."""
    write(
        tmp_path,
        {
            "towncrier.toml": '[tool.towncrier]\ndirectory = "CHANGES/"\nfilename = "CHANGES.rst"\n'
            + TYPES,
            "CHANGES/README.rst": "How to write a fragment.\n",
            "CHANGES/.TEMPLATE.rst": "{{ x }}\n",
            "CHANGES/123.breaking.rst": "Dropped X.\n",
            "CHANGES/+orphan.contrib.rst": "Tooling.\n",
            "CHANGES/124.feature.rst": "not a declared type here\n",
        },
    )
    found = news(tmp_path)
    assert found is not None
    assert found.changelog == tmp_path / "CHANGES.rst"
    assert [p.name for p in found.fragments] == ["+orphan.contrib.rst", "123.breaking.rst"]


def test_fragments_in_the_package_and_default_types(tmp_path: Path) -> None:
    """No ``directory``: ``newsfragments`` of ``package`` below ``package_dir``, towncrier's
    five types, its NEWS.rst; a counter (``7.bugfix.1``) is a fragment too."""
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.towncrier]\npackage = "calc"\npackage_dir = "src"\n',
            "src/calc/newsfragments/7.bugfix": "Fixed.\n",
            "src/calc/newsfragments/7.bugfix.1": "Fixed again.\n",
            "src/calc/newsfragments/notes.txt": "no type\n",
        },
    )
    found = news(tmp_path)
    assert found is not None and found.changelog == tmp_path / "NEWS.rst"
    assert [p.name for p in found.fragments] == ["7.bugfix", "7.bugfix.1"]
    assert news(tmp_path / "src") is None  # no configuration there


def test_fragment_types_of_the_fragment_tables(tmp_path: Path) -> None:
    """The shape: the types as towncrier's newer ``[tool.towncrier.fragment.<type>]``
    tables (``fragment.feat.name = "Features"``); relnox knew only ``type`` and counted
    ``4269.feat.md`` as no fragment, so a bump did not say to run towncrier."""
    config = (
        '[tool.towncrier]\ndirectory = "docs/release-notes"\n'
        'filename = "docs/release-notes/{version}.md"\nsingle_file = false\n'
        'fragment.feat.name = "Features"\nfragment.fix.name = "Bug fixes"\n'
    )
    write(
        tmp_path,
        {
            "pyproject.toml": config,
            "docs/release-notes/4269.feat.md": "A feature.\n",
            "docs/release-notes/4256.fix.md": "A fix.\n",
            "docs/release-notes/1.12.3.md": "### 1.12.3\n",
            "docs/release-notes/12.feature.md": "not a declared type here\n",
        },
    )
    found = news(tmp_path)
    assert found is not None
    assert sorted(p.name for p in found.fragments) == ["4256.fix.md", "4269.feat.md"]


@pytest.mark.parametrize(
    "setting", ['directory = "/"', 'directory = "../.."', 'filename = "/etc/passwd"']
)
def test_news_outside_the_project_is_none_of_its_own(tmp_path: Path, setting: str) -> None:
    """A fragments directory or news file outside the project is not read (``directory =
    "/"`` would have walked the whole file system)."""
    write(tmp_path / "p", {"towncrier.toml": f"[tool.towncrier]\n{setting}\n"})
    assert news(tmp_path / "p") is None


def test_doctor_reads_a_page_per_release(tmp_path: Path) -> None:
    """The shape: towncrier writes each release a page of its own (``filename =
    "docs/release-notes/{version}.md"``, ``single_file = false``); doctor said there was no
    CHANGELOG.md. The version's page is its section; with none, the fragments become it."""
    extra = (
        '\n[tool.towncrier]\ndirectory = "docs/release-notes"\n'
        'filename = "docs/release-notes/{version}.md"\nsingle_file = false\n'
    )
    files = {
        "pyproject.toml": project("calc", "1.12.3", extra=extra),
        "docs/release-notes/1.12.3.md": "### 1.12.3 {small}`2026-07-24`\n\n- Fixed.\n",
        "calc/__init__.py": "",
    }
    root = repo(tmp_path / "calc", files, tags=["1.12.3"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog calc"]
    assert (row.status, row.detail) == ("ok", "docs/release-notes/1.12.3.md is the page of 1.12.3")
    write(root, {"pyproject.toml": project("calc", "1.13.0.dev0", extra=extra)})
    [row] = [c for c in doctor(root).checks if c.check == "changelog calc"]
    assert row.status == "warn"
    assert row.detail.startswith(
        "no docs/release-notes/1.13.0.md and no towncrier fragment in docs/release-notes; "
    )
    write(root, {"docs/release-notes/4269.feature.md": "A feature.\n"})
    [row] = [c for c in doctor(root).checks if c.check == "changelog calc"]
    assert (row.status, row.detail) == (
        "ok",
        "docs/release-notes: 1 towncrier fragment becomes the page of 1.13.0 on towncrier build",
    )


@pytest.mark.parametrize("fragments", [True, False])
def test_doctor_and_bump_read_the_fragments_as_the_unreleased_entries(
    tmp_path: Path, fragments: bool
) -> None:
    """The shape: towncrier writes doc/en/changelog.rst and the entries wait in
    changelog/. doctor reads that news file (it said there is no CHANGELOG.md) and counts
    the fragments as the next release's entries (it warned of no section); bump says to
    build them first, as relnox does not run towncrier."""
    extra = (
        '\n[tool.towncrier]\ndirectory = "changelog"\nfilename = "doc/en/changelog.rst"\n'
        'title_format = "calc {version} ({project_date})"\n'
    )
    files = {
        "pyproject.toml": project("calc", "1.2.0", extra=extra),
        "doc/en/changelog.rst": "calc 1.1.0 (2026-01-01)\n=======================\n\n- Old.\n",
        "calc/__init__.py": "",
    }
    if fragments:
        files["changelog/41.feature.rst"] = "A feature.\n"
    root = repo(tmp_path / "calc", files, tags=["1.1.0"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog calc"]
    if fragments:
        assert (row.status, row.detail) == (
            "ok",
            "changelog: 1 towncrier fragment becomes 1.2.0's section on towncrier build",
        )
    else:
        assert row.status == "warn"
        assert row.detail.startswith("doc/en/changelog.rst has no section for 1.2.0")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    hint = "run towncrier build --yes --version 1.3.0 before this bump"
    assert any(hint in note for note in plan.notes) == fragments


def test_the_news_file_beats_a_changelog_that_only_points_to_it(tmp_path: Path) -> None:
    """The shape: a root CHANGELOG.rst says "the changelog is over there"
    and towncrier writes doc/en/changelog.rst. doctor and bump read the news file (they
    read the pointer and said it had no Unreleased section)."""
    extra = '\n[tool.towncrier]\ndirectory = "changelog"\nfilename = "doc/en/changelog.rst"\n'
    root = repo(
        tmp_path / "calc",
        {
            "pyproject.toml": project("calc", "1.2.0", extra=extra),
            "CHANGELOG.rst": "Changelog\n=========\n\nThe changelog is in doc/en/changelog.rst.\n",
            "doc/en/changelog.rst": "calc 1.2.0 (2026-01-01)\n=======================\n\n- A.\n",
            "changelog/41.feature.rst": "A feature.\n",
            "calc/__init__.py": "",
        },
        tags=["1.2.0"],
    )
    workspace = load_workspace(root)
    assert workspace.packages[0].changelog(workspace.config) == root / "doc/en/changelog.rst"
    [row] = [c for c in doctor(root).checks if c.check == "changelog calc"]
    assert row.status == "ok"
    plan = plan_bump(workspace, BumpOptions(part="minor"))
    assert not any("CHANGELOG.rst" in note for note in plan.notes)


@pytest.mark.parametrize("fragments", [True, False])
def test_bump_says_towncrier_writes_the_news_file(tmp_path: Path, fragments: bool) -> None:
    """The shape: towncrier's CHANGES.rst has no Unreleased section, as
    towncrier writes each section whole. bump says what towncrier will do (it also said
    the file "has no Unreleased section", which asks for one towncrier never reads)."""
    extra = '\n[tool.towncrier]\ndirectory = "CHANGES"\nfilename = "CHANGES.rst"\n'
    files = {
        "pyproject.toml": project("calc", "1.2.0", extra=extra),
        "CHANGES.rst": "1.2.0 (2026-01-01)\n==================\n\n- A.\n",
        "CHANGES/README.rst": "Write fragments here.\n",
        "calc/__init__.py": "",
    }
    if fragments:
        files["CHANGES/41.feature.rst"] = "A feature.\n"
    root = repo(tmp_path / "calc", files, tags=["1.2.0"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert not any("Unreleased" in note for note in plan.notes)
    quiet = "note: CHANGES.rst is written by towncrier and CHANGES holds no fragment: 1.3.0 gets"
    assert any(note.startswith(quiet) for note in plan.notes) != fragments


@pytest.mark.parametrize("fragments", [{}, {"newsfragments/+abc.feature.rst": "Added x.\n"}])
def test_without_directory_or_package_the_fragments_are_newsfragments_at_the_top(
    tmp_path: Path, fragments: dict[str, str]
) -> None:
    """A project template's shape: towncrier.toml holds only ``title_format``; towncrier reads
    ``newsfragments/`` at the top (package "" in package_dir "."). relnox saw no towncrier
    set-up and said NEWS.rst had no Unreleased section."""
    files = {
        "pyproject.toml": project("skel", "4.3.0"),
        "skel/__init__.py": "",
        "towncrier.toml": '[tool.towncrier]\ntitle_format = "{version}"\n',
        "NEWS.rst": "v4.3.0\n======\n\nFeatures\n--------\n\n- Old.\n",
        **fragments,
    }
    root = repo(tmp_path / "r", files, tags=["v4.3.0"])
    found = news(root)
    assert found is not None and found.directory == root / "newsfragments"
    assert found.changelog == root / "NEWS.rst"
    notes = plan_bump(load_workspace(root), BumpOptions(part="minor")).notes
    expected = (
        "note: newsfragments holds 1 towncrier fragment(s); relnox does not run towncrier: run "
        "towncrier build --yes --version 4.4.0 before this bump"
        if fragments
        else "note: NEWS.rst is written by towncrier and newsfragments holds no fragment: 4.4.0 "
        "gets no changelog section"
    )
    assert expected in notes


def test_the_top_s_towncrier_set_up_is_that_of_the_members_it_writes_for(tmp_path: Path) -> None:
    """The shape: members in folders released together, and a ``pyproject.toml`` at the top
    that is no package but holds ``[tool.towncrier]`` for them all (its fragments, its news
    file in the docs). The bump read the news file as the members' changelog and said it
    "has no Unreleased section"; it says towncrier must collect the fragments first."""
    from tests.conftest import run_relnox

    extra = '[tool.towncrier]\ndirectory = "changes"\nfilename = "docs/releases.md"\n'
    files = {
        "pyproject.toml": extra,
        "core/pyproject.toml": project("acme-core", "1.2.0"),
        "core/acme_core/__init__.py": "",
        "gui/pyproject.toml": project("acme-gui", "1.2.0", requires=["acme-core"]),
        "gui/acme_gui/__init__.py": "",
        "docs/releases.md": "# Releases\n\n<!-- towncrier release notes start -->\n\n"
        "## 1.2.0 (2026-01-01)\n\n- A.\n",
        "changes/41.feature.md": "A feature.\n",
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    said = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert "has no Unreleased section" not in said, said
    assert "note: changes holds 1 towncrier fragment(s)" in said, said
