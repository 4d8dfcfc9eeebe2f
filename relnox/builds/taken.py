"""The files git ignores that a package's build took in (docs/release-flow.md, ``taken``):
recorded with the build, hashed again by the stale check of verify and publish.

No git record covers their bytes, so build-all never reuses a build holding one
(``unprovable``). The stale check does not list the files git ignores (that walk is too
slow for the path to an upload); it hashes again exactly the files the build took in. A
build that took in more than :data:`MAX_TAKEN` of them records only their number (the
manifest stays small), and such a build is never proven fresh.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from relnox.builds.sources import file_digest
from relnox.errors import shortlist

#: the part of a record's inputs holding the files git ignores that the build took in
TAKEN = "taken"
#: the most such files a record lists (path -> sha256); more are recorded as their number
MAX_TAKEN = 5000
#: the most paths a stale package's reason names
_SHOWN = 5
#: what a recorded file that is gone (or no longer a regular file) is hashed as
_GONE = "missing"


def _sha256(path: Path) -> str:
    """The sha256 of the regular file at ``path`` (links followed), or ``missing``: a
    FIFO or device a record names is never read."""
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
    """Why the files of a ``taken`` part (:func:`record_taken`) are not the ones the build
    took in (changed, deleted, too many recorded to prove, or the record unreadable), or
    ``""`` when each holds the bytes it held then."""
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
    changed = []
    for path, digest in sorted(files.items()):
        now = _sha256(directory / path)
        if now != digest:
            changed.append(f"{path} (deleted)" if now == _GONE else path)
    if not changed:
        return ""
    return f"files git ignores that its build took in changed: {shortlist(changed, _SHOWN)}"
