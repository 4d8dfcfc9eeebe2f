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
from relnox.publish.rules import status_problems

__all__ = [
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
