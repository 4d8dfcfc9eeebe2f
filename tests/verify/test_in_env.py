"""The check process's own code: what it makes of a module's own attributes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from relnox.verify.in_env import check_module
from relnox.verify.smoke import judge

_HOSTILE_MODULES = {
    "str_raises": "class V:\n    def __str__(self):\n        raise RuntimeError('no')\n"
    "__version__ = V()\n",
    "huge_int": "__version__ = 10 ** 5000\n",
    "getattr_raises": "def __getattr__(name):\n    raise RuntimeError(name)\n",
    "file_not_str": "__version__ = b'1.0'\n__file__ = 12\n",
    "file_with_nul": "__version__ = float('nan')\n__file__ = 'a\\x00b\\udcff\\nc'\n",
}


@pytest.mark.parametrize("name", sorted(_HOSTILE_MODULES))
def test_a_module_s_own_attributes_never_break_the_check(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``__version__`` that is not a str (whose ``str()`` raises, an int too long to
    print, bytes, nan), a module ``__getattr__`` that raises, a ``__file__`` that is not a
    path: the check still gives JSON relnox reads, and the version says what it was."""
    module = f"relnox_hostile_{name}"
    (tmp_path / f"{module}.py").write_text(_HOSTILE_MODULES[name], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        seen = check_module(module, str(tmp_path))
    finally:
        sys.modules.pop(module, None)
    assert seen["ok"], seen
    back = json.loads(json.dumps(seen))
    assert back["module"] == module and len(back["version"] or "") <= 203
    assert isinstance(back["location"], (str, type(None))) and isinstance(back["inside"], bool)
    if name in ("str_raises", "huge_int"):
        assert back["version"].startswith("<") and "whose str() raised" in back["version"]


def test_a_version_tuple_is_seen_as_its_setup_py_joins_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``__version__ = VERSION = (6, 1, 0)``, which setup.py joins with
    dots: the module says 6.1.0 and the wheel at 6.1.0 passes (verify-install failed on
    ``__version__ is '(6, 1, 0)', expected 6.1.0``). Another kind of tuple is shown as it is.
    incremental's own ``__version__`` is its Version object, read by its ``public()``."""
    module = "relnox_tuple_version"
    (tmp_path / f"{module}.py").write_text("__version__ = (6, 1, 0)\n", encoding="utf-8")
    (tmp_path / "relnox_tuple_other.py").write_text("__version__ = (6, 1.5)\n", encoding="utf-8")
    incremental = (
        "class Version:\n    def public(self):\n        return '22.10.0.post0'\n\n"
        "    def __str__(self):\n        return '[Incremental, version 22.10.0.post0]'\n\n\n"
        "__version__ = Version()\n"
    )
    (tmp_path / "relnox_incremental_like.py").write_text(incremental, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        seen = check_module(module, str(tmp_path))
        other = check_module("relnox_tuple_other", str(tmp_path))
        public = check_module("relnox_incremental_like", str(tmp_path))
    finally:
        sys.modules.pop(module, None)
        sys.modules.pop("relnox_tuple_other", None)
        sys.modules.pop("relnox_incremental_like", None)
    assert seen["version"] == "6.1.0" and other["version"] == "(6, 1.5)"
    assert public["version"] == "22.10.0.post0"  # incremental's Version(): its public()
    assert all(
        check.ok for check in judge("6.1.0", {"name": "x", "installed": "6.1.0", "modules": [seen]})
    )
