"""towncrier's news fragments: read by :mod:`relnox.project.news`."""

from relnox.project.news import towncrier as news

__all__ = ["news"]
