"""The release pipeline and what surrounds it: doctor, tags, notes, rehearsals, the release
pull request. Each name is imported on first use (PEP 562): ``relnox doctor``, ``tag`` and
``check-tag`` load neither the pipeline nor every other stage (tests/test_cli.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.release.ci_tags import ResolvedVersion as ResolvedVersion
    from relnox.release.ci_tags import check_tag as check_tag
    from relnox.release.ci_tags import is_latest as is_latest
    from relnox.release.ci_tags import packages_of_tag as packages_of_tag
    from relnox.release.ci_tags import parse_release_tag as parse_release_tag
    from relnox.release.ci_tags import release_tags_at as release_tags_at
    from relnox.release.ci_tags import resolve_version as resolve_version
    from relnox.release.doctor import DoctorReport as DoctorReport
    from relnox.release.doctor import doctor as doctor
    from relnox.release.intent import Intent as Intent
    from relnox.release.intent import release_intent as release_intent
    from relnox.release.model import ReleaseOptions as ReleaseOptions
    from relnox.release.model import ReleasePlan as ReleasePlan
    from relnox.release.model import ReleaseResult as ReleaseResult
    from relnox.release.notes import NOTES_FILE as NOTES_FILE
    from relnox.release.notes import ReleaseNotes as ReleaseNotes
    from relnox.release.notes import release_notes as release_notes
    from relnox.release.notes import write_notes as write_notes
    from relnox.release.pipeline import plan_release as plan_release
    from relnox.release.pipeline import release as release
    from relnox.release.rehearse import Rehearsal as Rehearsal
    from relnox.release.rehearse import demo as demo
    from relnox.release.rehearse import rehearse as rehearse
    from relnox.release.release_pr import PrOptions as PrOptions
    from relnox.release.release_pr import release_pr as release_pr
    from relnox.release.tagging import TAG_STAGE as TAG_STAGE
    from relnox.release.tagging import TagOptions as TagOptions
    from relnox.release.tagging import TagPlan as TagPlan
    from relnox.release.tagging import TagResult as TagResult

#: each module of the face -> the names it defines
_MODULES = {
    "ci_tags": "ResolvedVersion check_tag is_latest packages_of_tag parse_release_tag "
    "release_tags_at resolve_version",
    "doctor": "DoctorReport doctor",
    "intent": "Intent release_intent",
    "model": "ReleaseOptions ReleasePlan ReleaseResult",
    "notes": "NOTES_FILE ReleaseNotes release_notes write_notes",
    "pipeline": "plan_release release",
    "rehearse": "Rehearsal demo rehearse",
    "release_pr": "PrOptions release_pr",
    "tagging": "TAG_STAGE TagOptions TagPlan TagResult",
}
_FACE = {name: f"relnox.release.{mod}" for mod, names in _MODULES.items() for name in names.split()}

__getattr__ = lazy_face(__name__, _FACE, {})

__all__ = sorted(_FACE)
