"""Build hooks forked from a server per build environment (~3 ms, not ~20 ms a new process),
started by its first hook (:mod:`relnox.builds._zygote`); a new process where that cannot hold
(not Linux, another interpreter, an environment differing beyond :data:`PER_HOOK`, a server
lost, ``RELNOX_HOOK_SERVER=0``). A forked build_sdist stores its archive uncompressed: relnox
compresses every sdist again."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import py_compile
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from relnox import _proc as proc
from relnox.builds.envpool import BuildEnv

logger = logging.getLogger("relnox")

SWITCH = "RELNOX_HOOK_SERVER"  # 0: every hook a new process
#: what may differ between a hook's environment and its server's (the interpreter reads
#: none of them at start, and a forked hook's tempfile reads its own)
PER_HOOK = frozenset(
    {
        "_PYPROJECT_HOOKS_BUILD_BACKEND",
        "_PYPROJECT_HOOKS_BACKEND_PATH_JSON",
        "SOURCE_DATE_EPOCH",
        "TMPDIR",
        "TEMP",
        "TMP",
    }
)
SERVER = Path(__file__).with_name("_zygote.py")
HOOK_SCRIPT = "_in_process.pyc"  # pyproject-hooks' script as relnox.builds.backend compiles it
WAIT = 5.0  # seconds a server is given to end, and a hook's output to close after its end


def enabled() -> bool:
    # Linux: os.fork and socket.send_fds (Python 3.9) are there
    return os.environ.get(SWITCH, "1").strip() != "0" and sys.platform.startswith("linux")


def _startup(environ: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in environ.items() if key not in PER_HOOK}


class _Server:
    def __init__(self, env: BuildEnv, script: str, environ: Mapping[str, str]) -> None:
        self.env = env
        self.startup = _startup(environ)
        self.broken = False  # cannot start or answer: hooks run as new processes
        self.stopped: int | None = None  # killed by this signal (a stop): hooks fail so
        target = env.path / "relnox-hooks" / "_zygote.pyc"  # this relnox's, each run
        py_compile.compile(str(SERVER), cfile=str(target), doraise=True)
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            argv = [str(env.python), str(target), script, str(theirs.fileno())]
            self.popen = proc.fork_server(argv, env=self.startup, pass_fds=(theirs.fileno(),))
        except OSError:
            self.control.close()
            raise
        finally:
            theirs.close()
        self._said = threading.Thread(target=self._log, name="relnox-hook-server", daemon=True)
        self._said.start()

    def _log(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            logger.debug("hook server in %s: %s", self.env.path.name, line.decode().rstrip())

    def run(
        self, argv: list[str], cwd: str | None, environ: Mapping[str, str], on_line: proc.LineSink
    ) -> int | None:
        """The hook's exit code; ``None``: run it as a new process."""
        if self.stopped is not None:
            return self.stopped
        if self.broken:
            return None
        request = json.dumps({"argv": argv, "cwd": cwd or os.getcwd(), "environ": dict(environ)})
        out, out_w = os.pipe()
        mine, theirs = socket.socketpair()
        try:
            socket.send_fds(self.control, [request.encode()], [out_w, theirs.fileno()])
        except OSError as exc:
            os.close(out)
            mine.close()
            if exc.errno in (errno.EPIPE, errno.ECONNRESET, errno.ECONNREFUSED):
                return self._lost(f"it takes no hook ({exc})", None)
            logger.debug("a hook runs as a new process: %s", exc)  # too big a request
            return None
        finally:
            os.close(out_w)
            theirs.close()
        logger.debug("$ %s  (forked by the hook server)", shlex.join(argv))
        output = proc._Output(out, on_line)
        reader = threading.Thread(target=output.read, name="relnox-hook-output", daemon=True)
        reader.start()
        pid: int | None = None
        code: int | None = None
        refused = ""
        try:
            with mine, mine.makefile("rb") as replies:
                for line in replies:  # P pid, S code or E why; a line cut short ends them
                    if not line.endswith(b"\n"):
                        break
                    kind, _, value = line.decode("utf-8", "replace").rstrip("\n").partition(" ")
                    if kind == "P":
                        pid = int(value)
                    elif kind == "S":
                        code = int(value)
                        break
                    elif kind == "E":
                        refused = value
                        break
        except BaseException:  # Ctrl-C while it runs: the hook goes too
            if pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise
        finally:
            reader.join(timeout=WAIT)  # what a child of the hook holds open is not waited for
            os.close(out)
        if refused:
            logger.debug("the hook server in %s refused a hook: %s", self.env.path.name, refused)
            return None
        if code is None:
            return self._lost("it ended", pid)
        return code

    def _lost(self, why: str, pid: int | None) -> int | None:
        """The server ended: the code of the hook it had (``pid``), or ``None``."""
        try:
            ended = self.popen.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            ended = None
        logger.debug("the hook server in %s is lost: %s (exit %s)", self.env.path.name, why, ended)
        if ended is not None and ended < 0:  # killed: a stop, which takes its hooks along
            self.stopped = ended
            return ended
        self.broken = True
        if pid is None:
            return None
        with contextlib.suppress(OSError):  # started, its end unknown: a failed hook
            os.kill(pid, signal.SIGKILL)
        return -signal.SIGKILL

    def end(self) -> None:
        self.control.close()  # it exits when its socket closes

    def close(self) -> None:
        self.end()
        try:
            self.popen.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        proc.reaped(self.popen)
        self._said.join(timeout=WAIT)
        if self.popen.stdout is not None:
            self.popen.stdout.close()


class HookServers:
    """The hook servers of one run, one per build environment, started by its first hook."""

    def __init__(self) -> None:
        self._servers: dict[Path, _Server | None] = {}  # None: it could not start
        self._guard = threading.Lock()
        self._closed = False

    def run(
        self,
        env: BuildEnv,
        argv: list[str],
        cwd: str | None,
        environ: Mapping[str, str],
        on_line: proc.LineSink,
    ) -> int | None:
        """Run a hook by ``env``'s server: its exit code, or ``None`` (run it as a new process)."""
        if len(argv) != 4 or Path(argv[1]) != env.path / "relnox-hooks" / HOOK_SCRIPT:
            return None
        server = self._server(env, argv[1], environ)
        if server is None:
            return None
        if server.startup != _startup(environ):
            differ = sorted({key for key, _ in server.startup.items() ^ _startup(environ).items()})
            logger.debug("a hook runs as a new process: its %s differ", ", ".join(differ))
            return None
        return server.run(argv, cwd, environ, on_line)

    def _server(self, env: BuildEnv, script: str, environ: Mapping[str, str]) -> _Server | None:
        with self._guard:  # a server is started, not waited for: held for a few ms
            if self._closed:
                return None
            if env.path not in self._servers:
                try:
                    self._servers[env.path] = _Server(env, script, environ)
                except (OSError, py_compile.PyCompileError) as exc:
                    logger.debug("no hook server in %s: %s", env.path.name, exc)
                    self._servers[env.path] = None
            return self._servers[env.path]

    def close(self) -> None:
        """End every server; hooks after this run as new processes."""
        with self._guard:
            self._closed = True
            servers = [s for s in self._servers.values() if s is not None]
            self._servers.clear()
        for server in servers:  # all told first: they end side by side
            server.end()
        for server in servers:
            server.close()
