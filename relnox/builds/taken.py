"""The files git ignores that a package's build took in (docs/release-flow.md, ``taken``):
recorded with the build, hashed again by the stale check of verify and publish (which
does not list the files git ignores: too slow on the path to an upload).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from relnox.errors import shortlist
from relnox.files import file_digest

TAKEN = "taken"
#: the most such files a record lists (path -> sha256); more are recorded as their number
MAX_TAKEN = 5000
_SHOWN = 5  # the most paths a stale package's reason names
_GONE = "missing"


def _sha256(path: Path) -> str:
    """The sha256 of the regular file at ``path``, or ``missing`` (a FIFO is never read)."""
    try:
        return file_digest(path)
    except OSError:
        return _GONE


def record_taken(directory: Path, paths: Sequence[str]) -> str:
    """The ``taken`` part for ``paths`` (relative to ``directory``) as they are now."""
    if len(paths) > MAX_TAKEN:
        return json.dumps(len(paths))
    found = {p: _sha256(directory / p) for p in sorted(paths)}
    return json.dumps(found, sort_keys=True, separators=(",", ":"))


def taken_changed(directory: Path, recorded: str) -> str:
    """Why the files of a ``taken`` part are not the ones the build took in, or ``""``."""
    try:
        files = json.loads(recorded)
    except ValueError:
        files = None
    if isinstance(files, int) and not isinstance(files, bool):
        return (
            f"its build took in {files} files git ignores, more than relnox records "
            f"({MAX_TAKEN}), so they cannot be proven unchanged"
        )
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return "its record of the files git ignores that its build took in cannot be read"
    now = {path: _sha256(directory / path) for path in sorted(files)}
    changed = [f"{p} (deleted)" if now[p] == _GONE else p for p in now if now[p] != files[p]]
    if not changed:
        return ""
    return f"files git ignores that its build took in changed: {shortlist(changed, _SHOWN)}"
