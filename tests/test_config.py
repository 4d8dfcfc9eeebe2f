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
        # templates: a stray brace was a traceback from str.format; a field with a spec
        # made a gigabyte of text; a tag no git takes failed only at bump --tag
        ({"tag-format": "v{version}{"}, "has a brace that opens or closes no field"),
        ({"tag-format": "{version!r}"}, "has {version!r}; only {name}, {dir}, {version}, "),
        ({"tag-format": "{version.__class__}"}, "has {version.__class__}; only"),
        ({"tag-format": "v{version} x"}, "has ' ', which git refuses in a tag name"),
        ({"tag-format": "rel..{version}"}, "has '..', which git refuses"),
        ({"tag-format": "v{version}.lock"}, "begins or ends in a way, which git refuses"),
        ({"tag-formats": {"core": "a:{version}"}}, "tag-formats.core 'a:{version}' has ':'"),
        ({"changelog-heading": "[{title}] {"}, "changelog-heading '[{title}] {' has a brace"),
        ({"commit-message": "{summary:>999999999}"}, "has {summary:>999999999}; only"),
        ({"commit-message": "Release {summary"}, "commit-message 'Release {summary' has a brace"),
        ({"commit-message": "{nope}"}, "only {summary} and {version} are known"),
        # read only by some commands, so it was taken by the others
        ({"build": 1}, "[tool.relnox.build] must be a table, not int"),
        ({"audit": "x"}, "[tool.relnox.audit] must be a table"),
        ({"api-zero-policy": "patch"}, "api-zero-policy = 'patch'; write \"minor\""),
        # a typo in a table some commands read only sometimes (--test, a tag's routing)
        ({"verify": {"timout": 5}}, "[tool.relnox.verify] has an unknown key 'timout'; did you"),
        ({"build": {"test_command": []}}, "did you mean 'test-command'?"),
        ({"publish": {"pre-release": "x"}}, "[tool.relnox.publish] has an unknown key"),
        ({"doctor": {"require_changelog": True}}, "did you mean 'require-changelog'?"),
        ({"audit": {"bogus": 1}}, "known keys: integrity-url"),
    ],
)
def test_bad_values(table: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        config = load_config(SOURCE, table)
        config.section("verify")
    assert expected in str(info.value) and str(SOURCE) in str(info.value)


@pytest.mark.parametrize(
    "tag_format",
    ["v{version}", "{name}@{version}", "{dir}/v{version}", "rel_{version_underscored}"],
)
def test_tag_formats_git_takes_are_taken(tag_format: str) -> None:
    assert load_config(SOURCE, {"tag-format": tag_format}).tag_format == tag_format


def test_a_flag_is_true_false_or_unset() -> None:
    config = load_config(SOURCE, {"check-api": True, "doctor": {"require-changelog": "yes"}})
    assert (config.flag("check-api"), config.flag("changelog-pre-releases")) == (True, None)
    with pytest.raises(ConfigError) as caught:
        config.flag("require-changelog", "doctor")
    said = "[tool.relnox.doctor] require-changelog = 'yes' must be true or false"
    assert str(caught.value) == f"{SOURCE}: {said}"


def test_registered_secrets_are_masked() -> None:
    register_secret("pypi-AgEIcHlwaS5vcmc-secret")
    register_secret("abc")  # too short to mask safely: ignored
    assert redact("token=pypi-AgEIcHlwaS5vcmc-secret abc") == f"token={MASK} abc"
