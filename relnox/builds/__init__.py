"""build_all: every selected package built, checked and recorded, in dependency order.

The face: :data:`STAGE` and its types, ``build_all`` (plan and run in one call, the
library's ``relnox.build_all``) and ``refuse_stale``, which publish and verify ask before
they use a dist directory.
"""

from relnox.builds.inputs import refuse_stale
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
    "refuse_stale",
]
