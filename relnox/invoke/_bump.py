"""Placeholder tasks: replaced by the module that implements them."""

from __future__ import annotations

from typing import Any

from relnox.errors import RelnoxError
from relnox.invoke._common import relnox_task


@relnox_task(name="bump")
def bump(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("bump is not implemented yet")
