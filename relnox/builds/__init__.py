"""build_all: every selected package built, checked and recorded, in dependency order."""

from relnox.builds.inputs import refuse_stale, stale_builds
from relnox.builds.plan import BuildOptions, BuildPlan, plan_build
from relnox.builds.run import BuildResult, PackageOutcome, build_all, execute
from relnox.stage import Stage

STAGE: Stage[BuildOptions, BuildPlan, BuildResult] = Stage(
    "build", BuildOptions, plan_build, execute
)

__all__ = [
    "STAGE",
    "BuildOptions",
    "BuildPlan",
    "BuildResult",
    "PackageOutcome",
    "build_all",
    "execute",
    "plan_build",
    "refuse_stale",
    "stale_builds",
]
