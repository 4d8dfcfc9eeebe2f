"""One package read from its ``pyproject.toml`` (or ``setup.cfg``): its name, version and
every place the version is written, its tag rules and its requirements on siblings."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from relnox.config import MEMBER_KEYS, Config, check_keys, check_tag_format, check_version_source
from relnox.errors import ConfigError, VersionError
from relnox.files import text_or_none
from relnox.project.build_inputs import build_tables
from relnox.project.modules import flit_metadata, import_packages, source_roots
from relnox.project.pyproject import (
    DEFAULT_BACKEND,
    DEFAULT_BUILD_REQUIRES,
    internal_requirements,
    readme_path,
    version_files,
)
from relnox.project.validate import check_build_system
from relnox.project.workspace import Package
from relnox.toml import table
from relnox.versions.arithmetic import (
    check_file_name,
    maybe_version,
    same_version,
    validate_version,
)
from relnox.versions.former_names import declared_name
from relnox.versions.sources import (
    COMPUTED_SOURCE,
    VCS_SOURCE,
    VERSION_MODULE_FILES,
    VersionLocation,
    python_location,
    read_text,
    setup_cfg,
    toml_location,
)
from relnox.versions.tuple_copy import commented_copies, named_copies
from relnox.versions.tuple_copy import location as tuple_location
from relnox.versions.version_source import version_source

if TYPE_CHECKING:
    from packaging.version import Version

    from relnox.tools.backend_version import BackendVersionError, Metadata

#: a valid distribution name (PEP 508); a template's '$pkg-acme' is not one
VALID_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def name_of(directory: Path, doc: Mapping[str, Any]) -> str | None:
    """The project name as written: [project], [tool.poetry], flit's [tool.flit.metadata]
    (its ``dist-name``, else its ``module``), setup.cfg or a literal in setup.py."""
    if name := declared_name(doc):
        return name
    if flit := flit_metadata(doc):
        return str(flit.get("dist-name") or flit["module"])
    if setup_py := (directory / "setup.py").is_file():
        from relnox.versions.setup_py import setup_py_name, setup_py_text_name

        if found := setup_py_name(directory):  # setup()'s name= overrides setup.cfg's
            return found
    if name := setup_cfg(directory).get("metadata", {}).get("name"):
        return name.strip()
    return setup_py_text_name(directory) if setup_py else None


def _tag_rules(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """How a version-from-tags backend narrows its tags: (describe --match glob, tag regex)."""
    tool = table(doc, "tool")
    hatch = table(tool, "hatch", "version")
    raw = table(hatch, "raw-options")
    scm = table(tool, "setuptools_scm") or table(tool, "setuptools-scm")
    pdm = table(tool, "pdm", "version")
    scm_git = table(scm, "scm", "git").get("describe_command")  # setuptools-scm 8's
    command = raw.get("git_describe_command") or scm.get("git_describe_command") or scm_git
    match = None
    if command is not None:
        from relnox.versions.tag_facts import describe_match

        match = describe_match(command)
    if match is None and isinstance(pdm.get("tag_filter"), str):
        match = pdm["tag_filter"]
    regex = (
        hatch.get("tag-pattern")
        or raw.get("tag_regex")
        or scm.get("tag_regex")
        or pdm.get("tag_regex")
    )
    for dunamai in ("uv-dynamic-versioning", "poetry-dynamic-versioning"):
        settings = table(tool, dunamai)
        pattern, prefix = settings.get("pattern"), settings.get("pattern-prefix")
        if isinstance(pattern, str) and "(?P<base>" in pattern:
            regex = pattern.replace("(?P<base>", "(?P<version>")
        elif isinstance(prefix, str) and prefix and pattern in (None, "default"):
            # dunamai puts the prefix before its default pattern's ``v``
            regex = rf"^{prefix}v(?P<version>\d+(?:\.\d+)*\S*)$"
    return match, regex if isinstance(regex, str) else None


def _secondaries(
    directory: Path,
    doc: Mapping[str, Any],
    project_name: str,
    modules: tuple[str, ...],
    known: list[VersionLocation],
    backend: str,
    listed: frozenset[Path] = frozenset(),
) -> list[VersionLocation]:
    """Literal copies of the version: ``__version__`` in the packages it ships, poetry's key,
    a maturin crate's own version; ``listed``: the files ``version-files`` names."""
    found: list[VersionLocation] = []

    def add(locations: Iterable[VersionLocation]) -> None:  # each in a file not read before
        taken = {k.path for k in [*known, *found]}
        found.extend(loc for loc in locations if loc.path not in taken)

    pyproject = directory / "pyproject.toml"
    tool_poetry = table(doc, "tool", "poetry")
    poetry_key = ("tool", "poetry", "version")
    if isinstance(tool_poetry.get("version"), str) and all(k.key != poetry_key for k in known):
        copy = toml_location(pyproject, doc, poetry_key)
        # another backend never reads it: a copy only when it agrees
        if backend.startswith("poetry") or (known and same_version(copy.value, known[0].value)):
            found.append(copy)
    if (crate := _crate_copy(directory, doc, backend, known)) is not None:
        found.append(crate)
    if known and maybe_version(known[0].value) is not None:  # a file its comment names
        add(commented_copies(known[0], directory))
    tool_copies = _tool_copies(directory, doc, known)
    found += [copy for copy, _files in tool_copies]
    if known:
        from relnox.versions.bumpversion import poetry_files

        for copy in poetry_files(directory, doc, known[0].value):
            add([copy])
    dotted = project_name.lower().replace("-", "_").split(".")  # ns.pkg: ns/pkg
    nested = ["/".join(dotted)] if len(dotted) > 1 and dotted[0] in modules else []
    flit_module = table(doc, "tool", "flit", "module").get("name")
    if isinstance(flit_module, str) and "." in flit_module:  # in namespaces, however deep:
        nested.append(flit_module.replace(".", "/"))  # "ns.sub.pkg"
    poetry = table(doc, "tool", "poetry").get("packages")
    nested += [  # packages = [{ include = "ns/sub" }]: a package below its namespace
        include.strip("/")
        for p in (poetry if isinstance(poetry, list) else ())
        if isinstance(p, Mapping)
        and isinstance(include := p.get("include"), str)
        and "/" in include.strip("/")
        and "*" not in include
    ]
    roots = source_roots(directory, doc)
    for module_name in [*modules, *nested]:  # each package directory listed once
        packages = [
            (package, _names(package))
            for base in roots
            for package in _regular_packages(base / module_name)
        ]
        for filename in VERSION_MODULE_FILES:
            for package, names in packages:
                if names is not None and filename not in names:
                    continue
                loc = python_location(package / filename, top_level=True)
                if loc is None and known and (names is not None or (package / filename).is_file()):
                    loc = tuple_location(package / filename, known[0].value)  # VERSION = (1, 2)
                if loc is not None and maybe_version(loc.value) is not None:
                    add([loc])  # not a word the build stamps over ("git")
    for copy, files in tool_copies:  # the files that tool rewrites with it, by its searches
        add(files(directory, doc, copy.value))
    if known and maybe_version(known[0].value) is not None:
        from relnox.versions.bump_tools import commitizen_files, semantic_release_files

        add(commitizen_files(directory, doc, known[0].value))
        add(semantic_release_files(directory, doc, known[0].value))
        taken = {k.path for k in [*known, *found]} | listed
        found += _equal_copies(
            directory, roots, [*modules, *nested], known[0].value, taken, project_name
        )
    return found + _tuple_copies([*known, *found])


def _tuple_copies(locations: Sequence[VersionLocation]) -> list[VersionLocation]:
    """Every other copy of the version in a module that writes it as a literal: the tuple
    that says it (``version = (1, 2, 1)``) and each literal of it under another name."""
    found: list[VersionLocation] = []
    for loc in locations:
        if loc.kind == "python" and maybe_version(loc.value) is not None:
            copy = tuple_location(loc.path, loc.value)
            if copy is not None and all(copy.path != k.path or k.kind != copy.kind for k in found):
                found.append(copy)
            found += [
                copy
                for copy in named_copies(loc.path, loc.value)
                if not any(_same_place(copy, k) for k in [*locations, *found])
            ]
    return found


def _same_place(copy: VersionLocation, other: VersionLocation) -> bool:
    """Whether ``other`` is the literal ``copy`` finds (setuptools' ``attr`` naming it)."""
    if copy.path != other.path or copy.pattern is None or other.pattern is None:
        return False
    text = read_text(copy.path)
    ours, theirs = re.search(copy.pattern, text), re.search(other.pattern, text)
    return (
        ours is not None and theirs is not None and ours.span("version") == theirs.span("version")
    )


#: modules that may hold the version among other constants; elsewhere only a ``__version__``
CONSTANT_MODULES = ("consts.py", "const.py", "constants.py")
_DUNDER_VERSION = re.compile(
    r"""(?m)^__version__[ \t]*(?::[ \t]*[\w.]+[ \t]*)?=[ \t]*(['"])(?P<version>[^'"\r\n]+)\1"""
    r"""[ \t]*(?:#.*)?$"""
)
_PACKAGE_VERSION = (
    r"(?m)^_*(?:PKG|PACKAGE)_VERSION[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*"
    r"(['\"])(?P<version>[^'\"\r\n]+)\1"
)
#: Sphinx's ``conf.py`` in a folder of any name (``docs/``, ``doc/``, ``web/``), or at the top
SPHINX_CONF = ("conf.py", "source/conf.py")
_SPHINX_RELEASE = (  # ``version = release = "2.68.0"`` too, and Python 2's ``u"2.68.0"``
    r"(?m)^(?:(?:release|version)[ \t]*=[ \t]*)+[uU]?(['\"])(?P<version>[^'\"\r\n]+)\1"
)
#: Sphinx's short version, the release's major.minor: ``version = "4.8"`` beside 4.8.1
_SPHINX_SHORT = r"(?m)^version[ \t]*=[ \t]*[uU]?(['\"])(?P<version>\d+\.\d+)\1[ \t]*(?:#.*)?$"
CITATION = "CITATION.cff"
_CITATION_VERSION = r"""(?m)^version:[ \t]*(['"]?)[vV]?(?P<version>[^'"\s#]+)\1[ \t]*(?:#.*)?$"""
_RELEASE_PLEASE_ROOT = r'"\."[ \t\r\n]*:[ \t\r\n]*"(?P<version>[^"\r\n]+)"'
#: the copies that say the last release, not the development toward the next: the docs' and
#: the citation's
_DOCS = (_SPHINX_RELEASE, _CITATION_VERSION)


def _equal_copies(
    directory: Path,
    roots: Sequence[Path],
    modules: Sequence[str],
    version: str,
    taken: set[Path],
    project_name: str,
) -> list[VersionLocation]:
    """Literal copies that say exactly ``version`` in files that hold other values too: the
    import package's other modules and the modules shipped alone, release-please's manifest, ``CITATION.cff`` and Sphinx's
    ``conf.py``, npm's manifest of the same project (``project_name``). One that says another version
    (a protocol's) is left alone."""
    from relnox.versions.release_please import MANIFEST, config_above, extra_files, manifest_entry

    found: list[VersionLocation] = []
    # each import package's modules, and a module shipped alone (``py_modules``: ``ldif.py``)
    packages = [(base / name, _names(base / name)) for name in modules for base in roots]
    alone = [(base, [f"{name}.py"]) for name in modules for base in roots]
    for folder, names in dict.fromkeys((f, tuple(n or ())) for f, n in [*packages, *alone]):
        for filename in sorted(names):  # not listable: nothing looked for
            path = folder / filename
            if not filename.endswith(".py") or filename in VERSION_MODULE_FILES:
                continue
            text = "" if path in taken else text_or_none(path) or ""
            if "__version__" not in text and version not in text:
                continue  # every copy below names one of them
            # a ``__version__`` one release behind the package's is a copy left behind: drift
            dunders = [m["version"] for m in _DUNDER_VERSION.finditer(text)]
            said = [d for d in dunders if d == version or _one_release_behind(d, version)]
            if said or (filename in CONSTANT_MODULES and version in text):
                loc = python_location(path, top_level=True)
                found += [loc] if loc is not None and loc.value in [version, *said] else []
            elif version in [m["version"] for m in re.finditer(_PACKAGE_VERSION, text)]:
                found.append(VersionLocation(path, "pattern", version, pattern=_PACKAGE_VERSION))
    tops = _names(directory)
    pattern_files = [(MANIFEST, _RELEASE_PLEASE_ROOT, False), (CITATION, _CITATION_VERSION, False)]
    folders = sorted(top for top in tops or () if not top.startswith("."))
    pattern_files += [
        (f"{top}/{name}", _SPHINX_RELEASE, True) for top in folders for name in SPHINX_CONF
    ] + [(SPHINX_CONF[0], _SPHINX_RELEASE, True)]
    for name, pattern, every in pattern_files:
        path = directory / name
        if (tops is not None and name.split("/")[0] not in tops) or path in taken:
            continue  # no docs/ (or doc/) folder: nothing to look at in it
        text = text_or_none(path) or ""
        said = [m["version"] for m in re.finditer(pattern, text)]
        # Sphinx's release or the citation's version one behind the package's is one a
        # release left behind: drift
        near = [v for v in said if pattern in _DOCS and _one_release_behind(v, version)]
        value = version if version in said else next(iter(near), None)
        if value is not None:
            found.append(VersionLocation(path, "pattern", value, pattern=pattern, every=every))
        # its short version, the package's major.minor, moves with the releases too
        if every and (first := re.search(_SPHINX_SHORT, text)) is not None:
            short = VersionLocation(
                path, "pattern", first["version"], pattern=_SPHINX_SHORT, short=True
            )
            found += [short] if short.value == short.spell(version) != version else []
    # npm's manifest of the same project in its folder or its import package's (changesets
    # moves it with the release); a front end's, under another name, is not a copy
    for folder in dict.fromkeys([directory, *(base / m for m in modules for base in roots)]):
        path = folder / "package.json"
        npm = (json_object(path) if path not in taken else None) or {}
        npm_name = npm.get("name") if npm.get("version") == version else None
        if isinstance(npm_name, str) and canonicalize_name(npm_name) == canonicalize_name(
            project_name
        ):
            from relnox.versions.dynamic import NODEJS_VERSION  # the dynamic readers: only here

            found.append(VersionLocation(path, "pattern", version, pattern=NODEJS_VERSION))
    config = config_above(directory)  # read once for both
    found += extra_files(directory, config, version, taken | {f.path for f in found})
    entry = manifest_entry(directory, config, version, taken | {f.path for f in found})
    return found + ([entry] if entry is not None else [])


def json_object(path: Path) -> Mapping[str, Any] | None:
    """The JSON object ``path`` holds, or None (no file, or no object in it)."""
    try:
        data = json.loads(text_or_none(path) or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def docs_at_release(loc: VersionLocation, primary: Version) -> bool:
    """Whether ``loc`` is Sphinx's release or the citation's version at a final below
    ``primary``, a development version: the docs show (the citation names) the last release until
    the next moves them (no drift, left by a dev bump)."""
    copy = maybe_version(loc.value)
    if loc.pattern not in _DOCS or copy is None or copy.is_prerelease:
        return False
    return primary.is_devrelease and copy < primary


def _one_release_behind(copy: str, version: str) -> bool:
    """Whether ``version`` is ``copy``'s next release (1.6.11 then 1.7.0, not 1.16.0): left behind."""
    low, high = maybe_version(copy), maybe_version(version)
    if low is None or high is None or low >= high or len(low.release) != len(high.release):
        return False  # "1.1" beside "1.1.1" is a short spelling, not a release behind
    lo, hi = low.release, high.release
    if lo == hi:
        return True
    first = next(i for i in range(len(lo)) if lo[i] != hi[i])
    return hi[first] == lo[first] + 1 and not any(hi[first + 1 :])


def _crate_copy(
    directory: Path, doc: Mapping[str, Any], backend: str, known: list[VersionLocation]
) -> VersionLocation | None:
    """A maturin crate's version, or meson.build's ``project(version:)``, when it is ``[project]``'s."""
    if not known or known[0].key != ("project", "version"):
        return None
    from relnox.versions.dynamic_native import cargo_version, meson_version

    meson = backend.startswith("mesonpy") and (directory / "meson.build").is_file()
    try:
        if backend.startswith("maturin"):
            _source, (crate, *_), _evidence = cargo_version(directory, doc)
        elif meson and (found := meson_version(directory)) is not None:
            _source, (crate, *_), _evidence = found
        else:
            return None
    except (ConfigError, VersionError, ValueError):
        return None
    primary = maybe_version(known[0].value)
    return crate if primary is not None and maybe_version(crate.value) == primary else None


ToolFiles = Callable[[Path, Mapping[str, Any], str], list[VersionLocation]]


def _tool_copies(
    directory: Path, doc: Mapping[str, Any], known: list[VersionLocation]
) -> list[tuple[VersionLocation, ToolFiles]]:
    """The current version bump-my-version, tbump or bumpver records, when it says what the
    version source says, each with the reader of the files that tool rewrites."""
    from relnox.versions.bump_tools import READERS
    from relnox.versions.bumpversion import current_version, tool_files

    primary = maybe_version(known[0].value) if known else None
    if primary is None:
        return []
    found: list[tuple[VersionLocation, ToolFiles]] = []
    for current, files in ((current_version, tool_files), *READERS):
        if (copy := current(directory, doc)) is None or maybe_version(copy.value) != primary:
            continue
        place = (copy.path, copy.key, copy.pattern)
        if all((k.path, k.key, k.pattern) != place for k in [*known, *(c for c, _ in found)]):
            found.append((copy, files))
    return found


def _names(directory: Path) -> frozenset[str] | None:
    """The names in ``directory`` (none when it is none); None when it cannot be listed."""
    try:
        return frozenset(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()
    except OSError:
        return None


def _regular_packages(path: Path) -> list[Path]:
    """``path`` itself, or for a namespace package the regular packages directly inside it."""
    if not path.is_dir() or (path / "__init__.py").is_file():
        return [path]
    return sorted(child for child in path.iterdir() if (child / "__init__.py").is_file())


def _with_setup_py_layout(directory: Path, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """``doc`` with the packages setup.py's ``setup()`` and setup.cfg's ``[options]`` ship
    written into ``[tool.setuptools]``, where that table does not say them."""
    layout: Mapping[str, Any] = {}
    if (directory / "setup.py").is_file():
        from relnox.versions.setup_py_layout import setup_py_layout

        layout = setup_py_layout(directory)
    if (directory / "setup.cfg").is_file():  # setup.cfg's [options], which setup() overrides
        from relnox.versions.setup_py_layout import setup_cfg_layout

        layout = {**setup_cfg_layout(setup_cfg(directory)), **layout}
    if not layout:
        return doc
    tool = table(doc, "tool")
    setuptools = {**layout, **table(tool, "setuptools")}
    return {**doc, "tool": {**tool, "setuptools": setuptools}}


def load_package(
    directory: Path, doc: Mapping[str, Any], names: set[str], config: Config, is_root: bool
) -> Package:
    pyproject = directory / "pyproject.toml"
    project = table(doc, "project")
    tool_poetry = table(doc, "tool", "poetry")
    build_system = table(doc, "build-system")
    backend = build_system.get("build-backend") or DEFAULT_BACKEND
    default = DEFAULT_BUILD_REQUIRES if "build-backend" not in build_system else ()
    requires = tuple(build_system.get("requires", default))

    @functools.cache
    def said() -> Metadata | BackendVersionError | None:
        """What its build backend says, asked once where relnox's own reading cannot say."""
        from relnox.versions.referee import said_by_backend

        return said_by_backend(directory, [str(r) for r in requires], str(backend))

    project_name = name_of(directory, doc)
    asked = ""  # what relnox took from its backend, its own reading unable to say it
    if not project_name and not project and (directory / "setup.py").is_file():
        if (answer := said()) is None or isinstance(answer, Exception) or not answer.name:
            failed = isinstance(answer, Exception)
            why = f", and {str(answer).removeprefix(f'{directory}: ')}" if failed else ""
            raise ConfigError(
                f"{directory / 'setup.py'}: setup() is given no literal name and relnox "
                f"cannot read the one setup.py computes without running the build{why}; add "
                "[metadata] name = <the project's name> to setup.cfg (setuptools reads it "
                "there, and a name setup() passes still wins)"
            )
        project_name, asked = answer.name, "name"
    if not project_name:
        raise ConfigError(f'{pyproject}: [project] has no name; add name = "your-package"')
    check_build_system(pyproject, requires, backend)
    shipped = _with_setup_py_layout(directory, doc)
    modules = import_packages(directory, project_name, shipped)
    settings = config.raw if is_root else table(doc, "tool", "relnox")
    if not is_root:
        check_keys(pyproject, settings, MEMBER_KEYS)
    override = (
        check_version_source(pyproject, settings.get("version-source")) or config.version_source
    )
    cfg = setup_cfg(directory) if not project else {}

    def listed() -> list[VersionLocation]:
        return version_files(settings, directory, config.source if is_root else pyproject)

    source, found, evidence = version_source(
        directory,
        doc,
        str(backend),
        [str(r) for r in requires],
        override=override,
        listed=listed,
        layout=lambda: (source_roots(directory, shipped), modules),
        said=lambda: None if (a := said()) is None or isinstance(a, Exception) else a.version,
    )
    build_computes = source == COMPUTED_SOURCE
    source = VCS_SOURCE if build_computes else source
    if source == "build backend":  # relnox.versions.referee.ASKED_SOURCE
        asked = " and ".join(filter(None, (asked, "version")))
    locations = list(found)
    drift: list[VersionLocation] = []
    version = "0.0.0"  # a tag-versioned package's: its last tag's, read in discover
    if source != VCS_SOURCE:
        extra = listed()
        named = frozenset(loc.path for loc in extra)
        locations += _secondaries(
            directory, shipped, project_name, modules, locations, backend, named
        )
        locations += [loc for loc in extra if all(loc.path != k.path for k in locations)]
        primary = validate_version(locations[0].value, locations[0].label)
        drift = [
            loc
            for loc in locations[1:]
            if maybe_version(loc.value) != maybe_version(loc.spell(str(primary)))
            and not docs_at_release(loc, primary)
        ]
        version = str(primary) if locations[0].semver else locations[0].value
        check_file_name(locations[0].label, canonicalize_name(project_name), version)
    tag_format, tag_where = _tag_format(pyproject, project_name, settings, config, is_root)
    match, regex = _tag_rules(doc) if source == VCS_SOURCE else (None, None)
    if evidence.startswith("versioneer"):
        from relnox.versions.dynamic import versioneer_match

        match = versioneer_match(directory, doc)
    scripts = {**table(tool_poetry, "scripts"), **table(project, "scripts")}
    python = table(tool_poetry, "dependencies").get("python")  # poetry's "^3.9", as PEP 440
    if isinstance(python, str):
        from relnox.project.pins import poetry_specifier

        python = poetry_specifier(python)
    return Package(
        name=canonicalize_name(project_name),
        project_name=project_name,
        directory=directory,
        pyproject=pyproject,
        version=version,
        version_source=source,
        locations=tuple(locations),
        backend=str(backend),
        build_requires=tuple(str(r) for r in requires),
        requirements=internal_requirements(pyproject, doc, names),
        import_packages=modules,
        scripts={k: str(v) for k, v in scripts.items() if isinstance(v, str)},
        readme=readme_path(directory, doc),
        requires_python=project.get("requires-python")
        or (python if isinstance(python, str) else None)
        or flit_metadata(doc).get("requires-python")
        or cfg.get("options", {}).get("python_requires")
        or None,
        settings=dict(settings),
        evidence=evidence,
        build_computes=build_computes,
        asked=asked,
        drift=tuple(drift),
        tag_format=tag_format,
        tag_format_where=tag_where if tag_format else "",
        tag_match=match,
        tag_regex=regex,
        build_tables=build_tables(doc),
    )


def _tag_format(
    pyproject: Path, project_name: str, settings: Mapping[str, Any], config: Config, is_root: bool
) -> tuple[str | None, str]:
    """The package's configured tag-format and where it is set; None: none is set."""
    tag_format = settings.get("tag-format") if not is_root else None
    tag_where = f"{pyproject} [tool.relnox] tag-format"
    for key in (canonicalize_name(project_name), project_name, pyproject.parent.name):
        if key in config.tag_formats:
            tag_format = config.tag_formats[key]
            tag_where = f"{config.source} [tool.relnox.tag-formats] {key}"
    if tag_format is None and config.tag_format:
        tag_format, tag_where = config.tag_format, f"{config.source} [tool.relnox] tag-format"
    if tag_format is not None:
        check_tag_format(pyproject, tag_format)
    return tag_format, tag_where
