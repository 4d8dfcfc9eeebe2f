"""What a setup.py or setup.cfg project ships, as ``[tool.setuptools]`` would say it."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from relnox.versions.python_ast import string
from relnox.versions.setup_py import called, setup_call


def setup_py_layout(directory: Path) -> dict[str, Any]:
    """setup.py's literal layout keywords, as ``[tool.setuptools]`` says them."""
    if (call := setup_call(directory)) is None:
        return {}
    tree, keywords = call
    found: dict[str, Any] = {}
    packages = keywords.get("packages")
    if names := _strings(tree, packages):
        found["packages"] = names
    elif isinstance(packages, ast.Call) and called(packages) in _FINDERS:
        where = packages.args[0] if packages.args else None
        where = next((k.value for k in packages.keywords if k.arg == "where"), where)
        exclude = next((k.value for k in packages.keywords if k.arg == "exclude"), None)
        if len(packages.args) > 1:
            exclude = packages.args[1]
        if string(where) is not None:
            find: dict[str, Any] = {"where": [string(where)]}
            if isinstance(exclude, ast.List | ast.Tuple):
                find["exclude"] = [e for e in map(string, exclude.elts) if e is not None]
            found["packages"] = {"find": find}
    if modules := _strings(tree, keywords.get("py_modules")):
        found["py-modules"] = modules
    package_dir = keywords.get("package_dir")
    if isinstance(package_dir, ast.Dict):
        for key, value in zip(package_dir.keys, package_dir.values, strict=True):
            if string(key) == "" and string(value) is not None:
                found["package-dir"] = {"": string(value)}
    return found


_FINDERS = ("find_packages", "find_namespace_packages")


def _strings(tree: ast.Module, node: ast.expr | None) -> list[str] | None:
    """A list or tuple of strings, or a name bound once to one and never changed."""
    if isinstance(node, ast.Name):
        name = node.id
        bound = [
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
        ]
        mutated = any(
            isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == name
            and n.attr in ("append", "extend", "insert", "remove")
            for n in ast.walk(tree)
        )
        stores = sum(
            isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
            for n in ast.walk(tree)
        )
        if len(bound) != 1 or stores != 1 or mutated:
            return None
        node = bound[0]
    if not isinstance(node, ast.List | ast.Tuple) or not node.elts:
        return None
    names = [string(e) for e in node.elts]
    return None if None in names else [str(n) for n in names]


def _lines(value: str) -> list[str]:
    """A setup.cfg list: one item a line, or separated by commas."""
    return [item.strip() for line in value.splitlines() for item in line.split(",") if item.strip()]


def setup_cfg_layout(sections: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """setup.cfg's ``[options]`` layout, as ``[tool.setuptools]`` says it."""
    options = sections.get("options", {})
    found: dict[str, Any] = {}
    packages = options.get("packages", "").strip()
    # [options.packages.find] alone: what it finds is what discovery finds
    if packages in ("find:", "find_namespace:") or (
        not packages and "options.packages.find" in sections
    ):
        find = sections.get("options.packages.find", {})
        found["packages"] = {
            "find": {
                key: _lines(find[key]) for key in ("where", "include", "exclude") if key in find
            }
        }
    elif packages:
        found["packages"] = _lines(packages)
    if options.get("py_modules", "").strip():
        found["py-modules"] = _lines(options["py_modules"])
    if package_dir := options.get("package_dir", "").strip():
        pairs = (item.partition("=") for item in _lines(package_dir))
        found["package-dir"] = {k.strip(): v.strip() for k, _, v in pairs}
    return found
