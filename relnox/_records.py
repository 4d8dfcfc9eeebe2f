"""``@dataclass`` as relnox's classes use it, made without compiling six methods per class.

The standard library's ``dataclass`` writes each method it adds (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, and for a frozen class ``__setattr__`` and
``__delattr__``) as source and compiles it with its own ``exec``: on Python 3.10-3.12 that
is about 0.5 ms per frozen class, and the command imports ~50 of them before it may start
a verify's check (~25 ms of a ~100 ms start). Here the standard library still makes the
class a dataclass (its fields, ``__dataclass_fields__``, ``__match_args__``,
:func:`dataclasses.fields`, :func:`~dataclasses.replace`, :func:`~dataclasses.asdict`);
only ``__init__`` is compiled (one ``exec``: the standard library's code, but for a frozen
class one ``self.__dict__.update(...)`` of the fields in their order, which stores what
its ``object.__setattr__`` per field stores at about half the cost to compile),
and the other methods are shared functions over the class's fields, with the standard
library's behaviour: the same ``repr``, the same equality (a tuple of the compared fields,
the same class only), the same hash (of that tuple), :exc:`dataclasses.FrozenInstanceError`
on assigning or deleting a field, a method the class defines itself kept, the same
``__dataclass_params__``. ``tests/test_records.py`` holds each of these to the standard
library's, shape by shape.

Type checkers see :func:`dataclasses.dataclass` itself. The parameters are those relnox
uses (``frozen``; ``field()`` with ``default``, ``default_factory``, ``init``, ``repr``,
``compare``, ``hash``); anything else is a :exc:`TypeError` at import.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Any

__all__ = ["dataclass", "field"]


class _Factory:
    """The default an ``__init__`` parameter shows for a field with a default factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _make(cls: type, frozen: bool) -> type:
    # the standard library's fields, checks and __match_args__, with no method compiled:
    # a frozen base makes a frozen subclass of it go through the standard library's own
    # frozen methods (its base-frozen check reads the flag set below)
    based = any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:])
    undocumented = not cls.__dict__.get("__doc__")
    if undocumented:
        cls.__doc__ = "-"  # the standard library would describe the __init__ it did not make
    made: type = dataclasses.dataclass(
        cls, init=False, repr=False, eq=False, frozen=frozen and based
    )
    fields = dataclasses.fields(made)
    _add(made, "__init__", _init(made, fields, frozen))
    shown = tuple(f.name for f in fields if f.repr)
    _add(made, "__repr__", _repr(shown))
    compared = _key(tuple(f.name for f in fields if f.compare))
    _add(made, "__eq__", _eq(compared))
    own_hash = made.__dict__.get("__hash__", dataclasses.MISSING)
    explicit = not (
        own_hash is dataclasses.MISSING or (own_hash is None and "__eq__" in made.__dict__)
    )
    if frozen and not explicit:
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        made.__hash__ = _hash(_key(hashed))  # type: ignore[method-assign]
    elif not frozen and not explicit:
        made.__hash__ = None  # type: ignore[assignment]
    if frozen and not based:
        names = frozenset(f.name for f in fields)
        for name, method in (("__setattr__", _setattr), ("__delattr__", _delattr)):
            if name in made.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {made.__name__}")
            setattr(made, name, method(made, names))
    params = made.__dict__["__dataclass_params__"]
    params.init = params.repr = params.eq = True
    params.frozen = frozen
    if undocumented:
        import inspect

        made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
    return made


def _add(cls: type, name: str, value: Any) -> None:
    """A method the class does not define itself (the standard library's rule)."""
    if name not in cls.__dict__:
        if callable(value):
            value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> Any:
    """``__init__`` as the standard library writes it, compiled once."""
    names: dict[str, Any] = {"__FACTORY": _FACTORY}
    params: list[str] = []
    body: list[str] = []
    for f in fields:
        name = f.name
        if f.default_factory is not dataclasses.MISSING:
            names[f"__factory_{name}"] = f.default_factory
            if f.init:
                params.append(f"{name}=__FACTORY")
                value = f"__factory_{name}() if {name} is __FACTORY else {name}"
            else:
                value = f"__factory_{name}()"
        elif f.default is not dataclasses.MISSING:
            names[f"__default_{name}"] = f.default
            value = f"__default_{name}"
            if f.init:
                params.append(f"{name}=__default_{name}")
                value = name
        elif f.init:
            if any("=" in p for p in params):
                raise TypeError(f"non-default argument {name!r} follows default argument")
            params.append(name)
            value = name
        else:
            continue
        body.append(f"{name}={value}" if frozen else f"self.{name} = {value}")
    if frozen and body:
        # one update of the instance's dict instead of object.__setattr__ per field: what
        # the standard library's frozen __init__ stores, in the same order, through no
        # __setattr__ either, and half the source to compile (the exec is most of a
        # record's cost at import)
        body = [f"self.__dict__.update({', '.join(body)})"]
        if not cls.__dictoffset__:  # __slots__ all the way down: no instance dict
            raise TypeError(f"{cls.__name__}: a frozen record keeps its fields in __dict__")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n    " + "\n    ".join(body or ["pass"])
    local: dict[str, Any] = {}
    exec(source, names, local)
    function = local["__init__"]
    function.__annotations__ = {f.name: f.type for f in fields if f.init} | {"return": None}
    return function


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of those fields of an instance."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        (name,) = names
        return lambda self: (getattr(self, name),)
    return lambda self: ()


def _repr(shown: tuple[str, ...]) -> Any:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Any:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Any:
    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _setattr(cls: Any, names: frozenset[str]) -> Any:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: Any, names: frozenset[str]) -> Any:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:

    def dataclass(cls=None, /, *, frozen=False):
        """``@dataclass`` or ``@dataclass(frozen=True)``: the class, as the standard
        library's would make it (the module's rules)."""
        if cls is None:
            return lambda cls: _make(cls, frozen)
        return _make(cls, frozen)
