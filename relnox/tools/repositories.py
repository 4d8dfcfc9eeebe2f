"""Package indexes by name (looked up in docs/configuration.md's order) or URL, each with an
upload URL and a simple URL; a URL's userinfo becomes the repository's credentials."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from relnox.config import Config
from relnox.errors import ConfigError, UnknownChoice, did_you_mean
from relnox.redact import register_secret

logger = logging.getLogger("relnox")

PYPI = "pypi"
TESTPYPI = "testpypi"
LOCAL = "local"


@functools.lru_cache(maxsize=1)
def _twine_urls() -> tuple[str, str]:
    """PyPI's and TestPyPI's upload URLs: twine's ``DEFAULT_REPOSITORY`` and ``TEST_REPOSITORY``."""
    from twine.utils import DEFAULT_REPOSITORY, TEST_REPOSITORY

    return str(DEFAULT_REPOSITORY), str(TEST_REPOSITORY)


def simple_url_for(upload_url: str) -> str:
    """The simple API next to an upload URL: ``upload.HOST/legacy/`` is ``HOST/simple/``."""
    parts = urlsplit(upload_url)
    host = parts.netloc.removeprefix("upload.")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if path.endswith("/legacy/"):
        path = path[: -len("legacy/")]
    return urlunsplit((parts.scheme, host, path + "simple/", "", ""))


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """``(url without userinfo, username, password)``; the password is registered as a secret.
    A URL no client could connect to is a :class:`ConfigError` naming it (userinfo masked)."""
    from relnox.redact import redact_url

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - urlsplit checks the port only when it is asked for
    except ValueError as exc:
        problem = str(exc)
    else:
        problem = "" if parts.hostname else "no host"
    if not problem and parts.scheme.lower() not in ("http", "https"):
        problem = f"scheme {parts.scheme or 'none'!r}: an index is read over http or https"
    if not problem and any("\udc80" <= c <= "\udcff" for c in url):
        # bytes that are not UTF-8 (an argument or variable in another encoding)
        problem = "bytes in it that are not UTF-8"
    elif not problem and any(c.isspace() or not c.isprintable() for c in url):
        # urlsplit drops a tab or line end where it stands: another URL than the one written
        problem = "a space, line end or control character in it"
    if problem:
        written = redact_url(url)
        if not written.isprintable():
            written = repr(written)  # one line, whatever it holds
        raise ConfigError(
            f"{written}: not a usable repository URL ({problem}); write it as "
            "https://HOST[:PORT]/PATH/ (the upload address, or the index's .../simple/)"
        )
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    username = unquote(user) or None
    secret = unquote(password) if colon and password else None
    if secret:
        register_secret(secret)
        register_secret(userinfo)
    return (
        urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment)),
        username,
        secret,
    )


Origin = tuple[str, str, "int | None"]


def origin(url: str) -> Origin:
    """``(scheme, host, port)`` of ``url``, the default port made explicit: where credentials may go."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port if port is not None else default


@dataclass(frozen=True)
class Repository:
    """Where to upload (``upload_url``) and where to look (``simple_url``)."""

    name: str
    upload_url: str
    simple_url: str
    confirm: bool = False  # ask "This cannot be undone. Continue?" before uploading
    #: credentials that came in the URL's userinfo (never part of the URLs above)
    username: str | None = field(default=None, repr=False, compare=False)
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def origins(self) -> frozenset[Origin]:
        """Where this repository's credentials may be sent: its upload and simple API origins."""
        return frozenset({origin(self.upload_url), origin(self.simple_url)})

    @property
    def needs_confirmation(self) -> bool:
        """PyPI itself, however it was named, or a repository configured with ``confirm = true``."""
        return self.confirm or self.is_production_pypi

    @property
    def is_pypi(self) -> bool:
        """PyPI or TestPyPI: API tokens as ``__token__``, trusted publishing possible."""
        return self.upload_url.startswith(_twine_urls())

    @property
    def is_production_pypi(self) -> bool:
        return self.upload_url.startswith(_twine_urls()[0])

    @property
    def label(self) -> str:
        """How messages name it: ``PyPI``, ``TestPyPI``, or its name."""
        if self.is_production_pypi:
            return "PyPI"
        return "TestPyPI" if self.is_pypi else self.name

    @property
    def where(self) -> str:
        """``PyPI (https://...)`` for messages; a bare URL when it has no other name."""
        return self.label if self.label == self.upload_url else f"{self.label} ({self.upload_url})"

    def project_page(self, project: str) -> str:
        """The web page of ``project`` (warehouse: ``/project/NAME/``; others: its simple page)."""
        from packaging.utils import canonicalize_name

        name = canonicalize_name(project)
        if self.is_pypi:
            return self.simple_url.removesuffix("simple/") + f"project/{name}/"
        return f"{self.simple_url}{name}/"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "upload_url": self.upload_url,
            "simple_url": self.simple_url,
        }


def builtin_upload_url(name: str) -> str | None:
    """The upload URL of ``pypi`` or ``testpypi`` (twine's defaults for those sections)."""
    return dict(zip((PYPI, TESTPYPI), _twine_urls(), strict=True)).get(name)


def builtin(name: str, environ: Mapping[str, str] | None = None) -> Repository | None:
    """``pypi``, ``testpypi`` or ``local``; ``None`` for any other name."""
    upload = builtin_upload_url(name)
    if upload is not None:
        return Repository(name, upload, simple_url_for(upload), confirm=name == PYPI)
    if name == LOCAL:
        from relnox.tools.index_server import LOCAL_INDEX_ENV  # urllib.request, ssl: ~6 ms

        env = os.environ if environ is None else environ
        url = env.get(LOCAL_INDEX_ENV, "").strip()
        if not url:
            raise ConfigError(
                f"repository 'local' is the index of relnox serve-index, but {LOCAL_INDEX_ENV} "
                f"is not set; start relnox serve-index and export {LOCAL_INDEX_ENV}=<the URL it prints>"
            )
        return from_url(url, name=LOCAL)
    return None


def from_url(url: str, *, name: str | None = None, confirm: bool = False) -> Repository:
    """A repository from one URL: an upload URL, or a ``.../simple/`` URL (userinfo: credentials)."""
    url, username, password = split_userinfo(_with_slash(url.strip()))
    if urlsplit(url).path.endswith("/simple/"):
        upload = url[: -len("simple/")]
        return Repository(name or url, upload, url, confirm, username, password)
    return Repository(name or url, url, simple_url_for(url), confirm, username, password)


def _configured(name: str, value: Any, source: Path) -> Repository:
    if isinstance(value, str) and is_url(value):
        return from_url(value, name=name)
    if isinstance(value, Mapping) and isinstance(value.get("upload"), str):
        upload, username, password = split_userinfo(_with_slash(value["upload"]))
        simple, confirm = value.get("simple"), value.get("confirm", False)
        if isinstance(confirm, bool):  # no simple given (or not a string): the one beside upload
            simple = simple if isinstance(simple, str) else simple_url_for(upload)
            simple = split_userinfo(_with_slash(simple))[0]
            return Repository(name, upload, simple, confirm, username, password)
    raise ConfigError(
        f"{source}: [tool.relnox.repositories] {name} = {value!r} is not a repository; "
        f'write {name} = "https://host/legacy/" or '
        f'{name} = {{ upload = "https://...", simple = "https://.../simple/" }}'
    )


def pypirc_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".pypirc"


def read_pypirc(path: Path) -> dict[str, dict[str, str]]:
    """The sections of a ``~/.pypirc`` (none without one); an unreadable one is an error
    quoting no line (a password), one others may read with a password a warning."""
    if not os.path.lexists(path):
        return {}  # as configparser reads a missing file, without loading it
    import configparser

    from relnox.files import read_text

    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8, or remove it"
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot be read ({exc.strerror or exc.__class__.__name__}); make it a "
            "readable file, or remove it"
        ) from None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        raise ConfigError(
            f"{path}: cannot be read ({exc.__class__.__name__}); fix or remove the file"
        ) from None
    sections = {s: dict(parser.items(s)) for s in parser.sections() if s != "distutils"}
    if any(section.get("password") for section in sections.values()) and path not in _WARNED:
        with contextlib.suppress(OSError):  # a password others may read: said once a file
            mode = path.stat().st_mode & 0o777
            if os.name == "posix" and mode & 0o077:
                _WARNED.add(path)
                shared = "%s holds a password and other users may read it (mode %04o); chmod 600 %s"
                logger.warning(shared, path, mode, path)
    return sections


_WARNED: set[Path] = set()


def resolve(
    name_or_url: str,
    config: Config | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Repository:
    """The repository ``name_or_url`` names."""
    value = name_or_url.strip()
    if is_url(value):
        return from_url(value)
    configured = config.section("repositories") if config is not None else {}
    if value in configured:
        return _configured(value, configured[value], config.source if config else Path("."))
    found = builtin(value, environ)
    if found is not None:
        return found
    pypirc = pypirc_path(environ)
    sections = read_pypirc(pypirc)
    section = sections.get(value)
    if section is not None and section.get("repository"):
        return from_url(section["repository"], name=value)
    if section is not None:  # a section of that name, without the address to send to
        raise ConfigError(
            f"{pypirc}: [{value}] has no repository URL, so relnox does not know where to "
            f"upload; add repository = https://HOST/PATH/ to that section (the upload "
            "address, as twine reads it)"
        )
    known = sorted({PYPI, TESTPYPI, LOCAL, *configured, *sections})
    raise UnknownChoice(
        f"unknown repository {value!r}; {did_you_mean(value, known)}use one of "
        f"{', '.join(known)}, a URL, or add it to [tool.relnox.repositories] in pyproject.toml"
    )
