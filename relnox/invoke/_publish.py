"""Placeholder tasks: replaced by the module that implements them."""

from __future__ import annotations

from typing import Any

from relnox.errors import RelnoxError
from relnox.invoke._common import relnox_task


@relnox_task(name="publish")
def publish(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("publish is not implemented yet")


@relnox_task(name="testpypi")
def testpypi(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("testpypi is not implemented yet")


@relnox_task(name="serve-index")
def serve_index(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("serve-index is not implemented yet")
