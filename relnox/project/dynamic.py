"""Where a build backend reads a dynamic version, read the way the backend reads it.

:func:`dynamic_version` answers for one project with ``dynamic = ["version"]`` (or
a ``setup.cfg`` / ``setup.py`` project): the *primary* place its backend takes the
version from, or ``vcs`` when the version comes from git tags, and one sentence of
evidence saying how that was decided. The backends and plugins it knows:

- hatch ``[tool.hatch.version]``: ``path`` (with or without ``pattern``), ``source =
  "code"`` with a literal, and any other ``source`` plugin (``vcs``,
  ``uv-dynamic-versioning``, ``versioningit`` ...) as tag-versioned;
- setuptools ``[tool.setuptools.dynamic] version`` ``attr`` / ``file``, ``setup.cfg``
  ``[metadata] version`` (literal, ``attr:``, ``file:``), setuptools-scm and the other
  version-from-tags plugins named in ``build-system.requires`` or their own tables;
- pdm ``[tool.pdm.version]`` ``file`` / ``scm``; flit's ``__version__``;
- maturin: ``Cargo.toml`` ``[package] version``, or ``version.workspace = true``
  inherited from the Cargo workspace's ``[workspace.package]``;
- scikit-build-core's regex and setuptools-scm providers; meson-python's
  ``project(..., version: '1.2.3')`` in ``meson.build``.

Anything else, ``[tool.relnox] version-files`` decides, or ``version-source = "vcs"``;
the error for a layout beyond static reading names the file and that one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.errors import RelnoxError, VersionError
from relnox.project.sources import (
    VersionLocation,
    python_location,
    read_text,
    text_location,
    toml_location,
)
from relnox.toml import table

VCS_SOURCE = "vcs"
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
NODEJS_VERSION = (
    r'(?m)^\s{0,4}"version"\s*:\s*"(?P<version>[^"]+)"'  # package.json's own, near the top
)
MESON_VERSION = r"project\s*\(\s*'[^']*'(?:[^']|'[^']*')*?\bversion\s*:\s*'(?P<version>[^']+)'"
SKBUILD_DEFAULT_REGEX = (
    r"""(?im)^(__version__|VERSION)(?: ?\: ?str)? *= *(['"])v?(?P<version>.+?)\2"""
)

Found = tuple[str, list[VersionLocation], str]  # source, primary first, evidence


def _normal(name: str) -> str:
    return re.split(r"[<>=!~;\[ @]", name.strip().lower().replace("_", "-"), maxsplit=1)[0]


def vcs_plugin(doc: Mapping[str, Any], build_requires: Sequence[str]) -> str | None:
    """The version-from-tags plugin this project builds with, if any."""
    tool = table(doc, "tool")
    required = {_normal(r) for r in build_requires}
    for plugin in VCS_PLUGINS:
        if plugin == "setuptools-git-versioning":
            if table(tool, plugin).get("enabled") is True:
                return plugin
            continue
        if plugin == "poetry-dynamic-versioning":
            if table(tool, plugin).get("enable") is True:
                return plugin
            continue
        if plugin in required or plugin in tool or plugin.replace("-", "_") in tool:
            return plugin
    return None


def regex_location(path: Path, pattern: str, what: str) -> VersionLocation:
    if "(?P<version>" not in pattern:
        raise VersionError(f"{path}: the {what} pattern {pattern!r} has no (?P<version>...) group")
    match = re.search(pattern, read_text(path), re.MULTILINE)
    if match is None:
        raise VersionError(f"{path}: the {what} pattern {pattern!r} matches nothing; fix it")
    return VersionLocation(path, "pattern", match.group("version"), pattern=pattern)


def groups_location(path: Path, pattern: str, result: str) -> VersionLocation:
    """A version made of several named groups (scikit-build-core's ``result`` template)."""
    from relnox.project.sources import compose

    match = re.search(pattern, read_text(path), re.MULTILINE)
    if match is None:
        raise VersionError(f"{path}: the scikit-build regex {pattern!r} matches nothing; fix it")
    try:
        value = compose(result, match.groupdict())
    except (KeyError, IndexError, ValueError):
        raise VersionError(
            f"{path}: the scikit-build result {result!r} names a group the regex does not "
            "have; make every {field} a (?P<field>...) group"
        ) from None
    return VersionLocation(path, "pattern", value, pattern=pattern, result=result)


def _literal(path: Path, what: str, pyproject: Path) -> VersionLocation:
    loc = python_location(path)
    if loc is None:
        raise VersionError(
            f'{path}: no literal __version__ = "..." line, which {pyproject} {what} points at; '
            'add one, or set [tool.relnox] version-files = ["<file with the version>"]'
        )
    return loc


def _find_module(roots: Sequence[Path], dotted: str) -> Path | None:
    parts = dotted.split(".")
    for base in roots:
        pkg_dir = base.joinpath(*parts)
        if (pkg_dir / "__init__.py").is_file():
            return pkg_dir / "__init__.py"
        module = base.joinpath(*parts[:-1], parts[-1] + ".py")
        if module.is_file():
            return module
    return None


def _hatch(directory: Path, pyproject: Path, hatch: Mapping[str, Any]) -> Found | None:
    source = hatch.get("source", "regex")
    path = hatch.get("path")
    if source == "nodejs":  # hatch-nodejs-version: the "version" of package.json
        target = directory / (path if isinstance(path, str) else "package.json")
        if not target.is_file():
            raise VersionError(
                f"{pyproject}: [tool.hatch.version] source = 'nodejs' reads {target.name}, "
                "which is missing; add it or set [tool.hatch.version] path"
            )
        loc = regex_location(target, NODEJS_VERSION, "[tool.hatch.version] source = 'nodejs'")
        return "hatch", [loc], f"[tool.hatch.version] source = 'nodejs' ({target.name})"
    if source not in HATCH_STATIC_SOURCES:
        return VCS_SOURCE, [], f"[tool.hatch.version] source = {source!r} (versions from git tags)"
    if source == "env":
        variable = hatch.get("variable", "HATCH_BUILD_VERSION")
        raise VersionError(
            f"{pyproject}: [tool.hatch.version] takes the version from ${variable}, which "
            'relnox cannot read; set [tool.relnox] version-files = ["<file>"] or version-source = "vcs"'
        )
    if not isinstance(path, str):
        return None
    target = directory / path
    if isinstance(hatch.get("pattern"), str):
        loc = regex_location(target, hatch["pattern"], "[tool.hatch.version]")
        return "hatch", [loc], f"[tool.hatch.version] path = {path!r} with a pattern"
    return (
        "hatch",
        [_literal(target, "[tool.hatch.version] path", pyproject)],
        (f"[tool.hatch.version] path = {path!r}"),
    )


def _setuptools(
    directory: Path, pyproject: Path, doc: Mapping[str, Any], roots: Sequence[Path]
) -> Found | None:
    version = table(doc, "tool", "setuptools", "dynamic").get("version")
    if not isinstance(version, Mapping):
        return None
    attr = version.get("attr")
    if isinstance(attr, str):
        module_name = attr.rpartition(".")[0]
        module = _find_module(roots, module_name)
        if module is None:
            raise VersionError(
                f"{pyproject}: [tool.setuptools.dynamic] version attr {attr!r}: no module "
                f"{module_name} under {directory}; fix the attr"
            )
        return (
            "setuptools-attr",
            [_literal(module, "version attr", pyproject)],
            (f"[tool.setuptools.dynamic] version = {{attr = {attr!r}}}"),
        )
    files = version.get("file")
    if isinstance(files, str):
        files = [files]
    if isinstance(files, list) and files:
        return (
            "setuptools-file",
            [text_location(directory / str(files[0]))],
            (f"[tool.setuptools.dynamic] version = {{file = {files[0]!r}}}"),
        )
    return None


def setup_cfg_version(
    directory: Path, metadata: Mapping[str, str], roots: Sequence[Path]
) -> Found | None:
    """``setup.cfg`` ``[metadata] version``: a literal, ``attr: pkg.__version__`` or ``file:``."""
    value = metadata.get("version", "").strip()
    if not value:
        return None
    cfg = directory / "setup.cfg"
    if value.startswith("attr:"):
        attr = value[5:].strip()
        module = _find_module(roots, attr.rpartition(".")[0])
        if module is None:
            raise VersionError(f"{cfg}: [metadata] version = attr: {attr} names no module; fix it")
        return (
            "setup.cfg-attr",
            [_literal(module, "[metadata] version attr", cfg)],
            (f"setup.cfg [metadata] version = attr: {attr}"),
        )
    if value.startswith("file:"):
        name = value[5:].strip().split(",")[0].strip()
        return (
            "setup.cfg-file",
            [text_location(directory / name)],
            (f"setup.cfg [metadata] version = file: {name}"),
        )
    pattern = r"(?m)^version[ \t]*=[ \t]*(?P<version>[^\s#;]+)"
    return "setup.cfg", [regex_location(cfg, pattern, "setup.cfg")], "setup.cfg [metadata] version"


def _cargo(directory: Path, doc: Mapping[str, Any], load: Callable[[Path], Any]) -> Found:
    manifest_path = table(doc, "tool", "maturin").get("manifest-path")
    manifest = directory / (manifest_path if isinstance(manifest_path, str) else "Cargo.toml")
    if not manifest.is_file():
        raise VersionError(
            f"{directory / 'pyproject.toml'}: maturin takes the version from {manifest}, which "
            "does not exist; set [tool.maturin] manifest-path or add [project] version"
        )
    data = load(manifest)
    version = table(data, "package").get("version")
    if isinstance(version, str):
        loc = toml_location(manifest, data, ("package", "version"), semver=True)
        return "cargo", [loc], f"{manifest.name} [package] version (maturin)"
    if isinstance(version, Mapping) and version.get("workspace") is True:
        for parent in manifest.parent.parents:
            candidate = parent / "Cargo.toml"
            if not candidate.is_file():
                continue
            ws = load(candidate)
            if "workspace" not in ws:
                continue
            if isinstance(table(ws, "workspace", "package").get("version"), str):
                loc = toml_location(candidate, ws, ("workspace", "package", "version"), semver=True)
                return (
                    "cargo",
                    [loc],
                    (f"{candidate} [workspace.package] version, inherited by {manifest} (maturin)"),
                )
            break
        raise VersionError(
            f"{manifest}: version.workspace = true but no Cargo workspace above it has "
            "[workspace.package] version; add it there"
        )
    raise VersionError(f'{manifest}: [package] has no version; add version = "0.1.0"')


_VCS_PROVIDERS = ("setuptools_scm", "vcs_versioning", "setuptools_git_versioning", "dunamai")


def _dynamic_metadata_version(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The version provider's settings and where they are written.

    scikit-build-core's ``[tool.scikit-build.metadata.version]``, or the shared
    dynamic-metadata protocol: ``[[tool.dynamic-metadata]]`` with ``field = "version"``
    (scikit-build-core 1.0+) or a ``[tool.dynamic-metadata.version]`` table.
    """
    settings = table(doc, "tool", "scikit-build", "metadata", "version")
    if settings:
        return settings, "[tool.scikit-build.metadata.version]"
    shared = table(doc, "tool").get("dynamic-metadata")
    if isinstance(shared, list):
        for entry in shared:
            if isinstance(entry, Mapping) and entry.get("field") == "version":
                return entry, '[[tool.dynamic-metadata]] field = "version"'
    if isinstance(shared, Mapping) and isinstance(shared.get("version"), Mapping):
        return shared["version"], "[tool.dynamic-metadata.version]"
    return {}, ""


def _scikit_build(directory: Path, doc: Mapping[str, Any]) -> Found | None:
    settings, where = _dynamic_metadata_version(doc)
    provider = settings.get("provider")
    if not isinstance(provider, str):
        return None
    if any(name in provider for name in _VCS_PROVIDERS):
        return VCS_SOURCE, [], f"{where} provider = {provider!r} (versions from git tags)"
    if provider.endswith("regex") and isinstance(settings.get("input"), str):
        pattern = settings.get("regex")
        if isinstance(pattern, str):
            pattern = pattern.replace("(?P<value>", "(?P<version>")
            pattern = pattern if pattern.startswith("(?") else "(?m)" + pattern
        else:
            pattern = SKBUILD_DEFAULT_REGEX
        result = settings.get("result")
        if "(?P<version>" not in pattern and isinstance(result, str):
            loc = groups_location(directory / settings["input"], pattern, result)
        else:
            loc = regex_location(directory / settings["input"], pattern, "scikit-build regex")
        return "scikit-build", [loc], f"{where} input = {settings['input']!r}"
    return None


def _meson(directory: Path) -> Found:
    build = directory / "meson.build"
    text = read_text(build)
    if re.search(MESON_VERSION, text):
        return (
            "meson",
            [regex_location(build, MESON_VERSION, "meson.build")],
            ("meson.build project(version: ...) (meson-python)"),
        )
    files = re.search(r"\bversion\s*:\s*files\s*\(\s*'([^']+)'", text)
    if files:
        return (
            "meson",
            [text_location(directory / files.group(1))],
            (f"meson.build project(version: files({files.group(1)!r})) (meson-python)"),
        )
    raise VersionError(
        f"{build}: project() computes its version, which relnox cannot read without running it; "
        'set [tool.relnox] version-files = ["<file holding the version>"] or version-source = "vcs"'
    )


def dynamic_version(
    directory: Path,
    doc: Mapping[str, Any],
    backend: str,
    build_requires: Sequence[str],
    *,
    roots: Sequence[Path],
    modules: Sequence[str],
    metadata: Mapping[str, str],
    load: Callable[[Path], Any],
) -> Found | None:
    """The primary version source of a dynamic-version project; ``None`` if not known."""
    pyproject = directory / "pyproject.toml"
    tool = table(doc, "tool")
    hatch = table(tool, "hatch", "version")
    if hatch:
        found = _hatch(directory, pyproject, hatch)
        if found is not None:
            return found
    pdm = table(tool, "pdm", "version")
    if pdm.get("source") == "scm":
        return VCS_SOURCE, [], "[tool.pdm.version] source = 'scm'"
    if pdm.get("source") == "file" and isinstance(pdm.get("path"), str):
        return (
            "pdm",
            [_literal(directory / pdm["path"], "[tool.pdm.version] path", pyproject)],
            (f"[tool.pdm.version] path = {pdm['path']!r}"),
        )
    found = _setuptools(directory, pyproject, doc, roots)
    if found is not None:
        return found
    if backend.startswith("maturin"):
        return _cargo(directory, doc, load)
    found = _scikit_build(directory, doc)
    if found is not None:
        return found
    if backend.startswith("mesonpy") and (directory / "meson.build").is_file():
        return _meson(directory)
    plugin = vcs_plugin(doc, build_requires)
    if plugin is not None:
        return VCS_SOURCE, [], f"{plugin} (versions from git tags)"
    found = setup_cfg_version(directory, metadata, roots)
    if found is not None:
        return found
    if backend.startswith("flit_core"):
        for module_name in modules:
            module = _find_module(roots, module_name)
            loc = _followed(module) if module else None
            if loc is not None:
                return "flit", [loc], f"flit: __version__ of {module_name}"
    found = _setup_py_literal(directory) or _setup_py_toml(directory)
    return found


_IMPORTED = re.compile(
    r"^from\s+\.(?P<module>\w+)\s+import\s+(?:__version__|version\s+as\s+__version__)\b", re.M
)


def _followed(module: Path) -> VersionLocation | None:
    """The literal ``__version__`` of ``module``, or of ``.sibling`` it imports it from."""
    loc = python_location(module)
    if loc is not None:
        return loc
    imported = _IMPORTED.search(read_text(module))
    if imported is None:
        return None
    return python_location(module.parent / f"{imported.group('module')}.py")


def _setup_py_literal(directory: Path) -> Found | None:
    """``setup(version="1.2.3")``: a literal in setup.py is its primary source."""
    setup_py = directory / "setup.py"
    if not setup_py.is_file():
        return None
    pattern = r"""\bversion\s*=\s*(['"])(?P<version>[0-9][^'"]*)\1"""
    if re.search(pattern, read_text(setup_py)) is None:
        return None
    return (
        "setup.py",
        [regex_location(setup_py, pattern, "setup.py")],
        "setup.py setup(version=...)",
    )


_TOML_OPENED = re.compile(r"""open\(\s*(['"])(?P<file>[\w./-]+\.toml)\1""")
_TOML_KEY = re.compile(
    r"""\[\s*(['"])(?P<table>package|project)\1\s*\]\s*\[\s*(['"])version\3\s*\]"""
)


def _setup_py_toml(directory: Path) -> Found | None:
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


def unreadable(directory: Path) -> VersionError:
    """The error for a version relnox cannot read, naming the one line that fixes it."""
    setup_py = directory / "setup.py"
    where = setup_py if setup_py.is_file() else directory / "pyproject.toml"
    what = "setup.py computes the version" if setup_py.is_file() else "the version is dynamic"
    return VersionError(
        f"{where}: {what} and relnox cannot read it without running the build; "
        'add [tool.relnox] version-files = ["<file holding the version>"] to '
        f'{directory / "pyproject.toml"}, or version-source = "vcs" if git tags give it'
    )
