"""The version of a setup.py project, where setup.py holds it without running: a literal
``setup(version=...)``, a TOML file it reads, a module's ``__version__``."""

from __future__ import annotations

import re
from pathlib import Path

from relnox.errors import RelnoxError
from relnox.project.sources import (
    Found,
    VersionLocation,
    python_location,
    read_text,
    regex_location,
    toml_location,
)

_IMPORTED = re.compile(
    r"^from\s+\.(?P<module>\w+)\s+import\s+(?:__version__|version\s+as\s+__version__)\b", re.M
)


def followed(module: Path) -> VersionLocation | None:
    """The literal ``__version__`` of ``module``, or of ``.sibling`` it imports it from."""
    loc = python_location(module)
    if loc is not None:
        return loc
    imported = _IMPORTED.search(read_text(module))
    if imported is None:
        return None
    return python_location(module.parent / f"{imported.group('module')}.py")


def setup_py_literal(directory: Path) -> Found | None:
    """``setup(version="1.2.3")``: a literal in setup.py is its primary source."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    pattern = r"""\bversion\s*=\s*(['"])(?P<version>[0-9][^'"]*)\1"""
    if re.search(pattern, read_text(setup_py)) is None:
        return None
    return (
        "setup.py",
        [regex_location(setup_py, pattern, "setup.py")],
        "setup.py setup(version=...)",
    )


_TOML_OPENED = re.compile(r"""open\(\s*(['"])(?P<file>[\w./-]+\.toml)\1""")


_TOML_KEY = re.compile(
    r"""\[\s*(['"])(?P<table>package|project)\1\s*\]\s*\[\s*(['"])version\3\s*\]"""
)


def setup_py_toml(directory: Path) -> Found | None:
    """A setup.py that reads its version from a TOML file beside it (setuptools-rust
    projects: ``tomllib.load(open("Cargo.toml", "rb"))["package"]["version"]``)."""
    from relnox.project.pyproject import load_toml

    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    text = read_text(setup_py)
    opened, key = _TOML_OPENED.findall(text), _TOML_KEY.search(text)
    files = {match[1] for match in opened}
    if key is None or len(files) != 1:
        return None
    path = directory / files.pop()
    try:
        doc = load_toml(path)
    except RelnoxError:
        return None
    if not isinstance(doc.get(key.group("table"), {}).get("version"), str):
        return None
    loc = toml_location(path, doc, (key.group("table"), "version"))
    return "setup.py", [loc], f"setup.py reads {path.name} [{key.group('table')}] version"
