"""The ``build-all`` task (nox session ``build_all``): see :mod:`relnox.builds.run`."""

from __future__ import annotations

from typing import Any

from relnox.invoke._common import (
    chosen,
    echo_json,
    echo_result,
    nothing_to_do,
    number,
    options_flags,
    relnox_task,
    show,
)
from relnox.invoke._shards import SHARD_HELP, TIMINGS_HELP

HELP = {
    "package": "build only this package (repeatable; default: all, in dependency order)",
    "jobs": "build-backend (and --test) processes run at once (default: the number of CPUs)",
    "wheel-only": "build only wheels (from the source tree)",
    "sdist-only": "build only sdists",
    "clean": (
        "remove old artifacts first (dist/ files of the selected packages, build/, *.egg-info;"
        " not what git tracks)"
    ),
    "out": "output directory (default: [tool.relnox] dist-dir, 'dist' under the root)",
    "python": "interpreter to build with (default: the one running relnox; never downloaded)",
    "test": "run each package's test suite before building it",
    "strict": "with --test: a failing suite fails the package's build",
    "keep-going": "build every package it can; dependents of a failed one are skipped",
    "source-date-epoch": "timestamp for reproducible builds (default: $SOURCE_DATE_EPOCH, else the time of the last commit that touched each package)",
    "installer": "how build environments are made: auto (uv if it can run), uv or pip",
    "force": "rebuild every selected package, even those unchanged since their recorded build",
    "shard": SHARD_HELP,
    "timings": TIMINGS_HELP,
    "dry-run": "print the plan, build nothing",
    "json": "print the results as JSON for machines",
    "verbose": "stream the build backends' output (-v)",
}


def _flags() -> type:
    from relnox.builds import BuildOptions

    return options_flags(
        BuildOptions,
        skip=("sdist", "wheel"),
        extra=(
            ("jobs", 0),
            ("changed", False),
            ("wheel_only", False),
            ("sdist_only", False),
            ("shard", ""),
            ("timings", ""),
            ("dry_run", False),
        ),
    )


@relnox_task(name="build-all", locked=True, help=HELP, flags=_flags)
def build_all(c: Any, flags: Any) -> dict[str, Any]:
    """Build an sdist and a wheel of every package, in dependency order, checked and recorded."""
    from relnox.builds import STAGE
    from relnox.errors import BuildError
    from relnox.project.discovery import load_workspace
    from relnox.stage import Runtime

    if flags.wheel_only and flags.sdist_only:
        raise BuildError("--wheel-only and --sdist-only exclude each other; pass one of them")
    jobs = number(flags.jobs, "jobs")  # --jobs -3 was taken as the default (the CPUs)
    names = chosen(flags.root, flags.package, flags.changed)
    if names is None:
        return nothing_to_do(flags.json, {"packages": [], "files": []})
    if flags.shard:
        from relnox.invoke._shards import empty_shard, shard_names, shard_spec

        spec = shard_spec(flags.shard)  # a malformed K/N first: a usage error (exit 2)
        if flags.test:
            raise BuildError(
                "--test installs each package's siblings from dist/, which one shard does not "
                "hold; build the shards without --test and run verify-install after assemble"
            )
        if not flags.out:
            raise BuildError(
                f"--shard {spec} needs --out DIR: each shard builds into a directory of its "
                "own (dist/ is where relnox assemble DIR... puts them together)"
            )
        names = shard_names(flags.root, spec, names, flags.timings)
        if not names:
            return empty_shard(flags.root, spec, flags.out, flags.json)
    options = flags.options(
        packages=names,
        jobs=jobs or None,
        sdist=not flags.wheel_only,
        wheel=not flags.sdist_only,
        source_date_epoch=flags.source_date_epoch or None,  # checked by the stage
    )
    plan = STAGE.plan(load_workspace(flags.root, names, tags=False), options)
    if flags.dry_run:
        planned = {**plan.to_json(), "dry_run": True}
        show(flags.json, planned, plan.describe())
        return {"packages": planned["packages"], "dry_run": True}
    result = STAGE.run(plan, Runtime())
    if flags.shard:
        from relnox.shards import parse_shard, record_shard

        record_shard(plan.dist_dir, parse_shard(flags.shard), names)
    echo_json(result.to_json()) if flags.json else echo_result(result.describe(flags.verbose))
    result.raise_for_failures()
    return result.to_json()
