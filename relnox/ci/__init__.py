"""ci-init: hardened GitHub Actions workflows that call relnox.

The face: :data:`STAGE` and its types.
"""

from relnox.ci.init import STAGE, CiOptions, CiPlan, CiResult

__all__ = ["STAGE", "CiOptions", "CiPlan", "CiResult"]
