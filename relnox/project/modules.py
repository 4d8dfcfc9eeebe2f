"""Which top-level modules a package ships, read as its build backend finds them."""

from __future__ import annotations

import fnmatch
import itertools
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from relnox.files import text_or_none
from relnox.toml import table


def source_roots(directory: Path, doc: Mapping[str, Any]) -> tuple[Path, ...]:
    """Where the backend looks for import packages: src/, the directory, configured roots."""
    roots: list[Path] = [directory / "src", directory]
    setuptools = table(doc, "tool", "setuptools")
    package_dir = setuptools.get("package-dir")
    if isinstance(package_dir, Mapping) and isinstance(package_dir.get(""), str):
        roots.insert(0, directory / package_dir[""])
    find = table(setuptools, "packages", "find")
    for where in find.get("where", []) if isinstance(find.get("where"), list) else []:
        if isinstance(where, str):
            roots.insert(0, directory / where)
    if isinstance(pdm_dir := table(doc, "tool", "pdm", "build").get("package-dir"), str):
        roots.insert(0, directory / pdm_dir)
    for item in table(doc, "tool", "poetry").get("packages", []) or []:
        if isinstance(item, Mapping) and isinstance(item.get("from"), str):
            roots.insert(0, directory / item["from"])
    if str(table(doc, "build-system").get("build-backend", "")).startswith("mesonpy"):
        roots[:0] = [package.parent for package in meson_packages(directory)]
    sk_packages = table(doc, "tool", "scikit-build", "wheel").get("packages")
    if isinstance(sk_packages, list):
        roots[:0] = [(directory / p.rstrip("/")).parent for p in sk_packages if isinstance(p, str)]
    sources = table(doc, "tool", "hatch", "build", "targets", "wheel").get("sources")
    if isinstance(sources, list):
        roots[:0] = [directory / s for s in sources if isinstance(s, str)]
    elif isinstance(sources, Mapping):
        roots[:0] = [
            directory / k for k, v in sources.items() if isinstance(k, str) and k and not v
        ]
    return tuple(dict.fromkeys(roots))


_MESON_SKIP = {
    "build",
    "builddir",
    "subprojects",
    "vendored",
    "tests",
    "test",
    "docs",
    "node_modules",
}
_MESON_SUBDIR = re.compile(r"""\bsubdir\s*:\s*['"]([\w.-]+(?:/[\w.-]+)*)/?['"]""")
_MESON_SUBDIR_INSTALL = re.compile(
    r"""\binstall_subdir\(\s*['"]([\w.-]+)/?['"]\s*,\s*install_dir\s*:\s*\w+\.get_install_dir\(\s*\)\s*[,)]"""
)
_MESON_INIT = re.compile(r"""['"]((?:[\w.-]+/)*[\w.-]+)/__init__\.py['"]""")


def meson_packages(directory: Path, depth: int = 4) -> tuple[Path, ...]:
    """The top-level import packages the meson.build files install."""
    found: list[Path] = []
    for here, dirs, files in os.walk(directory):
        rel_depth = len(Path(here).relative_to(directory).parts)
        dirs[:] = [
            d
            for d in sorted(dirs)
            if rel_depth < depth and not d.startswith((".", "__")) and d not in _MESON_SKIP
        ]
        base = Path(here)
        if "meson.build" not in files or (text := text_or_none(base / "meson.build")) is None:
            continue
        for call in text.split("install_sources(")[1:]:
            found += _installed_top(base, call)
        for path in _MESON_SUBDIR_INSTALL.findall(text):  # a whole directory, at the top
            if (base / path / "__init__.py").is_file():
                found.append(base / path)
    return tuple(dict.fromkeys(found))


def _installed_top(base: Path, call: str) -> list[Path]:
    """The top-level packages one ``install_sources(`` call (its text on) of
    ``base/meson.build`` installs: the first part of its ``subdir``, else each it names."""
    if (subdir := _MESON_SUBDIR.search(call)) is None:
        return [
            base / path
            for path in _MESON_INIT.findall(call)
            if len(Path(path).parts) == 1 and (base / path / "__init__.py").is_file()
        ]
    parts = Path(subdir.group(1)).parts
    for source in [base] + [base / path for path in _MESON_INIT.findall(call)]:
        if source.parts[-len(parts) :] == parts:
            top = source.parents[len(parts) - 2] if len(parts) > 1 else source
            return [top] if (top / "__init__.py").is_file() else []
    return []


def metadata_only(doc: Mapping[str, Any]) -> bool:
    """The project declares a wheel of no module (a metapackage)."""
    wheel = table(doc, "tool", "hatch", "build", "targets", "wheel")
    if wheel.get("bypass-selection") is True and not any(
        wheel.get(key) for key in ("packages", "only-include", "include", "force-include")
    ):
        return True
    built_by = str(table(doc, "build-system").get("build-backend", ""))
    setuptools = table(doc, "tool", "setuptools")
    return (
        not built_by.startswith(_NOT_SETUPTOOLS)
        and setuptools.get("packages") == []
        and not any(setuptools.get(key) for key in ("py-modules", "ext-modules"))
    )


#: the backends that never read ``[tool.setuptools]``
_NOT_SETUPTOOLS = (
    "flit_core",
    "hatchling",
    "pdm.backend",
    "poetry",
    "maturin",
    "mesonpy",
    "scikit_build_core",
)


def flit_metadata(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """flit's ``[tool.flit.metadata]`` of before ``[project]``, with its ``module``."""
    found = table(doc, "tool", "flit", "metadata")
    return found if isinstance(found.get("module"), str) and found["module"] else {}


def import_packages(directory: Path, name: str, doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level import packages a build of this project ships (best effort)."""
    found: list[str] = []
    backend = str(table(doc, "build-system").get("build-backend", ""))
    build = table(doc, "tool", "hatch", "build")
    wheel = table(build, "targets", "wheel")
    rooted = _hatch_roots(wheel.get("sources") or build.get("sources"))
    for key in ("packages", "only-include"):
        items = wheel.get(key) or build.get(key)
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, str):
                continue
            below = [r for r in rooted if item.strip("/").startswith(r + "/")]
            if item.strip("/") in rooted:
                found += _shipped_in(directory / item.strip("/"))
            elif below:  # packages = ["src/a/b"], sources = ["src"]: ships a/b
                found.append(Path(item.strip("/")).relative_to(min(below)).parts[0])
            else:
                found.append(Path(item.rstrip("/")).name)
    if not found:
        found += _hatch_included(wheel, build)
    pdm_build = table(doc, "tool", "pdm", "build")
    pdm_includes = pdm_build.get("includes")
    package_dir = pdm_build.get("package-dir")
    for item in pdm_includes if isinstance(pdm_includes, list) else ():
        if isinstance(item, str) and "*" not in item:
            path = directory / item.rstrip("/")
            if isinstance(package_dir, str) and path == directory / package_dir.rstrip("/"):
                found += sorted(
                    child.stem if child.suffix == ".py" else child.name
                    for child in (path.iterdir() if path.is_dir() else ())
                    if (child / "__init__.py").is_file() or child.suffix == ".py"
                )
            elif (path / "__init__.py").is_file() or path.suffix == ".py" or path.is_dir():
                found.append(path.stem if path.suffix == ".py" else path.name)
    sk_packages = table(doc, "tool", "scikit-build", "wheel").get("packages")
    if isinstance(sk_packages, list):
        found += [Path(p.rstrip("/")).name for p in sk_packages if isinstance(p, str)]
    flit = table(doc, "tool", "flit", "module").get("name") or flit_metadata(doc).get("module")
    flit_legacy = table(doc, "tool", "flit", "metadata").get("module")  # flit < 3.2's table
    legacy = flit_legacy if not table(doc, "project") else None
    named = [flit, legacy, table(doc, "tool", "maturin").get("module-name")]
    found += [module for module in named if isinstance(module, str)]
    setuptools = not backend.startswith(_NOT_SETUPTOOLS)  # else its tables say nothing
    st_packages = table(doc, "tool", "setuptools").get("packages") if setuptools else None
    if isinstance(st_packages, list):
        found += [p.split(".")[0] for p in st_packages if isinstance(p, str)]
    st_find = table(doc, "tool", "setuptools", "packages", "find") if setuptools else {}
    for pattern in st_find.get("include", []) if isinstance(st_find.get("include"), list) else []:
        if isinstance(pattern, str) and pattern.split(".")[0].replace("_", "").isalnum():
            found.append(pattern.split(".")[0])
        elif isinstance(pattern, str):  # a glob: "pkg_plugins*" takes pkg_plugins_x too
            found += _find_glob(directory, st_find, pattern.split(".")[0])
    if backend.startswith("mesonpy"):
        found += [package.name for package in meson_packages(directory)]
    if isinstance(poetry_packages := table(doc, "tool", "poetry").get("packages"), list):
        found += [
            p["include"] for p in poetry_packages if isinstance(p, Mapping) and "include" in p
        ]
    modules = table(doc, "tool", "setuptools").get("py-modules")  # beside the packages
    listed = [m for m in modules if isinstance(m, str)] if isinstance(modules, list) else []
    if not found:
        module = name.replace("-", "_").replace(".", "_")
        spellings = dict.fromkeys((module, module.lower()))
        roots = source_roots(directory, doc)
        dotted = name.lower().replace("-", "_").split(".")  # a.b: a/b
        for base, module in itertools.product(roots, spellings):
            if (base / module / "__init__.py").is_file() or (base / f"{module}.py").is_file():
                found.append(module)
                break
            if backend.startswith("poetry") and _shipped_in(base / module):
                found.append(module)  # poetry-core takes src/<name> with or without __init__
                break
            if len(dotted) > 1 and (base.joinpath(*dotted) / "__init__.py").is_file():
                found.append(dotted[0])  # a package below its namespace
                break
        else:  # setuptools finds every package below its where, but its exclude
            if isinstance(st_find.get("where"), list) and st_find["where"]:
                found += _find_glob(directory, st_find, "*")
            elif (directory / "src").is_dir():
                found += _find_glob(directory, {"where": ["src"]}, "*")
            elif "setuptools" in backend or not backend:  # a flat layout
                found += [
                    name
                    for name in _find_glob(directory, {}, "*")
                    if name not in _NOT_SHIPPED and not name.startswith((".", "_"))
                ]
    # a listed module ships when its file is there (or [tool.setuptools] packages names it)
    roots = source_roots(directory, doc)
    shipped = [m for m in listed if any((b / f"{m.replace('.', '/')}.py").is_file() for b in roots)]
    named = [p.split(".")[0] for p in st_packages if isinstance(p, str)] if st_packages else []
    found = [p for p in found if p not in listed or p in shipped or p in named] + shipped
    return tuple(dict.fromkeys(p.split("/")[-1].split(".")[0] for p in found if p))


def _find_glob(directory: Path, find: Mapping[str, Any], first: str) -> list[str]:
    """The top-level packages in find's ``where`` that ``first`` and no ``exclude`` match."""
    where = find.get("where", ["."])
    exclude = find.get("exclude", [])
    excludes = [e for e in exclude if isinstance(e, str)] if isinstance(exclude, list) else []
    found = []
    for base in where if isinstance(where, list) else []:
        try:
            children = sorted((directory / str(base)).iterdir())
        except OSError:
            continue
        found += [
            child.name
            for child in children
            if (child / "__init__.py").is_file()
            and fnmatch.fnmatchcase(child.name, first)
            and not any(fnmatch.fnmatchcase(child.name, e) for e in excludes)
        ]
    return found


def _hatch_included(wheel: Mapping[str, Any], build: Mapping[str, Any]) -> list[str]:
    """The top-level names hatch's wheel ``include`` paths get under its ``sources``."""
    items = wheel.get("include") or build.get("include")
    if isinstance(sources := wheel.get("sources") or build.get("sources"), list):
        sources = {s: "" for s in sources if isinstance(s, str)}
    if not isinstance(items, list) or not isinstance(sources, Mapping):
        return []
    found = []
    for item in items:
        if not isinstance(item, str) or any(c in item for c in "*?["):
            continue
        path = item.strip("/")
        for key, value in sources.items():
            key = str(key).strip("/")
            if isinstance(value, str) and key and (path == key or path.startswith(key + "/")):
                if moved := (value.strip("/") + "/" + path[len(key) :].strip("/")).strip("/"):
                    found.append(moved.split("/")[0])
                break
    return found


def _hatch_roots(sources: object) -> set[str]:
    if isinstance(sources, list):
        return {s.strip("/") for s in sources if isinstance(s, str)}
    if isinstance(sources, Mapping):
        return {k.strip("/") for k, v in sources.items() if isinstance(k, str) and not v}
    return set()


def _shipped_in(path: Path) -> list[str]:
    """The packages and modules (``.py``, or a build hook's ``.pyi`` stub) in ``path``."""
    try:
        children = sorted(path.iterdir())
    except OSError:
        return []
    names = [
        child.stem if child.is_file() else child.name
        for child in children
        if not child.name.startswith(".")
        and child.name != "__pycache__"
        and (
            (child.is_file() and child.suffix in (".py", ".pyi") and child.stem != "__init__")
            or (child / "__init__.py").is_file()
        )
    ]
    return list(dict.fromkeys(names))


# what setuptools' automatic discovery leaves out of a flat layout
_NOT_SHIPPED = {
    "bin",
    "benchmark",
    "benchmarks",
    "build",
    "changelog",
    "ci",
    "debian",
    "dist",
    "doc",
    "docs",
    "documentation",
    "env",
    "example",
    "examples",
    "exercise",
    "exercises",
    "fabfile",
    "htmlcov",
    "manpages",
    "news",
    "newsfragments",
    "python",
    "requirements",
    "scripts",
    "site_scons",
    "tasks",
    "test",
    "tests",
    "tools",
    "unit_test",
    "unit_tests",
    "util",
    "utils",
    "venv",
}
