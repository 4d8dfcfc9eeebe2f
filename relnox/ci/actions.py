"""The actions and the permission every generated job names, and the job names' slugs."""

from __future__ import annotations

import re
from typing import Any

from relnox.ci.pins import uses
from relnox.ci.yaml import Commented

CHECKOUT = "actions/checkout"
SETUP_PYTHON = "actions/setup-python"
UPLOAD = "actions/upload-artifact"
DOWNLOAD = "actions/download-artifact"
MATURIN = "PyO3/maturin-action"
CIBUILDWHEEL = "pypa/cibuildwheel"
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
