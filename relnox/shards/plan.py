"""``plan --shards N``: the selected packages split into N shards balanced by each one's last
build time, from the build manifest or ``--timings FILE`` (a manifest, or this plan's JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.artifacts.distdir import dist_path
from relnox.artifacts.manifest import BUILT, build_seconds, manifest_path, read_manifest
from relnox.errors import BuildError, RelnoxError, one_line
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace
from relnox.shards.split import ShardSpec, estimate, groups, shard_count, split

RULE = (
    "packages tied by a build-time dependency ([build-system] requires naming a workspace "
    "package) share a shard; runtime dependencies need no sibling wheel to build and are "
    "split freely; each shard builds in release order"
)


@dataclass(frozen=True)
class ShardOptions:
    shards: str | int = "auto"
    packages: Sequence[str] = ()
    timings: str | Path | None = None


@dataclass(frozen=True)
class ShardPlan:
    """The split: which packages each shard builds, and the times it was balanced by."""

    packages: tuple[str, ...]  # the selection, in release order
    shards: tuple[tuple[str, ...], ...]
    times: Mapping[str, float]  # every selected package: recorded, or the estimate
    estimated: tuple[str, ...]  # never built: counted as `estimate`
    estimate: float
    source: str  # where the recorded times came from
    ties: tuple[tuple[str, ...], ...] = field(default_factory=tuple)  # groups of 2+

    @property
    def count(self) -> int:
        return len(self.shards)

    def seconds(self, index: int) -> float:
        return round(sum(self.times[n] for n in self.shards[index]), 3)

    @property
    def balance(self) -> float:
        """The longest shard over the mean shard (1.0: perfectly even)."""
        loads = [self.seconds(i) for i in range(self.count)]
        mean = sum(loads) / len(loads) if loads else 0.0
        return round(max(loads) / mean, 3) if mean else 1.0

    def shard(self, spec: ShardSpec) -> tuple[str, ...]:
        """The packages of shard ``spec`` (its count must be this plan's)."""
        if spec.count != self.count:
            raise BuildError(
                f"--shard {spec} does not match a plan of {self.count} shards; "
                f"pass --shard K/{self.count}"
            )
        return self.shards[spec.index - 1]

    def describe(self) -> list[str]:
        lines = [
            f"{len(self.packages)} package(s) in {self.count} shard(s), balanced by the last "
            f"build times of {self.source} (longest shard {self.balance:.2f}x the mean)"
        ]
        if self.estimated:
            lines.append(
                f"{len(self.estimated)} package(s) never built count as {self.estimate:g}s "
                "(the median recorded time, else 1s)"
            )
        lines += [f"tied by build-time dependency: {', '.join(tie)}" for tie in self.ties]
        for i, shard in enumerate(self.shards):
            names = ", ".join(shard) if shard else "(nothing)"
            lines.append(f"shard {i + 1}/{self.count} ({self.seconds(i):.1f}s): {names}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "matrix": [f"{i + 1}/{self.count}" for i in range(self.count)],
            "source": self.source,
            "estimate": self.estimate,
            "estimated": list(self.estimated),
            "rule": RULE,
            "balance": self.balance,
            "packages": list(self.packages),
            "times": dict(self.times),
            "shards": [
                {"shard": f"{i + 1}/{self.count}", "packages": list(s), "seconds": self.seconds(i)}
                for i, s in enumerate(self.shards)
            ],
        }


def build_deps(pkg: Package, names: Mapping[str, str]) -> tuple[str, ...]:
    """The workspace packages (their names) that ``pkg``'s build-system requires."""
    return tuple(names[n] for n in pkg.build_names if n in names and names[n] != pkg.name)


def _times_from(path: Path) -> dict[str, float]:
    """Recorded times from a build manifest or a ``plan --shards --json`` output."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(
            f"{path}: --timings file not found; pass a build manifest or the "
            "JSON of relnox plan --shards"
        ) from None
    except (OSError, ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else one_line(exc)
        raise BuildError(
            f"{path}: not a JSON file ({why}); pass a build manifest or the "
            "JSON of relnox plan --shards"
        ) from None
    if isinstance(data, dict) and isinstance(data.get("times"), dict):
        estimated = data.get("estimated") or []
        estimated = {str(e) for e in estimated} if isinstance(estimated, list) else set()
        return {
            str(k): float(v)
            for k, v in data["times"].items()
            if build_seconds(v) and k not in estimated
        }
    if isinstance(data, dict) and isinstance(data.get("packages"), list):
        return {
            str(p["name"]): float(p["seconds"]) if build_seconds(p.get("seconds")) else 0.0
            for p in data["packages"]
            if isinstance(p, dict) and "name" in p and p.get("origin", BUILT) == BUILT
        }
    raise BuildError(
        f"{path}: neither a build manifest nor the JSON of relnox plan --shards; "
        "pass one of those as --timings"
    )


def recorded_times(
    workspace: Workspace, timings: str | Path | None
) -> tuple[dict[str, float], str]:
    if timings:
        path = Path(timings)
        return _times_from(path), str(path)
    dist_dir = dist_path(workspace)
    where = rel(manifest_path(dist_dir), workspace.root)
    try:
        manifest = read_manifest(dist_dir)
    except RelnoxError:
        return {}, f"{where} (none recorded)"
    return {r.name: r.seconds for r in manifest.packages if r.origin == BUILT}, where


def plan_shards(workspace: Workspace, options: ShardOptions) -> ShardPlan:
    selected = workspace.select(options.packages)
    names = [pkg.name for pkg in selected]
    count = shard_count(options.shards, len(names))
    recorded, source = recorded_times(workspace, options.timings)
    known = {n: t for n, t in recorded.items() if n in names and t > 0}
    guess = estimate(known)
    times = {n: round(known.get(n, guess), 3) for n in names}
    by_name: dict[str, str] = {canonicalize_name(p.name): p.name for p in selected}
    deps = {pkg.name: build_deps(pkg, by_name) for pkg in selected}
    shards = tuple(tuple(s) for s in split(names, times, count, deps))
    estimated = tuple(n for n in names if n not in known)
    ties = tuple(tuple(g) for g in groups(names, deps) if len(g) > 1)
    return ShardPlan(tuple(names), shards, times, estimated, guess, source, ties)


def shard_packages(
    workspace: Workspace, spec: ShardSpec, packages: Sequence[str] = (), timings: str | None = None
) -> tuple[str, ...]:
    """The packages ``--shard K/N`` acts on: shard K of ``plan --shards N``'s split."""
    return plan_shards(workspace, ShardOptions(spec.count, packages, timings)).shard(spec)
