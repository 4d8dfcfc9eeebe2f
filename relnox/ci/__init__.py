"""ci-init: hardened CI workflows that call relnox, and doctor's questions about them."""

from relnox.ci.forge import pipeline_problems
from relnox.ci.init import STAGE, CiOptions, CiPlan, CiResult

__all__ = ["STAGE", "CiOptions", "CiPlan", "CiResult", "pipeline_problems"]
