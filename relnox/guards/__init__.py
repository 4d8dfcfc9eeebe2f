"""Release guards: old dependents against the new release (skew), the bump an API change
demands (api), and an audit of what is live on the index (audit); each name imported on
first use (PEP 562), so plan and bump load only the API guard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.stage import lazy_face

if TYPE_CHECKING:
    from relnox.guards.api import (
        ApiChange,
        ApiError,
        api_changes,
        check_bump,
        doctor_checks,
        enabled,
    )
    from relnox.guards.audit import AuditError, AuditOptions, AuditPlan, AuditReport, audit
    from relnox.guards.audit import plan_audit as plan_audit
    from relnox.guards.audit import run_audit as run_audit
    from relnox.guards.skew import SkewError, SkewOptions, SkewPlan, SkewReport, check_skew
    from relnox.guards.skew import plan_skew as plan_skew
    from relnox.guards.skew import run_skew as run_skew
    from relnox.stage import Stage

    SKEW_STAGE: Stage[SkewOptions, SkewPlan, SkewReport]
    AUDIT_STAGE: Stage[AuditOptions, AuditPlan, AuditReport]

#: each module of the face -> the names it defines
_MODULES = {
    "api": ("ApiChange", "ApiError", "api_changes", "check_bump", "doctor_checks", "enabled"),
    "audit": ("AuditError", "AuditOptions", "AuditPlan", "AuditReport", "audit", "plan_audit"),
    "skew": ("SkewError", "SkewOptions", "SkewPlan", "SkewReport", "check_skew", "plan_skew"),
}
_FACE = {name: f"relnox.guards.{module}" for module, names in _MODULES.items() for name in names}
_FACE.update(run_audit="relnox.guards.audit", run_skew="relnox.guards.skew")


def _skew_stage() -> Any:
    from relnox.guards.skew import SkewOptions, plan_skew, run_skew
    from relnox.stage import Stage

    return Stage("skew", SkewOptions, plan_skew, run_skew)


def _audit_stage() -> Any:
    from relnox.guards.audit import AuditOptions, plan_audit, run_audit
    from relnox.stage import Stage

    return Stage("audit", AuditOptions, plan_audit, run_audit)


__getattr__ = lazy_face(__name__, _FACE, {"SKEW_STAGE": _skew_stage, "AUDIT_STAGE": _audit_stage})


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
