"""changesets' pending changes (relnox/project/news.py): a bump says that
``changeset version`` writes the changelogs from them (relnox does not run it)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import project, repo

ENTRY = '---\n"acme": minor\n---\n\nfeat: a thing\n'


def test_pending_changesets_are_said_by_the_bump(tmp_path: Path) -> None:
    """A Python package whose repository keeps its changes as changesets (``.changeset/``
    with its config.json, a README and one pending entry): the bump names the entry and
    the step that writes the changelog from it; none pending, nothing is said."""
    files = {
        "pyproject.toml": project("acme", "1.2.0"),
        "acme/__init__.py": "",
        "CHANGELOG.md": "# acme\n\n## 1.2.0\n\n- Old.\n",
        ".changeset/config.json": '{"changelog": "@changesets/cli/changelog"}\n',
        ".changeset/README.md": "# Changesets\n",
        ".changeset/empty-towns-jam.md": ENTRY,
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    done = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    assert (
        "note: .changeset holds 1 changeset; relnox does not run changesets: its changeset "
        "version writes the changelogs (and package.json versions) from them"
    ) in done.stdout + done.stderr
    (root / ".changeset/empty-towns-jam.md").unlink()
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--allow-dirty", cwd=root, check=True)
    assert "changeset" not in done.stdout + done.stderr
