"""Placeholder tasks: replaced by the module that implements them."""

from __future__ import annotations

from typing import Any

from relnox.errors import RelnoxError
from relnox.invoke._common import relnox_task


@relnox_task(name="release")
def release(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("release is not implemented yet")


@relnox_task(name="rehearse")
def rehearse(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("rehearse is not implemented yet")


@relnox_task(name="demo")
def demo(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("demo is not implemented yet")
