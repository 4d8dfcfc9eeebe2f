"""The one contract every stage keeps: options, plan, describe, run; and the lazy face."""

from __future__ import annotations

import enum
import importlib
import sys
import time
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class Status(str, enum.Enum):
    """A status with one spelling: its value, which JSON outputs and tables show."""

    def __str__(self) -> str:  # and so format() and f-strings (Enum.__format__ uses it)
        return str(self.value)


class StageStatus(Status):
    """How one stage of a release ended."""

    DONE = "done"
    ALREADY_DONE = "already done"  # a rerun found it finished for the same versions and files
    SKIPPED = "skipped"
    FAILED = "failed"


class Plan(Protocol):
    """What a stage would do, nothing done yet."""

    def describe(self) -> list[str]: ...

    def to_json(self) -> dict[str, Any]: ...


class Result(Plan, Protocol):
    """What a stage did."""

    def raise_for_failures(self) -> None: ...


Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class Runtime:
    """What only a run has: who answers a question (None: refuse), the environment, clock."""

    confirm: Confirm | None = None
    environ: Mapping[str, str] | None = None
    sleep: Callable[[float], None] = time.sleep


OptionsT = TypeVar("OptionsT")
PlanT = TypeVar("PlanT", bound=Plan)
ResultT = TypeVar("ResultT", bound=Result)


@dataclass(frozen=True)
class Stage(Generic[OptionsT, PlanT, ResultT]):
    """One stage's public face: its name, options type, ``plan`` (maybe taking the runtime)
    and ``run(plan, runtime=None)`` (without a runtime: nobody to ask, this environment)."""

    name: str
    options: type[OptionsT]
    plan: Callable[..., PlanT]
    run: Callable[..., ResultT]


class _Face(types.ModuleType):
    """A lazy face whose names a submodule of the same name loaded later does not hide."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and name in self.__dict__.get("_face_names", ())
        ):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_face(
    module: str, names: Mapping[str, str], made: Mapping[str, Callable[[], Any]]
) -> Callable[[str], Any]:
    """A PEP 562 ``__getattr__``: ``names`` imported, ``made`` made, on first use."""
    face = sys.modules.get(module)
    if face is not None and type(face) is types.ModuleType:
        face.__class__ = _Face
        face.__dict__["_face_names"] = frozenset({*names, *made})

    def __getattr__(name: str) -> Any:
        if name in made:
            value = made[name]()
        elif name in names:
            value = getattr(importlib.import_module(names[name]), name)
        else:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        setattr(sys.modules[module], name, value)
        return value

    return __getattr__
