"""A version kept in named parts, joined at import (IPython's ``IPython/core/release.py``)::

    _version_major = 9
    _version_minor = 17
    _version_patch = 0
    _version_extra = ".dev"
    _ver = [_version_major, _version_minor, _version_patch]
    __version__ = ".".join(map(str, _ver))
    if _version_extra:
        __version__ = __version__ + _version_extra

Or formatted from named parts (watchdog's ``VERSION_STRING =
f"{VERSION_MAJOR}.{VERSION_MINOR}.{VERSION_BUILD}"``, which its setup.py reads; kivy's
``'%d.%d.%d' % (MAJOR, MINOR, MICRO)``, then ``if not RELEASE: __version__ += '.dev0'``
with ``RELEASE = False``: the flag a release sets to ``True``).

Python gives ``9.17.0.dev`` when setuptools (``attr``) imports the module; read here without
running it (the last top-level assignment of each name before it is used counts, as
IPython switches ``_version_extra = ""`` on below its ``.dev`` line for a release), and
rewritten in the same assignments.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from relnox.errors import VersionError
from relnox.project.python_ast import parse
from relnox.project.sources import VersionLocation, read_text
from relnox.versioning import maybe_version

VERSION = "__version__"


@dataclass(frozen=True)
class Parts:
    numbers: tuple[ast.Constant, ...]  # the literal each number part is assigned
    extra: ast.Constant | None  # the literal string added after them, if any
    #: the boolean whose False adds ``extra`` (kivy's ``RELEASE = False`` then ``if not
    #: RELEASE: __version__ += '.dev0'``), if one decides it
    release: ast.Constant | None = None

    @property
    def value(self) -> str:
        text = ".".join(str(n.value) for n in self.numbers)
        if self.release is not None and self.release.value:
            return text
        return text + (str(self.extra.value) if self.extra is not None else "")


def dot_join_argument(node: ast.AST) -> ast.expr | None:
    """The one argument of ``".".join(...)``, or ``None`` for any other node."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value == "."
        and len(node.args) == 1
    ):
        return node.args[0]
    return None


def _joined_name(node: ast.expr) -> str | None:
    """``NAME`` of ``".".join(map(str, NAME))`` or ``".".join(str(x) for x in NAME)``."""
    arg = dot_join_argument(node)
    if arg is None:
        return None
    if (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Name)
        and arg.func.id == "map"
        and len(arg.args) == 2
        and isinstance(arg.args[0], ast.Name)
        and arg.args[0].id == "str"
        and isinstance(arg.args[1], ast.Name)
    ):
        return arg.args[1].id
    if isinstance(arg, ast.GeneratorExp | ast.ListComp) and len(arg.generators) == 1:
        loop = arg.generators[0]
        if isinstance(loop.iter, ast.Name) and not loop.ifs:
            return loop.iter.id
    return None


def _added(stmt: ast.stmt) -> str | None:
    """``NAME`` of ``__version__ = __version__ + NAME`` or ``__version__ += NAME``."""
    target: ast.expr
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
        target, value = stmt.target, stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
        if not (
            isinstance(value, ast.BinOp)
            and isinstance(value.op, ast.Add)
            and isinstance(value.left, ast.Name)
            and value.left.id == VERSION
        ):
            return None
        value = value.right
    else:
        return None
    if isinstance(target, ast.Name) and target.id == VERSION and isinstance(value, ast.Name):
        return value.id
    return None


def _flagged(
    stmt: ast.stmt, bound: dict[str, ast.expr]
) -> tuple[ast.Constant, ast.Constant] | None:
    """kivy's ``if not RELEASE: __version__ += '.dev0'``: the flag's boolean literal and
    the string added, when ``RELEASE`` is bound to ``True`` or ``False``."""
    if not (isinstance(stmt, ast.If) and len(stmt.body) == 1 and not stmt.orelse):
        return None
    test, added = stmt.test, stmt.body[0]
    if not (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Name)
        and isinstance(added, ast.AugAssign)
        and isinstance(added.op, ast.Add)
        and isinstance(added.target, ast.Name)
        and added.target.id == VERSION
        and isinstance(added.value, ast.Constant)
        and isinstance(added.value.value, str)
    ):
        return None
    flag = bound.get(test.operand.id)
    if not (isinstance(flag, ast.Constant) and isinstance(flag.value, bool)):
        return None
    return flag, added.value


def _percent(value: ast.expr, bound: dict[str, ast.expr]) -> tuple[ast.Constant, ...] | None:
    """kivy's ``'%d.%d.%d' % (MAJOR, MINOR, MICRO)``: the number literals of the named
    parts a ``%d`` format joins with dots, or ``None``."""
    if not (
        isinstance(value, ast.BinOp)
        and isinstance(value.op, ast.Mod)
        and isinstance(value.left, ast.Constant)
        and isinstance(value.right, ast.Tuple)
        and value.left.value == ".".join(["%d"] * len(value.right.elts))
        and len(value.right.elts) >= 2
    ):
        return None
    found = [bound.get(e.id) if isinstance(e, ast.Name) else None for e in value.right.elts]
    if not all(_is_int(v) for v in found):
        return None
    return tuple(v for v in found if isinstance(v, ast.Constant))


def find_parts(text: str) -> Parts | None:
    """The named parts ``__version__`` is joined from in the module ``text``, if it is."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    bound: dict[str, ast.expr] = {}  # each name's last top-level value so far
    numbers: tuple[ast.Constant, ...] | None = None
    extra: ast.Constant | None = None
    release: ast.Constant | None = None
    string_name: str | None = None  # the name of an f-string version, if that is the source
    for stmt in tree.body:
        if numbers is not None and (flagged := _flagged(stmt, bound)) is not None:
            release, extra = flagged
            break
        if numbers is not None:  # after the join: what is added to it
            name = _added(stmt)
            if name is None and isinstance(stmt, ast.If) and len(stmt.body) == 1:
                name = _added(stmt.body[0])
                test = stmt.test
                if not (isinstance(test, ast.Name) and test.id == name) or stmt.orelse:
                    name = None
            if name is not None:
                value = bound.get(name)
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    return None
                extra = value
                break
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if not isinstance(target, ast.Name):
                continue
            formatted = _formatted(stmt.value, bound) if _NAMED.fullmatch(target.id) else None
            if formatted is not None and numbers is None:
                numbers = formatted  # watchdog's VERSION_STRING = f"{VERSION_MAJOR}.{...}"
                string_name = target.id
            elif target.id == VERSION and string_name not in (None, VERSION):
                pass  # watchdog's __version__ = VERSION_INFO: its tuple, not the string
            elif target.id == VERSION and (percent := _percent(stmt.value, bound)) is not None:
                if numbers is not None:
                    return None  # assigned again another way
                numbers = percent
            elif target.id == VERSION:
                if numbers is not None:
                    return None  # assigned again another way
                joined = _joined_name(stmt.value)
                items = bound.get(joined) if joined else None
                if not isinstance(items, ast.List | ast.Tuple):
                    return None
                values = [bound.get(e.id) if isinstance(e, ast.Name) else None for e in items.elts]
                if len(values) < 2 or not all(_is_int(v) for v in values):
                    return None
                numbers = tuple(v for v in values if isinstance(v, ast.Constant))
            bound[target.id] = stmt.value
    if numbers is None:
        return None
    parts = Parts(numbers, extra, release)
    return parts if maybe_version(parts.value) is not None else None


#: a name a version string is bound to (``__version__``, ``VERSION_STRING``, ``version_str``)
_NAMED = re.compile(r"_*(?:version|VERSION)(?:_string|_STRING|_str|_STR)?_*")


def _formatted(value: ast.expr, bound: dict[str, ast.expr]) -> tuple[ast.Constant, ...] | None:
    """The number literals an f-string of named parts joined with dots is made of
    (``f"{VERSION_MAJOR}.{VERSION_MINOR}.{VERSION_BUILD}"``), or ``None``."""
    if not isinstance(value, ast.JoinedStr) or len(value.values) < 3:
        return None
    names = value.values[0::2]
    dots = value.values[1::2]
    if len(value.values) % 2 == 0 or not all(
        isinstance(d, ast.Constant) and d.value == "." for d in dots
    ):
        return None
    found = []
    for part in names:
        if not (
            isinstance(part, ast.FormattedValue)
            and part.conversion == -1
            and part.format_spec is None
            and isinstance(part.value, ast.Name)
        ):
            return None
        literal = bound.get(part.value.id)
        if not _is_int(literal) or not isinstance(literal, ast.Constant):
            return None
        found.append(literal)
    return tuple(found)


def _is_int(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    )


def parts_value(text: str) -> str | None:
    """The version the module ``text`` joins from named parts, if it does."""
    found = find_parts(text)
    return None if found is None else found.value


def parts_location(path: Path) -> VersionLocation | None:
    if not path.is_file():
        return None
    value = parts_value(read_text(path))
    return None if value is None else VersionLocation(path, "parts", value)


def respell_parts(path: Path, text: str, old: str, new: str) -> str:
    """``text`` with its named parts saying ``new``: each number, and what follows them
    (``""`` for a release, ``b2``, ``.dev``) in the string added after."""
    from packaging.version import InvalidVersion, Version

    found = find_parts(text)
    if found is None or found.value != old:
        raise VersionError(f"{path}: the version {old!r} is no longer where it was read; rerun")
    try:
        parsed = Version(new)
    except InvalidVersion:
        raise VersionError(f"{path}: {new!r} is not a valid PEP 440 version") from None
    count = len(found.numbers)
    suffix = str(parsed)[len(".".join(str(n) for n in parsed.release)) :]
    if parsed.epoch or len(parsed.release) > count or (suffix and found.extra is None):
        raise VersionError(
            f"{path}: the {count} version parts there cannot spell {new}; choose a version "
            f"of {count} numbers{' and nothing after' if found.extra is None else ''} with --to"
        )
    old_extra = str(found.extra.value) if found.extra is not None else ""
    if suffix.endswith("dev0") and old_extra == suffix[:-1]:
        suffix = old_extra  # the file's own ".dev" for .dev0
    numbers = (*parsed.release, *(0,) * (count - len(parsed.release)))
    edits: list[tuple[ast.Constant, str]] = [
        (node, str(n)) for node, n in zip(found.numbers, numbers, strict=True)
    ]
    if found.release is not None:  # kivy's RELEASE: True for a release, its extra kept
        edits.append((found.release, str(not suffix)))
        if suffix and found.extra is not None and suffix != old_extra:
            edits.append((found.extra, _quoted(text, found.extra, suffix)))
    elif found.extra is not None:
        edits.append((found.extra, _quoted(text, found.extra, suffix)))
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:
        # ast columns count UTF-8 bytes
        return starts[line - 1] + len(lines[line - 1].encode()[:col].decode(errors="replace"))

    for node, spelled in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True):
        start = offset(node.lineno, node.col_offset)
        end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        text = text[:start] + spelled + text[end:]
    return text


def _quoted(text: str, node: ast.Constant, value: str) -> str:
    line = text.splitlines()[node.lineno - 1]
    raw = line.encode()[node.col_offset :]
    quote = "'" if raw.startswith(b"'") else '"'
    return f"{quote}{value}{quote}"
