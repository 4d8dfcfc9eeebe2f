"""A version kept as a tuple and joined with dots: ``version_info = (1, 2, 0)`` then
``__version__ = ".".join(map(str, version_info))`` (or ``str(v) for v in ...``).

Python gives that ``__version__`` when setuptools (``attr``), flit or a setup.py imports
the module (a filter on the parts, ``if part or part == 0``, is applied when it reads only
the part and literals); read here without running it, and rewritten in the tuple (a pre-release or dev
part as its last, string, element: ``(0, 2, 0, "dev0")`` is ``0.2.0.dev0``).

A tuple of version parts given to a function of the module (wrapt's ``__version__ =
_format_version(__version_info__)`` of ``("2", "4", "0", "rc1")``) is read as its numbers
joined with dots and the string after them, as PEP 440 spells that (``2.4.0rc1``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from relnox.errors import VersionError
from relnox.project.python_ast import literal, parse, parse_expression
from relnox.project.sources import VersionLocation, read_text

# __version__ = ".".join(map(str, NAME)), or a generator / list of str(x) (or "{0}".format(x))
# for x in NAME;
# the whole value (nothing added after it), also behind another name (VERSION = __version__ = )
JOIN = re.compile(
    r"""^(?:\w+[ \t]*=[ \t]*)*__version__[ \t]*=[ \t]*(['"])\.\1[ \t]*\.join\([ \t]*"""
    r"""(?:map\([ \t]*str[ \t]*,[ \t]*(?P<mapped>\w+)[ \t]*\)"""
    r"""|\[?[ \t]*(?:str|(?P<fq>['"])\{0?\}(?P=fq)\.format)\((?P<var>\w+)\)"""
    r"""[ \t]+for[ \t]+(?P=var)[ \t]+in[ \t]+(?P<looped>\w+)"""
    r"""(?:[ \t]+if[ \t]+(?P<cond>[^\[\]()\r\n#]+?))?[ \t]*\]?)"""
    r"""[ \t]*\)[ \t]*(?:#.*)?$""",
    re.M,
)


def _tuple_re(name: str) -> re.Pattern[str]:
    """``NAME = (1, 2, 0)`` or ``NAME = 1, 2, 0`` at the top of a module, on one line."""
    return re.compile(
        rf"""^{re.escape(name)}[ \t]*=[ \t]*(?P<open>\(?)(?P<parts>[^()\r\n#]*?)(?P<close>\)?)"""
        r"""[ \t]*(?:#.*)?$""",
        re.M,
    )


def _parts(text: str) -> tuple[int | str, ...] | None:
    try:
        value = literal(f"({text},)" if text.strip() else "()")
    except (SyntaxError, ValueError):
        return None
    if not isinstance(value, tuple) or len(value) < 2:
        return None
    numbers = list(_numbers(value))
    # numbers, then at most one string at the end: (0, 2, 0, "dev0"), ("2", "4", "0", "rc1")
    strings = value[len(numbers) :]
    if len(numbers) < 2 or len(strings) > 1:
        return None
    if strings and not isinstance(strings[0], str):
        return None
    return value


def _numbers(value: tuple[object, ...]) -> Iterator[int | str]:
    """The leading numbers of ``value``: ints, or strings of digits (wrapt's ``"2"``)."""
    for part in value:
        if (type(part) is int) or (isinstance(part, str) and part.isdecimal() and part.isascii()):
            yield part
        else:
            return


def _called(text: str) -> str | None:
    """``NAME`` of ``__version__ = f(NAME)``, ``f`` a function the module defines or
    imports (wrapt's ``_format_version(__version_info__)``), at the top of the module."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    known = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} | {
        alias.asname or alias.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom)
        for alias in n.names
    }
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__version__"]
            and len(node.targets) == 1
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in known
            and len(node.value.args) == 1
            and not node.value.keywords
            and isinstance(node.value.args[0], ast.Name)
        ):
            return node.value.args[0].id
    return None


def _kept(parts: tuple[int | str, ...], var: str, cond: str) -> tuple[int | str, ...] | None:
    """The parts a join's filter keeps (glom's ``str(part) for part in version_info if part
    or part == 0``): the condition evaluated for each part when it reads only the part and
    literals (``and``, ``or``, ``not``, ``==``, ``!=``, ``is``, ``is not``); ``None`` for
    any other condition, which only running the module tells."""
    try:
        tree = parse_expression(cond.strip())
    except SyntaxError:
        return None

    def value(node: ast.expr, part: int | str) -> object:
        if isinstance(node, ast.Name) and node.id == var:
            return part
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not value(node.operand, part)
        if isinstance(node, ast.BoolOp):
            values = [value(v, part) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = value(node.left, part), value(node.comparators[0], part)
            compare = {ast.Eq: left == right, ast.NotEq: left != right}
            compare |= {ast.Is: left is right, ast.IsNot: left is not right}
            if type(node.ops[0]) in compare:
                return compare[type(node.ops[0])]
        raise ValueError(ast.dump(node))

    try:
        return tuple(p for p in parts if value(tree.body, p))
    except ValueError:
        return None


def _bound_re(name: str) -> re.Pattern[str]:
    """``NAME = (6, 1, 0)`` at the top of a module, on one line, maybe among other names
    bound at once (django-reversion's ``__version__ = VERSION = (6, 1, 0)``)."""
    return re.compile(
        rf"""^(?:\w+[ \t]*=[ \t]*)*{re.escape(name)}[ \t]*=[ \t]*(?:\w+[ \t]*=[ \t]*)*"""
        r"""(?P<open>\(?)(?P<parts>[^()\r\n#=]*?)(?P<close>\)?)[ \t]*(?:#.*)?$""",
        re.M,
    )


def _found(
    text: str, name: str | None = None
) -> tuple[str, re.Match[str], tuple[int | str, ...], bool] | None:
    """The tuple's name, its assignment, its parts (those a join's filter keeps) and
    whether a function of the module makes the version of it (else ``".".join`` does),
    when ``text`` makes ``__version__`` of one; or, given ``name``, when the module makes
    nothing of it, the tuple ``name`` binds, which another file joins with dots
    (setup.py's ``".".join(str(x) for x in __version__)`` of the imported tuple)."""
    join = JOIN.search(text)
    if join is None and name is not None and ("__version__" not in text or not _called(text)):
        assigned = _bound_re(name).search(text)
        parts = _parts(assigned.group("parts")) if assigned is not None else None
        return None if parts is None or assigned is None else (name, assigned, parts, False)
    if join is not None and join.group("cond") is not None:
        assigned = _tuple_re(join.group("looped")).search(text)
        parts = _parts(assigned.group("parts")) if assigned is not None else None
        if assigned is None or assigned.start() > join.start() or parts is None:
            return None
        kept = _kept(parts, join.group("var"), join.group("cond"))
        return None if kept is None else (join.group("looped"), assigned, kept, False)
    if join is not None:
        name = join.group("mapped") or join.group("looped")
        at = join.start()
    elif "__version__" in text and (called := _called(text)) is not None:
        name = called
        at = len(text)
    else:
        return None
    assigned = _tuple_re(name).search(text)
    if assigned is None or assigned.start() > at:
        return None
    parts = _parts(assigned.group("parts"))
    return None if parts is None else (name, assigned, parts, join is None)


def _value(parts: tuple[int | str, ...], called: bool) -> str | None:
    """What ``".".join`` makes of ``parts``; what a function makes of them is read as the
    numbers joined with dots and the string after them, as PEP 440 spells that (wrapt's
    ``("2", "4", "0", "dev1")`` is ``2.4.0.dev1``, its ``"rc1"`` ``2.4.0rc1``)."""
    if not called:
        return ".".join(str(p) for p in parts)
    numbers = list(_numbers(parts))
    suffix = "".join(str(p) for p in parts[len(numbers) :])
    return maybe_canonical(".".join(str(n) for n in numbers) + suffix)


def maybe_canonical(text: str) -> str | None:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def joined(text: str, name: str | None = None) -> str | None:
    """The ``__version__`` the module ``text`` makes of its tuple, if it does (given
    ``name``: its tuple ``name`` joined with dots, when it makes nothing of it)."""
    found = _found(text, name)
    return None if found is None else _value(found[2], found[3])


def joined_elsewhere(path: Path, name: str) -> VersionLocation | None:
    """The tuple ``name`` of ``path`` that another file joins with dots into the version
    (setup.py's ``version=".".join(str(x) for x in __version__)``), if ``path`` binds one."""
    if not path.is_file():
        return None
    found = _found(read_text(path), name)
    value = None if found is None else _value(found[2], found[3])
    if found is None or value is None or maybe_canonical(value) is None:
        return None
    return VersionLocation(path, "tuple", value, key=(found[0],))


def location(path: Path) -> VersionLocation | None:
    """The version of ``path`` when it joins a tuple into ``__version__``, or computes it
    from a version-info tuple (:func:`info_location`) or from named parts
    (:mod:`relnox.project.version_parts`)."""
    if not path.is_file():
        return None
    text = read_text(path)
    found = _found(text)
    value = None if found is None else _value(found[2], found[3])
    if found is None or value is None:
        from relnox.project.version_expr import expr_location  # pyudev's f-string of it
        from relnox.project.version_parts import parts_location  # IPython's named parts

        return info_location(path) or parts_location(path) or expr_location(path)
    return VersionLocation(path, "tuple", value, key=(found[0],))


def respell(path: Path, text: str, old: str, new: str, name: str | None = None) -> str:
    """``text`` with its version tuple saying ``new``: the release's numbers, and what
    follows them (``rc1``, ``dev0``, ``post1``) as one last string element."""
    from packaging.version import InvalidVersion, Version

    found = _found(text, name)
    if found is None or _value(found[2], found[3]) != old:
        raise VersionError(f"{path}: the version {old!r} is no longer where it was read; rerun")
    assigned = found[1]
    try:
        parsed = Version(new)
    except InvalidVersion:
        raise VersionError(f"{path}: {new!r} is not a valid PEP 440 version") from None
    if parsed.epoch or parsed.local:
        raise VersionError(
            f"{path}: the version tuple cannot spell {new} (no epoch or local label); "
            "choose a version without them with --to"
        )
    release = ".".join(str(n) for n in parsed.release)
    rest = str(parsed)[len(release) :].lstrip(".")
    # the quote of its string element, else of the join's "."
    join = JOIN.search(text)
    quote = next((q for q in ('"', "'") if q in assigned.group("parts")), None)
    quote = quote or (join.group(1) if join else '"')
    # numbers as the tuple writes them: ints, or strings of digits
    spelled = isinstance(found[2][0], str)
    items = [f"{quote}{n}{quote}" if spelled else str(n) for n in parsed.release]
    items += [f"{quote}{rest}{quote}"] if rest else []
    body = ", ".join(items)
    start, end = assigned.span("open")[0], assigned.span("close")[1]
    written = text[:start] + assigned.group("open") + body + assigned.group("close") + text[end:]
    again = maybe_canonical(joined(written, name) or "")
    if again is None or Version(again) != parsed:  # a filter dropped a part that counts
        raise VersionError(
            f"{path}: the version tuple cannot spell {new} (the join's filter drops a part of "
            f"({body})); choose another version with --to, or write the tuple by hand"
        )
    return written


# sys.version_info's shape: (major, minor, micro, level, serial), as Django, Markdown and
# pyparsing keep their version; each level as those projects spell it, and its PEP 440 part
LEVELS = {
    "final": "",
    "alpha": "a",
    "a": "a",
    "beta": "b",
    "b": "b",
    "candidate": "rc",
    "c": "rc",
    "rc": "rc",
    "dev": ".dev",
}


def _info(text: str) -> tuple[str, ast.expr, tuple[int, int, int, str, int]] | None:
    """The name, node and parts of a version-info tuple ``__version__`` is computed from
    alone, by a function of the module or one it imports, or an attribute of the tuple
    (``_get_version(__version_info__)``, ``get_version(VERSION)``,
    ``__version_info__.__version__``); ``None`` when another value takes part (coverage's
    ``_make_version(*version_info, _dev)``), the tuple is sliced or formatted, or there is
    no such tuple."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return None
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    functions |= _namedtuples(tree)  # VersionInfo = namedtuple("VersionInfo", [...])
    imported = {
        alias.asname or alias.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom)
        for alias in n.names
    }
    tuples: dict[str, tuple[ast.expr, tuple[int, int, int, str, int]]] = {}
    version: ast.expr | None = None
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        if target.id == "__version__":
            version = node.value
        parts = _info_parts(node.value, functions)
        if parts is not None:
            tuples[target.id] = (node.value, parts)
    if version is None:
        return None
    # f(NAME), f(*NAME) or NAME.attribute, nothing else (no slice, no format, no _dev)
    if isinstance(version, ast.Call) and len(version.args) == 1 and not version.keywords:
        callee = version.func
        arg = version.args[0]
        arg = arg.value if isinstance(arg, ast.Starred) else arg
        known = isinstance(callee, ast.Name) and callee.id in functions | imported
        name = arg.id if known and isinstance(arg, ast.Name) else None
    elif isinstance(version, ast.Attribute) and isinstance(version.value, ast.Name):
        name = version.value.id
    else:
        name = _formatted(version, tree, tuples)
    if name is None or name not in tuples:
        name = _evaluated(version, tuples)
    if name is None or name not in tuples:
        return None
    return name, *tuples[name]


def _namedtuples(tree: ast.Module) -> set[str]:
    """The names the module binds to ``namedtuple(...)`` (or ``collections.namedtuple``):
    classes a version-info tuple is made with."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == "namedtuple":
                found |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return found


#: the fields a version-info tuple's first three are read by, as ``sys.version_info``
_RELEASE_FIELDS = ("major", "minor", "micro")


def _formatted(
    version: ast.expr,
    tree: ast.Module,
    tuples: dict[str, tuple[ast.expr, tuple[int, int, int, str, int]]],
) -> str | None:
    """The tuple JupyterLab's ``"{}.{}.{}{}".format(version_info.major, version_info.minor,
    version_info.micro, <its level and serial>)`` (or bqplot's ``'%s.%s.%s%s' % (...)``)
    formats into ``__version__``: the format
    starts with the release's three parts, given as the tuple's ``major``, ``minor`` and
    ``micro`` (or ``[0]``, ``[1]``, ``[2]``), and nothing but that tuple and the module's
    own constants (a table of level words) takes part. ``None`` for anything else."""
    args = _percent_args(version)
    if args is None and not (
        isinstance(version, ast.Call)
        and isinstance(version.func, ast.Attribute)
        and version.func.attr == "format"
        and isinstance(version.func.value, ast.Constant)
        and isinstance(version.func.value.value, str)
        and version.func.value.value.startswith(("{}.{}.{}", "{0}.{1}.{2}"))
        and len(version.args) >= 3
        and not version.keywords
    ):
        return None
    if args is None:
        assert isinstance(version, ast.Call)
        args = list(version.args)
    names = [_release_part(arg, index) for index, arg in enumerate(args[:3])]
    name = names[0]
    if name is None or name not in tuples or any(n != name for n in names):
        return None
    constants = {
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _constant(node.value)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    used = {n.id for arg in args[3:] for n in ast.walk(arg) if isinstance(n, ast.Name)}
    return name if used <= {name, "str"} | constants else None


def _percent_args(version: ast.expr) -> list[ast.expr] | None:
    """The values bqplot's ``'%s.%s.%s%s' % (version_info[0], ...)`` formats, when it is
    that: a string starting with three ``%s`` parts, ``%`` a tuple of at least three."""
    if (
        isinstance(version, ast.BinOp)
        and isinstance(version.op, ast.Mod)
        and isinstance(version.left, ast.Constant)
        and isinstance(version.left.value, str)
        and version.left.value.startswith("%s.%s.%s")
        and isinstance(version.right, ast.Tuple)
        and len(version.right.elts) >= 3
    ):
        return list(version.right.elts)
    return None


def _release_part(arg: ast.expr, index: int) -> str | None:
    """The tuple's name, when ``arg`` is its ``index``-th part: ``NAME.major`` (``minor``,
    ``micro``) or ``NAME[index]``."""
    named = isinstance(arg, ast.Attribute) and arg.attr == _RELEASE_FIELDS[index]
    indexed = (
        isinstance(arg, ast.Subscript)
        and isinstance(arg.slice, ast.Constant)
        and arg.slice.value == index
    )
    base = arg.value if isinstance(arg, ast.Attribute | ast.Subscript) else None
    return base.id if (named or indexed) and isinstance(base, ast.Name) else None


def _constant(value: ast.expr) -> bool:
    """A literal value (a table of level words), nothing computed."""
    try:
        ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError):
        return False
    return True


def _info_parts(value: ast.expr, functions: set[str]) -> tuple[int, int, int, str, int] | None:
    """``(3, 10, 3, 'final', 0)``, or the same five given to a class or function of the
    module (pyparsing's ``version_info(3, 3, 3, "final", 1)``)."""
    if isinstance(value, ast.Call):
        if not (isinstance(value.func, ast.Name) and value.func.id in functions):
            return None
        if value.keywords:
            return None
        elts: list[ast.expr] = list(value.args)
    elif isinstance(value, ast.Tuple):
        elts = list(value.elts)
    else:
        return None
    if len(elts) != 5 or not all(isinstance(e, ast.Constant) for e in elts):
        return None
    values = [e.value for e in elts if isinstance(e, ast.Constant)]
    numbers = [v for i, v in enumerate(values) if i != 3 and type(v) is int]
    level = values[3]
    if len(numbers) != 4 or not isinstance(level, str) or level not in LEVELS:
        return None
    major, minor, micro, serial = (int(str(n)) for n in numbers)
    return (major, minor, micro, level, serial)


def info_value(text: str, path: Path | None = None) -> str | None:
    """The version a version-info tuple says, where every such project says it alike:
    ``final`` is the release, ``alpha``/``beta``/``rc`` N (N > 0) its pre-release, ``dev``
    N its ``.devN``. A pre-release level with serial 0 is left unread: Django spells
    ``(6, 1, 0, "alpha", 0)`` as ``6.1.dev<timestamp>``, others as ``6.1.0a0``; with the
    module's ``path``, the function that spells it is read, and one that never compares a
    part with 0 (wagtail's ``get_version``) spells it ``a0``."""
    found = _info(text)
    if found is None:
        return None
    computed = _computed_version(text, found[0], found[1])
    if computed is not None:  # the module's own expression says it: no rule needed
        return computed
    major, minor, micro, level, serial = found[2]
    if level not in ("final", "dev") and serial == 0 and not _plain_serial(path, text):
        return None
    suffix = "" if level == "final" else f"{LEVELS[level]}{serial}"
    return f"{major}.{minor}.{micro}{suffix}"


def _evaluated(
    version: ast.expr, tuples: dict[str, tuple[ast.expr, tuple[int, int, int, str, int]]]
) -> str | None:
    """The tuple's name, when ``__version__``'s expression reads that one literal tuple
    and nothing else, and makes a version of it (:mod:`relnox.project.version_expr`)."""
    from relnox.project.version_expr import computed

    names = {n.id for n in ast.walk(version) if isinstance(n, ast.Name)} - {"str", "map"}
    if len(names) != 1:
        return None
    (name,) = names
    return name if name in tuples and computed(version, name, tuples[name][0]) else None


def _computed_version(text: str, name: str, node: ast.expr) -> str | None:
    """The version ``__version__``'s expression (its last assignment at the top of the
    module) computes of the tuple ``name``, when the small evaluator reads it."""
    version = None
    constants: dict[str, object] = {}
    for statement in parse(text).body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            if statement.targets[0].id == "__version__":
                version = statement.value
            elif isinstance(statement.value, ast.Dict) and _constant(statement.value):
                constants[statement.targets[0].id] = ast.literal_eval(statement.value)
    from relnox.project.version_expr import computed

    return None if version is None else computed(version, name, node, constants)


def two_ways(path: Path, reader: str) -> str | None:
    """Why ``path``'s version-info tuple, which ``reader`` reads, is left unread, when it
    is for its pre-release level with serial 0 (Django's ``(4, 2, 0, "alpha", 0)``)."""
    text = read_text(path) if path.is_file() else ""
    found = _info(text) if "__version__" in text else None
    if found is None or info_value(text) is not None:
        return None
    name, _node, (major, minor, micro, level, _serial) = found
    if level in ("final", "dev"):
        return None
    main = f"{major}.{minor}" if micro == 0 else f"{major}.{minor}.{micro}"
    release = f"{major}.{minor}.{micro}"
    return (
        f"{path}: {name} = ({major}, {minor}, {micro}, {level!r}, 0), which {reader}, has "
        f"no one reading: Django's get_version makes {main}.dev<commit time> in a git "
        f"checkout of Django and {main} elsewhere, other projects read it as "
        f"{release}{LEVELS[level]}0; write the version you mean in the tuple: "
        f"({major}, {minor}, {micro}, 'final', 0) for {release}, serial 1 for "
        f"{release}{LEVELS[level]}1"
    )


def _plain_serial(path: Path | None, text: str) -> bool:
    """Whether the function ``__version__ = f(VERSION)`` calls, defined in the module at
    ``path`` or imported into it from a module of its package (``from wagtail.utils.version
    import get_version``), spells the levels (``"alpha"``) and compares no part with 0: a
    serial 0 is then spelled as any other (``a0``), not Django's ``.dev<timestamp>``."""
    if path is None:
        return False
    tree = parse(text)
    call = next(
        (
            n.value
            for n in tree.body
            if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in n.targets)
        ),
        None,
    )
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return False
    name, source = call.func.id, tree
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        if any(a.name == name and a.asname in (None, name) for a in node.names):
            top = path.parent
            while (top.parent / "__init__.py").is_file():
                top = top.parent
            module = top.parent.joinpath(*node.module.split(".")).with_suffix(".py")
            if not module.is_file():
                return False
            try:
                source = parse(read_text(module))
            except (SyntaxError, ValueError):  # not Python this reads: no spelling proven
                return False
    function = next(
        (n for n in source.body if isinstance(n, ast.FunctionDef) and n.name == name), None
    )
    if function is None:
        return False
    nodes = list(ast.walk(function))
    levels = any(isinstance(n, ast.Constant) and n.value == "alpha" for n in nodes)
    return levels and not any(  # it spells the levels, and no part is told apart by 0
        isinstance(node, ast.Compare)
        and any(isinstance(c, ast.Constant) and c.value == 0 for c in node.comparators)
        for node in nodes
    )


def info_location(path: Path) -> VersionLocation | None:
    """The version of ``path`` when ``__version__`` is computed from a version-info tuple."""
    if not path.is_file():
        return None
    text = read_text(path)
    value = info_value(text, path)
    found = _info(text)
    if value is None or found is None:
        return None
    return VersionLocation(path, "info", value, key=(found[0],))


def respell_info(path: Path, text: str, old: str, new: str) -> str:
    """``text`` with its version-info tuple saying ``new``: ``final`` for a release, the
    level words the file already uses for a pre-release (``rc`` or ``candidate``), ``dev``
    only where the file knows that level."""
    from packaging.version import InvalidVersion, Version

    found = _info(text)
    if found is None or info_value(text, path) != old:
        raise VersionError(f"{path}: the version {old!r} is no longer where it was read; rerun")
    _name, node, parts = found
    try:
        parsed = Version(new)
    except InvalidVersion:
        raise VersionError(f"{path}: {new!r} is not a valid PEP 440 version") from None
    # the release candidate's word, as the file spells it: "rc", or "candidate" (also
    # where it tests the level's first letter, level[0] == "c"); neither: not spelled
    candidate = re.search(r"""['"](rc|candidate|c)['"]""", text)
    words = {
        "a": "alpha",
        "b": "beta",
        "rc": "rc" if candidate and candidate[1] == "rc" else "candidate",
    }
    knows_dev = re.search(r"""['"]dev['"]""", text) is not None
    if (
        parsed.epoch
        or parsed.local
        or parsed.post is not None
        or len(parsed.release) > 3
        or (parsed.dev is not None and (parsed.pre is not None or not knows_dev))
        or (parsed.pre is not None and parsed.pre[0] == "rc" and candidate is None)
    ):
        raise VersionError(
            f"{path}: the version tuple (major, minor, micro, level, serial) cannot spell "
            f"{new}; choose a release or an alpha, beta or rc with --to"
        )
    major, minor, micro = (*parsed.release, 0, 0)[:3]
    if parsed.dev is not None:
        level, serial = "dev", parsed.dev
    elif parsed.pre is not None:
        level, serial = words[parsed.pre[0]], parsed.pre[1]
    else:  # a release keeps the serial it had as one
        level, serial = "final", parts[4] if parts[3] == "final" else 0
    quote = (
        '"' if re.search(r"""(["])(?:final|alpha|beta|rc|candidate|dev|[abc])\1""", text) else "'"
    )
    spelled = f"{major}, {minor}, {micro}, {quote}{level}{quote}, {serial}"
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: node.lineno - 1]) + node.col_offset
    end = sum(len(line) for line in lines[: (node.end_lineno or node.lineno) - 1])
    end += node.end_col_offset or 0
    original = text[start:end]
    if isinstance(node, ast.Call):
        head = original[: original.index("(") + 1]
        written = text[:start] + f"{head}{spelled})" + text[end:]
    else:
        opened = original.startswith("(")
        written = text[:start] + (f"({spelled})" if opened else spelled) + text[end:]
    again = info_value(written)
    if again is None or Version(again) != parsed:  # the module's expression says otherwise
        raise VersionError(
            f"{path}: the version tuple ({spelled}) would make __version__ "
            f"{again or 'unreadable'}, not {new}; choose another version with --to, or "
            "write the tuple by hand"
        )
    return written
