"""Other bump tools' current version and the files each rewrites: copies a bump moves too."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from relnox.files import ini_sections, text_or_none
from relnox.toml import read_or_empty, table
from relnox.versions.arithmetic import maybe_version
from relnox.versions.bumpversion import VERSION_PATTERN as _VERSION
from relnox.versions.bumpversion import searched_files
from relnox.versions.sources import VersionLocation, compose, toml_location

Places = tuple[tuple[str, tuple[str, ...]], ...]
Found = tuple[Path, Mapping[str, Any], tuple[str, ...]]


def _config(directory: Path, doc: Mapping[str, Any], places: Places, key: str) -> Found | None:
    """The first of ``places`` whose table holds a string at the dotted ``key`` (without one:
    any table), with its document and keys."""
    for name, keys in places:
        path = directory / name
        config = doc if name == "pyproject.toml" else read_or_empty(path)
        *within, last = (*keys, *key.split(".")) if key else (*keys, "")
        found = table(config, *within)
        if isinstance(found.get(last), str) if key else found:
            return path, config, keys
    return None


_TBUMP: Places = (("pyproject.toml", ("tool", "tbump")), ("tbump.toml", ()))
_BUMPVER: Places = (("pyproject.toml", ("tool", "bumpver")), ("bumpver.toml", ("bumpver",)))
_COMMITIZEN: Places = tuple(
    (n, ("tool", "commitizen")) for n in ("pyproject.toml", ".cz.toml", "cz.toml")
)
_SEMANTIC_RELEASE: Places = (
    ("pyproject.toml", ("tool", "semantic_release")),
    ("releaserc.toml", ("semantic_release",)),
)


def tbump_current(directory: Path, doc: Mapping[str, Any]) -> VersionLocation | None:
    found = _config(directory, doc, _TBUMP, "version.current")
    return toml_location(found[0], found[1], (*found[2], "version", "current")) if found else None


def tbump_files(directory: Path, doc: Mapping[str, Any], version: str) -> list[VersionLocation]:
    found = _config(directory, doc, _TBUMP, "version.current")
    config = table(found[1], *found[2]) if found is not None else {}
    files = config.get("file")
    searches: list[tuple[str, str]] = []
    for entry in files if isinstance(files, list) else ():
        if not isinstance(entry, Mapping) or not _as_written(config, entry, version):
            continue  # a version spelled otherwise (tbump's version_template) is tbump's
        src, search = entry.get("src"), entry.get("search", "{current_version}")
        if isinstance(src, str) and isinstance(search, str) and not re.search(r"[*?\[]", src):
            searches.append((src, search))
    return searched_files(directory, searches, version)


def _as_written(config: Mapping[str, Any], entry: Mapping[str, Any], version: str) -> bool:
    """Whether tbump writes ``version`` itself in ``entry``'s file (its template says it back)."""
    if (template := entry.get("version_template")) is None:
        return True
    regex = table(config, "version").get("regex")
    try:
        parts = re.fullmatch(str(regex).strip(), version, re.VERBOSE) if regex else None
        return parts is not None and compose(str(template), parts.groupdict()) == version
    except (re.error, KeyError, IndexError, ValueError):
        return False


#: the ``current_version`` line of an INI file's ``[bumpver]`` section, quoted or not
_INI = (
    r"(?ms)^\[bumpver\][ \t]*$(?:(?!^\[).)*?"
    r"""^current_version[ \t]*[=:][ \t]*(?P<q>["']?)(?P<version>[^\s;#"']+)(?P=q)"""
)


def bumpver_current(directory: Path, doc: Mapping[str, Any]) -> VersionLocation | None:
    if (found := _config(directory, doc, _BUMPVER, "current_version")) is not None:
        path, config, keys = found
        return toml_location(path, config, (*keys, "current_version"))
    cfg = directory / "setup.cfg"
    match = re.search(_INI, text_or_none(cfg) or "")
    return VersionLocation(cfg, "pattern", match["version"], pattern=_INI) if match else None


def _search(pattern: str) -> str | None:
    """A bumpver pattern as a search template, if literal text around one version field."""
    text = pattern.removeprefix("^").removesuffix("$")
    if re.search(r"(?<!\\)[\[\]]", text):
        return None  # an optional part: bumpver's own
    text = re.sub(r"\\(.)", r"\1", text)
    fields = re.findall(r"\{[^{}]*\}", text)
    if len(fields) != 1 or fields[0] not in ("{version}", "{pep440_version}"):
        return None
    return text.replace(fields[0], "{current_version}")


def bumpver_files(directory: Path, doc: Mapping[str, Any], version: str) -> list[VersionLocation]:
    """The files bumpver rewrites, each where one of its patterns (as written) finds ``version``."""
    if (found := _config(directory, doc, _BUMPVER, "current_version")) is not None:
        patterns = table(found[1], *found[2], "file_patterns")
        written = [
            (name, pattern)
            for name, value in patterns.items()
            for pattern in (value if isinstance(value, list) else [value])
            if isinstance(pattern, str)
        ]
    else:
        cfg = text_or_none(directory / "setup.cfg") or ""
        sections = ini_sections(cfg, strict=False, keep_case=True) or {}
        written = [
            (name, line.strip())
            for name, value in sections.get("bumpver:file_patterns", {}).items()
            for line in value.splitlines()
            if line.strip()
        ]
    searches = [(name, search) for name, p in written if (search := _search(p)) is not None]
    return searched_files(directory, searches, version)


def commitizen_current(directory: Path, doc: Mapping[str, Any]) -> VersionLocation | None:
    """commitizen's own ``version``, when it keeps the version itself."""
    found = _config(directory, doc, _COMMITIZEN, "")
    settings = table(found[1], "tool", "commitizen") if found is not None else {}
    provider = settings.get("version_provider", "commitizen")
    if found is None or provider != "commitizen" or not isinstance(settings.get("version"), str):
        return None
    return toml_location(found[0], found[1], ("tool", "commitizen", "version"))


def commitizen_files(
    directory: Path, doc: Mapping[str, Any], version: str
) -> list[VersionLocation]:
    """commitizen's ``version_files``: ``path`` or ``path:regex``."""
    found = _config(directory, doc, _COMMITIZEN, "")
    entries = table(found[1], "tool", "commitizen").get("version_files") if found else None
    searches: list[tuple[str, str]] = []
    located: list[VersionLocation] = []
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, str) or not entry.strip():
            continue
        name, _, regex = entry.partition(":")
        if not regex:
            searches.append((name, "{current_version}"))
        elif place := _located(directory / name, partial(_ON_LINE.format, regex), version):
            located.append(place)
    return searched_files(directory, searches, version) + located


def semantic_release_files(
    directory: Path, doc: Mapping[str, Any], version: str
) -> list[VersionLocation]:
    """semantic-release's ``version_variables`` and ``version_toml``."""
    found = _config(directory, doc, _SEMANTIC_RELEASE, "")
    settings = table(found[1], *found[2]) if found is not None else {}
    tag_format = settings.get("tag_format", "v{version}")
    lead = tag_format.split("{version}")[0] if isinstance(tag_format, str) else "v"
    searches: list[tuple[str, str]] = []
    located: list[VersionLocation] = []
    for entry in _strings(settings.get("version_variables")):
        name, _, rest = entry.partition(":")
        variable, _, form = rest.partition(":")
        if variable == "*":
            searches.append((name, "{current_version}"))
            continue
        before = rf"(?<![\w.-])['\"]?{re.escape(variable)}['\"]?\s*(?::=|==|[:=@ ])\s*['\"]?"
        before += re.escape(lead) if form == "tf" else ""
        after = partial("{}(?P<version>{})(?![0-9])".format, before)
        if variable and (place := _located(directory / name, after, version)):
            located.append(place)
    for entry in _strings(settings.get("version_toml")):
        name, _, key = entry.partition(":")
        config = read_or_empty(directory / name)
        *within, last = key.split(".")
        if isinstance(table(config, *within).get(last), str):
            located.append(toml_location(directory / name, config, tuple(key.split("."))))
    return searched_files(directory, searches, version) + located


#: a pattern of a version (the second field) on a line a regex (the first) finds
_ON_LINE = r"(?m)^(?=[^\r\n]*?(?:{}))[^\r\n]*?(?<![0-9.])(?P<version>{})(?![0-9])"


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def _located(path: Path, around: Callable[[str], str], version: str) -> VersionLocation | None:
    """The version ``around`` finds in ``path``: ``version``, else the first other one there."""
    try:
        said = [m["version"] for m in re.finditer(around(_VERSION), text_or_none(path) or "")]
    except re.error:
        return None
    said = [v for v in said if maybe_version(v) is not None]
    value = version if version in said else next(iter(said), None)
    if value is None:
        return None
    return VersionLocation(path, "pattern", value, pattern=around(re.escape(value)), every=True)


Current = Callable[[Path, Mapping[str, Any]], VersionLocation | None]
Files = Callable[[Path, Mapping[str, Any], str], list[VersionLocation]]
#: each tool's current version and the files it rewrites, bump-my-version's first
READERS: tuple[tuple[Current, Files], ...] = (
    (tbump_current, tbump_files),
    (bumpver_current, bumpver_files),
    (commitizen_current, lambda _d, _doc, _v: []),  # its files: commitizen_files
)
