"""What a package's build depends on: its input fingerprint, and whether a build can be reused.

A package is rebuilt only when one of its inputs changed since the build recorded in the
manifest (:mod:`relnox.artifacts.manifest`). Its inputs, simply and safely:

* ``files``: the git-tracked files of its directory (packages nested in it excluded), as
  ``git ls-files -s`` names them (mode, blob hash, path); ``ignore``: the ``.gitignore``
  files above it up to the repository's top (they decide what some backends include). Any untracked, modified or
  staged file there means the inputs cannot be established: the package is rebuilt.
  Files git ignores are not inputs (backends leave them out of what they build).
* ``build``: its ``[build-system]`` table (requirements as declared, backend) and the
  relnox version (which normalises sdists);
* ``python``: the interpreter's path, the file it resolves to and that file's size and
  modification time (an upgrade in place changes them);
* ``epoch``: the ``SOURCE_DATE_EPOCH`` it is built with; ``version``: its version;
* ``kinds``: sdist and/or wheel (a wheel-only build makes its wheel from the tree).

The pyproject is one of the tracked files, so backend configuration is covered. Inputs
cannot be established (and nothing is reused) without a git repository, for versions a
backend reads from git tags, and for backends that run code of the project's own at
build time: ``setup.py``, a custom backend (``backend-path``), hatch build or metadata
hooks, a poetry build script, a pdm build hook, setuptools ``cmdclass`` or
``ext-modules``, or a pyproject that refers to files outside the package directory; nor
for native backends (maturin, scikit-build-core, meson-python), whose compiler and
toolchain are not fingerprinted. The resolved versions of build requirements are not
inputs: after upgrading a backend, ``--force`` rebuilds everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.builds.envpool import NATIVE_TOOLCHAINS
from relnox.errors import RelnoxError
from relnox.project.pyproject import load_toml
from relnox.project.workspace import Package, Workspace
from relnox.tools import git


@dataclass(frozen=True)
class Inputs:
    """A package's input fingerprint, or why it cannot be established."""

    parts: Mapping[str, str]  # component -> digest (empty when ``unknown`` is set)
    unknown: str = ""  # why the inputs cannot be established ("untracked changes: ...")

    def changed(self, recorded: Mapping[str, str]) -> list[str]:
        """The components that differ from ``recorded`` (all of them when it is empty)."""
        keys = sorted(set(self.parts) | set(recorded))
        return [k for k in keys if self.parts.get(k) != recorded.get(k)]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _table(doc: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """``doc[k1][k2]...``, or an empty table where a key is missing or not a table."""
    for key in keys:
        value = doc.get(key)
        doc = value if isinstance(value, Mapping) else {}
    return doc


def dynamic_steps(pkg: Package) -> str:
    """Why the backend runs project code or a toolchain at build time that no fingerprint
    covers ("" if it does not)."""
    directory = pkg.directory
    if (directory / "setup.py").is_file():
        return "setup.py runs code at build time"
    if pkg.backend.split(":")[0].split(".")[0] in NATIVE_TOOLCHAINS:
        return "a native build (compiler and toolchain versions are not fingerprinted)"
    try:
        doc = load_toml(pkg.pyproject)
    except RelnoxError:
        return f"{pkg.pyproject.name} cannot be read"
    if _table(doc, "build-system").get("backend-path"):
        return "a custom build backend (backend-path)"
    build = _table(doc, "tool", "hatch", "build")
    targets = _table(build, "targets")
    if (
        build.get("hooks")
        or any(_table(targets, name).get("hooks") for name in targets)
        or _table(doc, "tool", "hatch", "metadata").get("hooks")
        or (directory / "hatch_build.py").is_file()
    ):
        return "a hatch build hook"
    poetry_build = _table(doc, "tool", "poetry").get("build")
    if isinstance(poetry_build, str) or _table(doc, "tool", "poetry", "build").get("script"):
        return "a poetry build script"
    if (directory / "pdm_build.py").is_file() or _table(doc, "tool", "pdm", "build").get(
        "custom-hook"
    ):
        return "a pdm build hook"
    setuptools = _table(doc, "tool", "setuptools")
    if setuptools.get("cmdclass") or setuptools.get("ext-modules"):
        return "setuptools cmdclass or ext-modules (code or a compiler at build time)"
    if "../" in pkg.pyproject.read_text(encoding="utf-8", errors="replace").replace("\\", "/"):
        return f"{pkg.pyproject.name} refers to files outside the package directory"
    return ""


def _owner(path: str, owners: Mapping[str, str]) -> str | None:
    """The package whose directory holds ``path`` (the deepest one), if any."""
    parent = path
    while parent:
        parent = parent.rpartition("/")[0]
        if parent in owners:
            return owners[parent]
    return owners.get("")


def _relative(directory: Path, top: Path) -> str:
    """``directory`` relative to the repository's top, as git spells it ("" for the top)."""
    path = directory.resolve().relative_to(top).as_posix()
    return "" if path == "." else path


def _status_paths(root: Path) -> tuple[list[str], list[str]]:
    """(untracked, modified) paths under ``root``, relative to the repository's top."""
    out = git.run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    untracked: list[str] = []
    modified: list[str] = []
    fields = iter(out.output.split("\0"))
    for entry in fields:
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":  # a rename or copy: the next field is its source
            next(fields, None)
        (untracked if code == "??" else modified).append(path)
    return untracked, modified


def _ignore_rules(directory: Path, top: Path) -> list[str]:
    """The ``.gitignore`` files above ``directory`` up to the repository's top: backends
    that follow them (hatchling, poetry) leave out tracked files they come to match."""
    rules = []
    for parent in directory.resolve().parents:
        if parent != top and top not in parent.parents:
            break
        path = parent / ".gitignore"
        rules.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    return rules


def _interpreter(python: Path) -> str:
    real = Path(os.path.realpath(python))
    try:
        stat = real.stat()
        facts: list[Any] = [str(python), str(real), stat.st_size, stat.st_mtime_ns]
    except OSError:
        facts = [str(python), str(real)]
    return _digest(facts)


def package_inputs(
    workspace: Workspace,
    packages: Sequence[Package],
    *,
    python: Path,
    epochs: Mapping[str, int | None],
    kinds: str,
    output: Path | None = None,
) -> dict[str, Inputs]:
    """Each package's :class:`Inputs`: two git commands for the whole workspace. Files
    under ``output`` (the dist directory, when git does not ignore it) are not inputs."""
    from relnox import __version__

    root = workspace.root
    if not (shutil.which("git") and git.is_repo(root)):
        return {pkg.name: Inputs({}, "no git repository") for pkg in packages}
    top = git.toplevel(root).resolve()
    owners = {_relative(pkg.directory, top): pkg.name for pkg in workspace.packages}
    files: dict[str, list[str]] = {pkg.name: [] for pkg in packages}
    listing = git.run(root, "ls-files", "-s", "-z", "--full-name", "--", ".").output
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        owner = _owner(path, owners) if path else None
        if owner in files:
            files[owner].append(f"{meta} {path}")
    untracked, modified = _status_paths(root)
    if output is not None and output.resolve().is_relative_to(top):
        out = _relative(output, top) + "/"
        untracked = [p for p in untracked if not p.startswith(out)]
    dirty: dict[str, tuple[str, str]] = {}
    for kind, paths in (("modified files", modified), ("untracked changes", untracked)):
        for path in paths:
            owner = _owner(path.rstrip("/"), owners)
            if owner in files and owner not in dirty:
                dirty[owner] = (kind, path)
    interpreter = _interpreter(python)
    result: dict[str, Inputs] = {}
    for pkg in packages:
        if pkg.name in dirty:
            kind, path = dirty[pkg.name]
            result[pkg.name] = Inputs({}, f"{kind}: {path}")
            continue
        if pkg.vcs_versioned:
            result[pkg.name] = Inputs({}, "its version comes from git tags at build time")
            continue
        steps = dynamic_steps(pkg)
        if steps:
            result[pkg.name] = Inputs({}, steps)
            continue
        result[pkg.name] = Inputs(
            {
                "files": _digest(files[pkg.name]),
                "ignore": _digest(_ignore_rules(pkg.directory, top)),
                "build": _digest([pkg.backend, list(pkg.build_requires), __version__]),
                "python": interpreter,
                "epoch": _digest(epochs.get(pkg.name)),
                "version": _digest(pkg.version),
                "kinds": _digest(kinds),
            }
        )
    return result
