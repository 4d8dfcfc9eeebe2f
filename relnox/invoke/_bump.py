"""The ``bump`` task (alias ``version_bump``), a thin wrapper over :mod:`relnox.bump.plan`, and
the tasks that look at the workspace: ``packages`` and ``check-versions``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relnox.invoke._common import echo, echo_json, relnox_task, show
from relnox.invoke._flags import later, listed
from relnox.paths import rel

HELP = {
    "part": "major, minor, patch, pre, release, post or dev",
    "to": "set this exact version instead of --part",
    "pre": "pre-release label alpha, beta or rc (with --part pre/major/minor/patch)",
    "package": "bump only this package (repeatable; default: all)",
    "changed": "bump only the packages changed since their last tag, and (a patch) "
    "each dependent whose pin on them has to move",
    "dry-run": "print the diff of every file and every git action; change nothing",
    "commit": "commit the edited files, and only them, in one commit (the default in a git "
    "repository; --no-commit leaves the edits uncommitted)",
    "tag": "create an annotated tag per package ([tool.relnox] tag-format)",
    "push": "push the branch and the new tags to origin in one atomic push (more than three "
    "tags: the rest in pushes of three, as GitHub starts no tag workflow for more)",
    "sign": "sign the commit (-S) and the tags (-s)",
    "allow-dirty": "run even if the working tree has uncommitted changes",
    "force": "alias of --allow-dirty",
    "allow-detached": "commit and tag even on a detached HEAD (no branch will hold them)",
    "message": "commit message template ({summary}, {version}) instead of the configured one",
    "verbose": "more log output (repeatable)",
    "check-api": "refuse a bump smaller than each package's public API change since its last "
    "release tag demands (griffe: pip install 'relnox[api]'; on by default with "
    "[tool.relnox] check-api = true)",
}


@relnox_task(
    name="bump",
    locked=True,
    aliases=("version_bump",),
    help=HELP,
    flags=later(
        "relnox.bump:BumpOptions",
        rename={"changed_only": "changed"},
        skip=("today", "parts"),
        extra=(("commit", True), ("force", False), ("check_api", False)),
    ),
)
def bump(c: Any, flags: Any) -> dict[str, Any]:
    """Bump versions: every version source, dependents' pins, uv.lock, changelogs; one commit."""
    from relnox.bump import STAGE
    from relnox.guards import check_bump, enabled
    from relnox.project.discovery import load_workspace
    from relnox.report import PINS, counted, move_lines
    from relnox.tools import git

    with git.held(Path(flags.root).resolve()):  # the plan is a read: tags and files read once
        workspace = load_workspace(flags.root, listed(flags.package))
        plan = STAGE.plan(workspace, flags.options(allow_dirty=flags.allow_dirty or flags.force))
        # --check-api: the part each API change demands (a smaller bump is refused here)
        asked = plan.versions and (flags.check_api or enabled(workspace))
        api = {c.name: c.demands for c in check_bump(workspace, plan.versions)} if asked else None
    files = [rel(path, workspace.root) for path in plan.files]
    result: dict[str, Any] = {
        "versions": {name: new for name, (_old, new) in plan.versions.items()},
        "previous": {name: old for name, (old, _new) in plan.versions.items()},
        "version": _common(plan.versions),
        "packages": list(plan.versions),
        "tags": list(plan.tags),
        "files": files,
        "rewrites": list(plan.rewrites),
        "commit": None,
        "dry_run": flags.dry_run,
        **({"api": api} if api is not None else {}),
    }
    if not plan.versions:
        said = "nothing to bump: no selected package changed since its last tag"
        show(flags.json, result, [said])
        return result
    if not flags.dry_run:
        done = STAGE.run(plan)
        result["commit"] = done.commit
        result["tags"] = done.tags
    if flags.json:
        echo_json(result)
        return result
    moves = move_lines(plan.versions) if not flags.verbose else []  # "70 packages 0.1.0 -> 0.1.1"
    for line in moves or [f"{n}: {old} -> {new}" for n, (old, new) in plan.versions.items()]:
        echo(line, always=True)
    for line in counted(plan.rewrites, PINS, flags.verbose):
        echo(f"  {line}")
    if flags.dry_run:
        echo("\n".join(plan.describe(flags.verbose)))
        echo("dry run: nothing was changed")
        return result
    for line in counted(files, "files", flags.verbose):
        echo(f"  wrote {line}")
    for action in plan.actions:
        echo(f"  {action.describe()}")
    for note in plan.notes:
        echo(note)
    return result


def _common(versions: dict[str, tuple[str, str]]) -> str:
    news = {new for _old, new in versions.values()}
    return news.pop() if len(news) == 1 else ""


@relnox_task(help={"json": "print JSON for machines"})
def packages(c: Any, root: str = ".", json: bool = False, verbose: int = 0) -> dict[str, Any]:
    """List the packages in release order: version, version source, backend, internal deps."""
    from relnox.project.discovery import listing, raise_broken
    from relnox.report import fold_not_released, packages_rows, render_table, unreleased_rows
    from relnox.tools import git

    with git.held(Path(root).resolve()):  # a read: the top, HEAD and tags read once
        workspace = listing(root)  # the sound packages listed, the others' problems raised
    rows = packages_rows(workspace)
    result = {
        "packages": [row["name"] for row in rows],
        "versions": {row["name"]: row["version"] for row in rows},
        "directories": {row["name"]: row["directory"] for row in rows},
    }
    if json:
        echo_json(
            {
                "packages": rows,
                "not_released": unreleased_rows(workspace),
                "notes": list(workspace.notes),
                "problems": workspace.problems,
            }
        )
    else:
        columns = ["name", "version", "primary", "tag_format", "backend", "depends_on"]
        # a listing: one row per package, the result -q keeps; the evidence with -v
        echo(render_table(rows, [*columns, "directory"]), always=True)
        for row in rows if verbose else ():
            echo(f"  {row['name']}: version from {row['evidence']}; tags {row['tag_evidence']}")
        for note in fold_not_released(
            workspace.notes, workspace.unreleased, workspace.root, verbose
        ):
            echo(f"  note: {note}", always=True)
    raise_broken(workspace)
    return result


@relnox_task(name="check-versions", help={"json": "print JSON for machines"})
def check_versions(c: Any, root: str = ".", json: bool = False, verbose: int = 0) -> dict[str, Any]:
    """Validate every pyproject.toml: it parses, its version is PEP 440, its sources agree."""
    from relnox.errors import VersionError
    from relnox.project.discovery import discover
    from relnox.report import counted

    workspace = discover(root, moved=False)  # it shows no copy of a project not released
    problems = [
        *workspace.problems,
        *(note for pkg in workspace.packages for note in pkg.drift_notes),
    ]
    # tags relnox cannot tell: said (doctor warns too), not a problem of the version sources
    warnings = [
        f"{p.name}: {p.tags.problem}" for p in workspace.packages if p.tags and p.tags.problem
    ]
    result = {
        "packages": [p.name for p in workspace.packages],
        "versions": {p.name: p.version for p in workspace.packages},
        "problems": problems,
        "warnings": warnings,
        "ok": not problems,
    }
    if json:
        echo_json(result)
    else:  # the sound packages are checked and said, whatever the others' problems
        for problem in problems:  # the error below points at them: -q keeps them
            echo(f"  x {problem}", always=True)
        for warning in workspace.tag_problems:  # one line for the packages one tag shape misses
            echo(f"  ! {warning}", always=True)
        # at scale the problems above, the others counted
        oks = [f"{p.name} {p.version} ({p.version_source})" for p in workspace.packages]
        for line in counted(oks, "packages", verbose):
            echo(f"  ok {line}")
    if problems:
        raise VersionError(
            f"{len(problems)} problem(s) in the version sources of {workspace.root}; "
            "fix the files listed above (relnox bump rewrites every copy of a version)"
        )
    if not json:
        count = len(workspace.packages)
        echo(f"{count} package(s) checked, all versions valid and consistent", always=True)
    return result
