"""version_bump: plan every edit and git action, check them, then apply all or none."""

from relnox.bump.checks import changed_names
from relnox.bump.model import BumpPlan, BumpResult, FileEdit, GitAction
from relnox.bump.plan import apply_bump, plan_bump

__all__ = [
    "BumpPlan",
    "BumpResult",
    "FileEdit",
    "GitAction",
    "apply_bump",
    "changed_names",
    "plan_bump",
]
