"""build_all: every selected package built, checked and recorded, in dependency order.

The face: :data:`STAGE` and its types, ``build_all`` (plan and run in one call, the
library's ``relnox.build_all``), ``refuse_stale``, which publish and verify ask before
they use a dist directory, and ``stale_builds``, what a release rerun asks of its build.

Each name is imported from its module on first use (PEP 562): verify and publish ask only
``refuse_stale`` (``builds/inputs.py``), and a start of relnox that does not build need not
load the planner, the runner and the build environments.
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

#: each name of the face -> the module that defines it
_FACE = {
    "refuse_stale": "relnox.builds.inputs",
    "stale_builds": "relnox.builds.inputs",
    "BuildOptions": "relnox.builds.plan",
    "BuildPlan": "relnox.builds.plan",
    "plan_build": "relnox.builds.plan",
    "BuildResult": "relnox.builds.run",
    "PackageOutcome": "relnox.builds.run",
    "build_all": "relnox.builds.run",
    "execute": "relnox.builds.run",
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
