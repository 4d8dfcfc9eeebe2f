"""publish: plan and preflight every upload, then send what the index lacks.

The face: :data:`STAGE` and its types, ``publish`` (plan and run in one call),
``installable_check`` (the ``--verify-installable`` check a :class:`PublishRuntime`
carries), ``ci_routes`` (where a CI run's tags publish) and the index's own answers that
doctor asks for (``new_project_limit``, ``our_versions``, ``status_problems``).
"""

from relnox.publish.installable import installable_check
from relnox.publish.model import PublishOptions, PublishPlan, PublishRuntime
from relnox.publish.new_projects import new_project_limit
from relnox.publish.owner import our_versions
from relnox.publish.plan import plan_publish, publish, run_publish
from relnox.publish.report import PublishResult
from relnox.publish.route import CiRoutes, ci_routes
from relnox.publish.rules import status_problems
from relnox.stage import Stage

STAGE: Stage[PublishOptions, PublishPlan, PublishResult] = Stage(
    "publish", PublishOptions, plan_publish, run_publish
)

__all__ = [
    "STAGE",
    "CiRoutes",
    "PublishOptions",
    "PublishPlan",
    "PublishResult",
    "PublishRuntime",
    "ci_routes",
    "installable_check",
    "new_project_limit",
    "our_versions",
    "publish",
    "status_problems",
]
