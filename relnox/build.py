"""The build stage's former import path, kept stable: the stage lives in :mod:`relnox.builds`."""

from relnox.builds import *  # noqa: F403
from relnox.builds import __all__ as __all__
