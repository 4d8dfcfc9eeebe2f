"""relnox._records.dataclass behaves as the standard library's, shape by shape."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from relnox import _records

ROOT = Path(__file__).resolve().parents[1]


def _shapes(dataclass: Callable[..., Any], module: str) -> dict[str, type]:
    """The same classes, made by ``dataclass``, in a module of their own (for pickle)."""
    field = dataclasses.field

    @dataclass(frozen=True)
    class Plain:
        """A frozen record."""

        name: str
        version: str = "1.0"
        tags: tuple[str, ...] = field(default_factory=tuple)

    @dataclass(frozen=True)
    class Hidden:
        """Fields left out of repr, compare and hash."""

        name: str
        secret: str = field(default="", repr=False, compare=False)
        seen: list[str] = field(default_factory=list, repr=False, compare=False, hash=False)
        weight: int = field(default=0, hash=False)

    @dataclass
    class Mutable:
        """A mutable record."""

        name: str
        items: list[int] = field(default_factory=list)

    @dataclass(frozen=True)
    class Empty:
        """No field at all."""

    @dataclass(frozen=True)
    class One:
        """One field."""

        value: Any

    @dataclass(frozen=True)
    class Own:
        """Methods of its own are kept."""

        name: str

        def __repr__(self) -> str:
            return "Own(***)"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Own)

    @dataclass(frozen=True)
    class OwnHash:
        """A __hash__ of its own is kept."""

        name: str

        def __hash__(self) -> int:
            return 7

    @dataclass(frozen=True)
    class Child(Plain):
        """A frozen record over a frozen one."""

        extra: int = 0

    @dataclass
    class MutableChild(Mutable):
        """A mutable record over a mutable one."""

        more: str = "x"

    @dataclass(frozen=True)
    class NoInit:
        """A field set from its default only."""

        name: str
        count: int = field(default=3, init=False)
        made: list[str] = field(default_factory=list, init=False)

    @dataclass
    class Posted:
        """__post_init__ runs after the fields are set."""

        name: str
        upper: str = ""

        def __post_init__(self) -> None:
            self.upper = self.name.upper()

    @dataclass(frozen=True)
    class Undocumented:
        name: str
        size: int = 1

    found = {k: v for k, v in locals().items() if isinstance(v, type)}
    mod = ModuleType(module)
    for name, cls in found.items():
        cls.__module__ = module
        cls.__qualname__ = name
        setattr(mod, name, cls)
    sys.modules[module] = mod
    return found


STD = _shapes(dataclasses.dataclass, "_relnox_records_std")
OURS = _shapes(_records.dataclass, "_relnox_records_ours")

#: arguments per shape, and a second instance that differs
ARGS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "Plain": (("a", "2.0", ("x",)), ("a", "2.1")),
    "Hidden": (("a", "token", ["s"], 4), ("a", "other", [], 5)),
    "Mutable": (("a", [1, 2]), ("b",)),
    "Empty": ((), ()),
    "One": ((float("nan"),), (1,)),
    "Own": (("a",), ("b",)),
    "OwnHash": (("a",), ("b",)),
    "Child": (("a", "1", (), 5), ("a", "1", (), 6)),
    "MutableChild": (("a", [1], "y"), ("a", [1])),
    "NoInit": (("a",), ("b",)),
    "Posted": (("abc",), ("abd",)),
    "Undocumented": (("a", 2), ("a",)),
}


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except Exception as exc:  # the kind and the message are compared
        return type(exc).__name__, str(exc)


def _view(cls: type, args: tuple[Any, ...], other_args: tuple[Any, ...]) -> dict[str, Any]:
    """What a user can see of the class and two instances of it."""
    one, same, other = cls(*args), cls(*args), cls(*other_args)
    fields = dataclasses.fields(cls)
    params = cls.__dict__["__dataclass_params__"]
    view: dict[str, Any] = {
        "signature": str(inspect.signature(cls)),
        "doc": cls.__doc__,
        "repr": repr(one),
        "eq same": one == same,
        "eq self": one == one,  # a NaN field: identity first, as tuples do
        "eq other": one == other,
        "ne other": one != other,
        "eq foreign": one == object(),
        "eq subclass": one == type("Sub", (cls,), {})(*args),
        "hash": _outcome(lambda: hash(one)),
        "hash same": _outcome(lambda: hash(one) == hash(same)),
        "fields": [(f.name, f.init, f.repr, f.compare, f.hash) for f in fields],
        "match_args": cls.__dict__.get("__match_args__"),
        "params": (params.init, params.repr, params.eq, params.order, params.frozen),
        "asdict": dataclasses.asdict(one),
        "replace": repr(dataclasses.replace(one)),
        "set": _outcome(lambda: setattr(cls(*args), "name", "z")),
        "set new": _outcome(lambda: setattr(cls(*args), "unknown", 1)),
        "del": _outcome(lambda: delattr(cls(*args), "name")),
        "pickle": repr(pickle.loads(pickle.dumps(one))),
        "deepcopy": repr(copy.deepcopy(one)),
        "missing argument": _outcome(lambda: cls(*args[:0], **{"bogus": 1})),
        "too many": _outcome(lambda: cls(*args, *range(9))),
        "keywords": repr(cls(**{f.name: getattr(one, f.name) for f in fields if f.init})),
        "annotations": {k: str(v) for k, v in vars(cls)["__init__"].__annotations__.items()},
    }
    return view


@pytest.mark.parametrize("name", sorted(ARGS))
def test_each_shape_behaves_as_the_standard_librarys(name: str) -> None:
    args, other = ARGS[name]
    std, ours = _view(STD[name], args, other), _view(OURS[name], args, other)
    for key in std:
        assert ours[key] == std[key], f"{name}: {key}"


def test_the_methods_a_class_defines_are_kept_and_frozen_ones_are_refused() -> None:
    assert repr(OURS["Own"]("a")) == "Own(***)"
    assert hash(OURS["OwnHash"]("a")) == 7
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):

        @_records.dataclass(frozen=True)
        class Guarded:
            name: str

            def __setattr__(self, name: str, value: Any) -> None:
                raise AttributeError(name)


def test_inheritance_between_frozen_and_mutable_is_refused_as_the_standard_library_does() -> None:
    for frozen in (True, False):
        for dataclass in (dataclasses.dataclass, _records.dataclass):
            base = OURS["Plain"] if not frozen else OURS["Mutable"]
            with pytest.raises(TypeError, match="cannot inherit"):
                dataclass(frozen=frozen)(type("Bad", (base,), {"__annotations__": {}}))


def test_a_field_without_default_after_one_with_a_default_is_refused() -> None:
    for dataclass in (dataclasses.dataclass, _records.dataclass):
        ns = {"__annotations__": {"a": "int", "b": "int"}, "a": 1}
        with pytest.raises(TypeError, match="non-default argument 'b' follows default"):
            dataclass(frozen=True)(type("Bad", (), ns))


def test_a_recursive_repr_ends() -> None:
    loop = OURS["Mutable"]("a", [])
    twin = STD["Mutable"]("a", [])
    loop.items.append(loop)
    twin.items.append(twin)
    assert repr(loop) == repr(twin).replace("_relnox_records_std", "_relnox_records_ours")


def test_relnox_makes_its_dataclasses_here() -> None:
    """Every module of relnox takes ``dataclass`` from relnox._records."""
    offenders = []
    for path in sorted((ROOT / "relnox").rglob("*.py")):
        if path.name == "_records.py":
            continue
        text = path.read_text(encoding="utf-8")
        imported = [
            name.strip()
            for line in text.splitlines()
            if line.startswith("from dataclasses import")
            for name in line.split(" import ", 1)[1].split(",")
        ]
        if "@dataclasses.dataclass" in text or "dataclass" in imported:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_frozen_record_with_slots_is_refused() -> None:
    """Its fields are stored in the instance's __dict__, which __slots__ takes away."""
    with pytest.raises(TypeError, match="keeps its fields in __dict__"):

        @_records.dataclass(frozen=True)
        class Slotted:
            __slots__ = ("name",)
            name: str
