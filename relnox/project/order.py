"""The order a workspace's packages are released in: dependencies first; a dependency
cycle is a note, its closing requirement left out of the order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from relnox.project.workspace import Package


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


def ordered(packages: Sequence[Package]) -> tuple[tuple[Package, ...], tuple[str, ...]]:
    """The packages in release order, dependencies first (ties keep discovery order), and a note
    per dependency cycle. A cycle refuses nothing: a bump needs no order (a lockstep group's is
    one version for all); the requirement that closes it is left out of the order, as an
    extra's is (:attr:`Package.deferred`), and the note says the order a build or publish takes."""
    packages = _defer_optional_cycles(packages)
    by_name = {p.name: p for p in packages}
    state: dict[str, int] = {}  # 1 = visiting, 2 = done
    closing: dict[str, list[str]] = {}
    notes: list[str] = []
    found: list[str] = []

    def visit(pkg: Package, stack: list[str]) -> None:
        state[pkg.name] = 1
        for dep in pkg.internal_deps:
            if dep not in by_name or dep == pkg.name or state.get(dep) == 2:
                continue
            if state.get(dep) == 1:
                cycle = " -> ".join([*stack[stack.index(dep) :], pkg.name, dep])
                closing.setdefault(pkg.name, []).append(dep)
                notes.append(
                    f"dependency cycle between workspace packages: {cycle}; {pkg.name} is built "
                    f"and published before {dep}, which it requires (remove one of these "
                    "requirements to order them by need)"
                )
                continue
            visit(by_name[dep], [*stack, pkg.name])
        state[pkg.name] = 2
        found.append(pkg.name)

    for pkg in packages:
        if pkg.name not in state:
            visit(pkg, [])
    for name, deps in closing.items():
        by_name[name] = replace(by_name[name], deferred=(*by_name[name].deferred, *deps))
    return tuple(by_name[name] for name in found), tuple(notes)
