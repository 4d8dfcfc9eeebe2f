"""verify_install: prove a release installs and works in a fresh environment."""

from relnox.verify.plan import VerifyPlan, plan_verify
from relnox.verify.report import VerifyReport
from relnox.verify.run import verify_install

__all__ = ["VerifyPlan", "VerifyReport", "plan_verify", "verify_install"]
