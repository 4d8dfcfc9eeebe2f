"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit)."""

from relnox.guards.api import ApiChange, ApiError, api_changes, check_bump, doctor_checks, enabled
from relnox.guards.audit import (
    AuditError,
    AuditOptions,
    AuditPlan,
    AuditReport,
    audit,
    audit_markdown,
    plan_audit,
    render_audit,
    run_audit,
)
from relnox.guards.audit import closing_message as audit_message
from relnox.guards.skew import (
    SkewError,
    SkewOptions,
    SkewPlan,
    SkewReport,
    check_skew,
    plan_skew,
    render_skew,
    run_skew,
)
from relnox.guards.skew import closing_message as skew_message
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
    "audit_markdown",
    "audit_message",
    "check_bump",
    "check_skew",
    "doctor_checks",
    "enabled",
    "plan_audit",
    "plan_skew",
    "render_audit",
    "render_skew",
    "run_audit",
    "run_skew",
    "skew_message",
]
