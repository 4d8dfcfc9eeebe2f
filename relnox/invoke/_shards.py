"""Task ``assemble`` and the ``--shard``/``--shards`` parts of build-all, verify-install and
plan: see :mod:`relnox.shards`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.invoke._args import UsageError
from relnox.invoke._common import (
    echo,
    echo_json,
    echo_result,
    listed,
    nothing_to_do,
    relnox_task,
    show,
)

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
    """A shard with no packages: an empty shard manifest, so ``assemble`` is given every
    shard's directory all the same."""
    from pathlib import Path

    from relnox.artifacts.distdir import dist_path
    from relnox.artifacts.manifest import Manifest, write_manifest
    from relnox.project.discovery import load_workspace
    from relnox.tools import git

    shard = str(spec)  # as parsed: ' 3/3\n ' echoed its spaces and line end
    workspace = load_workspace(root)
    dist = Path(out).absolute() if out else dist_path(workspace)
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
    iterable=["dirs", "package"],
    help={
        "dirs": "the shards' dist directories (each with its .relnox/ manifest beside it)",
        "package": "the packages the assembled set must hold (repeatable; default: all)",
        "out": "where to assemble (default: [tool.relnox] dist-dir, 'dist' under the root)",
        "dry-run": "check every shard and print what would be written; write nothing",
    },
)
def assemble(
    c: Any,
    dirs: Any = None,
    package: Any = None,
    out: str = "",
    dry_run: bool = False,
    root: str = ".",
    json: bool = False,
    verbose: int = 0,
) -> dict[str, Any]:
    """Merge the shards' dist directories into dist/ and one manifest, every file re-checked."""
    from relnox.project.discovery import load_workspace
    from relnox.shards import STAGE, AssembleOptions

    options = AssembleOptions(listed(dirs), listed(package), out or None)
    plan = STAGE.plan(load_workspace(root), options)
    if dry_run:
        echo("\n".join(plan.describe()))
        return {**plan.to_json(), "dry_run": True}
    result = STAGE.run(plan)
    data = result.to_json()
    echo_json(data) if json else echo_result(result.describe())
    return data
