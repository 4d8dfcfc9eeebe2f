"""ci-init: hardened CI workflows that call relnox; :func:`pipeline_problems`, doctor's
questions about the GitLab pipeline it wrote."""

from relnox.ci.forge import pipeline_problems
from relnox.ci.init import STAGE, CiOptions, CiPlan, CiResult

__all__ = ["STAGE", "CiOptions", "CiPlan", "CiResult", "pipeline_problems"]
