"""``[tool.relnox]``: the settings of a repository, with their defaults.

Feature modules read their own sub-tables through :meth:`Config.section`, so the
reference of every key lives next to the code that uses it; the keys every task
shares are typed attributes here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError

DEFAULT_CHANGELOG = "CHANGELOG.md"
DEFAULT_COMMIT_MESSAGE = "Release {summary}"
VERSION_SCHEMES = ("pep440", "semver")


@dataclass(frozen=True)
class VersionFile:
    """An extra file listed in ``version-files``; ``search`` has ``{version}``."""

    path: str
    search: str | None = None


@dataclass(frozen=True)
class Config:
    """The root pyproject's ``[tool.relnox]`` table, validated."""

    source: Path
    packages: tuple[str, ...] | None = None
    version_files: tuple[VersionFile, ...] = ()
    version_scheme: str = "pep440"
    lockstep: bool = False
    tag_format: str | None = None
    changelog: str = DEFAULT_CHANGELOG
    commit_message: str = DEFAULT_COMMIT_MESSAGE
    dist_dir: str = "dist"
    raw: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """The sub-table ``[tool.relnox.<name>]`` (empty when absent)."""
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"{self.source}: [tool.relnox.{name}] must be a table, "
                f"not {type(value).__name__}; write it as [tool.relnox.{name}]"
            )
        return value


def _expect(source: Path, key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(
            f"{source}: [tool.relnox] {key} must be a {names}, not {value!r}; fix that key"
        )
    return value


def _string_list(source: Path, key: str, value: Any) -> tuple[str, ...]:
    _expect(source, key, value, list)
    for item in value:
        _expect(source, f"{key} entry", item, str)
    return tuple(value)


def load_config(source: Path, table: Mapping[str, Any]) -> Config:
    """Validate the ``[tool.relnox]`` table of ``source`` (the root pyproject)."""
    raw = table
    packages = _string_list(source, "packages", raw["packages"]) if "packages" in raw else None
    files: list[VersionFile] = []
    for item in _expect(source, "version-files", raw.get("version-files", []), list):
        if isinstance(item, str):
            files.append(VersionFile(item))
        elif isinstance(item, Mapping) and isinstance(item.get("path"), str):
            search = item.get("search")
            if search is not None and (not isinstance(search, str) or "{version}" not in search):
                raise ConfigError(
                    f"{source}: [tool.relnox] version-files search {search!r} must be a "
                    "string containing {version}; fix that entry"
                )
            files.append(VersionFile(item["path"], search))
        else:
            raise ConfigError(
                f"{source}: [tool.relnox] version-files entry {item!r} must be a path or "
                '{ path = "...", search = "...{version}..." }; fix that entry'
            )
    scheme = _expect(source, "version-scheme", raw.get("version-scheme", "pep440"), str)
    if scheme not in VERSION_SCHEMES:
        raise ConfigError(
            f"{source}: [tool.relnox] version-scheme {scheme!r} is unknown; "
            f"use one of {', '.join(VERSION_SCHEMES)}"
        )
    tag_format = raw.get("tag-format")
    if tag_format is not None:
        _expect(source, "tag-format", tag_format, str)
        if "{version}" not in tag_format:
            raise ConfigError(
                f"{source}: [tool.relnox] tag-format {tag_format!r} has no {{version}}; "
                'use for example "v{version}" or "{name}-v{version}"'
            )
    return Config(
        source=source,
        packages=packages,
        version_files=tuple(files),
        version_scheme=scheme,
        lockstep=_expect(source, "lockstep", raw.get("lockstep", False), bool),
        tag_format=tag_format,
        changelog=_expect(source, "changelog", raw.get("changelog", DEFAULT_CHANGELOG), str),
        commit_message=_expect(
            source, "commit-message", raw.get("commit-message", DEFAULT_COMMIT_MESSAGE), str
        ),
        dist_dir=_expect(source, "dist-dir", raw.get("dist-dir", "dist"), str),
        raw=dict(raw),
    )
