"""The release pipeline and what surrounds it: doctor, tags, notes, rehearsals.

The face: :data:`TAG_STAGE` and the types of the tag stage and of the release; the
release itself (``release``, ``plan_release``, ``rehearse``, ``demo``) and ``doctor``
(the library's); and what a CI run asks of its tags (``check_tag``, ``resolve_version``,
``release_tags_at``, ``parse_release_tag``, ``packages_of_tag``, ``is_latest``) and of
its notes (``release_notes``, ``write_notes``, ``NOTES_FILE``).
"""

from relnox.release.ci_tags import (
    ResolvedVersion,
    check_tag,
    is_latest,
    packages_of_tag,
    parse_release_tag,
    release_tags_at,
    resolve_version,
)
from relnox.release.doctor import DoctorReport, doctor
from relnox.release.model import ReleaseOptions, ReleasePlan, ReleaseResult
from relnox.release.notes import NOTES_FILE, ReleaseNotes, release_notes, write_notes
from relnox.release.pipeline import plan_release, release
from relnox.release.rehearse import Rehearsal, demo, rehearse
from relnox.release.tagging import TagOptions, TagPlan, TagResult, apply_tags, plan_tags
from relnox.stage import Stage

TAG_STAGE: Stage[TagOptions, TagPlan, TagResult] = Stage("tag", TagOptions, plan_tags, apply_tags)

__all__ = [
    "NOTES_FILE",
    "TAG_STAGE",
    "DoctorReport",
    "Rehearsal",
    "ReleaseNotes",
    "ReleaseOptions",
    "ReleasePlan",
    "ReleaseResult",
    "ResolvedVersion",
    "TagOptions",
    "TagPlan",
    "TagResult",
    "check_tag",
    "demo",
    "doctor",
    "is_latest",
    "packages_of_tag",
    "parse_release_tag",
    "plan_release",
    "rehearse",
    "release",
    "release_notes",
    "release_tags_at",
    "resolve_version",
    "write_notes",
]
