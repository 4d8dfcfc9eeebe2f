"""A single hatch project."""

from hatchery.__about__ import __version__

__all__ = ["__version__"]
