"""The one contract every stage keeps: options, plan, describe, run.

A stage (``relnox.bump``, ``builds``, ``verify``, ``publish``, ``release.tagging``,
``guards``, ``shards``, ``ci``) exposes in its ``__init__``: ``Options``, a frozen
dataclass of everything a person decides (the hosts build it once from their flags);
``plan(workspace, options)``, which reads, decides and checks but changes nothing; and
``run(plan, runtime)``, which does what the plan says with what only a run has (a person
to ask, the environment's secrets, a progress callback). A :class:`Plan` and a
:class:`Result` say themselves to a person (``describe()``: what ``--dry-run`` prints)
and to a machine (``to_json()``); ``Result.raise_for_failures()`` raises the stage's
error, each cause with its fix.

Everything else in a stage folder is private: hosts and other stages import a stage's
package, never its modules, and use only its ``__all__`` (tests/test_architecture.py
holds both rules). :class:`StageStatus` is how a stage of the release ended, one per
stage of :mod:`relnox.release.pipeline`.
"""

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
    """A status with one spelling: its value, which JSON outputs and tables show (each
    domain has its own: a stage, a build, an upload, a skew case, a scheduled job)."""

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


class Result(Protocol):
    """What a stage did."""

    def describe(self) -> list[str]: ...

    def to_json(self) -> dict[str, Any]: ...

    def raise_for_failures(self) -> None: ...


Confirm = Callable[[str], bool]


@dataclass(frozen=True)
class Runtime:
    """What only a run has: who answers a question, the environment secrets come from,
    and the clock every bounded wait sleeps on.

    ``confirm`` is None where nobody can answer (CI): a stage that must ask refuses
    instead. ``environ`` is None for this process's own environment.
    """

    confirm: Confirm | None = None
    environ: Mapping[str, str] | None = None
    sleep: Callable[[float], None] = time.sleep


OptionsT = TypeVar("OptionsT")
PlanT = TypeVar("PlanT", bound=Plan)
ResultT = TypeVar("ResultT", bound=Result)


PlanIn = TypeVar("PlanIn", bound=Plan, contravariant=True)
ResultOut = TypeVar("ResultOut", bound=Result, covariant=True)


class Run(Protocol[PlanIn, ResultOut]):
    """A stage's ``run``: the runtime may be left out (nobody to ask, this environment)."""

    def __call__(self, plan: PlanIn, runtime: Runtime | None = None) -> ResultOut: ...


@dataclass(frozen=True)
class Stage(Generic[OptionsT, PlanT, ResultT]):
    """One stage's public face: its name, its options type, ``plan`` and ``run``.

    ``plan(workspace, options)`` may take the runtime as a third argument when its checks
    read the environment (publish asks the index with the run's credentials).
    """

    name: str
    options: type[OptionsT]
    plan: Callable[..., PlanT]
    run: Run[PlanT, ResultT]


class _Face(types.ModuleType):
    """A lazy face whose names may be its submodules' names too (``relnox.guards.audit``,
    the function, and ``relnox/guards/audit.py``). The import system binds a submodule to
    its package's attribute when the submodule is first loaded, which would hide the
    face's name behind the module; the face keeps its own name there, as an eager
    ``from relnox.guards.audit import audit`` in the ``__init__`` did."""

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
    """A stage face's PEP 562 ``__getattr__``: each of ``names`` (name -> the module that
    defines it) imported on first use, each of ``made`` (name -> what makes it) made on
    first use, and kept in ``module``'s globals, so every later use is the same object
    without a second call. A name that is also a submodule's stays the face's name
    (:class:`_Face`)."""
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
