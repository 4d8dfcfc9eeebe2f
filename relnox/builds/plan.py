"""The plan of a build: what build_all will do, checked before anything is touched.
``SOURCE_DATE_EPOCH``: the option, else the variable, else each package's last commit time."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.artifacts.checks import name_and_version
from relnox.artifacts.distdir import out_dir
from relnox.artifacts.manifest import (
    BUILT,
    MANIFEST_JSON,
    MANIFEST_TXT,
    PackageRecord,
    check_state_dir,
    has_manifest,
    manifest_path,
    read_manifest,
)
from relnox.builds.inputs import (
    SOURCE_PARTS,
    UNPROVABLE,
    Inputs,
    missing_toolchain,
    package_inputs,
)
from relnox.errors import BuildError, RelnoxError
from relnox.paths import rel
from relnox.project.changes import pathspecs
from relnox.project.workspace import Package, Workspace
from relnox.report import MANY, grouped
from relnox.tools import git, history

if TYPE_CHECKING:
    from relnox.tools.envs import Installer

logger = logging.getLogger("relnox")

DEFAULT_TEST_COMMAND = ("{python}", "-m", "pytest", "-q", "-p", "no:cacheprovider", "{tests}")
TEST_DIRS = ("tests", "test")


@dataclass(frozen=True)
class BuildOptions:
    packages: Sequence[str] = ()
    jobs: int | None = None
    sdist: bool = True
    wheel: bool = True
    clean: bool = False
    out: str | Path | None = None
    python: str | None = None
    test: bool = False
    strict: bool = False
    keep_going: bool = False
    source_date_epoch: int | str | None = None
    installer: str = "auto"
    force: bool = False


#: why a package is built although a build of it is recorded (not worth saying when first built)
FIRST_BUILD = "no earlier build recorded"


@dataclass(frozen=True)
class BuildPlan:
    workspace: Workspace
    options: BuildOptions  # as given (sdist, wheel, keep_going, strict)
    packages: tuple[Package, ...]
    dist_dir: Path
    python: Path
    installer: Installer | None  # None: --installer auto and every package reused
    fallback: Installer | None  # pip, where uv cannot make an environment (--installer auto)
    jobs: int
    source_date_epoch: int | None  # given (option or environment) for every package
    git_commit: str | None
    clean: tuple[Path, ...] = ()
    test_command: tuple[str, ...] | None = None  # None: no --test
    epochs: Mapping[str, int] = field(default_factory=dict)  # per package, when none is given
    inputs: Mapping[str, Inputs] = field(default_factory=dict)  # per package (relnox.builds.inputs)
    reuse: Mapping[str, PackageRecord] = field(default_factory=dict)  # unchanged, files verified
    why: Mapping[str, str] = field(default_factory=dict)  # why a package is built, not reused

    def epoch_of(self, pkg: Package) -> int | None:
        given = self.source_date_epoch
        return given if given is not None else self.epochs.get(pkg.name)

    @property
    def kinds(self) -> str:
        wanted = (("sdist", self.options.sdist), ("wheel", self.options.wheel))
        return " and ".join(k for k, on in wanted if on)

    def to_json(self) -> dict[str, Any]:
        return {
            "packages": [p.name for p in self.packages],
            "versions": {p.name: p.version for p in self.packages},
            "reuse": sorted(self.reuse),
            "dist_dir": str(self.dist_dir),
            "steps": self.describe(verbose=1),
        }

    def describe(self, verbose: int = 0) -> list[str]:
        """What ``--dry-run`` prints: a line per package (``verbose`` or a few), else counts."""
        root = self.workspace.root
        how = "no environment: every package is reused"
        if self.installer is not None:
            how = f"{self.installer.name} environments, {self.jobs} job(s)"
        epoch = "each package's last commit" if self.epochs else "(unset)"
        if self.source_date_epoch is not None:
            epoch = str(self.source_date_epoch)
        lines = [
            f"build {self.kinds} of {len(self.packages)} package(s) into {rel(self.dist_dir, root)}"
            f" with {self.python} ({how})",
            f"SOURCE_DATE_EPOCH={epoch}",
        ]
        lines += [f"remove {rel(path, root)}" for path in self.clean]
        each = verbose or len(self.packages) < MANY
        steps = []
        for pkg in self.packages:
            if pkg.name in self.reuse:
                steps.append(f"reuse {pkg.name} {pkg.version}: unchanged, files verified")
                continue
            deps = f" after {', '.join(pkg.internal_deps)}" if pkg.internal_deps and each else ""
            tests = " (tests first)" if self.test_command else ""
            why = self.why.get(pkg.name, "")
            why = f": {why}" if why and why != FIRST_BUILD else ""
            steps.append(f"build {pkg.name} {pkg.version} ({pkg.backend}){deps}{tests}{why}")
        lines += steps if each else grouped(steps, [p.name for p in self.packages])
        lines.append(f"write {rel(manifest_path(self.dist_dir), root)} and {MANIFEST_TXT}")
        return lines


#: the latest time a gzip header (an sdist's) holds: 2106-02-07, 2**32 - 1 seconds
MOST_EPOCH = 2**32 - 1


def _epoch(value: int | str | None) -> int | None:
    value = value if value not in (None, "") else os.environ.get("SOURCE_DATE_EPOCH") or None
    if value is None:
        return None
    try:
        epoch = int(value)
    except ValueError:
        epoch = -1
    # below 0 or past 2106 every backend's sdist fails in gzip's header (struct.error)
    if not 0 <= epoch <= MOST_EPOCH:
        raise BuildError(
            f"SOURCE_DATE_EPOCH {value!r} is not a whole number of seconds from 0 to "
            f"{MOST_EPOCH} (what an sdist's gzip header holds); pass one like 1700000000 "
            "(or leave it unset to use each package's last commit time)"
        ) from None
    return epoch


def _package_epochs(
    workspace: Workspace, packages: Sequence[Package], state: history.GitState | None
) -> dict[str, int]:
    """Each package's last commit time at HEAD (nested packages excluded), remembered."""
    if state is None or state.head is None:  # no git, or no commit yet
        return {}
    root, head = workspace.root, state.head
    specs = pathspecs(workspace, packages)
    key = history.key_of(head, history.ref_listing(root), state.paths)
    # remembered by what git is asked, where (a package may move, or have one nested anew)
    asked = {pkg.name: json.dumps([str(root.resolve()), specs[pkg.name]]) for pkg in packages}

    def last_commit(question: str) -> str:
        spec = json.loads(question)[1]
        return git.git(root, "log", "-1", "--format=%ct", head, "--", *spec, check=False)

    def compute(wanted: list[str]) -> dict[str, int]:
        with ThreadPoolExecutor(max_workers=max(1, min(8, len(wanted)))) as pool:
            found = dict(zip(wanted, pool.map(last_commit, wanted), strict=True))
        return {spec: int(out) for spec, out in found.items() if out.isdigit()}

    times = history.remembered(
        key, "epochs", sorted(set(asked.values())), compute, valid=lambda t: type(t) is int
    )
    return {name: int(times[spec]) for name, spec in asked.items() if spec in times}


def _clean_targets(selected: Sequence[Package], dist_dir: Path, everything: bool) -> list[Path]:
    targets: list[Path] = []
    for pkg in selected:
        for name in ("build", "dist"):
            path = pkg.directory / name
            if (
                path.is_dir()
                and path.resolve() != dist_dir.resolve()
                and name not in pkg.import_packages
                and not (path / "__init__.py").exists()
            ):
                targets.append(path)
        for base in (pkg.directory, pkg.directory / "src"):
            targets += sorted(base.glob("*.egg-info"))
    if dist_dir.is_dir():
        names = {pkg.name for pkg in selected}
        for path in sorted(dist_dir.iterdir()):
            parsed = name_and_version(path.name)
            ours = parsed is not None and (everything or parsed[0] in names)
            if ours or (everything and path.name in (MANIFEST_JSON, MANIFEST_TXT)):
                targets.append(path)
    return _untracked(list(dict.fromkeys(targets)), selected)


def _untracked(targets: list[Path], selected: Sequence[Package]) -> list[Path]:
    """``targets`` without those holding a file git tracks (the project's, not a build's)."""
    found = git.top_of(selected[0].directory) if targets and selected else None
    if found is None:
        return targets
    top = found.resolve()
    specs = {  # outside the repository (a dist-dir elsewhere), git tracks none
        path: ":(literal)" + path.resolve().relative_to(top).as_posix()
        for path in targets
        if path.resolve().is_relative_to(top)
    }
    if not specs:
        return targets
    listed = git.run(top, "ls-files", "-z", "--", *specs.values())
    tracked = [top / name for name in listed.output.split("\0") if name]
    kept = [
        path
        for path in specs
        if any(file == path.resolve() or path.resolve() in file.parents for file in tracked)
    ]
    for path in kept:
        logger.warning(
            "--clean keeps %s: git tracks files in it (a build's output is never committed); "
            "remove what the build left there yourself (git clean -fX -- %s)",
            rel(path, top),
            rel(path, top),
        )
    return [path for path in targets if path not in kept]


def _reuse(
    dist_dir: Path, packages: Sequence[Package], inputs: Mapping[str, Inputs], refuse: str
) -> tuple[dict[str, PackageRecord], dict[str, str]]:
    """The recorded builds that can stand, and why the others are built."""
    reuse: dict[str, PackageRecord] = {}
    why: dict[str, str] = {}
    recorded: dict[str, PackageRecord] = {}
    if has_manifest(dist_dir):
        try:
            manifest = read_manifest(dist_dir)
        except RelnoxError as exc:
            logger.warning("%s; building every package", str(exc).split("; rebuild with")[0])
        else:
            recorded = {r.name: r for r in manifest.packages if r.origin == BUILT and r.inputs}
    for pkg in packages:
        record = recorded.get(pkg.name)
        facts = inputs[pkg.name]
        if refuse:
            why[pkg.name] = refuse
        elif facts.unknown:
            why[pkg.name] = facts.unknown
        elif record is None:
            why[pkg.name] = FIRST_BUILD
        elif record.inputs.get(UNPROVABLE):
            why[pkg.name] = record.inputs[UNPROVABLE]
        elif changed := facts.changed(record.inputs):
            why[pkg.name] = f"{', '.join(changed)} changed"
        else:
            try:
                for artifact in record.files:
                    manifest.checked_path(artifact)
            except RelnoxError:
                why[pkg.name] = "its recorded files are missing or changed"
            else:
                reuse[pkg.name] = record
    return reuse, why


def same_sources(
    earlier: PackageRecord | None, version: str, inputs: Mapping[str, str]
) -> dict[str, str]:
    """The wheels (name -> sha256) of ``earlier`` if of the same version and sources."""
    if earlier is None or earlier.origin != BUILT or earlier.version != version or not inputs:
        return {}
    if any(part not in inputs or earlier.inputs.get(part) != inputs[part] for part in SOURCE_PARTS):
        return {}
    return {f.filename: f.sha256 for f in earlier.files if f.kind == "wheel"}


def _test_command(workspace: Workspace) -> tuple[str, ...]:
    command = workspace.config.section("build").get("test-command", DEFAULT_TEST_COMMAND)
    if not isinstance(command, (list, tuple)) or not all(isinstance(c, str) for c in command):
        raise BuildError(
            f"{workspace.config.source}: [tool.relnox.builds] test-command must be a list of "
            'strings, like ["{python}", "-m", "pytest", "-q", "{tests}"]; fix it'
        )
    return tuple(command)


def plan_build(workspace: Workspace, options: BuildOptions) -> BuildPlan:
    """Check everything that can be checked; what ``execute`` will do."""
    if not options.sdist and not options.wheel:
        raise BuildError("--wheel-only and --sdist-only exclude each other; pass one of them")
    selected = workspace.select(options.packages)
    missing = [
        f"{pkg.name} (backend {pkg.backend}) needs {', '.join(tools)}"
        for pkg in selected
        if (tools := missing_toolchain(pkg.backend))
    ]
    if missing:
        raise BuildError(
            f"native build toolchain missing: {'; '.join(missing)}; install it, or leave the "
            "package out with --package"
        )
    root = workspace.root
    dist_dir = out_dir(workspace, options.out)
    check_state_dir(dist_dir)
    everything = len(selected) == len(workspace.packages)
    jobs = options.jobs if options.jobs and options.jobs > 0 else os.cpu_count() or 1
    # no --python: the interpreter running relnox (resolve_python's answer, not loaded)
    python = Path(sys.executable)
    if options.python:
        from relnox.tools.envs import resolve_python

        python = Path(resolve_python(options.python, error=BuildError))
    given = _epoch(options.source_date_epoch)
    kinds = "+".join(k for k, on in (("sdist", options.sdist), ("wheel", options.wheel)) if on)
    state = history.git_state(root) if git.on_path() else None
    with git.held(root) if state is not None else contextlib.nullcontext():  # one top asked
        epochs = _package_epochs(workspace, selected, state) if given is None else {}
        inputs = package_inputs(
            workspace,
            selected,
            python=python,
            epochs={p.name: given for p in selected} if given is not None else epochs,
            kinds=kinds,
            output=dist_dir,
        )
    flags = (
        ("--force", options.force),
        ("--clean", options.clean),
        ("--test runs its tests", options.test),
    )
    refuse = next((flag for flag, on in flags if on), "")
    reuse, why = _reuse(dist_dir, selected, inputs, refuse)
    installer: Installer | None = None
    fallback: Installer | None = None
    # with --installer auto and a recorded build, uv is asked only once a package is built
    if refuse or options.installer != "auto" or len(reuse) < len(selected):
        from relnox.tools.envs import PipInstaller, find_installer

        installer = find_installer(options.installer, error=BuildError)
        if options.installer == "auto" and installer.name == "uv":
            fallback = PipInstaller()
    return BuildPlan(
        workspace=workspace,
        options=options,
        packages=selected,
        dist_dir=dist_dir,
        python=python,
        installer=installer,
        fallback=fallback,
        jobs=max(1, min(jobs, len(selected))),
        source_date_epoch=given,
        epochs=epochs,
        git_commit=state.head if state is not None else None,
        clean=tuple(_clean_targets(selected, dist_dir, everything)) if options.clean else (),
        test_command=_test_command(workspace) if options.test else None,
        inputs=inputs,
        reuse=reuse,
        why=why,
    )
