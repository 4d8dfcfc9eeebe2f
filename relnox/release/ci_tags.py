"""What a CI run asks of its tags: which packages a release tag names and at which version
(``check-tag``, ``resolve-version``), the release tags of a commit, and whether a version
is the newest release (a maintenance release is never marked latest)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from relnox.errors import ConfigError, VersionError
from relnox.paths import rel
from relnox.project.package_tags import packages_of_tag as packages_of_tag
from relnox.project.package_tags import parse_release_tag as parse_release_tag
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.tools.github import ref_tag
from relnox.versions.arithmetic import abbreviates, maybe_version, same_version, validate_version
from relnox.versions.tags import ParsedTag


@dataclass(frozen=True)
class TagCheck:
    tag: str
    package: str
    version: str
    file: str


def release_tags_at(workspace: Workspace, rev: str = "HEAD") -> list[str]:
    """The release tags of this workspace pointing at ``rev``."""
    found: dict[str, tuple[tuple[str, ...], Version | None]] = {}
    if rev.startswith("-") or git.commit_of(workspace.root, rev) is None:
        raise VersionError(
            f"--at {rev!r} is not a commit of {workspace.root}; pass a commit, branch or tag "
            "(e.g. HEAD), and fetch it first in a shallow clone"
        )
    for name in sorted(git.git(workspace.root, "tag", "--points-at", rev).split()):
        try:
            parsed = parse_release_tag(workspace, name)
            packages = packages_of_tag(workspace, parsed)
        except (VersionError, ConfigError):  # another project's tag, or a non-release tag
            continue
        found[name] = (tuple(p.name for p in packages), maybe_version(parsed.version))
    return [
        name
        for name, (tagged, version) in found.items()
        if not abbreviates(version, [v for n, (p, v) in found.items() if p == tagged and n != name])
    ]


def check_tag(
    workspace: Workspace, tag: str | None = None, env: Mapping[str, str] | None = None
) -> list[TagCheck]:
    """The tag's version equals the pyproject version of its package(s), or VersionError."""
    if not (tag := tag or ref_tag(env)):
        raise VersionError(
            "no tag to check; pass TAG (or run on a tag push, GITHUB_REF=refs/tags/...)"
        )
    name = tag.removeprefix("refs/tags/")
    valid = git.run(workspace.root, "check-ref-format", f"refs/tags/{name}").ok
    if name.startswith("-") or not valid:
        raise VersionError(
            f"{name!r} is not a valid git tag name (no spaces or control characters, no '..', "
            "none of ~ ^ : ? * [ \\); pass the release tag as git has it, e.g. "
            f"{workspace.tag_for(workspace.packages[0]) if workspace.packages else 'v1.2.0'}"
        )
    parsed = parse_release_tag(workspace, tag)
    if (nothing := releases_nothing(workspace.root, name)) is not None:
        raise VersionError(
            f"{nothing}; delete it (git tag -d {name}, git push --delete origin {name}) and "
            "tag the release commit"
        )
    checks = []
    for pkg in packages_of_tag(workspace, parsed):
        file = rel(pkg.locations[0].path if pkg.locations else pkg.pyproject, workspace.root)
        if maybe_version(parsed.version) is None:
            raise VersionError(
                f"tag {parsed.tag}: {parsed.version!r} is not a PEP 440 version, so the tag "
                f"releases no version of {pkg.name}; tag {workspace.tag_for(pkg)} instead"
            )
        if not pkg.vcs_versioned and not same_version(parsed.version, pkg.version):
            raise VersionError(
                f"Version mismatch: git tag ({parsed.version}) != {Path(file).name} ({pkg.version}) "
                f"for {pkg.name} in {file}; {_mismatch_fix(workspace, pkg, parsed)}"
            )
        said = _backend_check(workspace, pkg, parsed.tag, parsed.version)
        checks.append(TagCheck(parsed.tag, pkg.name, said or pkg.version, file))
    return checks


def releases_nothing(root: Path, tag: str) -> str | None:
    """Why ``tag`` releases nothing when it names no commit (a tree, a blob), else None."""
    if not git.tag_exists(root, tag) or git.tag_commit(root, tag) is not None:
        return None
    kind = git.git(root, "cat-file", "-t", f"refs/tags/{tag}^{{}}", check=False)
    return f"tag {tag} names a {kind or 'object'}, not a commit, so it releases nothing"


def _backend_check(workspace: Workspace, pkg: Package, tag: str, version: str) -> str | None:
    """The version ``pkg``'s build backend gives HEAD, or VersionError when that is not the
    tag's; ``None`` when it is not asked or cannot answer (relnox's reading stands)."""
    from relnox.versions.referee import backend_answer

    if (said := backend_answer(workspace, pkg)) is None:
        return None
    if not same_version(said.split("+", 1)[0], version) or "+" in said:
        where = git.tag_commit(workspace.root, tag) if git.tag_exists(workspace.root, tag) else None
        head = git.head(workspace.root)
        if where is None:
            named = f"tag {tag} does not exist"
        elif where != head:
            named = f"tag {tag} names commit {where[:12]}, not HEAD {(head or '')[:12]}"
        else:
            named = f"tag {tag} names HEAD"
        raise VersionError(
            f"Version mismatch: git tag ({version}) != what the build backend {pkg.backend} "
            f"of {pkg.name} builds here ({said}): {named}; check out the commit the tag "
            "names, or make the release with relnox bump, which tags the commit it proves"
        )
    return said


def _mismatch_fix(workspace: Workspace, pkg: Package, parsed: ParsedTag) -> str:
    """The way out of a tag naming another version than the files: never setting the files
    back to a tag below them (a downgrade), which a stale or mistyped tag asks for."""
    tagged, files = maybe_version(parsed.version), maybe_version(pkg.version)
    own = workspace.tag_for(pkg)
    if tagged is not None and files is not None and tagged < files:
        return (
            f"the tag is below that version, and setting the version back would be a "
            f"downgrade: check out the commit {parsed.tag} tags, or tag {own} instead "
            f"(delete {parsed.tag} if it was made by mistake)"
        )
    return f"set the version to {parsed.version} there, or tag {own} instead"


@dataclass(frozen=True)
class ResolvedVersion:
    package: str
    version: str
    source: str  # "tag", "input" or "pyproject"
    tag: str | None = None


def resolve_version(
    workspace: Workspace,
    package: str | None = None,
    *,
    tag: str | None = None,
    explicit: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ResolvedVersion:
    """A package's release version: from the tag, else the explicit input, else pyproject."""
    parsed: ParsedTag | None = None
    if tag:
        parsed = parse_release_tag(workspace, tag)
    elif pushed := ref_tag(env):
        with contextlib.suppress(VersionError):
            parsed = parse_release_tag(workspace, pushed)
    pkg: Package | None = workspace.get(package) if package else None
    tagged = packages_of_tag(workspace, parsed) if parsed else ()
    if pkg is None:
        if len(workspace.packages) == 1:
            pkg = workspace.packages[0]
        elif len(tagged) == 1:
            pkg = tagged[0]
        else:
            raise ConfigError(
                f"{workspace.root} has {len(workspace.packages)} packages; pass --package NAME "
                f"(one of {', '.join(p.name for p in workspace.packages)})"
            )
    if parsed is not None:
        if pkg in tagged:
            validate_version(parsed.version, f"tag {parsed.tag}")
            return ResolvedVersion(pkg.name, parsed.version, "tag", parsed.tag)
        if tag:
            raise VersionError(f"tag {tag} is not a tag of {pkg.name}; pass a tag of that package")
    if explicit and explicit.strip():
        # as PEP 440 spells it, or as the package does when they are the same
        given = str(validate_version(explicit.strip(), "the explicit version input"))
        version = pkg.version if same_version(given, pkg.version) else given
        return ResolvedVersion(pkg.name, version, "input")
    return ResolvedVersion(pkg.name, pkg.version, "pyproject")


def is_latest(workspace: Workspace, package: str, version: str) -> bool:
    """Whether ``version`` of ``package`` is the latest release, not a maintenance one."""
    facts = workspace.get(package).tags
    return facts is None or facts.highest is None or Version(version) >= facts.highest
