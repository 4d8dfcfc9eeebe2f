"""build_all: every selected package built, checked and recorded, in dependency order.
The face's names are imported on first use (PEP 562): a start that does not build loads none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.builds.inputs import refuse_stale, stale_builds
    from relnox.builds.plan import BuildOptions, BuildPlan
    from relnox.builds.run import BuildResult, PackageOutcome, build_all
    from relnox.stage import Stage

    STAGE: Stage[BuildOptions, BuildPlan, BuildResult]

_FACE = {
    **dict.fromkeys(("refuse_stale", "stale_builds"), "relnox.builds.inputs"),
    **dict.fromkeys(("BuildOptions", "BuildPlan", "plan_build"), "relnox.builds.plan"),
    **dict.fromkeys(("BuildResult", "PackageOutcome", "build_all", "execute"), "relnox.builds.run"),
}


def _stage() -> Any:
    from relnox.builds.plan import BuildOptions, plan_build
    from relnox.builds.run import execute
    from relnox.stage import Stage

    return Stage("build", BuildOptions, plan_build, execute)


__getattr__ = lazy_face(__name__, _FACE, {"STAGE": _stage})


__all__ = [
    "STAGE",
    "BuildOptions",
    "BuildPlan",
    "BuildResult",
    "PackageOutcome",
    "build_all",
    "refuse_stale",
    "stale_builds",
]
