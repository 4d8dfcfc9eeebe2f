"""A changelog's link reference definitions at a release: ``relnox bump`` moves them on in
the style the file already uses, and adds none to a file that has none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import project, repo

HOST = "https://git.example/o/r"


def _links(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"^\[[^\]]+\]: ", line)]


def test_a_changelog_written_by_hand_has_its_links_moved_on_at_a_release(tmp_path: Path) -> None:
    """No Unreleased heading (the notes are written by hand at the release), but an
    ``[Unreleased]`` compare link against the branch and a tag page per release: the
    compare base moves to the new version and the new version gets its tag page, like the
    others; a dev version and a pre-release of a changelog of final releases move nothing."""
    log = (
        "# Change Log\n\n## [2.4.0] - 2026-05-03\n\n- New.\n\n## [2.3.0] - 2026-01-01\n\n"
        f"- Old.\n\n\n[Unreleased]: {HOST}/compare/2.4.0...main\n"
        f"[2.4.0]: {HOST}/releases/tag/2.4.0\n[2.3.0]: {HOST}/releases/tag/2.3.0\n"
    )
    files = {"pyproject.toml": project("handwritten", "2.4.0"), "CHANGELOG.md": log}
    root = repo(tmp_path / "handwritten", files, tags=["2.3.0", "2.4.0"])
    for kept in ("2.5.0.dev0", "2.5.0b1"):
        dry = run_relnox("bump", "--to", kept, "--dry-run", cwd=root, check=True)
        assert "CHANGELOG.md" not in dry.stdout.replace("note: CHANGELOG.md", "")
    done = run_relnox("bump", "--to", "2.4.1", cwd=root, check=True)
    text = (root / "CHANGELOG.md").read_text()
    assert _links(text) == [
        f"[Unreleased]: {HOST}/compare/2.4.1...main",
        f"[2.4.1]: {HOST}/releases/tag/2.4.1",
        f"[2.4.0]: {HOST}/releases/tag/2.4.0",
        f"[2.3.0]: {HOST}/releases/tag/2.3.0",
    ]
    assert text.startswith(log.split("\n\n\n[Unreleased]")[0])  # the notes are the maintainer's
    assert "its links are moved on to 2.4.1; write 2.4.1's section by hand" in done.stdout


def test_a_section_written_by_hand_before_the_bump_gets_its_link(tmp_path: Path) -> None:
    log = (
        "# Change Log\n\n## [2.4.1] - 2026-05-09\n\n- Fixed.\n\n## [2.4.0] - 2026-05-03\n\n"
        f"- New.\n\n## [2.3.0] - 2026-01-01\n\n- Old.\n\n\n[Unreleased]: {HOST}/compare/2.4.0...main\n"
        f"[2.4.0]: {HOST}/releases/tag/2.4.0\n[2.3.0]: {HOST}/releases/tag/2.3.0\n"
    )
    files = {"pyproject.toml": project("ahead", "2.4.0"), "CHANGELOG.md": log}
    root = repo(tmp_path / "ahead", files, tags=["2.4.0"])
    dry = run_relnox("bump", "--to", "2.4.1", "--dry-run", cwd=root, check=True)
    assert f"+[2.4.1]: {HOST}/releases/tag/2.4.1" in dry.stdout.splitlines()
    assert "note: CHANGELOG.md: its links are moved on to 2.4.1" in dry.stdout.splitlines()


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        pytest.param(  # a compare view per release, Unreleased against the branch
            f"[Unreleased]: {HOST}/compare/v1.0.0...main\n"
            f"[1.0.0]: {HOST}/compare/v0.9.0...v1.0.0\n[0.9.0]: {HOST}/releases/tag/v0.9.0\n",
            [
                f"[Unreleased]: {HOST}/compare/v1.1.0...main",
                f"[1.1.0]: {HOST}/compare/v1.0.0...v1.1.0",
                f"[1.0.0]: {HOST}/compare/v0.9.0...v1.0.0",
                f"[0.9.0]: {HOST}/releases/tag/v0.9.0",
            ],
            id="compare-main",
        ),
        pytest.param(  # a tag page per release and no Unreleased link, newest first
            f"[1.0.0]: {HOST}/releases/tag/v1.0.0\n[0.9.0]: {HOST}/releases/tag/v0.9.0\n",
            [
                f"[1.1.0]: {HOST}/releases/tag/v1.1.0",
                f"[1.0.0]: {HOST}/releases/tag/v1.0.0",
                f"[0.9.0]: {HOST}/releases/tag/v0.9.0",
            ],
            id="tag-pages",
        ),
        pytest.param(  # oldest first: the new one goes last
            f"[0.9.0]: {HOST}/compare/v0.8.0...v0.9.0\n[1.0.0]: {HOST}/compare/v0.9.0...v1.0.0",
            [
                f"[0.9.0]: {HOST}/compare/v0.8.0...v0.9.0",
                f"[1.0.0]: {HOST}/compare/v0.9.0...v1.0.0",
                f"[1.1.0]: {HOST}/compare/v1.0.0...v1.1.0",
            ],
            id="oldest-first",
        ),
        pytest.param(  # 1.0.0's link never written: the new one compares from 1.0.0's tag
            f"[0.9.0]: {HOST}/compare/v0.8.0...v0.9.0\n",
            [
                f"[1.1.0]: {HOST}/compare/v1.0.0...v1.1.0",
                f"[0.9.0]: {HOST}/compare/v0.8.0...v0.9.0",
            ],
            id="a-link-missing",
        ),
        pytest.param("", [], id="no-links"),
        pytest.param(  # a footnote is no release's link
            f"[1]: {HOST}/pull/1\n", [f"[1]: {HOST}/pull/1"], id="footnote"
        ),
    ],
)
def test_a_release_section_gets_its_link_in_the_style_of_the_file(
    tmp_path: Path, links: str, expected: list[str]
) -> None:
    log = (
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2026-01-01\n\n- First.\n\n"
        f"## [0.9.0] - 2025-01-01\n\n- Older.\n\n{links}"
    )
    files = {"pyproject.toml": project("styled", "1.0.0"), "CHANGELOG.md": log}
    root = repo(tmp_path / "styled", files, tags=["v0.9.0", "v1.0.0"])
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    text = (root / "CHANGELOG.md").read_text()
    assert re.search(r"^## \[1\.1\.0\] - \d{4}-\d{2}-\d{2}\n\n- New\.$", text, re.MULTILINE)
    assert _links(text) == expected


def test_rest_hyperlink_targets_move_on_as_markdown_definitions_do(tmp_path: Path) -> None:
    """A reST changelog whose headings link their targets (`` `Unreleased`_ ``) defined at its
    end (``.. _Unreleased: <compare>/0.7.3...master``, ``.. _0.7.3: <tag page>``): the
    release moves the compare link on and adds the new version's target, in reST."""
    log = (
        "`Unreleased`_\n=============\n\n- New.\n\n\n`0.7.3`_ (2024-12-06)\n"
        "=====================\n\n- Old.\n\n\n`0.7.2`_ (2023-09-11)\n"
        "=====================\n\n- Older.\n\n\n"
        f".. _Unreleased: {HOST}/compare/0.7.3...master\n"
        f".. _0.7.3: {HOST}/releases/tag/0.7.3\n"
        f".. _0.7.2: {HOST}/releases/tag/0.7.2\n"
    )
    files = {"pyproject.toml": project("rested", "0.7.3"), "CHANGELOG.rst": log}
    root = repo(tmp_path / "rested", files, tags=["0.7.2", "0.7.3"])
    run_relnox("bump", "--to", "0.7.4", cwd=root, check=True)
    text = (root / "CHANGELOG.rst").read_text()
    assert text.splitlines()[-4:] == [
        f".. _Unreleased: {HOST}/compare/0.7.4...master",
        f".. _0.7.4: {HOST}/releases/tag/0.7.4",
        f".. _0.7.3: {HOST}/releases/tag/0.7.3",
        f".. _0.7.2: {HOST}/releases/tag/0.7.2",
    ]
    assert "\n`0.7.4`_ (" in text
