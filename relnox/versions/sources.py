"""Where a package's version is written, read and rewritten keeping the rest byte for byte."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from relnox.errors import ConfigError, VersionError
from relnox.files import ini_sections, read_bytes
from relnox.paths import rel
from relnox.toml import UNREADABLE, tomllib, unreadable_why
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version, same_version, semver_spelling

if TYPE_CHECKING:
    from datetime import date

    from packaging.version import Version

#: the version source of a package versioned by its git tags (``Package.vcs_versioned``)
VCS_SOURCE = "vcs"
#: a version only the build computes, no literal to rewrite: its backend is asked
COMPUTED_SOURCE = "computed"
#: the files of a package's top module that may hold its ``__version__``
VERSION_MODULE_FILES = ("__init__.py", "_version.py", "__about__.py", "version.py")

Kind = Literal["toml", "python", "text", "pattern", "incremental", "tuple", "tuple_copy"]

PY_VERSION_RE = re.compile(
    r"""^(?P<lhs>[ \t]*"""
    # a chain of version names bound at once: __version__ = version = "1.13.0"
    r"""(?:(?:__version__|VERSION|version)[ \t]*=[ \t]*)*"""
    r"""(?:__version__|VERSION|version)[ \t]*"""
    # `: str`, `: Final`, `: Final[str]`, or quoted: `: 'Final[str]'`
    r"""(?::[ \t]*(?:[\w.]+(?:\[[\w.]+\])?|(?P<aq>['"])[\w.]+(?:\[[\w.]+\])?(?P=aq))[ \t]*)?"""
    r"""=[ \t]*)"""
    r"""(?P<q>['"])(?P<version>[^'"\r\n]+)(?P=q)"""
    r"""(?=[ \t]*(?:[#;\r\n]|$))""",  # the whole value: not '.' of '.'.join(parts)
    re.MULTILINE,
)


@dataclass(frozen=True)
class VersionLocation:
    """One place a version is written."""

    path: Path
    kind: Kind
    value: str
    key: tuple[str, ...] = ()
    pattern: str | None = None
    semver: bool = False  # Cargo.toml: written as 1.2.0-alpha.1, read as PEP 440 1.2.0a1
    result: str | None = None  # several groups make the version: "{major}.{minor}.{patch}"
    every: bool = False  # a pattern whose every match of this version is rewritten
    remove: str | None = None  # scikit-build-core's regex removed from the result (".$")
    short: bool = False  # Sphinx's short version: the version's major.minor ("4.8" of 4.8.1)

    @property
    def composed(self) -> bool:
        """Whether relnox joins the version from parts: its text is relnox's spelling."""
        return self.result is not None or self.kind in ("incremental", "tuple", "tuple_copy")

    def spell(self, new: str) -> str:
        """``new`` (PEP 440) as this place writes versions."""
        if self.short:  # Sphinx's ``version``: X.Y of the release, never a pre-release's
            parsed = maybe_version(new)
            return ".".join(map(str, parsed.release[:2])) if parsed is not None else new
        return semver_spelling(new) if self.semver else new

    @property
    def label(self) -> str:
        if self.kind == "toml":
            return f"{self.path} [{'.'.join(self.key[:-1])}].{self.key[-1]}"
        return str(self.path)

    def render(self, text: str, new: str, today: date | None = None) -> str:
        """``text`` with this version replaced by ``new`` (and a ``{day}`` by ``today``)."""
        if self.kind == "toml":
            import tomlkit  # only a bump writes (4 ms of every command's start)

            doc = tomlkit.parse(text)
            set_string(doc, self.key, self.spell(new))
            return tomlkit.dumps(doc)
        if self.kind in ("incremental", "tuple", "tuple_copy"):
            from relnox.versions import tuple_copy, version_tuple

            if self.kind == "tuple":
                name = self.key[0] if self.key else None
                return version_tuple.respell(self.path, text, self.value, new, name)
            if self.kind == "incremental":
                return version_tuple.respell_incremental(self.path, text, self.value, new)
            return tuple_copy.respell(self.path, text, self.value, new)
        if self.kind == "text":
            stripped = text.strip()
            if stripped != self.value:
                raise VersionError(f"{self.path}: expected {self.value!r}, found {stripped!r}")
            return text.replace(stripped, new, 1)
        if self.result is not None and self.pattern is not None:
            return render_groups(
                self.path, self.pattern, self.result, self.value, text, new, self.remove
            )
        regex = re.compile(self.pattern) if self.pattern else PY_VERSION_RE
        match = regex.search(text)
        if self.every:  # bump-my-version's searches: each place that says this version
            match = next((m for m in regex.finditer(text) if m["version"] == self.value), None)
        if match is None or match.group("version") != self.value:
            raise moved(self.path, self.value)
        if self.kind == "python" or self.every:  # every assignment of this version too
            return regex.sub(
                lambda m: (
                    m.group(0)
                    if m.group("version") != self.value
                    else m.group(0)[: m.start("version") - m.start()]
                    + self.spell(new)
                    + m.group(0)[m.end("version") - m.start() :]
                ),
                text,
            )
        start, end = match.span("version")
        if today is not None and "day" in regex.groupindex:  # the day it says: the bump's
            day = iter((f"{today.year:04}", f"{today.month:02}", f"{today.day:02}"))
            said = re.sub(r"\d+", lambda _: next(day), match["day"])
            text = text[: match.start("day")] + said + text[match.end("day") :]
            if match.start("day") < start:
                start, end = (at + len(said) - len(match["day"]) for at in (start, end))
        return text[:start] + self.spell(new) + _capped(text[:start], text[end:], self.value, new)


#: an exclusive cap written after a requirement's floor: ``,<1.3.0`` of ``>=1.2.0,<1.3.0``
_CAP = re.compile(r"[ \t]*,[ \t]*<[ \t]*(?P<cap>\d+(?:\.\d+)*)(?![\w.])")


def _capped(before: str, rest: str, old: str, new: str) -> str:
    """``rest`` after a requirement's floor (``>=1.2.0``), its cap (``,<1.3.0``) that ``new``
    reaches kept as far above it as it was above ``old`` (pins' rule)."""
    found = _CAP.match(rest)
    low, high = maybe_version(old), maybe_version(new)
    cap = maybe_version(found["cap"]) if found else None
    if not before.rstrip().endswith(">=") or not (found and low and high and cap and high >= cap):
        return rest
    from relnox.project.pins import upper_bound

    return rest[: found.start("cap")] + upper_bound(high, cap, low) + rest[found.end() :]


def set_string(doc: Any, key: Sequence[str | int], value: str) -> str:
    """Set the string at ``key`` of a tomlkit document, quoted as it was; the old value."""
    import tomlkit
    from tomlkit.items import String, StringType

    table = doc
    for part in key[:-1]:
        table = table[part]
    old = table[key[-1]]
    literal = isinstance(old, String) and old.type in (StringType.SLL, StringType.MLL)
    table[key[-1]] = tomlkit.string(value, literal=literal)
    return str(old)


def compose(result: str, groups: dict[str, str | None], remove: str | None = None) -> str:
    """scikit-build-core's ``result`` filled with the regex's groups, ``remove`` taken out."""
    text = result.format(**{k: v or "" for k, v in groups.items()})
    return re.sub(remove, "", text) if remove else text


def render_groups(
    path: Path, pattern: str, result: str, old: str, text: str, new: str, remove: str | None = None
) -> str:
    """``text`` with each named group rewritten so that ``result`` gives ``new`` (with
    ``remove``, what it removed put back first: ``2.9.0.`` for 2.9.0 after ``2.8.1.``)."""
    match = re.search(pattern, text)
    if match is None or compose(result, match.groupdict(), remove) != old:
        raise moved(path, old)
    whole = compose(result, match.groupdict())
    spelled = new + whole[len(old) :] if remove and whole.startswith(old) else new
    digits = r"\d*" if remove else r"\d+"
    shape = ""
    for literal, field, _spec, _conv in string.Formatter().parse(result):
        shape += re.escape(literal)
        if field is not None:
            text_field = not remove and not (match[field] or "").isdecimal()  # ".dev", ""
            part = ".*" if text_field else digits
            shape += rf"(?P<{field}>{part})" if f"(?P<{field}>" in pattern else ""
    parts = re.fullmatch(shape, spelled)
    if parts is not None and remove and compose(result, parts.groupdict(), remove) != new:
        parts = None
    if parts is None:
        raise VersionError(
            f"{path}: {new} cannot be written there: the file spells the version as "
            f"{result!r}, with no place for that part; choose a version of that shape with --to"
        )
    by_place = sorted(parts.groupdict().items(), key=lambda i: match.start(i[0]), reverse=True)
    for name, value in by_place:
        text = text[: match.start(name)] + value + text[match.end(name) :]
    return text


def moved(path: Path, old: str) -> VersionError:
    return VersionError(
        f"{path}: the version {old!r} is no longer where it was read; rerun the command"
    )


def read_text(path: Path, kind: str = "file") -> str:
    """A file's text with its line endings untouched; ``kind``: what it should be."""
    try:
        return read_bytes(path).decode("utf-8")
    except FileNotFoundError:
        why = "file not found; create it, or fix the setting or link that names it"
    except UnicodeDecodeError:
        why = "not UTF-8 text (binary data?); save it as UTF-8"
    except IsADirectoryError:
        why = f"is a directory, not a {kind}; remove or rename it, or fix the setting that names it"
    except PermissionError:
        why = "cannot be read (permission denied); make it readable (chmod u+r)"
    except OSError as exc:  # a device, a pipe, a file too long, a symlink loop
        why = f"cannot be read ({exc.strerror or exc}); fix the file"
    raise ConfigError(f"{path}: {why}")


def not_a_file(path: Path) -> str:
    """Why ``path`` is no file to read a version from, or ``""`` for a regular file."""
    if path.is_file():
        return ""
    if path.is_symlink() and not path.exists():
        return "a link to nothing"
    if path.is_dir():
        return "a directory"
    return "not a regular file (a pipe or a device)" if path.exists() else "no such file"


def python_location(path: Path, *, top_level: bool = False) -> VersionLocation | None:
    """The literal ``__version__`` assignment of a Python file; ``top_level``: an unindented one."""
    if not path.is_file():
        return None
    matches = PY_VERSION_RE.finditer(text := read_text(path))
    match = next((m for m in matches if not (top_level and m.group("lhs")[:1].isspace())), None)
    # ``__version__`` computed (read from a VERSION file, from the metadata): the module's
    # version is that; a ``version = "1.17.2"`` beside it is another thing's (a library's)
    if match is not None and top_level and _anothers_version(text, match["lhs"]):
        return None
    if match is not None:
        return VersionLocation(path, "python", match.group("version"))
    # ``__version__ = APP_VERSION`` under ``APP_VERSION = "1.2.0"``: the name's literal
    if (alias := _ALIAS.search(text)) is None:
        return None
    pattern = "(?m)" + PY_VERSION_RE.pattern.replace(_NAMES, re.escape(alias["name"]))
    found = re.search(pattern, text)
    return VersionLocation(path, "python", found["version"], pattern=pattern) if found else None


_NAMES = "__version__|VERSION|version"
#: a top-level assignment to ``__version__`` (in a chain too), and the value bound
_DUNDER = re.compile(
    rf"^(?:(?:{_NAMES})[ \t]*=[ \t]*)*__version__[ \t]*(?::[^=\n]*)?=(?P<value>.*)$", re.M
)
#: a value that is no computation: a string literal or a name, alone or chained to one
_PLAIN = re.compile(
    rf"""[ \t]*(?:(?:{_NAMES})[ \t]*=[ \t]*)*(?:['"]|\([ \t]*$|[\w.]+[ \t]*(?:#.*)?$)"""
)


def _anothers_version(text: str, lhs: str) -> bool:
    """Whether the literal bound to ``lhs`` is another thing's version: the module binds
    ``__version__`` to an expression (``(HERE / "VERSION").read_text()``, ``version("acme")``)
    that uses none of ``lhs``'s names (``str(VERSION)`` uses the literal's)."""
    names = re.findall(r"\b(?:VERSION|version)\b", lhs)
    return "__version__" not in lhs and any(
        _PLAIN.match(value := found["value"]) is None
        and not any(re.search(rf"\b{name}\b", re.sub(r"(['\"]).*?\1", "", value)) for name in names)
        for found in _DUNDER.finditer(text)
    )


_ALIAS = re.compile(r"^__version__[ \t]*=[ \t]*(?P<name>[A-Za-z_]\w*)[ \t]*(?:#.*)?$", re.MULTILINE)


#: a release's day written beside its version: ``2026-04-04``, roff's ``2026\\-04\\-04``
_DAY = r"\d{4}(?:\\?[-./])\d{2}(?:\\?[-./])\d{2}"


def undated(template: str) -> str:
    """``template`` with the day it says as ``{day}`` (:func:`pattern_location`)."""
    return re.sub(rf"(?<![\w.]){_DAY}(?![\w.])", "{day}", template)


#: a version in text, to its end: ``3.8.0`` of ``/v3.8.0.svg`` or ``v3.8.0...main`` (after a
#: dot, a version goes on only with a digit or a PEP 440 word: ``.dev0``, ``.post1``)
WRITTEN = r"[0-9][0-9A-Za-z+!_-]*(?:\.(?:[0-9]|(?:dev|post|rc|a|b)(?![A-Za-z]))[0-9A-Za-z+!_-]*)*"


def pattern_location(path: Path, search: str) -> VersionLocation:
    """A ``version-files`` ``search`` template holding ``{version}`` (a ``{day}``: the release's)."""
    before, _, after = (re.escape(part) for part in search.partition("{version}"))
    before, after = (p.replace(re.escape("{day}"), f"(?P<day>{_DAY})", 1) for p in (before, after))
    pattern = before + r"(?P<version>[0-9A-Za-z.+!_-]+?)" + after
    if not after:
        pattern = before + rf"(?P<version>{WRITTEN})"
    if (match := re.search(pattern, read_text(path))) is None:
        raise ConfigError(
            f"{path}: no text matches version-files search {search!r}; "
            "fix the search template or the file"
        )
    return VersionLocation(path, "pattern", match.group("version"), pattern=pattern)


def text_location(path: Path) -> VersionLocation:
    if not (value := read_text(path).strip()) or "\n" in value:
        raise VersionError(f"{path}: expected a file holding only a version, found {value[:40]!r}")
    return VersionLocation(path, "text", value)


def toml_location(
    path: Path, doc: Mapping[str, Any], key: tuple[str, ...], *, semver: bool = False
) -> VersionLocation:
    value: Any = doc
    for part in key:
        value = value[part]
    if not isinstance(value, str):
        raise VersionError(
            f"{path}: [{'.'.join(key[:-1])}].{key[-1]} must be a string, not {value!r}; "
            'quote it, e.g. version = "1.0.0"'
        )
    return VersionLocation(path, "toml", str(value), key=key, semver=semver)


Found = tuple[str, list[VersionLocation], str]  # source, primary first, evidence


def regex_location(path: Path, pattern: str, what: str) -> VersionLocation:
    if "(?P<version>" not in pattern:
        raise VersionError(f"{path}: the {what} pattern {pattern!r} has no (?P<version>...) group")
    if (match := re.search(pattern, read_text(path), re.MULTILINE)) is None:
        raise VersionError(f"{path}: the {what} pattern {pattern!r} matches nothing; fix it")
    return VersionLocation(path, "pattern", match.group("version"), pattern=pattern)


def groups_location(
    path: Path, pattern: str, result: str, remove: str | None = None
) -> VersionLocation:
    """A version made of named groups (scikit-build-core's ``result`` and ``remove``)."""
    if (match := re.search(pattern, read_text(path), re.MULTILINE)) is None:
        raise VersionError(f"{path}: the scikit-build regex {pattern!r} matches nothing; fix it")
    try:
        value = compose(result, match.groupdict(), remove)
    except (KeyError, IndexError, ValueError):
        raise VersionError(
            f"{path}: the scikit-build result {result!r} names a group the regex does not "
            "have; make every {field} a (?P<field>...) group"
        ) from None
    return VersionLocation(path, "pattern", value, pattern=pattern, result=result, remove=remove)


def literal_location(path: Path, what: str, pyproject: Path) -> VersionLocation:
    if missing := not_a_file(path):
        raise VersionError(
            f"{path}: {missing}, which {pyproject} {what} points at; point it at the file "
            'that holds __version__ = "..."'
        )
    if (loc := python_location(path)) is None:
        text = read_text(path)
        alone = text.strip()
        if "hatch" in what and "\n" not in alone and maybe_version(alone) is not None:
            raise VersionError(
                f"{path}: it holds only the version {alone}, which hatch's default pattern "
                '(__version__ = "...") does not find, so the build fails too; add '
                'pattern = "(?P<version>.+)" to [tool.hatch.version] in '
                f"{pyproject}"
            )
        if _ASKS_METADATA.search(text) and _METADATA_MODULE.search(text):
            raise VersionError(
                f"{path}: __version__ is asked of the installed package's metadata "
                f"(importlib.metadata), which the build makes from {pyproject} {what}, so "
                "there is no version to read or bump there (the build cannot read one either); "
                f'write __version__ = "<version>" in {path.name}, or write it as [project] '
                'version (out of "dynamic") and keep the metadata call'
            )
        raise VersionError(
            f'{path}: no literal __version__ = "..." line, which {pyproject} {what} points at; '
            'add one, or set [tool.relnox] version-files = ["<file with the version>"]'
        )
    return loc


#: ``__version__`` taken from the installed distribution's metadata at import
_ASKS_METADATA = re.compile(
    r"(?m)^__version__[ \t]*(?::[^=\n]+)?=[ \t]*(?:[\w.]+\.)?"
    r"(?:version\(|get_distribution\(.*\)\.version\b)"
)
_METADATA_MODULE = re.compile(r"\b(?:importlib\.metadata|importlib_metadata|pkg_resources)\b")


def find_module(roots: Sequence[Path], dotted: str) -> Path | None:
    parts = dotted.split(".")
    package, module = (*parts, "__init__.py"), (*parts[:-1], parts[-1] + ".py")
    found = (base.joinpath(*path) for base in roots for path in (package, module))
    return next((path for path in found if path.is_file()), None)


def value_in(loc: VersionLocation, text: str) -> str | None:
    """The version ``loc`` reads out of ``text`` (a version of its file), if any."""
    try:
        if loc.kind == "toml":
            value: Any = tomllib.loads(text)
            for part in loc.key:
                value = value[part]
            return value if isinstance(value, str) else None
        if loc.kind == "text":
            return text.strip() or None
        if loc.kind == "incremental":
            from relnox.versions.version_tuple import public

            return public(text)
        if loc.kind == "tuple":
            from relnox.versions.version_tuple import joined

            return joined(text, loc.key[0] if loc.key else None)
        regex = re.compile(loc.pattern) if loc.pattern else PY_VERSION_RE
        if (match := regex.search(text)) is not None and loc.result is not None:
            return compose(loc.result, match.groupdict(), loc.remove)
        return match.group("version") if match else None
    except (KeyError, TypeError, IndexError, ValueError, RecursionError):  # UNREADABLE too
        return None


def version_at(root: Path, locations: Sequence[VersionLocation], rev: str) -> str | None:
    """What the first of ``locations`` says at ``rev``, or ``None``."""
    if not locations:
        return None
    loc = locations[0]
    where = rel(loc.path, root)
    text = git.show_file(root, rev, "./" + where)
    parts = where.split("/")
    if text is None and "src" in parts[:-1]:  # moved into a src layout since: one folder up
        parts.remove("src")
        text = git.show_file(root, rev, "./" + "/".join(parts))
    if text is None:
        return None
    found = value_in(loc, text)
    if found is not None or loc.kind != "toml" or loc.key not in PYPROJECT_KEYS:
        return found
    # moved between poetry's table and [project] (poetry-core 2), or from setup.cfg
    others = [replace(loc, key=key) for key in PYPROJECT_KEYS if key != loc.key]
    found = next((v for v in (value_in(o, text) for o in others) if v is not None), None)
    if found is None:
        cfg = git.show_file(root, rev, "./" + rel(loc.path.parent / "setup.cfg", root))
        match = re.search(SETUP_CFG_VERSION, cfg) if cfg else None
        found = match["version"] if match and maybe_version(match["version"]) else None
    return found


def set_at(root: Path, loc: VersionLocation) -> str | None:
    """The commit that moved ``loc`` from another version to the one it says now, if any."""
    where = "./" + rel(loc.path, root)
    found = git.git(root, "log", "-1", "--format=%H", "-S", loc.value, "--", where, check=False)
    if not found or version_at(root, [loc], found) != loc.value:
        return None
    before = version_at(root, [loc], f"{found}^")
    return found if before is not None and before != loc.value else None


def said_in_history(loc: VersionLocation, limit: int = 60) -> list[Version]:
    """The versions ``loc`` said in its file's last ``limit`` changes."""
    if loc.composed:
        return []
    here, name = loc.path.parent, loc.path.name
    log = git.git(here, "log", "--format=%H", f"-n{limit}", "--", name, check=False)
    texts = git.show_files(here, [(rev, "./" + name) for rev in log.split()])
    said = (value_in(loc, text) for text in texts if text is not None)
    return [v for value in said if value and (v := maybe_version(value)) is not None]


#: setup.cfg's literal ``version = 3.0.2`` in its ``[metadata]`` section
SETUP_CFG_VERSION = (
    r"(?m)^\[metadata\].*\n(?:(?!\[).*\n)*?version[ \t]*=[ \t]*(?P<version>[^\s#;]+)"
)


#: where a pyproject.toml states a static version: PEP 621's key and poetry's own
PYPROJECT_KEYS = (("project", "version"), ("tool", "poetry", "version"))


def stray_tag_hint(root: Path, locations: Sequence[VersionLocation], tag: str, named: str) -> str:
    """A refusal's clause for tag ``tag`` (of ``named``) whose commit's version file says another."""
    if (found := version_at(root, locations, tag)) is None or same_version(found, named):
        return ""
    where = rel(locations[0].path, root)
    return (
        f", but {where} says {found} at its commit: a release whose version was set at build "
        "time, another project's tag (then set tag-format in the package's [tool.relnox]) or a "
        f"mistake (then delete it: git tag -d {tag}, and git push origin :refs/tags/{tag} if it "
        "was pushed)"
    )


def setup_cfg(directory: Path) -> dict[str, dict[str, str]]:
    """``setup.cfg`` as sections of raw strings (empty when there is none)."""
    path = directory / "setup.cfg"
    return (ini_sections(read_text(path), source=path) or {}) if path.is_file() else {}


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error names the file, line and the fix."""
    text = read_text(path, "TOML file")
    if text.startswith("\ufeff"):
        raise ConfigError(f"{path}: starts with a UTF-8 byte order mark (BOM); save it without BOM")
    try:
        return tomllib.loads(text)
    except UNREADABLE as exc:
        raise ConfigError(
            f"{path}: invalid TOML ({unreadable_why(exc)}); fix the syntax there"
        ) from None
