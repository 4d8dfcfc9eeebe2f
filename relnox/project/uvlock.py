"""Keep ``uv.lock`` in step with a bump, without network and without running uv.

Only the ``version = "..."`` line of the ``[[package]]`` entries of workspace
members (sources ``editable``, ``virtual`` or ``directory``) changes; every other
byte of the file stays as uv wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_KEY_RE = re.compile(r'^(?P<key>name|version)\s*=\s*"(?P<value>[^"]*)"', re.MULTILINE)
_LOCAL_SOURCES = ("editable", "virtual", "directory")


def update_uv_lock(text: str, versions: Mapping[str, str]) -> str:
    """``text`` with the version of each member named in ``versions`` replaced."""
    from packaging.utils import canonicalize_name

    lines = text.splitlines(keepends=True)
    out = list(lines)
    start: int | None = None

    def flush(end: int) -> None:
        if start is None:
            return
        name = version_at = None
        local = False
        for index in range(start, end):
            line = lines[index]
            if line.startswith("[") and index > start:
                break
            match = _KEY_RE.match(line)
            if match and match.group("key") == "name":
                name = canonicalize_name(match.group("value"))
            elif match and match.group("key") == "version":
                version_at = index
            elif line.startswith("source") and any(f"{s} =" in line for s in _LOCAL_SOURCES):
                local = True
        if name is not None and name in versions and version_at is not None and local:
            line = lines[version_at]
            match = _KEY_RE.match(line)
            assert match is not None
            begin, finish = match.span("value")
            out[version_at] = line[:begin] + versions[name] + line[finish:]

    for index, line in enumerate(lines):
        if line.strip() == "[[package]]":
            flush(index)
            start = index
    flush(len(lines))
    return "".join(out)
