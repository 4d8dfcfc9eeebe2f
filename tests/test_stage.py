"""relnox.stage's lazy face: a name is imported or made once, on first use."""

from __future__ import annotations

import sys
import types

import pytest

from relnox.stage import lazy_face


def test_a_lazy_face_imports_or_makes_each_name_once() -> None:
    face = types.ModuleType("relnox_test_face")
    calls: list[str] = []

    def make() -> object:
        calls.append("made")
        return object()

    face.__getattr__ = lazy_face(  # type: ignore[method-assign]
        face.__name__, {"dedent": "textwrap"}, {"THING": make}
    )
    sys.modules[face.__name__] = face
    try:
        import textwrap

        assert face.dedent is textwrap.dedent
        first = face.THING
        assert face.THING is first  # kept in the module: not made again
        assert calls == ["made"]
        assert "THING" in vars(face) and "dedent" in vars(face)
        with pytest.raises(AttributeError, match=r"relnox_test_face.*nothing"):
            face.nothing  # noqa: B018
    finally:
        del sys.modules[face.__name__]
