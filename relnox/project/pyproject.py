"""Reading one pyproject.toml: whether it is a package, what it needs of its siblings,
its readme and the version files its settings name."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox.config import load_config
from relnox.errors import ConfigError, VersionError
from relnox.files import text_or_none
from relnox.project.modules import flit_metadata
from relnox.toml import table
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import (
    VersionLocation,
    load_toml,
    pattern_location,
    python_location,
    setup_cfg,
    text_location,
)

DEFAULT_BACKEND = "setuptools.build_meta:__legacy__"
DEFAULT_BUILD_REQUIRES = ("setuptools>=40.8.0",)
#: extras only a developer of the project installs
DEV_EXTRAS = frozenset(
    {"dev", "devel", "develop", "development", "test", "tests", "testing", "lint", "docs", "doc"}
    | {"typing", "ci", "qa"}
)


@dataclass(frozen=True)
class InternalRequirement:
    """A requirement of one workspace package on another, and where it is written."""

    target: str  # canonical name of the required workspace package
    text: str  # the requirement as written: "core>=1.0,<2" or a poetry constraint "^1.0"
    path: Path
    key: tuple[str | int, ...]  # where in the TOML document; last item indexes an array or table
    style: str  # "pep508" or "poetry"
    runtime: bool = True  # False for dev-only groups (not used for release order)
    optional: bool = False  # from an extra: ordered only when that closes no cycle

    @property
    def development(self) -> bool:
        """Only a developer installs it: a dependency group's or a development extra's."""
        extra = str(self.key[-2]) if self.optional and len(self.key) > 1 else ""
        return not self.runtime or canonicalize_name(extra) in DEV_EXTRAS

    @property
    def in_setup_cfg(self) -> bool:
        """Written in a ``setup.cfg`` (``key``: section, option, line), not a TOML file."""
        return self.path.name == "setup.cfg"

    @property
    def in_lines(self) -> bool:
        """Written as a line of a requirements file (``key``: ``("lines", index)``)."""
        return bool(self.key) and self.key[0] == "lines"

    @property
    def specifier(self) -> str:
        return self.text if self.style == "poetry" else str(Requirement(self.text).specifier)


@functools.cache
def requirement_target(text: str) -> str | None:
    """The canonical name a PEP 508 requirement names; None: not a valid requirement."""
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return None


def is_project_dir(directory: Path) -> bool:
    """A directory a build frontend can build: a pyproject.toml, or a bare setup.py."""
    return (directory / "pyproject.toml").is_file() or (directory / "setup.py").is_file()


def project_doc(directory: Path) -> dict[str, Any]:
    """The directory's pyproject.toml with hatch.toml's settings; empty for a bare setup.py."""
    if not (path := directory / "pyproject.toml").exists() and (directory / "setup.py").is_file():
        return {}
    return with_hatch_toml(directory, load_toml(path))


def with_hatch_toml(directory: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with ``hatch.toml``'s tables under ``[tool.hatch]`` for a hatchling project."""
    path = directory / "hatch.toml"
    if table(doc, "build-system").get("build-backend") != "hatchling.build" or not path.is_file():
        return doc
    if not (settings := load_toml(path)):
        return doc
    tool = dict(table(doc, "tool"))
    tool["hatch"] = {**table(tool, "hatch"), **settings}
    return {**doc, "tool": tool}


def not_built(doc: Mapping[str, Any]) -> bool:
    """``[tool.uv] package = false`` or ``[tool.poetry] package-mode = false``: never built."""
    return (
        table(doc, "tool", "uv").get("package") is False
        or table(doc, "tool", "poetry").get("package-mode") is False
    )


def uv_never_builds(doc: Mapping[str, Any]) -> bool:
    """``[project]``, ``[build-system]`` and ``[tool.uv] package = false``: uv never builds it."""
    return {"project", "build-system"} <= doc.keys() and table(doc, "tool", "uv").get(
        "package"
    ) is False


def _uv_virtual_root(doc: Mapping[str, Any], directory: Path) -> bool:
    """A uv workspace root without ``[build-system]``, setup.py or setup.cfg: never built."""
    uv = table(doc, "tool", "uv")
    return (
        "workspace" in uv
        and "build-system" not in doc
        and uv.get("package") is not True
        and not (directory / "setup.py").is_file()
        and not (directory / "setup.cfg").is_file()
    )


def is_package(doc: Mapping[str, Any], directory: Path, explicit: bool = False) -> bool:
    """A pyproject describes a releasable package, not a root its tool never builds."""
    if (not_built(doc) or _uv_virtual_root(doc, directory)) and not explicit:
        return False
    return ("project" in doc and not tools_only(doc, directory)) or _other_project(doc, directory)


def _other_project(doc: Mapping[str, Any], directory: Path) -> bool:
    """A project described outside ``[project]``: Poetry, flit, setup.cfg or setup.py."""
    poetry = table(doc, "tool", "poetry")
    if ("name" in poetry and "version" in poetry) or flit_metadata(doc):
        return True
    return "name" in setup_cfg(directory).get("metadata", {}) or (directory / "setup.py").is_file()


def tools_only(doc: Mapping[str, Any], directory: Path) -> bool:
    """A pyproject.toml that configures tools and describes no project."""
    if {"name", "version", "dynamic"} & table(doc, "project").keys() or "build-system" in doc:
        return False
    return not _other_project(doc, directory)


#: ``[project.urls]`` keys naming the source repository, lower case without separators
_SOURCE_KEYS = frozenset({"repository", "source", "sourcecode", "code", "github"})


def source_repository(doc: Mapping[str, Any]) -> str | None:
    """The source repository ``[project.urls]`` names, ``host/owner/name`` in lower case."""
    for key, url in table(doc, "project", "urls").items():
        if re.sub(r"[-_ ]", "", str(key).lower()) in _SOURCE_KEYS and isinstance(url, str):
            found = re.match(
                r"(?:[a-z+]+://)?(?:www\.)?([^/\s]+)/([^/\s]+)/([^/\s#?]+)", url.lower()
            )
            if found is not None:
                return f"{found[1]}/{found[2]}/{found[3].removesuffix('.git')}"
    return None


def unbuildable(doc: Mapping[str, Any], directory: Path) -> bool:
    """A ``[project]`` whose version is dynamic with nothing to compute it."""
    project = table(doc, "project")
    dynamic = project.get("dynamic")
    if "build-system" in doc or "version" in project or (directory / "setup.py").is_file():
        return False
    if not isinstance(dynamic, list) or "version" not in dynamic:
        return False
    if any(str(key).lower().startswith(_VERSION_TOOLS) for key in table(doc, "tool")):
        return False
    return "version" not in setup_cfg(directory).get("metadata", {})


_VERSION_TOOLS = (
    "setuptools",
    "pdm",
    "hatch",
    "poetry",
    "flit",
    "maturin",
    "scikit-build",
    "versioningit",
    "uv-dynamic-versioning",
    "dunamai",
    "versioneer",
    "incremental",
    "meson",
    "pbr",
)

_EXTRA = re.compile(r"\bextra\b")


class Requirements:
    """The requirements of one pyproject.toml on the workspace's other packages."""

    def __init__(self, pyproject: Path, names: set[str], own: str) -> None:
        self.pyproject, self.names, self.own = pyproject, names, own
        self.found: list[InternalRequirement] = []

    def add(
        self, dep: str, text: str, key: tuple[str | int, ...], style: str, *flags: bool
    ) -> None:
        """A requirement on ``dep`` (``flags``: runtime, optional), kept if it is a sibling's."""
        if (target := canonicalize_name(dep)) in self.names and target != self.own:
            found = InternalRequirement(target, text, self.pyproject, key, style, *flags)
            self.found.append(found)

    def pep508(
        self, items: Any, key: tuple[str, ...], runtime: bool, optional: bool = False
    ) -> None:
        if not isinstance(items, list):
            return
        for index, text in enumerate(items):
            if not isinstance(text, str):
                continue
            target = requirement_target(text)  # each text parsed once: most name no sibling
            if target is not None and (target not in self.names or target == self.own):
                continue
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                why = str(exc).splitlines()[0]  # packaging adds the text and a caret below
                raise ConfigError(
                    f"{self.pyproject}: invalid requirement {text!r} in {'.'.join(key)} ({why}); fix it"
                ) from None
            extra = req.marker is not None and _EXTRA.search(str(req.marker)) is not None
            self.add(req.name, text, (*key, index), "pep508", runtime, optional or extra)

    def poetry(self, deps: Any, key: tuple[str, ...], runtime: bool) -> None:
        if not isinstance(deps, Mapping):
            return
        for dep, value in deps.items():
            text, where = value, (*key, dep)
            if isinstance(value, Mapping) and isinstance(value.get("version"), str):
                text, where = value["version"], (*where, "version")
            if not isinstance(text, str):  # a path dependency without a version: ordering only
                text, where = "*", ()
            self.add(dep, text, where, "poetry", runtime)

    def templated(self, items: Any, optional: bool) -> None:
        for text in items if isinstance(items, list) else []:
            if not isinstance(text, str):
                continue
            # hatch's "{{ version }}", setuptools_dynamic_dependencies' "{version}"
            filled = re.sub(r"\{\{[^}]*\}\}|\{version\}", "0", text)
            if (name := requirement_target(filled)) is not None:
                self.add(name, "*", (), "poetry", True, optional)


def pep508_arrays(doc: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Any, bool, bool]]:
    """``(key, items, runtime, optional)`` of each list of PEP 508 requirements of ``doc``."""
    project = table(doc, "project")
    yield ("project", "dependencies"), project.get("dependencies"), True, False
    for extra, items in table(project, "optional-dependencies").items():
        yield ("project", "optional-dependencies", extra), items, True, True
    for group, items in table(doc, "dependency-groups").items():
        yield ("dependency-groups", group), items, False, False


def internal_requirements(
    pyproject: Path, doc: Mapping[str, Any], names: set[str]
) -> tuple[InternalRequirement, ...]:
    """Every requirement of ``doc`` on another package of ``names``."""
    project_name = table(doc, "project").get("name") or table(doc, "tool", "poetry").get("name")
    reqs = Requirements(pyproject, names, canonicalize_name(str(project_name or "")))
    project = table(doc, "project")
    for key, items, runtime, optional in pep508_arrays(doc):
        reqs.pep508(items, key, runtime, optional)
    # templated requirements ("core=={{ version }}"): never rewritten, but they order the release
    hooks = [*table(doc, "tool", "hatch", "metadata", "hooks").values()]
    for hook in [*hooks, table(doc, "tool", "setuptools_dynamic_dependencies")]:
        if isinstance(hook, Mapping):
            reqs.templated(hook.get("dependencies"), False)
            for items in table(hook, "optional-dependencies").values():
                reqs.templated(items, True)
    if not project or "dependencies" in project.get("dynamic", ()):
        from relnox.project import requirement_files as files

        if not project:
            files.setup_cfg_requirements(reqs, pyproject.parent)
            files.setup_py_requirements(reqs, pyproject.parent)
        else:
            files.requirements_files(reqs, pyproject.parent, doc)
            backend = str(table(doc, "build-system").get("build-backend") or "")
            dynamic = table(doc, "tool", "setuptools", "dynamic")
            if backend.startswith("setuptools") and not dynamic.get("dependencies"):
                files.setup_cfg_requirements(reqs, pyproject.parent)
                files.setup_py_requirements(reqs, pyproject.parent)
    tool_poetry = table(doc, "tool", "poetry")
    reqs.poetry(tool_poetry.get("dependencies"), ("tool", "poetry", "dependencies"), True)
    reqs.poetry(tool_poetry.get("dev-dependencies"), ("tool", "poetry", "dev-dependencies"), False)
    for group in table(tool_poetry, "group"):
        key = ("tool", "poetry", "group", group, "dependencies")
        reqs.poetry(table(tool_poetry, "group", group).get("dependencies"), key, False)
    return tuple(reqs.found)


def readme_path(directory: Path, doc: Mapping[str, Any]) -> Path | None:
    readme: Any = (
        table(doc, "project").get("readme")
        or table(doc, "tool", "poetry").get("readme")
        or flit_metadata(doc).get("description-file")
    )
    if isinstance(readme, Mapping):
        if "text" in readme and "file" not in readme:
            return None  # the readme is written in the table: no file is the project page
        readme = readme.get("file")
    if isinstance(readme, list) and readme:
        readme = readme[0]
    if isinstance(readme, str):
        return directory / readme
    found = (directory / name for name in ("README.md", "README.rst", "README.txt", "README"))
    return next((path for path in found if path.is_file()), None)


def version_files(
    settings: Mapping[str, Any], directory: Path, source: Path
) -> list[VersionLocation]:
    if not settings.get("version-files"):
        return []
    config = load_config(source, settings)
    found = []
    for item in config.version_files:
        path = directory / item.path
        if not path.is_file():  # not there, a directory, a pipe: no file to read or write
            what = "does not exist" if not os.path.lexists(path) else "is not a regular file"
            raise ConfigError(
                f"{path}: listed in [tool.relnox] version-files ({item.path!r}) but {what}; "
                "fix the path or remove the entry"
            )
        if item.search:
            found.append(pattern_location(path, item.search))
        else:
            if (loc := python_location(path) or _version_alone(path)) is None:
                raise ConfigError(
                    f'{path}: listed in version-files but has no version = "..." line; '
                    f"add one or give {_search_hint(path, item.path)}"
                )
            found.append(loc)
    return found


def _version_alone(path: Path) -> VersionLocation | None:
    """``path`` as a file holding its version alone (``VERSION``, ``version.info``), or None."""
    try:
        loc = text_location(path)
    except VersionError:
        return None
    return loc if maybe_version(loc.value) is not None else None


_CHAINED = re.compile(
    r"""(?m)^[ \t]*(?P<line>(?:\w+[ \t]*=[ \t]*)*\w*version\w*[ \t]*=[ \t]*"""
    r"""(?:\w+[ \t]*=[ \t]*)*(?P<q>['"])(?P<version>\d[^'"\r\n]*)(?P=q))""",
    re.IGNORECASE,
)


def _search_hint(path: Path, name: str) -> str:
    """The ``version-files`` entry that reads ``path``: a ``search`` of its line assigning a
    version among other names (``tag = version = "17.1"``), else the template."""
    if (match := _CHAINED.search(text_or_none(path) or "")) is None:
        return '{ path = "...", search = "...{version}..." }'
    line = match.group("line")
    start, end = match.span("version")
    search = line[: start - match.start("line")] + "{version}" + line[end - match.start("line") :]
    quoted = f"'{search}'" if "'" not in search else '"' + search.replace('"', '\\"') + '"'
    return f'{{ path = "{name}", search = {quoted} }}'
