"""``verify-install --index``: the release installed by name and version from an index
(a just-uploaded version waited for), third-party dependencies from the extra index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.artifacts.manifest import read_manifest
from relnox.errors import RelnoxError, VerifyError
from relnox.project.workspace import Workspace
from relnox.tools.envs import Installer, InstallOptions
from relnox.tools.index_auth import IndexLogin
from relnox.verify.model import DEFAULT_WAIT, Round, Target, VerifyOptions
from relnox.verify.settings import dist_path, in_range, number_of, package_commands


def index_round(
    workspace: Workspace,
    o: VerifyOptions,
    setting: tuple[Mapping[str, Any], str],
    names: Sequence[str],
    cooling: tuple[str, ...],
    chosen_installer: Installer,
    logins: Sequence[IndexLogin],
) -> Round:
    """The one round of ``--index``: every selected package by name==version (the version
    of dist/'s manifest when there is one, else the package's)."""
    section, where = setting
    index, extra_index, wait, timeout = o.index or "", o.extra_index, o.wait, o.timeout
    offline, sdist, no_deps, dist_dir = o.offline, o.sdist, o.no_deps, o.dist_dir
    # an index's modules (logins, repositories: ~8 ms of imports) only for --index
    from relnox.tools.credentials import login_help, read_login
    from relnox.tools.repositories import resolve

    if offline or sdist:
        flag = "--offline" if offline else "--sdist"
        raise VerifyError(
            f"{flag} cannot be combined with --index {index}: an index is online and "
            "holds built wheels; leave --index out to verify dist/"
        )

    try:
        repository = resolve(index, workspace.config)
    except RelnoxError as exc:
        raise VerifyError(str(exc)) from None
    built = _manifest_records(workspace, dist_dir)
    targets = []
    for pkg in workspace.select(names):
        version, files = built.get(pkg.name, (pkg.version, ()))
        targets.append(
            Target(
                name=pkg.name,
                version=version,
                artifact=f"{pkg.name}=={version} from {repository.name}",
                modules=pkg.import_packages,
                commands=package_commands(workspace, pkg),
                requires_python=pkg.requires_python,
                published=files,
            )
        )
    wait_for = _first(
        in_range(wait, "--wait"), number_of(section, "wait", where), timeout, DEFAULT_WAIT
    )
    login = read_login(repository)
    names_ = tuple(t.name for t in targets)
    return Round(
        kind="index",
        targets=tuple(targets),
        options=InstallOptions(
            default_index=extra_index,
            no_deps=no_deps,
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
        checked_before=o.checked_before and all(t.published for t in targets),
    )


def _first(*values: float | None) -> float:
    return next(v for v in values if v is not None)


def _manifest_records(
    workspace: Workspace, dist_dir: Path | str | None
) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """The version dist/ was built at (what was published) and its files with their
    sha256, by package, when it has a manifest."""
    try:
        manifest = read_manifest(dist_path(workspace, dist_dir))
    except RelnoxError:
        return {}
    return {
        canonicalize_name(r.name): (r.version, tuple((f.filename, f.sha256) for f in r.files))
        for r in manifest.packages
    }
