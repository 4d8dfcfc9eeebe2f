"""publish: plan and preflight every upload, then send what the index lacks."""

from relnox.publish.model import PublishOptions, PublishRuntime
from relnox.publish.owner import our_versions
from relnox.publish.plan import (
    PublishPlan,
    new_project_limit,
    plan_publish,
    publish,
    run_publish,
)
from relnox.publish.report import PublishResult
from relnox.publish.rules import status_problems
from relnox.stage import Stage

STAGE: Stage[PublishOptions, PublishPlan, PublishResult] = Stage(
    "publish", PublishOptions, plan_publish, run_publish
)

__all__ = [
    "STAGE",
    "PublishOptions",
    "PublishPlan",
    "PublishRuntime",
    "new_project_limit",
    "our_versions",
    "plan_publish",
    "publish",
    "run_publish",
    "status_problems",
]
