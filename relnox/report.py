"""Plain-text tables and rows for what tasks print (no printing here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from relnox.paths import rel
from relnox.project.sources import VersionLocation
from relnox.project.workspace import Workspace


def _where(workspace: Workspace, loc: VersionLocation) -> str:
    label = loc.label
    return label.replace(str(loc.path), rel(loc.path, workspace.root), 1)


def packages_rows(workspace: Workspace) -> list[dict[str, Any]]:
    """One row per package: its version truth with the evidence, and its tag convention."""
    rows = []
    for p in workspace.packages:
        tags = p.tags
        rows.append(
            {
                "name": p.name,
                "version": p.version,
                "source": p.version_source,
                "backend": p.backend,
                "depends_on": list(p.internal_deps),
                "directory": rel(p.directory, workspace.root),
                "locations": [loc.label for loc in p.locations],
                "primary": _where(workspace, p.primary) if p.primary else "git tags",
                "evidence": p.evidence,
                "secondaries": [
                    {
                        "where": _where(workspace, loc),
                        "value": loc.value,
                        "agrees": loc not in p.drift,
                    }
                    for loc in p.secondaries
                ],
                "tag_format": workspace.tag_format_of(p),
                "tag_evidence": tags.convention.evidence if tags else "not a git repository",
                # HEAD's line, as plan says; the highest anywhere when another branch is above
                "last_release": str(tags.last) if tags and tags.last else None,
                "last_tag": tags.last_tag if tags else None,
                "highest_tag": tags.highest_tag if tags else None,
                "warnings": [
                    *p.drift_notes,
                    *([tags.problem] if tags and tags.problem else []),
                    *([tags.finding] if tags and tags.finding else []),
                ],
            }
        )
    return rows


def unreleased_rows(workspace: Workspace) -> list[dict[str, str]]:
    """The projects found and taken for not released: each with why, and the setting
    that makes it a package."""
    return [
        {
            "name": u.name,
            "directory": rel(u.directory, workspace.root),
            "why": u.why,
            "setting": u.setting,
        }
        for u in workspace.unreleased
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
