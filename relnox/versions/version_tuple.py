"""A version kept as a tuple joined with dots (``__version__ = ".".join(map(str, info))``):
the tuple is the literal a bump rewrites, a pre-release or dev part its last string; and
incremental's ``Version("pkg", 24, 7, 0)``, whose arguments are."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from itertools import takewhile
from pathlib import Path
from typing import Any

from packaging.version import Version

from relnox.errors import VersionError
from relnox.toml import table
from relnox.versions.arithmetic import maybe_version, validate_version
from relnox.versions.python_ast import literal, parse
from relnox.versions.sources import Found, VersionLocation, compose, moved, read_text

# __version__ = ".".join(map(str, NAME)), or of str(x) (or "{0}".format(x)) for x in NAME
JOIN = re.compile(
    r"""^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(['"])\.\1[ \t]*\.join\([ \t]*"""
    r"""(?:map\([ \t]*str[ \t]*,[ \t]*(?P<mapped>\w+)[ \t]*\)"""
    r"""|\[?[ \t]*(?:str|(?P<fq>['"])\{0?\}(?P=fq)\.format)\((?P<var>\w+)\)"""
    r"""[ \t]+for[ \t]+(?P=var)[ \t]+in[ \t]+(?P<looped>\w+)"""
    r"""(?:[ \t]+if[ \t]+(?P<cond>[^\[\]()\r\n#]+?))?[ \t]*\]?)"""
    r"""[ \t]*\)[ \t]*(?:#.*)?$""",
    re.M,
)
#: __version__ = ".".join(map(str, NAME[:3])) + "".join(NAME[3:])
SPLIT = re.compile(
    r"""^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(['"])\.\1[ \t]*\.join\([ \t]*map\("""
    r"""[ \t]*str[ \t]*,[ \t]*(?P<mapped>\w+)[ \t]*\[[ \t]*:[ \t]*(?P<cut>\d)[ \t]*\][ \t]*\)[ \t]*\)"""
    r"""[ \t]*\+[ \t]*(['"])\4[ \t]*\.join\([ \t]*(?P=mapped)[ \t]*\[[ \t]*(?P=cut)[ \t]*:[ \t]*\]"""
    r"""[ \t]*\)[ \t]*(?:#.*)?$""",
    re.M,
)


def literal_tuple(text: str) -> tuple[Any, ...] | None:
    """The tuple the parts ``text`` of a one-line tuple make, if they are literals."""
    try:
        value = literal(f"({text},)" if text.strip() else "()")
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, tuple) else None


def _parts(text: str, cut: int | None = None) -> tuple[int | str, ...] | None:
    if (value := literal_tuple(text)) is None or len(value) < 2:
        return None
    numbers = list(takewhile(_number, value))
    # numbers, then at most one string (0, 2, 0, "dev0"); split at ``cut``: then strings
    strings = value[len(numbers) :]
    if cut is not None:
        return value if len(numbers) == cut and all(isinstance(p, str) for p in strings) else None
    if len(numbers) < 2 or len(strings) > 1 or (strings and not isinstance(strings[0], str)):
        return None
    return value


def _number(part: object) -> bool:
    """An int, or a string of digits (``"2"``)."""
    return type(part) is int or (isinstance(part, str) and part.isdecimal() and part.isascii())


def _bound_re(name: str) -> re.Pattern[str]:
    """``NAME = (6, 1, 0)`` or ``NAME = 6, 1, 0`` on one top-level line."""
    return re.compile(
        rf"""^(?:\w+[ \t]*=[ \t]*)*{re.escape(name)}[ \t]*=[ \t]*(?:\w+[ \t]*=[ \t]*)*"""
        r"""(?P<open>\(?)(?P<parts>[^()\r\n#=]*?)(?P<close>\)?)[ \t]*(?:#.*)?$""",
        re.M,
    )


Parts = tuple[int | str, ...]


def _found(text: str, name: str | None = None) -> tuple[str, re.Match[str], Parts, int] | None:
    """The tuple's name, assignment, parts and how many the dots join, when ``text`` joins
    ``__version__`` of one or a function does; given ``name``, that tuple or function's."""
    join = JOIN.search(text) or SPLIT.search(text)
    if join is None and (called := _called(text, name)) is not None:
        return called
    if join is None and name is not None:
        assigned = _bound_re(name).search(text)
        parts = _parts(assigned.group("parts")) if assigned is not None else None
        return None if parts is None or assigned is None else (name, assigned, parts, len(parts))
    if join is None or join.groupdict().get("cond") is not None:
        return None
    name = join.group("mapped") or join.group("looped")
    cut = int(join["cut"]) if join.re is SPLIT else None
    if (assigned := _bound_re(name).search(text)) is None or assigned.start() > join.start():
        return None
    parts = _parts(assigned.group("parts"), cut)
    return None if parts is None else (name, assigned, parts, cut or len(parts))


#: ``__version__ = get_version()`` or ``get_version(VERSION)``
CALLED = re.compile(
    r"^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(?P<function>\w+)\([ \t]*(?P<given>\w*)"
    r"[ \t]*\)[ \t]*(?:#.*)?$",
    re.M,
)


def _function_tuples(text: str, name: str | None) -> list[tuple[str, re.Match[str]]]:
    """The module-level tuples a function of the module may make the version of: the one
    ``__version__ = get_version(VERSION)`` gives it, or those the function ``name`` (or the
    one ``__version__`` calls) reads."""
    call = CALLED.search(text) if name in (None, "__version__") else None
    function = call["function"] if call is not None else name
    if function is None or not re.search(rf"^def[ \t]+{re.escape(function)}[ \t]*\(", text, re.M):
        return []
    try:
        tree = parse(text)
    except SyntaxError:
        return []
    defined = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function), None
    )
    if defined is None:
        return []
    read = {n.id for n in ast.walk(defined) if isinstance(n, ast.Name)}
    given = call["given"] if call is not None and call["given"] else None
    return [
        (tuple_name, assigned)
        for tuple_name in sorted({given} if given else read)
        if (assigned := _bound_re(tuple_name).search(text)) is not None
    ]


def _called(text: str, name: str | None) -> tuple[str, re.Match[str], Parts, int] | None:
    """The tuple a function of the module makes the version of, joined with dots; not one
    whose join is no version, nor one with a release level word (:func:`_levelled`'s)."""
    tuples = [
        (tuple_name, assigned, parts)
        for tuple_name, assigned in _function_tuples(text, name)
        if (parts := _parts(assigned.group("parts"))) is not None
    ]
    if len(tuples) != 1 or maybe_version(_value(tuples[0][2])) is None:
        return None
    tuple_name, assigned, parts = tuples[0]
    return None if _levelled(parts) else (tuple_name, assigned, parts, len(parts))


def _value(parts: Parts, cut: int | None = None) -> str:
    """``".".join`` of the first ``cut`` of ``parts`` (all), the rest added as they are."""
    cut = len(parts) if cut is None else cut
    return ".".join(str(p) for p in parts[:cut]) + "".join(str(p) for p in parts[cut:])


def joined(text: str, name: str | None = None) -> str | None:
    """The version the module ``text`` makes of its tuple (given ``name``: of that one)."""
    found = _found(text, name)
    if found is None and (info := _info(text, name)) is not None:
        return info[1]
    return None if found is None else _value(*found[2:])


def _named(part: str, group: str) -> str:
    """``NAME = 17`` at the top of a module, ``NAME`` holding ``part``."""
    return rf"^\w*{part}\w*[ \t]*=[ \t]*(?P<{group}>\d+)[ \t]*(?:#.*)?$"


#: the release's numbers each under its own name (``_version_minor = 17``), then maybe a
#: string added after them (``_version_extra = ".dev"``, its last assignment)
NAMED = (
    rf"(?msi){_named('major', 'major')}.*?{_named('minor', 'minor')}.*?"
    rf"{_named('(?:patch|micro)', 'patch')}"
    r"""(?:.*?^(?P<label>\w*(?:extra|suffix)\w*)[ \t]*=[ \t]*(?P<q>['"])(?P<extra>[^'"\r\n]*)"""
    r"(?P=q)(?![\s\S]*^(?P=label)[ \t]*=))?(?=.*^__version__[ \t]*=)"
)


#: ``version_info = VersionInfo(4, 7, 0, "alpha", 1)`` (or a bare tuple, ``__version_info__``,
#: or ``VERSION = (8, 0, 0, "rc", 1)`` that ``__version__ = get_version(VERSION)`` reads)
INFO_NAMES = ("version_info", "__version_info__")
LEVELS = {"alpha": "a", "beta": "b", "candidate": "rc", "rc": "rc", "final": ""}
INFO = re.compile(
    rf"^(?P<name>{'|'.join(INFO_NAMES)})[ \t]*=[ \t]*\w*\((?P<parts>[^()\r\n#]*)\)[ \t]*(?:#.*)?$"
    r"|^(?P<upper>VERSION)[ \t]*=[ \t]*\((?P<tuple>[^()\r\n#]*)\)[ \t]*(?:#.*)?$"
    r"(?=[\s\S]*^__version__[ \t]*=[ \t]*\w+\([ \t]*VERSION[ \t]*\)[ \t]*(?:#.*)?$)",
    re.M,
)


#: ``__version__ = __version_info__.__version__``: made of the whole ``__version_info__``
_WHOLE = re.compile(r"^__version__[ \t]*=[^\r\n#]*\b__version_info__\b(?![ \t]*\[)", re.M)


#: ``__version__ = make(*version_info, _dev)``: a development number given beside it
_DEV_BESIDE = re.compile(
    r"^__version__[ \t]*=[ \t]*\w+\([ \t]*\*version_info[ \t]*,[ \t]*(?:\w+[ \t]*=[ \t]*)?"
    r"(?P<name>\w*dev\w*)[ \t]*\)[ \t]*(?:#.*)?$",
    re.M,
)


def _dev_number(text: str) -> re.Match[str] | None:
    """The ``_dev = 1`` assignment beside ``version_info`` (0: none, ``.devN`` else)."""
    beside = _DEV_BESIDE.search(text)
    name = re.escape(beside["name"]) if beside else None
    return (
        re.search(rf"^{name}[ \t]*=[ \t]*(?P<n>\d+)[ \t]*(?:#.*)?$", text, re.M) if name else None
    )


def _levelled(value: tuple[Any, ...] | None) -> str | None:
    """The version a tuple with a release level word says (``4, 2, 0, "final", 0``: 4.2.0;
    ``1, 3, 0, "rc", 1``: 1.3.0rc1; ``4, 2, 0, "beta"``: 4.2.0b0), else None."""
    if value is None or len(value) not in (4, 5) or value[3] not in LEVELS:
        return None
    if not all(type(p) is int for p in (*value[:3], *value[4:])):
        return None
    level = LEVELS[value[3]]
    return ".".join(map(str, value[:3])) + (f"{level}{(*value[4:], 0)[0]}" if level else "")


def _info(text: str, name: str | None = None) -> tuple[re.Match[str], str] | None:
    """The ``version_info`` assignment of ``text`` and the version it makes."""
    found = (
        INFO.search(text)
        if "__version__" in text and name in (None, "__version__", "VERSION", *INFO_NAMES)
        else None
    )
    if found is not None and found["name"] == "__version_info__" and not _WHOLE.search(text):
        return None  # "%d.%d.%d" % __version_info__[:3]: the level is not the version's
    if found is None:  # the one tuple with a level word that a function of the module reads
        read = [
            assigned
            for _, assigned in _function_tuples(text, name)
            if _levelled(literal_tuple(assigned["parts"]))
        ]
        found = read[0] if len(read) == 1 else None
    version = _levelled(literal_tuple(found[_group(found)])) if found else None
    if found is None or version is None:
        return None
    dev = _dev_number(text)
    return found, version + (f".dev{dev['n']}" if dev and int(dev["n"]) else "")


def _group(found: re.Match[str]) -> str:
    """The group holding the parts: ``version_info``'s, or ``VERSION``'s of :data:`INFO`."""
    return "tuple" if found.re is INFO and found["tuple"] is not None else "parts"


def _respell_info(path: Path, text: str, found: re.Match[str], new: str) -> str:
    """``text`` with its ``version_info`` (and development number) saying ``new``."""
    parsed = validate_version(new, str(path))
    levels = {short: level for level, short in LEVELS.items()}
    # "candidate" where the module says so, or where a version_info says neither; "rc" else
    python_shaped = found.re is INFO and found["name"] is not None
    python_shaped = python_shaped and not re.search(r"""(['"])rc\1""", text)
    levels["rc"] = "candidate" if "candidate" in text or python_shaped else "rc"
    group = _group(found)
    said = literal_tuple(found[group]) or ()
    four = len(said) == 4  # (4, 2, 0, "final"): no serial number
    counted = _dev_number(text) is not None or parsed.dev is None
    # a final release keeps the serial number its final releases are written with (1 or 0)
    kept = said[4] if len(said) == 5 and said[3] == "final" else 0
    level, serial = (levels[parsed.pre[0]], parsed.pre[1]) if parsed.pre else ("final", kept)
    unspelled = parsed.post is not None or parsed.epoch or parsed.local or (four and serial)
    if not counted or unspelled:
        raise VersionError(
            f"{path}: the version tuple ({found[group].strip()}) cannot spell {new}, "
            "having no word for it; choose another version with --to"
        )
    numbers = [*parsed.release, 0, 0][:3]
    quote = "'" if "'" in found[group] else '"'
    body = ", ".join(
        [*map(str, numbers), f"{quote}{level}{quote}", *([] if four else [str(serial)])]
    )
    text = text[: found.start(group)] + body + text[found.end(group) :]
    if (dev := _dev_number(text)) is None:
        return text
    return text[: dev.start("n")] + str(parsed.dev or 0) + text[dev.end("n") :]


def location(path: Path, name: str | None = None) -> VersionLocation | None:
    """The version of ``path`` joined from a tuple (given ``name``: that one) or named parts."""
    text = read_text(path) if path.is_file() else ""
    found = _found(text, name) if text else None
    parts = re.search(NAMED, text) if found is None and name in (None, "__version__") else None
    if parts is not None:
        result = "{major}.{minor}.{patch}" + ("{extra}" if parts["extra"] is not None else "")
        value = compose(result, parts.groupdict())
        if maybe_version(value) is not None:
            return VersionLocation(path, "pattern", value, pattern=NAMED, result=result)
    info = _info(text, name) if found is None and parts is None else None
    if info is not None and info[0].re is INFO:
        return VersionLocation(path, "tuple", info[1], key=(info[0]["name"] or "VERSION",))
    if info is not None:  # the function, or __version__ that calls it
        return VersionLocation(path, "tuple", info[1], key=(name or "__version__",))
    if found is None or (name and maybe_version(_value(*found[2:])) is None):
        return None
    return VersionLocation(path, "tuple", _value(*found[2:]), key=(found[0],))


def respell(path: Path, text: str, old: str, new: str, name: str | None = None) -> str:
    """``text`` with its version tuple saying ``new``: the release's numbers, then ``rc1``
    as one string (or in two, split: ``".dev", "0"``)."""
    info = _info(text, name)
    if info is not None and info[1] == old:
        return _respell_info(path, text, info[0], new)
    if (found := _found(text, name)) is None or _value(*found[2:]) != old:
        raise moved(path, old)
    _, assigned, parts, cut = found
    parsed, rest = tuple_parts(path, new, "the version tuple")
    join = JOIN.search(text) or SPLIT.search(text)
    quote = next((q for q in ('"', "'") if q in assigned.group("parts")), None)
    quote = quote or (join.group(1) if join else '"')
    spelled = isinstance(parts[0], str)
    release = list(parsed.release)
    strings = [rest] if rest else []
    said = parts[-1] if cut == len(parts) and not _number(parts[-1]) else None
    if rest and said is not None and maybe_version(_value((*release, said))) == parsed:
        strings = [str(said)]  # its own spelling where it still says the version ("DEV")
    if cut < len(parts):  # split: that many numbers, then its strings (the label, its number)
        release += [0] * (cut - len(release))
        tail = str(parsed)[len(".".join(map(str, parsed.release))) :]  # ".dev0", "rc1", ""
        label = re.fullmatch(r"(\D*)(\d*)", tail)
        strings = [tail] if len(parts) - cut == 1 else list(label.groups()) if label else []
        if len(release) != cut or len(strings) != len(parts) - cut:
            raise VersionError(
                f"{path}: the version tuple cannot spell {new}; choose another with --to"
            )
    items = [f"{quote}{n}{quote}" if spelled else str(n) for n in release]
    items += [f"{quote}{s}{quote}" for s in strings]
    body = ", ".join(items)
    start, end = assigned.span("open")[0], assigned.span("close")[1]
    return text[:start] + assigned.group("open") + body + assigned.group("close") + text[end:]


def tuple_parts(path: Path, new: str, what: str) -> tuple[Version, str]:
    """``new`` parsed, and what follows its release (``rc1``) for a tuple (``what``) to spell."""
    parsed = validate_version(new, str(path))
    if parsed.epoch or parsed.local:
        raise VersionError(
            f"{path}: {what} cannot spell {new} (no epoch or local label); "
            "choose a version without them with --to"
        )
    return parsed, str(parsed)[len(".".join(map(str, parsed.release))) :].lstrip(".")


#: incremental's ``__version__ = Version("pkg", 24, 7, 0)`` in ``_version.py``: the assignment
#: it writes, the call's arguments read by ast
CALL = re.compile(
    r"""^__version__[ \t]*=[ \t]*(?P<func>(?:\w+\.)?Version)\((?P<args>[^()]*)\)""", re.M
)
_POSITIONAL = ("package", "major", "minor", "micro", "release_candidate", "prerelease", "post")


def _arguments(args: str) -> dict[str, Any] | None:
    try:
        (statement,) = parse(f"f({args})").body
    except (SyntaxError, ValueError):
        return None
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not isinstance(call, ast.Call) or len(call.args) > len(_POSITIONAL) + 1:
        return None
    nodes = dict(zip([*_POSITIONAL, "dev"], call.args, strict=False))
    nodes.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    if any(k.arg is None for k in call.keywords):
        return None
    try:
        return {name: ast.literal_eval(node) for name, node in nodes.items()}
    except ValueError:
        return None


def public(text: str) -> str | None:
    """``Version(...).public()`` of the ``__version__`` assignment in ``text``, if any."""
    match = CALL.search(text)
    found = _arguments(match.group("args")) if match else None
    if found is None or not all(isinstance(found.get(k), int) for k in _POSITIONAL[1:4]):
        return None
    rc = found.get("release_candidate") or found.get("prerelease")
    version = f"{found['major']}.{found['minor']}.{found['micro']}"
    version += "" if rc is None else f"rc{rc}"
    version += "" if found.get("post") is None else f".post{found['post']}"
    return version + ("" if found.get("dev") is None else f".dev{found['dev']}")


def respell_incremental(path: Path, text: str, old: str, new: str) -> str:
    if (match := CALL.search(text)) is None or public(text) != old:
        raise moved(path, old)
    parsed = validate_version(new, str(path))
    other_pre = parsed.pre is not None and parsed.pre[0] != "rc"
    if parsed.epoch or parsed.local or len(parsed.release) > 3 or other_pre:
        raise VersionError(
            f"{path}: incremental's Version() cannot spell {new} (it writes major.minor.micro "
            "with rcN, .postN, .devN); choose a version of that shape with --to"
        )
    major, minor, micro = (*parsed.release, 0, 0)[:3]
    package = match.group("args").split(",", 1)[0].strip()
    rc = parsed.pre[1] if parsed.pre is not None else None
    named = {"release_candidate": rc, "post": parsed.post, "dev": parsed.dev}
    parts = [package, str(major), str(minor), str(micro)]
    parts += [f"{key}={value}" for key, value in named.items() if value is not None]
    start, end = match.span()
    line = text[start : match.start("func")] + f"{match.group('func')}({', '.join(parts)})"
    return text[:start] + line + text[end:]


def incremental_location(path: Path) -> VersionLocation | None:
    if not path.is_file():
        return None
    value = public(read_text(path))
    return None if value is None else VersionLocation(path, "incremental", value)


def opted_in(doc: Mapping[str, Any], build_requires: Sequence[str]) -> bool:
    required = any(re.match(r"\s*incremental\b", r, re.I) for r in build_requires)
    return required and "incremental" in table(doc, "tool")


def incremental_version(directory: Path, doc: Mapping[str, Any], what: str) -> Found:
    pyproject = directory / "pyproject.toml"
    name = table(doc, "tool", "incremental").get("name") or table(doc, "project").get("name")
    if not isinstance(name, str) or not name:
        raise VersionError(
            f"{pyproject}: {what} (incremental) needs the project's name; set [project] name "
            "or [tool.incremental] name"
        )
    folders = [directory / "src" / name.lower(), directory / name.lower()]
    folder = next((f for f in folders if f.is_dir()), None)
    if folder is None:
        raise VersionError(
            f"{pyproject}: {what} (incremental) reads {name.lower()}/_version.py under src/ "
            "or the top, and neither folder exists; set [tool.incremental] name to the "
            "package's folder"
        )
    loc = incremental_location(folder / "_version.py")
    if loc is None:
        raise VersionError(
            f'{folder / "_version.py"}: no __version__ = Version("{name}", major, minor, '
            f"micro) line, which {what} (incremental) reads; write one (incremental update "
            f"{name} --newversion 1.0.0 does)"
        )
    rel = loc.path.relative_to(directory).as_posix()
    return "incremental", [loc], f"{what}: incremental's Version() in {rel}"


def setup_py_incremental(
    directory: Path, roots: Sequence[Path], modules: Sequence[str]
) -> Found | None:
    """``setup(use_incremental=True)``: the ``_version.py`` of the package setup.py ships."""
    setup_py = directory / "setup.py"
    text = read_text(setup_py) if setup_py.is_file() else ""
    if not re.search(r"\buse_incremental\s*=\s*True\b", text):
        return None
    for module in modules:
        for root in roots:
            if (
                loc := incremental_location(root.joinpath(*module.split("."), "_version.py"))
            ) is not None:
                rel = loc.path.relative_to(directory).as_posix()
                return "incremental", [loc], f"setup(use_incremental=True): Version() in {rel}"
    return None
