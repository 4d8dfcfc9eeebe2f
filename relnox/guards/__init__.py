"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit)."""

from relnox.guards.api import ApiChange, ApiError, api_changes, check_bump, doctor_checks, enabled
from relnox.guards.audit import (
    AuditError,
    AuditOptions,
    AuditReport,
    audit,
    audit_markdown,
    render_audit,
)
from relnox.guards.audit import closing_message as audit_message
from relnox.guards.skew import (
    SkewError,
    SkewOptions,
    SkewReport,
    check_skew,
    plan_skew,
    render_skew,
    run_skew,
)
from relnox.guards.skew import closing_message as skew_message

__all__ = [
    "ApiChange",
    "ApiError",
    "AuditError",
    "AuditOptions",
    "AuditReport",
    "SkewError",
    "SkewOptions",
    "SkewReport",
    "api_changes",
    "audit",
    "audit_markdown",
    "audit_message",
    "check_bump",
    "check_skew",
    "doctor_checks",
    "enabled",
    "plan_skew",
    "render_audit",
    "render_skew",
    "run_skew",
    "skew_message",
]
