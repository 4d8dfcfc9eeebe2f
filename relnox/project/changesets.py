"""changesets' pending changes: read by :mod:`relnox.project.news`."""

from relnox.project.news import changesets

__all__ = ["changesets"]
