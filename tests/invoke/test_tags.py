"""``relnox tag`` with one broken member: the packages asked for still work."""

from __future__ import annotations

from pathlib import Path

from relnox.sample import generated_specs, git_init, write_workspace
from tests.conftest import run_relnox


def test_a_broken_member_does_not_stop_tagging_the_packages_asked_for(tmp_path: Path) -> None:
    """Its problem is a warning when -p names the others (bump, build-all and verify-install
    did so; tag refused every package for it)."""
    root = write_workspace(tmp_path / "ws", generated_specs(3))
    broken = root / "packages" / "gen-pkg2" / "pyproject.toml"
    broken.write_text(broken.read_text().replace('version = "0.1.0"', 'version = "0.1.0'))
    git_init(root)
    whole = run_relnox("tag", "--missing", "--dry-run", cwd=root)
    assert whole.returncode == 1 and "Traceback" not in whole.stderr
    assert f"{broken}: invalid TOML" in whole.stderr
    proc = run_relnox("tag", "--missing", "--dry-run", "-p", "gen-pkg0", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("would create tag gen-pkg0-v0.1.0 (gen-pkg0 0.1.0)")
    assert "warning: left out, not asked for: " in proc.stderr and str(broken) in proc.stderr
