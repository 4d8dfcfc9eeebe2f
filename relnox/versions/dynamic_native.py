"""The versions of native build backends: maturin, scikit-build-core, meson-python."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.errors import VersionError
from relnox.toml import table
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import (
    VCS_SOURCE,
    VERSION_MODULE_FILES,
    Found,
    VersionLocation,
    find_module,
    groups_location,
    load_toml,
    python_location,
    read_text,
    regex_location,
    text_location,
    toml_location,
)

#: project()'s own ``version: '1.2.3'`` (calls may come before it, none around it)
MESON_VERSION = (
    r"project\s*\(\s*'[^']*'(?:[^'()]|'[^']*'|\((?:[^'()]|'[^']*')*\))*?"
    r"\bversion\s*:\s*'(?P<version>[^']+)'"
)


SKBUILD_DEFAULT_REGEX = (
    r"""(?im)^(__version__|VERSION)(?: ?\: ?str)? *= *(['"])v?(?P<version>.+?)\2"""
)


def maturin_manifest(directory: Path, doc: Mapping[str, Any]) -> Path:
    """The Cargo manifest maturin builds from: ``manifest-path``, ``rust/Cargo.toml`` in its
    Python-first layout, else ``Cargo.toml``."""
    maturin = table(doc, "tool", "maturin")
    named = maturin.get("manifest-path")
    if isinstance(named, str):
        return directory / named
    rust = directory / "rust" / "Cargo.toml"
    if rust.is_file():
        name = table(doc, "project").get("name")
        packages = maturin.get("python-packages")
        imports = [name.replace("-", "_")] if isinstance(name, str) else []
        imports += [p for p in packages if isinstance(p, str)] if isinstance(packages, list) else []
        inits = (directory / "src" / found / "__init__.py" for found in imports)
        if maturin.get("python-source") is not None or any(init.is_file() for init in inits):
            return rust
    return directory / "Cargo.toml"


def cargo_version(directory: Path, doc: Mapping[str, Any]) -> Found:
    manifest = maturin_manifest(directory, doc)
    if not manifest.is_file():
        raise VersionError(
            f"{directory / 'pyproject.toml'}: maturin takes the version from {manifest}, which "
            "does not exist; set [tool.maturin] manifest-path or add [project] version"
        )
    data = load_toml(manifest)
    version = table(data, "package").get("version")
    if isinstance(version, str):
        loc = toml_location(manifest, data, ("package", "version"), semver=True)
        return "cargo", [loc], f"{manifest.name} [package] version (maturin)"
    if isinstance(version, Mapping) and version.get("workspace") is True:
        for parent in manifest.parent.parents:
            candidate = parent / "Cargo.toml"
            if not candidate.is_file():
                continue
            ws = load_toml(candidate)
            if "workspace" not in ws:
                continue
            if isinstance(table(ws, "workspace", "package").get("version"), str):
                loc = toml_location(candidate, ws, ("workspace", "package", "version"), semver=True)
                shown = [
                    Path(os.path.relpath(p, directory)).as_posix() for p in (candidate, manifest)
                ]
                why = f"{shown[0]} [workspace.package] version, inherited by {shown[1]}"
                return "cargo", [loc], f"{why} (maturin)"
            break
        raise VersionError(
            f"{manifest}: version.workspace = true but no Cargo workspace above it has "
            "[workspace.package] version; add it there"
        )
    raise VersionError(f'{manifest}: [package] has no version; add version = "0.1.0"')


_VCS_PROVIDERS = ("setuptools_scm", "vcs_versioning", "setuptools_git_versioning", "dunamai")


def _dynamic_metadata_version(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The version provider's settings (scikit-build's or dynamic-metadata's) and where."""
    if settings := table(doc, "tool", "scikit-build", "metadata", "version"):
        return settings, "[tool.scikit-build.metadata.version]"
    shared = table(doc, "tool").get("dynamic-metadata")
    if isinstance(shared, list):
        for entry in shared:
            if isinstance(entry, Mapping) and entry.get("field") == "version":
                return entry, '[[tool.dynamic-metadata]] field = "version"'
    if isinstance(shared, Mapping) and isinstance(shared.get("version"), Mapping):
        return shared["version"], "[tool.dynamic-metadata.version]"
    return {}, ""


def scikit_build_version(directory: Path, doc: Mapping[str, Any]) -> Found | None:
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
            remove = settings.get("remove")
            remove = remove if isinstance(remove, str) and remove else None
            loc = groups_location(directory / settings["input"], pattern, result, remove)
        else:
            loc = regex_location(directory / settings["input"], pattern, "scikit-build regex")
        return "scikit-build", [loc], f"{where} input = {settings['input']!r}"
    return None


def meson_version(
    directory: Path, roots: Sequence[Path] = (), modules: Sequence[str] = ()
) -> Found | None:
    """meson.build's ``project(version: ...)``: a literal, ``files(...)`` or ``run_command``."""
    build = directory / "meson.build"
    text = read_text(build)
    if re.search(MESON_VERSION, text):
        loc = regex_location(build, MESON_VERSION, "meson.build")
        return "meson", [loc], "meson.build project(version: ...) (meson-python)"
    if files := re.search(r"\bversion\s*:\s*files\s*\(\s*'([^']+)'", text):
        why = f"meson.build project(version: files({files.group(1)!r})) (meson-python)"
        return "meson", [text_location(directory / files.group(1))], why
    run = _MESON_RUN.search(text)
    read = _run_command_reads(directory, run.group(1), roots, modules) if run else None
    if read is None:
        return None
    where = Path(os.path.relpath(read.path, directory)).as_posix()
    why = f"meson.build project(version: run_command(...)) reads __version__ of {where}"
    return "meson", [read], f"{why} (meson-python)"


#: project()'s ``version: run_command(...)``: the arguments of the command meson runs
_MESON_RUN = re.compile(r"\bversion\s*:\s*run_command\s*\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)")


def _run_command_reads(
    directory: Path, arguments: str, roots: Sequence[Path], modules: Sequence[str]
) -> VersionLocation | None:
    """The literal ``__version__`` the command meson runs for project()'s version reads."""
    texts = re.findall(r"'([^']*)'", arguments)
    bases = [directory]
    for arg in list(texts):
        script = directory / arg
        if arg.endswith(".py") and script.is_file():
            if (loc := python_location(script, top_level=True)) is not None:
                return loc
            texts.append(read_text(script))
            bases.append(script.parent)
    said = "\n".join(texts)
    if "__version__" not in said:
        return None
    paths = re.findall(r"""['"]([\w./-]+\.py)['"]""", said)
    named = [Path(os.path.normpath(base / rel)) for rel in paths for base in bases]
    for dotted in re.findall(r"\b(?:from|import)[ \t]+([A-Za-z_][\w.]*)", said):
        module = find_module(roots, dotted) if dotted.split(".")[0] in modules else None
        named += [module] if module is not None else []
    if not re.search(r"\bgit\b", said):
        named += [base / m / f for m in modules for base in roots for f in VERSION_MODULE_FILES]
    for path in named:
        loc = python_location(path, top_level=True)
        if loc is not None and maybe_version(loc.value) is not None:
            return loc
    return None
