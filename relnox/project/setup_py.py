"""The version of a setup.py project, where setup.py holds it without running: a literal
``setup(version=...)``, a TOML file it reads, a module's ``__version__``."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Sequence
from pathlib import Path

from relnox.errors import GitError, RelnoxError, VersionError
from relnox.project.incremental import location as incremental_location
from relnox.project.python_ast import parse
from relnox.project.sources import (
    Found,
    VersionLocation,
    find_module,
    python_location,
    read_text,
    regex_location,
    text_location,
    toml_location,
)
from relnox.project.version_tuple import location as joined_location
from relnox.versioning import maybe_version

# among other names too: charset-normalizer's ``from .version import VERSION, __version__``
_IMPORTED = re.compile(
    r"^from\s+\.(?P<module>\w+)\s+import\s+\(?\s*(?:\w+(?:\s+as\s+\w+)?\s*,\s*)*"
    r"(?:__version__|version\s+as\s+__version__)\b(?!\s+as\b)",
    re.M,
)


_ATTRIBUTE = re.compile(r"^__version__\s*=\s*(?P<module>\w+)\.__version__\s*$", re.M)
#: ``__version__ = version`` of a name imported from a sibling (authlib's ``from .consts
#: import version``)
_BOUND = re.compile(r"^__version__\s*=\s*(?P<name>version|VERSION)\s*(?:#.*)?$", re.M)


def followed(module: Path) -> VersionLocation | None:
    """The literal ``__version__`` of ``module``, or of ``.sibling`` it takes it from
    (``from ._version import __version__``; ``from . import _version`` then
    ``__version__ = _version.__version__``; ``from .consts import version`` then
    ``__version__ = version``): where importing the module finds it."""
    return python_location(module) or joined_location(module) or _from_sibling(module)


def _from_sibling(module: Path) -> VersionLocation | None:
    """The ``__version__`` ``module`` imports from a sibling module (see :func:`followed`)."""
    text = read_text(module)
    imported = _IMPORTED.search(text) or _absolute(module.parent.name).search(text)
    bound = _BOUND.search(text) if imported is None else None
    if bound is not None:
        imported = re.search(
            rf"^from\s+\.(?P<module>\w+)\s+import\s+\(?[\w\s,]*?\b{bound['name']}\b"
            r"(?!\s+as\b)",
            text,
            re.M,
        )
    if imported is None:
        imported = _ATTRIBUTE.search(text)
        # ``from . import _version``, or by the package's own name (orbax's ``from
        # orbax.checkpoint import version`` in orbax/checkpoint/__init__.py)
        package = rf"(?:\.|(?:\w+\.)*{re.escape(module.parent.name)})"
        if imported is None or not re.search(
            rf"^from\s+{package}\s+import\s+.*\b{imported.group('module')}\b", text, re.M
        ):
            return _file_read_by(module)
    sibling = module.parent / f"{imported.group('module')}.py"
    # incremental's own ``from ._version import __version__``: a Version() call there
    return python_location(sibling) or joined_location(sibling) or incremental_location(sibling)


def _absolute(package: str) -> re.Pattern[str]:
    """:data:`_IMPORTED` spelled from the package's own name: geopy's ``from geopy.util
    import __version__, __version_info__, get_version`` in ``geopy/__init__.py``."""
    pattern = _IMPORTED.pattern.replace(
        r"^from\s+\.", rf"^from\s+(?:\w+\.)*{re.escape(package)}\.", 1
    )
    return re.compile(pattern, re.M)


def _file_read_by(module: Path) -> VersionLocation | None:
    """The version file ``module`` reads at import (``open(os.path.join(root_dir,
    "VERSION")).read().strip()``, its directory computed from ``__file__``): a file of
    that name holding only a version, in the module's directory or one above it up to
    its project's (the directory with the pyproject.toml or setup.py). Two such files are
    two readings: none is taken."""
    tree = _tree(module)
    if tree is None:
        return None
    from relnox.project.python_ast import string_constants

    names = {
        text
        for text in string_constants(tree)
        if "/" not in text and not text.endswith(".py") and "version" in text.lower()
    }
    found: list[VersionLocation] = []
    directory = module.parent
    while True:
        found += [loc for name in sorted(names) if (loc := _bare_version(directory / name))]
        if (directory / "pyproject.toml").is_file() or (directory / "setup.py").is_file():
            break
        if directory.parent == directory:
            return None
        directory = directory.parent
    return found[0] if len(found) == 1 else None


def _bare_version(path: Path) -> VersionLocation | None:
    """A file holding only a version (``VERSION``: ``1.2.3``), not Python."""
    loc = _version_file(path) if path.suffix != ".py" else None
    return loc if loc is not None and loc.kind == "text" else None


def setup_py_literal(directory: Path) -> Found | None:
    """``setup(version="1.2.3")``, or ``setup(version=VERSION)`` with ``VERSION = "1.2.3"``
    at the top of setup.py: a literal in setup.py is its primary source."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    # a v before it is PEP 440's to drop (cmocean's version = "v4.0.3" builds 4.0.3): kept
    pattern = r"""\bversion\s*=\s*(['"])[vV]?(?P<version>[0-9][^'"]*)\1"""
    tree = _tree(setup_py)
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    # setup(version=version) of a name is no literal keyword, whatever `version = '0.0.0'`
    # says before it (lizard's placeholder, rebound from CHANGELOG.md's first heading)
    named = isinstance((keywords or {}).get("version"), ast.Name)
    if not named and re.search(pattern, read_text(setup_py)) is not None:
        return (
            "setup.py",
            [regex_location(setup_py, pattern, "setup.py")],
            "setup.py setup(version=...)",
        )
    return _setup_py_constant(setup_py) or _setup_py_dict_literal(setup_py)


#: a version written as a dict's key: ``"version": "2.6.1"``
_DICT_VERSION = r"""(['"])version\1[ \t]*:[ \t]*(['"])(?P<version>[0-9][^'"\r\n]*)\2"""


def _setup_py_dict_literal(setup_py: Path) -> Found | None:
    """``setup(**PACKAGEDATA)`` whose dict says ``"version": "2.6.1"`` (pygame's METADATA,
    merged in by ``PACKAGEDATA.update(METADATA)``): that literal, the one so written."""
    tree = _tree(setup_py)
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    value = (keywords or {}).get("version")
    if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
        return None
    found = [m["version"] for m in re.finditer(_DICT_VERSION, read_text(setup_py))]
    if found != [value.value]:
        return None
    loc = regex_location(setup_py, _DICT_VERSION, "setup.py")
    return "setup.py", [loc], 'setup.py setup(**metadata), its dict\'s "version"'


def _setup_py_constant(setup_py: Path) -> Found | None:
    """``setup(version=VERSION)`` where ``VERSION = "7.0.0.dev0"`` is bound once, at the top
    of setup.py, to a string (PyYAML's shape)."""
    tree = _tree(setup_py)
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    value = (keywords or {}).get("version")
    if tree is None or not isinstance(value, ast.Name):
        return None
    bound = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign)
        and any(
            isinstance(t, ast.Name) and t.id == value.id
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    ]
    body = _run_at_top(tree)
    top = ast.Module(body=body, type_ignores=[])
    if len(bound) != 1 or bound[0] not in body or value.id not in _constants(top):
        return None
    name = re.escape(value.id)
    indent = "[ \t]*" if bound[0] not in tree.body else ""
    pattern = rf"""(?m)^{indent}{name}[ \t]*=[ \t]*(['"])(?P<version>[0-9][^'"\r\n]*)\1"""
    if re.search(pattern, read_text(setup_py)) is None:
        return None
    loc = regex_location(setup_py, pattern, "setup.py")
    return "setup.py", [loc], f"setup.py setup(version={value.id}), {value.id} = {loc.value!r}"


_TOML_OPENED = re.compile(r"""open\(\s*(['"])(?P<file>[\w./-]+\.toml)\1""")


_TOML_KEY = re.compile(
    r"""\[\s*(['"])(?P<table>package|project)\1\s*\]\s*\[\s*(['"])version\3\s*\]"""
)


def setup_py_toml(directory: Path) -> Found | None:
    """A setup.py that reads its version from a TOML file beside it (setuptools-rust
    projects: ``tomllib.load(open("Cargo.toml", "rb"))["package"]["version"]``)."""
    from relnox.project.pyproject import load_toml

    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    text = read_text(setup_py)
    opened, key = _TOML_OPENED.findall(text), _TOML_KEY.search(text)
    files = {match[1] for match in opened}
    if key is None or len(files) != 1:
        return None
    path = directory / files.pop()
    try:
        doc = load_toml(path)
    except RelnoxError:
        return None
    if not isinstance(doc.get(key.group("table"), {}).get("version"), str):
        return None
    loc = toml_location(path, doc, (key.group("table"), "version"))
    return "setup.py", [loc], f"setup.py reads {path.name} [{key.group('table')}] version"


def _run_at_top(tree: ast.Module) -> list[ast.stmt]:
    """The statements setup.py runs at its top: the module's, then those of a top-level
    ``if __name__ == "__main__":`` (setuptools runs setup.py as ``__main__``; MDAnalysis'
    testsuite binds ``RELEASE = "2.8.0-dev0"`` there, before ``setup(version=RELEASE)``)."""
    body = list(tree.body)
    for node in tree.body:
        test = node.test if isinstance(node, ast.If) else None
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
            and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__"
            and isinstance(test.ops[0], ast.Eq)
            and isinstance(node, ast.If)
        ):
            body += node.body
    return body


def _tree(setup_py: Path) -> ast.Module | None:
    try:
        return parse(read_text(setup_py), str(setup_py))
    except (SyntaxError, ValueError):
        return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = 'celery'``, and paths spelled from strings (``PACKAGE_ROOT =
    ROOT / "spacy"``: ``spacy``): names bound to a string, in order."""
    from relnox.project.python_ast import name_assignments

    found: dict[str, str] = {}
    for name, value in name_assignments(tree):
        replaced = _replaced(value, found)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found[name] = value.value
        elif replaced is not None:
            found[name] = replaced
        elif isinstance(value, ast.BinOp | ast.Call):
            parts = _divided(value) if isinstance(value, ast.BinOp) else list(value.args)
            joined = _joined(parts, found)
            if joined:
                found[name] = joined
    return found


def _replaced(node: ast.expr, constants: dict[str, str]) -> str | None:
    """``PACKAGE_NAME.replace("-", "/")`` of a constant the module bound before (azure-sdk's
    setup.py: ``azure-core`` gives the folder ``azure/core`` its ``_version.py`` is in)."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in constants
        and len(node.args) == 2
        and not node.keywords
    ):
        return None
    old, new = node.args
    if not (isinstance(old, ast.Constant) and isinstance(old.value, str) and old.value):
        return None
    if not (isinstance(new, ast.Constant) and isinstance(new.value, str)):
        return None
    return constants[node.func.value.id].replace(old.value, new.value)


def setup_py_name(directory: Path) -> str | None:
    """``setup(name=...)``: a literal, ``NAME`` bound to one at the top of setup.py, or the
    ``name`` of a ``**metadata`` dict (never an ``Extension(name=...)`` before it);
    ``None`` when setup.py does not say it that way."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    if tree is None or keywords is None:
        return None
    value = keywords.get("name") or _stored_name(tree)
    if value is None:
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.Name):
        return _constants(tree).get(value.id)
    if (  # "dgl" + os.getenv("DGL_PACKAGE_SUFFIX", ""): the name the variable unset gives
        isinstance(value, ast.BinOp)
        and isinstance(value.op, ast.Add)
        and isinstance(value.left, ast.Constant)
        and isinstance(value.left.value, str)
        and _empty_by_default(value.right)
    ):
        return value.left.value
    return _meta_name(tree, directory, value)


def _empty_by_default(node: ast.expr) -> bool:
    """``os.getenv("X", "")`` or ``os.environ.get("X", "")``: empty unless the build sets
    the variable."""
    if not isinstance(node, ast.Call) or len(node.args) != 2 or node.keywords:
        return False
    default = node.args[1]
    if not (isinstance(default, ast.Constant) and default.value == ""):
        return False
    func = ast.unparse(node.func)
    return func in ("os.getenv", "getenv", "os.environ.get", "environ.get")


def _stored_name(tree: ast.Module) -> ast.expr | None:
    """``kw["name"] = NAME`` stored once in the dict ``setup(**kw)`` spreads, a dict made
    empty and filled key by key (line_profiler's ``setupkw = {}``, ``setupkw['name'] =
    NAME``, inside ``if __name__ == '__main__':``)."""
    spreads = {
        k.value.id
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and _called(call) == "setup"
        for k in call.keywords
        if k.arg is None and isinstance(k.value, ast.Name)
    }
    stored = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id in spreads
        and _key(target) == "name"
    ]
    return stored[0] if len(spreads) == 1 and len(stored) == 1 else None


def _meta_name(tree: ast.Module, directory: Path, value: ast.expr) -> str | None:
    """``name=find_meta("title")``: the ``__title__ = "..."`` of the one file setup.py names
    that has it (pyOpenSSL's ``src/OpenSSL/version.py``, read with a regex of
    ``__{meta}__``), ``name=about["__title__"]`` of a dict that file was exec'd into
    (python-slugify's ``__version__.py``), or ``name=pkg.__title__`` of the package it
    imports; ``None`` otherwise."""
    if (  # about["__title__"] of a dict a file was exec'd into (python-slugify's)
        isinstance(value, ast.Subscript)
        and isinstance(value.value, ast.Name)
        and isinstance(value.slice, ast.Constant)
        and isinstance(value.slice.value, str)
        and value.slice.value.isidentifier()
    ):
        key = value.slice.value
    elif (
        isinstance(value, ast.Call)
        and len(value.args) == 1
        and not value.keywords
        and isinstance(value.args[0], ast.Constant)
        and isinstance(value.args[0].value, str)
        and value.args[0].value.isidentifier()
    ):
        key = f"__{value.args[0].value}__"
    elif (  # name=diskcache.__title__ of the package setup.py imports (python-diskcache's)
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and re.fullmatch(r"__\w+__", value.attr)
    ):
        key = value.attr
    else:
        return None
    pattern = re.compile(rf"""^{re.escape(key)}\s*=\s*(['"])(?P<value>[A-Za-z0-9._-]+)\1""", re.M)
    found = set()
    for path in _named_files(tree, directory, [directory]):
        if path.suffix == ".py" and path.is_file():
            found |= {m["value"] for m in pattern.finditer(read_text(path))}
    return found.pop() if len(found) == 1 else None


#: the calls whose ``name=`` may be the project's: setup() and a dict spread into it
_NAME_CALLS = {"setup", "dict"}
_NAME_TEXT = re.compile(r"""\bname\s*=\s*(['"])([A-Za-z0-9._-]+)\1""")


def setup_py_text_name(directory: Path) -> str | None:
    """The first ``name='...'`` in setup.py's text that is no other call's keyword: not an
    ``Extension(name=...)``, nor a helper's (``_load_py_module(name="assistant", ...)``,
    a module setup.py loads); for the setup.py :func:`setup_py_name` cannot read."""
    text = read_text(directory / "setup.py")
    tree = _tree(directory / "setup.py")
    elsewhere: set[tuple[int, int]] = set()  # (line, byte column) of other calls' name=
    for call in ast.walk(tree) if tree is not None else ():
        if isinstance(call, ast.Call) and _called(call) not in _NAME_CALLS:
            elsewhere |= {(k.lineno, k.col_offset) for k in call.keywords if k.arg == "name"}
    for match in _NAME_TEXT.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        at = (text.count("\n", 0, match.start()) + 1, len(text[start : match.start()].encode()))
        before = text[: match.start()].rpartition("(")[0].rstrip()
        if text[: match.start()].endswith(".") or text[match.end() :].lstrip().startswith("+"):
            continue  # an attribute's (e.name = 'pygame.' + e.name): no setup() keyword
        # Extension(name='pkg._speedups') names a module (read so when the text does not parse)
        if at not in elsewhere and not before.endswith("Extension"):
            return match.group(2)
    return None


def _key(subscript: ast.Subscript) -> str | None:
    """The key of ``d["key"]`` when it is a literal string."""
    key = subscript.slice
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _literal_update(
    node: ast.stmt, dicts: dict[str, ast.expr]
) -> tuple[ast.Attribute, str, str] | None:
    """A statement ``into.update(other)`` of two dicts bound to literals: its
    ``.update`` attribute and the two names; ``None`` for any other statement."""
    call = node.value if isinstance(node, ast.Expr) else None
    if not isinstance(call, ast.Call) or len(call.args) != 1 or call.keywords:
        return None
    func, arg = call.func, call.args[0]
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "update"
        and isinstance(func.value, ast.Name)
        and isinstance(arg, ast.Name)
    ):
        return None
    into, other = dicts.get(func.value.id), dicts.get(arg.id)
    if not isinstance(into, ast.Dict) or not isinstance(other, ast.Dict):
        return None
    return func, func.value.id, arg.id


def _setup_keywords(tree: ast.Module, every: bool = True) -> dict[str, ast.expr] | None:
    """The keywords of the one ``setup()`` call (or of several written alike), a
    ``**metadata`` spread read from the module-level ``metadata = dict(...)`` or ``{...}``;
    ``None`` when there is no single call, or (``every``) when a spread of anything else
    hides some."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called(n) == "setup"]
    if len({ast.dump(call) for call in calls}) == 1:  # pycurl's setup(**setup_args) per branch
        calls = calls[:1]
    if len(calls) != 1:
        return None
    dicts: dict[str, ast.expr] = {}
    merged: set[int] = set()  # the ``.update`` of each call merging a literal dict into one
    sources: dict[str, set[str]] = {}  # each dict -> the dicts merged into it
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                dicts[target.id] = node.value
        update = _literal_update(node, dicts)
        if update is not None:  # PACKAGEDATA.update(METADATA) (pygame's): one dict of both
            attribute, name, other = update
            into, more = dicts[name], dicts[other]
            assert isinstance(into, ast.Dict) and isinstance(more, ast.Dict)
            dicts[name] = ast.Dict(
                keys=[*into.keys, *more.keys], values=[*into.values, *more.values]
            )
            merged.add(id(attribute))
            sources.setdefault(name, set()).add(other)
    if not every:  # EXTRAS.update({"cmdclass": ...}): keys other than name and version
        merged |= {
            id(call.func)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "update"
            and len(call.args) == 1
            and isinstance(call.args[0], ast.Dict)
            and all(
                isinstance(k, ast.Constant) and k.value not in ("name", "version")
                for k in call.args[0].keys
            )
        }
    for part in ast.walk(tree):  # kwargs["long_description"] = ...: filled in later
        if id(part) in merged:
            continue
        stored = isinstance(part, ast.Subscript) and isinstance(part.ctx, ast.Store)
        if (
            isinstance(part, ast.Subscript)
            and stored
            and not every
            and _key(part) not in (None, "name")
        ):
            continue  # another key filled in later (numba's long_description): name stands
        if stored or (isinstance(part, ast.Attribute) and part.attr in ("update", "setdefault")):
            changed = getattr(getattr(part, "value", None), "id", "")
            dicts.pop(changed, None)
            for name in [n for n, merged_in in sources.items() if changed in merged_in]:
                dicts.pop(name, None)  # a dict merged into another is changed after
    found: dict[str, ast.expr] = {}
    for keyword in calls[0].keywords:
        if keyword.arg is not None:
            found[keyword.arg] = keyword.value
            continue
        spread = dicts.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else None
        if spread is None:
            spread = _returned(tree, keyword.value)
        if isinstance(spread, ast.Call) and _called(spread) == "dict" and not spread.args:
            if every and any(k.arg is None for k in spread.keywords):
                return None
            found.update({k.arg: k.value for k in spread.keywords if k.arg is not None})
        elif isinstance(spread, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in spread.keys
        ):
            found.update(
                {
                    str(k.value): v
                    for k, v in zip(spread.keys, spread.values, strict=True)
                    if isinstance(k, ast.Constant)
                }
            )
        elif every:
            return None
    return found


def _returned(tree: ast.Module, value: ast.expr) -> ast.expr | None:
    """What ``get_setup_args()`` (a call of a module-level function, no arguments) returns
    when its one ``return`` gives a ``dict(...)`` or ``{...}``: phoenix-sqlean's
    ``setup(**get_setup_args())``."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and not value.args
        and not value.keywords
    ):
        return None
    name = value.func.id
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
            if len(returns) == 1 and isinstance(returns[0].value, ast.Call | ast.Dict):
                return returns[0].value
    return None


def setup_py_requirements(directory: Path) -> list[tuple[str, str | None, bool]]:
    """``setup(install_requires=..., extras_require=...)`` as ``(name, text, optional)``: a
    list (or a module-level name bound to one) of strings, f-strings or ``"pkg" + pin``
    sums; ``text`` is the requirement when it is a literal string, None when only its name
    is written (``f"dagster{pin}"``). Empty when setup.py does not say it that way."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    if tree is None or keywords is None:
        return []
    from relnox.project.python_ast import name_assignments

    bound = dict(name_assignments(tree))

    def listed(node: ast.expr | None) -> list[ast.expr]:
        more: list[ast.expr] = []
        if isinstance(node, ast.Name):
            more = _grown(tree.body, node.id)
            node = bound.get(node.id)
        return [*node.elts, *more] if isinstance(node, ast.List | ast.Tuple) else []

    found = [(item, False) for item in listed(keywords.get("install_requires"))]
    extras = keywords.get("extras_require")
    if isinstance(extras, ast.Name):
        extras = bound.get(extras.id)
    if isinstance(extras, ast.Dict):
        found += [(item, True) for value in extras.values for item in listed(value)]
    out = []
    for item, optional in found:
        head = item
        while isinstance(head, ast.BinOp) and isinstance(head.op, ast.Add):
            head = head.left
        if isinstance(head, ast.JoinedStr) and head.values:
            head = head.values[0]
        if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
            continue
        match = _REQUIREMENT_NAME.match(head.value)
        if match:
            literal = item is head
            out.append((match.group(1), head.value.strip() if literal else None, optional))
    return out


def _grown(body: list[ast.stmt], name: str) -> list[ast.expr]:
    """What the module's own statements add to the list bound to ``name``:
    ``name.append(x)``, ``name.extend([...])`` and ``name += [...]``, also in either
    branch of an ``if`` (certbot's plugins extend ``install_requires`` with
    ``f"certbot>={version}"`` unless a snap is built)."""
    found: list[ast.expr] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            found += _grown(stmt.body, name) + _grown(stmt.orelse, name)
            continue
        added: ast.expr | None = None
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            if isinstance(stmt.target, ast.Name) and stmt.target.id == name:
                added = stmt.value
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == name
                and len(call.args) == 1
            ):
                if func.attr == "append":
                    found.append(call.args[0])
                elif func.attr == "extend":
                    added = call.args[0]
        if isinstance(added, ast.List | ast.Tuple):
            found += added.elts
    return found


_REQUIREMENT_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _joined(parts: list[ast.expr], constants: dict[str, str]) -> str | None:
    """The relative path ``os.path.join(here, NAME, "__init__.py")`` (or a ``/`` chain)
    spells: a base the tree cannot spell (``here``, ``Path(__file__).parent``) may lead;
    every part after it is a string or a module constant. ``""``: no part is spelled."""
    texts: list[str] = []
    for part in parts:
        if isinstance(part, ast.Constant) and isinstance(part.value, str):
            texts.append(part.value)
        elif isinstance(part, ast.Name) and part.id in constants:
            texts.append(constants[part.id])
        elif texts:
            return None
    return "/".join(t.strip("/") for t in texts).removeprefix("./")


def _path_of(parts: list[ast.expr], constants: dict[str, str]) -> str | None:
    """The file :func:`_joined` spells, if it spells one (a Python module or a plain
    version file: ``here / "VERSION"``)."""
    joined = _joined(parts, constants)
    return joined if joined and not any(c.isspace() for c in joined) else None


def _opens(call: ast.Call) -> bool:
    """``open(path, mode)``, ``io.open`` or ``codecs.open``: a call whose first argument
    alone is a path."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "open"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "open"
        and (isinstance(func.value, ast.Name) and func.value.id in ("io", "codecs"))
    )


def _divided(node: ast.expr) -> list[ast.expr]:
    """``Path(__file__).parent / "src" / "pkg" / "_version.py"`` as its operands; setup.py's
    own path renamed (aiocache's ``Path(__file__).with_name("aiocache") / "__init__.py"``)
    is the name it is given, beside setup.py."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return [*_divided(node.left), node.right]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "with_name"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and "__file__" in ast.dump(node.func.value)
    ):
        return [node.func.value, node.args[0]]
    return [node]


def _named_files(tree: ast.Module, directory: Path, roots: Sequence[Path]) -> list[Path]:
    """The Python files setup.py names: modules it imports from (``from pkg.version import
    __version__``, ``import pkg`` then ``pkg.__version__``) and paths it spells (joined,
    divided, or a list of parts a helper of its own joins: sanic's ``open_local``)."""
    constants = _constants(tree)
    found: list[Path] = []
    paths: list[str] = []
    imported: dict[str, str] = {}
    roots = [*roots, *_on_sys_path(tree, directory, constants)]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name not in _VERSION_NAMES:
                    continue
                # ``from tfx import version`` then ``version.__version__``: the submodule
                # tfx/version.py when there is one, else the name of tfx/__init__.py
                sub = find_module(roots, f"{node.module}.{alias.name}")
                module = sub or find_module(roots, node.module)
                if module is not None:
                    found.append(module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Call):
            # open("version.txt", "r"): the path alone, never its mode (DeepSpeed's)
            args = node.args[:1] if _opens(node) else list(node.args)
            paths.append(_path_of(args, constants) or "")
            named = _module_constant(node)
            module = find_module(roots, named) if named is not None else None
            if module is not None:
                found.append(module)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            paths.append(_path_of(_divided(node), constants) or "")
        elif isinstance(node, ast.List | ast.Tuple):  # open_local(["sanic", "__version__.py"])
            paths.append(_path_of(list(node.elts), constants) or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            paths.append(node.value if node.value.endswith(".py") else "")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in _VERSION_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            module = find_module(roots, imported[node.value.id])
            if module is not None:
                found.append(module)
    found += [directory / p for p in paths if p and p != "setup.py"]
    # a version module named alone, its package the helper's to add (litdata's
    # _load_py_module("__about__.py"), joined to its default pkg="litdata"): that module
    # in a top-level package of the sources
    for name in dict.fromkeys(p for p in paths if _BARE_MODULE.fullmatch(p)):
        found += [m for root in roots for m in sorted(root.glob(f"*/{name}")) if m.is_file()]
    return found


def _on_sys_path(tree: ast.Module, directory: Path, constants: dict[str, str]) -> list[Path]:
    """The directories of the project setup.py puts on ``sys.path`` before it imports its
    version module from there (pysam's ``sys.path.insert(0, "pysam")`` then ``import
    version``): ``sys.path.insert(i, path)`` or ``sys.path.append(path)`` of a path it
    spells, relative to its own directory."""
    found: list[Path] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        target = node.func.value
        on_path = (
            node.func.attr in ("insert", "append")
            and isinstance(target, ast.Attribute)
            and target.attr == "path"
            and isinstance(target.value, ast.Name)
            and target.value.id == "sys"
        )
        if on_path and node.args:
            spelled = _path_of(_call_parts(node.args[-1]), constants)
            if spelled is not None:
                found.append(directory / spelled)
    return found


def _call_parts(node: ast.expr) -> list[ast.expr]:
    """A path's parts: ``os.path.join(a, b)``'s arguments, a ``/`` chain's operands, or the
    expression itself."""
    if isinstance(node, ast.Call) and _called(node) == "join":
        return list(node.args)
    return _divided(node)


#: a module's bare name that says it holds the version (``__about__.py``, ``_version.py``)
_BARE_MODULE = re.compile(r"\w*(?:version|about)\w*\.py", re.IGNORECASE)


_VERSION_NAMES = {"__version__", "version", "VERSION"}


def _module_constant(node: ast.Call) -> str | None:
    """The module of a call naming a module and its version constant:
    ``get_module_constant("jedi", "__version__")`` (setuptools.depends, jedi's setup.py)."""
    args = node.args
    if len(args) < 2 or not all(isinstance(a, ast.Constant) for a in args[:2]):
        return None
    module, name = (a.value for a in args[:2] if isinstance(a, ast.Constant))
    if not isinstance(module, str) or name not in _VERSION_NAMES:
        return None
    return module if all(part.isidentifier() for part in module.split(".")) else None


def _version_file(path: Path) -> VersionLocation | None:
    """A Python file's literal ``__version__``, or a file named for the version holding
    only one (``VERSION``, which setup.py reads and strips) or such a line
    (``version.txt`` read with a regular expression)."""
    if path.suffix == ".py":
        return python_location(path, top_level=True) or _named_version(path)
    if path.suffix == ".pyx":  # a Cython module's own __version__ (sep's sep.pyx)
        return python_location(path, top_level=True)
    if path.suffix in (".h", ".hpp") and path.is_file():
        return _defined_version(path)
    if "version" not in path.name.lower():
        return None
    try:
        if not path.is_file():
            return None
        small = path.stat().st_size <= 100
    except OSError:
        return None
    text = read_text(path).strip() if small else ""
    if small and "\n" not in text and maybe_version(text) is not None:
        return text_location(path)
    return python_location(path, top_level=True)  # __version__ = "2.4.0" in version.txt


#: a C header's ``#define <NAME with VERSION> "1.2.0"``
_DEFINED_VERSION = re.compile(
    r"""^[ \t]*#[ \t]*define[ \t]+(?P<name>\w*VERSION\w*)[ \t]+"(?P<version>[^"\r\n]+)"[ \t]*$""",
    re.M,
)


def _defined_version(path: Path) -> VersionLocation | None:
    """The one version a C header setup.py reads defines (python-zstandard's
    ``#define PYTHON_ZSTANDARD_VERSION "0.25.0"`` in ``c-ext/python-zstandard.h``)."""
    found = [m for m in _DEFINED_VERSION.finditer(read_text(path)) if maybe_version(m["version"])]
    if len(found) != 1:
        return None
    name = re.escape(found[0]["name"])
    pattern = rf'(?m)^[ \t]*#[ \t]*define[ \t]+{name}[ \t]+"(?P<version>[^"\r\n]+)"'
    return VersionLocation(path, "pattern", found[0]["version"], pattern=pattern)


#: a top-level ``<name with version> = "1.2.0"``: metaflow's ``metaflow_version``
_NAMED_VERSION = re.compile(
    r"""^(?P<name>[A-Za-z_]\w*)[ \t]*=[ \t]*(?P<q>['"])(?P<version>[^'"\r\n]+)(?P=q)[ \t]*(?:#.*)?$""",
    re.M,
)


def _named_version(path: Path) -> VersionLocation | None:
    """The one top-level string assignment of a name that says version (``metaflow_version
    = "2.19.38"``, which setup.py reads by splitting the line), when it is a version: the
    file holds no ``__version__`` of its own."""
    found = [
        m
        for m in _NAMED_VERSION.finditer(read_text(path))
        if "version" in m["name"].lower() and maybe_version(m["version"]) is not None
    ]
    if len(found) != 1:
        return None
    name = re.escape(found[0]["name"])
    pattern = rf"""(?m)^{name}[ \t]*=[ \t]*['"](?P<version>[^'"\r\n]+)['"]"""
    return VersionLocation(path, "pattern", found[0]["version"], pattern=pattern)


def setup_py_reads(directory: Path, roots: Sequence[Path]) -> Found | None:
    """A setup.py that takes its version from a file of the package: one it imports the
    version from, or one whose path it spells (``open(os.path.join(here, NAME,
    "__init__.py"))``, ``exec`` of ``src/pkg/_version.py``, ``(here / "VERSION").read_text()``)
    and that holds a literal ``__version__`` or only a version. Two such files are two
    readings: the error names both and the setting."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    return script_reads(setup_py, directory, roots, "setup.py", "setup.py")


def script_reads(
    script: Path, directory: Path, roots: Sequence[Path], source: str, what: str
) -> Found | None:
    """The one file of the project at ``directory`` holding a literal ``__version__`` that
    ``script`` imports or spells the path of (relative to the script's own directory, as
    ``os.path.join(os.path.dirname(__file__), "../__init__.py")`` is); ``None`` if none."""
    tree = _tree(script)
    if tree is None:
        return None
    holding = _holding(script, tree, directory, roots)
    for helper in [] if holding else local_helpers(tree, script):
        # setup.py's own helper module reads it (from _bootstrap import get_version)
        helper_tree = _tree(helper)
        if helper_tree is not None:
            holding.update(_holding(helper, helper_tree, directory, roots))
    if len(holding) > 1:  # a copy the build makes and git ignores (metaflow's stubs/version.py)
        kept = {path: loc for path, loc in holding.items() if not _ignored(path)}
        holding = kept or holding
    if not holding:
        return None
    if len(holding) > 1:  # a placeholder the build stamps (GitPython's __version__ = "git")
        holding = {p: loc for p, loc in holding.items() if maybe_version(loc.value)} or holding
    names = [Path(os.path.relpath(loc.path, directory)).as_posix() for loc in holding.values()]
    if len(holding) > 1:
        raise VersionError(
            f"{script}: {what} reads a __version__ of {' and of '.join(names)}; "
            f'set [tool.relnox] version-files = ["{names[0]}"] (the one the release '
            f"writes) in {directory / 'pyproject.toml'}"
        )
    (loc,) = holding.values()
    held = {"text": "the version file", "python": "__version__ of"}.get(loc.kind, "the version in")
    return source, [loc], f"{what} reads {held} {names[0]}"


def _ignored(path: Path) -> bool:
    """Whether git ignores ``path`` (a build's output); false outside a repository."""
    from relnox.tools import git

    try:
        return git.run(path.parent, "check-ignore", "-q", "--", path.name).ok
    except GitError:  # no git: nothing is ignored
        return False


def _holding(
    script: Path, tree: ast.Module, directory: Path, roots: Sequence[Path]
) -> dict[Path, VersionLocation]:
    """The files of the project ``script`` names (see :func:`script_reads`) that hold a
    version, by resolved path: a literal, a joined tuple, or one taken from a sibling
    (``from .Shadow import __version__`` of the ``__init__.py`` it imports: Cython's)."""
    holding: dict[Path, VersionLocation] = {}
    named = _named_files(tree, script.parent, [directory, *roots])
    if script.parent != directory:  # a helper in conf/ spelling its paths from the top
        named += _named_files(tree, directory, [directory, *roots])  # (mpi4py's topdir)
    for path in named:
        path = Path(os.path.normpath(path))
        try:
            resolved = path.resolve()
            resolved.relative_to(_repository_of(directory))
        except (OSError, ValueError):
            continue
        if resolved not in holding and resolved != script.resolve() and path.is_file():
            loc = _version_file(path)
            python = path.suffix == ".py"  # not the data files it names (bpython's .png)
            loc = loc or (joined_location(path) or _from_sibling(path) if python else None)
            if loc is not None:
                holding[loc.path.resolve()] = loc
    return holding


def _repository_of(directory: Path) -> Path:
    """The git work tree holding ``directory`` (itself without one): the files a setup.py
    may take its version from. A member's may be its sibling's (metaflow's stubs read
    ``../metaflow/version.py``), never one outside the repository."""
    here = directory.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def local_helpers(tree: ast.Module, script: Path) -> list[Path]:
    """The modules beside ``script`` it imports (``from _bootstrap import get_version``),
    or from a directory of the project it puts on ``sys.path`` first (mpi4py's ``conf/``
    then ``import metadata``; obspy's ``obspy/core/util`` then ``from version import
    get_git_version``)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    places = [script.parent, *_on_sys_path(tree, script.parent, _constants(tree))]
    found = [place / f"{name}.py" for place in places for name in names if "." not in name]
    return [path for path in dict.fromkeys(found) if path.is_file() and path != script]


def setup_call(directory: Path) -> tuple[ast.Module, dict[str, ast.expr]] | None:
    """setup.py's tree and the keywords of its one ``setup()`` call (a ``**metadata``
    dict's too); ``None`` without a setup.py, a single call, or when it does not parse."""
    tree = _tree(directory / "setup.py") if (directory / "setup.py").is_file() else None
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    return None if tree is None or not keywords else (tree, keywords)


def setup_py_tree(directory: Path) -> ast.Module | None:
    """setup.py's parsed tree; ``None`` without one, or when it does not parse."""
    path = directory / "setup.py"
    return _tree(path) if path.is_file() else None


def setup_py_keywords(directory: Path) -> frozenset[str] | None:
    """The keywords setup.py passes to ``setup()``; ``None`` when they cannot all be seen
    (no ``setup()`` call, a ``**kwargs`` of them, a file that does not parse)."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree) if tree is not None else None
    return None if keywords is None else frozenset(keywords)


def scm_keyword(directory: Path) -> str | None:
    """The keyword of setup.py's ``setup()`` that has setuptools-scm version it:
    ``use_scm_version=True`` (or a dict of options, or a function: whatever its build
    requirements say, ``setup_requires=["setuptools_scm"]`` without a pyproject.toml), or
    PyScaffold 3's ``use_pyscaffold=True`` (tsfresh's), which gives setuptools-scm the
    version, or setuptools-git-versioning's ``setuptools_git_versioning={"enabled": True}``
    (``version_config=...`` before its 1.8); ``None`` for none (or one set false, or a
    dict of options saying ``"enabled": False``)."""
    found = setup_call(directory)
    for keyword in SCM_KEYWORDS:
        value = found[1].get(keyword) if found is not None else None
        if value is None or (isinstance(value, ast.Constant) and not value.value):
            continue
        if isinstance(value, ast.Dict) and any(
            isinstance(k, ast.Constant)
            and k.value == "enabled"
            and isinstance(v, ast.Constant)
            and not v.value
            for k, v in zip(value.keys, value.values, strict=True)
        ):
            continue
        return keyword
    return None


#: setup()'s keywords of plugins that version the project from git tags, and the plugin
SCM_KEYWORDS = {
    "use_scm_version": "setuptools-scm",
    "use_pyscaffold": "setuptools-scm",
    "setuptools_git_versioning": "setuptools-git-versioning",
    "version_config": "setuptools-git-versioning",
}


def uses_pbr(directory: Path) -> bool:
    """setup.py's ``setup(pbr=True)`` (bandit's, with ``setup_requires=["pbr"]`` and no
    pyproject.toml): pbr takes the version from git tags, unless setup.cfg's ``[metadata]``
    names one."""
    found = setup_call(directory)
    value = found[1].get("pbr") if found is not None else None
    if value is None or (isinstance(value, ast.Constant) and not value.value):
        return False
    from relnox.project.pyproject import setup_cfg

    return not setup_cfg(directory).get("metadata", {}).get("version")
