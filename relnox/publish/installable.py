"""How ``--verify-installable`` installs a tier that shows on the index: with the index's
login and the release exempt from a dependency cooldown, like verify from an index."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from relnox.tools import cooldown
from relnox.tools.credentials import read_login
from relnox.tools.envs import Installer, InstallOptions
from relnox.tools.index_auth import split_logins, write_netrc
from relnox.tools.repositories import Repository


def installable_options(
    repo: Repository,
    extra: str | None,
    installer: Installer,
    packages: Sequence[tuple[str, str]],
    tmp: Path,
) -> InstallOptions:
    """How ``--verify-installable`` installs: the index's login (the sources of an upload)
    and the extra index's userinfo in a netrc, never argv; the release exempt from a
    dependency cooldown."""
    (extra,), logins = split_logins([extra], "the --extra-index URL's userinfo")
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
