"""ci-init: hardened GitHub Actions workflows that call relnox."""

from relnox.ci.init import generate, plan_files, write_files

__all__ = ["generate", "plan_files", "write_files"]
