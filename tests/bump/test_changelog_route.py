"""A shared root changelog of independent packages: entries go to the package they name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from relnox.bump.changelog_route import Release, route_changelog
from relnox.bump.plan import apply_bump, plan_bump
from relnox.project.changelog import read_section
from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
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


def _workspace(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n',
        "CHANGELOG.md": LOG,
    }
    for name, version in (("core", "0.3.0"), ("web", "2.0.0"), ("cli", "1.0.0")):
        files[f"libs/{name}/pyproject.toml"] = project(f"acme-{name}", version)
        files[f"libs/{name}/README.md"] = f"# acme-{name}\n"
    tags = ["core-v0.3.0", "web-v2.0.0", "cli-v1.0.0"]
    return repo(tmp_path / "ws", files, tags=tags)


def test_two_partial_bumps_each_pass_doctor(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    plan = plan_bump(load_workspace(root), part="minor", packages=["acme-core"], today=DAY)
    apply_bump(plan)
    log = root / "CHANGELOG.md"
    section = read_section(log, "0.4.0", "acme-core")
    assert section is not None and "a leak in the pool" in section.body
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["changelog acme-core"].status == "ok", rows["changelog acme-core"]
    commit(root, {}, "core-v0.4.0", message="release core")
    plan = plan_bump(load_workspace(root), part="patch", packages=["acme-web"], today=DAY)
    apply_bump(plan)
    section = read_section(log, "2.0.1", "acme-web")
    assert section is not None and section.body.endswith("- the 404 page")
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["changelog acme-web"].status == "ok", rows["changelog acme-web"]
    unreleased = read_section(log, "unreleased")  # cli was not released: its entry waits
    assert unreleased is not None and "### acme-cli\n\n- a --quiet flag" in unreleased.body
    assert "- a README typo" in unreleased.body
