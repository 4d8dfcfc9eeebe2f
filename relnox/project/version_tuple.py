"""A version kept as a tuple and joined with dots: ``version_info = (1, 2, 0)`` then
``__version__ = ".".join(map(str, version_info))`` (or ``str(v) for v in ...``).

Python gives that ``__version__`` when setuptools (``attr``), flit or a setup.py imports
the module; read here without running it, and rewritten in the tuple (a pre-release or dev
part as its last, string, element: ``(0, 2, 0, "dev0")`` is ``0.2.0.dev0``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from relnox.errors import VersionError
from relnox.project.sources import VersionLocation, read_text

# __version__ = ".".join(map(str, NAME)), or a generator / list of str(x) for x in NAME;
# the whole value (nothing added after it), also behind another name (VERSION = __version__ = )
JOIN = re.compile(
    r"""^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(['"])\.\1[ \t]*\.join\([ \t]*"""
    r"""(?:map\([ \t]*str[ \t]*,[ \t]*(?P<mapped>\w+)[ \t]*\)"""
    r"""|\[?[ \t]*str\((?P<var>\w+)\)[ \t]+for[ \t]+(?P=var)[ \t]+in[ \t]+(?P<looped>\w+)[ \t]*\]?)"""
    r"""[ \t]*\)[ \t]*(?:#.*)?$""",
    re.M,
)


def _tuple_re(name: str) -> re.Pattern[str]:
    """``NAME = (1, 2, 0)`` or ``NAME = 1, 2, 0`` at the top of a module, on one line."""
    return re.compile(
        rf"""^{re.escape(name)}[ \t]*=[ \t]*(?P<open>\(?)(?P<parts>[^()\r\n#]*?)(?P<close>\)?)"""
        r"""[ \t]*(?:#.*)?$""",
        re.M,
    )


def _parts(text: str) -> tuple[int | str, ...] | None:
    try:
        value = ast.literal_eval(f"({text},)" if text.strip() else "()")
    except (SyntaxError, ValueError):
        return None
    if not isinstance(value, tuple) or len(value) < 2:
        return None
    ints = [p for p in value if isinstance(p, int) and not isinstance(p, bool)]
    # numbers, then at most one string at the end: (0, 2, 0, "dev0")
    strings = value[len(ints) :]
    if len(ints) < 2 or value[: len(ints)] != tuple(ints) or len(strings) > 1:
        return None
    if strings and not isinstance(strings[0], str):
        return None
    return value


def _found(text: str) -> tuple[str, re.Match[str], tuple[int | str, ...]] | None:
    """The tuple's name, its assignment and its parts, when ``text`` joins one into
    ``__version__``."""
    join = JOIN.search(text)
    if join is None:
        return None
    name = join.group("mapped") or join.group("looped")
    assigned = _tuple_re(name).search(text)
    if assigned is None or assigned.start() > join.start():
        return None
    parts = _parts(assigned.group("parts"))
    return None if parts is None else (name, assigned, parts)


def joined(text: str) -> str | None:
    """The ``__version__`` the module ``text`` joins from its tuple, if it does."""
    found = _found(text)
    return None if found is None else ".".join(str(p) for p in found[2])


def location(path: Path) -> VersionLocation | None:
    """The version of ``path`` when it joins a tuple into ``__version__``."""
    if not path.is_file():
        return None
    text = read_text(path)
    found = _found(text)
    if found is None:
        return None
    return VersionLocation(path, "tuple", ".".join(str(p) for p in found[2]), key=(found[0],))


def respell(path: Path, text: str, old: str, new: str) -> str:
    """``text`` with its version tuple saying ``new``: the release's numbers, and what
    follows them (``rc1``, ``dev0``, ``post1``) as one last string element."""
    from packaging.version import InvalidVersion, Version

    found = _found(text)
    if found is None or ".".join(str(p) for p in found[2]) != old:
        raise VersionError(f"{path}: the version {old!r} is no longer where it was read; rerun")
    assigned = found[1]
    try:
        parsed = Version(new)
    except InvalidVersion:
        raise VersionError(f"{path}: {new!r} is not a valid PEP 440 version") from None
    if parsed.epoch or parsed.local:
        raise VersionError(
            f"{path}: the version tuple cannot spell {new} (no epoch or local label); "
            "choose a version without them with --to"
        )
    release = ".".join(str(n) for n in parsed.release)
    rest = str(parsed)[len(release) :].lstrip(".")
    # the quote of its string element, else of the join's "."
    join = JOIN.search(text)
    quote = next((q for q in ('"', "'") if q in assigned.group("parts")), None)
    quote = quote or (join.group(1) if join else '"')
    items = [str(n) for n in parsed.release] + ([f"{quote}{rest}{quote}"] if rest else [])
    body = ", ".join(items)
    start, end = assigned.span("open")[0], assigned.span("close")[1]
    return text[:start] + assigned.group("open") + body + assigned.group("close") + text[end:]
