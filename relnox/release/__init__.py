"""The release pipeline and what surrounds it: doctor, tags, notes, rehearsals, the release
pull request. Each name is imported on first use (PEP 562): ``relnox doctor``, ``tag`` and
``check-tag`` load neither the pipeline nor every other stage (tests/test_cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relnox.stage import lazy_face

if TYPE_CHECKING:
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
    from relnox.release.intent import Intent, release_intent
    from relnox.release.model import ReleaseOptions, ReleasePlan, ReleaseResult
    from relnox.release.notes import NOTES_FILE, ReleaseNotes, release_notes, write_notes
    from relnox.release.pipeline import plan_release, release
    from relnox.release.rehearse import Rehearsal, demo, rehearse
    from relnox.release.release_pr import PrOptions, release_pr
    from relnox.release.tagging import TAG_STAGE, TagOptions, TagPlan, TagResult
    from relnox.release.tagging import apply_tags as apply_tags
    from relnox.release.tagging import plan_tags as plan_tags

#: each name of the face -> the module that defines it
_FACE = {
    name: f"relnox.release.{module}"
    for module, names in (
        ("ci_tags", "ResolvedVersion check_tag is_latest packages_of_tag parse_release_tag"),
        ("ci_tags", "release_tags_at resolve_version"),
        ("doctor", "DoctorReport doctor"),
        ("intent", "Intent release_intent"),
        ("release_pr", "PrOptions release_pr"),
        ("model", "ReleaseOptions ReleasePlan ReleaseResult"),
        ("notes", "NOTES_FILE ReleaseNotes release_notes write_notes"),
        ("pipeline", "plan_release release"),
        ("rehearse", "Rehearsal demo rehearse"),
        ("tagging", "TAG_STAGE TagOptions TagPlan TagResult apply_tags plan_tags"),
    )
    for name in names.split()
}

__getattr__ = lazy_face(__name__, _FACE, {})

__all__ = [
    "NOTES_FILE",
    "TAG_STAGE",
    "DoctorReport",
    "Intent",
    "PrOptions",
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
    "release_intent",
    "release_notes",
    "release_pr",
    "release_tags_at",
    "resolve_version",
    "write_notes",
]
