"""A documentation theme's version switcher (a JSON list whose ``"preferred"`` entry is the
stable release): ``relnox bump`` to a final moves the stable entry on, keeps the release it
named as an entry like the others and drops the new version's pre-releases; a pre-release
moves the entry of the one before (rc1's becomes rc2's); a development version leaves it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import project, repo

DOCS = "https://docs.example/en"


def _entry(name: str, version: str, url: str, preferred: bool = False) -> dict[str, object]:
    return {
        "name": name,
        "version": version,
        "url": url,
        **({"preferred": True} if preferred else {}),
    }


def test_a_final_release_moves_the_switchers_stable_entry_on(tmp_path: Path) -> None:
    entries = [
        {"version": "dev", "url": f"{DOCS}/latest/"},
        _entry("0.20.0rc1", "v0.20.0rc1", f"{DOCS}/v0.20.0rc1/"),
        _entry("0.19.0 (stable)", "v0.19.0", f"{DOCS}/stable/", preferred=True),
        _entry("0.18.0", "v0.18.0", f"{DOCS}/v0.18.0/"),
    ]
    switcher = json.dumps(entries, indent=2) + "\n"
    files = {
        "pyproject.toml": project("themed", "0.20.0rc1"),
        "docs/_static/switcher.json": switcher,
    }
    root = repo(tmp_path / "themed", files, tags=["v0.19.0", "v0.20.0rc1"])
    dev = run_relnox("bump", "--to", "0.20.0rc2.dev0", "--dry-run", cwd=root, check=True)
    assert "switcher.json" not in dev.stdout
    pre = run_relnox("bump", "--to", "0.20.0rc2", "--dry-run", cwd=root, check=True)
    assert '+    "version": "v0.20.0rc2",' in pre.stdout.splitlines()
    assert f'+    "url": "{DOCS}/v0.20.0rc2/"' in pre.stdout.splitlines()
    run_relnox("bump", "--to", "0.20.0", cwd=root, check=True)
    assert json.loads((root / "docs/_static/switcher.json").read_text()) == [
        {"version": "dev", "url": f"{DOCS}/latest/"},
        _entry("0.20.0 (stable)", "v0.20.0", f"{DOCS}/stable/", preferred=True),
        _entry("0.19.0", "v0.19.0", f"{DOCS}/v0.19.0/"),
        _entry("0.18.0", "v0.18.0", f"{DOCS}/v0.18.0/"),
    ]
    assert (root / "docs/_static/switcher.json").read_text().startswith("[\n  {\n")
