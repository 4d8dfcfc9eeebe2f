"""changie's unreleased entries (relnox/project/news.py): doctor counts them as the
next release's changelog, and a bump says to batch them first."""

from __future__ import annotations

from pathlib import Path

from relnox.bump import BumpOptions
from relnox.bump.plan import plan_bump
from relnox.project.discovery import load_workspace
from relnox.project.news import changie as changes
from relnox.release.doctor import doctor
from tests.conftest import run_relnox
from tests.shapes import project, repo

CONFIG = (
    "changesDir: .changes\nunreleasedDir: unreleased\nchangelogPath: CHANGELOG.md\n"
    "versionFormat: '## dbt-postgres {{.Version}} - {{.Time.Format \"January 02, 2006\"}}'\n"
)
ENTRY = "kind: Fixes\nbody: Fix a thing\ntime: 2026-07-28T11:47:54Z\n"


def test_changie_entries_are_the_unreleased_changelog(tmp_path: Path) -> None:
    """The shape: each adapter has a ``.changie.yaml`` and its entries wait in
    ``.changes/unreleased/*.yaml``; its CHANGELOG.md has the last release only. doctor
    counts the entries as the next section, and a bump names the changie commands to run
    before it (relnox does not run changie)."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["dbt-postgres"]\n',
        "dbt-postgres/pyproject.toml": project("dbt-postgres", "1.10.0"),
        "dbt-postgres/dbt_postgres/__init__.py": "",
        "dbt-postgres/.changie.yaml": CONFIG,
        "dbt-postgres/.changes/unreleased/.gitkeep": "",
        "dbt-postgres/.changes/unreleased/Fixes-20260728-114754.yaml": ENTRY,
        "dbt-postgres/.changes/1.10.0.md": "## dbt-postgres 1.10.0\n",
        "dbt-postgres/CHANGELOG.md": "# Changelog\n\n## dbt-postgres 1.10.0 - May 01, 2026\n\n- Old.\n",
    }
    root = repo(tmp_path / "r", files, tags=["dbt-postgres-v1.10.0"])
    found = changes(root / "dbt-postgres")
    assert found is not None and [p.name for p in found.fragments] == ["Fixes-20260728-114754.yaml"]
    row = {c.check: c for c in doctor(root, version="1.11.0").checks}["changelog dbt-postgres"]
    assert (row.status, row.detail) == (
        "ok",
        "dbt-postgres/.changes/unreleased: 1 changie entry becomes 1.11.0's section on changie batch",
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert (
        "note: dbt-postgres/.changes/unreleased holds 1 changie entry; relnox does not run "
        "changie: run changie batch 1.11.0 and changie merge in dbt-postgres before this bump"
    ) in plan.notes
    assert changes(root) is None


def test_an_unreadable_changie_config_is_no_set_up(tmp_path: Path) -> None:
    """A ``.changie.yaml`` relnox cannot read (here longer than it reads of any file): no
    changie set-up to follow, so doctor and a bump go on without it instead of dying of
    the OSError."""
    from relnox.files import MAX_BYTES

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["dbt-postgres"]\n',
        "dbt-postgres/pyproject.toml": project("dbt-postgres", "1.10.0"),
        "dbt-postgres/dbt_postgres/__init__.py": "",
        "dbt-postgres/.changes/unreleased/Fixes-20260728-114754.yaml": ENTRY,
        "dbt-postgres/CHANGELOG.md": "# Changelog\n\n## dbt-postgres 1.10.0 - May 01, 2026\n",
    }
    root = repo(tmp_path / "r", files, tags=["dbt-postgres-v1.10.0"])
    with (root / "dbt-postgres" / ".changie.yaml").open("wb") as huge:  # sparse
        huge.truncate(MAX_BYTES + 1)
    assert changes(root / "dbt-postgres") is None
    row = {c.check: c for c in doctor(root, version="1.11.0").checks}["changelog dbt-postgres"]
    assert "changie" not in row.detail
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert not [note for note in plan.notes if "changie" in note]


HEADER = "# Changelog\n\n- This file lists every change.\n- Do not edit it: changie writes it.\n\n"


def _root_set_up(tmp_path: Path, entries: bool) -> Path:
    """One package in ``core/``, changie configured at the repository's top, its changelog
    the header's list over the last release's section."""
    files = {
        "core/pyproject.toml": project("acme-core", "1.10.0"),
        "core/acme_core/__init__.py": "",
        ".changie.yaml": CONFIG,
        ".changes/unreleased/.gitkeep": "",
        ".changes/1.10.0.md": "## acme-core 1.10.0\n",
        "CHANGELOG.md": HEADER + "## acme-core 1.10.0 - May 01, 2026\n\n- Old.\n",
    }
    if entries:
        files[".changes/unreleased/Fixes-20260728-114754.yaml"] = ENTRY
    return repo(tmp_path / "r", files, tags=["v1.10.0"])


def test_a_changie_set_up_at_the_top_serves_a_package_below_it(tmp_path: Path) -> None:
    """The package sits in ``core/`` and changie is configured at the top: doctor counts
    the entries and a bump says to batch them, as for a set-up beside the package."""
    root = _root_set_up(tmp_path, entries=True)
    row = {c.check: c for c in doctor(root, version="1.11.0").checks}["changelog acme-core"]
    assert (
        row.detail
        == ".changes/unreleased: 1 changie entry becomes 1.11.0's section on changie batch"
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor"))
    assert (
        "note: .changes/unreleased holds 1 changie entry; relnox does not run "
        "changie: run changie batch 1.11.0 and changie merge before this bump"
    ) in plan.notes


def test_the_changelog_changie_writes_is_left_to_changie(tmp_path: Path) -> None:
    """changie merge writes CHANGELOG.md from its header and the batched versions: the bump
    writes no heading over the header's list, with entries waiting or none, and says so."""
    for entries in (True, False):
        root = _root_set_up(tmp_path / str(entries), entries=entries)
        before = (root / "CHANGELOG.md").read_text(encoding="utf-8")
        done = run_relnox("bump", "--part", "minor", cwd=root, check=True)
        assert (root / "CHANGELOG.md").read_text(encoding="utf-8") == before
        assert "1.11.0" in (root / "core/pyproject.toml").read_text(encoding="utf-8")
        said = done.stdout + done.stderr
        if entries:
            assert "run changie batch 1.11.0 and changie merge before this bump" in said
        else:
            assert (
                "note: CHANGELOG.md is written by changie and .changes/unreleased holds no "
                "entry: 1.11.0 gets no changelog section"
            ) in said


def test_changie_batch_is_given_the_release_spelled_as_semver(tmp_path: Path) -> None:
    """changie takes semantic versions only: the note on a pre-release names
    ``changie batch 1.11.0-beta.2``, not PEP 440's ``1.11.0b2`` it would refuse."""
    root = _root_set_up(tmp_path, entries=True)
    plan = plan_bump(load_workspace(root), BumpOptions(to="1.11.0b2"))
    assert any("run changie batch 1.11.0-beta.2 and changie merge" in note for note in plan.notes)
