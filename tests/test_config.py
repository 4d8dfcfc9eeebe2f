"""[tool.relnox] validation: every bad value names the key and the fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from relnox.config import VersionFile, load_config
from relnox.errors import ConfigError
from relnox.redact import MASK, redact, register_secret

SOURCE = Path("/repo/pyproject.toml")


def test_defaults() -> None:
    config = load_config(SOURCE, {})
    assert (config.version_scheme, config.lockstep, config.tag_format) == ("pep440", False, None)
    assert (config.changelog, config.dist_dir, config.packages) == ("CHANGELOG.md", "dist", None)
    assert config.section("verify") == {}


def test_values_are_read() -> None:
    config = load_config(
        SOURCE,
        {
            "packages": ["libs/*"],
            "lockstep": True,
            "tag-format": "{dir}-v{version}",
            "version-files": ["docs/conf.py", {"path": "README.md", "search": "p=={version}"}],
            "verify": {"commands": ["p --help"]},
        },
    )
    assert config.packages == ("libs/*",) and config.lockstep
    assert config.version_files == (
        VersionFile("docs/conf.py"),
        VersionFile("README.md", "p=={version}"),
    )
    assert config.section("verify")["commands"] == ["p --help"]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"packages": "libs/*"}, "packages must be a list"),
        ({"lockstep": "yes"}, "lockstep must be a bool"),
        ({"tag-format": "release"}, "has no {version}"),
        ({"version-scheme": "calver"}, "use one of pep440, semver"),
        ({"version-files": [{"path": "x", "search": "no placeholder"}]}, "containing {version}"),
        ({"version-files": [3]}, "must be a path or"),
        ({"verify": ["not", "a", "table"]}, "[tool.relnox.verify] must be a table"),
    ],
)
def test_bad_values(table: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        config = load_config(SOURCE, table)
        config.section("verify")
    assert expected in str(info.value) and str(SOURCE) in str(info.value)


def test_registered_secrets_are_masked() -> None:
    register_secret("pypi-AgEIcHlwaS5vcmc-secret")
    register_secret("abc")  # too short to mask safely: ignored
    assert redact("token=pypi-AgEIcHlwaS5vcmc-secret abc") == f"token={MASK} abc"
