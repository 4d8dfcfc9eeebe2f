"""A version that ``__version__``'s own expression computes of a plain tuple, read and
bumped without running the module (relnox.project.version_expr)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.bump.plan import apply_bump, plan_bump
from relnox.errors import VersionError
from relnox.project.discovery import load_workspace
from relnox.project.version_expr import expr_value, respell_expr
from tests.shapes import repo

#: pyudev's version.py: a tuple of numbers and a string, joined by an f-string of two
#: generator expressions over its slices
PYUDEV = (
    '__version_info__ = (0, 24, 4, "")\n'
    "__version__ = (\n"
    "    f\"{'.'.join(str(x) for x in __version_info__[:3])}\"\n"
    "    f\"{''.join(str(x) for x in __version_info__[3:])}\"\n"
    ")\n"
)


def test_an_f_string_of_generator_joins_over_a_tuple_is_read_and_bumped(tmp_path: Path) -> None:
    files = {
        "setup.cfg": "[metadata]\nname = udevish\nversion = attr: udevish.version.__version__\n",
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "udevish/__init__.py": "",
        "udevish/version.py": PYUDEV,
    }
    root = repo(tmp_path / "r", files, tags=["v0.24.4"])
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "0.24.4"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    written = (root / "udevish/version.py").read_text()
    assert written == PYUDEV.replace('(0, 24, 4, "")', '(0, 25, 0, "")')
    assert load_workspace(root).packages[0].version == "0.25.0"


@pytest.mark.parametrize(
    ("new", "tuple_text"),
    [("0.25.0rc1", '(0, 25, 0, "rc1")'), ("1.0.0.dev2", '(1, 0, 0, ".dev2")')],
)
def test_a_pre_or_dev_release_goes_in_the_string_the_expression_appends(
    new: str, tuple_text: str
) -> None:
    written = respell_expr(Path("version.py"), PYUDEV, "0.24.4", new)
    assert f"__version_info__ = {tuple_text}\n" in written and expr_value(written) == new


def test_a_version_the_tuple_cannot_spell_is_refused() -> None:
    with pytest.raises(VersionError, match=r"cannot be written so that __version__ is 1\.2\.3\.4"):
        respell_expr(Path("version.py"), PYUDEV, "0.24.4", "1.2.3.4")


def test_an_expression_reading_anything_else_is_not_read() -> None:
    assert expr_value(PYUDEV.replace("str(x) for x", "str(y) for x")) is None
    assert expr_value('V = (1, 2, "")\nOTHER = 3\n__version__ = f"{V[0]}.{OTHER}"\n') is None
