"""Keep ``uv.lock`` in step with a bump without running uv: only the ``version`` line of the
workspace members' entries changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

_KEY_RE = re.compile(r'^(?P<key>name|version)\s*=\s*"(?P<value>[^"]*)"')
_LOCAL_SOURCES = ("editable", "virtual", "directory")


def update_entries(text: str, new_of: Callable[[str, str, str], str | None]) -> str:
    """``text`` with the version of each ``[[package]]`` entry replaced by what
    ``new_of(name, version, source line)`` says (``""`` without a source; None: kept)."""
    lines = text.splitlines(keepends=True)
    start: int | None = None
    for end, line in enumerate([*lines, "["]):
        if not line.startswith("["):
            continue
        entry: dict[str, int] = {}  # the index of its name, version and source lines
        for index in range(start, end) if start is not None else ():
            match = _KEY_RE.match(lines[index])
            if match is not None:
                entry[match["key"]] = index
            elif lines[index].startswith("source"):
                entry["source"] = index
        if "name" in entry and "version" in entry:
            name = _KEY_RE.match(lines[entry["name"]])
            at = entry["version"]
            match = _KEY_RE.match(lines[at])
            assert name is not None and match is not None
            source = lines[entry["source"]] if "source" in entry else ""
            new = new_of(name["value"], match["value"], source)
            if new is not None:
                lines[at] = (
                    lines[at][: match.start("value")] + new + lines[at][match.end("value") :]
                )
        start = end + 1 if line.strip() == "[[package]]" else None
    return "".join(lines)


def update_uv_lock(
    text: str, versions: Mapping[str, tuple[str, str]], behind: list[str] | None = None
) -> str:
    """``text`` with each member named in ``versions`` moved from old to new; one not at the
    old version is left, its ``name version`` added to ``behind``."""

    def new_of(name: str, old: str, source: str) -> str | None:
        moved = versions.get(canonicalize_name(name))
        if moved is None or not any(f"{s} =" in source for s in _LOCAL_SOURCES):
            return None
        try:
            in_step = Version(old) == Version(moved[0])
        except InvalidVersion:
            in_step = False
        if not in_step and behind is not None:
            behind.append(f"{name} {old}")
        return moved[1] if in_step else None

    return update_entries(text, new_of)
