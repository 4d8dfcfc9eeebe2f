"""Agents built on acme-core."""

import acme_core  # noqa: F401

__version__ = "0.2.1"
