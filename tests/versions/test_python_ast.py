"""A project's Python read as a tree: whatever a hostile file holds, a SyntaxError at most."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.versions.python_ast import literal, parse
from tests.conftest import run_relnox
from tests.shapes import repo

#: valid Python the parser cannot build a tree of: CPython's own stack runs out
TOO_DEEP = {
    "100,000 unary minuses (MemoryError)": "x = " + "-" * 100_000 + "1",
    "50,000 additions (RecursionError)": "x = 1" + " + 1" * 50_000,
}


@pytest.mark.parametrize("source", list(TOO_DEEP.values()), ids=list(TOO_DEEP))
def test_nesting_past_the_parsers_stack_is_a_syntax_error(source: str) -> None:
    with pytest.raises(SyntaxError):
        parse(source, "setup.py")
    with pytest.raises(SyntaxError):
        literal(source.removeprefix("x = "))
    assert literal("(1, 2, 'rc')") == (1, 2, "rc")


@pytest.mark.parametrize("source", list(TOO_DEEP.values()), ids=list(TOO_DEEP))
def test_a_setup_py_or_version_file_too_deep_to_parse_is_no_traceback(
    tmp_path: Path, source: str
) -> None:
    """setup.py (or a package's __init__.py with a version tuple) holding such a line was a
    MemoryError or RecursionError traceback from ast.parse in every command; the version
    written plainly is read as before."""
    root = repo(
        tmp_path / "r",
        {
            "setup.py": "from setuptools import setup\n"
            "setup(name='deep-pkg', version='1.2.0', packages=['deep_pkg'])\n" + source + "\n",
            "deep_pkg/__init__.py": "__version_info__ = (1, 2, 0)\n"
            "__version__ = '.'.join(map(str, __version_info__))\n" + source + "\n",
        },
    )
    proc = run_relnox("packages", "--json", cwd=root)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert '"version": "1.2.0"' in proc.stdout
