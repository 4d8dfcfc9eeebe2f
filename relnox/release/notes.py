"""Release notes: the changelog section of a version plus how to install it, the text
``gh release create TAG --notes-file FILE`` publishes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from relnox.atomic import write_atomic
from relnox.errors import ConfigError, VersionError
from relnox.project.changelog import read_section
from relnox.project.changelog_file import changelog_of, release_pages
from relnox.project.workspace import Package, Workspace
from relnox.publish import configured_target
from relnox.release.ci_tags import packages_of_tag, parse_release_tag
from relnox.tools.repositories import PYPI, builtin, resolve
from relnox.versions.arithmetic import maybe_version, same_version

logger = logging.getLogger("relnox")
NOTES_FILE = "release-notes.md"


@dataclass(frozen=True)
class ReleaseNotes:
    version: str
    packages: tuple[str, ...]
    changelog: Path | None  # the file the section came from (None: no section found)
    text: str


def _target(
    workspace: Workspace, version_or_tag: str, package: str | None
) -> tuple[str, tuple[Package, ...]]:
    text = version_or_tag.strip()
    tagged: tuple[Package, ...] = ()
    if maybe_version(text) is not None:
        version = text.lstrip("vV")
    else:
        try:
            parsed = parse_release_tag(workspace, text)
        except VersionError:
            raise VersionError(
                f"{version_or_tag!r} is neither a version nor a release tag of a package here; "
                f"pass e.g. 1.2.0 or {workspace.tag_for(workspace.packages[0])}"
            ) from None
        version = parsed.version
        tagged = packages_of_tag(workspace, parsed)
    if package:
        return version, (workspace.get(package),)
    if len(tagged) == 1 or len(workspace.packages) == 1:
        chosen = tagged[:1] or workspace.packages
        _released_or_current(chosen[0], version, version_or_tag)
        return version, chosen
    matching = tuple(p for p in (tagged or workspace.packages) if same_version(p.version, version))
    if not matching:
        raise ConfigError(
            f"no package of {workspace.root} is at version {version}; pass --package NAME"
        )
    return version, matching


def _released_or_current(pkg: Package, version: str, given: str) -> None:
    """Refuse notes of a version neither the package's own nor one a tag of it releases."""
    wanted = maybe_version(version)
    if pkg.vcs_versioned or wanted is None or same_version(pkg.version, version):
        return
    if pkg.tags is not None and wanted in pkg.tags.released:
        return
    raise VersionError(
        f"{given!r}: {pkg.name} is at {pkg.version} and no tag of it releases {version}, so "
        f"the notes would name a release that was never made; pass {pkg.version} or a "
        f"released version (or --package {pkg.name} to write them all the same)"
    )


def release_notes(
    workspace: Workspace,
    version_or_tag: str,
    package: str | None = None,
    repository: str | None = None,
    *,
    install_only: bool = False,
) -> ReleaseNotes:
    """The notes of ``version_or_tag`` (``1.2.0`` or a release tag) for its package(s),
    naming the index it is released to; ``install_only``: only the installation section."""
    version, packages = _target(workspace, version_or_tag, package)
    first = packages[0]
    changelog = changelog_of(workspace, first)
    section = None if install_only else read_section(changelog, version)
    page = None if install_only or changelog.is_file() else _page_of(first, version)
    lines: list[str] = []
    if section is not None and section.body:
        lines += [section.body, ""]
    elif page is not None:  # a page of notes per release, doctor's changelog of such a project
        changelog, body = page
        lines += [body, ""]
    elif not install_only:
        said = (changelog.name, version)
        logger.warning("%s has no section for %s; the notes only say how to install it", *said)
    names = ", ".join(p.project_name for p in packages)
    if repository is None:
        repository = configured_target(workspace, Version(version).is_prerelease)
    where = resolve(repository, workspace.config)
    lines += ["## Installation", "", f"{names} {version} is on {where.label}:", "", "```bash"]
    pypi = builtin(PYPI)  # another index: its files from there, dependencies from PyPI
    extra = f" --extra-index-url {pypi.simple_url}" if pypi is not None else ""
    index = "" if where.is_production_pypi else f"--index-url {where.simple_url}{extra} "
    lines += [f"pip install {index}{p.project_name}=={version}" for p in packages] + ["```"]
    found = changelog if section is not None or page is not None else None
    return ReleaseNotes(version, tuple(p.name for p in packages), found, "\n".join(lines) + "\n")


def _page_of(pkg: Package, version: str) -> tuple[Path, str] | None:
    """The page of ``version``'s notes of a folder of one per release, without its title."""
    pages, wanted = release_pages(pkg.directory), maybe_version(version)
    page = pages[1].get(wanted) if pages is not None and wanted is not None else None
    if page is None:
        return None
    lines = page.read_text(encoding="utf-8").strip().splitlines()

    def rule(line: str) -> bool:  # a title's under- or overline
        return bool(line) and set(line) <= set("=-~^*#")

    if lines and rule(lines[0]) and len(lines) > 2:  # an over- and underlined title
        lines = lines[3:]
    elif lines and lines[0].startswith("# "):
        lines = lines[1:]
    elif len(lines) > 1 and rule(lines[1]):
        lines = lines[2:]
    return page, "\n".join(lines).strip()


def write_notes(notes: ReleaseNotes, path: Path) -> Path:
    return write_atomic(path, notes.text)
