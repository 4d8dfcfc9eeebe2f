"""Which credentials an upload uses (the first source that applies, docs/troubleshooting.md's
order), only in the child's environment; every secret seen here is masked in all prints."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from relnox.errors import PublishError
from relnox.redact import USERINFO, register_secret
from relnox.tools.envs import SECRET_NAME, is_credential_variable
from relnox.tools.index_auth import IndexLogin
from relnox.tools.network import is_loopback
from relnox.tools.repositories import (
    PYPI,
    TESTPYPI,
    Repository,
    builtin_upload_url,
    is_url,
    origin,
    pypirc_path,
    read_pypirc,
)

logger = logging.getLogger("relnox")

TOKEN_USERNAME = "__token__"
#: GitHub's OIDC endpoint, and GitLab's ID tokens of PyPI's and TestPyPI's audiences
OIDC_VARIABLES = (
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "PYPI_ID_TOKEN",
    "TESTPYPI_ID_TOKEN",
)

#: ``(url, username or None) -> (username, password)`` from a keyring
PasswordLookup = Callable[[str, "str | None"], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Credentials:
    """Where the credentials came from (``source``, safe to print) and what twine gets."""

    source: str
    method: str  # "password", "keyring", "trusted-publishing", "anonymous" ("missing": dry run)
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def child_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` without credentials but twine's settings (and OIDC's for trusted
        publishing), plus ``TWINE_USERNAME``/``TWINE_PASSWORD``."""
        keep = OIDC_VARIABLES if self.method == "trusted-publishing" else ()
        env = {
            k: v
            for k, v in base.items()
            if k in keep
            or not is_credential_variable(k)
            or (k.startswith("TWINE_") and k not in ("TWINE_PASSWORD", "TWINE_USERNAME"))
        }
        if self.username:
            env["TWINE_USERNAME"] = self.username
        if self.password:
            env["TWINE_PASSWORD"] = self.password
        return env

    def basic_auth(self) -> tuple[str, str] | None:
        """For reading a simple API that asks for authentication."""
        if self.method in ("password", "anonymous") and self.username and self.password:
            return self.username, self.password
        return None


def register_environment_secrets(environ: Mapping[str, str]) -> None:
    """Register the secrets of ``environ``'s variables and of pip's and uv's URLs' userinfo."""
    for name, value in environ.items():
        if SECRET_NAME.search(name):  # a token, a password: not a user name or URL
            register_secret(value)
        elif name.upper().startswith(("PIP_", "UV_")):
            for _, userinfo in USERINFO.findall(value):
                password = userinfo.partition(":")[2]
                register_secret(unquote(password))
                register_secret(password)


def _pypirc_section(
    repository: Repository, environ: Mapping[str, str]
) -> tuple[str, dict[str, str]]:
    sections = read_pypirc(pypirc_path(environ))
    for password in (s.get("password") for s in sections.values()):
        register_secret(password)
    named = sections.get(repository.name or "")
    if named is not None:  # a section of its name: taken when it is for its index (origin)
        where = named.get("repository") or builtin_upload_url(repository.name or "")
        if where is None or _stand_in(repository) or origin(where) == origin(repository.upload_url):
            return repository.name, named
    for name, section in sections.items():
        if section.get("repository", "").rstrip("/") == repository.upload_url.rstrip("/"):
            return name, section
    return "", {}


def _stand_in(repository: Repository) -> bool:
    """``pypi`` or ``testpypi`` pointed at an index on this machine (a rehearsal's)."""
    return repository.name in (PYPI, TESTPYPI) and _on_this_machine(repository.upload_url)


def _on_this_machine(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def token_variable(repository: Repository) -> str | None:
    """``PYPI_TOKEN`` / ``TEST_PYPI_TOKEN`` when ``repository`` is that index (or a stand-in)."""
    if repository.is_production_pypi or (_stand_in(repository) and repository.name == PYPI):
        return "PYPI_TOKEN"
    return "TEST_PYPI_TOKEN" if repository.is_pypi or _stand_in(repository) else None


def keyring_password(url: str, username: str | None) -> tuple[str, str] | None:
    """``(username, password)`` a keyring holds for ``url`` (``None``: no keyring, no entry)."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        if username:
            password = keyring.get_password(url, username)
        else:
            credential = keyring.get_credential(url, None)
            username, password = (
                (credential.username, credential.password) if credential else ("", "")
            )
        found = (username, password) if password else None
    except Exception as exc:  # no backend, a locked keyring...: not usable
        logger.debug("keyring not usable for %s: %s", url, exc.__class__.__name__)
        return None
    if found:
        register_secret(found[1])
    return found


def resolve_credentials(
    repository: Repository,
    environ: Mapping[str, str] | None = None,
    *,
    keyring: PasswordLookup | None = keyring_password,
) -> Credentials:
    """The first usable credentials for ``repository``; one no client can send is refused."""
    return _sendable(_resolve(repository, environ, keyring=keyring))


def _sendable(credentials: Credentials) -> Credentials:
    """``credentials``, unless they hold what no request carries (not UTF-8, ':' in a name)."""
    for what, value in (("user name", credentials.username), ("password", credentials.password)):
        try:
            (value or "").encode("utf-8")
        except UnicodeEncodeError:
            raise PublishError(
                f"the {what} from {credentials.source} holds bytes that are not UTF-8 "
                "(a secret saved in another encoding?), which no index login can carry; "
                f"set it again as UTF-8 text"
            ) from None
    if credentials.password and ":" in (credentials.username or ""):
        raise PublishError(
            f"the user name from {credentials.source} holds a ':', which an index login "
            "cannot carry (the index would read the rest as the password: user:password in "
            "the user name?); give the user name alone, and the password apart"
        )
    return credentials


def _resolve(
    repository: Repository,
    environ: Mapping[str, str] | None = None,
    *,
    keyring: PasswordLookup | None = None,
) -> Credentials:
    env = os.environ if environ is None else environ
    register_environment_secrets(env)
    default_user = TOKEN_USERNAME if repository.is_pypi else None

    if env.get("TWINE_PASSWORD"):
        username = env.get("TWINE_USERNAME") or default_user
        if not username:
            raise PublishError(
                f"TWINE_PASSWORD is set but TWINE_USERNAME is not, and {repository.label} "
                "is not PyPI; set TWINE_USERNAME to the user of that index"
            )
        return Credentials(
            "TWINE_USERNAME/TWINE_PASSWORD", "password", username, env["TWINE_PASSWORD"]
        )

    if repository.password:
        username = repository.username or env.get("TWINE_USERNAME") or default_user
        if not username:
            raise PublishError(
                f"the URL of {repository.where} holds a password but no user name; write it as "
                "https://USER:PASSWORD@host/ or set TWINE_USERNAME"
            )
        return Credentials(
            "the repository URL's userinfo", "password", username, repository.password
        )

    variable = token_variable(repository)
    if variable and env.get(variable):
        return Credentials(variable, "password", TOKEN_USERNAME, env[variable])

    section_name, section = _pypirc_section(repository, env)
    if section.get("password"):
        username = section.get("username") or env.get("TWINE_USERNAME") or default_user
        if username:
            return Credentials(
                f"~/.pypirc [{section_name}]", "password", username, section["password"]
            )

    if keyring is not None:
        wanted = env.get("TWINE_USERNAME") or section.get("username") or default_user
        found = keyring(repository.upload_url, wanted)
        if found:  # twine asks the keyring for the password itself
            return Credentials(f"keyring ({repository.upload_url})", "keyring", found[0])

    from relnox.tools.github import in_actions
    from relnox.tools.gitlab import id_token_variable, in_gitlab

    on_actions = in_actions(env)
    can_mint = bool(
        env.get("ACTIONS_ID_TOKEN_REQUEST_URL") and env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    )
    if repository.is_pypi and can_mint:
        return Credentials(
            "trusted publishing (GitHub Actions OIDC)", "trusted-publishing", TOKEN_USERNAME
        )

    id_token = id_token_variable(repository)
    if id_token and in_gitlab(env) and env.get(id_token):
        return Credentials(
            f"trusted publishing (GitLab CI/CD ID token {id_token})",
            "trusted-publishing",
            TOKEN_USERNAME,
        )

    if _on_this_machine(repository.upload_url):
        return Credentials("none (an index on this machine)", "anonymous", "relnox", "anonymous")

    raise PublishError(no_credentials_message(repository, on_actions=on_actions, can_mint=can_mint))


def no_credentials_message(repository: Repository, *, on_actions: bool, can_mint: bool) -> str:
    variable = token_variable(repository)
    options = ["TWINE_USERNAME and TWINE_PASSWORD"]
    if variable:
        options.append(f"{variable} (an API token of {repository.label}, sent as {TOKEN_USERNAME})")
    options.append(pypirc_way(repository))
    options.append(f"a keyring entry (keyring set {repository.upload_url} USERNAME)")
    if repository.is_pypi:
        options.append(
            "on GitHub Actions, trusted publishing: give the job `permissions: id-token: write`"
        )
    why = " (this GitHub Actions job has no OIDC token: it lacks `permissions: id-token: write`)"
    if not (on_actions and not can_mint and repository.is_pypi):
        why = ""
    return (
        f"no credentials for uploading to {repository.where}{why}; "
        f"give one of: {'; '.join(options)}"
    )


def pypirc_way(repository: Repository) -> str:
    """How ``~/.pypirc`` gives ``repository`` a login: its section, or one naming its URL."""
    if is_url(repository.name or ""):
        return (
            "a ~/.pypirc section (any name) with repository = "
            f"{repository.upload_url}, username and password"
        )
    return f"a [{repository.name}] section with username and password in ~/.pypirc"


def read_login(
    repository: Repository,
    environ: Mapping[str, str] | None = None,
    *,
    keyring: PasswordLookup | None = keyring_password,
) -> IndexLogin | None:
    """The login to read ``repository``'s simple API with, from an upload's sources; ``None``
    for PyPI/TestPyPI (an upload token is never sent to read)."""
    if repository.is_pypi:
        return None
    host = urlsplit(repository.simple_url).hostname or ""
    env = os.environ if environ is None else environ
    try:
        found = _resolve(repository, env, keyring=None)
    except PublishError:
        pass
    else:
        if _sendable(found).method == "password" and found.username and found.password:
            return IndexLogin(host, found.username, found.password, found.source)
    if keyring is not None:
        wanted = env.get("TWINE_USERNAME") or _pypirc_section(repository, env)[1].get("username")
        for url in dict.fromkeys((repository.simple_url, repository.upload_url)):
            pair = keyring(url, wanted)
            if pair:
                return IndexLogin(host, pair[0], pair[1], f"keyring ({url})")
    return None


def login_help(repository: Repository) -> str:
    """Where a login for reading ``repository`` can come from, for an error message."""
    return (
        f"give it a login: a [{repository.name}] section with repository, username and "
        f"password in ~/.pypirc; TWINE_USERNAME and TWINE_PASSWORD; a keyring entry "
        f"(keyring set {repository.simple_url} USERNAME); or https://USER:PASSWORD@host/ "
        "in the index URL"
    )
