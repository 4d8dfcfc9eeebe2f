"""publish: plan and preflight every upload, then send what the index lacks."""

from relnox.publish.plan import PublishPlan, plan_publish, publish

__all__ = ["PublishPlan", "plan_publish", "publish"]
