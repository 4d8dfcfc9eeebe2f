"""A shared root changelog of independent packages: entries go to the package they name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.bump.changelog import Release, route_changelog
from relnox.errors import ConfigError
from relnox.project.changelog import read_section
from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from relnox.release.notes import release_notes
from tests.shapes import commit, project, repo

DAY = date(2026, 11, 22)
EVERYONE = [Release(f"acme-{d}", d, "0") for d in ("core", "web", "cli")]

LOG = """# Changelog

## [Unreleased]

### Fixed

- core: a leak in the pool
  (continued line)
- **web**: the 404 page
- a README typo

### acme-cli

- a --quiet flag

## [acme-core 0.3.0] - 2026-01-01

- First.
"""


def test_entries_go_to_their_package_and_the_rest_stay() -> None:
    routed = route_changelog(
        LOG,
        [Release("acme-core", "core", "0.4.0"), Release("acme-cli", "cli", "1.1.0")],
        EVERYONE,
        DAY,
    )
    assert routed is not None
    assert (
        routed.text
        == """# Changelog

## [Unreleased]

### Fixed

- **web**: the 404 page
- a README typo

## [acme-core 0.4.0] - 2026-11-22

### Fixed

- a leak in the pool
  (continued line)

## [acme-cli 1.1.0] - 2026-11-22

- a --quiet flag

## [acme-core 0.3.0] - 2026-01-01

- First.
"""
    )
    assert routed.notes == [
        "1 Unreleased entry names no package and stay under Unreleased; scope them "
        "('- core: ...') to release them"
    ]


def test_a_package_without_entries_gets_no_empty_section() -> None:
    routed = route_changelog(LOG, [Release("acme-web", "web", "2.0.1")], EVERYONE, DAY)
    assert routed is not None and "## [acme-web 2.0.1]" in routed.text
    routed = route_changelog(LOG, [Release("acme-other", "other", "0.1.1")], EVERYONE, DAY)
    assert routed is not None and "acme-other" not in routed.text
    assert routed.notes[0].startswith("no Unreleased entry names acme-other")


def _workspace(tmp_path: Path, relnox: str = "") -> Path:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n' + relnox,
        "CHANGELOG.md": LOG,
    }
    for name, version in (("core", "0.3.0"), ("web", "2.0.0"), ("cli", "1.0.0")):
        files[f"libs/{name}/pyproject.toml"] = project(f"acme-{name}", version)
        files[f"libs/{name}/README.md"] = f"# acme-{name}\n"
    tags = ["core-v0.3.0", "web-v2.0.0", "cli-v1.0.0"]
    return repo(tmp_path / "ws", files, tags=tags)


def test_two_partial_bumps_each_pass_doctor(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    plan = plan_bump(
        load_workspace(root), BumpOptions(part="minor", packages=["acme-core"], today=DAY)
    )
    apply_bump(plan)
    log = root / "CHANGELOG.md"
    section = read_section(log, "0.4.0", "acme-core")
    assert section is not None and "a leak in the pool" in section.body
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["changelog acme-core"].status == "ok", rows["changelog acme-core"]
    commit(root, {}, "core-v0.4.0", message="release core")
    plan = plan_bump(
        load_workspace(root), BumpOptions(part="patch", packages=["acme-web"], today=DAY)
    )
    apply_bump(plan)
    section = read_section(log, "2.0.1", "acme-web")
    assert section is not None and section.body.endswith("- the 404 page")
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["changelog acme-web"].status == "ok", rows["changelog acme-web"]
    unreleased = read_section(log, "unreleased")  # cli was not released: its entry waits
    assert unreleased is not None and "### acme-cli\n\n- a --quiet flag" in unreleased.body
    assert "- a README typo" in unreleased.body


def test_the_heading_form_is_configurable_and_read_back(tmp_path: Path) -> None:
    heading = '\n[tool.relnox]\nchangelog-heading = "{title} \u2014 {date}"\n'
    root = _workspace(tmp_path, heading)
    apply_bump(
        plan_bump(
            load_workspace(root), BumpOptions(part="minor", packages=["acme-core"], today=DAY)
        )
    )
    log = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## acme-core 0.4.0 \u2014 2026-11-22\n\n### Fixed\n\n- a leak in the pool" in log
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["changelog acme-core"].status == "ok", rows["changelog acme-core"]
    notes = release_notes(load_workspace(root), "core-v0.4.0")
    assert "a leak in the pool" in notes.text and "the 404 page" not in notes.text
    commit(root, {}, "core-v0.4.0", message="release core")
    # every package at once: one heading naming them all, in the same form
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY)))
    log = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(
        r"^## acme-\w+ [\d.]+, acme-\w+ [\d.]+, acme-\w+ [\d.]+ \u2014 2026-11-22$", log, re.M
    )
    logs = [c for c in doctor(root).checks if c.check.startswith("changelog")]
    assert len(logs) == 3 and all(c.status == "ok" for c in logs), logs


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"{date}"', "must be a string with {title}"),
        ('"{title} {when}"', "has {when}; only {title} and {date} are known"),
        ('"{date}: {title}"', "would not read as the section of 1.2.0"),
        ('"Notes for {title}"', "would not read as the section of 1.2.0"),
    ],
)
def test_a_heading_form_relnox_could_not_read_back_is_refused(
    tmp_path: Path, value: str, message: str
) -> None:
    root = _workspace(tmp_path, f"\n[tool.relnox]\nchangelog-heading = {value}\n")
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_workspace(root)
    assert "pyproject.toml: [tool.relnox] changelog-heading" in str(caught.value)


def test_the_default_heading_reads_back_so_loading_a_workspace_skips_its_check() -> None:
    """load_workspace checks only a configured heading (and does not load the changelog reader
    for the default): the default is one relnox reads back."""
    from relnox.config import DEFAULT_CHANGELOG_HEADING
    from relnox.project.changelog import check_heading

    check_heading(Path("pyproject.toml"), DEFAULT_CHANGELOG_HEADING)  # raises if not
