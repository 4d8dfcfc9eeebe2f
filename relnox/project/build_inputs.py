"""What a package's build reads outside its directory, inside the repository (maturin's path
crates, scikit-build-core's CMake source), so ``plan`` and ``--changed`` count their commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from relnox.toml import read_or_empty, table

_DEPENDENCY_TABLES = ("dependencies", "build-dependencies")


def _dependency_specs(doc: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    tables = [doc, *(t for t in table(doc, "target").values() if isinstance(t, Mapping))]
    for section in tables:
        for name in _DEPENDENCY_TABLES:
            for dep, spec in table(section, name).items():
                if isinstance(spec, Mapping):
                    yield dep, spec


def _cargo_workspace(manifest: Path, top: Path) -> tuple[Path, dict[str, Any]] | None:
    """The Cargo workspace manifest at or above ``manifest`` (inside ``top``)."""
    for folder in [manifest.parent, *manifest.parent.parents]:
        if (candidate := folder / "Cargo.toml").is_file():
            doc = read_or_empty(candidate)
            if isinstance(doc.get("workspace"), Mapping):
                return candidate, doc
        if folder == top:
            break
    return None


def _crates(manifest: Path, top: Path) -> list[Path]:
    """The directories of ``manifest``'s crate and every crate it reaches by path."""
    found: list[Path] = []
    todo = [manifest.resolve()]
    while todo:
        if (current := todo.pop()).parent in found or not current.is_file():
            continue
        found.append(current.parent)
        doc = read_or_empty(current)
        around = _cargo_workspace(current, top)
        shared = table(around[1], "workspace", "dependencies") if around else {}
        for dep, spec in _dependency_specs(doc):
            base, entry = current.parent, spec
            if spec.get("workspace") is True and around is not None:
                inherited = shared.get(dep)
                base, entry = around[0].parent, inherited if isinstance(inherited, Mapping) else {}
            if isinstance(path := entry.get("path"), str):
                todo.append((base / path / "Cargo.toml").resolve())
    return found


def build_tables(doc: Mapping[str, Any]) -> dict[str, Any]:
    tool = table(doc, "tool")
    kept = {key: tool[key] for key in ("maturin", "scikit-build") if key in tool}
    return {"build-system": table(doc, "build-system"), "tool": kept}


def build_inputs(directory: Path, doc: Mapping[str, Any], top: Path) -> list[Path]:
    """Directories outside ``directory`` that the package's build reads (absolute)."""
    own = directory.resolve()
    top = top.resolve()
    found: list[Path] = []
    maturin = table(doc, "tool", "maturin")
    backend = str(table(doc, "build-system").get("build-backend", ""))
    if maturin or backend.startswith("maturin"):
        from relnox.versions.dynamic_native import maturin_manifest

        found += _crates(maturin_manifest(own, doc), top)
    skbuild = table(doc, "tool", "scikit-build")
    source = table(skbuild, "cmake").get("source-dir", skbuild.get("cmake.source-dir"))
    if isinstance(source, str):
        found.append((own / source).resolve())
    return [
        p for p in dict.fromkeys(found) if p != own and own not in p.parents and top in p.parents
    ]
