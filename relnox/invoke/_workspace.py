"""Tasks that look at the workspace: ``packages`` and ``check-versions``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relnox.invoke._common import echo, echo_json, relnox_task


@relnox_task(help={"json": "print JSON for machines"})
def packages(c: Any, root: str = ".", json: bool = False, verbose: int = 0) -> dict[str, Any]:
    """List the packages in release order: version, version source, backend, internal deps."""
    from relnox.project.discovery import listing, raise_broken
    from relnox.report import packages_rows, render_table, unreleased_rows
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
        for note in workspace.notes:
            echo(f"  note: {note}", always=True)
    raise_broken(workspace)
    return result


@relnox_task(name="check-versions", help={"json": "print JSON for machines"})
def check_versions(c: Any, root: str = ".", json: bool = False, verbose: int = 0) -> dict[str, Any]:
    """Validate every pyproject.toml: it parses, its version is PEP 440, its sources agree."""
    from relnox.errors import VersionError
    from relnox.project.discovery import discover

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
        for warning in warnings:
            echo(f"  ! {warning}", always=True)
        from relnox.report import MANY

        if verbose or len(workspace.packages) < MANY:
            for pkg in workspace.packages:
                echo(f"  ok {pkg.name} {pkg.version} ({pkg.version_source})")
        else:  # at scale the problems above, the others counted
            echo(f"  ok {len(workspace.packages)} packages (-v lists them)")
    if problems:
        raise VersionError(
            f"{len(problems)} problem(s) in the version sources of {workspace.root}; "
            "fix the files listed above (relnox bump rewrites every copy of a version)"
        )
    if not json:
        echo(
            f"{len(workspace.packages)} package(s) checked, all versions valid and consistent",
            always=True,
        )
    return result
