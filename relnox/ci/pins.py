"""The actions ci-init writes, each pinned to a commit SHA (``nox -s update_action_pins``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from relnox.ci.yaml import Commented

SHA = re.compile(r"^[0-9a-f]{40}$")
CHECKOUT = "actions/checkout"
SETUP_PYTHON = "actions/setup-python"
UPLOAD = "actions/upload-artifact"
DOWNLOAD = "actions/download-artifact"
MATURIN = "PyO3/maturin-action"
CIBUILDWHEEL = "pypa/cibuildwheel"


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


#: the shell lines turning ``$PACKAGES`` (a job output) into ``--package`` arguments
PACKAGE_ARGS = 'args=()\nfor package in $PACKAGES; do args+=(--package "$package"); done\n'
READ: dict[str, str] = {"contents": Commented("read", "check out the repository")}


def upload(name: str, path: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The step uploading ``path`` as the artifact ``name``; finding no file fails it."""
    found = {"name": name, "path": path, **(extra or {}), "if-no-files-found": "error"}
    return {"uses": uses(UPLOAD), "with": found}


def slug(name: str) -> str:
    """A package name as a job or artifact name takes it: ``My_Pkg.x`` -> ``my-pkg-x``."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
