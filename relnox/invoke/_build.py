"""Tasks ``build-all`` (nox session ``build_all``, :mod:`relnox.builds.run`) and
``assemble``, and the ``--shard``/``--shards`` parts of build-all, verify-install and plan
(:mod:`relnox.shards`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.invoke._args import UsageError
from relnox.invoke._common import (
    chosen,
    echo,
    echo_json,
    echo_result,
    nothing_to_do,
    relnox_task,
    show,
)
from relnox.invoke._flags import later, listed, number, plain_flags

if TYPE_CHECKING:
    from relnox.shards import ShardSpec

SHARD_HELP = (
    "act on shard K of N only (e.g. 2/8): the split relnox plan --shards N makes for the "
    "same packages and times"
)
TIMINGS_HELP = (
    "read the build times to balance by from this file: a build manifest or the JSON of "
    "relnox plan --shards (default: the manifest of dist/)"
)


def shard_spec(shard: str) -> ShardSpec:
    """``--shard K/N`` parsed; a malformed value is a usage error (exit 2)."""
    from relnox.errors import BuildError
    from relnox.shards import parse_shard

    try:
        return parse_shard(shard)
    except BuildError as exc:
        raise UsageError(exc.message) from None


def shard_names(root: str, spec: ShardSpec, names: list[str], timings: str) -> list[str]:
    """The packages of ``--shard K/N`` among ``names`` (all packages when none)."""
    from relnox.project.discovery import load_workspace
    from relnox.shards import shard_packages

    return list(shard_packages(load_workspace(root), spec, names, timings or None))


def empty_shard(root: str, spec: ShardSpec, out: str, as_json: bool) -> dict[str, Any]:
    """An empty shard's manifest, so ``assemble`` is given every shard's directory all the same."""
    from relnox.artifacts.distdir import out_dir
    from relnox.artifacts.manifest import Manifest, write_manifest
    from relnox.project.discovery import load_workspace
    from relnox.tools import git

    shard = str(spec)  # as parsed: ' 3/3\n ' echoed its spaces and line end
    workspace = load_workspace(root)
    dist = out_dir(workspace, out or None)  # refused where build-all refuses it
    dist.mkdir(parents=True, exist_ok=True)
    head = git.head(workspace.root) if git.is_repo(workspace.root) else None
    write_manifest(Manifest(dist, (), git_commit=head, extra={"shard": shard}))
    said = f"shard {shard} has no packages: nothing to build"
    return nothing_to_do(as_json, {"packages": [], "files": [], "shard": shard}, said)


def plan_shards_task(
    root: str, shards: str, package: Any, timings: str, json: bool
) -> dict[str, Any]:
    from relnox.errors import BuildError
    from relnox.project.discovery import load_workspace
    from relnox.shards import ShardOptions, plan_shards, shard_count

    try:
        shard_count(shards, 0)  # a malformed --shards is a usage error (exit 2)
    except BuildError as exc:
        raise UsageError(exc.message) from None
    plan = plan_shards(load_workspace(root), ShardOptions(shards, listed(package), timings or None))
    data = plan.to_json()
    show(json, data, plan.describe())
    # on Actions the step outputs: `matrix` is what a job's strategy.matrix takes (fromJSON)
    return {"shards": data["matrix"], "count": plan.count, "matrix": {"shard": data["matrix"]}}


@relnox_task(
    positional=["dirs"],
    help={
        "dirs": "the shards' dist directories (each with its .relnox/ manifest beside it)",
        "package": "the packages the assembled set must hold (repeatable; default: all)",
        "out": "where to assemble (default: [tool.relnox] dist-dir, 'dist' under the root)",
        "dry-run": "check every shard and print what would be written; write nothing",
    },
    flags=plain_flags(
        ("dirs", None),
        ("package", None),
        ("out", ""),
        ("dry_run", False),
    ),
)
def assemble(c: Any, flags: Any) -> dict[str, Any]:
    """Merge the shards' dist directories into dist/ and one manifest, every file re-checked."""
    from relnox.project.discovery import load_workspace
    from relnox.shards import STAGE, AssembleOptions

    options = AssembleOptions(listed(flags.dirs), listed(flags.package), flags.out or None)
    plan = STAGE.plan(load_workspace(flags.root), options)
    if flags.dry_run:
        echo("\n".join(plan.describe()))
        return {**plan.to_json(), "dry_run": True}
    result = STAGE.run(plan)
    data = result.to_json()
    echo_json(data) if flags.json else echo_result(result.describe())
    return data


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


@relnox_task(
    name="build-all",
    locked=True,
    help=HELP,
    flags=later(
        "relnox.builds:BuildOptions",
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
    ),
)
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
        show(flags.json, planned, plan.describe(flags.verbose))
        return {"packages": planned["packages"], "dry_run": True}
    result = STAGE.run(plan, Runtime())
    if flags.shard:
        from relnox.shards import parse_shard, record_shard

        record_shard(plan.dist_dir, parse_shard(flags.shard), names)
    echo_json(result.to_json()) if flags.json else echo_result(result.describe(flags.verbose))
    result.raise_for_failures()
    return result.to_json()
