"""verify_install: prove a release installs and works in a fresh environment."""

from __future__ import annotations

from relnox.stage import Stage
from relnox.verify.model import Artifact, ScriptArgs, Target, VerifyOptions, VerifyPlan
from relnox.verify.plan import copy_checked, plan_verify
from relnox.verify.report import VerifyReport
from relnox.verify.run import run_plan, verify_install
from relnox.verify.smoke import Check, check_script, check_spec, judge, read_findings, write_check

STAGE: Stage[VerifyOptions, VerifyPlan, VerifyReport] = Stage(
    "verify", VerifyOptions, plan_verify, run_plan
)
#: the check process's script: the source of :mod:`relnox.verify.in_env`
CHECK_SCRIPT = check_script()


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
