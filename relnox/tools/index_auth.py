"""Logins for reading a private index, never in argv (every user reads it): a netrc file of
mode 0600 by ``NETRC``, the user's own netrc merged in; URLs' userinfo taken out."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from relnox.errors import RelnoxError
from relnox.tools.repositories import split_userinfo

logger = logging.getLogger("relnox")

NETRC_ENV = "NETRC"


#: what uv and pip say when an index wants a login it did not get, or refused the one it got
_REFUSED = (
    "401 unauthorized",
    "403 forbidden",
    "401 client error",
    "403 client error",
    "missing credentials",
    "failed to authenticate",
    "user for ",  # pip with --no-input, asked for a user name it may not ask for
)


def refused_login(output: str) -> bool:
    """Whether an installer's ``output`` says the index wants a login, or refused one."""
    text = " ".join(output.lower().split())
    return any(marker in text for marker in _REFUSED)


@dataclass(frozen=True)
class IndexLogin:
    """A user name and password for the host of an index (``source``: safe to print)."""

    host: str
    username: str
    password: str = field(repr=False)
    source: str = ""


def split_login(url: str | None) -> tuple[str | None, list[IndexLogin]]:
    """The ``--extra-index`` URL without userinfo, and its login when it held one."""
    if url is None:
        return None, []
    bare, username, password = split_userinfo(url)
    host = urlsplit(bare).hostname
    if not host or not (username or password):
        return bare, []
    source = "the --extra-index URL's userinfo"
    return bare, [IndexLogin(host, username or "", password or "", source)]


def _token(value: str, what: str, host: str) -> str:
    if not value or any(c.isspace() or c in "\"'#" for c in value):
        raise RelnoxError(
            f"the {what} for {host} is empty or holds a space, quote or '#', which a netrc file "
            "cannot carry to uv or pip; use a login without them (an API token)"
        )
    return value


def _existing(environ: Mapping[str, str]) -> dict[str, tuple[str, str, str]]:
    """The hosts of the user's own netrc (``$NETRC``, else ``~/.netrc``)."""
    path = environ.get(NETRC_ENV) or str(Path(environ.get("HOME") or Path.home()) / ".netrc")
    if not os.path.isfile(path):
        return {}
    import netrc  # only when an environment gets a login

    try:
        hosts = netrc.netrc(path).hosts
    except OSError as exc:
        why = str(exc.strerror or exc)
    except netrc.NetrcParseError as exc:  # its message quotes a token: often a password
        why = f"it does not parse at line {exc.lineno}"
    else:
        return {
            host: (user or "", account or "", word or "")
            for host, (user, account, word) in hosts.items()
        }
    logger.warning("%s cannot be read (%s); its logins are not used here", path, why)
    return {}


def write_netrc(
    directory: Path, logins: Iterable[IndexLogin], environ: Mapping[str, str] | None = None
) -> Path:
    """A netrc (mode 0600) in ``directory`` with ``logins`` and the user's own hosts."""
    env = os.environ if environ is None else environ
    hosts = _existing(env)
    ours: dict[str, IndexLogin] = {}
    for login in logins:
        other = ours.setdefault(login.host, login)
        if (other.username, other.password) != (login.username, login.password):
            raise RelnoxError(
                f"two different logins for {login.host} ({other.source}; {login.source}): "
                "uv and pip take one login per host; use the same one for both indexes"
            )
        hosts[login.host] = (login.username, "", login.password)
    lines = []
    for host, (user, _account, password) in hosts.items():
        entry = f"machine {_token(host, 'host name', host)}"
        if user:
            entry += f" login {_token(user, 'user name', host)}"
        if password:
            entry += f" password {_token(password, 'password', host)}"
        lines.append(entry)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "netrc"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path
