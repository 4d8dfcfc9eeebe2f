"""publish: plan and preflight every upload, then send what the index lacks. Each name is
imported from its module on first use (PEP 562)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.publish.installable import installable_check
    from relnox.publish.model import PublishOptions, PublishPlan, PublishRuntime
    from relnox.publish.new_projects import first_releases, new_project_limit
    from relnox.publish.owner import carries_any
    from relnox.publish.plan import plan_publish as plan_publish
    from relnox.publish.plan import publish
    from relnox.publish.plan import run_publish as run_publish
    from relnox.publish.report import PublishResult
    from relnox.publish.route import CiRoutes, ci_routes
    from relnox.publish.rules import status_problems
    from relnox.stage import Stage

    STAGE: Stage[PublishOptions, PublishPlan, PublishResult]

#: each name of the face -> the module that defines it
_FACE = {
    "installable_check": "relnox.publish.installable",
    "PublishOptions": "relnox.publish.model",
    "PublishPlan": "relnox.publish.model",
    "PublishRuntime": "relnox.publish.model",
    "new_project_limit": "relnox.publish.new_projects",
    "first_releases": "relnox.publish.new_projects",
    "carries_any": "relnox.publish.owner",
    "plan_publish": "relnox.publish.plan",
    "publish": "relnox.publish.plan",
    "run_publish": "relnox.publish.plan",
    "PublishResult": "relnox.publish.report",
    "CiRoutes": "relnox.publish.route",
    "ci_routes": "relnox.publish.route",
    "status_problems": "relnox.publish.rules",
}


def _stage() -> Any:
    from relnox.publish.model import PublishOptions
    from relnox.publish.plan import plan_publish, run_publish
    from relnox.stage import Stage

    return Stage("publish", PublishOptions, plan_publish, run_publish)


__getattr__ = lazy_face(__name__, _FACE, {"STAGE": _stage})


__all__ = [
    "STAGE",
    "CiRoutes",
    "PublishOptions",
    "PublishPlan",
    "PublishResult",
    "PublishRuntime",
    "carries_any",
    "ci_routes",
    "first_releases",
    "installable_check",
    "new_project_limit",
    "publish",
    "status_problems",
]
