"""Splitting packages into shards: a pure function of the names, their times and their ties
(a build-time dependency), so ``build-all --shard K/N`` agrees with ``plan --shards N``. Groups
go longest first (ties: release order) to the least loaded shard (ties: the lowest number)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from relnox.errors import BuildError

DEFAULT_ESTIMATE = 1.0
#: ``plan --shards auto``: about this many packages per shard, at most MAX_AUTO shards
AUTO_PER_SHARD = 10
MAX_AUTO = 16
MAX_SHARDS = 256  # the jobs GitHub Actions runs of one matrix at most


@dataclass(frozen=True)
class ShardSpec:
    """``K/N``: shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(value: str) -> ShardSpec:
    """``"2/8"`` -> ShardSpec(2, 8); anything else is a one-line error."""
    if found := re.fullmatch(r"\s*([0-9]{1,9})\s*/\s*([0-9]{1,9})\s*", value or ""):
        index, count = int(found[1]), int(found[2])
        if 1 <= index <= count <= MAX_SHARDS:
            return ShardSpec(index, count)
    raise BuildError(
        f"--shard {value!r} is not K/N with 1 <= K <= N <= {MAX_SHARDS}; write e.g. "
        "--shard 2/8 (the second of eight shards)"
    )


def shard_count(value: str | int, packages: int) -> int:
    """``--shards N`` or ``auto`` (one shard per ~10 packages, at most 16)."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return max(1, min(MAX_AUTO, -(-packages // AUTO_PER_SHARD)))
    text = str(value).strip()
    count = int(text) if re.fullmatch(r"[0-9]{1,9}", text) else 0
    if not 1 <= count <= MAX_SHARDS:
        raise BuildError(
            f"--shards {value!r} is not a number of shards; write a whole number from 1 to "
            f'{MAX_SHARDS} (the jobs of one CI matrix at most) or "auto" (one shard per ~10 '
            "packages)"
        )
    return count


def estimate(times: Mapping[str, float]) -> float:
    """What a package never built counts as: the median recorded time, else 1 second."""
    known = [t for t in times.values() if t > 0]
    return round(statistics.median(known), 3) if known else DEFAULT_ESTIMATE


def groups(names: Sequence[str], build_deps: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """``names`` joined by build-time dependencies, each group and the groups in ``names`` order."""
    parent = {name: name for name in names}
    order = {name: i for i, name in enumerate(names)}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for name in names:
        for dep in build_deps.get(name, ()):
            if dep in parent:
                a, b = find(name), find(dep)
                if a != b:
                    parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    found: dict[str, list[str]] = {}
    for name in names:
        found.setdefault(find(name), []).append(name)
    return list(found.values())


def split(
    names: Sequence[str],
    times: Mapping[str, float],
    count: int,
    build_deps: Mapping[str, Sequence[str]] | None = None,
) -> list[list[str]]:
    """``names`` (release order) into ``count`` shards, each in release order (maybe empty)."""
    order = {name: i for i, name in enumerate(names)}
    parts = groups(names, build_deps or {})
    weights = [sum(times[n] for n in part) for part in parts]
    ranked = sorted(range(len(parts)), key=lambda i: (-weights[i], order[parts[i][0]]))
    loads = [0.0] * count
    shards: list[list[str]] = [[] for _ in range(count)]
    for i in ranked:
        target = min(range(count), key=lambda s: (loads[s], s))
        loads[target] += weights[i]
        shards[target].extend(parts[i])
    return [sorted(shard, key=order.__getitem__) for shard in shards]
