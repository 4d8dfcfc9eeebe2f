"""The build stage's former import path, kept stable: the stage lives in :mod:`relnox.builds`
(a folder named ``build`` is skipped as build output by pytest and other tools)."""

from relnox.builds import (
    BuildOptions,
    BuildPlan,
    BuildResult,
    PackageOutcome,
    build_all,
    execute,
    plan_build,
)

__all__ = [
    "BuildOptions",
    "BuildPlan",
    "BuildResult",
    "PackageOutcome",
    "build_all",
    "execute",
    "plan_build",
]
