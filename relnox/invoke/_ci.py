"""Placeholder tasks: replaced by the module that implements them."""

from __future__ import annotations

from typing import Any

from relnox.errors import RelnoxError
from relnox.invoke._common import relnox_task


@relnox_task(name="tag")
def tag(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("tag is not implemented yet")


@relnox_task(name="check-tag")
def check_tag(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("check-tag is not implemented yet")


@relnox_task(name="resolve-version")
def resolve_version(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("resolve-version is not implemented yet")


@relnox_task(name="plan")
def plan(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("plan is not implemented yet")


@relnox_task(name="doctor")
def doctor(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("doctor is not implemented yet")


@relnox_task(name="ci-init")
def ci_init(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("ci-init is not implemented yet")


@relnox_task(name="release-notes")
def release_notes(c: Any, root: str = ".", verbose: int = 0) -> None:
    """Not implemented yet."""
    raise RelnoxError("release-notes is not implemented yet")
