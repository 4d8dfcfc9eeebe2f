"""What verify_install will do, decided and checked before anything is installed: the files of
the dist directory, or with ``--index`` each package from an index; usage errors: VerifyError."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.artifacts.distdir import dist_path, load_release
from relnox.artifacts.manifest import ArtifactRecord, Manifest, PackageRecord, read_manifest
from relnox.builds import refuse_stale
from relnox.errors import RelnoxError, VerifyError
from relnox.files import file_digest
from relnox.paths import rel
from relnox.project.workspace import Package, Workspace, needs
from relnox.tools import cooldown
from relnox.tools.envs import Installer, InstallOptions, find_installer, resolve_python, wheel_for
from relnox.tools.index_auth import IndexLogin, split_login
from relnox.verify.model import (
    DEFAULT_TIMEOUT,
    DEFAULT_WAIT,
    Artifact,
    Round,
    ScriptArgs,
    Target,
    VerifyOptions,
    VerifyPlan,
)
from relnox.verify.settings import (
    args_of,
    commands_of,
    in_range,
    number_of,
    package_commands,
    script_args_of,
    string_of,
)
from relnox.verify.smoke import wheel_facts
from relnox.verify.targets import by_interpreter

logger = logging.getLogger("relnox")


def _pick_wheel(record: PackageRecord, manifest: Manifest, python: str) -> ArtifactRecord:
    """The wheel of ``record`` that ``python`` (the fresh environment's) installs."""
    wheels = record.wheels
    if not wheels:
        raise VerifyError(
            f"{manifest.dist_dir}: the build manifest lists no wheel of {record.name}; "
            "build it with relnox build-all"
        )
    if len(wheels) == 1:
        return wheels[0]
    picked = wheel_for([w.filename for w in wheels], python, error=VerifyError)
    if (wheel := next((w for w in wheels if w.filename == picked), None)) is not None:
        return wheel
    raise VerifyError(
        f"{manifest.dist_dir}: none of the wheels of {record.name} "
        f"({', '.join(w.filename for w in wheels)}) installs on {python}; "
        "verify on a matching platform or build a wheel for it"
    )


def _checked(manifest: Manifest, record: ArtifactRecord) -> Artifact:
    """The file of ``record`` as load_release hashed it; what is installed is checked on it."""
    path = manifest.dist_dir / record.filename
    if not path.is_file():
        raise VerifyError(f"{path}: listed in the build manifest but missing; rebuild it")
    return Artifact(path, record.sha256)


def _closure(workspace: Workspace, manifest: Manifest, names: Sequence[str]) -> list[str]:
    """``names`` and every workspace package they need (not by an extra), in manifest order."""
    known = {r.name: r for r in manifest.packages}

    def deps(name: str) -> Sequence[str]:  # the workspace packages it requires to run
        try:
            return [
                r.target for r in workspace.get(name).requirements if r.runtime and not r.optional
            ]
        except RelnoxError:
            return known[name].depends_on if name in known else ()

    wanted = needs(workspace, names, deps)
    return [r.name for r in manifest.packages if r.name in wanted]


def _dist_targets(
    workspace: Workspace, manifest: Manifest, names: Sequence[str], sdist: bool, python: str
) -> tuple[list[Target], list[Artifact], list[Artifact]]:
    """The targets, the siblings they need, and the other wheels (for the resolver)."""
    by_name: dict[str, PackageRecord] = {canonicalize_name(r.name): r for r in manifest.packages}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise VerifyError(
            f"{manifest.dist_dir}: the build manifest has no build of {', '.join(missing)}; "
            "build it with relnox build-all"
        )
    selected = list(names) or list(by_name)
    targets: list[Target] = []
    siblings: list[Artifact] = []
    closure = _closure(workspace, manifest, selected)
    available = []
    for record in manifest.packages:
        if record.name not in closure and record.wheels:
            try:
                available.append(_checked(manifest, _pick_wheel(record, manifest, python)))
            except VerifyError:  # no wheel for this platform: the resolver does without it
                continue
    for name in closure:
        record = by_name[name]
        wheel = _checked(manifest, _pick_wheel(record, manifest, python))
        if name not in selected:
            siblings.append(wheel)
            continue
        try:
            pkg: Package | None = workspace.get(name)
        except RelnoxError:
            pkg = None
        if pkg is not None and pkg.version != record.version and not pkg.vcs_versioned:
            said = (name, record.version, pkg.version)
            logger.warning(
                "%s: dist/ holds %s but the source says %s; verifying what was built", *said
            )
        sdist_file = None
        if sdist:
            if not record.sdists:
                raise VerifyError(
                    f"{manifest.dist_dir}: --sdist, but the build manifest lists no sdist of "
                    f"{name}; build one with relnox build-all"
                )
            sdist_file = _checked(manifest, record.sdists[0])
        facts = wheel_facts(wheel.path)
        modules = tuple(dict.fromkeys([*facts.imports, *(pkg.import_packages if pkg else ())]))
        targets.append(
            Target(
                name=name,
                version=record.version,
                artifact=str(wheel.path),
                modules=modules,
                facts=facts,
                wheel=wheel,
                sdist=sdist_file,
                commands=package_commands(workspace, pkg),
                requires_python=facts.requires_python,
                dunder_version=writes_dunder_version(pkg),
            )
        )
    return targets, siblings, available


def writes_dunder_version(pkg: Package | None) -> bool:
    """Whether the check compares ``__version__``: not when the build reads another attribute
    (setuptools' ``attr = "pkg.VERSION_STRING"``)."""
    primary = pkg.primary if pkg is not None else None
    return not (primary is not None and primary.kind == "python" and primary.pattern)


def plan_verify(workspace: Workspace, options: VerifyOptions) -> VerifyPlan:
    """Everything verify_install will do; raises :class:`VerifyError` for any usage error."""
    o = options
    where = f"{workspace.config.source} [tool.relnox.verify]"
    try:
        section = workspace.config.section("verify")
    except RelnoxError as exc:
        raise VerifyError(str(exc)) from None
    names = [workspace.get(n).name for n in o.packages]
    # its usage error first
    chosen_installer = find_installer(
        o.installer or string_of(section, "installer", where), error=VerifyError
    )
    dist: Path | None = None
    allowed: dict[str, str] = {}
    interpreter = resolve_python(o.python or string_of(section, "python", where), error=VerifyError)
    limit = (
        in_range(o.timeout, "--timeout") or number_of(section, "timeout", where) or DEFAULT_TIMEOUT
    )
    args = (
        script_args_of(section.get("script-args"), where)
        if o.script_args is None
        else ScriptArgs(default=args_of(o.script_args, "--script-args"))
    )
    release_commands = commands_of(section, where)  # a usage error before dist/ is read
    extra_index, logins = split_login(o.extra_index)
    cooling = tuple(cooldown.settings(chosen_installer.name))
    if o.index is not None:
        rounds = [
            index_round(workspace, o, (section, where), names, cooling, chosen_installer, logins)
        ]
    else:
        dist = dist_path(workspace, o.dist_dir)
        try:
            manifest = load_release(
                workspace,
                dist,
                names,
                dependencies=True,
                write_record=o.write_record,
            )
        except RelnoxError as exc:
            raise VerifyError(str(exc)) from None
        allowed = refuse_stale(
            workspace,
            manifest.packages,
            dist,
            allow=o.allow_stale,
            error=VerifyError,
            commit=manifest.git_commit,
        )
        targets, siblings, available = _dist_targets(
            workspace, manifest, names, o.sdist, interpreter
        )
        extra = (extra_index,) if extra_index else ()
        fresh = tuple(sorted(r.name for r in manifest.packages))  # (the order means nothing)
        wheel_round = Round(
            "wheel",
            tuple(targets),
            tuple(siblings),
            InstallOptions(extra_indexes=extra, no_deps=o.no_deps, offline=o.offline, fresh=fresh),
            available=tuple(available),
            logins=tuple(logins),
            cooldown=cooling,
        )
        rounds = [wheel_round]
        if o.sdist:
            from_sdists = tuple(
                replace(t, artifact=str(t.sdist.path) if t.sdist else t.artifact) for t in targets
            )
            rounds.append(replace(wheel_round, kind="sdist", targets=from_sdists))
    # the whole release's commands: every package named (a one-package repository's
    # native wheel job names its one) is the whole release, and they run
    if names and release_commands and {p.name for p in workspace.packages} - set(names):
        logger.info("%s: commands are for the whole release; skipped for --package", where)
        release_commands = ()
    if not any(r.targets for r in rounds):
        raise VerifyError(f"{workspace.root}: nothing to verify; no package was selected")
    rounds, skipped = by_interpreter(rounds, interpreter, o.extras)
    return VerifyPlan(
        rounds=tuple(rounds),
        skipped=tuple(skipped),
        installer=chosen_installer,
        python=interpreter,
        timeout=limit,
        script_args=args,
        commands=release_commands,
        dist_dir=dist,
        allowed_stale=allowed,
        **_pins(workspace),
    )


def _pins(workspace: Workspace) -> dict[str, dict[str, str]]:
    """The packages whose requirement on a sibling excludes its version (name -> in words),
    and those that need one of them (name -> the one): a failed install blames the pin."""
    from relnox.project.pins import unadmitted

    pins = {}
    for pkg in workspace.packages:
        found = unadmitted(workspace, pkg)
        if found:
            req, target = found[0]
            written = req.text if req.style == "pep508" else f"{target.name} {req.text}"
            pins[pkg.name] = (
                f"{pkg.name} requires {written!r} ({rel(req.path, workspace.root)}), which does "
                f"not admit {target.name} {target.version} of this release"
            )
    below = {}
    for pkg in (p for p in workspace.packages if p.name not in pins):
        held = next((n for n in needs(workspace, pkg.internal_deps) if n in pins), None)
        if held is not None:
            below[pkg.name] = held
    return {"pins": pins, "pinned_below": below}


def index_round(
    workspace: Workspace,
    o: VerifyOptions,
    setting: tuple[Mapping[str, Any], str],
    names: Sequence[str],
    cooling: tuple[str, ...],
    chosen_installer: Installer,
    logins: Sequence[IndexLogin],
) -> Round:
    """The one round of ``--index``: each package by name==version (dist/'s, else its own)."""
    section, where = setting
    index = o.index or ""
    from relnox.tools.credentials import login_help, read_login
    from relnox.tools.repositories import resolve

    if o.offline or o.sdist:
        flag = "--offline" if o.offline else "--sdist"
        raise VerifyError(
            f"{flag} cannot be combined with --index {index}: an index is online and "
            "holds built wheels; leave --index out to verify dist/"
        )

    try:
        repository = resolve(index, workspace.config)
    except RelnoxError as exc:
        raise VerifyError(str(exc)) from None
    built = _manifest_records(workspace, o.dist_dir)
    targets = [
        Target(
            name=pkg.name,
            version=version,
            artifact=f"{pkg.name}=={version} from {repository.name}",
            modules=pkg.import_packages,
            commands=package_commands(workspace, pkg),
            requires_python=pkg.requires_python,
            published=files,
        )
        for pkg in workspace.select(names)
        for version, files in [built.get(pkg.name, (pkg.version, ()))]
    ]
    waits = (in_range(o.wait, "--wait"), number_of(section, "wait", where), o.timeout, DEFAULT_WAIT)
    wait_for = next(w for w in waits if w is not None)
    login = read_login(repository)
    names_ = tuple(t.name for t in targets)
    checked = o.checked_before and all(t.published for t in targets)
    return Round(
        kind="index",
        targets=tuple(targets),
        options=InstallOptions(
            default_index=o.extra_index,
            no_deps=o.no_deps,
            fresh=names_,
            exempt=names_ if cooling and chosen_installer.name == "uv" else (),
        ),
        index_name=repository.name,
        index_url=repository.simple_url,
        wait=wait_for,
        logins=(*logins, *([login] if login else [])),
        index_login=login.source if login else None,
        login_help=login_help(repository),
        cooldown=cooling,
        # files relnox did not build have no sha256 to compare: checked in full
        checked_before=checked,
    )


def _manifest_records(
    workspace: Workspace, dist_dir: Path | str | None
) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """By package: the version dist/ was built at and its files' sha256 (with a manifest)."""
    try:
        manifest = read_manifest(dist_path(workspace, dist_dir))
    except RelnoxError:
        return {}
    return {
        canonicalize_name(r.name): (r.version, tuple((f.filename, f.sha256) for f in r.files))
        for r in manifest.packages
    }


def copy_checked(artifact: Artifact, directory: Path) -> Path:
    """Copy ``artifact`` into ``directory`` and prove the copy is the file of the manifest."""
    import shutil

    directory.mkdir(parents=True, exist_ok=True)
    target = directory / artifact.filename
    shutil.copyfile(artifact.path, target)
    if file_digest(target) != artifact.sha256:
        raise VerifyError(
            f"{artifact.path}: sha256 changed while verifying (it differs from the build "
            "manifest); rebuild with relnox build-all"
        )
    return target
