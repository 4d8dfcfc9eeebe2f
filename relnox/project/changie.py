"""changie's unreleased changes: read by :mod:`relnox.project.news`."""

from relnox.project.news import changie as changes

__all__ = ["changes"]
