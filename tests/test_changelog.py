"""Keep-a-Changelog compare links that follow a bump (relnox.changelog)."""

from __future__ import annotations

from datetime import date

import pytest

from relnox.changelog import release_changelog, release_links

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
        "[Unreleased]: https://github.com/o/r/compare/v1.0.0...main\n",  # not ...HEAD
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
