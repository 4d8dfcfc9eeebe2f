"""A version kept as a tuple and joined with dots: ``version_info = (1, 2, 0)`` then
``__version__ = ".".join(map(str, version_info))`` (or ``str(v) for v in ...``).

Python gives that ``__version__`` when setuptools (``attr``), flit or a setup.py imports
the module (a filter on the parts, ``if part or part == 0``, is applied when it reads only
the part and literals); read here without running it, and rewritten in the tuple (a pre-release or dev
part as its last, string, element: ``(0, 2, 0, "dev0")`` is ``0.2.0.dev0``).

A tuple of version parts given to a function of the module (wrapt's ``__version__ =
_format_version(__version_info__)`` of ``("2", "4", "0", "rc1")``) is read as its numbers
joined with dots and the string after them, as PEP 440 spells that (``2.4.0rc1``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from relnox.errors import VersionError
from relnox.project.python_ast import literal, parse, parse_expression
from relnox.project.sources import VersionLocation, read_text

# __version__ = ".".join(map(str, NAME)), or a generator / list of str(x) (or "{0}".format(x))
# for x in NAME;
# the whole value (nothing added after it), also behind another name (VERSION = __version__ = )
JOIN = re.compile(
    r"""^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(['"])\.\1[ \t]*\.join\([ \t]*"""
    r"""(?:map\([ \t]*str[ \t]*,[ \t]*(?P<mapped>\w+)[ \t]*\)"""
    r"""|\[?[ \t]*(?:str|(?P<fq>['"])\{0?\}(?P=fq)\.format)\((?P<var>\w+)\)"""
    r"""[ \t]+for[ \t]+(?P=var)[ \t]+in[ \t]+(?P<looped>\w+)"""
    r"""(?:[ \t]+if[ \t]+(?P<cond>[^\[\]()\r\n#]+?))?[ \t]*\]?)"""
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
        value = literal(f"({text},)" if text.strip() else "()")
    except (SyntaxError, ValueError):
        return None
    if not isinstance(value, tuple) or len(value) < 2:
        return None
    numbers = list(_numbers(value))
    # numbers, then at most one string at the end: (0, 2, 0, "dev0"), ("2", "4", "0", "rc1")
    strings = value[len(numbers) :]
    if len(numbers) < 2 or len(strings) > 1:
        return None
    if strings and not isinstance(strings[0], str):
        return None
    return value


def _numbers(value: tuple[object, ...]) -> Iterator[int | str]:
    """The leading numbers of ``value``: ints, or strings of digits (wrapt's ``"2"``)."""
    for part in value:
        if (type(part) is int) or (isinstance(part, str) and part.isdecimal() and part.isascii()):
            yield part
        else:
            return


def _called(text: str) -> str | None:
    """``NAME`` of ``__version__ = f(NAME)``, ``f`` a function the module defines or
    imports (wrapt's ``_format_version(__version_info__)``), at the top of the module."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    known = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} | {
        alias.asname or alias.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom)
        for alias in n.names
    }
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__version__"]
            and len(node.targets) == 1
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in known
            and len(node.value.args) == 1
            and not node.value.keywords
            and isinstance(node.value.args[0], ast.Name)
        ):
            return node.value.args[0].id
    return None


def _kept(parts: tuple[int | str, ...], var: str, cond: str) -> tuple[int | str, ...] | None:
    """The parts a join's filter keeps (glom's ``str(part) for part in version_info if part
    or part == 0``): the condition evaluated for each part when it reads only the part and
    literals (``and``, ``or``, ``not``, ``==``, ``!=``, ``is``, ``is not``); ``None`` for
    any other condition, which only running the module tells."""
    try:
        tree = parse_expression(cond.strip())
    except SyntaxError:
        return None

    def value(node: ast.expr, part: int | str) -> object:
        if isinstance(node, ast.Name) and node.id == var:
            return part
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not value(node.operand, part)
        if isinstance(node, ast.BoolOp):
            values = [value(v, part) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = value(node.left, part), value(node.comparators[0], part)
            compare = {ast.Eq: left == right, ast.NotEq: left != right}
            compare |= {ast.Is: left is right, ast.IsNot: left is not right}
            if type(node.ops[0]) in compare:
                return compare[type(node.ops[0])]
        raise ValueError(ast.dump(node))

    try:
        return tuple(p for p in parts if value(tree.body, p))
    except ValueError:
        return None


def _bound_re(name: str) -> re.Pattern[str]:
    """``NAME = (6, 1, 0)`` at the top of a module, on one line, maybe among other names
    bound at once (django-reversion's ``__version__ = VERSION = (6, 1, 0)``)."""
    return re.compile(
        rf"""^(?:\w+[ \t]*=[ \t]*)*{re.escape(name)}[ \t]*=[ \t]*(?:\w+[ \t]*=[ \t]*)*"""
        r"""(?P<open>\(?)(?P<parts>[^()\r\n#=]*?)(?P<close>\)?)[ \t]*(?:#.*)?$""",
        re.M,
    )


def _found(
    text: str, name: str | None = None
) -> tuple[str, re.Match[str], tuple[int | str, ...], bool] | None:
    """The tuple's name, its assignment, its parts (those a join's filter keeps) and
    whether a function of the module makes the version of it (else ``".".join`` does),
    when ``text`` makes ``__version__`` of one; or, given ``name``, when the module makes
    nothing of it, the tuple ``name`` binds, which another file joins with dots
    (setup.py's ``".".join(str(x) for x in __version__)`` of the imported tuple)."""
    join = JOIN.search(text)
    if join is None and name is not None and ("__version__" not in text or not _called(text)):
        assigned = _bound_re(name).search(text)
        parts = _parts(assigned.group("parts")) if assigned is not None else None
        return None if parts is None or assigned is None else (name, assigned, parts, False)
    if join is not None and join.group("cond") is not None:
        assigned = _tuple_re(join.group("looped")).search(text)
        parts = _parts(assigned.group("parts")) if assigned is not None else None
        if assigned is None or assigned.start() > join.start() or parts is None:
            return None
        kept = _kept(parts, join.group("var"), join.group("cond"))
        return None if kept is None else (join.group("looped"), assigned, kept, False)
    if join is not None:
        name = join.group("mapped") or join.group("looped")
        at = join.start()
    elif "__version__" in text and (called := _called(text)) is not None:
        name = called
        at = len(text)
    else:
        return None
    assigned = _tuple_re(name).search(text)
    if assigned is None or assigned.start() > at:
        return None
    parts = _parts(assigned.group("parts"))
    return None if parts is None else (name, assigned, parts, join is None)


def _value(parts: tuple[int | str, ...], called: bool) -> str | None:
    """What ``".".join`` makes of ``parts``; what a function makes of them is read as the
    numbers joined with dots and the string after them, as PEP 440 spells that (wrapt's
    ``("2", "4", "0", "dev1")`` is ``2.4.0.dev1``, its ``"rc1"`` ``2.4.0rc1``)."""
    if not called:
        return ".".join(str(p) for p in parts)
    numbers = list(_numbers(parts))
    suffix = "".join(str(p) for p in parts[len(numbers) :])
    return maybe_canonical(".".join(str(n) for n in numbers) + suffix)


def maybe_canonical(text: str) -> str | None:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def joined(text: str, name: str | None = None) -> str | None:
    """The ``__version__`` the module ``text`` makes of its tuple, if it does (given
    ``name``: its tuple ``name`` joined with dots, when it makes nothing of it)."""
    found = _found(text, name)
    return None if found is None else _value(found[2], found[3])


def joined_elsewhere(path: Path, name: str) -> VersionLocation | None:
    """The tuple ``name`` of ``path`` that another file joins with dots into the version
    (setup.py's ``version=".".join(str(x) for x in __version__)``), if ``path`` binds one."""
    if not path.is_file():
        return None
    found = _found(read_text(path), name)
    value = None if found is None else _value(found[2], found[3])
    if found is None or value is None or maybe_canonical(value) is None:
        return None
    return VersionLocation(path, "tuple", value, key=(found[0],))


def location(path: Path) -> VersionLocation | None:
    """The version of ``path`` when it joins a tuple into ``__version__``."""
    if not path.is_file():
        return None
    text = read_text(path)
    found = _found(text)
    value = None if found is None else _value(found[2], found[3])
    if found is None or value is None:
        return None
    return VersionLocation(path, "tuple", value, key=(found[0],))


def respell(path: Path, text: str, old: str, new: str, name: str | None = None) -> str:
    """``text`` with its version tuple saying ``new``: the release's numbers, and what
    follows them (``rc1``, ``dev0``, ``post1``) as one last string element."""
    from packaging.version import InvalidVersion, Version

    found = _found(text, name)
    if found is None or _value(found[2], found[3]) != old:
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
    # numbers as the tuple writes them: ints, or strings of digits
    spelled = isinstance(found[2][0], str)
    items = [f"{quote}{n}{quote}" if spelled else str(n) for n in parsed.release]
    items += [f"{quote}{rest}{quote}"] if rest else []
    body = ", ".join(items)
    start, end = assigned.span("open")[0], assigned.span("close")[1]
    written = text[:start] + assigned.group("open") + body + assigned.group("close") + text[end:]
    again = maybe_canonical(joined(written, name) or "")
    if again is None or Version(again) != parsed:  # a filter dropped a part that counts
        raise VersionError(
            f"{path}: the version tuple cannot spell {new} (the join's filter drops a part of "
            f"({body})); choose another version with --to, or write the tuple by hand"
        )
    return written


# sys.version_info's shape: (major, minor, micro, level, serial), as Django, Markdown and
# pyparsing keep their version; each level as those projects spell it, and its PEP 440 part
