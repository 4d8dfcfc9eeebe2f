"""Dependency cooldowns are named where they are set: the environment, uv.toml, pip.conf."""

from __future__ import annotations

from pathlib import Path

from relnox.tools import cooldown


def test_a_pip_conf_cooldown_is_named_with_its_file_and_section(tmp_path: Path) -> None:
    config = tmp_path / "pip.conf"
    config.write_text("[global]\ntimeout = 5\n\n[install]\nuploaded-prior-to = P3D\n")
    environ = {"PIP_CONFIG_FILE": str(config), "HOME": str(tmp_path)}
    assert cooldown.settings("pip", environ) == [f"[install] uploaded-prior-to = P3D in {config}"]
    environ["PIP_UPLOADED_PRIOR_TO"] = "2020-01-01"
    assert cooldown.settings("pip", environ)[0] == "PIP_UPLOADED_PRIOR_TO=2020-01-01"
    assert cooldown.settings("pip", {"PIP_CONFIG_FILE": str(tmp_path / "none.conf")}) == []
