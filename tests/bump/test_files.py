"""The file editors of a bump: changelog sections (relnox.bump.changelog), uv.lock (relnox.project.uvlock)."""

from __future__ import annotations

from datetime import date

import pytest

from relnox.bump.changelog import release_changelog
from relnox.project.changelog import UNRELEASED, find_section
from relnox.project.uvlock import update_uv_lock

DAY = date(2026, 5, 3)


@pytest.mark.parametrize("heading", ["## [Unreleased]", "## Unreleased", "## [unreleased] "])
def test_unreleased_becomes_the_release(heading: str) -> None:
    text = f"# Changelog\n\n{heading}\n\n### Added\n- A thing.\n\n## [0.1.0] - 2026-01-01\n"
    assert find_section(text, UNRELEASED) is not None
    assert release_changelog(text, "0.2.0", DAY) == (
        f"# Changelog\n\n{heading}\n\n## [0.2.0] - 2026-05-03\n\n### Added\n- A thing.\n\n"
        "## [0.1.0] - 2026-01-01\n"
    )


def test_crlf_and_a_heading_at_the_end_of_the_file() -> None:
    text = "# Changelog\r\n\r\n## [Unreleased]\r\n- Fixed.\r\n"
    assert release_changelog(text, "1.0.1", DAY) == (
        "# Changelog\r\n\r\n## [Unreleased]\r\n\r\n## [1.0.1] - 2026-05-03\r\n- Fixed.\r\n"
    )
    assert release_changelog("## Unreleased", "2.0", DAY) == (
        "## Unreleased\n\n## [2.0] - 2026-05-03\n"
    )


def test_without_unreleased_nothing_happens() -> None:
    text = "# Changelog\n\n## [0.1.0] - 2026-01-01\n- Unreleased features were released.\n"
    assert find_section(text, UNRELEASED) is None
    assert release_changelog(text, "0.2.0", DAY) is None


LOCK = """version = 1
revision = 2
requires-python = ">=3.10"

[manifest]
members = [
    "demo-agents",
    "demo-core",
]

[[package]]
name = "demo-agents"
version = "0.1.0"
source = { editable = "packages/demo-agents" }
dependencies = [
    { name = "demo-core" },
    { name = "packaging" },
]

[package.metadata]
requires-dist = [
    { name = "demo-core", editable = "packages/demo-core" },
    { name = "packaging", specifier = ">=24" },
]

[[package]]
name = "demo-core"
version = "0.1.0"
source = { editable = "packages/demo-core" }

[[package]]
name = "demo-core-extra"
version = "0.1.0"
source = { registry = "https://example.invalid/simple" }
sdist = { url = "https://example.invalid/demo_core_extra-0.1.0.tar.gz", hash = "sha256:00", size = 1 }

[[package]]
name = "packaging"
version = "24.2"
source = { registry = "https://example.invalid/simple" }
"""


def test_uv_lock_members_versions_only() -> None:
    new = update_uv_lock(
        LOCK,
        {
            "demo-core": ("0.1", "0.2.0"),
            "packaging": ("24.2", "99.0"),
            "demo-agents": ("0.1.0", "1.0"),
        },
    )
    expected = LOCK.replace(
        'name = "demo-core"\nversion = "0.1.0"', 'name = "demo-core"\nversion = "0.2.0"'
    ).replace('name = "demo-agents"\nversion = "0.1.0"', 'name = "demo-agents"\nversion = "1.0"')
    assert new == expected
    assert 'version = "24.2"' in new  # a registry package of the same run is not a member
    assert 'name = "demo-core-extra"\nversion = "0.1.0"' in new


def test_uv_lock_keeps_crlf() -> None:
    lock = LOCK.replace("\n", "\r\n")
    new = update_uv_lock(lock, {"demo-core": ("0.1.0", "0.2.0")})
    assert new == lock.replace(
        'name = "demo-core"\r\nversion = "0.1.0"', 'name = "demo-core"\r\nversion = "0.2.0"'
    )
