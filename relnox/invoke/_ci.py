"""CI glue tasks: tag, check-tag, resolve-version, plan, doctor, ci-init, release-notes.

Each returns a dict of its results; on GitHub Actions those become step outputs
and a job summary (see :mod:`relnox.tools.github`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.invoke._common import echo, echo_json, listed, relnox_task
from relnox.invoke._shards import TIMINGS_HELP
from relnox.paths import rel

if TYPE_CHECKING:
    from relnox.publish import CiRoutes
    from relnox.release import ResolvedVersion

ROOT_HELP = "repository root (default: .)"


@dataclass(frozen=True)
class TagFlags:
    """The flags of ``tag``, one field each (see its task)."""

    root: str = "."
    since: str = ""
    missing: bool = False
    push: bool = False
    remote: str = "origin"
    package: Any = None
    dry_run: bool = False
    json: bool = False
    verbose: int = 0


@relnox_task(
    locked=True,
    iterable=["package"],
    help={
        "root": ROOT_HELP,
        "since": "compare versions with this commit (default: HEAD~1, or the push's before commit on GitHub)",
        "missing": "tag every current version that has no tag yet (a shared tag such as v1.2.0 "
        "counts; a tag on an older commit is kept, never moved)",
        "push": "push the tags to the remote, at most three a push (GitHub starts no tag "
        "workflow for a push of more)",
        "remote": "remote to push to (default: origin)",
        "package": "only this package (repeatable)",
        "dry_run": "print the tags that would be created, change nothing",
        "json": "print the result as JSON",
    },
    flags=TagFlags,
)
def tag(c: Any, flags: TagFlags) -> dict[str, Any]:
    """Create the annotated release tag of every package whose version changed (auto-tag)."""
    from relnox.project.discovery import load_workspace
    from relnox.release import TAG_STAGE, TagOptions

    workspace = load_workspace(flags.root)
    tag_plan = TAG_STAGE.plan(
        workspace,
        TagOptions(
            since=flags.since or None,
            missing=flags.missing,
            packages=listed(flags.package) or None,
            push=flags.push,
            remote=flags.remote,
        ),
    )
    if not flags.json:
        for line in tag_plan.describe():
            echo(("would " if flags.dry_run and line.startswith("create") else "") + line)
    if not flags.dry_run:
        TAG_STAGE.run(tag_plan)
        if flags.push and tag_plan.actions and not flags.json:
            echo(f"pushed {', '.join(a.tag for a in tag_plan.actions)} to {flags.remote}")
    results = tag_plan.results(workspace)
    if flags.dry_run:
        results["created"] = []
    if flags.json:
        echo_json({**results, "dry_run": flags.dry_run, "pushed": flags.push and not flags.dry_run})
    return results


@relnox_task(
    name="check-tag",
    positional=["tag"],
    help={
        "tag": "the tag to check, e.g. v1.0.0 or core-v1.0.0",
        "root": ROOT_HELP,
        "json": "print the result as JSON",
    },
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
        for item in checks:
            echo(f"ok {item.tag}: {item.package} {item.version} ({item.file})")
    return result


@dataclass(frozen=True)
class ResolveVersionFlags:
    """The flags of ``resolve-version``, one field each (see its task)."""

    package: str = ""
    tag: Any = None
    version: str = ""
    check: bool = False
    at: str = ""
    released: Any = None
    target: str = ""
    json: bool = False
    root: str = "."
    verbose: int = 0


@relnox_task(
    name="resolve-version",
    help={
        "package": "the package (default: the only one, or the one the tag names)",
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
        "root": ROOT_HELP,
    },
    iterable=["tag", "released"],
    flags=ResolveVersionFlags,
)
def resolve_version(c: Any, flags: ResolveVersionFlags) -> dict[str, Any]:
    """Print a package's release version: from the tag, else --version, else pyproject.toml."""
    from relnox.errors import VersionError
    from relnox.project.discovery import load_workspace
    from relnox.publish import ci_routes
    from relnox.release import (
        ResolvedVersion,
        is_latest,
        packages_of_tag,
        parse_release_tag,
        release_tags_at,
        resolve_version,
    )
    from relnox.tools.github import ref_tag
    from relnox.versioning import same_version

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
            return _routed([], {}, {}, ci_routes(workspace, {}, {}))
        tags = left
    resolved: list[ResolvedVersion]
    if len(tags) > 1 and flags.package:
        raise VersionError(
            f"--package {flags.package} with {len(tags)} tags: pass the tags alone (every package "
            "of every tag is released), or one --tag with --package"
        )
    if len(tags) > 1:  # one release of several tags (auto-tag's): every package of each tag
        resolved = [
            resolve_version(workspace, pkg.name, tag=name)
            for name in dict.fromkeys(tags)
            for pkg in packages_of_tag(workspace, parse_release_tag(workspace, name))
        ]
    elif flags.package or tags or ref_tag() or len(workspace.packages) == 1:
        resolved = [
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
        resolved = [ResolvedVersion(p.name, p.version, "pyproject") for p in workspace.packages]
    for item in resolved:
        current = workspace.get(item.package).version
        if flags.check and not same_version(item.version, current):
            raise VersionError(
                f"{item.package}: the {item.source} says {item.version} but the package is at "
                f"{current}; bump it to {item.version} (relnox bump --to {item.version}) first"
            )
    versions = {r.package: r.version for r in resolved}
    routes = ci_routes(
        workspace, versions, {r.package: r.tag for r in resolved}, flags.target or None
    )
    rows = [{"package": r.package, "version": r.version, "source": r.source} for r in resolved]
    if flags.json:
        echo_json({"packages": rows, "routes": {"testpypi": routes.testpypi, "pypi": routes.pypi}})
    else:
        for r in resolved:
            where = "testpypi" if r.package in routes.testpypi else routes.repository
            echo(f"{r.package} {r.version} (from {r.source}) -> {where}")
    directories = {
        r.package: rel(workspace.get(r.package).directory, workspace.root) for r in resolved
    }
    result = _routed(resolved, versions, directories, routes)
    result["source"] = resolved[0].source if len(resolved) == 1 else "pyproject"
    # a maintenance release (1.2.4 while 2.0.0 is out) is never marked the latest
    result["is_latest"] = all(is_latest(workspace, r.package, r.version) for r in resolved)
    return result


def _routed(
    resolved: list[ResolvedVersion],
    versions: dict[str, str],
    directories: dict[str, str],
    routes: CiRoutes,
) -> dict[str, Any]:
    """resolve-version's results: the release and its one routing decision (the jobs'
    ``if``s read ``testpypi``/``pypi``, the GitHub release ``prerelease_tags``)."""
    from relnox.tools.github import is_prerelease

    return {
        "packages": [r.package for r in resolved],
        "versions": versions,
        "directories": directories,
        "tags": list(dict.fromkeys(r.tag for r in resolved if r.tag)),
        "testpypi": list(routes.testpypi),
        "pypi": list(routes.pypi),
        "pypi_repository": routes.repository,
        "prerelease_tags": list(routes.prerelease_tags),
        "is_prerelease": any(is_prerelease(v) for v in versions.values()),
    }


@dataclass(frozen=True)
class PlanFlags:
    """The flags of ``plan``, one field each (see its task)."""

    part: str = ""
    pre: str = ""
    since: str = ""
    api: bool = False
    json: bool = False
    root: str = "."
    shards: str = ""
    package: Any = None
    timings: str = ""
    verbose: int = 0


@relnox_task(
    help={
        "part": "show the versions this bump would give (major, minor, patch, pre, ...)",
        "pre": "pre-release label for --part (a, b, rc, dev, ...)",
        "since": "compare with this commit instead of each package's last tag",
        "api": "show the part each package's public API change since its last release tag "
        "demands (griffe: pip install 'relnox[api]'; on with [tool.relnox] check-api = true)",
        "json": "print JSON",
        "root": ROOT_HELP,
        "shards": "instead: split the packages into N shards (or auto) balanced by their last "
        "build times, for build-all --shard K/N (relnox.shards)",
        "package": "with --shards: split only these packages (repeatable; default: all)",
        "timings": "with --shards: " + TIMINGS_HELP,
    },
    iterable=["package"],
    flags=PlanFlags,
)
def plan(c: Any, flags: PlanFlags) -> dict[str, Any]:
    """Per package: last tag, changed since it, and the version a --part bump would give."""
    if flags.shards:
        from relnox.invoke._shards import plan_shards_task

        return plan_shards_task(flags.root, flags.shards, flags.package, flags.timings, flags.json)
    from relnox.project.changes import plan as make_plan
    from relnox.project.discovery import load_workspace
    from relnox.report import render_table

    workspace = load_workspace(flags.root)
    rows = make_plan(workspace, flags.part or None, flags.pre or None, since=flags.since or None)
    demands = _api_demands(workspace, flags.api)
    if flags.json:
        echo_json({"packages": [{**r.as_dict(), **_api_cell(demands, r.name, dict)} for r in rows]})
    else:
        table = [
            {
                **r.as_dict(),
                "changed": "yes" if r.changed else "no",
                "next": r.next_version,
                **_api_cell(demands, r.name, str),
            }
            for r in rows
        ]
        columns = ["name", "version", "last_tag", "changed", "commits", "files"]
        columns += ["next"] if flags.part else []
        echo(render_table(table, [*columns, "api"] if demands is not None else columns))
    changed = [r for r in rows if r.changed]
    return {
        "packages": [r.name for r in changed],
        "versions": {r.name: r.next_version or r.version for r in changed},
        "directories": {r.name: r.directory for r in changed},
        "changed": bool(changed),
    }


def _api_demands(workspace: Any, asked: bool) -> dict[str, Any] | None:
    """The API change of each package since its last release tag (``plan --api``)."""
    from relnox.guards import api_changes, enabled

    if not (asked or enabled(workspace)):
        return None
    return {change.name: change for change in api_changes(workspace)}


def _api_cell(demands: dict[str, Any] | None, name: str, kind: type) -> dict[str, Any]:
    if demands is None or name not in demands:
        return {}
    change = demands[name]
    if kind is dict:
        return {"api": change.to_dict()}
    return {"api": change.demands if change.released else "-"}


@relnox_task(
    help={
        "root": ROOT_HELP,
        "version": "the version about to be released (default: each package's version)",
        "package": "check only this package (repeatable; repository-wide checks always run)",
        "repository": "also ask this index (name or URL) whether each package's version is "
        "new there and its name is this project's (the one check that uses the network)",
        "json": "print the checks as JSON",
    },
    iterable=["package"],
)
def doctor(
    c: Any,
    root: str = ".",
    version: str = "",
    package: list[str] | None = None,
    repository: str = "",
    json: bool = False,
    verbose: int = 0,
) -> dict[str, Any]:
    """Check the repository before a release (read-only); exit 1 on any error."""
    from relnox.errors import RelnoxError
    from relnox.release import doctor as run_doctor
    from relnox.report import render_table

    report = run_doctor(
        root, version=version or None, packages=listed(package), repository=repository or None
    )
    errors, warnings = len(report.errors), len(report.warnings)
    result = {
        "schema": 1,
        "root": str(report.root),
        "checks": [c.as_dict() for c in report.checks],
        "errors": errors,
        "warnings": warnings,
    }
    if json:
        echo_json(result)
    else:
        echo(render_table([c.as_dict() for c in report.checks], ["check", "status", "detail"]))
    if errors:
        first = report.errors[0]
        raise RelnoxError(
            f"doctor found {errors} error(s) and {warnings} warning(s) in {report.root}; "
            f"first: {first.check}: {first.detail}"
        )
    if not json:
        echo(f"doctor: {len(report.checks)} checks, no errors, {warnings} warning(s)")
    return result


@relnox_task(
    name="ci-init",
    help={
        "root": ROOT_HELP,
        "dry_run": "print the files instead of writing them",
        "force": "overwrite existing workflow files",
        "json": "print the result as JSON (with --dry-run, each file's text too)",
    },
)
def ci_init(
    c: Any,
    root: str = ".",
    dry_run: bool = False,
    force: bool = False,
    json: bool = False,
    verbose: int = 0,
) -> dict[str, Any]:
    """Write GitHub Actions workflows (release + auto-tag) that run relnox's nox sessions."""
    from relnox.ci import STAGE, CiOptions
    from relnox.project.discovery import load_workspace

    plan = STAGE.plan(load_workspace(root), CiOptions(force=force or dry_run))
    files, found, top, names = plan.files, list(plan.notes), plan.top, plan.names
    if not dry_run:
        STAGE.run(plan)
    if json:
        texts = {"texts": {n: f.text for n, f in zip(names, files, strict=True)}} if dry_run else {}
        echo_json({"files": names, "dry_run": dry_run, "notes": found, **texts})
    elif dry_run:
        for name, item in zip(names, files, strict=True):
            echo(f"# --- {name}")
            echo(item.text.rstrip("\n"))
    else:
        for item in files:
            echo(item.describe(top))
    if not json:
        for note in found:
            echo(note)
    return {"files": names, "dry_run": dry_run, "notes": found}


@dataclass(frozen=True)
class ReleaseNotesFlags:
    """The flags of ``release-notes``, one field each (see its task)."""

    version: str
    package: str = ""
    output: str = ""
    repository: str = ""
    root: str = "."
    install_only: bool = False
    files: str = ""
    json: bool = False
    verbose: int = 0


@relnox_task(
    name="release-notes",
    positional=["version"],
    help={
        "version": "the version or release tag, e.g. 1.2.0 or core-v1.2.0",
        "package": "the package (default: the one the tag names, or those at VERSION)",
        "output": "file to write (default: .relnox/dist/release-notes.md, beside dist/; - prints it)",
        "repository": "the index the release went to, named in the install lines (default: "
        "the publish routing: pre-releases to TestPyPI, final versions to PyPI)",
        "root": ROOT_HELP,
        "json": "print the result as JSON (with --output -, the notes' text too)",
        "install_only": "only the installation section (to append to notes written on GitHub)",
        "files": "also write the paths of this release's files in dist/ (its packages at "
        "VERSION) to this file, one a line: what gh release create attaches",
    },
    flags=ReleaseNotesFlags,
)
def release_notes(c: Any, flags: ReleaseNotesFlags) -> dict[str, Any]:
    """Write VERSION's changelog section plus install instructions, for gh release --notes-file."""
    from relnox.artifacts.manifest import ensure_state_dir
    from relnox.atomic import write_atomic
    from relnox.project.discovery import load_workspace
    from relnox.release import NOTES_FILE, release_notes, write_notes

    workspace = load_workspace(flags.root)
    notes = release_notes(
        workspace,
        flags.version,
        flags.package or None,
        flags.repository or None,
        install_only=flags.install_only,
    )
    if flags.output == "-":
        if not flags.json:
            echo(notes.text.rstrip("\n"))
        path = None
    else:
        dist = workspace.root / workspace.config.dist_dir  # dist/ holds only distributions
        target = Path(flags.output) if flags.output else ensure_state_dir(dist) / NOTES_FILE
        path = write_notes(notes, target)
        if not flags.json:
            echo(
                f"wrote the release notes of {', '.join(notes.packages)} {notes.version} to {path}"
            )
    result = {
        "packages": list(notes.packages),
        "versions": dict.fromkeys(notes.packages, notes.version),
        "notes_file": str(path) if path else "",
    }
    if flags.files:
        dist = workspace.root / workspace.config.dist_dir
        found = _release_files(dist, notes.packages, notes.version)
        write_atomic(Path(flags.files), "".join(f"{f}\n" for f in found))
        result["files"] = [f.name for f in found]
    if flags.json:
        echo_json({**result, **({"text": notes.text} if path is None else {})})
    return result


def _release_files(dist: Path, packages: tuple[str, ...], version: str) -> list[Path]:
    """The wheels and sdists in ``dist`` of ``packages`` at ``version`` (by their names)."""
    from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

    from relnox.versioning import same_version

    wanted = {canonicalize_name(name) for name in packages}
    found = []
    for path in sorted(dist.glob("*")) if dist.is_dir() else []:
        try:
            if path.name.endswith(".whl"):
                name, parsed, *_ = parse_wheel_filename(path.name)
            elif path.name.endswith(".tar.gz"):
                name, parsed = parse_sdist_filename(path.name)
            else:
                continue
        except ValueError:  # not a distribution's name: not this release's file
            continue
        if name in wanted and same_version(str(parsed), version):
            found.append(path)
    return found
