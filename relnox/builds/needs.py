"""When a package's files may reach ``dist/``: once the packages it needs are built.

A build never reads another package of the workspace: its environment holds its build
requirements from the index, never workspace sources (:mod:`relnox.builds.envpool`).
So without ``--test`` every package is built at once, and only its finished files wait
for the packages it needs; when one of those is not built, its files never reach
``dist/`` and it is reported skipped, as when it waited to start. With ``--test`` (its
tests install the wheels of the packages it needs) or where the release order puts a
package before one it needs (a cycle, which the scheduler reports), a package starts
only after the packages it needs (:func:`relnox.schedule.run_graph`).

On a 7-member workspace (2 CPUs) the chain core -> computer -> agent -> mcp-server had
kept one of two workers idle for the last 0.7 s of a 2.3 s build.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from relnox.errors import RelnoxError
from relnox.project.workspace import Package


class NeedFailed(RelnoxError):
    """A package this one needs was not built: this one's files stay out of dist/."""

    def __init__(self, need: str) -> None:
        super().__init__(f"needs {need}, which was not built")
        self.need = need


def must_start_after_needs(packages: Sequence[Package], testing: bool) -> bool:
    """Whether a package must start after the packages it needs (see the module doc)."""
    if testing:
        return True
    index = {pkg.name: i for i, pkg in enumerate(packages)}
    return any(
        index.get(dep, -1) > index[pkg.name] for pkg in packages for dep in pkg.internal_deps
    )


def chains_first(order: Sequence[str], needs: Mapping[str, Sequence[str]]) -> list[str]:
    """``order`` (needs first) with the head of the longest chain of dependents first, as
    :func:`relnox.schedule.run_graph` starts them; still needs first (a package's chain is
    longer than each of its dependents'), so a package waiting for its needs never waits
    for one not started."""
    height = dict.fromkeys(order, 1)
    for name in reversed(order):
        for dep in needs.get(name, ()):
            height[dep] = max(height[dep], height[name] + 1)
    index = {name: i for i, name in enumerate(order)}
    return sorted(order, key=lambda n: (-height[n], index[n]))


@dataclass
class Needs:
    """The packages each package's files wait for, and which of them ended how."""

    waits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _ended: dict[str, threading.Event] = field(default_factory=dict)
    _fine: set[str] = field(default_factory=set)  # built or reused

    @classmethod
    def of(cls, packages: Sequence[Package]) -> Needs:
        names = {pkg.name for pkg in packages}
        waits = {p.name: tuple(d for d in p.internal_deps if d in names) for p in packages}
        return cls(waits, {name: threading.Event() for name in names})

    def ended(self, name: str, ok: bool) -> None:
        """``name``'s build ended (``ok``: its files are in dist/)."""
        if ok:
            self._fine.add(name)
        if name in self._ended:
            self._ended[name].set()

    def wait(self, name: str) -> None:
        """Wait for the packages ``name`` needs; a :class:`NeedFailed` if one of them
        was not built."""
        for dep in self.waits.get(name, ()):
            self._ended[dep].wait()
            if dep not in self._fine:
                raise NeedFailed(dep)

    def skipped(self, name: str, not_built: Mapping[str, str]) -> str:
        """Why ``name`` is skipped ("" if it is not): the first package it needs that was
        not built, with how it ended (``not_built``: name -> failed, skipped, not run)."""
        for dep in self.waits.get(name, ()):
            if dep in not_built:
                how = not_built[dep]
                return f"needs {dep}, which {'failed' if how == 'failed' else 'was ' + how}"
        return ""
