"""The next version (relnox/versions/next.py): what ``--to`` must be above."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def test_a_release_below_the_development_version_of_the_next_line(tmp_path: Path) -> None:
    """After each release the files move to the next minor's development version
    (1.1.0.dev0); a patch of the released line (1.0.1) is made from there, below it. It is
    above the last release, so it is a release, said in a note; a released one is not."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["v1.0.0"],
    )
    commit(root, {"pyproject.toml": project("acme", "1.1.0.dev0")}, message="Bump to 1.1.0.dev0")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    done = run_relnox("bump", "--to", "1.0.1", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["versions"] == {"acme": "1.0.1"}
    text = run_relnox("bump", "--to", "1.0.1", "--dry-run", cwd=root, check=True).stdout
    assert (
        "note: acme 1.0.1 is below 1.1.0.dev0, the development version it is at: a release "
        "of the line of v1.0.0"
    ) in text
    released = run_relnox("bump", "--to", "1.0.0", "--dry-run", cwd=root)
    assert released.returncode != 0
    assert "1.0.0" in released.stderr
