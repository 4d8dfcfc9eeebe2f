"""bump-my-version's (and bumpversion's) ``current_version``: the version that tool believes
the repository is at. A repository that keeps one next to its build backend's version
(flit's ``.bumpversion.cfg``, setuptools-rust's) has a copy that a relnox bump must move
too, or the tool's next run finds none of its files at the version it expects.

Read from, first found: ``[tool.bumpversion]`` of ``pyproject.toml``, ``.bumpversion.toml``,
``.bumpversion.cfg``, and ``setup.cfg``'s ``[bumpversion]`` section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from relnox.errors import ConfigError, VersionError
from relnox.files import read_text
from relnox.project.sources import VersionLocation, toml_location

#: the ``current_version`` line of an INI file's ``[bumpversion]`` section (``=`` or ``:``,
#: as configparser reads it), not crossing into the next section
_INI = (
    r"(?ms)^\[bumpversion\][ \t]*$(?:(?!^\[).)*?"
    r"^current_version[ \t]*[=:][ \t]*(?P<version>[^\s;#]+)"
)
_KEY = ("tool", "bumpversion", "current_version")


def current_version(
    directory: Path, doc: Mapping[str, Any], load: Callable[[Path], Mapping[str, Any]]
) -> VersionLocation | None:
    """Where ``directory``'s bump-my-version configuration writes ``current_version``;
    ``None`` when it has none (or it cannot be read: then it is not relnox's to judge)."""
    if _in_table(doc):
        return toml_location(directory / "pyproject.toml", doc, _KEY)
    toml_file = directory / ".bumpversion.toml"
    if toml_file.is_file():
        try:
            other = load(toml_file)
        except (ConfigError, VersionError):
            return None
        return toml_location(toml_file, other, _KEY) if _in_table(other) else None
    for name in (".bumpversion.cfg", "setup.cfg"):
        path = directory / name
        if not path.is_file():
            continue
        try:
            match = re.search(_INI, read_text(path))
        except (ConfigError, UnicodeDecodeError):
            return None
        if match is not None:
            return VersionLocation(path, "pattern", match.group("version"), pattern=_INI)
    return None


def _in_table(doc: Mapping[str, Any]) -> bool:
    tool = doc.get("tool")
    bump = tool.get("bumpversion") if isinstance(tool, Mapping) else None
    return isinstance(bump, Mapping) and isinstance(bump.get("current_version"), str)
