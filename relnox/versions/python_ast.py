"""Python source read as a tree, never run; a hostile file's ``MemoryError`` or
``RecursionError`` is a ``SyntaxError`` ("not a shape relnox reads")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

#: what :mod:`ast` raises for source it cannot turn into a tree
_TOO_DEEP = (RecursionError, MemoryError)


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``source`` as a module's tree; :class:`SyntaxError` for anything the parser refuses."""
    try:
        return ast.parse(source, filename)
    except _TOO_DEEP:
        raise SyntaxError(f"{filename}: nested too deeply to parse") from None


def literal(source: str) -> Any:
    """:func:`ast.literal_eval` of ``source``; :class:`SyntaxError` as :func:`parse`."""
    try:
        return ast.literal_eval(source)
    except _TOO_DEEP:
        raise SyntaxError("a literal nested too deeply to parse") from None


def name_assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    """Each module-level ``NAME = value`` of ``tree`` (one target, a plain name), in order."""
    for node in tree.body:
        match node:
            case ast.Assign(targets=[ast.Name(id=name)], value=value):
                yield name, value


def string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
