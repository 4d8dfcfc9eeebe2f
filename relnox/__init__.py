"""relnox: release automation for Python repositories, as nox sessions and invoke tasks."""

from relnox.errors import RelnoxError

__version__ = "0.1.0"
__all__ = ["RelnoxError", "__version__"]
