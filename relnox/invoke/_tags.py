"""The tag tasks: ``tag`` (auto-tag), ``check-tag`` and ``resolve-version`` (CI's plan)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.invoke._common import echo, echo_json, relnox_task
from relnox.invoke._flags import later, listed, plain_flags
from relnox.paths import rel

if TYPE_CHECKING:
    from relnox.publish import CiRoutes
    from relnox.release import ResolvedVersion


@relnox_task(
    locked=True,
    help={
        "since": "compare versions with this commit (default: HEAD~1, or the push's before commit on GitHub)",
        "missing": "tag every current version that has no tag yet (a shared tag such as v1.2.0 "
        "counts; a tag on an older commit is kept, never moved)",
        "push": "push the tags to the remote, at most three a push (GitHub starts no tag "
        "workflow for a push of more)",
        "remote": "remote to push to (default: origin)",
        "package": "only this package (repeatable)",
        "allow_dirty": "tag even if tracked files have uncommitted changes (a version that is "
        "not committed is refused all the same)",
        "allow_detached": "tag even a detached HEAD no branch holds (only the tags will hold it)",
        "dry_run": "print the tags that would be created, change nothing",
    },
    flags=later("relnox.release:TagOptions", extra=(("dry_run", False),)),
)
def tag(c: Any, flags: Any) -> dict[str, Any]:
    """Create the annotated release tag of every package whose version changed (auto-tag)."""
    from relnox.project.discovery import load_workspace
    from relnox.release import TAG_STAGE

    workspace = load_workspace(flags.root, listed(flags.package))  # another's problem: a warning
    tag_plan = TAG_STAGE.plan(workspace, flags.options())
    if not flags.json:
        for line in tag_plan.describe(flags.verbose):  # the result: what -q keeps
            would = "would " if flags.dry_run and line.startswith("create") else ""
            echo(would + line, always=True)
    if not flags.dry_run:
        TAG_STAGE.run(tag_plan)
        if flags.push and tag_plan.actions and not flags.json:
            pushed = ", ".join(a.tag for a in tag_plan.actions)
            echo(f"pushed {pushed} to {flags.remote}", always=True)
    results = tag_plan.results()
    if flags.dry_run:
        results["created"] = []
    if flags.json:
        echo_json({**results, "dry_run": flags.dry_run, "pushed": flags.push and not flags.dry_run})
    return results


@relnox_task(
    name="check-tag",
    positional=["tag"],
    help={"tag": "the tag to check, e.g. v1.0.0 or core-v1.0.0"},
)
def check_tag(
    c: Any, tag: str, root: str = ".", json: bool = False, verbose: int = 0
) -> dict[str, Any]:
    """Fail unless TAG's version equals the version in its package's pyproject.toml."""
    from relnox.project.discovery import load_workspace
    from relnox.release import check_tag as check

    checks = check(load_workspace(root), tag)
    result = {
        "packages": [item.package for item in checks],
        "versions": {item.package: item.version for item in checks},
        "tags": [checks[0].tag] if checks else [],
    }
    if json:
        echo_json({**result, "files": {item.package: str(item.file) for item in checks}})
    else:
        for item in checks:  # the result: what -q keeps
            echo(f"ok {item.tag}: {item.package} {item.version} ({item.file})", always=True)
    return result


@relnox_task(
    name="resolve-version",
    help={
        "package": "the package (default: the only one, or every one the tag names)",
        "tag": "a release tag (default: the tag GitHub runs for, if any); repeatable: every "
        "package of every tag, released together (auto-tag's dispatch)",
        "version": "an explicit version, e.g. a workflow_dispatch input (empty: ignored)",
        "check": "fail unless the resolved version equals the package's version",
        "at": "also every other release tag pointing at this commit (e.g. HEAD): a run "
        "started by one of several tags pushed together releases them all",
        "released": "a tag released already (its GitHub release exists), left out "
        "(repeatable); nothing left: an empty plan",
        "target": "testpypi or pypi: where every package goes (a run from a branch); "
        "default: each package by its own version (pre-releases to TestPyPI)",
        "json": "print JSON",
    },
    flags=plain_flags(
        ("package", ""),
        ("tag", None),
        ("version", ""),
        ("check", False),
        ("at", ""),
        ("released", None),
        ("target", ""),
        ("json", False),
        ("root", "."),
    ),
)
def resolve_version(c: Any, flags: Any) -> dict[str, Any]:
    """Print a package's release version: from the tag, else --version, else pyproject.toml."""
    from relnox.errors import VersionError
    from relnox.project.discovery import load_workspace
    from relnox.publish import ci_routes
    from relnox.release import is_latest, release_tags_at
    from relnox.report import grouped
    from relnox.versions.arithmetic import maybe_version, same_version

    workspace = load_workspace(flags.root)
    tags = listed(flags.tag)
    if flags.at:
        tags = list(dict.fromkeys([*tags, *release_tags_at(workspace, flags.at)]))
    done = set(listed(flags.released))
    if done and tags:
        left = [t for t in tags if t not in done]
        for name in (t for t in tags if t in done):
            echo(f"{name}: released already (its GitHub release exists), left out")
        if not left:  # every tag of the run was released by an earlier run: nothing to do
            echo(f"nothing to release: {', '.join(tags)} released already")
            return _routed(workspace, [], ci_routes(workspace, {}, {}))
        tags = left
    resolved = _resolved(workspace, tags, flags)
    for item in resolved:
        current = workspace.get(item.package).version
        if flags.check and not same_version(item.version, current):
            wanted, have = maybe_version(item.version), maybe_version(current)
            fix = (
                f"releasing {item.version} now would be a downgrade: give {current}, or run "
                f"from the commit that holds {item.version}"
                if wanted is not None and have is not None and wanted < have
                else f"bump it to {item.version} (relnox bump --to {item.version}) first"
            )
            raise VersionError(
                f"{item.package}: the {item.source} says {item.version} but the package is at "
                f"{current}; {fix}"
            )
    versions = {r.package: r.version for r in resolved}
    routes = ci_routes(
        workspace, versions, {r.package: r.tag for r in resolved}, flags.target or None
    )
    rows = [{"package": r.package, "version": r.version, "source": r.source} for r in resolved]
    if flags.json:
        echo_json({"packages": rows, "routes": {"testpypi": routes.testpypi, "pypi": routes.pypi}})
    else:  # the result, what -q keeps: a line many packages share said once with their count
        lines = [
            f"{r.package} {r.version} (from {r.source}) -> "
            + ("testpypi" if r.package in routes.testpypi else routes.repository)
            for r in resolved
        ]
        echo("\n".join(grouped(lines, list(versions), flags.verbose)), always=True)
    result = _routed(workspace, resolved, routes)
    result["source"] = resolved[0].source if len(resolved) == 1 else "pyproject"
    # a maintenance release (1.2.4 while 2.0.0 is out) is never marked the latest
    result["is_latest"] = all(is_latest(workspace, r.package, r.version) for r in resolved)
    return result


def _resolved(workspace: Any, tags: list[str], flags: Any) -> list[ResolvedVersion]:
    """The run's packages and versions: every package of each tag of several, else one
    (by tag, --package or the only one), else every package."""
    from relnox.errors import VersionError
    from relnox.release import ResolvedVersion, packages_of_tag, parse_release_tag, resolve_version
    from relnox.tools.github import ref_tag

    if len(tags) > 1 and flags.package:
        raise VersionError(
            f"--package {flags.package} with {len(tags)} tags: pass the tags alone (every package "
            "of every tag is released), or one --tag with --package"
        )
    if len(tags) > 1:  # one release of several tags (auto-tag's): every package of each tag
        return [
            resolve_version(workspace, pkg.name, tag=name)
            for name in dict.fromkeys(tags)
            for pkg in packages_of_tag(workspace, parse_release_tag(workspace, name))
        ]
    tag = (tags[0] if tags else ref_tag() or "").removeprefix("refs/tags/")
    several = not flags.package and len(workspace.packages) > 1
    shared = [pkg.name for pkg, _version in workspace.match_tag(tag)] if tag and several else []
    if len(shared) > 1:  # one tag of a lockstep group (a bare 3.2.1): every package it names
        return [resolve_version(workspace, name, tag=tag) for name in shared]
    elif flags.package or tags or ref_tag() or len(workspace.packages) == 1:
        return [
            resolve_version(
                workspace,
                flags.package or None,
                tag=tags[0] if tags else None,
                explicit=flags.version or None,
            )
        ]
    elif flags.version:
        raise VersionError(
            f"--version {flags.version} is ambiguous in a workspace of {len(workspace.packages)} "
            "packages; pass --package NAME too"
        )
    else:  # a workspace release without a tag: every package at its own version
        return [ResolvedVersion(p.name, p.version, "pyproject") for p in workspace.packages]


def _routed(workspace: Any, resolved: list[ResolvedVersion], routes: CiRoutes) -> dict[str, Any]:
    """resolve-version's results: the release and its one routing decision."""
    from relnox.tools.github import is_prerelease

    versions = {r.package: r.version for r in resolved}
    return {
        "packages": [r.package for r in resolved],
        "versions": versions,
        "directories": {
            r.package: rel(workspace.get(r.package).directory, workspace.root) for r in resolved
        },
        "tags": list(dict.fromkeys(r.tag for r in resolved if r.tag)),
        "testpypi": list(routes.testpypi),
        "pypi": list(routes.pypi),
        "pypi_repository": routes.repository,
        "prerelease_tags": list(routes.prerelease_tags),
        "is_prerelease": any(is_prerelease(v) for v in versions.values()),
    }
