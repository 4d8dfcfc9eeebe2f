"""The actions ci-init writes, each pinned to the commit SHA of one release tag (the tag as
a comment). ``nox -s update_action_pins`` re-resolves the SHAs of :data:`PINS`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from relnox.atomic import write_atomic
from relnox.ci.yaml import Commented
from relnox.errors import RelnoxError

SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Pin:
    version: str
    sha: str


# action -> the release relnox writes, and that release's commit
PINS: Mapping[str, Pin] = {
    "actions/checkout": Pin("v5.1.0", "fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09"),
    "actions/setup-python": Pin("v6.3.0", "ece7cb06caefa5fff74198d8649806c4678c61a1"),
    "actions/upload-artifact": Pin("v6.0.0", "b7c566a772e6b6bfb58ed0dc250532a479d7789f"),
    "actions/download-artifact": Pin("v7.0.0", "37930b1c2abaa49bbe596cd826c3c89aef350131"),
    "PyO3/maturin-action": Pin("v1.51.0", "e83996d129638aa358a18fbd1dfb82f0b0fb5d3b"),
    "pypa/cibuildwheel": Pin("v3.4.1", "8d2b08b68458a16aeb24b64e68a09ab1c8e82084"),
}


def uses(action: str) -> Commented:
    """``owner/repo@<sha>`` with ``# <version>`` as its comment, for a ``uses:`` key."""
    pin = PINS[action]
    return Commented(f"{action}@{pin.sha}", pin.version)


def parse_ls_remote(output: str, tag: str) -> str:
    """The commit a tag names in ``git ls-remote`` output (the peeled ``^{}`` line wins)."""
    refs = {}
    for line in output.splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref.strip()] = sha.strip()
    sha = refs.get(f"refs/tags/{tag}^{{}}") or refs.get(f"refs/tags/{tag}", "")
    if not SHA.match(sha):
        raise RelnoxError(f"git ls-remote shows no tag {tag!r}; check the version in PINS")
    return sha


def rewrite_table(source: str, shas: Mapping[str, str]) -> str:
    """``source`` (this module's text) with each action's SHA in :data:`PINS` replaced."""
    for action, sha in shas.items():
        line = re.compile(
            rf'^(\s*"{re.escape(action)}": Pin\("[^"]+", ")[0-9a-f]{{40}}("\),)$', re.M
        )
        source, count = line.subn(rf"\g<1>{sha}\g<2>", source)
        if count != 1:
            raise RelnoxError(f"{action} is not in the PINS table of relnox/ci/pins.py")
    return source


def refresh(run: Callable[[Sequence[str]], str], module: Path = Path(__file__)) -> dict[str, str]:
    """Re-resolve every pinned tag with ``run(["git", "ls-remote", ...])``; rewrite ``module``.

    Returns the actions whose SHA changed (the tag was moved or the version edited).
    """
    shas = {}
    for action, pin in PINS.items():
        url = f"https://github.com/{action}"
        tag = f"refs/tags/{pin.version}"
        shas[action] = parse_ls_remote(
            run(["git", "ls-remote", "--tags", url, tag, tag + "^{}"]), pin.version
        )
    text = module.read_text(encoding="utf-8")
    write_atomic(module, rewrite_table(text, shas))
    return {action: sha for action, sha in shas.items() if sha != PINS[action].sha}
