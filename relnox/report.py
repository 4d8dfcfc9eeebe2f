"""Plain-text tables and rows for what tasks print (no printing here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from relnox.workspace import Workspace


def packages_rows(workspace: Workspace) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "version": p.version,
            "source": p.version_source,
            "backend": p.backend,
            "depends_on": list(p.internal_deps),
            "directory": str(p.directory.relative_to(workspace.root)) or ".",
            "locations": [loc.label for loc in p.locations],
        }
        for p in workspace.packages
    ]


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "-"
    return "-" if value is None or value == "" else str(value)


def render_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A left-aligned text table with a header row."""
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    lines = ["  ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)
