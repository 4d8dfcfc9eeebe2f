"""Changelog sections: headings as projects write them (read), and what a bump writes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.bump.changelog import release_changelog, release_links, release_status
from relnox.project.changelog import (
    UNRELEASED,
    find_section,
    parse_title,
    pending,
    sections,
)
from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from relnox.release.doctor_package import heading_like
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

DAY = date(2026, 5, 3)


LINKED = (
    "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2026-01-01\n\n- First.\n\n"
    "[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n"
    "[1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0\n"
)


def test_compare_links_move_on_to_the_new_tag() -> None:
    assert release_changelog(LINKED, "1.1.0", DAY, "v1.1.0") == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-05-03\n\n- New.\n\n"
        "## [1.0.0] - 2026-01-01\n\n- First.\n\n"
        "[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n"
        "[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n"
        "[1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0\n"
    )
    # without a tag (the root changelog of independent versions) only the section changes
    assert release_changelog(LINKED, "a 0.2.0, b 1.1.0", DAY) == LINKED.replace(
        "- New.", "## [a 0.2.0, b 1.1.0] - 2026-05-03\n\n- New."
    )


def test_compare_links_keep_crlf_spacing_and_a_missing_final_newline() -> None:
    text = (
        "## [Unreleased]\r\n- Fixed.\r\n\r\n"
        "[unreleased]:  https://gitlab.example/g/p/-/compare/pkg-v2.0.0...HEAD \r\n"
        "[2.0.0]:  https://gitlab.example/g/p/-/tags/pkg-v2.0.0"
    )
    assert release_changelog(text, "2.0.1", DAY, "pkg-v2.0.1") == (
        "## [Unreleased]\r\n\r\n## [2.0.1] - 2026-05-03\r\n- Fixed.\r\n\r\n"
        "[unreleased]:  https://gitlab.example/g/p/-/compare/pkg-v2.0.1...HEAD \r\n"
        "[2.0.1]:  https://gitlab.example/g/p/-/compare/pkg-v2.0.0...pkg-v2.0.1\r\n"
        "[2.0.0]:  https://gitlab.example/g/p/-/tags/pkg-v2.0.0"
    )
    last = "[Unreleased]: https://gitea.example/o/r/compare/v1...HEAD"
    assert release_links(last, "2", "v2") == (
        "[Unreleased]: https://gitea.example/o/r/compare/v2...HEAD\n"
        "[2]: https://gitea.example/o/r/compare/v1...v2"
    )


@pytest.mark.parametrize(
    "links",
    [
        "",  # no link definitions at all
        "[Unreleased]: https://github.com/o/r/commits/main\n",  # not a compare link
        "See [Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n",  # not a definition
        # already released: the Unreleased link starts at the tag, or [1.1.0] is defined
        "[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n",
        "[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n[1.1.0]: https://x/1.1.0\n",
    ],
)
def test_other_link_definitions_are_left_alone(links: str) -> None:
    text = f"# Changelog\n\n## [Unreleased]\n\n- New.\n\n{links}"
    assert release_links(text, "1.1.0", "v1.1.0") == text
    assert release_changelog(text, "1.1.0", DAY, "v1.1.0") == release_changelog(text, "1.1.0", DAY)


FENCED = (
    "# Changelog\n\nWrite entries like this:\n\n```markdown\n## [Unreleased]\n- Your change.\n```\n\n"
    "## [Unreleased]\n\n- Real change.\n\n## [1.0.0] - 2026-01-01\n"
)


def test_an_unreleased_heading_in_a_code_fence_is_text_to_the_writer_as_to_the_reader() -> None:
    assert find_section(FENCED, UNRELEASED) is not None
    assert find_section(FENCED, UNRELEASED).body == "- Real change."  # type: ignore[union-attr]
    released = release_changelog(FENCED, "1.1.0", DAY)
    assert released == FENCED.replace(
        "## [Unreleased]\n\n- Real", "## [Unreleased]\n\n## [1.1.0] - 2026-05-03\n\n- Real"
    )
    assert "```markdown\n## [Unreleased]\n- Your change.\n```" in released
    only_fenced = "# Changelog\n\n```\n## [Unreleased]\n```\n\n## [1.0.0] - 2026-01-01\n"
    assert find_section(only_fenced, UNRELEASED) is None
    assert release_changelog(only_fenced, "1.1.0", DAY) is None


def test_a_rest_underline_of_tildes_opens_no_code_fence() -> None:
    """A reST changelog whose sub-headings are underlined with ``~`` (and whose preamble
    shows one in a literal block): the tildes are underlines, never a fence hiding the
    release below them."""
    text = (
        "Changelog\n=========\n\nEach release looks like::\n\n    VERSION\n    -------\n"
        "    Bug Fixes\n    ~~~~~~~~~\n    * Message\n\n"
        ".. _section-1.3.3:\n1.3.3\n-----\n.. _fixes-1.3.3\nBug Fixes\n~~~~~~~~~\n\n"
        "* Fixed.\n\n1.3.2\n-----\nBug Fixes\n~~~~~~~~~\n\n* Older.\n"
    )
    assert [section.label for section in sections(text)] == ["1.3.3", "1.3.2"]
    assert "* Fixed." in find_section(text, "1.3.3").body  # type: ignore[union-attr]
    fenced = "# Changelog\n\n~~~\n## [Unreleased]\n~~~\n\n## [1.0.0] - 2026-01-01\n"
    assert find_section(fenced, UNRELEASED) is None


@pytest.mark.parametrize("over", [False, True], ids=["underlined", "overlined"])
def test_rest_titles_adorned_with_hashes_are_headings_to_bump_doctor_and_notes(
    tmp_path: Path, over: bool
) -> None:
    """A reST changelog whose Unreleased and release titles are adorned with ``#`` (under,
    or over and under): doctor finds 1.0.0's section, release-notes writes its entries, and
    bump releases the Unreleased entries under a title adorned the same way."""

    def title(words: str) -> str:
        line = "#" * len(words)
        return f"{line}\n{words}\n{line}\n" if over else f"{words}\n{line}\n"

    text = "Changelog\n=========\n\n" + title("Unreleased") + "\n- Add the thing.\n\n"
    text += title("1.0.0 (2026-01-01)") + "\n- First release.\n"
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": "", "CHANGELOG.rst": text},
        tags=["v1.0.0"],
    )
    checks = run_relnox("doctor", cwd=root).stdout
    assert re.search(r"changelog acme +ok +CHANGELOG.rst has a section for 1.0.0", checks), checks
    run_relnox("release-notes", "1.0.0", cwd=root, check=True)
    notes = (root / ".relnox" / "dist" / "release-notes.md").read_text(encoding="utf-8")
    assert notes.startswith("- First release.\n")
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    written = (root / "CHANGELOG.rst").read_text(encoding="utf-8")
    day = re.search(r"1\.1\.0 \((\d{4}-\d\d-\d\d)\)", written)
    assert day is not None, written
    released = title(f"1.1.0 ({day[1]})") + "\n- Add the thing."
    assert written == text.replace("\n- Add the thing.", "\n" + released)


def test_a_setext_unreleased_section_gets_a_setext_release() -> None:
    text = "Changelog\n=========\n\nUnreleased\n----------\n\n- New.\n\n1.0.0\n-----\n\n- Old.\n"
    released = release_changelog(text, "1.1.0", DAY)
    assert released == text.replace(
        "----------\n\n- New.", "----------\n\n1.1.0 (2026-05-03)\n------------------\n\n- New."
    )
    section = find_section(released or "", "1.1.0")
    assert section is not None and section.body == "- New."


@pytest.mark.parametrize("placeholder", ["- *nothing yet*", "Nothing yet.", "- No changes yet"])
def test_an_unreleased_section_saying_nothing_yet_has_no_entries_and_gets_no_release(
    tmp_path: Path, placeholder: str
) -> None:
    """The shape: "unreleased" keeps ``- *nothing yet*`` between releases; a bump
    then writes no release section of the placeholder, and says why."""
    log = f"Changelog\n=========\n\nunreleased\n^^^^^^^^^^\n\n{placeholder}\n\nv1.0.0 (2026-01-01)\n^^^^^^^^^^^^^^^^^^^\n\n- First.\n"
    (unreleased, _) = sections(log)
    assert unreleased.label == UNRELEASED and not unreleased.has_entries
    root = repo(tmp_path / "r", {"pyproject.toml": project("lib", "1.0.0"), "CHANGELOG.rst": log})
    bump = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert "note: CHANGELOG.rst has no Unreleased entries; no section written for 1.1.0" in (
        bump.notes
    )
    apply_bump(bump)
    assert (root / "CHANGELOG.rst").read_text() == log


@pytest.mark.parametrize(
    ("heading", "version"),
    [
        ("## Release v2.28.2 (2026-08-18)", "2.28.2"),  # towncrier, with a template's words
        ("## [1.2.0] - 2026-01-01", "1.2.0"),  # Keep a Changelog
        ("## [1.2.0](https://github.com/o/r/compare/v1.1.0...v1.2.0) - 2026-01-01", "1.2.0"),
        ("## 1.2.0 (2026-01-01)", "1.2.0"),
        ("## v1.2.0", "1.2.0"),
        ("### 1.2.0", "1.2.0"),
        ("# relnox 1.2.0 (2026-01-01)", "1.2.0"),  # towncrier's default title
        ("## Version 1.2.0", "1.2.0"),
        ("## 1.2.0 \u2014 2026-01-01", "1.2.0"),
        ("## 2.0.0rc1", "2.0.0rc1"),
        ("1.2.0\n=====", "1.2.0"),
        ("1.2.0 (2026-01-01)\n------------------", "1.2.0"),  # towncrier's reST title
        ("v1.2.0\n~~~~~~", "1.2.0"),
        ("## [core 1.2.0, agents 0.3.0] - 2026-01-01", "0.3.0"),  # relnox's own, several
        ("Changes in Apache Libcloud 1.2.0\n--------------------------------", "1.2.0"),
        ("## What's new in 1.2.0", "1.2.0"),
        ("## [integrations/qdrant-v1.2.0] - 2026-08-03", "1.2.0"),  # git-cliff's, a tag
        ("## core@1.2.0 (2026-01-01)", "1.2.0"),
    ],
)
def test_release_headings_as_projects_write_them(heading: str, version: str) -> None:
    older = heading.replace(version, "0.0.1")  # the section below, in the same style
    text = f"Changelog\n\n{heading}\n\n- The change.\n\n{older}\n\n- Old.\n"
    section = find_section(text, version)
    assert section is not None, heading
    assert section.body == "- The change."
    assert find_section(text, "9.9.9") is None


@pytest.mark.parametrize(
    ("title", "versions"),
    [
        ("Version 1.52.0 - July 29, 2026", ((None, "1.52.0"),)),  # the year was a 2nd version
        ("1.52.0 - March 3, 2025", ((None, "1.52.0"),)),
        ("a 0.4.0, b 1.2.0", (("a", "0.4.0"), ("b", "1.2.0"))),  # several, each bare
        ("v1.2.0, v1.1.5", ((None, "1.2.0"), (None, "1.1.5"))),
    ],
)
def test_a_comma_of_a_date_in_words_lists_no_second_release(
    title: str, versions: tuple[tuple[str | None, str], ...]
) -> None:
    """``## Version 1.52.0 - July 29, 2026``: the comma is the date's, so 2026 is no second
    release in the heading (relnox read two, and doctor would not copy the heading)."""
    assert parse_title(title) == versions


def test_one_heading_for_several_releases_is_a_section_of_each(tmp_path: Path) -> None:
    """``Releases 5.3.1, 6.0.1 and 7.0.1 (Aug 19, 2026)``: one section
    for three maintenance releases, each found in it (relnox read one release named
    ``Releases`` 5.3.1, so doctor found no section for 7.0.1 and suggested a heading
    ``Releases 7.0.1, 6.0.1 and 7.0.1``); a heading is copied from a single release's."""
    title = "Releases 5.3.1, 6.0.1 and 7.0.1 (Aug 19, 2026)"
    assert parse_title(title) == ((None, "5.3.1"), (None, "6.0.1"), (None, "7.0.1"))
    assert parse_title("Versions 1.2.0 & 1.1.5") == ((None, "1.2.0"), (None, "1.1.5"))
    text = f"{title}\n{'-' * len(title)}\n\n- Fix.\n\nRelease 7.0.0 (Aug 4, 2026)\n---\n\n- New.\n"
    for version in ("5.3.1", "6.0.1", "7.0.1"):
        section = find_section(text, version)
        assert section is not None and section.body == "- Fix."
    path = tmp_path / "CHANGES.md"
    path.write_text(text)
    assert heading_like(path, "7.1.0").startswith("'Release 7.1.0 (")


@pytest.mark.parametrize(
    "heading",
    [
        "## Python 3.12 support",
        "## 2026-01-01",
        "## Changelog",
        "### Added",
        "## Notes for 1.2",
        "# 2.1 Changelog",  # the title of a series' file over its releases' directives
        "# 1.x Release Notes",
    ],
)
def test_other_headings_are_not_releases(heading: str) -> None:
    assert parse_title(heading.lstrip("# ")) is None


def test_a_heading_of_several_packages_is_read_per_package() -> None:
    text = "## [core 1.2.0, agents 0.3.0] - 2026-01-01\n\n- Both.\n"
    assert find_section(text, "1.2.0", "core") is not None
    assert find_section(text, "0.3.0", "agents") is not None
    assert find_section(text, "0.3.0", "core") is None  # core is at 1.2.0
    one = "## requests 2.32.0 (2024-05-20)\n\n- One.\n"  # one name: free text, any package
    assert find_section(one, "2.32.0", "some-other-name") is not None


PALLETS = (
    "Version 2.3.0\r\n-------------\r\n\r\nUnreleased\r\n\r\n-   Drop Python 3.9.\r\n\r\n\r\n"
    "Version 2.2.0\r\n-------------\r\n\r\nReleased 2024-04-16\r\n\r\n-   Drop Python 3.7.\r\n"
)


def test_a_version_section_with_an_unreleased_status_line_is_dated() -> None:
    """The shape: the next version's section is written ahead, ``Unreleased`` under
    its heading until the release dates it; no Unreleased heading anywhere."""
    assert release_changelog(PALLETS, "2.3.0", DAY) is None
    assert release_status(PALLETS, "2.3.0", DAY) == PALLETS.replace(
        "Unreleased", "Released 2026-05-03"
    )
    assert pending(PALLETS, "2.3")[0] == 3  # 2.3 is 2.3.0
    emphasised = "## 1.1.0\n\n*unreleased*\n\n- x\n"
    assert release_status(emphasised, "1.1.0", DAY) == "## 1.1.0\n\n*released 2026-05-03*\n\n- x\n"


@pytest.mark.parametrize(
    "text",
    [
        PALLETS.replace("Unreleased", "Released 2026-01-01"),  # already dated
        "Version 2.3.0\n-------------\n\n- Unreleased work on it.\n",  # an entry, no status
        "Version 2.3.0\n-------------\n\nVersion 2.2.0\n-------------\n\nUnreleased\n",  # empty
        "Version 2.2.0\n-------------\n\nUnreleased\n",  # another version's section
    ],
)
def test_only_the_new_versions_own_status_line_is_dated(text: str) -> None:
    assert pending(text, "2.3.0")[0] is None
    assert release_status(text, "2.3.0", DAY) is None


def test_an_unreleased_heading_linking_its_compare_view_moves_on_and_the_release_links_its_own() -> (
    None
):
    """The shape: ``## [Unreleased](<base>compare/26.1.0...HEAD)`` above
    ``## [26.1.0](<base>compare/25.5.0...26.1.0) - date``; the new section links its own
    compare view and the Unreleased link starts at the new tag (it kept comparing 26.1.0)."""
    base = "https://github.com/o/r/compare/"
    text = (
        f"## [Unreleased]({base}26.1.0...HEAD)\n\n### Added\n\n- New.\n\n\n"
        f"## [26.1.0]({base}25.5.0...26.1.0) - 2026-06-06\n\n- Old.\n"
    )
    assert release_changelog(text, "26.2.0", DAY, "26.2.0") == (
        f"## [Unreleased]({base}26.2.0...HEAD)\n\n"
        f"## [26.2.0]({base}26.1.0...26.2.0) - 2026-05-03\n\n### Added\n\n- New.\n\n\n"
        f"## [26.1.0]({base}25.5.0...26.1.0) - 2026-06-06\n\n- Old.\n"
    )
    # without the new tag, or with a heading format that has no [title], nothing links
    assert release_changelog(text, "26.2.0", DAY) == text.replace(
        "\n\n### Added", "\n\n## [26.2.0] - 2026-05-03\n\n### Added", 1
    )
    assert release_changelog(text, "26.2.0", DAY, "26.2.0", "{title} ({date})") == text.replace(
        "\n\n### Added", "\n\n## 26.2.0 (2026-05-03)\n\n### Added", 1
    )


def test_a_release_written_ahead_whose_link_is_spelled_with_a_v_keeps_its_link(
    tmp_path: Path,
) -> None:
    """The shape: reST headings ```v0.11.1`_ - 30-August-2023`` whose targets are
    ``.. _v0.11.1: <base>compare/v0.11.0...v0.11.1``, 0.11.1's section and link written
    before the version moves. The bump to 0.11.1 moves the version and leaves the changelog:
    0.11.1's link is there, spelled with its tag's ``v``."""
    base = "https://github.com/o/r/compare/"
    log = (
        "Changelog\n=========\n\n"
        "`v0.11.1`_ - 30-August-2023\n---------------------------\n- Fixed.\n\n"
        "`v0.11.0`_ - 29-August-2023\n---------------------------\n- Added.\n\n\n"
        f".. _v0.11.1: {base}v0.11.0...v0.11.1\n"
        f".. _v0.11.0: {base}v0.10.0...v0.11.0\n"
    )
    files = {"pyproject.toml": project("envpkg", "0.11.0"), "CHANGELOG.rst": log}
    root = repo(tmp_path / "envpkg", files, ["v0.10.0", "v0.11.0"])
    run_relnox("bump", "--to", "0.11.1", cwd=root, check=True)
    assert (root / "CHANGELOG.rst").read_text() == log
    assert 'version = "0.11.1"' in (root / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("heading", "released"),
    [
        ("Release 0.14 (in development)\n=============================", "Release 0.14\n"),
        ("## 2.0.0 (unreleased)", "## 2.0.0\n"),
        ("v2.0.0 - not released yet\n--------------------------", "v2.0.0\n"),
    ],
)
def test_a_heading_that_says_in_development_loses_the_words_on_release(
    heading: str, released: str
) -> None:
    """The shape: the next version's section is written ahead as ``Release 0.14 (in
    development)``; its release drops the words (relnox said there was no Unreleased
    section and left the file saying it is still in development)."""
    text = f"Notes\n=====\n\n{heading}\n\n* New.\n\nRelease 0.13\n============\n\n* Old.\n"
    done = release_status(text, "0.14.0" if "0.14" in heading else "2.0.0", DAY)
    assert done is not None
    assert done.splitlines(keepends=True)[3] == released
    assert done.count("* ") == 2
    assert (
        release_status(text.replace(heading.splitlines()[0], "Release 0.14"), "0.14", DAY) is None
    )


@pytest.mark.parametrize(("part", "title"), [("patch", "3.5.4"), ("minor", "3.6.0")])
def test_a_pending_heading_is_dated_like_the_release_below_and_renamed_for_a_higher_one(
    tmp_path: Path, part: str, title: str
) -> None:
    """The shape (zest.releaser): at ``3.5.4.dev0`` its CHANGES.rst starts with
    ``3.5.4 (unreleased)`` over ``===`` above ``3.5.3 (2026-06-26)``. A patch release
    wrote ``3.5.4`` with no date; a minor one said there was no Unreleased section. Both
    head that section with the release and its day, as the release below is headed."""
    changes = (
        "3.5.4 (unreleased)\n==================\n\n- Fix.\n\n\n"
        "3.5.3 (2026-06-26)\n==================\n\n- Old.\n"
    )
    files = {
        "pyproject.toml": project("gl", "3.5.4.dev0"),
        "gl/__init__.py": "",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["3.5.3"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part=part, today=DAY)))
    assert (root / "CHANGES.rst").read_text() == changes.replace(
        "3.5.4 (unreleased)", f"{title} (2026-05-03)"
    )


@pytest.mark.parametrize("month", ["January, 2026", "January 2026"])
def test_a_pending_heading_is_dated_by_the_month_as_the_releases_below(
    tmp_path: Path, month: str
) -> None:
    """The shape: ``Version 3.3.3 - in development`` over ``---`` above releases headed
    ``Version 3.3.2 - January, 2026``. The month alone was no date relnox knew, so the
    release was headed ``Version 3.3.4``, its month left out."""
    changes = (
        "Version 1.0.1 - in development\n------------------------------\n\n- Fix.\n\n"
        f"Version 1.0.0 - {month}\n-----------------------------\n\n- Old.\n"
    )
    files = {"pyproject.toml": project("mo", "1.0.1"), "mo/__init__.py": "", "CHANGES": changes}
    root = repo(tmp_path / "r", files, tags=["1.0.0"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY)))
    written = f"Version 1.0.2 - {month.replace('January', 'May')}"  # underlined as long
    assert (root / "CHANGES").read_text() == changes.replace(
        "Version 1.0.1 - in development\n" + "-" * 30, f"{written}\n" + "-" * len(written)
    )


def test_a_bump_to_a_development_version_takes_no_pending_section(tmp_path: Path) -> None:
    """The shape: tagged 1.1, its CHANGES.rst still heads ``1.1`` with ``UNRELEASED`` (the
    status line fixed weeks later), its docs' ``conf.py`` at 1.0; the bump to ``1.2.dev0`` opens
    the next cycle and releases nothing: relnox renamed 1.1's section ``1.2.dev0``, dated it
    and wrote 1.2.dev0 in the docs."""
    changes = "1.1\n~~~\n\nUNRELEASED\n\n- Fix.\n\n1.0\n~~~\n\nReleased on May 1, 2026\n\n- Old.\n"
    files = {"pyproject.toml": project("h5", "1.1"), "h5/__init__.py": "", "CHANGES.rst": changes}
    root = repo(tmp_path / "r", files | {"doc/conf.py": "version = '1.0'\n"}, tags=["1.0", "1.1"])
    bump = run_relnox("bump", "--dry-run", "--to", "1.2.dev0", cwd=root, check=True)
    assert "+++ b/CHANGES.rst" not in bump.stdout and "+++ b/doc/conf.py" not in bump.stdout


@pytest.mark.parametrize("branch", ["master", "main", "HEAD"])
def test_a_section_named_after_the_branch_is_the_unreleased_one(branch: str) -> None:
    """The shape: ``## master`` above ``## 4.3.0`` holds what the next release brings;
    a bump said there was no Unreleased section and wrote no heading for 4.4.0."""
    text = f"# Changelog\n\n## {branch}\n\n* New.\n\n## 4.3.0\n\n* Old.\n"
    assert parse_title(branch) == UNRELEASED
    assert release_changelog(text, "4.4.0", DAY, heading_format="{title}") == text.replace(
        "\n\n* New.", "\n\n## 4.4.0\n\n* New."
    )
    assert parse_title("mainline") is None


def test_a_sub_heading_named_like_a_branch_inside_a_release_is_not_unreleased() -> None:
    """A changes.rst: release 0.1.5 has sub-headings per class, one of them
    ``Head`` (the class). relnox took it for the Unreleased section and wrote 3.2.0 in
    the middle of the 2009 release; only a heading outside every release is Unreleased."""
    text = (
        "Changelog\n=========\n\n3.1.59\n======\n\n* Fix.\n\n"
        "0.1.5\n=====\n\nHead\n----\n* Corrected branches.\n\nRepo\n----\n* Faster.\n"
    )
    assert [s.label for s in sections(text)] == ["3.1.59", "0.1.5"]
    assert release_changelog(text, "3.2.0", DAY) is None
    top = "Changelog\n=========\n\nHead\n----\n* New.\n\n3.1.59\n======\n\n* Fix.\n"
    assert [s.label for s in sections(top)] == [UNRELEASED, "3.1.59"]


def test_a_release_written_as_a_bold_line_is_a_section_read_never_written(
    tmp_path: Path,
) -> None:
    """The shape: ``**Release 5.16.3** - 2026-06-15`` lines, no headings;
    relnox read no section (release notes said only how to install, doctor asked for
    ``## [5.16.4]``). A bold line that names no release (``**Bugfixes**``) is text, and
    bump writes no bold heading of its own."""
    from relnox.release.doctor_package import heading_like as hint

    log = (
        "# python-socketio change log\n\n**Release 5.16.3** - 2026-06-15\n\n- A fix.\n\n"
        "**Bugfixes**\n\n- Another.\n\n**Release 5.16.2** - 2026-05-21\n\n- Old.\n"
    )
    section = find_section(log, "5.16.3")
    assert section is not None and section.body == "- A fix.\n\n**Bugfixes**\n\n- Another."
    path = tmp_path / "CHANGES.md"
    path.write_text(log)
    assert hint(path, "5.16.4") == "'**Release 5.16.4** - YYYY-MM-DD'"
    files = {"pyproject.toml": project("sio", "5.16.3"), "sio/__init__.py": "", "CHANGES.md": log}
    root = repo(tmp_path / "r", files, tags=["v5.16.3"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert not [e for e in plan.edits if e.path.name == "CHANGES.md"]


def test_a_sphinx_changelog_directive_is_a_section_read_never_written(tmp_path: Path) -> None:
    """The shape: CHANGES says MOVED, docs/build/changelog.rst holds ``..
    changelog::`` directives (``:version: 1.19.2`` written ahead, ``:released: August 8,
    2026`` once out); relnox read CHANGES and asked for an underlined heading. Doctor finds
    the version's directive; a bump writes no directive of its own."""
    from relnox.project.changelog_file import changelog_in
    from relnox.release.doctor import doctor

    log = (
        "==========\nChangelog\n==========\n\n"
        ".. changelog::\n    :version: 1.19.2\n    :include_notes_from: unreleased\n\n"
        ".. changelog::\n    :version: 1.19.1\n    :released: August 8, 2026\n\n"
        "    .. change::\n        :tags: bug\n\n        Fixed a bug.\n"
    )
    section = find_section(log, "1.19.1")
    assert section is not None and section.body.endswith("Fixed a bug.")
    assert parse_title(section.heading.splitlines()[0]) is None  # the directive line alone
    files = {
        "pyproject.toml": project("alem", "1.19.2"),
        "alem/__init__.py": "",
        "CHANGES": "=====\nMOVED\n=====\n\nPlease see docs/build/changelog.rst\n",
        "docs/build/changelog.rst": log,
    }
    root = repo(tmp_path / "r", files, tags=["rel_1_19_1"])
    ws = load_workspace(root)
    assert changelog_in(root, ws.config) == root / "docs/build/changelog.rst"
    row = {r.check: r for r in doctor(root).checks}["changelog alem"]
    assert row.detail == "docs/build/changelog.rst has a section for 1.19.2"
    plan = plan_bump(ws, BumpOptions(part="patch", today=DAY))
    assert not [e for e in plan.edits if e.path.name == "changelog.rst"]


HEADLESS = (
    "\nChangelog\n=========\n\n* Improve handling of a warning.\n\n  More on it.\n\n"
    "* Fix another thing.\n\n7.0.0 (2025-09-09)\n------------------\n\n* Dropped something.\n"
)


def test_entries_under_the_title_above_the_newest_release_get_their_own_heading() -> None:
    """The shape (a cookiecutter template's): no Unreleased heading, the entries sit
    under ``Changelog`` above ``7.0.0 (2025-09-09)``; a release heads them with its own
    heading in that style (relnox said there was no Unreleased section). An introduction,
    a list of links to the sections, or a section already written is left alone."""
    from relnox.bump.changelog import release_headless

    assert release_headless(HEADLESS, "7.1.0", DAY) == HEADLESS.replace(
        "=========\n\n", "=========\n\n7.1.0 (2026-05-03)\n------------------\n\n", 1
    )
    atx = "# Changes\n\n- New.\n\n## v1.0.0 - 2025-01-01\n\n- Old.\n"
    assert release_headless(atx, "1.1.0", DAY) == atx.replace(
        "- New.", "## v1.1.0 - 2026-05-03\n\n- New."
    )
    intro = HEADLESS.replace("* Improve", "All notable changes.\n\n* Improve")
    contents = HEADLESS.replace(
        "* Improve handling of a warning.", "* `7.0.0 <#id1>`_ [7.0.0](#700)"
    )
    for text in (intro, contents):
        assert release_headless(text, "7.1.0", DAY) is None
    assert release_headless(HEADLESS, "7.0.0", DAY) is None


def test_a_release_dated_in_words_is_one_version_and_is_written_so() -> None:
    """The shape: ``2.13.1 (July 29, 2026)`` over ``---``. The comma in the date made a
    second version, 2026, so the heading named two and its style was not followed (bump
    wrote ``2.14.0 (2026-05-03)``)."""
    from relnox.bump.changelog import heading_like

    assert parse_title("2.13.1 (July 29, 2026)") == ((None, "2.13.1"),)
    assert parse_title("[core 0.2.0, agents 1.1.0] - 2026-01-01") == (
        ("core", "0.2.0"),
        ("agents", "1.1.0"),
    )
    text = "Unreleased\n----------\n\n- New.\n\n2.13.1 (July 29, 2026)\n----------------------\n"
    template = heading_like(text, "{title} ({date})", setext=True)
    assert template.format(title="2.14.0", date=DAY) == "2.14.0 (May 3, 2026)"
    words = "Release 3.0 - 29 July 2026\n--------------------------\n"
    assert (
        heading_like(words, "x", setext=True).format(title="3.1", date=DAY)
        == "Release 3.1 - 3 May 2026"
    )
    # the month's first three letters (bump wrote "0.7.0 (2026-05-03)")
    short = "Release 0.6.0 (Aug 13, 2026)\n----------------------------\n"
    assert (
        heading_like(short, "x", setext=True).format(title="0.7.0", date=date(2026, 11, 4))
        == "Release 0.7.0 (Nov 4, 2026)"
    )
    assert (
        heading_like("## 2.1 - 13 Sep 2025\n", "x").format(title="2.2", date=date(2026, 9, 4))
        == "2.2 - 4 Sep 2026"
    )


@pytest.mark.parametrize(
    ("text", "released"),
    [
        (
            "# Changelog\n\n## Version 1.2.0\n\n- New.\n\n## Version 1.1.3 (March 10, 2026)\n\n- Old.\n",
            "## Version 1.2.0 (May 3, 2026)\n",
        ),
        (
            "1.2.0\n-----\n\n- New.\n\n1.1.3 (2026-03-10)\n------------------\n\n- Old.\n",
            "1.2.0 (2026-05-03)\n",
        ),
    ],
)
def test_a_section_written_ahead_without_a_date_is_dated_like_the_release_below(
    text: str, released: str
) -> None:
    """The shape: ``## Version 1.2.0`` is written ahead above ``## Version 1.1.3
    (March 10, 2026)``; releasing 1.2.0 dates it the same way (relnox noted no Unreleased
    section and left it undated). Not the newest, already dated, or a release below
    without a date: left alone."""
    from relnox.bump.changelog import release_ahead

    done = release_ahead(text, "1.2.0", DAY)
    assert done is not None
    assert released in done.splitlines(keepends=True)
    if released.startswith("1.2.0"):  # the underline grows with the title
        assert "1.2.0 (2026-05-03)\n------------------\n" in done
    assert release_ahead(text, "1.1.3", DAY) is None
    assert release_ahead(done, "1.2.0", DAY) is None
    undated = text.replace(" (March 10, 2026)", "").replace(" (2026-03-10)", "")
    assert release_ahead(undated, "1.2.0", DAY) is None


@pytest.mark.parametrize("placeholder", ["2026/XX/XX", "YYYY-MM-DD", "TBD", "2026-xx-yy"])
def test_a_section_written_ahead_with_a_date_to_fill_in_is_dated_like_the_release_below(
    placeholder: str,
) -> None:
    """The shape: ``Changes in Version 4.18.0 (2026/XX/XX)`` above ``Changes in
    Version 4.17.0 (2026/04/20)``; a release fills in the date (relnox read ``Version`` as
    a project's name, and the placeholder's digits as a date, and noted no Unreleased
    section)."""
    from relnox.bump.changelog import release_ahead

    assert parse_title("Changes in Version 4.17.0 (2026/04/20)") == ((None, "4.17.0"),)
    text = (
        f"Changelog\n=========\n\nChanges in Version 4.18.0 ({placeholder})\n"
        "--------------------------------------\n\n- New.\n\n"
        "Changes in Version 4.17.0 (2026/04/20)\n--------------------------------------\n"
    )
    done = release_ahead(text, "4.18.0", DAY)
    assert done == text.replace(placeholder, "2026/05/03", 1)


def test_the_release_heading_takes_the_level_of_the_releases_not_of_unreleased() -> None:
    """The shape (git-chglog's default template): ``# Unreleased`` over releases
    written ``## [v3.2.0] - date``; the new release is a ``##`` heading like them."""
    text = (
        '<a name="unreleased"></a>\n# Unreleased\n\n## Bug Fixes\n\n* fix\n\n'
        '<a name="v3.2.0"></a>\n## [v3.2.0] - 2024-10-22\n## Features\n\n* old\n'
    )
    released = release_changelog(text, "v3.3.0", DAY)
    assert released == text.replace(
        "# Unreleased\n\n", "# Unreleased\n\n## [v3.3.0] - 2026-05-03\n\n", 1
    )


def test_a_heading_written_as_a_tag_is_that_packages_section() -> None:
    """A monorepo's git-cliff changelogs title each release by its tag
    (``## [integrations/qdrant-v10.5.0] - date``): the section of that integration's 10.5.0.
    In a changelog of several packages a tag's name decides, the exact name first;
    ``Python-3.12`` is no tag."""
    text = (
        "# Changelog\n\n## [core-v1.2.0] - 2026-01-01\n\n- c\n\n"
        "## [core-agents-v1.2.0] - 2026-01-01\n\n- a\n\n## Python-3.12\n\n- p\n"
    )
    found = {
        package: (section.body if section else None)
        for package in ("core", "core-agents", "core-haystack", "other")
        for section in [find_section(text, "1.2.0", package)]
    }
    assert found == {"core": "- c", "core-agents": "- a", "core-haystack": "- c", "other": None}
    assert parse_title("Python-3.12") is None


@pytest.mark.parametrize(("part", "title"), [("patch", "0.4.4"), ("minor", "0.5.0")])
def test_a_future_heading_and_its_not_yet_line_are_released_together(
    tmp_path: Path, part: str, title: str
) -> None:
    """The shape: at ``0.4.4.dev0`` its CHANGES.rst starts with ``0.4.4 (future)``
    over ``~~~``, then ``Released: Not yet.``; each release below says ``Released:
    2026-06-12``. relnox said there was no Unreleased section and left both; the release
    now drops "(future)" and dates the line as the ones below are."""
    changes = (
        "Change log\n----------\n\n0.4.4 (future)\n~~~~~~~~~~~~~~\n\nReleased: Not yet.\n\n"
        "- Fix.\n\n0.4.3\n~~~~~\n\nReleased: 2026-06-12\n\n- Old.\n"
    )
    files = {
        "pyproject.toml": project("dl", "0.4.4.dev0"),
        "dl/__init__.py": "",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["0.4.3"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part=part, today=DAY)))
    assert (root / "CHANGES.rst").read_text() == changes.replace(
        "0.4.4 (future)\n" + "~" * 14, title + "\n" + "~" * len(title)
    ).replace("Released: Not yet.", "Released: 2026-05-03")


@pytest.mark.parametrize(("part", "title"), [("patch", "1.3.1"), ("minor", "1.4.0")])
def test_a_planned_version_over_a_date_to_fill_in_is_retitled_and_dated(
    tmp_path: Path, part: str, title: str
) -> None:
    """The shape: at ``1.3.0``, tagged, the newest section is the planned ``1.3.1``, untagged,
    over ``Released: XXXX-XX-XX``. A release of 1.3.1 left the placeholder; one of 1.4.0 said
    the section was 1.3.1's. Both read it as the pending section: retitled, then dated."""
    changes = (
        "Changelog\n=========\n\n1.3.1\n-----\n\nReleased: XXXX-XX-XX\n\n- New.\n\n"
        "1.3.0\n-----\n\nReleased: 2026-01-10\n\n- Old.\n"
    )
    files = {"pyproject.toml": project("pl", "1.3.0"), "pl/__init__.py": "", "CHANGES.rst": changes}
    root = repo(tmp_path / "r", files, tags=["1.3.0"])
    run_relnox("bump", "--part", part, cwd=root, check=True)
    done = (root / "CHANGES.rst").read_text()
    day = re.search(r"Released: (\d{4}-\d{2}-\d{2})\n\n- New", done)
    assert day is not None
    assert done == changes.replace("1.3.1", title).replace("XXXX-XX-XX", day[1])


@pytest.mark.parametrize(("part", "title"), [("patch", "26.1.1"), ("minor", "26.2.0")])
def test_a_pending_status_line_is_dated_as_the_release_below_is(
    tmp_path: Path, part: str, title: str
) -> None:
    """The shape: ``## 26.1.1`` then ``_(unreleased)_``, above ``## 26.1.0`` then
    ``_(July 17, 2026)_``. A patch release wrote ``_(released 2026-05-03)_``, a minor one
    said there was no Unreleased section; both now date the line as the release below
    is dated, and a minor one renames the section."""
    changes = (
        "# Changelog\n\n## 26.1.1\n\n_(unreleased)_\n\n- Fix.\n\n"
        "## 26.1.0\n\n_(July 17, 2026)_\n\n- Old.\n"
    )
    files = {
        "pyproject.toml": project("bolt", "26.1.1dev"),
        "bolt/__init__.py": "",
        "CHANGELOG.md": changes,
    }
    root = repo(tmp_path / "r", files, tags=["26.1.0"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part=part, today=DAY)))
    assert (root / "CHANGELOG.md").read_text() == changes.replace(
        "## 26.1.1\n\n_(unreleased)_", f"## {title}\n\n_(May 3, 2026)_"
    )


def test_a_pending_section_of_a_higher_version_is_named_and_dated_when_reached(
    tmp_path: Path,
) -> None:
    """The shape: ``### RQ 3.0 (unreleased)`` above ``### RQ 2.10.0 (2026-06-20)``. A
    minor release (2.11.0) said there was no Unreleased section; it now names the section
    it leaves and how to release it. A major release dated no heading (the project name
    before the version was not followed); it is dated as the release below."""
    changes = "### RQ 3.0 (unreleased)\n* New.\n\n### RQ 2.10.0 (2026-06-20)\n* Old.\n"
    files = {"pyproject.toml": project("rqish", "2.10.0"), "rqish/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CHANGES.md": changes}, tags=["v2.10.0"])
    minor = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert (
        "note: CHANGES.md's unreleased section is 3.0's, not 2.11.0's; it is left as it is: "
        "bump --to 3.0, or retitle it 2.11.0"
    ) in minor.notes
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="major", today=DAY)))
    assert (root / "CHANGES.md").read_text() == changes.replace(
        "RQ 3.0 (unreleased)", "RQ 3.0 (2026-05-03)"
    )


STORAGES = (
    "lib CHANGELOG\n=============\n\n"
    "X.YY.Z (UNRELEASED)\n*******************\n\nGeneral\n-------\n\n- Add support for 5.2\n\n"
    "1.14.6 (2025-04-01)\n*******************\n\nS3\n--\n\n- Fix a leak\n"
)


def test_an_unreleased_heading_numbered_later_is_retitled_and_rest_levels_follow_the_file() -> None:
    """The shape: ``X.YY.Z (UNRELEASED)`` over ``***`` holds ``General`` over
    ``---``. reST's levels are the order styles first appear, so ``General`` is inside the
    section (not a title above it), the placeholder heading is the Unreleased section, and a
    release retitles it in place."""
    [unreleased, release] = sections(STORAGES)
    assert unreleased.label == UNRELEASED and unreleased.has_entries
    assert "Add support" in unreleased.body and "Fix a leak" not in unreleased.body
    assert release.label == "1.14.6" and "Fix a leak" in release.body
    assert release_changelog(STORAGES, "1.15", DAY) == STORAGES.replace(
        "X.YY.Z (UNRELEASED)\n*******************", "1.15 (2026-05-03)\n*****************"
    )
    assert parse_title("x.y.z") == UNRELEASED and parse_title("Xavier 1.0") != UNRELEASED
    # a plain Unreleased heading keeps its place, the release is written below it
    plain = STORAGES.replace("X.YY.Z (UNRELEASED)\n*******************", "Unreleased\n**********")
    assert release_changelog(plain, "1.15", DAY) == plain.replace(
        "**********\n\n", "**********\n\n1.15 (2026-05-03)\n*****************\n\n", 1
    )


def test_a_markdown_setext_changelog_with_short_underlines_keeps_them_short() -> None:
    """A CHANGELOG.md that underlines every title with ``---`` whatever its length
    (Markdown allows it, reST would not): the release heading is underlined the same way,
    not with a run as long as the title."""
    text = "Unreleased\n---\n\n### Added\n\n- New.\n\n[8.4.0] - 2023-06-19\n---\n\n- Old.\n"
    assert release_changelog(
        text, "8.5.0", DAY, None, "[{title}] - {date}", "[{title}] - {date}"
    ) == (
        "Unreleased\n---\n\n[8.5.0] - 2026-05-03\n---\n\n### Added\n\n- New.\n\n"
        "[8.4.0] - 2023-06-19\n---\n\n- Old.\n"
    )


GNU = (
    "2025-04-24\tunidecode 1.4.0\n\t* Drop support for Python <3.7.\n\n"
    "2024-01-11\tunidecode 1.3.8\n\t* Fix replacement for U+1E9E.\n\n"
    "2023-09-25  Jane Doe  <jane@example.org>\n\n\t* Tidy.\n"
)


def test_a_gnu_changelog_entry_is_a_release_section_read_never_written(tmp_path: Path) -> None:
    """A GNU ChangeLog: ``2025-04-24<TAB>unidecode 1.4.0`` over indented items. relnox
    read no section in it and asked for ``## [1.4.0]``; each dated release line is a section
    now (an author's dated line is none), and doctor asks for the next one in its form."""
    found = sections(GNU)
    assert [s.label for s in found] == ["1.4.0", "1.3.8"]
    assert found[0].body == "* Drop support for Python <3.7."
    assert find_section(GNU, "1.3.8") is not None
    files = {"pyproject.toml": project("unidecode", "1.4.0"), "CHANGELOG.md": GNU}
    root = repo(tmp_path / "r", files, tags=["v1.4.0"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog unidecode"]
    assert row.detail == "CHANGELOG.md has a section for 1.4.0"
    (root / "pyproject.toml").write_text(project("unidecode", "1.5.0"))
    [row] = [c for c in doctor(root).checks if c.check == "changelog unidecode"]
    assert "'YYYY-MM-DD\\tunidecode 1.5.0' over its entries, indented" in row.detail


def test_a_version_alone_on_its_line_over_indented_entries_is_a_release_section(
    tmp_path: Path,
) -> None:
    """A CHANGELOG: ``0.32.0`` alone on a line, its entries indented below. relnox
    read no section and asked for ``## [0.32.0]``; the line is read as the release's heading
    now (never written), and a version in a sentence or a list is not one."""
    text = "0.32.0\n\n  Python support 3.8+ only\n\n0.31.2\n\n  DO NOT use 0.31.1\n"
    assert [s.label for s in sections(text)] == ["0.32.0", "0.31.2"]
    assert sections(text)[1].body == "DO NOT use 0.31.1"
    assert sections("Notes\n\n1.2.3\nnot indented\n\n- 1.2.4\n  item\n") == []
    files = {"pyproject.toml": project("httpish", "0.33.0"), "CHANGELOG.md": text}
    [row] = [
        c for c in doctor(repo(tmp_path / "r", files)).checks if c.check == "changelog httpish"
    ]
    assert "'0.33.0' over its entries, indented" in row.detail


def test_a_release_written_as_its_version_alone_over_its_list_is_a_section_read_never_written(
    tmp_path: Path,
) -> None:
    """A plain-text CHANGELOG: ``2.0`` on a line of its own, its entries' list right
    under it. relnox read no section there (doctor: 'no section for 2.0', and asked for
    ``## [2.0]``); it is a section now, and doctor asks for a heading worded like it. A
    version alone that no list follows stays text."""
    text = "2.0\n- support 3.11\n- added get_lax()\n\n1.18\n- added join_with()\n"
    assert [(s.label, s.body) for s in sections(text)] == [
        ("2.0", "- support 3.11\n- added get_lax()"),
        ("1.18", "- added join_with()"),
    ]
    assert sections("Upgrade to\n\n2.0\n\nfor this.\n") == []
    # dated, a blank line before its list
    dated = (
        "CHANGELOG\n=========\n\n1.7.6 (2026-03-18)\n\n- Fix sdist\n\n1.7.5 (2026-03-17)\n\n- Old\n"
    )
    assert [(s.label, s.body) for s in sections(dated)] == [
        ("1.7.6", "- Fix sdist"),
        ("1.7.5", "- Old"),
    ]
    assert release_changelog(text, "2.1", DAY) is None  # read, never written
    # a paragraph that says whose changes, then its list
    worded = "Changes to 0.4.29:\n\n- follow symlinks\n\nChanges to 0.4.28:\n\n- magic-1.dll\n"
    assert [s.label for s in sections(worded)] == ["0.4.29", "0.4.28"]
    assert parse_title("Changes to 0.4.28") == ((None, "0.4.28"),)
    (tmp_path / "CHANGES").write_text(worded, encoding="utf-8")
    assert heading_like(tmp_path / "CHANGES", "0.4.30") == "'Changes to 0.4.30:'"
    (tmp_path / "CHANGELOG").write_text(text, encoding="utf-8")
    assert heading_like(tmp_path / "CHANGELOG", "2.1") == "'2.1'"
    # a CHANGELOG.rst: a paragraph line naming the version and its date, then ':'
    dated = (
        "Change Log\n----------\n\nVersion 1.8.1 (January 23rd, 2026):\n\n- Add numpy.\n\n"
        "Version 1.8.0 (January 16st, 2026):\n\n- Fix ros3 test.\n"
    )
    assert [s.label for s in sections(dated)] == ["1.8.1", "1.8.0"]
    # 'Version' and the version with its day, no colon, over a '*' list and a thanks line
    worded = (
        "\nVersion 3.8.1 2023-01-02\n\n* Resolve a bug\n\nThanks to A, B\n\n"
        "Version 3.8 2022-12-12\n\n* Add 3.11\n"
    )
    assert [s.label for s in sections(worded)] == ["3.8.1", "3.8"]
    # ... or with the word 'released' before the day
    worded = (
        "Version 4.1.1 released 2026-04-24\n\n* Fix\n\nVersion 4.1.0 released 2026-04-20\n\n* New\n"
    )
    assert [s.label for s in sections(worded)] == ["4.1.1", "4.1.0"]


def test_a_version_line_straight_over_indented_entries_is_a_release_section(
    tmp_path: Path,
) -> None:
    """A NEWS.rst: ``Version 0.9.8 -- 2025-11-28 -- PyPI__ -- diff__`` straight
    over `` * Re-enable ...``. relnox read no section and asked for an underlined heading;
    the line is the release's heading now, its entries dedented, and doctor asks for the
    next one in its form. A sentence led by Version inside a section is no heading."""
    text = (
        "Version 0.9.8 -- 2025-11-28 -- PyPI__ -- diff__\n * Re-enable Sphinx\n"
        " * Support raw cells\n\n__ https://example.org/0.9.8/\n\n"
        "Version 0.9.7 -- 2025-03-03 -- PyPI__ -- diff__\n * Disable Sphinx\n"
    )
    found = sections(text)
    assert [s.label for s in found] == ["0.9.8", "0.9.7"]
    assert (
        found[0].body == "* Re-enable Sphinx\n* Support raw cells\n\n__ https://example.org/0.9.8/"
    )
    prose = "## 1.0.0\n\nSome notes.\nVersion 1.0 removes:\n  old things\n"
    assert [s.label for s in sections(prose)] == ["1.0.0"]
    files = {"pyproject.toml": project("nbish", "0.9.9"), "CHANGELOG.md": text}
    [row] = [c for c in doctor(repo(tmp_path / "r", files)).checks if c.check == "changelog nbish"]
    assert "'Version 0.9.9 -- YYYY-MM-DD -- PyPI__ -- diff__' over its entries" in row.detail


def test_a_day_first_date_placeholder_is_dated_as_the_release_below() -> None:
    """A CHANGELOG.txt: ``8.0 (xx.xx.xxxx) - IN DEVELOPMENT`` above ``7.4.3
    (20.08.2026)``. relnox dropped the words and left ``(xx.xx.xxxx)``; the release is now
    dated day first, as the one below."""
    from relnox.bump.changelog import release_pending

    text = (
        "Changelog\n=========\n\n8.0 (xx.xx.xxxx) - IN DEVELOPMENT\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n * New.\n\n"
        "7.4.3 (20.08.2026)\n~~~~~~~~~~~~~~~~~~\n\n * Old.\n"
    )
    assert release_pending(text, "8.0.0", DAY) == text.replace(
        "8.0 (xx.xx.xxxx) - IN DEVELOPMENT\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        "8.0 (03.05.2026)\n~~~~~~~~~~~~~~~~",  # its underline as long as the title
    )


def test_a_section_for_a_version_and_newer_covers_every_later_release() -> None:
    """A CHANGES.md: ``## 2.0.0 and newer`` says 'See GitHub Releases' above
    the old releases. Every release from 2.0.0 on has that section (was: doctor said
    there was none for 3.3.0 and asked for '## 3.3.0 and newer'); a bump writes nothing."""
    text = (
        "## 2.0.0 and newer\n\nSee GitHub Releases:\n\n- https://example.org/releases\n\n"
        "## 1.1.0 (13.01.2011)\n\n- Added cprint function.\n"
    )
    for version in ("2.0.0", "3.3.0", "3.4.0"):
        assert find_section(text, version).label == "2.0.0"  # type: ignore[union-attr]
    assert find_section(text, "1.1.0").label == "1.1.0"  # type: ignore[union-attr]
    assert find_section(text, "1.5.0") is None
    assert release_changelog(text, "3.4.0", DAY) is None


def test_a_bump_names_the_section_that_covers_its_release(tmp_path: Path) -> None:
    """The note of a bump into a ``## 2.0.0 and newer`` names that heading (it
    said 'CHANGES.md has 3.4.0's section already')."""
    text = "## 2.0.0 and newer\n\nSee GitHub Releases.\n\n## 1.1.0 (13.01.2011)\n\n- Old.\n"
    files = {"pyproject.toml": project("colorish", "3.3.0"), "CHANGES.md": text}
    root = repo(tmp_path / "r", files, tags=["3.3.0"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert "note: CHANGES.md has '2.0.0 and newer', which covers 3.4.0; it is left as it is" in (
        plan.notes
    )


def test_a_section_written_ahead_with_a_date_in_words_to_fill_in_is_dated_in_words() -> None:
    """A ``Changes`` file: ``Release 3.3.0 - Month XX 2025`` above ``Release 3.2.9 -
    September 16 2025`` (a date in words, no comma); the release fills in the date the way
    the one below writes it (was: left 'Month XX 2025' as it was)."""
    from relnox.bump.changelog import release_ahead

    text = (
        "\nRelease 3.3.0 - Month XX 2025\n-----------------------------\n\n* New.\n\n\n"
        "Release 3.2.9 - September 16 2025\n---------------------------------\n\n* Old.\n"
    )
    assert release_ahead(text, "3.3.0", DAY) == text.replace(
        "Month XX 2025\n" + "-" * 29, "May 3 2026\n" + "-" * 26
    )


def test_unreleased_entries_kept_in_a_file_beside_the_changelog_are_named(
    tmp_path: Path,
) -> None:
    """A CHANGELOG.md: "Unreleased changes are in [CHANGELOG.unreleased.md]", whose
    ``## Unreleased`` holds the entries its own tool moves in at release. doctor said there
    were no Unreleased entries; it names that file now, and a bump says to move them in."""
    changelog = (
        "# Changelog\n\nUnreleased changes are in [CHANGELOG.unreleased.md]"
        "(CHANGELOG.unreleased.md).\n\n## [0.28.2] - 2026-08-12\n\n- Old.\n"
    )
    aside = "# Unreleased changes\n\nAdd yours here.\n\n## Unreleased\n\n### Added\n\n- New.\n"
    files = {
        "pyproject.toml": project("wandish", "0.28.3.dev1"),
        "CHANGELOG.md": changelog,
        "CHANGELOG.unreleased.md": aside,
    }
    root = repo(tmp_path / "r", files, tags=["v0.28.2"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog wandish"]
    assert row.status == "ok" and row.detail.startswith(
        "CHANGELOG.unreleased.md holds the Unreleased entries CHANGELOG.md points to"
    ), row
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert any("its Unreleased entries are in CHANGELOG.unreleased.md" in n for n in plan.notes)


def test_the_heading_suggested_for_a_release_is_a_released_one(tmp_path: Path) -> None:
    """A CHANGELOG.md that starts with ``## (0.41.0) UNRELEASED`` above ``## [0.40.2]
    2023-09-22``; doctor asked for ``## (0.43.0) UNRELEASED`` for the released 0.43.0."""
    text = "# Change Log\n\n## (0.41.0) UNRELEASED\n### Added\n- New.\n\n## [0.40.2] 2023-09-22\n- Old.\n"
    (tmp_path / "CHANGELOG.md").write_text(text, encoding="utf-8")
    assert heading_like(tmp_path / "CHANGELOG.md", "0.43.0") == "'## [0.43.0] YYYY-MM-DD'"


def test_a_release_of_many_packages_at_one_version_has_a_short_heading(tmp_path: Path) -> None:
    """Eight packages, each with its own tag, released at once from the root changelog:
    one section titled by their one version, in the changelog's own heading shape (the
    heading listed every package and version: 1,197 characters on 70 packages)."""
    from relnox.sample import generated_specs, git_init, write_workspace
    from tests.conftest import run_relnox

    root = write_workspace(tmp_path / "ws", generated_specs(8))
    git_init(root)
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    log = (root / "CHANGELOG.md").read_text()
    [heading] = [line for line in log.splitlines() if line.startswith("## [0.1.1]")]
    assert heading.startswith("## [0.1.1] - ") and len(heading) == len("## [0.1.1] - 2026-01-01")
    assert "gen-pkg" not in log


@pytest.mark.parametrize(
    ("earlier", "setting", "written"),
    [
        ("# [v3.2.0] - 2024-10-22\n\n## Features\n\n* first\n", "", False),
        ("# [v3.2.0rc1] - 2024-10-20\n\n## Features\n\n* first\n", "", True),
        (
            "# [v3.2.0] - 2024-10-22\n\n## Features\n\n* first\n",
            "changelog-pre-releases = true\n",
            True,
        ),
        ("# [v3.2.0rc1] - 2024-10-20\n\n* first\n", "changelog-pre-releases = false\n", False),
    ],
)
def test_a_pre_release_leaves_a_changelog_of_final_releases_open(
    tmp_path: Path, earlier: str, setting: str, written: bool
) -> None:
    """A changelog whose release sections are all final releases keeps its Unreleased entries
    for the final release: ``bump --to 3.2.1a1`` leaves it and says so, naming the setting;
    one that has a pre-release's section (or ``changelog-pre-releases = true``) gets one."""
    log = f"# Unreleased\n\n## Bug Fixes\n\n* a fix\n\n{earlier}"
    extra = f"[tool.relnox]\n{setting}" if setting else ""
    files = {
        "pyproject.toml": project("acme", "3.2.1a0", extra=extra),
        "src/acme/__init__.py": "",
        "CHANGELOG.md": log,
    }
    root = repo(tmp_path / "r", files, tags=["v3.2.1a0"])
    bump = run_relnox("bump", "--dry-run", "--to", "3.2.1a1", cwd=root, check=True)
    assert ("b/CHANGELOG.md" in bump.stdout) is written
    if not written:
        assert "changelog-pre-releases = true" in bump.stdout + bump.stderr
    final = run_relnox("bump", "--dry-run", "--to", "3.2.1", cwd=root, check=True)
    assert "+# [v3.2.1] - " in final.stdout


def test_a_pre_release_setting_that_is_not_true_or_false_is_one_line_naming_it(
    tmp_path: Path,
) -> None:
    extra = '[tool.relnox]\nchangelog-pre-releases = "yes"\n'
    files = {
        "pyproject.toml": project("acme", "3.2.1a0", extra=extra),
        "src/acme/__init__.py": "",
        "CHANGELOG.md": "# Unreleased\n\n* a fix\n\n# [v3.2.0] - 2024-10-22\n\n* first\n",
    }
    root = repo(tmp_path / "r", files, tags=["v3.2.1a0"])
    bump = run_relnox("bump", "--dry-run", "--to", "3.2.1a1", cwd=root)
    said = "[tool.relnox] changelog-pre-releases = 'yes' must be true or false"
    assert bump.returncode == 1 and said in bump.stderr and "Traceback" not in bump.stderr


def test_a_bump_to_a_local_development_version_leaves_the_unreleased_entries(
    tmp_path: Path,
) -> None:
    """Main says the next release plus a local ``+dev`` marker (``2.0.0+dev``) and moves to
    ``2.1.0+dev`` when the release branch is cut: no release is made, so the changelog's
    Unreleased entries stay; the release (``2.1.0``) gets their section."""
    files = {
        "pyproject.toml": project("acme", "2.0.0+dev"),
        "src/acme/__init__.py": "",
        "CHANGELOG.md": "# Release notes\n\n## Next Release\n\n- a fix\n\n## Acme 1.0\n\n- old\n",
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    bump = run_relnox("bump", "--dry-run", "--to", "2.1.0+dev", cwd=root, check=True)
    assert "b/CHANGELOG.md" not in bump.stdout
    assert "stay for the release, not 2.1.0+dev's section" in bump.stdout + bump.stderr
    final = run_relnox("bump", "--dry-run", "--to", "2.1.0", cwd=root, check=True)
    assert "b/CHANGELOG.md" in final.stdout


def test_an_emphasised_unreleased_title_over_a_rest_underline_is_a_heading(
    tmp_path: Path,
) -> None:
    """A reST changelog titling its open section ``*unreleased*`` over ``~~~~``: a heading
    (emphasis, not a list item), whose entries the bump releases; ``* item`` stays a list."""
    text = (
        "Changelog\n---------\n\n*unreleased*\n~~~~~~~~~~~~\n\n* New.\n\n"
        "1.0 - 2026-01-02\n~~~~~~~~~~~~~~~~\n\n* Old.\n"
    )
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0"), "CHANGELOG.rst": text},
        tags=["1.0"],
    )
    out = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert "+1.1 - " in out and "no Unreleased section" not in out
    assert find_section("Changes\n=======\n\n* New\n-----\n", UNRELEASED) is None


def test_a_hotfix_heading_left_unreleased_is_read_alike_by_doctor_and_bump(
    tmp_path: Path,
) -> None:
    """``## v1.2.1 (Unreleased)`` left at the top by a hotfix released from a branch, the
    files at 1.2.2: doctor said there was no section for 1.2.2 and no Unreleased entries while
    bump retitled the section as the release's; both now read it as the pending entries."""
    changes = "# History\n\n## v1.2.1 (Unreleased)\n\n- Fix.\n\n## v1.2.0 (2026.1.5)\n\n- Old.\n"
    files = {"pyproject.toml": project("hot", "1.2.2"), "hot/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CHANGELOG.md": changes}, tags=["v1.2.0"])
    checked = run_relnox("doctor", "-v", cwd=root)
    assert "CHANGELOG.md: 'v1.2.1 (Unreleased)' becomes 1.2.2's section on bump" in checked.stdout
    bumped = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "-## v1.2.1 (Unreleased)\n+## v1.2.3" in bumped.stdout


def test_a_releases_extension_changelog_is_read_and_gets_its_release_line(tmp_path: Path) -> None:
    """A reST changelog of Sphinx's releases extension: ``- :release:`1.2.3 <date>``` lines,
    newest first, over the entries each released; the entries above the newest are not
    released yet. It was read as having no release (doctor: no section for 1.2.3) and the
    bump wrote nothing. Now its newest release is read, and the bump writes the new release's
    line over the pending entries, in the file's bullet."""
    log = (
        "=========\nChangelog\n=========\n\n"
        "* :bug:`12` Fix the empty case.\n"
        "* :feature:`11` Add a flag.\n"
        "* :release:`1.2.3 <2024-01-01>`\n"
        "* :bug:`10` Fix a crash on start.\n"
        "* :release:`1.2.2 <2023-12-01>`\n"
        "* :support:`9` Document the flags.\n"
    )
    files = {"pyproject.toml": project("acme", "1.2.3"), "CHANGELOG.rst": log}
    root = repo(tmp_path / "r", files, tags=["v1.2.2", "v1.2.3"])
    assert "CHANGELOG.rst has a section for 1.2.3" in run_relnox("doctor", cwd=root).stdout
    run_relnox("release-notes", "1.2.3", cwd=root, check=True)
    notes = (root / ".relnox" / "dist" / "release-notes.md").read_text()
    assert ":bug:`10` Fix a crash on start." in notes and "empty case" not in notes
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch", today=date(2026, 2, 3))))
    assert (root / "CHANGELOG.rst").read_text() == log.replace(
        "* :bug:`12`", "* :release:`1.2.4 <2026-02-03>`\n* :bug:`12`"
    )


def test_a_changelog_in_a_form_relnox_does_not_write_is_said_so_by_the_bump(
    tmp_path: Path,
) -> None:
    """A changelog whose releases are bold lines (``**Release 2.1.0** - 2026-03-02``): read
    (doctor finds the release), and a bump that writes no such line of its own says why,
    naming the newest one, not 'has no Unreleased section'."""
    log = (
        "# Changelog\n\n**Release 2.1.0** - 2026-03-02\n\n- A feature.\n\n"
        "**Release 2.0.1** - 2026-01-15\n\n- An old fix.\n"
    )
    files = {"pyproject.toml": project("rel", "2.1.0"), "rel/__init__.py": "", "CHANGES.md": log}
    root = repo(tmp_path / "r", files, tags=["2.1.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog rel"]
    assert row.detail == "CHANGES.md has a section for 2.1.0"
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert not [e for e in plan.edits if e.path.name == "CHANGES.md"]
    assert (
        "note: CHANGES.md writes its releases as relnox reads but does not write them "
        "('**Release 2.1.0** - 2026-03-02' for 2.1.0): write 2.1.1's by hand"
    ) in plan.notes


def test_a_rest_changelog_underlined_with_backticks_is_read_alike_by_doctor_and_bump(
    tmp_path: Path,
) -> None:
    """A reST changelog whose titles are underlined with backticks (any of docutils'
    adornment characters, the underline as long as the title): doctor found no section and
    bump no Unreleased one; both read it now, and the bump dates the pending section."""
    changes = (
        "Changelog\n`````````\n\n1.3.0 (unreleased)\n''''''''''''''''''\n\n- Fix.\n\n"
        "1.2.0 (2025-01-02)\n''''''''''''''''''\n\n- Old.\n"
    )
    files = {"pyproject.toml": project("tick", "1.2.0"), "tick/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CHANGELOG.rst": changes}, tags=["v1.2.0"])
    checked = run_relnox("doctor", cwd=root)
    assert "CHANGELOG.rst has a section for 1.2.0" in checked.stdout, checked.stdout
    bumped = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    assert "-1.3.0 (unreleased)\n+1.3.0 (" in bumped.stdout, bumped.stdout


@pytest.mark.parametrize("members", ["", "plug"])
def test_the_section_of_a_release_made_ready_and_never_made_is_the_next_ones(
    tmp_path: Path, members: str
) -> None:
    """1.0.0 tagged; a release commit moved the files to 1.0.1 and wrote ``## 1.0.1`` over its
    entries, and no tag ever released 1.0.1; the next bump, to 1.0.2, retitles that section
    1.0.2's (it said "no Unreleased section" and left 1.0.1 as if released). The same for
    the root package of a workspace whose members have no changelog of their own."""
    from tests.shapes import commit

    log = "# History\n\n## 1.0.1\n\n- Fix.\n\n## 1.0.0\n\n- First.\n"
    workspace = f'\n[tool.uv.workspace]\nmembers = ["{members}"]\n' if members else ""
    files = {"pyproject.toml": project("lib", "1.0.0") + workspace}
    if members:
        files[f"{members}/pyproject.toml"] = project(members, "0.3.0")
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    commit(root, {"pyproject.toml": project("lib", "1.0.1") + workspace, "CHANGELOG.md": log})
    commit(root, {"fix.txt": "1"})
    out = run_relnox("bump", "--to", "1.0.2", "-p", "lib", "--dry-run", cwd=root, check=True).stdout
    assert "-## 1.0.1\n+## 1.0.2" in out


@pytest.mark.parametrize("folded", [True, False], ids=["took-it-over", "kept-it"])
def test_a_final_takes_its_pre_release_s_section_where_the_last_final_did(
    tmp_path: Path, folded: bool
) -> None:
    """The shape: a changelog with no Unreleased section; 2.0.0b0 was tagged under its own
    heading and, at 2.0.0, that heading became 2.0.0's (no 2.0.0b0 heading at the tag). At
    2.1.0b0, tagged, the final 2.1.0 takes 2.1.0b0's heading the same way. Where 2.0.0's
    release kept 2.0.0b0's section below its own, the bump leaves the changelog."""
    rule = "-" * 20
    beta = f"2.0.0b0 (2026-01-02)\n{rule}\n\n- Beta.\n"
    final = f"2.0.0 (2026-02-03)\n{rule}\n\n- Final.\n" + ("" if folded else f"\n{beta}")
    files = {"pyproject.toml": project("srv", "2.0.0b0"), "CHANGES.txt": beta}
    root = repo(tmp_path / "srv", files, ["v2.0.0b0"])
    commit(root, {"pyproject.toml": project("srv", "2.0.0"), "CHANGES.txt": final}, "v2.0.0")
    log = f"2.1.0b0\n-------\n\n- New.\n\n{final}"
    commit(root, {"pyproject.toml": project("srv", "2.1.0b0"), "CHANGES.txt": log}, "v2.1.0b0")
    done = run_relnox("bump", "--to", "2.1.0", cwd=root, check=True)
    text = (root / "CHANGES.txt").read_text()
    if folded:
        assert text.startswith("2.1.0 (") and "2.1.0b0" not in text
    else:
        assert text == log and "no Unreleased section" in done.stdout


TOWNCRIER = '\n[tool.towncrier]\nname = "Acme"\nfilename = "NEWS.{ext}"\ndirectory = "news"\n'


@pytest.mark.parametrize(
    ("ext", "rc", "final"),
    [
        ("rst", "Acme 2.1.0rc1 (2026-01-03)\n" + "=" * 26, "Acme 2.1.0 (2026-05-03)\n" + "=" * 23),
        ("md", "## Acme 2.1.0rc1 (2026-01-03)", "## Acme 2.1.0 (2026-05-03)"),
    ],
)
@pytest.mark.parametrize("fragments", [False, True], ids=["none-pending", "pending"])
def test_a_final_takes_its_pre_release_s_towncrier_section_named_for_the_project(
    tmp_path: Path, ext: str, rc: str, final: str, fragments: bool
) -> None:
    """The shape: towncrier titles each release ``{name} {version} ({project_date})``;
    ``Acme 2.1.0rc1 (2026-01-03)`` was tagged, no 2.1.0 fragment followed, and the final's
    release commit retitled that section ``Acme 2.1.0 (DATE)``, no earlier final after a
    pre-release to follow. relnox renamed only sections naming no project and said 2.1.0
    "gets no changelog section"; it retitles it now in the file's own spelling (name kept,
    dated today, a reST underline as long as the new title). With fragments pending,
    towncrier's build writes the section: the changelog is left."""
    head = "Release notes\n=============\n\n.. towncrier release notes start\n\n"
    first = "Acme 2.0.0 (2026-01-01)\n" + "=" * 23 if ext == "rst" else "## Acme 2.0.0 (2026-01-01)"
    first += "\n\n- First.\n"
    log = f"{head}{rc}\n\nFeatures\n--------\n\n- New.\n\n\n{first}"
    setup = project("acme", "2.0.0") + TOWNCRIER.format(ext=ext)
    root = repo(tmp_path / "acme", {"pyproject.toml": setup, "acme/__init__.py": ""}, ["v2.0.0"])
    setup = project("acme", "2.1.0rc1") + TOWNCRIER.format(ext=ext)
    commit(root, {"pyproject.toml": setup, f"NEWS.{ext}": log}, "v2.1.0rc1")
    commit(root, {"news/7.bugfix": "Fixed.\n"} if fragments else {"fix.txt": "1"})
    plan = plan_bump(load_workspace(root), BumpOptions(to="2.1.0", today=DAY))
    apply_bump(plan)
    text = (root / f"NEWS.{ext}").read_text()
    assert text == (log if fragments else log.replace(rc, final)), text


def test_a_development_versions_section_is_the_next_release_whatever_it_is_numbered(
    tmp_path: Path,
) -> None:
    """The shape: at ``4.3.0.dev0`` CHANGES.rst heads ``4.3.0.dev0 (Next Release)`` over the
    dated ``4.2.2 (2026-01-02)``; the release made is ``4.2.3``, lower than the development
    version. relnox left the section ("bump --to 4.3.0.dev0, or retitle it") though a
    development version is never released: its section is the next release's."""
    changes = (
        "4.3.0.dev0 (Next Release)\n-------------------------\n\n- Fix.\n\n"
        "4.2.2 (2026-01-02)\n------------------\n\n- Old.\n"
    )
    files = {"pyproject.toml": project("sv", "4.3.0.dev0"), "sv/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CHANGES.rst": changes}, tags=["4.2.2"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(to="4.2.3", today=DAY)))
    assert (root / "CHANGES.rst").read_text() == changes.replace(
        "4.3.0.dev0 (Next Release)\n-------------------------",
        "4.2.3 (2026-05-03)\n------------------",
    )


def test_a_bump_to_a_development_version_dates_no_section_of_it(tmp_path: Path) -> None:
    """The shape: released 4.3.0, its CHANGES.rst already heads ``4.4.0.dev0 (Next Release)``;
    the bump to ``4.4.0.dev0`` opens the cycle. relnox dated that section as if 4.4.0.dev0 were
    a release; a changelog that dates a development version (one below the newest) still gets
    it dated."""
    changes = (
        "4.4.0.dev0 (Next Release)\n-------------------------\n\n- New.\n\n"
        "4.3.0 (2026-01-02)\n------------------\n\n- Old.\n"
    )
    files = {"pyproject.toml": project("sv", "4.3.0"), "sv/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CHANGES.rst": changes}, tags=["4.3.0"])
    plan = plan_bump(load_workspace(root), BumpOptions(to="4.4.0.dev0", today=DAY))
    assert "note: CHANGES.rst has 4.4.0.dev0's section already; it is left as it is" in plan.notes
    apply_bump(plan)
    assert (root / "CHANGES.rst").read_text() == changes
    dated = changes.replace("4.3.0 (2026", "4.3.0.dev0 (2026")
    root = repo(tmp_path / "d", {**files, "CHANGES.rst": dated}, tags=["4.3.0"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(to="4.4.0.dev0", today=DAY)))
    assert (root / "CHANGES.rst").read_text().startswith("4.4.0.dev0 (2026-05-03)\n")
