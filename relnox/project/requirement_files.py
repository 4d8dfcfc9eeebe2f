"""Requirements on other packages written outside ``[project]``: setup.cfg's, setup.py's
and requirements files a backend reads as dynamic dependencies."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.files import text_or_none
from relnox.project.pyproject import InternalRequirement, Requirements, requirement_target
from relnox.toml import table
from relnox.versions.sources import setup_cfg


def requirements_files(reqs: Requirements, directory: Path, doc: Mapping[str, Any]) -> None:
    """Dynamic dependencies read from requirements files (hatch-requirements-txt's,
    ``[tool.setuptools.dynamic]``'s): a line on another package is rewritten by a bump."""
    hook = table(doc, "tool", "hatch", "metadata", "hooks", "requirements_txt")
    dynamic = table(doc, "tool", "setuptools", "dynamic")

    def named(value: Any) -> list[str]:
        if isinstance(value, Mapping):
            value = value.get("file")
        value = [value] if isinstance(value, str) else value
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    files = [(f, False) for f in named(hook.get("files")) + named(hook.get("filename"))]
    files += [(f, False) for f in named(dynamic.get("dependencies"))]
    for extras in (table(hook, "optional-dependencies"), table(dynamic, "optional-dependencies")):
        files += [(f, True) for value in extras.values() for f in named(value)]
    for name, optional in dict.fromkeys(files):
        path = directory / name  # unreadable: no lines (the build says what is missing)
        for index, line in enumerate((text_or_none(path) or "").splitlines()):
            _line(reqs, reqs.own, line, path, ("lines", index), optional)


def setup_cfg_requirements(reqs: Requirements, directory: Path) -> None:
    """A setup.cfg project's ``[options] install_requires`` and ``[options.extras_require]``,
    one a line; ``key``: section, option and the line's index."""
    if not (cfg := setup_cfg(directory)):
        return
    own = reqs.own or canonicalize_name(cfg.get("metadata", {}).get("name", ""))
    extras = cfg.get("options.extras_require", {})
    sections = [("options", "install_requires", False)]
    sections += [("options.extras_require", extra, True) for extra in extras]
    for section, option, optional in sections:
        if (value := cfg.get(section, {}).get(option, "")).strip().startswith("file:"):
            continue
        for index, line in enumerate(value.splitlines()):
            _line(reqs, own, line, directory / "setup.cfg", (section, option, index), optional)


def _line(
    reqs: Requirements, own: str, line: str, path: Path, key: tuple[str | int, ...], optional: bool
) -> None:
    """The requirement one line states (a `` #`` comment cut), when it is on a sibling."""
    text = line.split(" #", 1)[0].strip()
    if (target := requirement_target(text)) in reqs.names and target != own:
        reqs.found.append(InternalRequirement(target, text, path, key, "pep508", True, optional))


def setup_py_requirements(reqs: Requirements, directory: Path) -> None:
    """A setup.py's requirements on other packages: they order the release, never rewritten."""
    if not (directory / "setup.py").is_file():
        return
    from relnox.versions.setup_py import setup_py_name

    own = reqs.own or canonicalize_name(setup_py_name(directory) or "")
    for name, text, optional in _setup_py_items(directory):
        if (target := canonicalize_name(name)) not in reqs.names or target == own:
            continue
        usable = text is not None and requirement_target(text) == target
        written, style = (text, "pep508") if usable and text is not None else ("*", "poetry")
        where = directory / "setup.py"
        reqs.found.append(InternalRequirement(target, written, where, (), style, True, optional))


def _setup_py_items(directory: Path) -> list[tuple[str, str | None, bool]]:
    """``setup(install_requires=..., extras_require=...)`` as ``(name, text, optional)``;
    ``text`` is ``None`` where only the name is literal (``f"core{pin}"``)."""
    from relnox.versions.python_ast import name_assignments, string
    from relnox.versions.setup_py import setup_call

    if (call := setup_call(directory)) is None:
        return []
    tree, keywords = call
    bound = dict(name_assignments(tree))

    def listed(node: ast.expr | None) -> list[ast.expr]:
        more: list[ast.expr] = []
        if isinstance(node, ast.Name):
            more = _grown(tree.body, node.id)
            node = bound.get(node.id)
        return [*node.elts, *more] if isinstance(node, ast.List | ast.Tuple) else []

    found = [(item, False) for item in listed(keywords.get("install_requires"))]
    if isinstance(extras := keywords.get("extras_require"), ast.Name):
        extras = bound.get(extras.id)
    if isinstance(extras, ast.Dict):
        found += [(item, True) for value in extras.values for item in listed(value)]
    out = []
    for item, optional in found:
        head = item
        while isinstance(head, ast.BinOp) and isinstance(head.op, ast.Add):
            head = head.left
        if isinstance(head, ast.JoinedStr) and head.values:
            head = head.values[0]
        if match := _REQUIREMENT_NAME.match(string(head) or ""):
            text = string(head) if item is head else None
            out.append((match.group(1), text.strip() if text else None, optional))
    return out


def _grown(body: list[ast.stmt], name: str) -> list[ast.expr]:
    """What ``append``, ``extend`` and ``+=`` add to the list ``name``, also under an ``if``."""
    found: list[ast.expr] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            found += _grown(stmt.body, name) + _grown(stmt.orelse, name)
            continue
        added: ast.expr | None = None
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                added = stmt.value
        elif (
            isinstance(stmt, ast.Expr)
            and isinstance(call := stmt.value, ast.Call)
            and isinstance(func := call.func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == name
            and len(call.args) == 1
        ):
            if func.attr == "append":
                found.append(call.args[0])
            elif func.attr == "extend":
                added = call.args[0]
        if isinstance(added, ast.List | ast.Tuple):
            found += added.elts
    return found


_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
