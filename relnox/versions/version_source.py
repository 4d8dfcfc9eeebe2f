"""Where a package's version is read from, or that it is from tags: the one decision."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from relnox.errors import VersionError
from relnox.toml import table
from relnox.versions.sources import VCS_SOURCE, Found, VersionLocation, setup_cfg, toml_location


def version_source(
    directory: Path,
    doc: Mapping[str, Any],
    backend: str,
    build_requires: Sequence[str],
    *,
    override: str | None,
    listed: Callable[[], list[VersionLocation]],
    layout: Callable[[], tuple[Sequence[Path], Sequence[str]]],
    said: Callable[[], str | None] = lambda: None,
) -> Found:
    """Where the package's version is read from, or :data:`VCS_SOURCE`, with its evidence;
    ``override``: version-source, ``listed``: version-files, ``layout``: its source roots and
    import packages, ``said``: its build backend's version, asked only where relnox cannot say."""
    pyproject = directory / "pyproject.toml"
    project, poetry = table(doc, "project"), table(doc, "tool", "poetry")
    if override == VCS_SOURCE:
        return VCS_SOURCE, [], "[tool.relnox] version-source = 'vcs'"
    if "version" in project:
        location = toml_location(pyproject, doc, ("project", "version"))
        return "project.version", [location], "[project] version"
    dynamic = "version" in project.get("dynamic", ())
    # poetry-core 2 reads a dynamic [project] version from [tool.poetry]; not over a setup.py
    by_poetry = backend.startswith("poetry")
    if "version" in poetry and (by_poetry or not (dynamic or (directory / "setup.py").is_file())):
        from relnox.versions.dynamic import vcs_plugin

        if vcs_plugin(doc, build_requires) == "poetry-dynamic-versioning":
            return VCS_SOURCE, [], "poetry-dynamic-versioning (versions from git tags)"
        location = toml_location(pyproject, doc, ("tool", "poetry", "version"))
        return "tool.poetry.version", [location], "[tool.poetry] version"
    if not dynamic and project:
        raise VersionError(
            f'{pyproject}: no version; add version = "0.1.0" to [project] '
            'or declare dynamic = ["version"] with its source'
        )
    from relnox.versions.dynamic import computed_version, dynamic_version

    roots, modules = layout()
    metadata = setup_cfg(directory).get("metadata", {}) if not project else {}
    found = dynamic_version(
        directory, doc, backend, build_requires, roots=roots, modules=modules, metadata=metadata
    )
    if found is not None:
        return found
    if files := listed():
        return "version-files", files, "[tool.relnox] version-files (first entry)"
    how = "setup.py" if not project else "dynamic version"
    if (version := said()) is not None:
        from relnox.paths import rel
        from relnox.versions.referee import ASKED_SOURCE, held_version

        places = [root / m for root in roots for m in modules]
        found_in = held_version(directory, [directory, *roots, *places], version, pyproject)
        if found_in is not None:
            where = rel(found_in.path, directory)
            why = f"{how} computes it, and its build backend {backend} says {version}, held in {where}"
            return ASKED_SOURCE, [found_in], why
    return computed_version(how)
