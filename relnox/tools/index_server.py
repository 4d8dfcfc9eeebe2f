"""An embedded local package index: pypiserver on 127.0.0.1, for tests, the demo and dry runs
(``with LocalIndex(directory) as index: index.upload_url``). Without a password file anyone
may upload: refused off loopback unless ``allow_anonymous``."""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import IO

from relnox import _proc as proc
from relnox.errors import RelnoxError
from relnox.tools.network import is_loopback

logger = logging.getLogger("relnox")

#: environment variable naming the URL of a running ``relnox serve-index``
LOCAL_INDEX_ENV = "RELNOX_LOCAL_INDEX"
_START_TIMEOUT = 30.0
_PORT_ATTEMPTS = 3


class IndexServerError(RelnoxError):
    """The local index could not be started."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """Something listens on ``host:port`` (connections closing there do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def write_htpasswd(path: Path, users: Mapping[str, str]) -> Path:
    """An htpasswd file (``apr_md5_crypt`` hashes) for ``users``; needs passlib."""
    try:
        with warnings.catch_warnings():  # passlib imports the deprecated crypt module
            warnings.simplefilter("ignore", DeprecationWarning)
            from passlib.apache import HtpasswdFile  # type: ignore[import-untyped]
    except ImportError:
        raise IndexServerError(
            "passlib is not installed, so no password file can be written; "
            "run pip install passlib (pypiserver needs it to check passwords too)"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    ht = HtpasswdFile(str(path), new=True, default_scheme="apr_md5_crypt")
    for user, password in users.items():
        ht.set_password(user, password)
    ht.save()
    return path


#: ``python -m pypiserver`` with a listen backlog of 128, not wsgiref's 5: uv's 50 connections
#: at once had their SYNs dropped and resent (72 projects from this index: 22 s, now 0.7 s)
_SERVE = (
    "import sys, wsgiref.simple_server as w; w.WSGIServer.request_queue_size = 128; "
    "from pypiserver.__main__ import main; sys.exit(main())"
)


def cached_backend() -> bool:
    """Whether pypiserver's ``cached-dir`` backend can run here (watchdog is installed)."""
    return importlib.util.find_spec("watchdog") is not None


@dataclass(eq=False, repr=False)
class LocalIndex:
    """pypiserver serving ``data_dir`` on ``host:port`` (a free port when ``port`` is 0), its
    ``backend`` ``simple-dir`` or ``cached-dir`` (the listing kept until a change; watchdog)."""

    data_dir: Path
    _: KW_ONLY
    port: int = 0
    password_file: Path | None = None
    host: str = "127.0.0.1"
    allow_anonymous: bool = False
    backend: str = "simple-dir"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _log: IO[bytes] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        self.password_file = Path(self.password_file) if self.password_file else None
        self._wanted_port = self.port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    upload_url = url

    @property
    def simple_url(self) -> str:
        return f"{self.url}simple/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        auth = ["-a", "update", "-P", str(self.password_file)]
        if not self.password_file:
            auth = ["-a", ".", "-P", "."]
        argv = [sys.executable, "-c", _SERVE, "run", "--port", str(self.port), "--host", self.host]
        argv += ["--disable-fallback", "--hash-algo", "sha256", "--health-endpoint", "/health"]
        return [*argv, "--backend", self.backend, *auth, str(self.data_dir)]

    def start(self) -> LocalIndex:
        if self.running:
            return self
        if importlib.util.find_spec("pypiserver") is None:
            raise IndexServerError(
                f"pypiserver is not installed in {sys.executable}, so no local index can run; "
                "install it with pip install 'relnox[server]'"
            )
        if self.backend == "cached-dir" and not cached_backend():
            raise IndexServerError(
                "pypiserver's cached-dir backend needs watchdog, which is not installed in "
                f"{sys.executable}; install it with pip install watchdog or use simple-dir"
            )
        if not 0 <= self._wanted_port <= 65535:  # bind() raised OverflowError: a traceback
            raise IndexServerError(
                f"--port {self._wanted_port} is not a port; give one from 1 to 65535, or 0 for "
                "a free one"
            )
        try:
            socket.getaddrinfo(self.host, None)
        except (OSError, UnicodeError):  # socket.gaierror: a traceback from bind()
            raise IndexServerError(
                f"--host {self.host!r} is no address of this machine; give an address to "
                "listen on, like 127.0.0.1 (the default) or 0.0.0.0"
            ) from None
        if self.password_file is None and not is_loopback(self.host) and not self.allow_anonymous:
            raise IndexServerError(
                f"serving on {self.host} without a password file would let anyone who can reach "
                "this machine upload packages; pass --password-file HTPASSWD, listen on "
                "127.0.0.1, or pass --allow-anonymous if that is intended"
            )
        if self.password_file is not None and not self.password_file.is_file():
            raise IndexServerError(
                f"{self.password_file}: password file not found; create it with htpasswd "
                "(or relnox.tools.index_server.write_htpasswd) or leave --password-file out"
            )
        if self._wanted_port and port_in_use(self.host, self._wanted_port):
            raise IndexServerError(
                f"{self.host}:{self._wanted_port} is already in use, so pypiserver cannot serve "
                f"{self.data_dir} there; choose another --port or 0 for a free one"
            )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file there, or no right to make it: a traceback
            raise IndexServerError(
                f"{self.data_dir}: cannot be the index's directory ({exc.strerror or exc}); "
                "pass --data with a directory relnox may create or use"
            ) from None
        attempts = _PORT_ATTEMPTS if self._wanted_port == 0 else 1
        for _ in range(attempts):
            self.port = self._wanted_port or free_port(self.host)
            self._log = log = tempfile.TemporaryFile(prefix="relnox-index-")  # noqa: SIM115 (closed by stop)
            self.process = proc.spawn(self.command(), log=log)
            if self._wait_ready():
                logger.debug("local index %s serves %s", self.url, self.data_dir)
                return self
            log.seek(0)
            tail = " | ".join(log.read().decode("utf-8", "replace").strip().splitlines()[-5:])
            self.stop()
        raise IndexServerError(
            f"pypiserver did not start on {self.host}:{self.port} for {self.data_dir}"
            f"{': ' + tail if tail else ''}; choose another --port or check the directory"
        )

    def _wait_ready(self) -> bool:
        import urllib.request

        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            health = f"{self.url}health"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as resp:
                if resp.status == 200:  # urllib.error.URLError is an OSError
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """Terminate the server and wait for it; safe to call twice."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalIndex:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalIndex({str(self.data_dir)!r}, url={self.url!r}, {state})"
