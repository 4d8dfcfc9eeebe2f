"""The tiers of a publish, packages by dependency depth (tier k: the deepest dependency
among them in tier k-1), drawn for a terminal or a job summary (Mermaid). A tier shows on
the index before the next starts: nothing installs from there before what it needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from relnox.project.workspace import Workspace


def tiers(names: Sequence[str], workspace: Workspace) -> list[list[str]]:
    chosen = set(names)
    depth: dict[str, int] = {}
    for name in names:
        deps = [d for d in workspace.get(name).internal_deps if d in chosen and d in depth]
        depth[name] = 1 + max((depth[d] for d in deps), default=-1)
    grouped: list[list[str]] = [[] for _ in range(1 + max(depth.values(), default=-1))]
    for name in names:
        grouped[depth[name]].append(name)
    return grouped


def needs(names: Sequence[str], workspace: Workspace) -> dict[str, list[str]]:
    chosen = set(names)
    return {n: [d for d in workspace.get(n).internal_deps if d in chosen] for n in names}


def graph_text(names: Sequence[str], workspace: Workspace) -> list[str]:
    """The tiers as lines: ``tier 1: agents <- core``."""
    wanted = needs(names, workspace)
    return [
        f"tier {number}: "
        + "; ".join(f"{n} <- {', '.join(wanted[n])}" if wanted[n] else n for n in tier)
        for number, tier in enumerate(tiers(names, workspace))
    ]


_STYLE = {
    "uploaded": "fill:#d4f7d4",
    "published": "fill:#d4f7d4",
    "skipped": "fill:#e8e8e8",
    "failed": "fill:#f7d4d4",
    "held-back": "fill:#f7ecd4",
    "not-attempted": "fill:#f7ecd4",
}


def graph_mermaid(
    names: Sequence[str], workspace: Workspace, states: Mapping[str, str] | None = None
) -> str:
    """A Mermaid flowchart of the tiers (a GitHub job summary renders it)."""
    ids = {name: f"p{i}" for i, name in enumerate(names)}
    lines = ["```mermaid", "flowchart LR"]
    for number, tier in enumerate(tiers(names, workspace)):
        lines.append(f'  subgraph t{number}["tier {number}"]')
        for name in tier:
            state = states.get(name) if states else None
            label = f"{name}<br/>{state}" if state else name
            lines.append(f'    {ids[name]}["{label}"]')
        lines.append("  end")
    for name, deps in needs(names, workspace).items():
        lines += [f"  {ids[dep]} --> {ids[name]}" for dep in deps]
    for name in names:
        state = states.get(name) if states else None
        if state in _STYLE:
            lines.append(f"  style {ids[name]} {_STYLE[state]}")
    lines.append("```")
    return "\n".join(lines)
