"""verify_install: prove a release installs and works in a fresh environment."""

from __future__ import annotations

from relnox.stage import Stage
from relnox.verify.model import Artifact, ScriptArgs, Target, VerifyOptions, VerifyPlan
from relnox.verify.plan import copy_checked, plan_verify
from relnox.verify.report import VerifyReport
from relnox.verify.run import run_plan, verify_install
from relnox.verify.smoke import Check, check_installed

STAGE: Stage[VerifyOptions, VerifyPlan, VerifyReport] = Stage(
    "verify", VerifyOptions, plan_verify, run_plan
)


__all__ = [
    "STAGE",
    "Artifact",
    "Check",
    "ScriptArgs",
    "Target",
    "VerifyOptions",
    "VerifyPlan",
    "VerifyReport",
    "check_installed",
    "copy_checked",
    "verify_install",
]
