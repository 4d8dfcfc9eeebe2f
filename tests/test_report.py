"""What a command prints for many packages: a finding they share said once, whether it names
each package by its name or by its folder."""

from __future__ import annotations

from pathlib import Path

from relnox.report import MANY, grouped
from tests.conftest import run_relnox
from tests.shapes import project, repo

FOLDERS = ["cli", "code", "core", "data", "http"]  # MANY or more


def _monorepo(root: Path) -> Path:
    """release-please's shape: ``libs/<x>/`` holds ``acme-<x>`` and its own changelog, its
    releases under version headings, no Unreleased section."""
    files: dict[str, str] = {}
    for x in FOLDERS:
        files[f"libs/{x}/pyproject.toml"] = project(f"acme-{x}")
        files[f"libs/{x}/src/acme_{x}/__init__.py"] = ""
        files[f"libs/{x}/CHANGELOG.md"] = (
            "# Changelog\n\n## [1.0.0](https://x/1) (2024-01-02)\n\n- First.\n"
        )
    return repo(root, files)


def test_a_note_naming_each_package_by_its_folder_is_said_once(tmp_path: Path) -> None:
    """``note: libs/cli/CHANGELOG.md has no Unreleased section`` and one line more for each
    other package before: the note names the package by its folder, not its name."""
    root = _monorepo(tmp_path / "mono")
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    notes = [line for line in out.splitlines() if line.startswith("note: ")]
    said = "note: <folder>/CHANGELOG.md has no Unreleased section"
    assert notes == [f"{said} ({len(FOLDERS)} packages; -v names them)"], out
    verbose = run_relnox("-v", "bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    names = ", ".join(f"acme-{x}" for x in FOLDERS)
    assert f"{said} ({len(FOLDERS)} packages):\n    {names}\n" in verbose.stdout
    # the release's plan says bump's notes the same way; doctor its findings naming both
    planned = run_relnox("release", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert f"   {said} ({len(FOLDERS)} packages; -v names them)" in planned.splitlines()
    doctor = run_relnox("doctor", cwd=root).stdout.splitlines()
    metadata = [line for line in doctor if line.startswith("warning: metadata ")]
    assert len(metadata) == 1 and "<package>: <folder>/pyproject.toml lacks" in metadata[0]


def test_a_finding_naming_two_packages_or_none_is_a_line_of_its_own() -> None:
    folders = {f"acme-{x}": f"libs/{x}" for x in FOLDERS}
    each = [f"note: libs/{x}/CHANGELOG.md has no Unreleased section" for x in FOLDERS]
    two = "note: libs/cli/CHANGELOG.md names libs/code/CHANGELOG.md"
    mixed = "note: acme-cli's entries are in libs/code/NEWS.md"
    none = "note: CHANGELOG.md has no Unreleased section"
    elsewhere = "note: libs/clipper/CHANGELOG.md has no Unreleased section"  # not a package's
    lines = grouped([*each, two, mixed, none, elsewhere], folders, folders=folders)
    assert lines == [
        f"note: <folder>/CHANGELOG.md has no Unreleased section ({len(FOLDERS)} packages; "
        "-v names them)",
        two,
        mixed,
        none,
        elsewhere,
    ]
    # fewer than MANY: each as it was written
    assert grouped(each[: MANY - 1], folders, folders=folders) == each[: MANY - 1]
