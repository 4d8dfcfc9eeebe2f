"""What relnox can print: every string literal of relnox/, f-string holes kept as holes."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

HOLE = "\x00"
#: the share of a quoted message that must be the template's own words (the rest: values)
SHARE = 0.5
PERCENT = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdrfi]")


FIELD = re.compile(r"\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}")


def _render(node: ast.AST) -> str | None:
    """A string expression's text: an f-string's ``{...}``, a ``%s`` and whatever is added
    with ``+`` (a call, a name) are holes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return PERCENT.sub(HOLE, node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            value.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
            else HOLE
            for value in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _render(node.left), _render(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else HOLE) + (right if right is not None else HOLE)
    return None


@functools.cache
def templates(root: Path) -> tuple[str, ...]:
    """Every string expression of relnox's source (see :func:`_render`); a plain string's
    ``{name}`` fields are holes too (``.format`` templates)."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = _render(node)
            if text is not None:
                found.append(text)
                if isinstance(node, ast.Constant) and FIELD.search(text):
                    found.append(FIELD.sub(HOLE, text))
    return tuple(found)


def _tokens(fragment: str) -> list[str]:
    parts = fragment.split("...")
    tokens: list[str] = []
    for number, part in enumerate(parts):
        if number:
            tokens.append("...")
        tokens.extend(part)
    return tokens


def _matches(fragment: str, template: str) -> int:
    """How many characters of ``fragment`` the best reading of it as part of a message
    ``template`` prints takes from the template's own text (-1: no reading): a hole
    takes any text, ``...`` in the fragment stands for any part of the template."""
    end = len(template)

    def closure(states: dict[int, int]) -> dict[int, int]:
        todo = list(states)
        while todo:
            ti = todo.pop()
            if ti < end and template[ti] == HOLE and states.get(ti + 1, -1) < states[ti]:
                states[ti + 1] = states[ti]
                todo.append(ti + 1)
        return states

    states = closure(dict.fromkeys(range(end + 1), 0))
    for token in _tokens(fragment):
        after: dict[int, int] = {}
        if token == "...":
            best = max(states.values())
            after = dict.fromkeys(range(min(states), end + 1), best)
        else:
            for ti, count in states.items():
                if ti >= end:
                    continue
                if template[ti] == HOLE:
                    after[ti] = max(after.get(ti, -1), count)
                elif template[ti] == token:
                    after[ti + 1] = max(after.get(ti + 1, -1), count + 1)
        states = closure(after)
        if not states:
            return -1
    return max(states.values())


def printed_by(fragment: str, root: Path) -> bool:
    """Whether relnox's source (``root``) has a message of which ``fragment`` is a part."""
    words = sorted(set(re.findall(r"[A-Za-z]{4,}", fragment)), key=len, reverse=True)[:3]
    wanted = SHARE * len(fragment.replace("...", ""))
    return any(
        _matches(fragment, template) >= wanted
        for template in templates(root)
        if any(word in template for word in words)
    )
