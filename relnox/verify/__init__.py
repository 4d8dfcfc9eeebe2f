"""verify_install: prove a release installs and works in a fresh environment.

The face: :data:`STAGE` and its types, ``verify_install`` (plan and run in
one call, the library's ``relnox.verify_install``), and the checks an installed package gets
(``CHECK_SCRIPT``, ``check_spec``, ``write_check``, ``read_findings``, ``judge``,
``copy_checked`` and their types), which
the skew guard runs on published dependents.

Each name is imported from its module on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.stage import Stage
    from relnox.verify.model import Artifact, ScriptArgs, Target, VerifyOptions, VerifyPlan
    from relnox.verify.plan import copy_checked
    from relnox.verify.report import VerifyReport
    from relnox.verify.run import verify_install
    from relnox.verify.smoke import Check, check_spec, judge, read_findings, write_check

    STAGE: Stage[VerifyOptions, VerifyPlan, VerifyReport]
    CHECK_SCRIPT: str

#: each name of the face -> the module that defines it
_FACE = {
    "Artifact": "relnox.verify.model",
    "ScriptArgs": "relnox.verify.model",
    "Target": "relnox.verify.model",
    "VerifyOptions": "relnox.verify.model",
    "VerifyPlan": "relnox.verify.model",
    "copy_checked": "relnox.verify.plan",
    "VerifyReport": "relnox.verify.report",
    "verify_install": "relnox.verify.run",
    "Check": "relnox.verify.smoke",
    "check_spec": "relnox.verify.smoke",
    "judge": "relnox.verify.smoke",
    "read_findings": "relnox.verify.smoke",
    "write_check": "relnox.verify.smoke",
}


def _stage() -> Any:
    from relnox.stage import Stage
    from relnox.verify.model import VerifyOptions
    from relnox.verify.plan import plan_verify
    from relnox.verify.run import run_plan

    return Stage("verify", VerifyOptions, plan_verify, run_plan)


def _check_script() -> str:
    from relnox.verify.smoke import check_script

    return check_script()


__getattr__ = lazy_face(__name__, _FACE, {"STAGE": _stage, "CHECK_SCRIPT": _check_script})


__all__ = [
    "CHECK_SCRIPT",
    "STAGE",
    "Artifact",
    "Check",
    "ScriptArgs",
    "Target",
    "VerifyOptions",
    "VerifyPlan",
    "VerifyReport",
    "check_spec",
    "copy_checked",
    "judge",
    "read_findings",
    "verify_install",
    "write_check",
]
