"""The ``bump`` task (alias ``version_bump``): thin wrapper over :mod:`relnox.bump.plan`."""

from __future__ import annotations

from typing import Any

from relnox.invoke._common import echo, echo_json, listed, options_flags, relnox_task, show
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


def _flags() -> type:
    from relnox.bump import BumpOptions

    return options_flags(
        BumpOptions,
        rename={"changed_only": "changed"},
        skip=("today", "parts"),
        extra=(("commit", True), ("force", False), ("check_api", False)),
    )


@relnox_task(
    name="bump",
    locked=True,
    aliases=("version_bump",),
    help=HELP,
    flags=_flags,
)
def bump(c: Any, flags: Any) -> dict[str, Any]:
    """Bump versions: every version source, dependents' pins, uv.lock, changelogs; one commit."""
    from relnox.bump import STAGE
    from relnox.project.discovery import load_workspace

    workspace = load_workspace(flags.root, listed(flags.package))
    plan = STAGE.plan(workspace, flags.options(allow_dirty=flags.allow_dirty or flags.force))
    from relnox.guards import check_bump, enabled

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
        show(
            flags.json, result, ["nothing to bump: no selected package changed since its last tag"]
        )
        return result
    if not flags.dry_run:
        done = STAGE.run(plan)
        result["commit"] = done.commit
        result["tags"] = done.tags
    if flags.json:
        echo_json(result)
        return result
    from relnox.report import MANY, move_lines

    moves = move_lines(plan.versions) if not flags.verbose else []  # "70 packages 0.1.0 -> 0.1.1"
    for line in moves or [f"{n}: {old} -> {new}" for n, (old, new) in plan.versions.items()]:
        echo(line, always=True)
    for line in plan.rewrites:
        echo(f"  {line}")
    if flags.dry_run:
        echo("\n".join(plan.describe(flags.verbose)))
        echo("dry run: nothing was changed")
        return result
    for path in files if flags.verbose or len(files) < MANY else ():
        echo(f"  wrote {path}")
    if files and not flags.verbose and len(files) >= MANY:
        echo(f"  wrote {len(files)} files (-v lists them)")
    for action in plan.actions:
        echo(f"  {action.describe()}")
    for note in plan.notes:
        echo(note)
    return result


def _common(versions: dict[str, tuple[str, str]]) -> str:
    news = {new for _old, new in versions.values()}
    return news.pop() if len(news) == 1 else ""
