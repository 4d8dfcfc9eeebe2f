"""A version computed by a small expression of a literal tuple, read without running it.

django-allauth's ``__version__ = ".".join(map(str, VERSION[:3])) + (f"-{VERSION[3]}{VERSION[4]
or ''}" if VERSION[3] != "final" else "")``: constants, the tuple's name, ``str(x)``,
``map(str, x)``, ``"sep".join(x)``, indexes and slices, ``+`` of strings, f-strings without
formats, ``'%s.%s' % (...)`` of plain ``%s``, a literal table of the module (``_specifier_[...]``),
``==``/``!=``, ``and``/``or``/``not`` and ``a if c else b`` are evaluated as Python
would; anything else (another call, another ``%``, a format width) leaves it unread, so
nothing runs and nothing grows past the tuple's own text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

from packaging.version import InvalidVersion, Version

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
