"""relnox._records.dataclass behaves as the standard library's, shape by shape."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
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
    """Every module of relnox takes ``dataclass``, ``field``, ``replace``, ``asdict`` and
    ``fields`` from relnox._records: none imports the standard library's ``dataclasses``
    at its top (it imports ``inspect``; the command starts without either)."""
    offenders = []
    for path in sorted((ROOT / "relnox").rglob("*.py")):
        if path.name == "_records.py":
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        if "@dataclasses.dataclass" in text or any(
            line.startswith(("import dataclasses", "from dataclasses import")) for line in lines
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_a_frozen_record_with_slots_is_refused() -> None:
    """Its fields are stored in the instance's __dict__, which __slots__ takes away."""
    with pytest.raises(TypeError, match="keeps its fields in __dict__"):

        @_records.dataclass(frozen=True)
        class Slotted:
            __slots__ = ("name",)
            name: str


def test_an_undocumented_record_is_described_by_its_signature_as_the_standard_library_does() -> (
    None
):
    namespace: dict[str, Any] = {
        "__annotations__": {"name": "str", "size": "int", "items": "list[str]", "hidden": "int"},
        "size": 1,
        "items": dataclasses.field(default_factory=list),
        "hidden": dataclasses.field(default=0, init=False),
    }
    std: Any = dataclasses.dataclass(frozen=True)(type("Shape", (), dict(namespace)))
    ours: Any = _records.dataclass(frozen=True)(type("Shape", (), dict(namespace)))
    assert ours.__doc__ == std.__doc__
    objects = {"__annotations__": {"name": str, "size": int}, "size": 1}
    std = dataclasses.dataclass(type("Typed", (), dict(objects)))
    ours = _records.dataclass(type("Typed", (), dict(objects)))
    assert ours.__doc__ == std.__doc__


@pytest.mark.parametrize("name", sorted(ARGS))
def test_relnox_replace_asdict_and_fields_answer_as_the_standard_librarys(name: str) -> None:
    """relnox's own ``replace``, ``asdict`` and ``fields`` (no standard library import on
    the way) give what the standard library's give for the same shape."""
    args, _ = ARGS[name]
    std, ours = STD[name](*args), OURS[name](*args)
    assert _records.asdict(ours) == dataclasses.asdict(std)
    assert _records.asdict(ours) == dataclasses.asdict(ours)
    assert repr(_records.replace(ours)) == repr(dataclasses.replace(ours))
    assert [(f.name, f.type, f.init, f.repr, f.compare, f.hash) for f in _records.fields(ours)] == [
        (f.name, f.type, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(std)
    ]
    changed = {f.name: getattr(ours, f.name) for f in dataclasses.fields(std) if f.init}
    if changed:
        first = next(iter(changed))
        assert getattr(_records.replace(ours, **{first: "z"}), first) == "z"
    for field in dataclasses.fields(std):
        if not field.init:
            with pytest.raises(ValueError, match="init=False"):
                _records.replace(ours, **{field.name: 1})
            with pytest.raises(ValueError, match="init=False"):
                dataclasses.replace(std, **{field.name: 1})


def test_asdict_goes_into_what_a_record_holds_as_the_standard_librarys_does() -> None:
    from collections import namedtuple

    Pair = namedtuple("Pair", "a b")

    def shapes(dataclass: Callable[..., Any]) -> Any:
        @dataclass(frozen=True)
        class Leaf:
            """A leaf."""

            path: Path
            count: int = 0

        @dataclass
        class Tree:
            """A tree."""

            leaves: list[Any]
            index: dict[str, Any]
            pair: Any
            nothing: Any = None

        leaf = Leaf(Path("a"), 2)
        return Tree([leaf, (leaf, 1.5)], {"x": leaf, "y": [b"z", None]}, Pair(leaf, "s"))

    ours, std = shapes(_records.dataclass), shapes(dataclasses.dataclass)
    assert _records.asdict(ours) == dataclasses.asdict(std)
    assert _records.asdict(ours, dict_factory=list) == dataclasses.asdict(std, dict_factory=list)
    assert dataclasses.is_dataclass(ours) and dataclasses.is_dataclass(type(ours))


def test_the_relnox_command_makes_its_records_without_the_standard_librarys_dataclasses() -> None:
    """``dataclasses`` imports ``inspect`` (``ast``, ``dis``): ~5 ms of every start."""
    code = (
        "import sys; import relnox.cli, relnox.verify, relnox.publish, relnox.project.discovery;"
        "print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


def test_an_init_is_checked_when_the_record_is_made_and_compiled_when_first_used() -> None:
    @_records.dataclass(frozen=True)
    class Lazy:
        name: str
        size: int = 1

    class Plain(Lazy):  # not a record itself: it makes instances with Lazy's __init__
        pass

    assert callable(Lazy.__dict__["__init__"]) is False  # not compiled yet
    assert Plain("a") == Plain("a", 1) and repr(Plain("b", 2)).endswith("Plain(name='b', size=2)")
    compiled = Lazy.__dict__["__init__"]
    assert callable(compiled) and compiled.__qualname__.endswith("Lazy.__init__")
    assert Lazy("a", 3).size == 3 and Lazy.__dict__["__init__"] is compiled  # once
    with pytest.raises(TypeError, match="non-default argument 'late' follows default"):

        @_records.dataclass
        class Wrong:
            early: int = 0
            late: int  # type: ignore[misc]
