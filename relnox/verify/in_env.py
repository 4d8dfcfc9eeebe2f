"""The check process, ``python -I -B check.py spec.json result.json``: it only collects facts.
Standard library only, on an interpreter maybe older than relnox's (annotations unevaluated)."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata as md
import json
import os
import subprocess
import sys
import time
import traceback

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time
    from collections.abc import Callable, Iterable
    from typing import Any


#: what an ``__init__.py`` says that shares its package with other distributions (a
#: pkgutil or pkg_resources namespace package): the subpackages are what a wheel ships
SHARED_PACKAGE = ("extend_path(", "declare_namespace(")


def import_names(paths: Iterable[str], read: Callable[[str], str] | None = None) -> list[str]:
    """What to import to prove the files ``paths`` work: every package and module, through
    PEP 420 namespaces and (with ``read``, a file's text) pkgutil's ``extend_path`` ones."""
    files: dict[tuple[str, ...], str] = {}  # its parts in the install, its path as given
    for path in paths:
        parts = tuple(path.replace("\\", "/").split("/"))
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        if parts[0].endswith((".dist-info", ".data")) or parts[0] in ("..", "__pycache__"):
            continue
        files[parts] = path
    code = (".py", ".so", ".pyd")
    regular = {
        f[:-1]
        for f, path in files.items()
        if f[-1].split(".")[0] == "__init__"
        and f[-1].endswith(code)
        and not (f[-1] == "__init__.py" and _shares_package(path, read))
    }
    names = set()
    for parts in files:
        for depth in range(1, len(parts)):
            if not parts[depth - 1].isidentifier():
                break
            if parts[:depth] in regular:
                names.add(".".join(parts[:depth]))
                break
        else:  # a module of the top level or of namespace packages only
            module = (*parts[:-1], parts[-1].split(".")[0])
            is_code = parts[-1].endswith(code) and module[-1] != "__init__"
            if (
                is_code
                and all(p.isidentifier() for p in module)
                and not _raises(files[parts], read)
            ):
                names.add(".".join(module))
    return sorted(names)


def _raises(path: str, read: Callable[[str], str] | None) -> bool:
    """The module at ``path`` does nothing but raise (``raise ImportError("moved to ...")``)."""
    if read is None or not path.endswith(".py"):
        return False
    try:
        body = ast.parse(read(path)).body
    except (OSError, KeyError, ValueError, SyntaxError):  # ValueError: not UTF-8
        return False
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # its docstring
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _shares_package(path: str, read: Callable[[str], str] | None) -> bool:
    """The ``__init__.py`` at ``path`` declares a namespace package other wheels share."""
    if read is None:
        return False
    try:
        text = read(path)
    except (OSError, KeyError, ValueError):  # ValueError: not UTF-8
        return False
    return any(mark in text for mark in SHARED_PACKAGE)


def installed(name: str) -> dict[str, Any] | None:
    """(version, files, console scripts, where files are relative to), or None."""
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    return {
        "version": dist.version,
        "files": [str(f) for f in dist.files or ()],
        "scripts": sorted(e.name for e in dist.entry_points if e.group == "console_scripts"),
        "base": str(dist.locate_file("")),
    }


def run_binaries(dist: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """A binary-only wheel (.data/scripts): each binary it installed run with --version."""
    seen = []
    for file in dist["files"]:
        path = os.path.realpath(os.path.join(dist["base"], file))
        parent = os.path.basename(os.path.dirname(path))
        if parent not in ("bin", "Scripts") or not path.startswith(prefix + os.sep):
            continue
        result: dict[str, Any] = {"binary": os.path.basename(path), "ok": False, "output": ""}
        try:
            proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            result["output"] = str(exc)
        else:
            result["ok"] = proc.returncode == 0
            lines = (proc.stdout or proc.stderr).strip().splitlines()
            result["output"] = lines[0] if lines else f"exit {proc.returncode}"
        seen.append(result)
    return seen


def check_module(name: str, prefix: str) -> dict[str, Any]:
    """One import: whether it worked, ``__version__``, and where the module came from."""
    seen: dict[str, Any] = dict(module=name, ok=False, error=None, version=None, location=None)
    try:
        module = importlib.import_module(name)
    except BaseException:
        seen["error"] = "".join(traceback.format_exc().strip().splitlines(True)[-8:])
        return seen
    seen["ok"] = True
    try:  # the package's own code (a module __getattr__, a __str__) may raise here
        version = getattr(module, "__version__", None)
        # __version__ = (6, 1, 0): the version is its parts joined with dots
        if isinstance(version, tuple) and version and all(type(p) in (int, str) for p in version):
            version = ".".join(map(str, version))
        elif type(version).__name__ == "Version":  # its public() gives the version
            public = getattr(version, "public", None)
            text = public() if callable(public) else None
            version = text if isinstance(text, str) else version
        seen["version"] = None if version is None else shown(version)
    except BaseException as exc:
        seen["version"] = f"<__version__ cannot be read: {type(exc).__name__}>"
    where = None
    try:
        where = getattr(module, "__file__", None)
        if not isinstance(where, str) or not where:  # no file: its package's first folder
            where = next(iter(getattr(module, "__path__", None) or ()), None)
        if not isinstance(where, str):
            where = None
        inside = where is None or os.path.realpath(where).startswith(prefix + os.sep)
    except BaseException:  # a __file__ realpath refuses (a NUL in it), a __path__ that raises
        inside = False
    seen["location"] = where
    seen["inside"] = inside
    return seen


def shown(value: object) -> str:
    """``str(value)``, at most 200 characters, or what went wrong making it."""
    try:
        text = str(value)
    except BaseException as exc:
        return f"<{type(value).__name__} whose str() raised {type(exc).__name__}>"
    return text if len(text) <= 200 else text[:200] + "..."


def check_package(pkg: dict[str, Any], prefix: str) -> dict[str, Any]:
    """What the environment shows of one package of the spec."""
    start = time.perf_counter()
    out: dict[str, Any] = {
        "name": pkg["name"],
        "installed": None,
        "top_level": [],
        "scripts": [],
        "modules": [],
    }
    dist = installed(pkg["name"])
    if dist is not None:
        out["installed"] = dist["version"]
        base = dist["base"]

        def read(path: str) -> str:
            with open(os.path.join(base, path), encoding="utf-8") as file:
                return file.read()

        out["top_level"] = import_names(dist["files"], read)
        out["scripts"] = dist["scripts"]
        # a metapackage's wheel: nothing installed but its metadata (its dependencies are
        # what it ships)
        out["metadata_only"] = all(f.split("/")[0].endswith(".dist-info") for f in dist["files"])
    modules = sorted(set(pkg["modules"]) | set(out["top_level"]))
    out["binaries"] = [] if modules or dist is None else run_binaries(dist, prefix)
    out["modules"] = [check_module(name, prefix) for name in modules]
    out["seconds"] = time.perf_counter() - start
    return out


def main(spec_file: str, result_file: str) -> None:
    prefix = os.path.realpath(sys.prefix)
    with open(spec_file, encoding="utf-8") as fh:
        spec = json.load(fh)
    results = [check_package(pkg, prefix) for pkg in spec["packages"]]
    with open(result_file, "w", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"prefix": prefix, "python": sys.version.split()[0], "packages": results})
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
