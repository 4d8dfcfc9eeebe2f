"""What a rerun of the release recognises before it bumps: the unfinished release's bump
(``release-state.json``), or, without a state file, current versions already on an index
but not tagged, which a bump would leave half-published."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from relnox.artifacts.checks import versions_in
from relnox.errors import RelnoxError
from relnox.project.workspace import Package
from relnox.release.model import ReleaseError, ReleaseOptions, ReleaseRun
from relnox.tools import git
from relnox.tools.simple_api import IndexReader
from relnox.versions.arithmetic import maybe_version

logger = logging.getLogger("relnox")


def bump_request(options: ReleaseOptions) -> str:
    """The bump a release asks for, as its flags: what a rerun must ask again."""
    words = [f"--part {options.part}"] if options.part else []
    words += [f"--to {options.to}"] if options.to else []
    words += [f"--pre {options.pre}"] if options.pre else []
    words += [f"--package {name}" for name in sorted(options.packages)]
    return " ".join(words + (["--changed"] if options.changed else []))


def bumped_before(run: ReleaseRun) -> str | None:
    """What the unfinished release's bump did, when this tree holds it, else None; a bump
    this run cannot prove is the one in the tree is refused, never done twice."""
    if (record := run.state.open_bump) is None:
        return None
    root = run.workspace.root
    current = {p.name: p.version for p in run.workspace.packages}
    now = {name: current.get(name) for name in record["to"]}
    if (commit := record.get("commit")) is None and now == record["from"]:
        return None  # stopped before its commit: nothing was bumped
    changes = ", ".join(f"{n} {record['from'].get(n)} -> {v}" for n, v in record["to"].items())
    bumped = f"{record['request']} bumped {changes}"
    bumped += f" (commit {commit[:12]})" if commit else ""
    finish = (
        f"rerun with {record['request']} to finish that release, or delete "
        f"{run.state.source} to start a new one"
    )
    asked = bump_request(run.options)
    if asked != record["request"]:
        raise ReleaseError(
            f"an unfinished release is recorded in {run.state.source}: {bumped}; this run "
            f"asks {asked}, which would bump again; {finish}"
        )
    if commit and git.is_repo(root) and not git.contains(root, "HEAD", commit):
        branch = git.current_branch(root) or "a detached HEAD"
        raise ReleaseError(
            f"the unfinished release in {run.state.source} ({bumped}) is not in the "
            f"history of HEAD ({branch}); check out the branch that holds {commit[:12]} and "
            f"{finish}"
        )
    if now != record["to"]:
        shown = ", ".join(f"{n} {v}" for n, v in now.items() if v != record["to"][n])
        raise ReleaseError(
            f"the unfinished release in {run.state.source} ({bumped}) no longer matches "
            f"the files: now {shown}; restore its versions and {finish}"
        )
    return bumped


def check_rerun(run: ReleaseRun) -> None:
    """Before any stage of a release that bumps, with no record of an unfinished one: refuse
    it when production holds the current, untagged versions of some packages bumped together
    and not of others; the test index alone, all of them, or an unreadable index warns."""
    ws, o = run.workspace, run.options
    if bumped_before(run) is not None or run.state.done("bump") or not git.is_repo(ws.root):
        return
    packages = [
        p
        for p in ws.select(run.names)
        if not p.vcs_versioned and not git.tag_exists(ws.root, ws.tag_for(p))
    ]
    if not packages:
        return
    live = _published(run, o.repository, packages) if "publish" not in o.skip else []
    tested = _published(run, o.test_repository, packages) if "publish-test" not in o.skip else []
    trial = [p for p in tested if p not in live]
    # the packages the live ones were bumped with: their versions set by the same commit
    with_live = {_set_by(ws.root, p) for p in packages if f"{p.name} {p.version}" in live}
    missing = [
        f"{p.name} {p.version}"
        for p in packages
        if f"{p.name} {p.version}" not in live and _set_by(ws.root, p) in with_live - {None}
    ]
    if live and missing:
        packages_flags = " ".join(f"--package {entry.split()[0]}" for entry in live)
        raise ReleaseError(
            f"{o.repository} already has {', '.join(live)} but not {', '.join(missing)}, "
            "none of them tagged: a release of the current versions was half-published "
            "(its state file is not in this checkout); a bump now would leave it so. Finish "
            "it first: run the release again without --part/--to/--pre (the uploads resume "
            "from what the index holds, where the builds give the same bytes); or, to bump "
            f"past it, tag what is live first: relnox tag --missing {packages_flags}"
        )
    if live:
        logger.warning(
            "%s already has %s, not tagged: tag them (relnox tag --missing) before they are "
            "bumped past",
            o.repository,
            ", ".join(live),
        )
    if trial:
        logger.warning(
            "%s has %s, not on %s and not tagged: a release of them may be unfinished "
            "(run the release without --part/--to/--pre to finish it)",
            o.test_repository,
            ", ".join(trial),
            o.repository,
        )


def _published(run: ReleaseRun, where: str, packages: list[Package]) -> list[str]:
    """``name version`` of each of ``packages`` whose current version has files on ``where``."""
    ws = run.workspace
    found: list[str] = []
    try:
        _, reader = IndexReader.named(
            where, ws.config, run.runtime.environ, run.runtime.sleep, retries=1
        )
        for pkg in packages:
            if maybe_version(pkg.version) in versions_in(reader.files(pkg.name)):
                found.append(f"{pkg.name} {pkg.version}")
    except RelnoxError as exc:
        logger.warning(
            "could not read %s to check for an unfinished release of the current versions: %s",
            where,
            exc,
        )
    return found


def _set_by(root: Path, pkg: Package) -> str | None:
    """The last commit that wrote ``pkg``'s current version in its main version source."""
    if not pkg.locations:
        return None
    path = str(pkg.locations[0].path)
    asked = ("log", "-1", "--format=%H", "-G", re.escape(pkg.version), "--", path)
    return git.git(root, *asked, check=False) or None
