"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit); each name imported on
first use (PEP 562), so plan and bump load only the API guard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.guards.api import ApiChange as ApiChange
    from relnox.guards.api import ApiError as ApiError
    from relnox.guards.api import api_changes as api_changes
    from relnox.guards.api import check_bump as check_bump
    from relnox.guards.api import doctor_checks as doctor_checks
    from relnox.guards.api import enabled as enabled
    from relnox.guards.audit import AUDIT_STAGE as AUDIT_STAGE
    from relnox.guards.audit import AuditError as AuditError
    from relnox.guards.audit import AuditOptions as AuditOptions
    from relnox.guards.audit import AuditPlan as AuditPlan
    from relnox.guards.audit import AuditReport as AuditReport
    from relnox.guards.audit import audit as audit
    from relnox.guards.skew import SKEW_STAGE as SKEW_STAGE
    from relnox.guards.skew import SkewError as SkewError
    from relnox.guards.skew import SkewOptions as SkewOptions
    from relnox.guards.skew import SkewPlan as SkewPlan
    from relnox.guards.skew import SkewReport as SkewReport
    from relnox.guards.skew import check_skew as check_skew

#: each module of the face -> the names it defines
_MODULES = {
    "api": "ApiChange ApiError api_changes check_bump doctor_checks enabled",
    "audit": "AUDIT_STAGE AuditError AuditOptions AuditPlan AuditReport audit",
    "skew": "SKEW_STAGE SkewError SkewOptions SkewPlan SkewReport check_skew",
}
_FACE = {name: f"relnox.guards.{mod}" for mod, names in _MODULES.items() for name in names.split()}

__getattr__ = lazy_face(__name__, _FACE, {})

__all__ = sorted(_FACE)
