"""Each package with what the repository's tags say of it; one whose version is from tags takes
its last release's, or is broken when its tags cannot say it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from relnox.errors import ConfigError, GitError, RelnoxError, VersionError
from relnox.project.package_load import json_object
from relnox.project.workspace import Broken, Package, Workspace
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version
from relnox.versions.sources import VersionLocation
from relnox.versions.tag_model import Member
from relnox.versions.tags import ParsedTag, parse_tag
from relnox.versions.vcs import tag_facts


def _rel(top: Path, path: Path) -> str:
    """``path`` (resolved) relative to ``top`` (its name where it is not below it)."""
    try:
        return path.relative_to(top).as_posix()
    except ValueError:
        return path.name


def _member(pkg: Package, top: Path, root: Path) -> Member:
    """``pkg`` as the conventions see it (``top`` and ``root`` resolved)."""
    directory = pkg.directory.resolve()
    rel = _rel(top, directory)
    parts = tuple(part for part in rel.split("/")[:-1] if part and part != ".")
    version_file = pkg.primary.path if pkg.primary is not None else pkg.pyproject
    return Member(
        name=pkg.name,
        project_name=pkg.project_name,
        dir=pkg.directory.name,
        parents=parts,
        is_root=directory == root,
        configured=pkg.tag_format,
        configured_where=pkg.tag_format_where,
        match=pkg.tag_match,
        regex=pkg.tag_regex,
        version_file=_rel(top, version_file.resolve()),
        # how its file is read, the same for each file written alike: not its path or value
        location=pkg.primary and replace(pkg.primary, path=Path(), value=""),
        home="" if rel == "." else rel,
        vcs=pkg.vcs_versioned,
        current=None if pkg.vcs_versioned else maybe_version(pkg.version),
        go_modules=tuple(
            "/".join(parts[: i + 1])
            for i in range(len(parts))
            if (top / "/".join(parts[: i + 1]) / "go.mod").is_file()
        ),
        npm_name=_npm_name(pkg.directory / "package.json", pkg.version),
    )


def _npm_name(path: Path, version: str) -> str:
    """The ``name`` of the npm manifest ``path`` where it says ``version`` too, the same
    project's (``""``: none, a front end's of its own version, or no name)."""
    npm = json_object(path) or {}
    name = npm.get("name") if npm.get("version") == version else None
    return name if isinstance(name, str) else ""


def read_tags(workspace: Workspace) -> Workspace:
    """``workspace`` with every package's :class:`~relnox.versions.tag_model.TagFacts` attached."""
    if not git.on_path() or not git.is_repo(workspace.root):
        return workspace
    top = git.toplevel(workspace.root).resolve()
    root = workspace.root.resolve()
    members = [_member(pkg, top, root) for pkg in workspace.packages]
    config = workspace.config
    facts, shallow = tag_facts(workspace.root, top, members, workspace.tag_format, config.lockstep)
    packages: list[Package] = []
    broken = list(workspace.broken)
    for pkg in workspace.packages:
        fact = facts[pkg.name]
        if not (pkg := replace(pkg, tags=fact)).vcs_versioned:
            npm = next(m.npm_name for m in members if m.name == pkg.name)
            packages.append(_with_tagged_manifest(_without_passed_copies(pkg), npm))
            continue
        error: RelnoxError | None = None
        if fact.problem is not None:
            error = VersionError(
                f"{pkg.pyproject}: the version comes from git tags, but {fact.problem}"
            )
        elif shallow and fact.count == 0:
            error = GitError(
                f"{pkg.pyproject}: the version comes from git tags and this shallow clone has "
                "none of them; run git fetch --unshallow --tags"
            )
        if error is not None:
            broken.append(Broken(pkg.directory, pkg.name, error))
        elif fact.reachable is not None:
            evidence = f"{pkg.evidence}; {fact.reachable} from tag {fact.reachable_tag}"
            if fact.highest is not None and fact.highest > fact.reachable:
                evidence += f" (tag {fact.highest_tag}, {fact.highest}, is on another branch)"
            packages.append(replace(pkg, version=str(fact.reachable), evidence=evidence))
        elif fact.highest is not None:
            evidence = f"{pkg.evidence}; no tag of it on this branch, highest is {fact.highest_tag}"
            packages.append(replace(pkg, version=str(fact.highest), evidence=evidence))
        else:
            packages.append(replace(pkg, evidence=f"{pkg.evidence}; no release tag yet"))
    return replace(workspace, packages=tuple(packages), broken=tuple(broken), shallow=shallow)


def _with_tagged_manifest(pkg: Package, npm_name: str) -> Package:
    """``pkg`` with the npm manifest beside it as a copy of its version where its releases are
    tagged by the manifest's name (changesets versions the manifest, then tags it so)."""
    facts = pkg.tags
    if not npm_name or facts is None or not facts.count:
        return pkg
    if facts.convention.format != f"{npm_name}@{{version}}":
        return pkg
    path = pkg.directory / "package.json"
    if any(loc.path == path for loc in pkg.locations):
        return pkg
    from relnox.versions.dynamic import NODEJS_VERSION  # the dynamic readers: only here

    manifest = VersionLocation(path, "pattern", pkg.version, pattern=NODEJS_VERSION)
    return replace(pkg, locations=(*pkg.locations, manifest))


def _without_passed_copies(pkg: Package) -> Package:
    """``pkg`` without the copies at a version below one its tags released, itself below its
    own (docs at 0.6.1 while 0.8.1 was released and the files say 1.0.0a2): no drift, no edit."""
    released = pkg.tags.released if pkg.tags is not None else frozenset()
    if not pkg.drift or not released or (current := maybe_version(pkg.version)) is None:
        return pkg
    passed = [
        loc
        for loc in pkg.drift
        if (copy := maybe_version(loc.value)) is not None
        and any(copy < release < current for release in released)
    ]
    if not passed:
        return pkg
    return replace(
        pkg,
        locations=tuple(loc for loc in pkg.locations if loc not in passed),
        drift=tuple(loc for loc in pkg.drift if loc not in passed),
    )


def parse_release_tag(workspace: Workspace, tag: str) -> ParsedTag:
    """``tag`` read by the conventions of the workspace's packages (one tag may name several)."""
    name = tag.removeprefix("refs/tags/")
    if len(matches := workspace.match_tag(name)) == 1:
        pkg, version = matches[0]
        return ParsedTag(name, version, name=pkg.name)
    if matches:
        return ParsedTag(name, matches[0][1])
    if (parsed := parse_tag(workspace.tag_format, name)) is None:
        examples = ", ".join(dict.fromkeys(workspace.tag_for(p) for p in workspace.packages[:3]))
        raise VersionError(
            f"tag {name!r} is not a release tag of any package here (tags look like "
            f"{examples}); use such a tag, or set tag-format in [tool.relnox] "
            f"({workspace.config.source})"
        )
    return parsed


def packages_of_tag(workspace: Workspace, parsed: ParsedTag) -> tuple[Package, ...]:
    """The packages ``parsed`` releases: by their tag conventions, else by its name/dir."""
    if parsed.name is not None:
        return (workspace.get(parsed.name),)
    if parsed.dir is not None:
        for pkg in workspace.packages:
            if pkg.directory.name == parsed.dir:
                return (pkg,)
        raise ConfigError(
            f"tag {parsed.tag}: no package lives in a directory named {parsed.dir!r}; "
            f"the packages are: {', '.join(p.name for p in workspace.packages)}"
        )
    matched = tuple(pkg for pkg, _version in workspace.match_tag(parsed.tag))
    return matched or workspace.packages
