"""The release pipeline and what surrounds it: doctor, tags, notes, rehearsals."""

from relnox.release.doctor import doctor
from relnox.release.pipeline import ReleaseOptions, ReleaseResult, release
from relnox.release.rehearse import rehearse
from relnox.release.tagging import TagOptions, TagPlan, apply_tags, plan_tags
from relnox.stage import Stage

TAG_STAGE: Stage[TagOptions, TagPlan, None] = Stage("tag", TagOptions, plan_tags, apply_tags)

__all__ = [
    "TAG_STAGE",
    "ReleaseOptions",
    "ReleaseResult",
    "TagOptions",
    "TagPlan",
    "apply_tags",
    "doctor",
    "plan_tags",
    "rehearse",
    "release",
]
