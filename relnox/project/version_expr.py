"""A version computed by a small expression of a literal tuple, read without running it.

django-allauth's ``__version__ = ".".join(map(str, VERSION[:3])) + (f"-{VERSION[3]}{VERSION[4]
or ''}" if VERSION[3] != "final" else "")``: constants, the tuple's name, ``str(x)``,
``map(str, x)``, ``"sep".join(x)`` (also of ``str(v) for v in x``), indexes and slices, ``+`` of strings, f-strings without
formats, ``'%s.%s' % (...)`` of plain ``%s``, a literal table of the module (``_specifier_[...]``),
``==``/``!=``, ``and``/``or``/``not`` and ``a if c else b`` are evaluated as Python
would; anything else (another call, another ``%``, a format width) leaves it unread, so
nothing runs and nothing grows past the tuple's own text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path

from packaging.version import InvalidVersion, Version

from relnox.errors import VersionError
from relnox.project.sources import VersionLocation, read_text

#: the evaluator, applied to a child node
_Again = Callable[[ast.expr], object]


class _Unread(Exception):
    """An expression the evaluator does not read."""


def computed(
    expression: ast.expr, name: str, node: ast.expr, constants: Mapping[str, object] = {}
) -> str | None:
    """The version ``expression`` computes of the literal tuple ``node`` bound to ``name``
    (and of the module's literal ``constants``: bqplot's ``_specifier_`` table of level
    words), spelled as PEP 440 normalises it (``65.17.0-alpha1`` is ``65.17.0a1``); ``None``
    when it reads anything else or makes no version."""
    if not isinstance(node, ast.Tuple):
        return None
    try:
        value = _evaluate(expression, name, ast.literal_eval(node), constants)
        return str(Version(value)) if isinstance(value, str) else None
    except (_Unread, TypeError, ValueError, IndexError, InvalidVersion):
        return None


def _evaluate(node: ast.expr, name: str, parts: object, constants: Mapping[str, object]) -> object:
    def again(child: ast.expr) -> object:
        return _evaluate(child, name, parts, constants)

    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id == name:
        return parts
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.Subscript):
        return _subscript(again(node.value), node.slice, again)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = again(node.left), again(node.right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        # '%s.%s.%s%s' % (...): plain %s conversions of a tuple, nothing else
        left = again(node.left)
        if isinstance(left, str) and isinstance(node.right, ast.Tuple):
            values = tuple(str(again(item)) for item in node.right.elts)
            if left.replace("%s", "").count("%") == 0 and left.count("%s") == len(values):
                return left % values
    elif isinstance(node, ast.JoinedStr):
        return "".join(_piece(piece, again) for piece in node.values)
    elif isinstance(node, ast.IfExp):
        return again(node.body) if again(node.test) else again(node.orelse)
    elif isinstance(node, ast.BoolOp):
        result = again(node.values[0])
        for child in node.values[1:]:
            if bool(result) != isinstance(node.op, ast.And):
                break
            result = again(child)
        return result
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not again(node.operand)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = again(node.left), again(node.comparators[0])
        if isinstance(node.ops[0], ast.Eq | ast.NotEq):
            return (left == right) == isinstance(node.ops[0], ast.Eq)
    elif isinstance(node, ast.Call) and not node.keywords:
        return _call(node.func, node.args, again)
    elif isinstance(node, ast.GeneratorExp | ast.ListComp) and len(node.generators) == 1:
        # str(x) for x in VERSION[:3]: one loop of a plain name, no filter
        loop = node.generators[0]
        if loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name):
            raise _Unread
        items = again(loop.iter)
        if not isinstance(items, tuple | list) or loop.target.id == name:
            raise _Unread
        bound = loop.target.id
        return [_evaluate(node.elt, name, parts, {**constants, bound: i}) for i in items]
    raise _Unread


def _subscript(base: object, index: ast.expr, again: _Again) -> object:
    if isinstance(base, dict):  # a table of the module's constants: _specifier_["beta"]
        key = again(index)
        if not isinstance(key, str) or key not in base:
            raise _Unread
        return base[key]
    if not isinstance(base, tuple | list | str):
        raise _Unread
    if isinstance(index, ast.Slice):
        bounds = [None if b is None else again(b) for b in (index.lower, index.upper)]
        lower, upper = (b if type(b) is int else None for b in bounds)
        if index.step is not None or [lower, upper] != bounds:
            raise _Unread  # a step, or a bound that is no int
        return base[lower:upper]
    at = again(index)
    if type(at) is not int:
        raise _Unread
    return base[at]


def _piece(piece: ast.expr, again: _Again) -> str:
    """One piece of an f-string: its text, or a value without a format or conversion."""
    if not isinstance(piece, ast.FormattedValue):
        return str(again(piece))
    if piece.format_spec is not None or piece.conversion not in (-1, ord("s")):
        raise _Unread
    return str(again(piece.value))


def _call(func: ast.expr, args: list[ast.expr], again: _Again) -> object:
    """``str(x)``, ``map(str, x)`` and ``"sep".join(x)``; no other call."""
    if isinstance(func, ast.Name) and func.id == "str" and len(args) == 1:
        return str(again(args[0]))
    if (
        isinstance(func, ast.Name)
        and func.id == "map"
        and len(args) == 2
        and isinstance(args[0], ast.Name)
        and args[0].id == "str"
        and isinstance(items := again(args[1]), tuple | list)
    ):
        return [str(item) for item in items]
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "join"
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str)
        and len(args) == 1
        and isinstance(items := again(args[0]), tuple | list)
        and all(isinstance(item, str) for item in items)
    ):
        return func.value.value.join(str(item) for item in items)
    raise _Unread


# pyudev's ``__version_info__ = (0, 24, 4, "")`` and an f-string of it: a tuple of numbers
# (and one string) that ``__version__``'s expression alone reads, whatever its shape


def _plain_tuple(node: ast.expr) -> bool:
    """A literal tuple of at least two numbers, then at most one string."""
    try:
        value = ast.literal_eval(node) if isinstance(node, ast.Tuple) else None
    except ValueError:
        return False
    if not isinstance(value, tuple):
        return False
    count = next((i for i, part in enumerate(value) if type(part) is not int), len(value))
    rest = value[count:]
    return count >= 2 and len(rest) <= 1 and all(isinstance(part, str) for part in rest)


def _found(text: str) -> tuple[str, ast.expr, str] | None:
    """The tuple's name, its node and the version ``__version__``'s last assignment at the
    top of the module computes of it, when that reads the one plain tuple and nothing else."""
    from relnox.project.python_ast import name_assignments, parse

    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    tuples: dict[str, ast.expr] = {}
    version: ast.expr | None = None
    for bound, node in name_assignments(tree):
        if bound == "__version__":
            version = node
        elif _plain_tuple(node):
            tuples[bound] = node
    if version is None:
        return None
    looped = {
        t.id
        for n in ast.walk(version)
        if isinstance(n, ast.comprehension)
        for t in ast.walk(n.target)
        if isinstance(t, ast.Name)
    }
    names = {n.id for n in ast.walk(version) if isinstance(n, ast.Name)}
    names -= {"str", "map"} | looped
    if len(names) != 1 or (name := names.pop()) not in tuples:
        return None
    value = computed(version, name, tuples[name])
    return None if value is None else (name, tuples[name], value)


def expr_value(text: str) -> str | None:
    """The version ``__version__``'s expression computes of the module's plain tuple."""
    found = _found(text)
    return None if found is None else found[2]


def expr_location(path: Path) -> VersionLocation | None:
    """``path``'s version when ``__version__`` is an expression of a plain tuple alone."""
    found = _found(read_text(path)) if path.is_file() else None
    return None if found is None else VersionLocation(path, "expr", found[2], key=(found[0],))


def respell_expr(path: Path, text: str, old: str, new: str) -> str:
    """``text`` with its tuple rewritten so that ``__version__``'s expression computes
    ``new``: as many numbers as it has (the release padded with zeros), and the rest of the
    version (``rc1``, ``.dev0``) as its string, which a final release leaves empty; refused
    when no such tuple computes ``new``."""
    found = _found(text)
    if found is None or found[2] != old:
        raise VersionError(f"{path}: the version {old!r} is no longer where it was read; rerun")
    _name, node, _value = found
    try:
        parsed = Version(new)
    except InvalidVersion:
        raise VersionError(f"{path}: {new!r} is not a valid PEP 440 version") from None
    parts = ast.literal_eval(node)
    count = next((i for i, part in enumerate(parts) if type(part) is not int), len(parts))
    release = ".".join(map(str, parsed.release))
    rest = str(parsed)[len(release) :]
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: node.lineno - 1]) + node.col_offset
    end = sum(len(line) for line in lines[: (node.end_lineno or node.lineno) - 1])
    end += node.end_col_offset or 0
    original = text[start:end]
    quote = "'" if "'" in original and '"' not in original else '"'
    numbers = [str(n) for n in (*parsed.release, *(0,) * count)[:count]]
    for suffix in dict.fromkeys([rest, rest.lstrip(".")]):
        strings = [f"{quote}{suffix}{quote}"] if suffix or count < len(parts) else []
        body = ", ".join(numbers + strings)
        written = text[:start] + (f"({body})" if original.startswith("(") else body) + text[end:]
        if len(parsed.release) <= count and expr_value(written) == str(parsed):
            return written
    raise VersionError(
        f"{path}: the version tuple {original} cannot be written so that __version__ is "
        f"{new}; choose another version with --to, or write the tuple by hand"
    )
