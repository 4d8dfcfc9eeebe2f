"""verify_install: prove a release installs and works in a fresh environment."""

from relnox.stage import Stage
from relnox.verify.plan import (
    Artifact,
    ScriptArgs,
    Target,
    VerifyOptions,
    VerifyPlan,
    copy_checked,
    plan_verify,
)
from relnox.verify.report import VerifyReport, closing_message
from relnox.verify.run import render_report, run_plan, verify_install
from relnox.verify.smoke import CHECK_SCRIPT, Check, check_spec, judge

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
    "closing_message",
    "copy_checked",
    "judge",
    "plan_verify",
    "render_report",
    "run_plan",
    "verify_install",
]
