"""ci-init: hardened GitHub Actions workflows that call relnox."""

from relnox.ci.init import STAGE, CiOptions, CiPlan, generate, plan_files, write_files

__all__ = ["STAGE", "CiOptions", "CiPlan", "generate", "plan_files", "write_files"]
