"""scriv's fragments: read by :mod:`relnox.project.news`."""

from relnox.project.news import scriv as fragments

__all__ = ["fragments"]
