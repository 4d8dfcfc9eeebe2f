"""``doctor --repository NAME``: what the target index says before a release; the only check
of doctor that reads the network, so it runs only when asked."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.version import Version

from relnox.artifacts.checks import versions_in
from relnox.errors import RelnoxError
from relnox.project.workspace import Package, Workspace
from relnox.publish import (
    advised_first,
    carries_any,
    first_releases,
    new_project_limit,
    status_problems,
)
from relnox.release.doctor_package import Check
from relnox.tools.simple_api import IndexReader


def index_checks(
    ws: Workspace, packages: Sequence[Package], repository: str, version: str | None
) -> list[Check]:
    """One row per package (or one error row when the index cannot be read at all)."""
    repo, reader = IndexReader.named(repository, ws.config)
    rows: list[Check] = []
    new: list[str] = []
    for pkg in packages:
        wanted = Version(version or pkg.version)
        try:
            page = reader.page(pkg.name)
        except RelnoxError as exc:  # unreachable or refusing: asking again only waits longer
            rows.append(Check("index", "error", f"{repo.where}: {exc}"))
            break
        refused, warnings = status_problems({pkg.name: page}, repo.label)
        if refused or warnings:
            status = "error" if refused else "warn"
            rows.append(Check(f"index {pkg.name} status", status, (refused or warnings)[0]))
        versions = versions_in(page.files)
        if not versions:
            new.append(pkg.name)
        there = _versions_there(ws, pkg, repo.label, versions, wanted)
        rows.append(Check(f"index {pkg.name}", *there))
    order = [p.name for p in packages]
    first = first_releases(ws, repo, new, order)
    if first is not None:  # trusted publishing: batches of pending publishers, no daily limit
        rows.append(Check("index first releases", "warn", first.summary()))
        for project, publisher in first.publishers().items():
            rows.append(Check(f"index publisher {project}", "warn", f"register {publisher}"))
        return rows
    if (limit := new_project_limit(ws, repo)) is not None and len(new) > limit:
        detail = (
            f"{len(new)} new projects on {repo.label} ({', '.join(new)}), more than the "
            f"{limit} a day it allows ([tool.relnox.publish] new-project-limit); publish "
            f"the first {limit} today, dependencies first: "
            f"{', '.join(advised_first(ws, new, order, limit))}"
        )
        rows.append(Check("index new projects", "error", detail))
    return rows


def _versions_there(
    ws: Workspace, pkg: Package, label: str, versions: set[Version], wanted: Version
) -> tuple[str, str]:
    """What the index's versions of ``pkg`` say about releasing ``wanted``: (status, detail)."""
    if not versions:
        return "ok", f"{label}: no {pkg.name} yet; a first upload creates it"
    if wanted in versions:
        fix = "bump to a new version (an index never takes a file name twice)"
        return "error", f"{label} already has {pkg.name} {wanted}; {fix}"
    if not carries_any(pkg, ws, versions):
        shown = ", ".join(str(v) for v in sorted(versions)[-3:])
        what = f"{label} has {pkg.name} {shown}, none of them a version of this repository"
        fix = "the name may belong to another project; rename the package or claim the name"
        return "error", f"{what}: {fix}"
    return "ok", f"{label} has {pkg.name} up to {max(versions)}; {wanted} not there yet"
