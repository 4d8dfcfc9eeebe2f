"""relnox.bump.toml_edit: a bump's string edits made in the text, each proven by a parse,
give tomlkit's text; what cannot be proven is left to tomlkit."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from relnox.bump.plan import _Files, _set_toml
from relnox.bump.toml_edit import edit_strings

Change = tuple[Sequence[str | int], str, str]

PYPROJECT = """\
# a comment naming "0.1.0" stays as it is
[project]
name = "pkg-b"
version = "0.1.0"  # the version
description = 'a "0.1.0" inside another string'
dependencies = [
    "pkg-a>=0.1.0",
    'pkg-c==0.1.0',
]

[tool.other]
version = "0.1.0"
"""


def _tomlkit(text: str, changes: Sequence[Change]) -> str:
    doc = tomlkit.parse(text)
    for key, value, old in changes:
        assert _set_toml(doc, key, value) == old
    return tomlkit.dumps(doc)


@pytest.mark.parametrize(
    "changes",
    [
        [(("project", "version"), "0.2.0", "0.1.0")],
        [(("tool", "other", "version"), "0.2.0", "0.1.0")],
        [
            (("project", "version"), "0.2.0", "0.1.0"),
            (("project", "dependencies", 0), "pkg-a>=0.2.0", "pkg-a>=0.1.0"),
            (("project", "dependencies", 1), "pkg-c==0.2.0", "pkg-c==0.1.0"),
        ],
    ],
)
def test_the_edit_is_tomlkits(changes: Sequence[Change]) -> None:
    """The right one of several equal tokens (a comment, another string, another table's
    key hold the same text), in its own quotes: the text tomlkit writes."""
    edited = edit_strings(PYPROJECT, changes)
    assert edited is not None
    assert edited == _tomlkit(PYPROJECT, changes)


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ('[project]\nversion = "0.1\\u002e0"\n', (("project", "version"), "0.2.0", "0.1.0")),
        ('[project]\nversion = """0.1.0"""\n', (("project", "version"), "0.2.0", "0.1.0")),
        ("[project]\nversion = '''0.1.0'''\n", (("project", "version"), "0.2.0", "0.1.0")),
        ('[project]\nversion = "0.1.0"\n', (("project", "version"), 'a"b', "0.1.0")),
        ('[project]\nversion = "0.1.0"\n', (("project", "version"), "0.2.0", "0.0.9")),
        ("[project]\nversion = 1\n", (("project", "version"), "0.2.0", "1")),
        ('[project\nversion = "0.1.0"\n', (("project", "version"), "0.2.0", "0.1.0")),
    ],
    ids=[
        "escaped",
        "multi-line",
        "multi-line-literal",
        "needs-escape",
        "moved",
        "no-string",
        "bad",
    ],
)
def test_what_cannot_be_proven_is_left_to_tomlkit(text: str, change: Change) -> None:
    assert edit_strings(text, [change]) is None


def test_a_bump_writes_the_same_files_either_way(tmp_path: Path) -> None:
    """The plan's writer takes the text path where it can and tomlkit where it must; a
    multi-line string still gets tomlkit's edit, a moved value still its error."""
    simple = tmp_path / "simple.toml"
    simple.write_text(PYPROJECT, encoding="utf-8")
    multi = tmp_path / "multi.toml"
    multi.write_text('[project]\nversion = """0.1.0"""\n', encoding="utf-8")
    files = _Files()
    files.set_toml(simple, ("project", "version"), "0.2.0", "0.1.0")
    files.set_toml(multi, ("project", "version"), "0.2.0", "0.1.0")
    files.flush_toml()
    assert files.get(simple) == _tomlkit(PYPROJECT, [(("project", "version"), "0.2.0", "0.1.0")])
    assert files.get(multi) == '[project]\nversion = "0.2.0"\n'


def test_a_plain_member_is_proven_by_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without decoys the first token of each value is the one: the original and the edited
    text are parsed once each, whatever the number of changes."""
    from relnox.toml import tomllib

    text = '[project]\nname = "b"\nversion = "1.0"\ndependencies = ["a>=1.0", "c"]\n'
    changes: list[Change] = [
        (("project", "version"), "1.1", "1.0"),
        (("project", "dependencies", 0), "a>=1.1", "a>=1.0"),
    ]
    parses: list[str] = []
    loads = tomllib.loads

    def counted(source: str) -> dict[str, Any]:
        parses.append(source)
        found: dict[str, Any] = loads(source)
        return found

    monkeypatch.setattr(tomllib, "loads", counted)
    assert edit_strings(text, changes) == _tomlkit(text, changes)
    assert len(parses) == 2
