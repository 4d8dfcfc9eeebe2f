"""incremental's ``__version__ = Version("pkg", 24, 7, 0)`` in ``_version.py``."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.errors import VersionError
from relnox.toml import table
from relnox.versions.arithmetic import validate_version
from relnox.versions.python_ast import parse
from relnox.versions.sources import Found, VersionLocation, moved, read_text

# the assignment incremental writes; the call's arguments are read by ast
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


def respell(path: Path, text: str, old: str, new: str) -> str:
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


def location(path: Path) -> VersionLocation | None:
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
    loc = location(folder / "_version.py")
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
            if (loc := location(root.joinpath(*module.split("."), "_version.py"))) is not None:
                rel = loc.path.relative_to(directory).as_posix()
                return "incremental", [loc], f"setup(use_incremental=True): Version() in {rel}"
    return None
