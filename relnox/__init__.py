"""relnox: release automation for Python repositories, as nox sessions and invoke tasks.
The core functions below are imported on first use (``import relnox`` loads no nox or invoke)."""

from __future__ import annotations

from relnox.errors import RelnoxError
from relnox.stage import lazy_face

__version__ = "0.1.0"

#: public name -> the module that defines it
_API = {
    "load_workspace": "relnox.project.discovery",
    "plan_bump": "relnox.bump",
    "apply_bump": "relnox.bump",
    "build_all": "relnox.builds",
    "verify_install": "relnox.verify",
    "doctor": "relnox.release",
    "rehearse": "relnox.release",
}
__all__ = ["RelnoxError", "__version__", *_API]

__getattr__ = lazy_face(__name__, _API, {})
