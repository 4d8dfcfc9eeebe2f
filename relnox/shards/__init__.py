"""Shards: a release's builds split over machines (``plan --shards N``, ``--shard K/N``),
then merged back into one dist directory (``assemble DIR...``)."""

from relnox.shards.assemble import (
    AssembleOptions,
    AssemblePlan,
    AssembleResult,
    assemble,
    plan_assemble,
    record_shard,
    run_assemble,
)
from relnox.shards.plan import ShardOptions, ShardPlan, plan_shards, shard_packages
from relnox.shards.split import MAX_SHARDS, ShardSpec, parse_shard, shard_count
from relnox.stage import Stage

STAGE: Stage[AssembleOptions, AssemblePlan, AssembleResult] = Stage(
    "assemble", AssembleOptions, plan_assemble, run_assemble
)

__all__ = [
    "MAX_SHARDS",
    "STAGE",
    "AssembleOptions",
    "AssemblePlan",
    "AssembleResult",
    "ShardOptions",
    "ShardPlan",
    "ShardSpec",
    "assemble",
    "parse_shard",
    "plan_shards",
    "record_shard",
    "shard_count",
    "shard_packages",
]
