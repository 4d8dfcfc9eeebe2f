"""verify_install: prove a release installs and works in a fresh environment."""

from relnox.verify.plan import VerifyPlan, plan_verify
from relnox.verify.report import VerifyReport, closing_message
from relnox.verify.run import render_report, verify_install

__all__ = [
    "VerifyPlan",
    "VerifyReport",
    "closing_message",
    "plan_verify",
    "render_report",
    "verify_install",
]
