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


def test_a_face_name_that_is_also_a_submodule_stays_the_faces() -> None:
    """``relnox.guards.audit`` is the function though ``relnox/guards/audit.py`` is loaded
    first (the import system binds a loaded submodule to its package's attribute)."""
    import subprocess

    code = (
        "import types\n"
        "import relnox.guards.audit, relnox.release.doctor, relnox.release.rehearse\n"
        "from relnox.guards import audit\n"
        "from relnox.release import doctor, rehearse\n"
        "assert not any(isinstance(f, types.ModuleType) for f in (audit, doctor, rehearse))\n"
        "assert audit is relnox.guards.audit and audit.__module__ == 'relnox.guards.audit'\n"
        "assert doctor.__module__ == 'relnox.release.doctor'\n"
        "assert rehearse.__module__ == 'relnox.release.rehearse'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
