"""The API check: the bump a package's public API change since its last release tag
demands, with griffe (docs/guards.md, "The API check", has the rules and the 0.x policy).
The tag is read through ``git archive``: the working tree is never touched."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from relnox import _proc as proc
from relnox.errors import RelnoxError
from relnox.project.workspace import Package, Workspace
from relnox.tools import git

PARTS = ("patch", "minor", "major")


class ApiError(RelnoxError):
    """The API check cannot run (no griffe, no tag), or a bump is smaller than the change."""


@dataclass
class ApiChange:
    name: str
    released: str | None  # the version of the last release tag (None: never released)
    tag: str | None
    demands: str = "patch"
    breakages: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def too_small(self, new: str) -> str | None:
        """The part a bump from the release to ``new`` moved when it is less than demanded."""
        part = bumped_part(str(self.released), new)
        return part if PARTS.index(part) < PARTS.index(self.demands) else None


def enabled(workspace: Workspace) -> bool:
    """``[tool.relnox] check-api = true``."""
    return workspace.config.flag("check-api") is True


def _search_path(root: Path, module: str) -> Path:
    """Where the top-level ``module`` is importable from below ``root``: ``src/`` or ``root``."""
    for candidate in (root / "src", root):
        if (candidate / module).exists() or (candidate / f"{module}.py").exists():
            return candidate
    return root


def _archive(workspace: Workspace, pkg: Package, tag: str, into: Path) -> Path:
    """The package's directory at ``tag``, extracted into ``into``; its path there."""
    top = Path(git.toplevel(workspace.root))
    rel = pkg.directory.resolve().relative_to(top.resolve()).as_posix()
    tar = into / "tag.tar"
    argv = ["git", "archive", "--format=tar", "-o", str(tar), tag, "--", rel if rel != "." else "."]
    result = proc.run(argv, cwd=top, timeout=300)
    if not result.ok:
        raise ApiError(f"{top}: git archive of {tag} failed ({result.tail(1)}); fetch the tags")
    import tarfile  # the guard's work: relnox plan asks only whether it is enabled

    with tarfile.open(tar) as archive:
        archive.extractall(into / "tree", filter="data")
    return into / "tree" / rel


def _public(obj: Any, prefix: str = "") -> set[str]:
    """The public names below ``obj`` (modules and classes, not inside functions)."""
    names: set[str] = set()
    for name, member in getattr(obj, "members", {}).items():
        if name.startswith("_"):
            continue
        try:
            if member.is_alias and not member.is_exported:
                continue
        except Exception:  # an alias griffe cannot resolve: leave it out
            continue
        path = f"{prefix}{name}"
        names.add(path)
        if getattr(member, "kind", None) is not None and member.kind.value in ("module", "class"):
            names |= _public(member, path + ".")
    return names


def _load(griffe: Any, module: str, path: Path) -> Any:
    try:
        return griffe.load(
            module, search_paths=[str(path)], allow_inspection=False, resolve_aliases=False
        )
    except (ImportError, ModuleNotFoundError):
        return None


def api_change(workspace: Workspace, pkg: Package) -> ApiChange:
    try:
        import griffe
    except ImportError:
        raise ApiError(
            "the API check needs griffe; install relnox with it: pip install 'relnox[api]'"
        ) from None
    if (released := pkg.released) is None:
        return ApiChange(pkg.name, None, None, note="never released: nothing to compare")
    tag = workspace.tag_for(pkg, str(released))
    change = ApiChange(pkg.name, str(released), tag)
    modules = [m for m in pkg.import_packages if "." not in m] or [pkg.dist_name]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="relnox-api-") as tmp:
        old_root = _archive(workspace, pkg, tag, Path(tmp))
        for module in modules:
            new = _load(griffe, module, _search_path(pkg.directory, module))
            old = _load(griffe, module, _search_path(old_root, module))
            if old is None or new is None:
                if old is not None:
                    change.breakages.append(f"{module}: the module is gone")
                continue
            for breakage in griffe.find_breaking_changes(old, new):
                change.breakages.append(" ".join(str(breakage.explain()).split()))
            change.added += sorted(f"{module}.{n}" for n in _public(new) - _public(old))
    policy = str(workspace.config.raw.get("api-zero-policy", "minor"))  # checked as it loads
    change.demands = demanded(change, str(released), policy)
    return change


def demanded(change: ApiChange, released: str, policy: str) -> str:
    if change.breakages:
        try:
            zero = Version(released).major == 0
        except InvalidVersion:
            zero = False
        return policy if zero else "major"
    return "minor" if change.added else "patch"


def bumped_part(old: str, new: str) -> str:
    """Which part a bump from ``old`` to ``new`` moved: ``major``, ``minor`` or ``patch``."""
    a, b = Version(old), Version(new)
    return "major" if b.major != a.major else "minor" if b.minor != a.minor else "patch"


def api_changes(workspace: Workspace, packages: Sequence[str] = ()) -> list[ApiChange]:
    return [api_change(workspace, pkg) for pkg in workspace.select(packages)]


def check_bump(workspace: Workspace, versions: Mapping[str, tuple[str, str]]) -> list[ApiChange]:
    """Refuse ``versions`` (name -> (old, new)) smaller than an API change demands."""
    changes, refused = [], []
    for name, (_old, new) in versions.items():
        change = api_change(workspace, workspace.get(name))
        changes.append(change)
        if change.released is not None and (part := change.too_small(new)):
            shown = "; ".join(change.breakages[:10]) or ", ".join(change.added[:10])
            refused.append(
                f"{name} {change.released} -> {new} is a {part} bump, but its public API "
                f"changed since {change.tag}: {shown}; the part that fits is --part "
                f"{change.demands}"
            )
    if refused:
        raise ApiError(" | ".join(refused))
    return changes


def doctor_checks(
    workspace: Workspace, packages: Sequence[Package], make: Callable[[str, str, str], Any]
) -> list[Any]:
    """One doctor row per package with ``check-api``, made by ``make(check, status, detail)``."""
    if not enabled(workspace):
        return []
    rows = []
    for pkg in packages:
        change = api_change(workspace, pkg)
        check = f"api {pkg.name}"
        if change.released is None:
            rows.append(make(check, "ok", change.note))
            continue
        try:
            moved = Version(pkg.version) > Version(change.released)
            bad = change.too_small(pkg.version) if moved else None
        except InvalidVersion:
            continue
        what = "; ".join(change.breakages[:5]) or (
            f"added {', '.join(change.added[:5])}" if change.added else "no public API change"
        )
        detail = (
            f"{change.released} -> {pkg.version} is a {bad} bump, but the API changed since "
            f"{change.tag}: {what}; bump with --part {change.demands}"
            if bad
            else f"since {change.tag}: {what}; demands a {change.demands} bump"
        )
        rows.append(make(check, "error" if bad else "ok", detail))
    return rows
