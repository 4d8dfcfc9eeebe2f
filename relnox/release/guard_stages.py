"""The guards as stages of the release: ``skew`` before PyPI, ``audit`` last.

The skew guard (:mod:`relnox.guards.skew`) installs the published versions of each
dependent with the new release, against the production index, before anything reaches
it; the audit (:mod:`relnox.guards.audit`) reads the index back after the release and
keeps its table as a release record (``.relnox/dist/audit.md``). Both are skipped when
publish is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relnox.artifacts.manifest import ensure_state_dir
from relnox.atomic import write_atomic
from relnox.errors import RelnoxError
from relnox.guards import AUDIT_STAGE, SKEW_STAGE, AuditOptions, SkewOptions
from relnox.redact import redact_url
from relnox.release.model import Outcome, ReleaseError, stage_fingerprint
from relnox.stage import Result, StageStatus

if TYPE_CHECKING:
    from relnox.release.pipeline import Pipeline

AUDIT_RECORD = "audit.md"  # the audit's table, a release record for the GitHub release


def skew_stage(pipeline: Pipeline) -> Outcome:
    """The published versions of the dependents, installed with the new release."""
    if "publish" in pipeline.options.skip:
        return StageStatus.SKIPPED, "publish is skipped: nothing new reaches the index"
    o = pipeline.options
    extra = redact_url(o.extra_index) if o.extra_index else None
    settings = (o.skew_depth, sorted(o.accept_skew), extra, sorted(pipeline.names))
    fingerprint = stage_fingerprint(pipeline.dist_dir, o.repository, *settings)
    if pipeline.state.done("skew", fingerprint):
        return StageStatus.ALREADY_DONE, "checked before for this build"
    plan = SKEW_STAGE.plan(
        pipeline.workspace,
        SkewOptions(
            index=pipeline.options.repository,
            packages=pipeline.names,
            dist_dir=pipeline.dist_dir,
            depth=pipeline.options.skew_depth,
            accept=pipeline.options.accept_skew,
            extra_index=pipeline.options.extra_index,
        ),
    )
    report = SKEW_STAGE.run(plan, pipeline.runtime)
    pipeline.result.guards["skew"] = report.to_json()
    _raise_for_failures(report)
    pipeline.state.mark("skew", fingerprint)
    accepted = [r.case.key for r in report.accepted]
    shown = f"; accepted: {', '.join(accepted)}" if accepted else ""
    return StageStatus.DONE, report.summary() + shown


def audit_stage(pipeline: Pipeline) -> Outcome:
    """What the index serves now: every file, its sha256, provenance, project status."""
    if "publish" in pipeline.options.skip:
        return StageStatus.SKIPPED, "publish is skipped: nothing was released to audit"
    plan = AUDIT_STAGE.plan(
        pipeline.workspace,
        AuditOptions(
            repository=pipeline.options.repository,
            packages=pipeline.names,
            dist_dir=pipeline.dist_dir,
            integrity_url=pipeline.options.integrity_url,
            wait=pipeline.options.wait if pipeline.options.wait is not None else 60.0,
        ),
    )
    report = AUDIT_STAGE.run(plan, pipeline.runtime)
    pipeline.result.guards["audit"] = report.to_json()
    record = ensure_state_dir(pipeline.dist_dir) / AUDIT_RECORD
    write_atomic(record, report.markdown(), through_link=False)
    _raise_for_failures(report)
    checks = len(report.findings)
    return (
        StageStatus.DONE,
        f"{checks} checks on {report.repository.label} passed; record: {record}",
    )


def _raise_for_failures(report: Result) -> None:
    """A guard that failed stops the release with its report and its closing message."""
    try:
        report.raise_for_failures()
    except RelnoxError as failed:
        raise ReleaseError("\n".join([*report.describe(), failed.message])) from None
