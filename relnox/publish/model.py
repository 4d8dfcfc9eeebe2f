"""The options, runtime and plan of a publish; the tiers, packages by dependency depth (a tier
shows on the index before the next starts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.artifacts.manifest import Manifest, PackageRecord
from relnox.project.workspace import Workspace
from relnox.stage import Runtime
from relnox.tools.credentials import Credentials
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository

if TYPE_CHECKING:  # the run's modules load while the preflight waits on the index
    from relnox.publish.report import PlannedFile
    from relnox.tools.upload import Runner

#: ``(repository, [(name, version)]) -> why they do not install`` (None: they do)
InstallableCheck = Callable[[Repository, Sequence[tuple[str, str]]], "str | None"]


@dataclass(frozen=True)
class PublishOptions:
    """``relnox publish``'s flags: ``repository`` None routes by the CI tag, else PyPI;
    ``retries`` and ``retry_delay`` override ``network``; ``wait`` bounds a tier's wait."""

    repository: str | Repository | None = None
    packages: Sequence[str] = ()
    dist_dir: Path | None = None
    from_tag: str | None = None
    dry_run: bool = False  # plan and preflight; credentials may be missing; nothing recorded
    keep_going: bool = True
    retries: int | None = None
    retry_delay: float | None = None
    verbose: bool = False
    attestations: bool = False
    #: packages uploaded at once within a tier; None: :data:`relnox.publish.run.JOBS`
    jobs: int | None = None
    wait: float | None = 300.0
    transport: str | None = None  # uv or twine (default: [tool.relnox] or uv)
    allow_stale: Sequence[str] = ()
    network: NetworkSettings | None = None
    #: the index ``repository`` stands in for (a rehearsal's: ``pypi``, ``testpypi``): its
    #: refusals (:func:`relnox.publish.rules.refusals`) apply, each file's on a line
    stands_in_for: str | None = None


@dataclass(frozen=True)
class PublishRuntime(Runtime):
    """A Runtime with an upload's seams: the runner, the installability check."""

    run: Runner | None = None
    check_installable: InstallableCheck | None = None

    @classmethod
    def of(cls, runtime: Runtime | None) -> PublishRuntime:
        if isinstance(runtime, PublishRuntime):
            return runtime
        base = runtime or Runtime()
        return cls(confirm=base.confirm, environ=base.environ, sleep=base.sleep)


@dataclass(frozen=True)
class PublishPlan:
    repository: Repository
    credentials: Credentials
    records: tuple[PackageRecord, ...]  # upload order
    files: tuple[PlannedFile, ...]  # upload order, wheels before sdists
    manifest: Manifest
    workspace: Workspace
    options: PublishOptions
    new_projects: tuple[str, ...] = ()  # packages whose project the index does not have yet
    allowed_stale: Mapping[str, str] = field(default_factory=dict)  # --allow-stale: what changed
    #: packages left for a later run (:class:`relnox.publish.rules.FirstReleases`)
    waiting: tuple[str, ...] = ()
    waiting_note: str = ""  # why, and which publishers to register before that run

    @property
    def to_upload(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.action == "upload")

    def describe(self) -> list[str]:
        return (
            [f"{f.package} {f.version}: {f.describe()}" for f in self.files]
            + [f"new project on {self.repository.label}: {name}" for name in self.new_projects]
            + ([self.waiting_note] if self.waiting_note else [])
        )

    def tiers(self) -> list[str]:
        return graph_text([r.name for r in self.records], self.workspace)

    def to_json(self) -> dict[str, Any]:
        return {
            "repository": self.repository.label,
            "credentials": self.credentials.source,
            "packages": {r.name: r.version for r in self.records},
            "files": [
                {"package": f.package, "version": f.version, "action": f.action, "file": f.filename}
                for f in self.files
            ],
            "new_projects": list(self.new_projects),
            "waiting": list(self.waiting),
        }

    def confirmation(self) -> str:
        files, packages = len(self.to_upload), len({f.package for f in self.to_upload})
        return (
            f"About to upload {files} file{'s' * (files != 1)} of {packages} "
            f"package{'s' * (packages != 1)} to {self.repository.label}. "
            "This cannot be undone. Continue? (yes/no)"
        )


def tiers(names: Sequence[str], workspace: Workspace) -> list[list[str]]:
    wanted = needs(names, workspace)
    depth: dict[str, int] = {}
    for name in names:
        depth[name] = 1 + max((depth[d] for d in wanted[name] if d in depth), default=-1)
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
    states = states or {}
    lines = ["```mermaid", "flowchart LR"]
    for number, tier in enumerate(tiers(names, workspace)):
        lines.append(f'  subgraph t{number}["tier {number}"]')
        for name in tier:
            state = states.get(name)
            label = f"{name}<br/>{state}" if state else name
            lines.append(f'    {ids[name]}["{label}"]')
        lines.append("  end")
    for name, deps in needs(names, workspace).items():
        lines += [f"  {ids[dep]} --> {ids[name]}" for dep in deps]
    for name in names:
        if states.get(name) in _STYLE:
            lines.append(f"  style {ids[name]} {_STYLE[states[name]]}")
    lines.append("```")
    return "\n".join(lines)
