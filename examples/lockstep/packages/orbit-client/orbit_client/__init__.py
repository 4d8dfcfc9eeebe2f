"""orbit-client."""

__version__ = "2.3.0"
