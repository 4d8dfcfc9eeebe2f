"""What setup.py says without running: its ``setup()`` keywords, name, requirements, and
where it holds the version (a literal, a constant, a file or module it reads)."""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Sequence
from pathlib import Path

from relnox.errors import VersionError
from relnox.versions.arithmetic import maybe_version
from relnox.versions.python_ast import name_assignments, parse, string
from relnox.versions.sources import (
    Found,
    VersionLocation,
    find_module,
    python_location,
    read_text,
    regex_location,
    setup_cfg,
    text_location,
)
from relnox.versions.version_tuple import incremental_location
from relnox.versions.version_tuple import location as joined_location


def followed(module: Path, top_level: bool = False) -> VersionLocation | None:
    """Where importing ``module`` finds its ``__version__``: in it, or a sibling it imports."""
    return (
        python_location(module, top_level=top_level)
        or joined_location(module)
        or _from_sibling(module)
    )


def _from_sibling(module: Path) -> VersionLocation | None:
    """The version of the one sibling ``module`` imports from (``from ._version import ...``)."""
    text = read_text(module)
    tree = _tree(text, str(module)) if "__version__" in text else None
    own = module.parent.name
    names: list[str] = []
    for node in tree.body if tree is not None else ():
        if not isinstance(node, ast.ImportFrom):
            continue
        dotted = (node.module or "").split(".")
        if node.level == 1 and node.module:  # from ._version import __version__
            names.append(dotted[0])
        elif (node.level == 1 and not node.module) or (node.level == 0 and dotted[-1] == own):
            names += [alias.name for alias in node.names]  # from . import _version
        elif node.level == 0 and len(dotted) > 1 and dotted[-2] == own:
            names.append(dotted[-1])  # from pkg._version import version
    found = [
        loc
        for name in dict.fromkeys(names)
        if (sibling := module.parent / f"{name}.py") != module
        and (
            loc := python_location(sibling, top_level=True)
            or joined_location(sibling)
            or incremental_location(sibling)
        )
        and maybe_version(loc.value) is not None
    ]
    return found[0] if len(found) == 1 else None


def setup_py_literal(directory: Path) -> Found | None:
    """``setup(version="1.2.3")``, or ``setup(version=VERSION)`` of a top-level constant."""
    setup_py = directory / "setup.py"
    tree = setup_py_tree(directory)
    value = (_setup_keywords(tree, every=False) or {}).get("version") if tree else None
    pattern = r"""\bversion\s*=\s*(['"])[vV]?(?P<version>[0-9][^'"]*)\1"""
    # setup(version=version) is no literal keyword, whatever a placeholder `version = '0.0.0'` says
    if setup_py.is_file() and not isinstance(value, ast.Name):
        if re.search(pattern, read_text(setup_py)) is None:
            return None
        loc = regex_location(setup_py, pattern, "setup.py")
        return "setup.py", [loc], "setup.py setup(version=...)"
    if tree is None or not isinstance(value, ast.Name) or value.id not in _constants(tree):
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
    pattern = rf"""(?m)^{re.escape(value.id)}[ \t]*=[ \t]*(['"])(?P<version>[0-9][^'"\r\n]*)\1"""
    if len(bound) != 1 or bound[0] not in tree.body or not re.search(pattern, read_text(setup_py)):
        return None
    loc = regex_location(setup_py, pattern, "setup.py")
    return "setup.py", [loc], f"setup.py setup(version={value.id}), {value.id} = {loc.value!r}"


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string (a literal, an f-string or ``+`` of those above)."""
    found: dict[str, str] = {}
    for name, value in name_assignments(tree):
        if text := _composed(value, found):
            found[name] = text
    return found


def _composed(node: ast.expr, constants: dict[str, str]) -> str | None:
    """``node``'s string: a literal, a name of ``constants``, an f-string or ``+`` of them."""
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = [_composed(node.left, constants), _composed(node.right, constants)]
    elif isinstance(node, ast.JoinedStr):
        parts = [
            _composed(v.value, constants)
            if isinstance(v, ast.FormattedValue) and v.conversion == -1 and not v.format_spec
            else string(v)
            for v in node.values
        ]
    else:
        return string(node)
    return None if None in parts else "".join(p for p in parts if p is not None)


def setup_py_name(directory: Path) -> str | None:
    """``setup(name=...)``: a literal, a constant, a ``**metadata`` dict's or a title read from
    a file (:func:`_meta_name`); ``None`` when setup.py computes it."""
    call = setup_call(directory)
    value = call[1].get("name") if call is not None else None
    if call is None or value is None or string(value) is not None:
        return string(value)
    return _composed(value, _constants(call[0])) or _meta_name(call[0], directory, value)


def written_name(text: str) -> str | None:
    """``setup(name=...)`` in setup.py's ``text`` (at a tag): a literal or a constant."""
    tree = _tree(text, "setup.py")
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    if tree is None or not keywords or "name" not in keywords:
        return None
    return string(keywords["name"]) or _composed(keywords["name"], _constants(tree))


def _meta_name(tree: ast.Module, directory: Path, value: ast.expr) -> str | None:
    """``name=find_meta("title")``, ``about["__title__"]`` or ``pkg.__title__``: the
    ``__title__ = "..."`` of the one file setup.py names that has it."""
    key: str | None = None
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
        key = string(value.slice)
    elif isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords:
        title = string(value.args[0]) or "-"
        key = f"__{title}__" if title.isidentifier() else None
    elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        key = value.attr if re.fullmatch(r"__\w+__", value.attr) else None
    if key is None or not key.isidentifier():
        return None
    pattern = re.compile(rf"""^{re.escape(key)}\s*=\s*(['"])(?P<value>[A-Za-z0-9._-]+)\1""", re.M)
    found = set()
    roots = [directory, directory / "src"]
    folders = [p for root in roots for p in _folders_in(root)]
    for path in _named_files(tree, directory, roots, folders):
        if path.suffix == ".py" and path.is_file():
            found |= {m["value"] for m in pattern.finditer(read_text(path))}
    return found.pop() if len(found) == 1 else None


#: the calls whose ``name=`` may be the project's: setup() and a dict spread into it
_NAME_CALLS = {"setup", "dict"}
_NAME_TEXT = re.compile(r"""\bname\s*=\s*(['"])([A-Za-z0-9._-]+)\1""")


def setup_py_text_name(directory: Path) -> str | None:
    """The first ``name='...'`` in setup.py's text that is no other call's keyword."""
    text = read_text(directory / "setup.py")
    tree = setup_py_tree(directory)
    elsewhere: set[tuple[int, int]] = set()  # (line, byte column) of other calls' name=
    for call in ast.walk(tree) if tree is not None else ():
        if isinstance(call, ast.Call) and called(call) not in _NAME_CALLS:
            elsewhere |= {(k.lineno, k.col_offset) for k in call.keywords if k.arg == "name"}
    for match in _NAME_TEXT.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        at = (text.count("\n", 0, match.start()) + 1, len(text[start : match.start()].encode()))
        before = text[: match.start()].rpartition("(")[0].rstrip()
        if text[: match.start()].endswith(".") or text[match.end() :].lstrip().startswith("+"):
            continue  # an attribute's (e.name = 'pkg.' + e.name): no setup() keyword
        # Extension(name='pkg._ext') names a module (read so when the text does not parse)
        if at not in elsewhere and not before.endswith("Extension"):
            return match.group(2)
    return None


@functools.lru_cache(maxsize=64)  # of one tree (:func:`_tree`), read by several readers
def _setup_keywords(tree: ast.Module, every: bool = True) -> dict[str, ast.expr] | None:
    """The keywords of the one ``setup()`` call (``every``: of them all), a ``**metadata``
    spread read; ``None`` without one, or (``every``) when a spread hides some."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and called(n) == "setup"]
    if len({ast.dump(call) for call in calls}) == 1:  # setup(**setup_args) in each branch
        calls = calls[:1]
    if not calls or (len(calls) > 1 and not every):
        return None
    dicts = dict(name_assignments(tree))
    for part in ast.walk(tree):  # kwargs["long_description"] = ...: filled in later
        subscript = part if isinstance(part, ast.Subscript) else None
        stored = subscript is not None and isinstance(subscript.ctx, ast.Store)
        key = string(subscript.slice) if subscript is not None else None
        if stored and key not in (None, "name", "version") and not every:
            continue  # another key filled in later: name and version stand
        if isinstance(part, ast.Attribute) and part.attr in ("update", "setdefault"):
            call = next(
                (c for c in ast.walk(tree) if isinstance(c, ast.Call) and c.func is part), None
            )
            if not every and call is not None and _other_keys(call):
                continue  # EXTRAS.update({"cmdclass": ...}): keys other than name and version
            stored = True
        if stored:
            dicts.pop(getattr(getattr(part, "value", None), "id", ""), None)
    found: dict[str, ast.expr] = {}
    for keyword in (keyword for call in calls for keyword in call.keywords):
        if keyword.arg is not None:
            found[keyword.arg] = keyword.value
            continue
        spread = dicts.get(keyword.value.id) if isinstance(keyword.value, ast.Name) else None
        if isinstance(spread, ast.Call) and called(spread) == "dict" and not spread.args:
            if every and any(k.arg is None for k in spread.keywords):
                return None
            found.update({k.arg: k.value for k in spread.keywords if k.arg is not None})
        elif isinstance(spread, ast.Dict) and all(string(k) is not None for k in spread.keys):
            found.update(
                {str(string(k)): v for k, v in zip(spread.keys, spread.values, strict=True)}
            )
        elif every:
            return None
    return found


def _other_keys(call: ast.Call) -> bool:
    """``d.update({...})`` of literal keys, none of them ``name`` or ``version``."""
    return (
        len(call.args) == 1
        and isinstance(call.args[0], ast.Dict)
        and all(
            isinstance(k, ast.Constant) and k.value not in ("name", "version")
            for k in call.args[0].keys
        )
    )


def called(call: ast.Call) -> str | None:
    """The name of the function ``call`` calls (``setup``, ``setuptools.setup``)."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _named_files(
    tree: ast.Module, directory: Path, roots: Sequence[Path], folders: Sequence[Path]
) -> list[Path]:
    """The files setup.py names: modules it imports a version from, and files its strings
    name (``"VERSION"``, ``os.path.join``'s parts) here or in ``folders``."""
    found: list[Path] = []
    imported: dict[str, str] = {}
    nodes = list(ast.walk(tree))
    texts = dict.fromkeys(s for n in nodes if (s := string(n)) is not None)
    # a folder a string names (``sys.path.insert(0, "Lib/pkg")``), where ``import m`` looks too
    path = [*roots, *(directory / t for t in texts if _relative(t) and (directory / t).is_dir())]
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name not in _VERSION_NAMES:
                    continue
                # ``from pkg import version``: pkg/version.py if there is one, else pkg/__init__.py
                sub = find_module(roots, f"{node.module}.{alias.name}")
                module = sub or find_module(roots, node.module)
                if module is not None:
                    found.append(module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in _VERSION_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
            and (module := find_module(path, imported[node.value.id])) is not None
        ):
            found.append(module)
    # a path given a folder at a time: ``os.path.join(HERE, "pkg", "sub", "version.py")``
    texts |= dict.fromkeys(
        "/".join(parts)
        for n in nodes
        if isinstance(n, ast.Call)
        if len(parts := [t for a in n.args if (t := string(a)) is not None]) > 1
    )
    # a folder setup.py names too (``os.path.join(FOLDER, "version.txt")``), or the one above
    folders = [*folders, *(directory / t for t in texts if _plain(t) and (directory / t).is_dir())]
    if ".." in texts or any(getattr(n, "attr", getattr(n, "id", "")) == "pardir" for n in nodes):
        folders.append(directory.parent)  # ``os.path.join(here, os.pardir)``
    for text in texts:
        name = text.strip().removeprefix("./").strip("/")
        named = name.endswith(".py") or "version" in name.lower() or name == "Cargo.toml"
        if not named or name == "setup.py" or any(c.isspace() or c in "*?{}%" for c in name):
            continue
        found.append(directory / name)
        found += [folder / name for folder in folders if "/" not in name]
    return found


def _relative(name: str) -> bool:
    """A folder's path below setup.py's (``Lib/pkg``), not a pattern or sentence."""
    return all(map(_plain, name.strip("/").split("/"))) and not name.startswith("/")


def _plain(name: str) -> bool:
    """A name of one file or folder beside setup.py, not a path, pattern or sentence."""
    return bool(name) and not any(c.isspace() or c in "*?{}%/\\." for c in name)


def _folders_in(root: Path) -> list[Path]:
    try:
        return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


_VERSION_NAMES = {"__version__", "version", "VERSION"}


def version_file(path: Path) -> VersionLocation | None:
    """A Python file's ``__version__``, a ``VERSION`` file's version, or a ``Cargo.toml``'s."""
    if path.suffix == ".py":
        return followed(path, top_level=True)
    if path.name == "Cargo.toml":
        from relnox.versions.dynamic_native import cargo_version

        try:
            return cargo_version(path.parent, {})[1][0]
        except VersionError:
            return None
    if "version" not in path.name.lower():
        return None
    try:
        small = path.is_file() and path.stat().st_size <= 100
    except OSError:
        return None
    text = read_text(path).strip() if small else ""
    if small and "\n" not in text and maybe_version(text) is not None:
        return text_location(path)
    return python_location(path, top_level=True)  # __version__ = "2.4.0" in version.txt


def setup_py_reads(directory: Path, roots: Sequence[Path], modules: Sequence[str]) -> Found | None:
    """The one file setup.py takes its version from (:func:`_named_files`); two are an error."""
    setup_py = directory / "setup.py"
    if (tree := setup_py_tree(directory)) is None:
        return None
    holding: dict[Path, VersionLocation] = {}
    # the import packages' folders, where a bare name (``"_version.py"``) is looked for
    folders = [root / m for root in roots for m in modules if (root / m).is_dir()]
    for path in _named_files(tree, directory, [directory, *roots], folders):
        path = Path(os.path.normpath(path))
        loc = version_file(path) if path.is_file() and path != setup_py else None
        loc = loc or (_searched(tree, path) if path.suffix == ".py" else None)
        if loc is not None and maybe_version(loc.value) is not None:
            holding.setdefault(loc.path.resolve(), loc)
    if not holding:
        return None
    names = [Path(os.path.relpath(loc.path, directory)).as_posix() for loc in holding.values()]
    if len(holding) > 1:
        raise VersionError(
            f"{setup_py}: setup.py reads a __version__ of {' and of '.join(names)}; "
            f'set [tool.relnox] version-files = ["{names[0]}"] (the one the release '
            f"writes) in {directory / 'pyproject.toml'}"
        )
    (loc,) = holding.values()
    held = {"text": "the version file", "python": "__version__ of"}.get(loc.kind, "the version in")
    return "setup.py", [loc], f"setup.py reads {held} {names[0]}"


#: the one capturing group of a regex setup.py searches a file with
_GROUP = re.compile(r"(?<!\\)\((?!\?)")


def _searched(tree: ast.Module, path: Path) -> VersionLocation | None:
    """The version in ``path`` that a regex of setup.py's own finds: its one group."""
    text = read_text(path) if path.is_file() else ""
    for found in dict.fromkeys(s for n in ast.walk(tree) if (s := string(n)) is not None):
        if "version" not in found.lower() or len(_GROUP.findall(found)) != 1:
            continue
        pattern = _GROUP.sub("(?P<version>", found, count=1)
        try:
            match = re.search(pattern, text)
        except re.error:
            continue
        if match is not None and maybe_version(match["version"]) is not None:
            return VersionLocation(path, "pattern", match["version"], pattern=pattern)
    return None


def module_reads(module: Path, directory: Path) -> VersionLocation | None:
    """The one version file a module computing its ``__version__`` opens, up to ``directory``."""
    if (tree := _tree(read_text(module), str(module))) is None:
        return None
    above = [module.parent, *module.parent.parents]
    folders = above[: above.index(directory) + 1] if directory in above else above[:1]
    holding = {
        loc.path.resolve(): loc
        for path in _named_files(tree, module.parent, [], folders)
        if path.suffix != ".py"
        and path.is_file()
        and (loc := version_file(path)) is not None
        and maybe_version(loc.value) is not None
    }
    return next(iter(holding.values())) if len(holding) == 1 else None


def setup_py_tree(directory: Path) -> ast.Module | None:
    path = directory / "setup.py"
    return _tree(read_text(path), str(path)) if path.is_file() else None


@functools.lru_cache(maxsize=64)
def _tree(text: str, filename: str) -> ast.Module | None:
    try:
        return parse(text, filename)
    except (SyntaxError, ValueError):
        return None


def setup_call(directory: Path) -> tuple[ast.Module, dict[str, ast.expr]] | None:
    tree = setup_py_tree(directory)
    keywords = _setup_keywords(tree, every=False) if tree is not None else None
    return None if tree is None or not keywords else (tree, keywords)


def setup_py_keywords(directory: Path) -> frozenset[str] | None:
    """The keywords setup.py passes to ``setup()``; ``None`` when they cannot all be seen."""
    tree = setup_py_tree(directory)
    keywords = _setup_keywords(tree) if tree is not None else None
    return None if keywords is None else frozenset(keywords)


def scm_keyword(directory: Path) -> str | None:
    """The keyword of :data:`SCM_KEYWORDS` setup.py's ``setup()`` turns on, or ``None``."""
    found = setup_call(directory)
    for keyword in SCM_KEYWORDS:
        value = found[1].get(keyword) if found is not None else None
        if value is None or (isinstance(value, ast.Constant) and not value.value):
            continue
        if isinstance(value, ast.Dict) and any(
            string(k) == "enabled" and isinstance(v, ast.Constant) and not v.value
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
    """setup.py's ``setup(pbr=True)`` with no setup.cfg version: pbr reads the tags."""
    found = setup_call(directory)
    value = found[1].get("pbr") if found is not None else None
    if value is None or (isinstance(value, ast.Constant) and not value.value):
        return False
    return not setup_cfg(directory).get("metadata", {}).get("version")
