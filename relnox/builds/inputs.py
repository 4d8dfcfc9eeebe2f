"""What a package's build depends on: its input fingerprint, which tells build-all whether a
build can be reused, and verify and publish whether ``dist/`` is still what the tree builds."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.artifacts.manifest import BUILT, PackageRecord, state_dir
from relnox.builds.sources import (
    TAKEN,
    Listing,
    list_ignored,
    list_sources,
    never_read,
    outside_files,
    owner_of,
    stat_of,
    taken_changed,
    tracked_digests,
)
from relnox.errors import RelnoxError, shortlist
from relnox.paths import rel
from relnox.project.pyproject import with_hatch_toml
from relnox.project.workspace import Package, Workspace
from relnox.toml import table
from relnox.tools import git
from relnox.versions.sources import load_toml

logger = logging.getLogger("relnox")

#: recorded with a build whose artifacts hold bytes no input covers: why it is always rebuilt
UNPROVABLE = "unprovable"


@dataclass(frozen=True)
class Inputs:
    parts: Mapping[str, str]  # component -> digest
    unknown: str = ""  # why reuse cannot be proven ("untracked changes: ...")
    files: tuple[str, ...] = ()  # its tracked files' paths

    @property
    def size(self) -> int:
        """Bytes of its tracked files (build-all starts the largest build first)."""
        return sum(_size(path) for path in self.files)

    def changed(self, recorded: Mapping[str, str]) -> list[str]:
        """The components that differ from ``recorded`` (all of them when it is empty)."""
        keys = sorted(set(self.parts) | set(recorded))
        return [k for k in keys if self.parts.get(k) != recorded.get(k)]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


#: backend module prefix -> (tools of which one must be on PATH, what to install)
NATIVE_TOOLCHAINS: dict[str, tuple[tuple[str, ...], str]] = {
    "maturin": (("cargo",), "Rust's cargo (rustup.rs)"),
    "scikit_build_core": (("cmake",), "CMake"),
    "mesonpy": (("ninja", "samu"), "ninja"),
}
#: backends that compile C/C++ and need a compiler too
C_BACKENDS = ("scikit_build_core", "mesonpy")
C_COMPILERS = ("cc", "gcc", "clang")


def missing_toolchain(backend: str) -> list[str]:
    """The programs a native backend needs on PATH that are not there."""
    module = backend.split(":")[0].split(".")[0]
    missing: list[str] = []
    if module in NATIVE_TOOLCHAINS:
        tools, label = NATIVE_TOOLCHAINS[module]
        if not any(shutil.which(tool) for tool in tools):
            missing.append(f"{label} ({' or '.join(tools)} on PATH)")
    if module in C_BACKENDS:
        compiler = os.environ.get("CC")
        if not (compiler and shutil.which(compiler.split()[0])) and not any(
            shutil.which(cc) for cc in C_COMPILERS
        ):
            missing.append(f"a C compiler ({' or '.join(C_COMPILERS)} on PATH, or $CC)")
    return missing


#: backends that never run a setup.py: one beside them is a leftover, not a build step
NEVER_RUN_SETUP_PY = ("hatchling", "flit_core", "poetry", "pdm", "uv_build")


def dynamic_steps(pkg: Package, read: Mapping[str, Any] | None) -> str:
    """Why the backend runs code or a toolchain no fingerprint covers (``read``: its pyproject)."""
    directory = pkg.directory
    module = pkg.backend.split(":")[0].split(".")[0]
    if (directory / "setup.py").is_file() and module not in NEVER_RUN_SETUP_PY:
        return "setup.py runs code at build time"
    if module in NATIVE_TOOLCHAINS:
        return "a native build (compiler and toolchain versions are not fingerprinted)"
    if read is None:
        return f"{pkg.pyproject.name} cannot be read"
    doc = with_hatch_toml(directory, dict(read))
    if table(doc, "build-system").get("backend-path"):
        return "a custom build backend (backend-path)"
    build = table(doc, "tool", "hatch", "build")
    targets = table(build, "targets")
    if (
        build.get("hooks")
        or any(table(targets, name).get("hooks") for name in targets)
        or table(doc, "tool", "hatch", "metadata").get("hooks")
        or (directory / "hatch_build.py").is_file()
    ):
        return "a hatch build hook"
    poetry_build = table(doc, "tool", "poetry").get("build")
    if isinstance(poetry_build, str) or table(doc, "tool", "poetry", "build").get("script"):
        return "a poetry build script"
    if (directory / "pdm_build.py").is_file() or table(doc, "tool", "pdm", "build").get(
        "custom-hook"
    ):
        return "a pdm build hook"
    setuptools = table(doc, "tool", "setuptools")
    if setuptools.get("cmdclass") or setuptools.get("ext-modules"):
        return "setuptools cmdclass or ext-modules (code or a compiler at build time)"
    if build.get("artifacts") or any(table(targets, name).get("artifacts") for name in targets):
        return "hatch artifacts (files git ignores that the backend includes) cannot be proven unchanged"
    return ""


def _relative(directory: Path, top: Path) -> str:
    """``directory`` relative to the repository's top, as git spells it ("" for the top)."""
    path = directory.resolve().relative_to(top).as_posix()
    return "" if path == "." else path


def _status_paths(root: Path, places: Sequence[str] = (".",)) -> tuple[list[str], list[str]]:
    """(untracked, modified) paths under ``places``, relative to the repository's top."""
    out = git.run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *places)
    untracked: list[str] = []
    modified: list[str] = []
    for code, path in git.status_entries(out):
        if not (code == "??" and never_read(path)):
            (untracked if code == "??" else modified).append(path)
    return untracked, modified


def _ignore_rules(directory: Path, top: Path) -> list[str]:
    """The ``.gitignore`` files above ``directory`` up to the top, hashed (backends follow them)."""
    rules = []
    for parent in directory.resolve().parents:
        if parent != top and top not in parent.parents:
            break
        path = parent / ".gitignore"
        rules.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    return rules


#: prefixes of environment variables build backends read (SETUPTOOLS_SCM_PRETEND_VERSION, ...)
BACKEND_ENVIRON = ("HATCH_", "SETUPTOOLS_", "PDM_", "POETRY_", "FLIT_", "DISTUTILS_", "PBR_")


def _skipped(top: Path, output: Path | None, root: Path) -> list[str]:
    """Directories (relative to the top, ending in ``/``) whose files are never inputs: the
    dist directory and the state directories beside it and at the root."""
    places = [state_dir(root / "dist").parent]
    if output is not None:
        places += [output, state_dir(output).parent]
    found = [
        _relative(p, top) + "/" for p in places if p.resolve().is_relative_to(top) and p != top
    ]
    return list(dict.fromkeys(found))


def package_owners(workspace: Workspace, top: Path) -> dict[str, str]:
    """Each package's directory relative to the repository's top (resolved) -> its name."""
    return {_relative(p.directory, top): p.name for p in workspace.packages}


_HASHED = 1024 * 1024  # an untracked file up to this size is hashed, else its size and time


def _untracked_fact(path: str, top: Path) -> list[Any]:
    """An untracked path with the sha256 of its bytes, else its size and time."""
    import stat

    try:
        info = os.lstat(top / path)
        if stat.S_ISREG(info.st_mode) and info.st_size <= _HASHED:
            return [path, hashlib.sha256((top / path).read_bytes()).hexdigest()]
    except OSError:
        return [path]
    return [path, info.st_size, info.st_mtime_ns]


def after_build(
    workspace: Workspace, pkg: Package, output: Path | None, top: Path, owners: Mapping[str, str]
) -> tuple[str, str, list[str]]:
    """``pkg``'s ``untracked`` and ``ignored`` digests as its directory is now (a build
    writes some), and the ignored paths (relative to its directory)."""
    skip = _skipped(top, output, workspace.root)
    spec = str(pkg.directory.resolve())
    untracked, _ = _status_paths(workspace.root, [spec])
    mine = [
        path
        for path in untracked
        if not any(path.startswith(s) for s in skip)
        and owner_of(path.rstrip("/"), owners) == pkg.name
    ]
    ignored = list_ignored(workspace.root, owners, skip, [spec]).get(pkg.name, [])
    digest, inside = _ignored_digest(pkg, ignored, top)
    return _digest([_untracked_fact(p, top) for p in sorted(mine)]), digest, inside


#: directories a backend writes into the package and reads back (setuptools reads the
#: file list of an existing egg-info): their files' sizes and times are inputs too
SCRATCH = (".egg-info", ".pdm-build")

#: pdm-backend's PDM_BUILD_NO_CLEAN values that still empty ``.pdm-build`` (unset as well)
_PDM_CLEANS = ("0", "false", "no")


def _ignored_digest(pkg: Package, paths: Sequence[str], top: Path) -> tuple[str, list[str]]:
    """The digest of the names of the files git ignores in ``pkg`` (with the sizes and times
    of those in :data:`SCRATCH`), and those names relative to its directory."""
    prefix = (_relative(pkg.directory, top) + "/").removeprefix("/")
    # pdm-backend empties .pdm-build before every build (unless PDM_BUILD_NO_CLEAN): no input
    pdm = pkg.backend.split(":")[0].strip() == "pdm.backend"
    cleans = os.environ.get("PDM_BUILD_NO_CLEAN", "0").lower() in _PDM_CLEANS
    emptied = (".pdm-build",) if pdm and cleans else ()
    inside = [p[len(prefix) :] for p in sorted(paths)]
    inside = [p for p in inside if p.split("/", 1)[0] not in emptied]
    facts = [
        [p, stat_of(top / prefix / p)] if any(d.endswith(SCRATCH) for d in p.split("/")[:-1]) else p
        for p in inside
    ]
    return _digest(facts), inside


def package_inputs(
    workspace: Workspace,
    packages: Sequence[Package],
    *,
    python: Path,
    epochs: Mapping[str, int | None],
    kinds: str,
    output: Path | None = None,
    ignored: bool = True,
) -> dict[str, Inputs]:
    """Each package's :class:`Inputs`, even where reuse is refused (``unknown``): verify and
    publish compare them. Without ``ignored`` no ``ignored`` part (and no reuse)."""
    from relnox import __version__

    root = workspace.root
    found_top = git.top_of(root) if git.on_path() else None
    if found_top is None:
        return {pkg.name: Inputs({}, "no git repository") for pkg in packages}
    top = found_top.resolve()
    owners = package_owners(workspace, top)
    skip = _skipped(top, output, root)
    # git walks only the packages asked about
    dirs = [pkg.directory.resolve() for pkg in packages]
    inside = all(d != top and d.is_relative_to(top) for d in dirs)
    places = sorted({str(d) for d in dirs}) if dirs and inside else ["."]
    with ThreadPoolExecutor(max_workers=1) as pool:  # git status while git lists the files
        status = pool.submit(_status_paths, root, places)
        listing = list_sources(root, owners, skip, places, ignored=ignored)
        untracked, modified = status.result()
    wanted = {pkg.name for pkg in packages}
    entries = [entry for name in sorted(wanted) for entry in listing.tracked.get(name, [])]
    found = tracked_digests(top, entries)
    untracked = [p for p in untracked if not any(p.startswith(s) for s in skip)]
    loose: dict[str, list[str]] = {}  # each package's untracked files
    dirty: dict[str, tuple[str, str]] = {}
    for kind, paths in (("modified files", modified), ("untracked changes", untracked)):
        for path in paths:
            owner = owner_of(path.rstrip("/"), owners)
            if owner in wanted:
                dirty.setdefault(owner, (kind, path))
                if kind == "untracked changes":
                    loose.setdefault(owner, []).append(path)
    real = Path(os.path.realpath(python))
    interpreter = _digest([str(python), str(real), *stat_of(real)])
    base = str(top)
    environ = _digest(
        sorted((k, v) for k, v in os.environ.items() if k.startswith(BACKEND_ENVIRON))
    )
    result: dict[str, Inputs] = {}
    for pkg in packages:
        tracked = sorted(listing.tracked.get(pkg.name, []), key=lambda item: item[1])
        try:  # read once, for the files outside it names and its build steps
            document: Mapping[str, Any] | None = load_toml(pkg.pyproject)
        except RelnoxError:
            document = None
        parts = {
            "files": _digest([f"{meta} {path}" for meta, path in tracked]),
            "contents": _digest([[p, found[p]] for _, p in tracked if p in found]),
            "outside": _digest(outside_files(pkg.directory, document or {})),
            "untracked": _digest(
                [_untracked_fact(p, top) for p in sorted(loose.get(pkg.name, []))]
            ),
            "ignore": _digest(_ignore_rules(pkg.directory, top)),
            **(
                {"ignored": _ignored_digest(pkg, listing.ignored.get(pkg.name, []), top)[0]}
                if ignored
                else {}
            ),
            "build": _digest([pkg.backend, list(pkg.build_requires), __version__]),
            "python": interpreter,
            "epoch": _digest(epochs.get(pkg.name)),
            "version": _digest(pkg.version),
            "kinds": _digest(kinds),
            "environ": environ,
        }
        unknown = _unknown(pkg, dirty, listing, document) if ignored else "ignored files not listed"
        files = tuple(os.path.join(base, path) for _, path in tracked)
        result[pkg.name] = Inputs(parts, unknown, files)
    return result


def _unknown(
    pkg: Package,
    dirty: Mapping[str, tuple[str, str]],
    listing: Listing,
    document: Mapping[str, Any] | None,
) -> str:
    """Why ``pkg``'s inputs cannot be proven ("" when they can)."""
    if pkg.name in dirty:
        return ": ".join(dirty[pkg.name])
    if path := listing.assumed.get(pkg.name):
        return (
            f"{path} is marked assume-unchanged or skip-worktree in git's index, so git "
            f"cannot tell whether it changed (git update-index --no-assume-unchanged "
            "--no-skip-worktree clears it)"
        )
    if path := listing.private.get(pkg.name):
        return (
            f"{path} is ignored only by .git/info/exclude or core.excludesFile, which build "
            "backends do not read (they may include it)"
        )
    if pkg.vcs_versioned:
        return "its version comes from git tags at build time"
    return dynamic_steps(pkg, document)


#: the parts that say what a package's files are made of (not how or when they were built)
SOURCE_PARTS = ("files", "contents", "untracked", "outside", "ignore", "build", "version")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _changed_files(root: Path, directory: Path, parts: Sequence[str], commit: str | None) -> str:
    """The files under ``directory`` behind the changed ``parts``."""
    spec = str(directory.resolve())
    untracked, modified = _status_paths(root, [spec])
    paths = list(untracked) if "untracked" in parts else []
    if {"files", "contents"} & set(parts):
        if commit:
            diff = git.run(root, "diff", "--name-only", "-z", commit, "--", spec)
            paths += diff.output.split("\0") if diff.returncode == 0 else []
        paths += modified
    return shortlist(list(dict.fromkeys(p for p in paths if p)))


def stale_builds(
    workspace: Workspace,
    records: Sequence[PackageRecord],
    dist_dir: Path,
    commit: str | None = None,
) -> dict[str, str]:
    """The packages of ``records`` built by build-all whose :data:`SOURCE_PARTS` or ``taken``
    files changed since (name -> what changed)."""
    judged = [r for r in records if r.origin == BUILT and r.inputs]
    known = {p.name for p in workspace.packages}
    packages = [workspace.get(r.name) for r in judged if r.name in known]
    if not packages:
        return {}
    current = package_inputs(  # the files git ignores are no source part: not listed
        workspace,
        packages,
        python=Path(sys.executable),
        epochs={},
        kinds="",
        output=dist_dir,
        ignored=False,
    )
    stale: dict[str, str] = {}
    for record in judged:
        why = []
        facts = current.get(record.name)
        if facts is not None and facts.parts:
            changed = [
                part
                for part in SOURCE_PARTS
                if part in record.inputs and facts.parts.get(part) != record.inputs[part]
            ]
            if changed:
                directory = workspace.get(record.name).directory
                where = rel(directory, workspace.root)
                untracked = (
                    f"untracked files (which git status --untracked-files=all -- {where} lists)"
                )
                named = [untracked if p == "untracked" else p for p in changed]
                files = _changed_files(workspace.root, directory, changed, commit)
                why.append(f"{', '.join(named)} changed" + (f" ({files})" if files else ""))
        if TAKEN in record.inputs and record.name in known:
            why.append(taken_changed(workspace.get(record.name).directory, record.inputs[TAKEN]))
        why = [w for w in why if w]
        if why:
            stale[record.name] = "; ".join(why)
    return stale


def refuse_stale(
    workspace: Workspace,
    records: Sequence[PackageRecord],
    dist_dir: Path,
    *,
    allow: Sequence[str] = (),
    error: type[RelnoxError],
    commit: str | None = None,
) -> dict[str, str]:
    """Raise ``error`` naming every package whose sources changed since build-all made its
    files; those in ``allow`` (``--allow-stale``) pass, and are returned (name -> why)."""
    allowed = {canonicalize_name(n) for n in allow}
    known = {canonicalize_name(p.name) for p in workspace.packages}
    strangers = [n for n in allow if canonicalize_name(n) not in known]
    if strangers:
        raise error(
            f"--allow-stale {strangers[0]}: not a package of {workspace.root}; its packages "
            f"are: {', '.join(p.name for p in workspace.packages)}"
        )
    stale = stale_builds(workspace, records, dist_dir, commit)
    refused = {n: why for n, why in stale.items() if canonicalize_name(n) not in allowed}
    if refused:
        names = sorted(refused)
        lines = [f"  {n}: {refused[n]} since its files in {dist_dir} were built" for n in names]
        packages = " ".join(f"--package {n}" for n in names)
        raise error(
            f"{len(names)} package(s) changed since their files were built: "
            f"{', '.join(names)}; rebuild with relnox build-all {packages} "
            f"(or pass --allow-stale {names[0]} to use the old files deliberately)\n"
            + "\n".join(lines)
        )
    for name, why in sorted(stale.items()):
        logger.warning("%s: %s since its files were built; used anyway (--allow-stale)", name, why)
    return dict(sorted(stale.items()))
