"""version_bump: plan every edit and git action, check them, then apply all or none. The
face: :data:`STAGE` and its types; ``plan_bump`` and ``apply_bump`` are the library's too."""

from relnox.bump.apply import apply_bump
from relnox.bump.model import BumpOptions, BumpPlan, BumpResult, FileEdit, GitAction
from relnox.bump.plan import plan_bump
from relnox.stage import Stage

STAGE: Stage[BumpOptions, BumpPlan, BumpResult] = Stage("bump", BumpOptions, plan_bump, apply_bump)

__all__ = [
    "STAGE",
    "BumpOptions",
    "BumpPlan",
    "BumpResult",
    "FileEdit",
    "GitAction",
    "apply_bump",
    "plan_bump",
]
