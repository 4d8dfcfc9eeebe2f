"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit).

The face: :data:`SKEW_STAGE`, :data:`AUDIT_STAGE` and their types, ``check_skew`` and
``audit`` (plan and run in one call), and the API guard, a check other stages ask rather
than a stage (``api_changes``, ``check_bump``, ``enabled``, ``doctor_checks``).
"""

from relnox.guards.api import ApiChange, ApiError, api_changes, check_bump, doctor_checks, enabled
from relnox.guards.audit import (
    AuditOptions,
    AuditPlan,
    AuditReport,
    audit,
    plan_audit,
    run_audit,
)
from relnox.guards.audit_pages import AuditError
from relnox.guards.skew import (
    SkewError,
    SkewOptions,
    SkewPlan,
    SkewReport,
    check_skew,
    plan_skew,
    run_skew,
)
from relnox.stage import Stage

SKEW_STAGE: Stage[SkewOptions, SkewPlan, SkewReport] = Stage(
    "skew", SkewOptions, plan_skew, run_skew
)
AUDIT_STAGE: Stage[AuditOptions, AuditPlan, AuditReport] = Stage(
    "audit", AuditOptions, plan_audit, run_audit
)

__all__ = [
    "AUDIT_STAGE",
    "SKEW_STAGE",
    "ApiChange",
    "ApiError",
    "AuditError",
    "AuditOptions",
    "AuditPlan",
    "AuditReport",
    "SkewError",
    "SkewOptions",
    "SkewPlan",
    "SkewReport",
    "api_changes",
    "audit",
    "check_bump",
    "check_skew",
    "doctor_checks",
    "enabled",
]
