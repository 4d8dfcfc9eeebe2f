"""publish: plan and preflight every upload, then send what the index lacks (names lazy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.publish.installable import installable_check as installable_check
    from relnox.publish.model import PublishOptions as PublishOptions
    from relnox.publish.model import PublishPlan as PublishPlan
    from relnox.publish.model import PublishRuntime as PublishRuntime
    from relnox.publish.plan import publish as publish
    from relnox.publish.preflight import carries_any as carries_any
    from relnox.publish.report import PublishResult as PublishResult
    from relnox.publish.route import CiRoutes as CiRoutes
    from relnox.publish.route import ci_routes as ci_routes
    from relnox.publish.route import configured_target as configured_target
    from relnox.publish.rules import advised_first as advised_first
    from relnox.publish.rules import first_releases as first_releases
    from relnox.publish.rules import new_project_limit as new_project_limit
    from relnox.publish.rules import status_problems as status_problems
    from relnox.stage import Stage

    STAGE: Stage[PublishOptions, PublishPlan, PublishResult]

#: each module of the face -> the names it defines
_MODULES = {
    "installable": ("installable_check",),
    "model": ("PublishOptions", "PublishPlan", "PublishRuntime"),
    "plan": ("publish",),
    "preflight": ("carries_any",),
    "report": ("PublishResult",),
    "route": ("CiRoutes", "ci_routes", "configured_target"),
    "rules": ("status_problems", "new_project_limit", "first_releases", "advised_first"),
}
_FACE = {name: f"relnox.publish.{module}" for module, names in _MODULES.items() for name in names}


def _stage() -> Any:
    from relnox.publish.model import PublishOptions
    from relnox.publish.plan import plan_publish, run_publish
    from relnox.stage import Stage

    return Stage("publish", PublishOptions, plan_publish, run_publish)


__getattr__ = lazy_face(__name__, _FACE, {"STAGE": _stage})


__all__ = ["STAGE", *sorted(_FACE)]
