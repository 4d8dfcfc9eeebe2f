"""Core utilities of the acme monorepo."""

__version__ = "0.4.0"
