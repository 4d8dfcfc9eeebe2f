"""The build backend is the referee of a computed version: where it differs, it wins."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from relnox.errors import ConfigError, VersionError
from relnox.paths import rel
from relnox.toml import table
from relnox.tools import backend_version as asked
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import VersionLocation, load_toml, setup_cfg

if TYPE_CHECKING:
    from relnox.project.workspace import Package, Workspace

logger = logging.getLogger("relnox")

#: the places whose version relnox reads as the literal the backend itself reads there
LITERAL_KINDS = ("toml", "python", "text", "pattern")
#: the version source of a version relnox could not read and its backend said, in a file
ASKED_SOURCE = "build backend"


def computed(pkg: Package) -> bool:
    """Whether ``pkg``'s version is computed (tags, setup.py, a tuple, no literal): ask its backend."""
    primary = pkg.primary
    return (
        pkg.vcs_versioned
        or pkg.version_source in ("setup.py", ASKED_SOURCE)
        or (pkg.directory / "setup.py").is_file()
        or primary is None
        or primary.kind not in LITERAL_KINDS
    )


def _stripped(version: Version) -> Version:
    """``version`` without its dev and local parts: the release it leads to."""
    text = ".".join(str(n) for n in version.release)
    text += f"{version.pre[0]}{version.pre[1]}" if version.pre is not None else ""
    return Version(text + (f".post{version.post}" if version.post is not None else ""))


def _next_guess(tag: Version) -> Version:
    """The least release a version-from-tags plugin heads to after ``tag``."""
    if tag.is_devrelease:
        return _stripped(tag)
    release = ".".join(str(n) for n in tag.release)
    if tag.pre is not None and tag.post is None:
        return Version(f"{release}{tag.pre[0]}{tag.pre[1] + 1}")
    if tag.post is not None:
        return Version(f"{_stripped(tag)}".rsplit(".post", 1)[0] + f".post{tag.post + 1}")
    return Version(".".join(str(n) for n in (*tag.release[:-1], tag.release[-1] + 1)))


def agrees(pkg: Package, said: str) -> bool:
    """Whether the backend's ``said`` is relnox's reading of ``pkg``, or between tags a
    development (or post) version heading to the next."""
    backend, read = maybe_version(said), maybe_version(pkg.version)
    if backend is None or read is None:
        return False
    if backend == read or backend.public == read.public:
        return True
    if not pkg.vcs_versioned or not (
        backend.is_devrelease or backend.is_postrelease or backend.local
    ):
        return False
    if pkg.tags is None or pkg.tags.reachable is None:
        return True  # no release tag yet: any development version
    return read < backend and _stripped(backend) <= _next_guess(read)


def _finding(pkg: Package, said: str, root: Path) -> str:
    if pkg.vcs_versioned:
        read = f"relnox reads {pkg.version} from its tags"
        if pkg.tags is not None and pkg.tags.reachable_tag:
            read += f" (last tag {pkg.tags.reachable_tag})"
    else:
        where = rel(pkg.primary.path, root) if pkg.primary else str(pkg.pyproject)
        read = f"relnox reads {pkg.version} in {where}"
    return (
        f"{pkg.name}: its build backend {pkg.backend} says {said}, but {read}; the "
        "backend's version is the one built, so relnox takes it (tell relnox where the "
        "version is with [tool.relnox] version-files or tag-format if its reading is wrong)"
    )


def without_tag_build(directory: Path, said: str) -> str:
    """``said`` without setuptools' ``[egg_info] tag-build`` suffix (``2.1.0b4.dev0``: 2.1.0b4)."""
    pyproject = directory / "pyproject.toml"
    doc = load_toml(pyproject) if pyproject.is_file() else {}
    options = table(doc, "tool", "distutils", "egg_info")
    suffix = options.get("tag-build", options.get("tag_build"))
    try:
        if suffix is None:
            suffix = setup_cfg(directory).get("egg_info", {}).get("tag_build")
    except ConfigError:
        return said
    version = maybe_version(said)
    if not isinstance(suffix, str) or not suffix.strip() or version is None:
        return said
    base = _stripped(version)
    return str(base) if maybe_version(f"{base}{suffix.strip()}") == version else said


def refereed(workspace: Workspace) -> Workspace:
    """``workspace`` with each computed version as its backend says it, with a finding."""
    if not asked.enabled():
        return workspace
    questions = {
        pkg.name: asked.Question(pkg.directory, pkg.build_requires, pkg.backend)
        for pkg in workspace.packages
        if computed(pkg) and not asked.compiles(pkg.backend) and not _offline_reading(pkg)
    }
    answers: Mapping[str, str | asked.BackendVersionError] = (
        asked.backend_versions(workspace.root, questions, kept_only=True) if questions else {}
    )
    packages = []
    for pkg in workspace.packages:
        said = answers.get(pkg.name)
        if isinstance(said, str):
            said = without_tag_build(pkg.directory, said)
        if computed(pkg) and asked.compiles(pkg.backend):
            evidence = (
                f"{pkg.evidence}; {pkg.backend} cannot say the version without compiling, "
                "so relnox's reading stands (build-all checks it)"
            )
            pkg = replace(pkg, evidence=evidence)
        elif computed(pkg) and (url := _offline_reading(pkg)):
            evidence = (
                f"{pkg.evidence}; its build requirement {url} is fetched from a URL, so its "
                "backend is not asked while relnox reads the version itself (build-all checks it)"
            )
            pkg = replace(pkg, evidence=evidence)
        elif isinstance(said, asked.BackendVersionError):
            pkg = replace(pkg, referee=fallback(pkg, said))
        elif said is not None and not agrees(pkg, said):
            parsed = maybe_version(said)
            public = parsed.public if parsed is not None else said
            pkg = replace(pkg, version=public, referee=_finding(pkg, said, workspace.root))
        elif said is not None and said != pkg.version and pkg.primary and pkg.primary.composed:
            pkg = replace(pkg, spelled=said)
        packages.append(pkg)
    return replace(workspace, packages=tuple(packages))


def _offline_reading(pkg: Package) -> str | None:
    """The URL build requirement of ``pkg`` whose version relnox reads itself, if any."""
    if pkg.version_source == ASKED_SOURCE or pkg.build_computes:
        return None
    url = asked.fetched(pkg.build_requires)
    return url if url is not None and not asked.kept(pkg.build_requires) else None


def fallback(pkg: Package, failure: asked.BackendVersionError) -> str:
    """The one warning of a backend that cannot say ``pkg``'s version, in every command."""
    return f"{failure}; relnox's own reading ({pkg.version}) is used"


def backend_answer(workspace: Workspace, pkg: Package) -> str | None:
    """What ``pkg``'s backend says of the tree now; ``None`` where it is not asked or cannot say."""
    if not asked.enabled() or not computed(pkg) or asked.compiles(pkg.backend):
        return None
    question = asked.Question(pkg.directory, pkg.build_requires, pkg.backend)
    said = asked.backend_versions(workspace.root, {pkg.name: question})[pkg.name]
    if isinstance(said, asked.BackendVersionError):
        if not pkg.referee:
            logger.warning(fallback(pkg, said))
        return None
    return without_tag_build(pkg.directory, said)


def said_by_backend(
    directory: Path, requires: Sequence[str], backend: str
) -> asked.Metadata | asked.BackendVersionError | None:
    """The name and version ``directory``'s build backend gives it; ``None`` where not asked."""
    if not asked.enabled() or asked.compiles(backend):
        return None
    question = asked.Question(directory, tuple(requires), backend)
    return asked.backend_metadata(directory, {"": question}, kept_only=True).get("")


def held_version(
    directory: Path, places: Sequence[Path], said: str, setting: Path
) -> VersionLocation | None:
    """The one file of ``places`` named for the version holding ``said``; two are an error."""
    from relnox.versions.setup_py import version_file

    version = maybe_version(said)
    held: dict[Path, VersionLocation] = {}
    for place in dict.fromkeys(places):
        names = sorted(os.listdir(place)) if place.is_dir() else []
        for path in (place / n for n in names if "version" in n.lower()):
            loc = version_file(path) if path.is_file() else None
            if loc is not None and version is not None and maybe_version(loc.value) == version:
                held.setdefault(path.resolve(), loc)
    found = [rel(loc.path, directory) for loc in held.values()]
    if len(found) > 1:
        raise VersionError(
            f"{directory}: its build backend says {said}, which {' and '.join(found)} both "
            f'hold; set [tool.relnox] version-files = ["{found[0]}"] (the one the release '
            f"writes) in {setting}"
        )
    return next(iter(held.values()), None)


def asked_note(pkg: Package, root: Path) -> str:
    """The one line saying what of ``pkg`` its build backend said (:attr:`Package.asked`)."""
    said = pkg.asked.split(" and ")
    what = f"{pkg.name} {pkg.version}" if "version" in said else pkg.name
    note = (
        f"{what}: its {pkg.asked} {'are' if len(said) > 1 else 'is'} what its build backend "
        f"{pkg.backend} says, as relnox cannot read {'them' if len(said) > 1 else 'it'} "
        "without running the build"
    )
    if "version" in said and pkg.primary is not None:
        note += f"; {rel(pkg.primary.path, root)} holds the version, so a bump rewrites that file"
    return note
