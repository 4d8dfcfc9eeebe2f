"""Where a project with a dynamic version (or a setup.cfg / setup.py project) keeps it, read
as its backend reads it: the literal a bump rewrites, or ``vcs``, with its evidence."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.errors import VersionError
from relnox.files import text_or_none
from relnox.toml import read_or_empty, table
from relnox.versions.dynamic_native import cargo_version, meson_version, scikit_build_version
from relnox.versions.setup_py import (
    SCM_KEYWORDS,
    followed,
    module_reads,
    scm_keyword,
    setup_py_literal,
    setup_py_reads,
    uses_pbr,
)
from relnox.versions.sources import (
    COMPUTED_SOURCE,
    SETUP_CFG_VERSION,
    VCS_SOURCE,
    Found,
    VersionLocation,
    find_module,
    literal_location,
    python_location,
    read_text,
    regex_location,
    setup_cfg,
    text_location,
)
from relnox.versions.version_tuple import incremental_version, opted_in, setup_py_incremental
from relnox.versions.version_tuple import location as tuple_location

# build requirements / tool tables of plugins that take the version from git tags
VCS_PLUGINS = (
    "setuptools-scm",
    "hatch-vcs",
    "versioningit",
    "setuptools-git-versioning",
    "uv-dynamic-versioning",
    "poetry-dynamic-versioning",
    "dunamai",
    "vcs-versioning",
    "pbr",
    "setuptools-git-version",
    "setuptools-vcs-version",
)
HATCH_STATIC_SOURCES = ("regex", "code", "env")
#: hatch version sources of plugins that read git tags, whatever else they are given
HATCH_TAG_SOURCES = ("vcs", "versioningit", "uv-dynamic-versioning", "dunamai", "scm")
NODEJS_VERSION = (
    r'(?m)^\s{0,4}"version"\s*:\s*"(?P<version>[^"]+)"'  # package.json's own, near the top
)


def _normal(name: str) -> str:
    return re.split(r"[<>=!~;\[ @]", name.strip().lower().replace("_", "-"), maxsplit=1)[0]


#: plugins that version a project only once their table turns them on
_SWITCHED = {"setuptools-git-versioning": "enabled", "poetry-dynamic-versioning": "enable"}


def vcs_plugin(doc: Mapping[str, Any], build_requires: Sequence[str]) -> str | None:
    """The version-from-tags plugin this project builds with, if any."""
    tool = table(doc, "tool")
    required = {_normal(r) for r in build_requires}
    for plugin in VCS_PLUGINS:
        if plugin in _SWITCHED:
            if table(tool, plugin).get(_SWITCHED[plugin]) is True:
                return plugin
        elif plugin in required or plugin in tool or plugin.replace("-", "_") in tool:
            return plugin
    return None


def _unset(doc: Mapping[str, Any], plugin: str) -> bool:
    """Whether a setup.cfg ``[metadata] version`` beside ``plugin`` is the version built: pbr's
    pre-versioning (the release to make), or a plugin that is only a build requirement, with no
    table of its own and no ``[project]`` version left dynamic for it (setuptools-scm versions
    nothing then, and setuptools builds the version setup.cfg states)."""
    if plugin == "pbr":
        return True
    tool = table(doc, "tool")
    configured = plugin in tool or plugin.replace("-", "_") in tool
    return not configured and "version" not in table(doc, "project").get("dynamic", ())


def _hatch(
    directory: Path, pyproject: Path, hatch: Mapping[str, Any], doc: Mapping[str, Any]
) -> Found | None:
    source, path = hatch.get("source", "regex"), hatch.get("path")
    hatch_toml = directory / "hatch.toml"  # its [version], where hatchling takes it from
    own = hatch_toml.is_file() and "version" in read_or_empty(hatch_toml)
    label = "hatch.toml [version]" if own else "[tool.hatch.version]"
    target = Path(os.path.normpath(directory / path)) if isinstance(path, str) else None
    if source == "incremental":
        return incremental_version(directory, doc, f"{label} source = 'incremental'")
    if source == "nodejs":  # hatch-nodejs-version: the "version" of package.json
        target = directory / (path if isinstance(path, str) else "package.json")
        if not target.is_file():
            raise VersionError(
                f"{pyproject}: {label} source = 'nodejs' reads {target.name}, "
                f"which is missing; add it or set {label} path"
            )
        loc = regex_location(target, NODEJS_VERSION, f"{label} source = 'nodejs'")
        return "hatch", [loc], f"{label} source = 'nodejs' ({target.name})"
    if source not in HATCH_STATIC_SOURCES:
        # a plugin's source (not a tag reader) given a path holding a literal
        if source in HATCH_TAG_SOURCES or not target or not python_location(target, top_level=True):
            return VCS_SOURCE, [], f"{label} source = {source!r} (versions from git tags)"
        loc = literal_location(target, label, pyproject)
        return "hatch", [loc], f"{label} source = {source!r} path = {path!r}"
    if source == "env":
        variable = hatch.get("variable", "HATCH_BUILD_VERSION")
        raise VersionError(
            f"{pyproject}: {label} takes the version from ${variable}, which "
            'relnox cannot read; set [tool.relnox] version-files = ["<file>"] or version-source = "vcs"'
        )
    if target is None:
        return None
    if isinstance(hatch.get("pattern"), str):
        loc = regex_location(target, hatch["pattern"], label)
        return "hatch", [loc], f"{label} path = {path!r} with a pattern"
    if source == "code" and target.is_file() and python_location(target) is None:
        if (found := followed(target)) is not None:
            return "hatch", [found], f"{label} path = {path!r} (source = 'code')"
        return computed_version(f"{label} source = 'code' runs {path}")
    loc = literal_location(target, f"{label} path", pyproject)
    return "hatch", [loc], f"{label} path = {path!r}"


def _setuptools(
    directory: Path, pyproject: Path, doc: Mapping[str, Any], roots: Sequence[Path]
) -> Found | None:
    version = table(doc, "tool", "setuptools", "dynamic").get("version")
    if not isinstance(version, Mapping):
        return None
    attr = version.get("attr")
    said = f"[tool.setuptools.dynamic] version = {{attr = {attr!r}}}"
    if isinstance(attr, str):
        module_name = attr.rpartition(".")[0]
        module = find_module(roots, module_name)
        if (written := _scm_written(directory, doc, roots, module_name, module)) is not None:
            why = f"{said}, which reads {written}, the file [tool.setuptools_scm] writes"
            return VCS_SOURCE, [], f"{why} from git tags as it builds"
        if module is None:
            raise VersionError(
                f"{pyproject}: [tool.setuptools.dynamic] version attr {attr!r}: no module "
                f"{module_name} under {directory}; fix the attr"
            )
        loc = _attr_found(module, attr, directory)
        computes = loc is None and python_location(module) is None  # and no quoted version:
        if computes and not re.search(r"""['"]\d+(?:\.\d+)+""", text_or_none(module) or ""):
            return computed_version(said)
        return "setuptools-attr", [loc or literal_location(module, "version attr", pyproject)], said
    files = [version["file"]] if isinstance(version.get("file"), str) else version.get("file")
    if isinstance(files, list) and files:
        why = f"[tool.setuptools.dynamic] version = {{file = {files[0]!r}}}"
        return "setuptools-file", [text_location(directory / str(files[0]))], why
    return None


def _scm_written(
    directory: Path,
    doc: Mapping[str, Any],
    roots: Sequence[Path],
    module_name: str,
    module: Path | None,
) -> str | None:
    """The file ``[tool.setuptools_scm]`` writes when the attr's module is it or imports it."""
    scm = table(doc, "tool", "setuptools_scm") or table(doc, "tool", "setuptools-scm")
    target = scm.get("version_file") or scm.get("write_to")
    if not isinstance(target, str) or not target.endswith(".py"):
        return None
    written = directory / target
    parts = module_name.split(".")
    if module is None or module == written:
        named = [base.joinpath(*parts[:-1], parts[-1] + ".py") for base in roots]
        return target if written in named or module == written else None
    if written.parent != module.parent or python_location(module, top_level=True) is not None:
        return None
    stem = re.escape(written.stem)
    pattern = (
        rf"(?m)^[ \t]*(?:from[ \t]+(?:\.|[\w.]+\.){stem}[ \t]+import|import[ \t]+[\w.]+\.{stem}\b)"
    )
    return target if re.search(pattern, read_text(module, "version module")) else None


def _attr_location(module: Path, attr: str) -> VersionLocation | None:
    """The top-level string or tuple setuptools' ``attr`` names other than ``__version__``."""
    if not (name := attr.rpartition(".")[2]) or name == "__version__" or not name.isidentifier():
        return None
    pattern = (
        rf"(?m)^(?P<lhs>{re.escape(name)}[ \t]*(?::[ \t]*[\w.\[\]]+[ \t]*)?=[ \t]*)"
        r"""(?P<q>['"])(?P<version>[^'"\r\n]+)(?P=q)"""
    )
    found = re.search(pattern, read_text(module, "version module"))
    if found is None:  # or the tuple it names, which setuptools joins with dots
        return tuple_location(module, attr.rpartition(".")[2])
    return VersionLocation(module, "python", found["version"], pattern=pattern)


def _attr_found(module: Path, attr: str, directory: Path) -> VersionLocation | None:
    """Where ``attr`` of ``module`` is written: a literal, an import, a tuple, a version file."""
    return (
        _attr_location(module, attr)
        or followed(module)
        or tuple_location(module, attr.rpartition(".")[2])
        or module_reads(module, directory)
    )


def setup_cfg_version(
    directory: Path, metadata: Mapping[str, str], roots: Sequence[Path]
) -> Found | None:
    """``setup.cfg`` ``[metadata] version``: a literal, ``attr: pkg.__version__`` or ``file:``."""
    if not (value := metadata.get("version", "").strip()):
        return None
    cfg = directory / "setup.cfg"
    if value.startswith("attr:"):
        attr = value[5:].strip()
        if (module := find_module(roots, attr.rpartition(".")[0])) is None:
            raise VersionError(f"{cfg}: [metadata] version = attr: {attr} names no module; fix it")
        loc = _attr_found(module, attr, directory) or literal_location(
            module, "[metadata] version attr", cfg
        )
        return "setup.cfg-attr", [loc], f"setup.cfg [metadata] version = attr: {attr}"
    if value.startswith("file:"):
        name = value[5:].strip().split(",")[0].strip()
        why = f"setup.cfg [metadata] version = file: {name}"
        return "setup.cfg-file", [text_location(directory / name)], why
    loc = regex_location(cfg, SETUP_CFG_VERSION, "setup.cfg")
    return "setup.cfg", [loc], "setup.cfg [metadata] version"


def dynamic_version(
    directory: Path,
    doc: Mapping[str, Any],
    backend: str,
    build_requires: Sequence[str],
    *,
    roots: Sequence[Path],
    modules: Sequence[str],
    metadata: Mapping[str, str],
) -> Found | None:
    """The primary version source of a dynamic-version project; ``None`` if not known."""
    pyproject = directory / "pyproject.toml"
    tool = table(doc, "tool")
    hatch = table(tool, "hatch", "version")
    found = _hatch(directory, pyproject, hatch, doc) if hatch else None
    if found is not None:
        return found
    pdm = table(tool, "pdm", "version")
    if pdm.get("source") == "scm":
        return VCS_SOURCE, [], "[tool.pdm.version] source = 'scm'"
    getter = pdm.get("getter")
    if pdm.get("source") == "call" and isinstance(getter, str):
        return computed_version(f"[tool.pdm.version] source = 'call' runs {getter}")
    if pdm.get("source") == "file" and isinstance(pdm.get("path"), str):
        loc = literal_location(directory / pdm["path"], "[tool.pdm.version] path", pyproject)
        return "pdm", [loc], f"[tool.pdm.version] path = {pdm['path']!r}"
    found = _setuptools(directory, pyproject, doc, roots)
    if found is None and backend.startswith("maturin"):
        return cargo_version(directory, doc)
    meson = backend.startswith("mesonpy") and (directory / "meson.build").is_file()
    found = found or scikit_build_version(directory, doc)
    found = found or (meson_version(directory, roots, modules) if meson else None)
    if found is not None:
        return found
    if opted_in(doc, build_requires):
        return incremental_version(directory, doc, "[tool.incremental]")
    plugin = vcs_plugin(doc, build_requires)
    if plugin is None and backend.split(".")[0] == "pbr":  # pbr's own, built in-tree
        plugin = "pbr"
    if plugin is not None and metadata.get("version", "").strip() and _unset(doc, plugin):
        plugin = None  # setup.cfg's version is the release to make
    if plugin is not None:
        return VCS_SOURCE, [], f"{plugin} (versions from git tags)"
    if (keyword := scm_keyword(directory)) is not None:
        return VCS_SOURCE, [], f"{SCM_KEYWORDS[keyword]}: setup.py's setup({keyword}=...)"
    if uses_pbr(directory):
        return VCS_SOURCE, [], "pbr: setup.py's setup(pbr=True) (versions from git tags)"
    if (prefix := versioneer_prefix(directory, doc)) is not None:
        return VCS_SOURCE, [], f"versioneer (versions from git tags, tag_prefix = {prefix!r})"
    if meson:  # project() computes it, with no plugin of git tags around
        return computed_version("meson.build's project() computes its version")
    if (found := setup_cfg_version(directory, metadata, roots)) is not None:
        return found
    if backend.startswith("flit_core"):  # its module by its full name first (ns.pkg)
        named = table(doc, "tool", "flit", "module").get("name")
        names = dict.fromkeys([*([named] if isinstance(named, str) else []), *modules])
        found_modules = [(n, m) for n in names if (m := find_module(roots, n)) is not None]
        for module_name, module in found_modules:
            if (held := followed(module)) is not None:
                return "flit", [held], f"flit: __version__ of {module_name}"
        if len(found_modules) == 1 and "version" in table(doc, "project").get("dynamic", ()):
            literal_location(found_modules[0][1], "dynamic version (flit's __version__)", pyproject)
    if backend.startswith("sphinx_theme_builder"):  # __version__ of src/<name>/__init__.py
        name = str(table(doc, "project").get("name", "")).lower().replace("-", "_")
        init = directory / "src" / name / "__init__.py"
        what = "dynamic version (sphinx-theme-builder's __version__)"
        if name and init.is_file():
            loc = literal_location(init, what, pyproject)
            return "sphinx-theme-builder", [loc], f"sphinx-theme-builder: __version__ of {name}"
    return (
        setup_py_incremental(directory, roots, modules)
        or setup_py_literal(directory)
        or setup_py_reads(directory, roots, modules)
    )


def versioneer_prefix(directory: Path, doc: Mapping[str, Any]) -> str | None:
    """versioneer's ``tag_prefix`` (with ``VCS = git``); ``None`` without versioneer."""
    section = _versioneer_section(directory, doc)
    if not section or str(section.get("vcs", "")).strip().lower() != "git":
        return None
    prefix = section.get("tag_prefix", "")
    return str(prefix).strip().strip("'\"") if isinstance(prefix, str) else ""


def _versioneer_section(directory: Path, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    found = table(doc, "tool", "versioneer")
    return {str(k).lower(): v for k, v in found.items()} or setup_cfg(directory).get(
        "versioneer", {}
    )


def versioneer_match(directory: Path, doc: Mapping[str, Any]) -> str | None:
    """The tags versioneer's ``git describe --match`` takes; ``None``: every tag (before 0.19)."""
    if prefix := versioneer_prefix(directory, doc):
        return f"{prefix}[0-9]*"
    script = _versioneer_section(directory, doc).get("versionfile_source")
    path = directory / str(script).strip() if isinstance(script, str) and script.strip() else None
    digit = path is not None and "[[:digit:]]" in (text_or_none(path) or "")
    return "[0-9]*" if digit else None


def computed_version(how: str) -> Found:
    """A version the build computes: its backend says it, and a release is a tag."""
    why = (
        f"{how}: the build computes the version (no literal relnox rewrites), so its build "
        "backend says it and a release is a tag"
    )
    return COMPUTED_SOURCE, [], why
