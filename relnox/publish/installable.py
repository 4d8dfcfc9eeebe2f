"""``--verify-installable``: a tier that shows installs from the index, like verify --index."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from relnox._proc import Result
from relnox.errors import PublishError
from relnox.publish.model import InstallableCheck
from relnox.tools import cooldown
from relnox.tools.credentials import login_help, read_login
from relnox.tools.envs import (
    Installer,
    InstallOptions,
    create_environment,
    find_installer,
    install,
    pip_instead,
    resolve_python,
)
from relnox.tools.index_auth import refused_login, split_login, write_netrc
from relnox.tools.repositories import PYPI, TESTPYPI, Repository, builtin

logger = logging.getLogger("relnox")


def installable_options(
    repo: Repository,
    extra: str | None,
    installer: Installer,
    packages: Sequence[tuple[str, str]],
    tmp: Path,
) -> InstallOptions:
    """The index's login and the extra index's userinfo in a netrc, never argv."""
    extra, logins = split_login(extra)
    login = read_login(repo)
    logins += [login] if login else []
    names = tuple(name for name, _ in packages)
    cooling = installer.name == "uv" and bool(cooldown.settings("uv"))
    return InstallOptions(
        default_index=repo.simple_url,
        extra_indexes=(extra,) if extra else (),
        fresh=names,
        exempt=names if cooling else (),
        netrc=write_netrc(tmp / "auth", logins) if logins else None,
    )


def installable_check() -> InstallableCheck:
    """A tier must install ``name==version`` from the index into a fresh environment, uncached."""
    pypi = builtin(PYPI)

    def check(repo: Repository, packages: Sequence[tuple[str, str]]) -> str | None:
        extra = pypi.simple_url if pypi and repo.name == TESTPYPI else None
        wanted = [f"{name}=={version}" for name, version in packages]
        made = _install(find_installer(error=PublishError), repo, extra, packages, wanted)
        shown = ", ".join(f"{n} {v}" for n, v in packages)
        if refused_login(made.output):  # the index's fault is a login, not the package
            return (
                f"{shown} show on {repo.label}, but installing from it was refused (a login "
                f"is needed or was wrong): {login_help(repo)}; the next tier waits"
            )
        if made.ok:
            logger.info("  installable from %s: %s", repo.label, shown)
            return None
        return (
            f"{shown} show on {repo.label} but do not "
            f"install from it ({made.last_line()}); the next tier waits: fix it and run the "
            "same command again"
        )

    return check


def _install(
    installer: Installer,
    repo: Repository,
    extra: str | None,
    packages: Sequence[tuple[str, str]],
    wanted: Sequence[str],
) -> Result:
    """``wanted`` installed into a fresh environment from ``repo`` (pip if uv gives up)."""
    with tempfile.TemporaryDirectory(prefix="relnox-installable-") as tmp:
        env, made = create_environment(
            installer, Path(tmp) / "venv", resolve_python(None), timeout=300
        )
        if made.ok:
            options = installable_options(repo, extra, installer, packages, Path(tmp))
            made = install(installer, env, wanted, options=options)
            pip = pip_instead(installer, env, made, repo.label)
            if pip is not None:
                options = installable_options(repo, extra, pip, packages, Path(tmp))
                made = install(pip, env, wanted, options=options)
    return made
