"""``@dataclass`` as relnox's classes use it, made without the standard library's
``dataclasses`` and with one compile per class.

The standard library's ``dataclass`` writes each method it adds (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, and for a frozen class ``__setattr__`` and
``__delattr__``) as source and compiles it with its own ``exec``: on Python 3.10-3.12 that
is about 0.5 ms per frozen class, and the command imports ~50 of them before it may start
a verify's check (~25 ms of a ~100 ms start); importing ``dataclasses`` imports
``inspect`` (``ast``, ``dis``), ~5 ms more. Here the fields are read as the standard
library reads them (the annotations of the class and its bases in its order, a
``ClassVar`` left out, a ``field()`` or a default each, a mutable default refused, the
same checks on frozen and mutable bases) without importing it. Only ``__init__`` is
compiled (one ``exec``: the standard library's code, but for a frozen class one
``self.__dict__.update(...)`` of the fields in their order, which stores what its
``object.__setattr__`` per field stores at about half the cost to compile), and the other
methods are shared functions over the class's fields, with the standard library's
behaviour: the same ``repr``, the same equality (a tuple of the compared fields, the same
class only), the same hash (of that tuple), :exc:`dataclasses.FrozenInstanceError` on
assigning or deleting a field, a method the class defines itself kept, the same
``__match_args__`` and ``__doc__``. The standard library's ``__dataclass_fields__`` and
``__dataclass_params__`` are made the first time something asks for them
(:func:`dataclasses.fields`, :func:`~dataclasses.replace`, :func:`~dataclasses.asdict`,
:func:`~dataclasses.is_dataclass` work on records), by the standard library itself;
relnox's own code uses this module's :func:`replace`, :func:`asdict` and :func:`fields`,
which answer the same without it. ``tests/test_records.py`` holds each of these to the
standard library's, shape by shape.

Type checkers see :mod:`dataclasses` itself. The parameters are those relnox uses
(``frozen``; ``field()`` with ``default``, ``default_factory``, ``init``, ``repr``,
``compare``, ``hash``); anything else is a :exc:`TypeError` at import.
"""

from __future__ import annotations

import operator
import re
import reprlib
import sys
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

__all__ = ["asdict", "dataclass", "field", "fields", "replace"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: no default (the standard library's ``dataclasses.MISSING``, which is not imported)
MISSING: Any = _Missing()


class _Factory:
    """The default an ``__init__`` parameter shows for a field with a default factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


class FieldSpec:
    """One field of a record: what ``field()`` says of it, and its name and annotation
    once its class is made (the attributes of the standard library's ``Field`` that relnox
    reads; :func:`fields` gives these)."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "name", "repr", "type")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        init: bool = True,
        repr: bool = True,
        hash: bool | None = None,
        compare: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare

    def named(self, name: str, annotation: Any) -> FieldSpec:
        made = FieldSpec(
            self.default, self.default_factory, self.init, self.repr, self.hash, self.compare
        )
        made.name, made.type = name, annotation
        return made

    def __repr__(self) -> str:
        return f"FieldSpec(name={self.name!r}, default={self.default!r})"


def _spec(cls: type, name: str, annotation: Any) -> FieldSpec:
    """The field ``name`` of ``cls`` from its class attribute: a default, a ``field()``
    (relnox's or the standard library's), or nothing."""
    value = cls.__dict__.get(name, MISSING)
    if isinstance(value, FieldSpec):
        spec = value
    elif type(value).__name__ == "Field" and type(value).__module__ == "dataclasses":
        if value.metadata or value.kw_only is True:
            raise TypeError(f"{cls.__name__}.{name}: a relnox record takes no metadata or kw_only")
        spec = FieldSpec(
            _ours(value.default),
            _ours(value.default_factory),
            value.init,
            value.repr,
            value.hash,
            value.compare,
        )
    else:
        spec = FieldSpec(default=value)
        value = MISSING  # a plain default stays the class attribute
    if spec.default is not MISSING and spec.default.__class__.__hash__ is None:
        raise ValueError(
            f"mutable default {type(spec.default)} for field {name} is not allowed: "
            "use default_factory"
        )
    if value is not MISSING:  # a field(): the class shows its default, or none
        if spec.default is MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
    return spec.named(name, annotation)


def _ours(value: Any) -> Any:
    """The standard library's ``MISSING`` as relnox's."""
    return MISSING if type(value).__name__ == "_MISSING_TYPE" else value


#: a string annotation's ``module.Name`` (the standard library's reading of it)
_ANNOTATION = re.compile(r"^(?:\s*(\w+)\s*\.)?\s*(\w+)")


def _pseudo_field(cls: type, annotation: Any) -> str | None:
    """``"ClassVar"`` when ``annotation`` is one (not a field, as the standard library reads
    it: the name, or ``module.name``, looked up in the class's module); a ``TypeError`` for
    ``InitVar`` and ``KW_ONLY``, which records do not take; else ``None``."""
    if not isinstance(annotation, str):
        if (
            annotation is typing.ClassVar
            or getattr(annotation, "__origin__", None) is typing.ClassVar
        ):
            return "ClassVar"
        value = annotation
        name = type(annotation).__name__
    else:
        found = _ANNOTATION.match(annotation)
        if found is None:
            return None
        module = sys.modules.get(cls.__module__)
        namespace = vars(module) if module is not None else {}
        prefix, name = found.groups()
        value = getattr(namespace.get(prefix), name, None) if prefix else namespace.get(name)
        if value is typing.ClassVar:
            return "ClassVar"
    if name in ("InitVar", "KW_ONLY", "_KW_ONLY_TYPE") and value is not None:
        raise TypeError(f"{cls.__name__}: a relnox record takes no {name}")
    return None


def _collect(cls: type, frozen: bool) -> dict[str, FieldSpec]:
    """The fields of ``cls`` in the standard library's order (the bases' first, a field
    redefined keeping its place), with its checks on inheritance."""
    found: dict[str, FieldSpec] = {}
    based = frozen_base = False
    for base in cls.__mro__[-1:0:-1]:
        if "__dataclass_fields__" in base.__dict__ and "__relnox_fields__" not in base.__dict__:
            raise TypeError(
                f"{cls.__name__}: a relnox record cannot extend the standard library's "
                f"dataclass {base.__name__}; make it with relnox._records.dataclass"
            )
        inherited = getattr(base, "__relnox_fields__", None)
        if inherited is not None:
            based = True
            frozen_base = frozen_base or getattr(base, "__relnox_frozen__", False)
            found.update(inherited)
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect: not imported)
    for name, annotation in own.items():
        if _pseudo_field(cls, annotation) is None:
            found[name] = _spec(cls, name, annotation)
    for name, value in cls.__dict__.items():
        if isinstance(value, FieldSpec) and name not in found:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    if based and frozen_base and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    if based and not frozen_base and frozen:
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    return found


def _make(cls: type, frozen: bool) -> type:
    # the standard library's fields, checks and __match_args__, with no method compiled and
    # without the standard library's dataclasses (nor inspect, which it imports): its
    # __dataclass_fields__ and __dataclass_params__ are made when first asked for
    found = _collect(cls, frozen)
    specs = tuple(found.values())
    marks = {
        "__relnox_fields__": found,
        "__relnox_frozen__": frozen,
        "__dataclass_fields__": _Standard("__dataclass_fields__"),
        "__dataclass_params__": _Standard("__dataclass_params__"),
    }
    for name, value in marks.items():
        setattr(cls, name, value)
    _add(cls, "__init__", _init(cls, specs, frozen))
    shown = tuple(f.name for f in specs if f.repr)
    _add(cls, "__repr__", _repr(shown))
    compared = _key(tuple(f.name for f in specs if f.compare))
    _add(cls, "__eq__", _eq(compared))
    own_hash = cls.__dict__.get("__hash__", MISSING)
    explicit = not (own_hash is MISSING or (own_hash is None and "__eq__" in cls.__dict__))
    if frozen and not explicit:
        hashed = tuple(f.name for f in specs if (f.compare if f.hash is None else f.hash))
        cls.__hash__ = _hash(_key(hashed))  # type: ignore[method-assign]
    elif not frozen and not explicit:
        cls.__hash__ = None  # type: ignore[assignment]
    if frozen:
        names = frozenset(found)
        for name, method in (("__setattr__", _setattr), ("__delattr__", _delattr)):
            if name in cls.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            setattr(cls, name, method(cls, names))
    _add(cls, "__match_args__", tuple(f.name for f in specs if f.init))
    if not cls.__dict__.get("__doc__"):  # what the standard library writes: the signature
        cls.__doc__ = cls.__name__ + _signature_text(cls, specs)
    return cls


def _signature_text(cls: type, specs: tuple[FieldSpec, ...]) -> str:
    """``str(inspect.signature(cls))`` of a record's ``__init__``, its ``-> None`` left
    out, written here when every annotation is a string (as ``from __future__ import
    annotations`` leaves them: shown by their ``repr``), else by :mod:`inspect`."""
    parts = []
    for spec in specs:
        if not spec.init:
            continue
        if not isinstance(spec.type, str):
            import inspect

            return str(inspect.signature(cls)).replace(" -> None", "")
        text = f"{spec.name}: {spec.type!r}"
        if spec.default is not MISSING:
            text += f" = {spec.default!r}"
        elif spec.default_factory is not MISSING:
            text += f" = {_FACTORY!r}"
        parts.append(text)
    return f"({', '.join(parts)})"


class _Standard:
    """``__dataclass_fields__`` or ``__dataclass_params__`` of a record, made by the
    standard library the first time something asks (``dataclasses.fields``,
    ``dataclasses.replace``, ``dataclasses.is_dataclass``...), and kept on the class."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        record = next(c for c in owner.__mro__ if "__relnox_fields__" in c.__dict__)
        if isinstance(record.__dict__[self.name], _Standard):
            _standard(record)
        return record.__dict__[self.name]


def _standard(record: type) -> None:
    """The standard library's fields and parameters for ``record``: those of a class it
    makes with the same fields in the same order and the same flags."""
    import dataclasses

    specs: Mapping[str, FieldSpec] = record.__dict__["__relnox_fields__"]
    namespace: dict[str, Any] = {
        "__annotations__": {name: spec.type for name, spec in specs.items()},
        "__module__": record.__module__,
        "__qualname__": record.__qualname__,
    }
    for name, spec in specs.items():
        namespace[name] = dataclasses.field(
            default=spec.default if spec.default is not MISSING else dataclasses.MISSING,
            default_factory=(
                spec.default_factory if spec.default_factory is not MISSING else dataclasses.MISSING
            ),
            init=spec.init,
            repr=spec.repr,
            hash=spec.hash,
            compare=spec.compare,
        )
    frozen = record.__dict__["__relnox_frozen__"]
    twin: Any = dataclasses.dataclass(type(record.__name__, (), namespace), frozen=frozen)
    type.__setattr__(record, "__dataclass_fields__", dict(twin.__dataclass_fields__))
    type.__setattr__(record, "__dataclass_params__", twin.__dataclass_params__)


def _add(cls: type, name: str, value: Any) -> None:
    """A method the class does not define itself (the standard library's rule)."""
    if name not in cls.__dict__:
        if callable(value):
            value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)


def _init(cls: type, fields: tuple[FieldSpec, ...], frozen: bool) -> Any:
    """``__init__`` as the standard library writes it, compiled once."""
    names: dict[str, Any] = {"__FACTORY": _FACTORY}
    params: list[str] = []
    body: list[str] = []
    for f in fields:
        name = f.name
        if f.default_factory is not MISSING:
            names[f"__factory_{name}"] = f.default_factory
            if f.init:
                params.append(f"{name}=__FACTORY")
                value = f"__factory_{name}() if {name} is __FACTORY else {name}"
            else:
                value = f"__factory_{name}()"
        elif f.default is not MISSING:
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
    annotations = {f.name: f.type for f in fields if f.init} | {"return": None}
    return _LazyInit(source, names, annotations, f"{cls.__qualname__}.__init__")


class _LazyInit:
    """A record's ``__init__``, checked when the class is made and compiled the first time
    it is looked up (an instance made, ``inspect.signature``, ``Record.__init__``), then
    put on the class in its place: a command compiles only the ``__init__`` of the records
    it makes (the ``exec`` is most of a record's cost at import)."""

    def __init__(
        self, source: str, names: dict[str, Any], annotations: dict[str, Any], qualname: str
    ) -> None:
        self.source, self.names, self.annotations = source, names, annotations
        self.qualname = qualname  # the class's when it was made, as the standard library's

    def __get__(self, instance: object, owner: type) -> Any:
        record = next(c for c in owner.__mro__ if c.__dict__.get("__init__") is self)
        local: dict[str, Any] = {}
        exec(self.source, self.names, local)
        function = local["__init__"]
        function.__annotations__ = self.annotations
        function.__qualname__ = self.qualname
        type.__setattr__(record, "__init__", function)
        return function.__get__(instance, owner)


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
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: Any, names: frozenset[str]) -> Any:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def _fields_of(obj: Any) -> Mapping[str, FieldSpec] | None:
    return getattr(obj, "__relnox_fields__", None)


def _replace(obj: Any, /, **changes: Any) -> Any:
    """``dataclasses.replace`` for a record: a new one with ``changes``, the other fields
    given as they are (a field that ``__init__`` does not take cannot be changed)."""
    specs = _fields_of(obj)
    if specs is None or isinstance(obj, type):
        import dataclasses

        return dataclasses.replace(obj, **changes)
    for name, spec in specs.items():
        if not spec.init:
            if name in changes:
                raise ValueError(
                    f"field {name} is declared with init=False, it cannot be specified with replace()"
                )
        elif name not in changes:
            changes[name] = getattr(obj, name)
    return obj.__class__(**changes)


def _asdict(obj: Any, *, dict_factory: Callable[..., Any] = dict) -> Any:
    """``dataclasses.asdict`` for a record (and what it holds): the same dict."""
    if _fields_of(obj) is None or isinstance(obj, type):
        import dataclasses

        return dataclasses.asdict(obj, dict_factory=dict_factory)
    return _asdict_inner(obj, dict_factory)


#: what ``copy.deepcopy`` gives back as it is (the standard library's own shortcut, 3.12)
_ATOMIC = frozenset({type(None), bool, int, float, str, complex, bytes, type(Ellipsis)})


def _asdict_inner(obj: Any, dict_factory: Callable[..., Any]) -> Any:
    if type(obj) in _ATOMIC:
        return obj
    specs = _fields_of(obj)
    if specs is not None and not isinstance(obj, type):
        return dict_factory([(n, _asdict_inner(getattr(obj, n), dict_factory)) for n in specs])
    if hasattr(type(obj), "__dataclass_fields__") and not isinstance(obj, type):
        import dataclasses

        return dataclasses.asdict(obj, dict_factory=dict_factory)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_asdict_inner(v, dict_factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_asdict_inner(v, dict_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)(
            (_asdict_inner(k, dict_factory), _asdict_inner(v, dict_factory)) for k, v in obj.items()
        )
    import copy

    return copy.deepcopy(obj)


def _fields(obj: Any) -> tuple[FieldSpec, ...]:
    """``dataclasses.fields`` for a record or its class: its fields in order (relnox's
    :class:`FieldSpec`, with the attributes of the standard library's ``Field``)."""
    specs = _fields_of(obj)
    if specs is None:
        import dataclasses

        return dataclasses.fields(obj)  # type: ignore[return-value]
    return tuple(specs.values())


if TYPE_CHECKING:
    from dataclasses import asdict as asdict
    from dataclasses import dataclass as dataclass
    from dataclasses import field as field
    from dataclasses import fields as fields
    from dataclasses import replace as replace
else:
    asdict, fields, replace = _asdict, _fields, _replace

    def field(
        *,
        default=MISSING,
        default_factory=MISSING,
        init=True,
        repr=True,
        hash=None,
        compare=True,
    ):
        """``dataclasses.field`` with the parameters relnox uses."""
        return FieldSpec(default, default_factory, init, repr, hash, compare)

    def dataclass(cls=None, /, *, frozen=False):
        """``@dataclass`` or ``@dataclass(frozen=True)``: the class, as the standard
        library's would make it (the module's rules)."""
        if cls is None:
            return lambda cls: _make(cls, frozen)
        return _make(cls, frozen)
