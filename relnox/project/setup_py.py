"""The version of a setup.py project, where setup.py holds it without running: a literal
``setup(version=...)``, a TOML file it reads, a module's ``__version__``."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import Path

from relnox.errors import RelnoxError, VersionError
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
from relnox.versioning import maybe_version, validate_version

_IMPORTED = re.compile(
    r"^from\s+\.(?P<module>\w+)\s+import\s+(?:__version__|version\s+as\s+__version__)\b", re.M
)


_ATTRIBUTE = re.compile(r"^__version__\s*=\s*(?P<module>\w+)\.__version__\s*$", re.M)


def followed(module: Path) -> VersionLocation | None:
    """The literal ``__version__`` of ``module``, or of ``.sibling`` it takes it from
    (``from ._version import __version__``; ``from . import _version`` then
    ``__version__ = _version.__version__``): where importing the module finds it."""
    loc = python_location(module)
    if loc is not None:
        return loc
    text = read_text(module)
    imported = _IMPORTED.search(text)
    if imported is None:
        imported = _ATTRIBUTE.search(text)
        if imported is None or not re.search(
            rf"^from\s+\.\s+import\s+.*\b{imported.group('module')}\b", text, re.M
        ):
            return _file_read_by(module)
    return python_location(module.parent / f"{imported.group('module')}.py")


def _file_read_by(module: Path) -> VersionLocation | None:
    """The version file ``module`` reads at import (``open(os.path.join(root_dir,
    "VERSION")).read().strip()``, its directory computed from ``__file__``): a file of
    that name holding only a version, in the module's directory or one above it up to
    its project's (the directory with the pyproject.toml or setup.py). Two such files are
    two readings: none is taken."""
    tree = _tree(module)
    if tree is None:
        return None
    names = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "/" not in node.value
        and not node.value.endswith(".py")
        and _version_file(node.value)
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


def setup_py_literal(directory: Path) -> Found | None:
    """``setup(version="1.2.3")``: a literal in setup.py is its primary source."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    pattern = r"""\bversion\s*=\s*(['"])(?P<version>[0-9][^'"]*)\1"""
    if re.search(pattern, read_text(setup_py)) is None:
        return _setup_py_constant(setup_py)
    return (
        "setup.py",
        [regex_location(setup_py, pattern, "setup.py")],
        "setup.py setup(version=...)",
    )


def _setup_py_constant(setup_py: Path) -> Found | None:
    """``VERSION = "1.39.0"`` at the top of setup.py and ``setup(version=VERSION)``."""
    tree = _tree(setup_py)
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    value = (keywords or {}).get("version")
    if tree is None or not isinstance(value, ast.Name):
        return None
    literal = _constants(tree).get(value.id)
    if literal is None or maybe_version(literal) is None:
        return None
    bound = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == value.id
    ]
    name = re.escape(value.id)
    pattern = rf"""(?m)^{name}\s*(?::\s*str\s*)?=\s*(['"])(?P<version>[^'"]+)\1"""
    if len(bound) != 1 or len(re.findall(pattern, read_text(setup_py))) != 1:
        return None  # bound twice (a branch): not one line to read and write
    return (
        "setup.py",
        [regex_location(setup_py, pattern, "setup.py")],
        f"setup.py setup(version={value.id}), {value.id} = {literal!r}",
    )


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


def _tree(setup_py: Path) -> ast.Module | None:
    try:
        return ast.parse(read_text(setup_py), str(setup_py))
    except (SyntaxError, ValueError):
        return None


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = 'celery'``, and paths spelled from strings (``PACKAGE_ROOT =
    ROOT / "spacy"``: ``spacy``): names bound to a string, in order."""
    found: dict[str, str] = {}
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            continue
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found[node.targets[0].id] = value.value
        elif isinstance(value, ast.BinOp | ast.Call):
            parts = _divided(value) if isinstance(value, ast.BinOp) else list(value.args)
            joined = _joined(parts, found)
            if joined:
                found[node.targets[0].id] = joined
    return found


def setup_py_name(directory: Path) -> str | None:
    """``setup(name=...)``: a literal, ``NAME`` bound to one at the top of setup.py, or the
    ``name`` of a ``**metadata`` dict (never an ``Extension(name=...)`` before it);
    ``None`` when setup.py does not say it that way."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    if tree is None or keywords is None or "name" not in keywords:
        return None
    value = keywords["name"]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.Name):
        return _constants(tree).get(value.id)
    return None


def _key(subscript: ast.Subscript) -> str | None:
    """The key of ``d["key"]`` when it is a literal string."""
    key = subscript.slice
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _setup_keywords(tree: ast.Module, every: bool = True) -> dict[str, ast.expr] | None:
    """The keywords of the one ``setup()`` call, a ``**metadata`` spread read from the
    module-level ``metadata = dict(...)`` or ``{...}``; ``None`` when there is no single
    call, or (``every``) when a spread of anything else hides some."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called(n) == "setup"]
    if len(calls) != 1:
        return None
    dicts: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                dicts[target.id] = node.value
    for part in ast.walk(tree):  # kwargs["long_description"] = ...: filled in later
        stored = isinstance(part, ast.Subscript) and isinstance(part.ctx, ast.Store)
        if (
            isinstance(part, ast.Subscript)
            and stored
            and not every
            and _key(part) not in (None, "name")
        ):
            continue  # another key filled in later (numba's long_description): name stands
        if stored or (isinstance(part, ast.Attribute) and part.attr in ("update", "setdefault")):
            dicts.pop(getattr(getattr(part, "value", None), "id", ""), None)
    found: dict[str, ast.expr] = {}
    for keyword in calls[0].keywords:
        if keyword.arg is not None:
            found[keyword.arg] = keyword.value
            continue
        spread = dicts.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else None
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


def setup_py_requirements(directory: Path) -> list[tuple[str, str | None, bool]]:
    """``setup(install_requires=..., extras_require=...)`` as ``(name, text, optional)``: a
    list (or a module-level name bound to one) of strings, f-strings or ``"pkg" + pin``
    sums; ``text`` is the requirement when it is a literal string, None when only its name
    is written (``f"dagster{pin}"``). Empty when setup.py does not say it that way."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    if tree is None or keywords is None:
        return []
    bound = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }

    def listed(node: ast.expr | None) -> list[ast.expr]:
        if isinstance(node, ast.Name):
            node = bound.get(node.id)
        return list(node.elts) if isinstance(node, ast.List | ast.Tuple) else []

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
    """The Python file, or version file (``pkg/version.txt``, ``VERSION``), that
    :func:`_joined` spells, if it spells one."""
    joined = _joined(parts, constants)
    return joined if joined and _version_file(joined) else None


def _version_file(path: str) -> bool:
    """A Python file, or a file whose name says it holds the version."""
    return path.endswith(".py") or "version" in path.rsplit("/", 1)[-1].lower()


def _divided(node: ast.expr) -> list[ast.expr]:
    """``Path(__file__).parent / "src" / "pkg" / "_version.py"`` as its operands."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return [*_divided(node.left), node.right]
    return [node]


def _named_files(tree: ast.Module, directory: Path, roots: Sequence[Path]) -> list[Path]:
    """The Python files setup.py names: modules it imports from (``from pkg.version import
    __version__``, ``import pkg`` then ``pkg.__version__``) and paths it spells."""
    constants = _constants(tree)
    found: list[Path] = []
    paths: list[str] = []
    imported: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if any(alias.name in _VERSION_NAMES for alias in node.names):
                module = find_module(roots, node.module)
                if module is not None:
                    found.append(module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Call):
            paths.append(_path_of(list(node.args), constants) or "")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            paths.append(_path_of(_divided(node), constants) or "")
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
    return found


_VERSION_NAMES = {"__version__", "version", "VERSION"}


def _bare_version(path: Path) -> VersionLocation | None:
    """A file that is not Python and holds only a version (``VERSION``: ``1.2.3``)."""
    if path.suffix == ".py" or not path.is_file():
        return None
    try:
        loc = text_location(path)
        validate_version(loc.value, str(path))
    except (RelnoxError, UnicodeDecodeError):
        return None
    return loc


def setup_py_reads(directory: Path, roots: Sequence[Path]) -> Found | None:
    """A setup.py that takes its version from a file of the package: one it imports the
    version from, or one whose path it spells (``open(os.path.join(here, NAME,
    "__init__.py"))``, ``exec`` of ``src/pkg/_version.py``) and that holds a literal
    ``__version__``. Two such files are two readings: the error names both and the setting."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    tree = _tree(setup_py)
    if tree is None:
        return None
    holding: dict[Path, VersionLocation] = {}
    for path in _named_files(tree, directory, [directory, *roots]):
        try:
            resolved = path.resolve()
            resolved.relative_to(directory.resolve())
        except (OSError, ValueError):
            continue
        if resolved not in holding:
            loc = python_location(path, top_level=True) or _bare_version(path)
            if loc is not None:
                holding[resolved] = loc
    if not holding:
        return None
    names = [loc.path.relative_to(directory).as_posix() for loc in holding.values()]
    if len(holding) > 1:
        raise VersionError(
            f"{setup_py}: setup.py reads a __version__ of {' and of '.join(names)}; "
            f'set [tool.relnox] version-files = ["{names[0]}"] (the one the release '
            f"writes) in {directory / 'pyproject.toml'}"
        )
    (loc,) = holding.values()
    return "setup.py", [loc], f"setup.py reads __version__ of {names[0]}"


def setup_py_keywords(directory: Path) -> frozenset[str] | None:
    """The keywords setup.py passes to ``setup()``; ``None`` when they cannot all be seen
    (no ``setup()`` call, a ``**kwargs`` of them, a file that does not parse)."""
    tree = _tree(directory / "setup.py")
    keywords = _setup_keywords(tree) if tree is not None else None
    return None if keywords is None else frozenset(keywords)
