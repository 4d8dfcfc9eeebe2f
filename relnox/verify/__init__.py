"""verify_install: prove a release installs and works in a fresh environment.

The face: :data:`STAGE` and its types, ``verify_install`` (plan and run in one call, the
library's ``relnox.verify_install``), and the checks an installed package gets
(``CHECK_SCRIPT``, ``check_spec``, ``judge``, ``copy_checked`` and their types), which
the skew guard runs on published dependents.
"""

from typing import Any

from relnox.stage import Stage
from relnox.verify.model import Artifact, ScriptArgs, Target, VerifyOptions, VerifyPlan
from relnox.verify.plan import copy_checked, plan_verify
from relnox.verify.report import VerifyReport
from relnox.verify.run import run_plan, verify_install
from relnox.verify.smoke import Check, check_script, check_spec, judge

STAGE: Stage[VerifyOptions, VerifyPlan, VerifyReport] = Stage(
    "verify", VerifyOptions, plan_verify, run_plan
)

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
    "verify_install",
]


def __getattr__(name: str) -> Any:
    """``CHECK_SCRIPT``: made on first use (:func:`relnox.verify.smoke.check_script`)."""
    if name == "CHECK_SCRIPT":
        return check_script()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
