"""The split itself: a pure function, so 500 packages cost nothing to test."""

from __future__ import annotations

import random

import pytest

from relnox.errors import BuildError
from relnox.shards.split import (
    DEFAULT_ESTIMATE,
    ShardSpec,
    estimate,
    groups,
    parse_shard,
    shard_count,
    split,
)


def _synthetic(count: int, seed: int) -> tuple[list[str], dict[str, float]]:
    rng = random.Random(seed)
    names = [f"pkg{i:03d}" for i in range(count)]
    # a long tail, as real workspaces have: most packages quick, a few slow native ones
    times = {n: round(rng.lognormvariate(0.5, 0.9), 3) for n in names}
    return names, times


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_500_packages_over_8_shards_within_15_percent_of_the_mean(seed: int) -> None:
    names, times = _synthetic(500, seed)
    shards = split(names, times, 8)
    loads = [sum(times[n] for n in shard) for shard in shards]
    mean = sum(times.values()) / 8
    assert max(loads) <= 1.15 * mean and min(loads) >= 0.85 * mean, loads
    assert sorted(n for shard in shards for n in shard) == names  # each package exactly once


def test_the_split_is_deterministic_and_keeps_release_order() -> None:
    names, times = _synthetic(60, 7)
    first = split(names, times, 4)
    assert first == split(list(names), dict(reversed(times.items())), 4)
    for shard in first:
        assert shard == sorted(shard, key=names.index)


def test_a_slow_package_gets_a_shard_of_its_own() -> None:
    times = {"big": 10.0, "a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0}
    assert split(list(times), times, 2) == [["big"], ["a", "b", "c", "d"]]


def test_build_time_dependencies_keep_packages_in_one_shard() -> None:
    names = ["plugin-base", "a", "b", "plugin", "c", "tool"]
    deps = {"plugin": ["plugin-base"], "tool": ["plugin"]}
    assert groups(names, deps) == [["plugin-base", "plugin", "tool"], ["a"], ["b"], ["c"]]
    times = dict.fromkeys(names, 1.0)
    shards = split(names, times, 3, deps)
    (tied,) = [s for s in shards if "plugin" in s]
    assert {"plugin-base", "plugin", "tool"} <= set(tied)
    assert tied.index("plugin-base") < tied.index("plugin") < tied.index("tool")


def test_more_shards_than_packages_leaves_some_empty() -> None:
    assert split(["a", "b"], {"a": 1.0, "b": 2.0}, 3) == [["b"], ["a"], []]


def test_the_estimate_is_the_median_of_recorded_times() -> None:
    assert estimate({"a": 1.0, "b": 5.0, "c": 3.0}) == 3.0
    assert estimate({}) == DEFAULT_ESTIMATE


@pytest.mark.parametrize(
    ("value", "spec"),
    [("2/8", ShardSpec(2, 8)), (" 1 / 1 ", ShardSpec(1, 1)), ("8/8", ShardSpec(8, 8))],
)
def test_shard_specs(value: str, spec: ShardSpec) -> None:
    assert parse_shard(value) == spec
    assert str(spec) == value.replace(" ", "")


@pytest.mark.parametrize(
    "value", ["", "3", "0/2", "3/2", "a/b", "1/0", "-1/2", "1/3/4", "1/257", "1/" + "9" * 30]
)
def test_a_bad_shard_is_one_line_naming_it(value: str) -> None:
    with pytest.raises(BuildError, match=r"--shard .* is not K/N") as caught:
        parse_shard(value)
    assert "\n" not in str(caught.value)


def test_shard_counts() -> None:
    assert shard_count("3", 100) == 3
    assert shard_count(5, 2) == 5
    assert shard_count("auto", 1) == 1
    assert shard_count("auto", 45) == 5
    assert shard_count("AUTO", 10_000) == 16
    assert shard_count(" 256 ", 3) == 256
    for bad in ("0", "many", "-2", "257", "9" * 30, "1e3"):
        with pytest.raises(BuildError, match="not a number of shards"):
            shard_count(bad, 10)
