"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit)."""

from relnox.guards.api import ApiChange, ApiError, api_changes, check_bump
from relnox.guards.audit import AuditError, AuditReport, audit
from relnox.guards.skew import SkewError, SkewReport, check_skew, plan_skew, run_skew

__all__ = [
    "ApiChange",
    "ApiError",
    "AuditError",
    "AuditReport",
    "SkewError",
    "SkewReport",
    "api_changes",
    "audit",
    "check_bump",
    "check_skew",
    "plan_skew",
    "run_skew",
]
