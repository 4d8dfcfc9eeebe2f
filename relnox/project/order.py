"""The order a workspace's packages are released in: dependencies first; a dependency
cycle is a finding of the packages in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from relnox.errors import ConfigError
from relnox.project.workspace import Broken, Package


def _defer_optional_cycles(packages: Sequence[Package]) -> list[Package]:
    """Mark the extras' requirements that would close a cycle as :attr:`Package.deferred`."""
    edges: dict[str, set[str]] = {
        p.name: {r.target for r in p.requirements if r.runtime and not r.optional} for p in packages
    }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            if (name := todo.pop()) == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo += edges.get(name, ())
        return False

    out = []
    for pkg in packages:
        deferred = []
        for req in pkg.requirements:
            if not (req.runtime and req.optional) or req.target in edges[pkg.name]:
                continue
            if reaches(req.target, pkg.name):
                deferred.append(req.target)
            else:
                edges[pkg.name].add(req.target)
        out.append(replace(pkg, deferred=tuple(dict.fromkeys(deferred))) if deferred else pkg)
    return out


class CycleError(ConfigError):
    """A dependency cycle between workspace packages; ``names``: the packages in it."""

    def __init__(self, message: str, names: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.names = tuple(names)


def release_order(packages: Sequence[Package]) -> tuple[Package, ...]:
    """Dependencies before dependents; ties keep discovery order; a cycle is a CycleError."""
    by_name = {p.name: p for p in packages}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    ordered: list[Package] = []

    def visit(pkg: Package, stack: list[str]) -> None:
        if state.get(pkg.name) == 2:
            return
        if state.get(pkg.name) == 1:
            cycle = [*stack[stack.index(pkg.name) :], pkg.name]
            raise CycleError(
                f"dependency cycle between workspace packages: {' -> '.join(cycle)}; "
                "remove one of these requirements",
                cycle,
            )
        state[pkg.name] = 1
        for dep in pkg.internal_deps:
            if dep in by_name and dep != pkg.name:
                visit(by_name[dep], [*stack, pkg.name])
        state[pkg.name] = 2
        ordered.append(pkg)

    for pkg in packages:
        visit(pkg, [])
    return tuple(ordered)


def ordered(packages: list[Package], broken: list[Broken]) -> tuple[Package, ...]:
    """The packages in release order; those in a dependency cycle go to ``broken``."""
    while True:
        try:
            return release_order(_defer_optional_cycles(packages))
        except CycleError as exc:
            broken += [Broken(p.directory, p.name, exc) for p in packages if p.name in exc.names]
            packages = [p for p in packages if p.name not in exc.names]
