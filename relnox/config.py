"""``[tool.relnox]``: the keys every task shares, typed and checked (every table's keys too)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError, did_you_mean

DEFAULT_CHANGELOG = "CHANGELOG.md"
# the names a changelog goes by, looked for in this order unless `changelog` is set
CHANGELOG_NAMES = (
    "CHANGELOG.md",
    "CHANGELOG.rst",
    "CHANGES.md",
    "CHANGES.rst",
    "HISTORY.md",
    "HISTORY.rst",
    "NEWS.md",
    "NEWS.rst",
    "CHANGELOG.txt",
    "CHANGES.txt",
    "CHANGELOG",
    "CHANGES",
)
#: names a changelog may go by that other documents also use (``RELEASE.md`` is often how
#: to release): taken, after :data:`CHANGELOG_NAMES`, only when it has a release heading
#: (``NEWS`` is also a GNU project's page of news)
RELEASE_NOTES_NAMES = (
    "RELEASE.md",
    "RELEASES.md",
    "RELEASE_NOTES.md",
    "RELEASE.rst",
    "RELEASE_NOTES.rst",  # docs/release_notes.rst too (in any case)
    "release-notes.md",
    "release-notes.rst",
    "NEWS",
    "NEWS.txt",
    "HISTORY",
    "HISTORY.txt",
    "whatsnew.rst",
    "whats-new.rst",
    "whats_new.rst",
    "whatsnew.md",
    "whats-new.md",
)
DEFAULT_COMMIT_MESSAGE = "Release {summary}"
#: the title bump gives a released changelog section ({title}: "1.2.0", "core 1.2.0" or
#: "core 1.2.0, cli 0.3.0"; {date}: the day, ISO 8601), after the Unreleased heading's #s
DEFAULT_CHANGELOG_HEADING = "[{title}] - {date}"
VERSION_SCHEMES = ("pep440", "semver")
VERSION_SOURCES = ("vcs",)
#: every key [tool.relnox] may hold at the root (a member's own table holds MEMBER_KEYS): a
#: value (None), or a table of its own read by its stage, with the keys it knows (checked
#: whenever the config is read, so a typo is said before the run that needs it)
ROOT = {
    "packages": None,
    "version-files": None,
    "version-scheme": None,
    "version-source": None,
    "lockstep": None,
    "tag-format": None,
    "tag-formats": None,
    "changelog": None,
    "changelog-heading": None,
    "changelog-pre-releases": None,  # relnox.bump.changelog: whether a pre-release gets a section
    "changelog-edit": None,  # relnox.project.changelog_file: whether a bump edits the changelog
    "doctor": ("require-changelog",),
    "commit-message": None,
    "dist-dir": None,
    "repositories": (),
    "publish": (
        "prerelease",
        "final",
        "transport",
        "new-project-limit",
        "upload-window-days",
        "pending-publishers",
    ),
    "network": ("timeout", "stall", "retries"),
    "verify": ("commands", "script-args", "timeout", "wait", "python", "installer"),
    "build": ("test-command",),
    "ci": (),
    "check-api": None,  # relnox.guards.api: a doctor finding when the bump is smaller than the API change
    "api-zero-policy": None,
    "audit": ("integrity-url",),  # relnox.guards.audit
    "intent": (),  # relnox.release.intent: a fragment's or commit's type -> the part it bumps
    "pin-rule": None,  # relnox.project.pins: how a requirement on a sibling follows its release
    "unreleased-versions": None,  # relnox.project.moved_with: a project not released moves or keeps
    "pre-release-start": None,  # relnox.versions.next: the number a new pre-release label starts at
}
TABLE_KNOWN = {key: known for key, known in ROOT.items() if known}
MEMBER_KEYS = ("version-files", "version-source", "tag-format", "verify", "build")


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
    lockstep: bool = False  # every package moves together
    lockstep_groups: tuple[tuple[str, ...], ...] = ()  # globs of packages that move together
    tag_format: str | None = None
    changelog: str = DEFAULT_CHANGELOG
    changelog_set: bool = False  # `changelog` was configured: no other name is looked for
    changelog_heading: str = DEFAULT_CHANGELOG_HEADING
    commit_message: str = DEFAULT_COMMIT_MESSAGE
    dist_dir: str = "dist"
    tag_formats: Mapping[str, str] = field(default_factory=dict)  # package or dir -> format
    version_source: str | None = None
    pre_release_start: int | None = None  # 0 or 1; None: as the history started them
    raw: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """The sub-table ``[tool.relnox.<name>]`` (empty when absent)."""
        return _table(self.source, name, self.raw.get(name, {}))

    def flag(self, key: str, section: str | None = None) -> bool | None:
        """A true/false setting of ``[tool.relnox]`` (or its ``section``); ``None``: unset."""
        value = (self.raw if section is None else self.section(section)).get(key)
        if value is None or isinstance(value, bool):
            return value
        table = "tool.relnox" + (f".{section}" if section else "")
        raise ConfigError(f"{self.source}: [{table}] {key} = {value!r} must be true or false")


def _table(source: Path, name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{source}: [tool.relnox.{name}] must be a table, "
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


def check_keys(
    source: Path, table: Mapping[str, Any], known: Sequence[str], *, name: str = "tool.relnox"
) -> None:
    """An unknown key (a typo such as ``tag_format``) of ``[name]`` is an error naming the right one."""
    for key in table:
        if key not in known:
            hint = did_you_mean(key.replace("_", "-"), known, "did you mean {!r}?")
            hint = hint or f"known keys: {', '.join(known)}"
            raise ConfigError(f"{source}: [{name}] has an unknown key {key!r}; {hint}")


def template_fields(
    source: Path, key: str, value: str, known: Sequence[str], example: str
) -> set[str]:
    """The fields of the template ``value``, each one of ``known`` and bare, else an error."""
    braced = [f"{{{name}}}" for name in known]
    shown = " and ".join([", ".join(braced[:-1]), braced[-1]] if len(braced) > 1 else braced)
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError:
        raise ConfigError(
            f"{source}: [tool.relnox] {key} {value!r} has a brace that opens or closes no "
            f"field; write the fields as {shown} (a literal brace twice: {{{{ }}}}), like "
            f"{example}"
        ) from None
    fields = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in known or spec or conversion:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ConfigError(
                f"{source}: [tool.relnox] {key} {value!r} has {{{written}}}; only {shown} are "
                f"known, each written bare, like {example}"
            )
        fields.add(name)
    return fields


def check_changelog_heading(source: Path, value: object) -> str:
    """``changelog-heading``: a template with ``{title}`` (and ``{date}``)."""
    example = '"{title} - {date}" or "[{title}] - {date}"'
    if not isinstance(value, str) or "{title}" not in value:
        raise ConfigError(
            f"{source}: [tool.relnox] changelog-heading {value!r} must be a string with "
            f"{{title}} (and {{date}} if you like), like {example}"
        )
    template_fields(source, "changelog-heading", value, ("title", "date"), example)
    return value


#: what git refuses in a tag name (git check-ref-format): a space or control character,
#: ~ ^ : ? * [ \\, two dots, @{
_NOT_IN_A_TAG = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{")
TAG_FIELDS = ("name", "dir", "version", "version_underscored", "version_dotless")


def check_tag_format(source: Path, tag_format: Any, key: str = "tag-format") -> str:
    _expect(source, key, tag_format, str)
    example = '"v{version}" or "{name}-v{version}"'
    fields = template_fields(source, key, tag_format, TAG_FIELDS, example)
    literal = "".join(text for text, *_ in string.Formatter().parse(tag_format))
    bad = _NOT_IN_A_TAG.search(literal)
    ends = tag_format.startswith(("-", "/", ".")) or tag_format.endswith((".", "/", ".lock"))
    if bad or ends or "/." in literal or "//" in literal:
        what = f"has {bad.group(0)!r}" if bad else "begins or ends in a way"
        raise ConfigError(
            f"{source}: [tool.relnox] {key} {tag_format!r} {what}, which git refuses in a tag "
            f"name (git check-ref-format); write it without, like {example}"
        )
    if not fields & {"version", "version_underscored", "version_dotless"}:
        raise ConfigError(
            f"{source}: [tool.relnox] {key} {tag_format!r} has no {{version}}; "
            'use for example "v{version}" or "{name}-v{version}" (or '
            '"rel_{version_underscored}" for rel_1_2_0)'
        )
    return str(tag_format)


def check_version_source(source: Path, value: Any) -> str | None:
    if value is None:
        return None
    _expect(source, "version-source", value, str)
    if value not in VERSION_SOURCES:
        raise ConfigError(
            f"{source}: [tool.relnox] version-source {value!r} is unknown; "
            f"use {' or '.join(repr(v) for v in VERSION_SOURCES)} (versions from git tags)"
        )
    return str(value)


def _lockstep_groups(source: Path, value: Any) -> tuple[tuple[str, ...], ...]:
    """``lockstep``: ``true``, one group ``["core", "core-*"]`` or groups ``[["a", "b"], [...]]``."""
    if isinstance(value, bool):
        return ()
    _expect(source, "lockstep", value, (bool, list))
    if all(isinstance(item, str) for item in value):
        return (tuple(value),) if value else ()
    return tuple(_string_list(source, "lockstep group", item) for item in value)


API_ZERO_POLICIES = ("minor", "major")


def _commit_message(source: Path, value: Any) -> str:
    _expect(source, "commit-message", value, str)
    template_fields(source, "commit-message", value, ("summary", "version"), '"Release {summary}"')
    return str(value)


def load_config(source: Path, raw: Mapping[str, Any]) -> Config:
    """Validate the ``[tool.relnox]`` table of ``source`` (the root pyproject)."""
    check_keys(source, raw, tuple(ROOT))
    for key, known in ROOT.items():  # a table a command reads only sometimes is checked now
        if known is not None:
            sub = _table(source, key, raw.get(key, {}))
            if known:
                check_keys(source, sub, known, name=f"tool.relnox.{key}")
    if raw.get("api-zero-policy", "minor") not in API_ZERO_POLICIES:
        raise ConfigError(
            f"{source}: [tool.relnox] api-zero-policy = {raw['api-zero-policy']!r}; write "
            '"minor" (a minor bump at 0.x may break) or "major"'
        )
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
        check_tag_format(source, tag_format)
    tag_formats = _expect(source, "tag-formats", raw.get("tag-formats", {}), Mapping)
    for key, value in tag_formats.items():
        check_tag_format(source, value, f"tag-formats.{key}")
    return Config(
        source=source,
        packages=packages,
        version_files=tuple(files),
        version_scheme=scheme,
        lockstep=raw.get("lockstep", False) is True,
        lockstep_groups=_lockstep_groups(source, raw.get("lockstep", False)),
        tag_format=tag_format,
        changelog=_expect(source, "changelog", raw.get("changelog", DEFAULT_CHANGELOG), str),
        changelog_set="changelog" in raw,
        changelog_heading=check_changelog_heading(
            source, raw.get("changelog-heading", DEFAULT_CHANGELOG_HEADING)
        ),
        commit_message=_commit_message(source, raw.get("commit-message", DEFAULT_COMMIT_MESSAGE)),
        dist_dir=_expect(source, "dist-dir", raw.get("dist-dir", "dist"), str),
        tag_formats={str(k): str(v) for k, v in tag_formats.items()},
        version_source=check_version_source(source, raw.get("version-source")),
        pre_release_start=_pre_release_start(source, raw.get("pre-release-start")),
        raw=dict(raw),
    )


def _pre_release_start(source: Path, value: Any) -> int | None:
    """``pre-release-start``: 0 (``2.0.0a0``) or 1 (``2.0.0a1``); unset, the history decides."""
    if value is None or (type(value) is int and value in (0, 1)):
        return value
    raise ConfigError(
        f"{source}: [tool.relnox] pre-release-start = {value!r}; write 0 (a new pre-release "
        "label starts at a0, b0, rc0) or 1 (a1, b1, rc1), or leave it out to follow the history"
    )
