"""A tuple copy of a version beside its literal (``VERSION = (1, 2, 1)``), moved with it: numbers
then at most one string, ``sys.version_info``'s ``(5, 2, 0, "alpha", 1)``, or ``0x023402``."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import Version

from relnox.errors import VersionError
from relnox.versions.arithmetic import maybe_version
from relnox.versions.python_ast import literal
from relnox.versions.sources import VersionLocation, moved, pattern_location, read_text
from relnox.versions.version_tuple import LEVELS, literal_tuple, tuple_parts

#: ``NAME = (1, 2, 1)`` at the top of a module, on one line, in parentheses or none
_TUPLE = re.compile(
    r"""^(?P<name>\w*(?i:version)\w*)[ \t]*=[ \t]*"""
    r"""\(?(?P<parts>[^()\r\n#]*?)\)?[ \t]*(?:#.*)?$""",
    re.M,
)
#: ``NAME = 0x023402``: the release's numbers two digits each (its suffix :data:`HEX`)
_HEX = re.compile(r"^(?P<name>\w+)[ \t]*=[ \t]*0[xX](?P<parts>(?:\d\d){2,})[ \t]*(?:#.*)?$", re.M)
HEX = "0x"
Parts = tuple[tuple[int, ...], str | None]


def _parts(text: str) -> Parts | None:
    if (value := literal_tuple(text)) is None:
        return None
    numbers = [p for p in value if type(p) is int]
    rest = value[len(numbers) :]
    if _levelled(value):  # (5, 1, 0, "final", 0), (5, 2, 0, "alpha", 1)
        level, serial = LEVELS[value[-2]], value[-1]
        return tuple(value[:-2]), "final" if level == "" else f"{level}{serial}"
    if len(numbers) < 2 or tuple(numbers) != value[: len(numbers)] or len(rest) > 1:
        return None
    if rest and not isinstance(rest[0], str):
        return None
    return tuple(numbers), rest[0] if rest else None


def _levelled(value: tuple[object, ...]) -> bool:
    *numbers, level, serial = value if len(value) >= 4 else (None, None)
    return (
        all(type(n) is int for n in numbers)
        and isinstance(level, str)
        and level in LEVELS
        and type(serial) is int
        and (level != "final" or serial == 0)
    )


def _padded(release: tuple[int, ...], size: int) -> tuple[int, ...]:
    return (release + (0,) * size)[:size] if len(release) <= size else release


def _says(numbers: tuple[int, ...], suffix: str | None, version: Version) -> bool:
    if len(version.release) > len(numbers) or numbers != _padded(version.release, len(numbers)):
        return False
    if suffix is None:
        return True
    if suffix == "final":  # (1, 2, 0, "final"): sys.version_info's level word
        return not (version.is_prerelease or version.is_postrelease)
    return maybe_version(".".join(map(str, numbers)) + suffix) == version


def _find(text: str, version: Version) -> tuple[re.Match[str], Parts] | None:
    for match in _TUPLE.finditer(text):
        if (parts := _parts(match["parts"])) is not None and _says(*parts, version):
            return match, parts
    for match in _HEX.finditer(text):
        digits = match["parts"]
        numbers = tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
        if _says(numbers, None, Version(version.base_version)):
            return match, (numbers, HEX)
    return None


def said(parts: str) -> str | None:
    """The version a tuple's ``parts`` say (``4, 7, 0, "alpha", 1``: 4.7.0a1), or None."""
    found = _parts(parts)
    if found is None or maybe_version(text := ".".join(map(str, found[0]))) is None:
        return None
    return text if found[1] in (None, "final") else str(maybe_version(text + found[1]))


def location(path: Path, value: str) -> VersionLocation | None:
    """The tuple copy of ``value`` in ``path`` (which writes ``value`` as a literal)."""
    version = maybe_version(value)
    found = _find(read_text(path), version) if version is not None else None
    if found is None:
        return None
    return VersionLocation(path, "tuple_copy", value, key=(found[0]["name"],))


def respell(path: Path, text: str, old: str, new: str) -> str:
    if (found := _find(text, Version(old))) is None:
        raise moved(path, old)
    match, (numbers, suffix) = found
    parts = match["parts"]
    if suffix == HEX:
        release = _padded(Version(new).release, len(numbers))
        if len(release) > len(numbers) or max(release) > 99:
            raise VersionError(
                f"{path}: {match['name']} = 0x{parts} writes each number of the release in two "
                f"digits, which {new} does not fit; edit both lines by hand and commit them"
            )
        start, end = match.span("parts")
        return text[:start] + "".join(f"{n:02}" for n in release) + text[end:]
    spelled = f"{match['name']} = ({', '.join(map(str, numbers))})"
    parsed, rest = tuple_parts(path, new, f"the tuple {spelled}")
    quote = "'" if "'" in parts and '"' not in parts else '"'
    items = [str(n) for n in _padded(parsed.release, max(len(numbers), len(parsed.release)))]
    written = literal(f"({parts},)")
    fix = "or edit both lines by hand and commit them (then relnox tag)"
    if isinstance(written, tuple) and _levelled(written):
        letter = (parsed.pre or ("",))[0]
        level = next((word for word, short in LEVELS.items() if short == letter), None)
        if parsed.dev is not None or parsed.post is not None or level is None:
            raise VersionError(
                f"{path}: {spelled[:-1]}, ...) says a release level, which has no word for "
                f"{new}; bump to a final release or a pre-release, {fix}"
            )
        if level == "candidate" and written[-2] != "candidate":
            level = "rc"  # as written
        items += [f"{quote}{level}{quote}", str(parsed.pre[1] if parsed.pre else 0)]
    elif suffix == "final":
        if rest:
            raise VersionError(
                f"{path}: {spelled[:-1]}, {parts.split(',')[-1].strip()}) says a final "
                f"release by its level word, which relnox cannot write for {new}; bump to a "
                f"final release, {fix}"
            )
        items.append(parts.split(",")[-1].strip())
    elif rest:
        items.append(f"{quote}{rest}{quote}")
    start, end = match.span("parts")
    return text[:start] + ", ".join(items) + text[end:]


#: the names :data:`relnox.versions.sources.PY_VERSION_RE` reads and rewrites itself
_OWN_NAMES = ("__version__", "VERSION", "version")


def _named(name: str, value: str) -> str:
    return (
        rf"(?m)^(?P<name>{name})[ \t]*(?::[^=\r\n]*)?=[ \t]*(?P<q>['\"])"
        rf"(?P<version>{re.escape(value)})(?P=q)[ \t]*(?:#.*)?$"
    )


def named_copies(path: Path, value: str) -> list[VersionLocation]:
    """Each top-level literal of ``value`` in ``path`` under another name (``VERSION_STRING``)."""
    return [
        VersionLocation(path, "pattern", value, key=(name,), pattern=_named(re.escape(name), value))
        for match in re.finditer(_named(r"[A-Za-z_]\w*", value), read_text(path))
        if (name := match["name"]) not in _OWN_NAMES
    ]


#: a file a comment names (``lib.rs``, ``docs/news.rst``): words, then a dot and an extension
_FILE_NAMED = re.compile(r"(?<![\w./-])[\w./-]*\w\.[A-Za-z]{1,5}\b")
_SKIPPED = {"node_modules", "target", "build", "dist", "__pycache__"}


def commented_copies(loc: VersionLocation, directory: Path) -> list[VersionLocation]:
    """The copies of ``loc``'s version in files its comment names (``# also update lib.rs``)."""
    lines = read_text(loc.path).splitlines()
    at = next((i for i, line in enumerate(lines) if f'"{loc.value}"' in line), None)
    if at is None:
        return []
    above = at
    while above > 0 and lines[above - 1].lstrip().startswith(("#", "//")):
        above -= 1
    comment = " ".join([*lines[above:at], lines[at].partition("#")[2]])
    found = []
    for name in dict.fromkeys(_FILE_NAMED.findall(comment)):
        named = [directory / name] if (directory / name).is_file() else []
        if not named and "/" not in name:
            named = [p for p in directory.rglob(name) if not _SKIPPED & set(p.parts)][:2]
        if len(named) != 1 or named[0] == loc.path:
            continue
        saying = [s for s in read_text(named[0]).splitlines() if loc.value in s]
        if len(saying) == 1 and re.search(rf"(?<![\w.]){re.escape(loc.value)}(?![\w.])", saying[0]):
            found.append(
                pattern_location(named[0], saying[0].strip().replace(loc.value, "{version}"))
            )
    return found
