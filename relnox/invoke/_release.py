"""The release pipeline tasks: ``release``, ``rehearse``, ``demo`` and ``release-pr``."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from relnox.invoke._common import echo, echo_json, relnox_task, show
from relnox.invoke._flags import later, listed

RELEASE_OPTIONS = "relnox.release:ReleaseOptions"
NOT_FLAGS = ("resume_command", "resumes", "stand_ins")  # the options a task sets itself
RELEASE_HELP = {
    "part": "bump first: major, minor, patch, pre, release, post or dev",
    "to": "bump first, to this exact version",
    "pre": "pre-release label for --part pre: alpha, beta or rc",
    "package": "release only this package (repeatable; default: all)",
    "changed": "release only the packages changed since their last tag (bumped with --part) "
    "or bumped but not yet tagged, with their lockstep groups and the dependents whose "
    "pins had to move",
    "skip": "skip a stage (repeatable or comma-separated): doctor, bump, build, verify, "
    "publish-test, verify-test, skew, publish, tag, audit",
    "no_skew": "skip the skew guard (the published versions of each dependent, installed "
    "with the new release before it is published); the same as --skip skew",
    "skew_depth": "how many published versions of each dependent the skew guard checks "
    "(default: 1)",
    "accept_skew": "accept this published dependent failing with the new release, knowingly "
    "(NAME==VERSION, repeatable; recorded in the result)",
    "integrity_url": "the audit's integrity API base (PEP 740 provenance; default: beside "
    "the index's simple API)",
    "test_repository": "the TestPyPI stage's index (default: testpypi)",
    "repository": "the production index (default: pypi)",
    "extra_index": "index for third-party dependencies when verifying from an index",
    "yes": "do not ask before uploading to PyPI",
    "push": "push the release commit and tags to origin",
    "allow_dirty": "bump even with uncommitted changes",
    "allow_detached": "commit the bump even on a detached HEAD (no branch will hold it)",
    "offline": "verify the artifacts without any index",
    "wait": "seconds to wait for uploads to appear on the index",
    "jobs": "parallel builds (default: number of CPUs)",
    "extras": "install these extras when verifying: an extra (cli) or name[cli] "
    "(repeatable, or comma-separated)",
    "dist": "directory of the wheels and sdists, whoever built them; with --skip build the "
    "release publishes them as they are (default: [tool.relnox] dist-dir)",
    "dry_run": "print every stage's plan (the bump's diff summary, what is built, uploaded "
    "and tagged); change nothing",
}


def _options(flags: Any, resume_command: str) -> Any:
    skip = [s.strip() for v in listed(flags.skip) for s in str(v).split(",")]
    return flags.options(
        skip=frozenset(s for s in skip if s) | ({"skew"} if flags.no_skew else set()),
        resume_command=resume_command,
    )


def _rerun_command(default: str = "relnox release", argv: list[str] | None = None) -> str:
    """The command line that started this run, to run it again, named by its host (``nox
    -s rehearse -- --part minor``: nox's venv may be the only relnox), else ``default``."""
    argv = list(sys.argv if argv is None else argv)
    if not argv:
        return default
    path = Path(argv[0])
    program = path.name
    if program == "__main__.py" and path.parent.name in ("nox", "invoke", "relnox"):
        program = path.parent.name  # python -m nox / invoke / relnox
        if program != "relnox":
            return shlex.join(["python", "-m", program, *argv[1:]])
    if program in ("nox", "invoke", "inv"):
        return shlex.join([program, *argv[1:]])
    return shlex.join(["relnox", *argv[1:]]) if argv[1:] else default


def _show_stage(report: Any) -> None:
    from relnox.stage import StageStatus

    marks = {StageStatus.SKIPPED: "--", StageStatus.FAILED: "XX"}
    mark = marks.get(report.status, "ok")
    detail = report.detail.splitlines()[0] if report.detail else ""
    if report.status is StageStatus.FAILED:
        detail = "(the error follows)"  # printed once, by the error line itself
    echo(f"[{mark:2}] {report.name:18} {report.status:12} {report.seconds:6.1f}s  {detail}")


def _summary(result: Any, title: str) -> None:
    echo("")
    echo(title, always=True)
    from relnox.report import MANY, version_moves

    moves = {n: (result.previous.get(n, v), v) for n, v in result.versions.items()}
    if len(moves) >= MANY:  # a lockstep group: "72 packages 1.7.0 -> 1.7.1"
        echo(f"  {version_moves(moves)}", always=True)
    else:
        for name, (before, version) in moves.items():
            change = f"{before} -> {version}" if before != version else version
            echo(f"  {name:24} {change}", always=True)
    tags = result.tags
    if len(tags) >= MANY:
        echo(f"  tags: {len(tags)} ({tags[0]} ... {tags[-1]})", always=True)
    elif tags:
        echo(f"  tags: {', '.join(tags)}", always=True)
    for stage, files in result.uploads.items():
        echo(f"  {stage}: {len(files)} file(s) uploaded", always=True)


@relnox_task(
    locked=True,
    help=RELEASE_HELP,
    flags=later(RELEASE_OPTIONS, skip=NOT_FLAGS, extra=(("no_skew", False), ("dry_run", False))),
)
def release(c: Any, flags: Any) -> dict[str, Any]:
    """The whole release: doctor, bump, build, verify, TestPyPI, verify from it, skew, PyPI, tag, audit."""
    from relnox.invoke._publish import confirmation
    from relnox.release import plan_release
    from relnox.release import release as run_release

    options = _options(flags, _rerun_command())
    if flags.dry_run:
        plan = plan_release(flags.root, options)
        show(flags.json, plan.to_json(), plan.describe(flags.verbose))
        return plan.to_json()
    result = run_release(
        flags.root,
        options,
        confirm=confirmation(flags.yes),
        progress=None if flags.json else _show_stage,
    )
    echo_json(result.to_json()) if flags.json else _summary(result, "Release finished:")
    return result.to_json()


#: the options of a release a rehearsal takes (it publishes to its own local indexes)
REHEARSE_OPTIONS = (
    "part",
    "to",
    "pre",
    "packages",
    "skip",
    "extra_index",
    "offline",
    "wait",
    "jobs",
    "extras",
    "skew_depth",
    "accept_skew",
)


@relnox_task(
    help=RELEASE_HELP,
    flags=later(
        RELEASE_OPTIONS, only=REHEARSE_OPTIONS, skip=NOT_FLAGS, extra=(("no_skew", False),)
    ),
)
def rehearse(c: Any, flags: Any) -> dict[str, Any]:
    """The whole release on a temporary clone, against two throwaway local indexes."""
    from relnox.release import rehearse as run_rehearsal

    options = _options(flags, _rerun_command("relnox rehearse"))
    rehearsal = run_rehearsal(flags.root, options, progress=None if flags.json else _show_stage)
    said = "Rehearsal finished; nothing in your repository changed:"
    echo_json(rehearsal.result.to_json()) if flags.json else _summary(rehearsal.result, said)
    return rehearsal.result.to_json()


@relnox_task()
def demo(c: Any, json: bool = False, verbose: int = 0) -> dict[str, Any]:
    """Release a sample workspace of three packages end to end against two local indexes."""
    from relnox.release import demo as run_demo

    echo(
        "relnox demo: core <- agents <- runtime (hatchling, setuptools, flit-core)\n"
        "stages: doctor, bump minor, build_all, verify_install, publish-test, verify from the "
        "test index,\n        skew guard (0.1.0 of the dependents, already on the PyPI "
        "stand-in, with the\n        new release), publish, tag and push, audit of the PyPI "
        "stand-in, install\n        everything from it\n"
    )
    rehearsal = run_demo(
        progress=None if json else _show_stage, resume_command=_rerun_command("relnox demo")
    )
    result = rehearsal.result
    if json:
        echo_json(result.to_json())
    else:
        _summary(result, "Demo release finished:")
        echo(f"  test index: {rehearsal.test_index}   PyPI stand-in: {rehearsal.index}")
        echo("  both index servers are stopped and the temporary workspace is removed.")
    return result.to_json()


@relnox_task(
    name="release-pr",
    help={
        "branch": "the branch that holds the release (default: relnox/release)",
        "remote": "the remote to push it to (default: origin)",
        "base": "the branch the pull request merges into (default: the checked-out one)",
        "dry-run": "print the release and the pull request's body; push and change nothing",
        "repository": "name this index's new projects and the trusted publishers to register "
        "now in the body (e.g. pypi)",
    },
    flags=later("relnox.release:PrOptions"),
)
def release_pr(c: Any, flags: Any) -> dict[str, Any]:
    """Open or update the pull request holding the next release (GITHUB_TOKEN)."""
    from relnox.release import release_pr as run

    result = run(flags.options())
    found = result.to_json()
    show(flags.json, found, result.describe(flags.verbose), always=True)  # the result -q keeps
    if flags.dry_run and result.intent.releases and not flags.json:
        echo("\n" + result.body)
    return found
