"""Which packages a command acts on, in release order: the one rule every stage and host calls.
By name (all when none is named); ``changed``: also those not released yet (``bumping``: or
changed), with their groups; unless named, never one :func:`~relnox.project.changes.left_out`
leaves; :attr:`Rule.BUMP`: each with the rest of a group sharing one tag."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from relnox.errors import ConfigError, shortlist
from relnox.paths import rel as relative
from relnox.project.changes import changed_packages, left_out, unreleased
from relnox.project.workspace import Package, Workspace


class Rule(enum.Enum):
    RELEASE = "release"
    BUMP = "bump"


@dataclass(frozen=True)
class Selection:
    packages: tuple[Package, ...]
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.packages)


def select_packages(
    workspace: Workspace,
    names: Iterable[str] = (),
    *,
    changed: bool = False,
    bumping: bool = False,
    rule: Rule = Rule.RELEASE,
) -> Selection:
    """The packages a command acts on (see the module doc), in release order."""
    names = list(names)
    if rule is Rule.BUMP:
        found = _bump(workspace, names, changed)
    elif not changed:
        found = Selection(workspace.select(names))
    else:
        workspace.require_history("--changed")
        wanted = {workspace.get(n).name for n in names}
        wanted |= {p.name for p in workspace.packages if unreleased(workspace, p)}
        if bumping:
            wanted |= set(changed_packages(workspace))
        wanted |= {
            q.name for p in workspace.packages if p.name in wanted for q in workspace.group_of(p)
        }
        found = Selection(tuple(p for p in workspace.packages if p.name in wanted))
    named = {workspace.get(n).name for n in names}
    left = {k: v for k, v in left_out(workspace).items() if k not in named}
    kept = tuple(p for p in found.packages if p.name not in left)
    notes = [left[p.name] for p in found.packages if p.name in left]
    return Selection(kept, (*found.notes, *notes))


def _bump(workspace: Workspace, names: list[str], changed: bool) -> Selection:
    selected = workspace.select(names)
    wanted = {p.name for p in selected}
    notes = []
    for pkg in selected:
        group = workspace.group_of(pkg)
        if sharers := [q for q in workspace.tag_sharers(pkg) if q.name not in wanted]:
            both = ", ".join(f'"{q.name}"' for q in (pkg, *sharers))
            notes.append(
                f"note: {pkg.name} ({pkg.version}) moves on its own though "
                f"{shortlist([f'{q.name} ({q.version})' for q in sharers])} share its tag "
                f"{workspace.tag_format_of(pkg)}: their versions differ; [tool.relnox] "
                f"lockstep = [[{both}]] moves them together"
            )
        missing = [p.name for p in group if p.name not in wanted]
        if missing and workspace.shares_a_tag(group):
            wanted.update(missing)
            fmt = workspace.tag_format_of(pkg)
            one_tag = "{name}" not in fmt and "{dir}" not in fmt
            one_tag = one_tag and all(workspace.tag_format_of(q) == fmt for q in group)
            shared = None if one_tag else workspace.shared_file(group)
            why = (
                f"they read one version file, {relative(shared, workspace.root)}; give each "
                "its own version file to decide otherwise"
                if shared is not None
                else f"they share the tag {fmt} (their tags name one version); set "
                "[tool.relnox] lockstep or give each its own tag-format to decide otherwise"
            )
            notes.append(
                f"note: {shortlist(missing)} move{'s' if len(missing) == 1 else ''} with "
                f"{pkg.name}: {why}"
            )
        elif missing:
            everyone = " ".join(f"--package {p.name}" for p in group)
            raise ConfigError(
                f"{workspace.config.source}: [tool.relnox] lockstep keeps "
                f"{', '.join(p.name for p in group)} on one version, so {pkg.name} cannot be "
                f"bumped without {', '.join(missing)}; pass {everyone} (or give {pkg.name} "
                "its own tag-format)"
            )
    packages = tuple(p for p in workspace.packages if p.name in wanted)
    if changed:
        moved = set(changed_packages(workspace))
        packages = tuple(p for p in packages if any(q.name in moved for q in workspace.group_of(p)))
    return Selection(packages, tuple(notes))
