"""relnox.regex: a lazy pattern compiles on first use and answers as the compiled one."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from relnox.regex import LazyPattern, lazy

RELNOX = Path(__file__).parent.parent / "relnox"


def test_nothing_is_compiled_before_the_first_use() -> None:
    pattern = lazy(r"(?P<word>[a-z]+)-(?P<digits>\d+)")
    assert pattern._compiled is None
    assert pattern.search("x abc-12 y") is not None
    assert isinstance(pattern._compiled, re.Pattern)
    first = pattern.compiled
    assert pattern.compiled is first  # once per process


@pytest.mark.parametrize(
    ("source", "flags", "text"),
    [
        (r"(?P<word>[a-z]+)-(?P<digits>\d+)", 0, "abc-12 de-3 x-"),
        (r"^\s*(\w+)\s*=\s*(.*)$", re.M, "a = 1\n  b=2\nnot a line\n"),
        (r"[,;]\s*", 0, "a, b;c ,d"),
        (r"HELLO", re.I, "hello Hello hELLo"),
    ],
)
def test_every_method_answers_as_the_compiled_pattern(source: str, flags: int, text: str) -> None:
    lazily, compiled = LazyPattern(source, flags), re.compile(source, flags)

    def same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
        if a is None or b is None:
            return a is b
        return (a.span(), a.groups()) == (b.span(), b.groups())

    for pos in (0, 2):
        assert same(lazily.match(text, pos), compiled.match(text, pos))
        assert same(lazily.search(text, pos), compiled.search(text, pos))
        assert same(lazily.fullmatch(text, pos), compiled.fullmatch(text, pos))
        assert lazily.findall(text, pos) == compiled.findall(text, pos)
        assert [m.span() for m in lazily.finditer(text, pos)] == [
            m.span() for m in compiled.finditer(text, pos)
        ]
    assert lazily.split(text) == compiled.split(text)
    assert lazily.split(text, 1) == compiled.split(text, 1)
    assert lazily.sub("#", text) == compiled.sub("#", text)
    assert lazily.sub(lambda m: m.group(0).upper(), text, 1) == compiled.sub(
        lambda m: m.group(0).upper(), text, 1
    )
    assert lazily.subn("#", text) == compiled.subn("#", text)
    assert (lazily.pattern, lazily.flags) == (source, flags)


def test_every_lazy_pattern_of_relnox_compiles() -> None:
    """A lazy pattern is compiled where a run first uses it: a mistake in one would show in
    that run only, so every one in relnox is compiled here."""
    found = []
    for path in sorted(RELNOX.rglob("*.py")):
        if "lazy(" not in path.read_text(encoding="utf-8") or path.name == "regex.py":
            continue
        name = ".".join(path.relative_to(RELNOX.parent).with_suffix("").parts)
        module = importlib.import_module(name.removesuffix(".__init__"))
        for value in vars(module).values():
            if isinstance(value, LazyPattern) and value.__class__ is LazyPattern:
                found.append(value)
                assert isinstance(value.compiled, re.Pattern), (name, value)
    assert len(found) >= 20  # the ones relnox has today


def test_a_bad_pattern_fails_where_it_is_used() -> None:
    pattern = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pattern.match("x")
