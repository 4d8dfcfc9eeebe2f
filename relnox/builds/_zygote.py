"""The hook server of one build environment, ``python _zygote.pyc SCRIPT FD`` (standard
library only): runs pyproject-hooks' ``SCRIPT`` for its imports, then forks a hook process per
request on the socket ``FD``; on its status socket ``P <pid>`` when forked, ``S <exit code>``
when reaped, ``E <why>`` when refused. It exits when ``FD`` closes, killing children left.
"""

import marshal
import os
import sys
import types  # the script's imports bring it too (re, enum)

SCRIPT = sys.argv[1]
CONTROL = int(sys.argv[2])
HEADER = 16  # a .pyc's header: magic, flags, and the source's date and size (or hash)
FDS = 2  # the hook's output, its status socket


def _code(path: str) -> types.CodeType:
    with open(path, "rb") as fh:
        code: types.CodeType = marshal.loads(fh.read()[HEADER:])
    return code


def _preload(code: types.CodeType) -> None:
    """The script's top level, run in a throwaway module: its imports are done."""
    module = type(sys)("_relnox_hooks_preload")
    module.__file__ = SCRIPT
    exec(code, module.__dict__)


def _write(fd: int, text: str) -> None:
    try:  # noqa: SIM105 - contextlib is not the server's to import
        os.write(fd, text.encode())
    except OSError:  # relnox no longer listens
        pass


def _flushed(stream: object) -> bool:
    """Whether ``stream`` (``sys.stdout``, ``sys.stderr``) flushed; errors ignored."""
    try:
        if stream is not None:
            stream.flush()  # type: ignore[attr-defined]
    except Exception:
        return False
    return True


def _exit_as_python(code: types.CodeType) -> None:
    """Run ``code`` as ``__main__`` and end as the interpreter does (exit code, traceback,
    SIGINT for a ``KeyboardInterrupt``, threads joined, ``atexit``, streams flushed)."""
    main = type(sys)("__main__")
    main.__dict__.update(
        __file__=SCRIPT,
        __cached__=None,
        __package__=None,
        __spec__=None,
        __builtins__=sys.modules["builtins"],
    )
    machinery = sys.modules.get("importlib.machinery")
    if machinery is not None:  # as the interpreter sets it for a compiled script
        main.__loader__ = machinery.SourcelessFileLoader("__main__", SCRIPT)
    sys.modules["__main__"] = main
    status, interrupted = 0, False
    try:
        try:
            exec(code, main.__dict__)
        finally:  # as CPython's flush_io() after a script file, before its exit is handled
            _flushed(sys.stderr)
            _flushed(sys.stdout)
    except SystemExit as exc:
        status = _system_exit(exc)
    except BaseException as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        here = exc.__traceback__  # this function's frame: not in a fresh process's traceback
        exc.with_traceback(here.tb_next if here is not None else None)
        sys.excepthook(type(exc), exc, exc.__traceback__)
        status = 1
    threading = sys.modules.get("threading")
    if threading is not None:
        try:
            threading._shutdown()
        except BaseException:
            sys.excepthook(*sys.exc_info())
    atexit = sys.modules.get("atexit")
    if atexit is not None:
        atexit._run_exitfuncs()
    if not _flushed(sys.stdout) and status == 0:
        status = 120
    _flushed(sys.stderr)
    if interrupted:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(status)


def _system_exit(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF if -(2**31) <= code < 2**31 else 0xFF
    try:  # noqa: SIM105
        sys.stderr.write(f"{code}\n")
    except Exception:  # the interpreter says nothing then either
        pass
    return 1


def _gzip_stored() -> None:
    """gzip's default level 0 in a build_sdist hook: relnox compresses every sdist again
    (reproducible.shipped_sdist), so a backend's level 9 would be seconds thrown away."""
    import gzip

    init = gzip.GzipFile.__init__
    count, defaults = init.__code__.co_argcount, list(init.__defaults__ or ())
    names = init.__code__.co_varnames[count - len(defaults) : count]  # those with defaults
    defaults[names.index("compresslevel")] = 0
    init.__defaults__ = tuple(defaults)


def _child(
    code: types.CodeType,
    argv: list[str],
    cwd: str,
    environ: dict[str, str],
    fds: list[int],
    inherited: list[int],
    extra: set[str],
) -> None:
    """The forked child: becomes the hook process (never returns)."""
    out, status = fds
    for name in extra:  # the server's own modules: not imported in a fresh process
        sys.modules.pop(name, None)
    try:
        for fd in inherited:
            os.close(fd)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        os.close(status)
        os.chdir(cwd)
        os.environ.clear()  # unsetenv, then putenv: the C environment too
        os.environ.update(environ)
    except OSError as exc:
        _write(2, f"cannot run {argv[0]}: {exc}\n")
        os._exit(127)
    sys.argv = list(argv[1:])
    if argv[2:3] == ["build_sdist"]:
        _gzip_stored()
    sys.orig_argv = list(argv)
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:  # as a fresh process: the temporary directory from TMPDIR
        tempfile.tempdir = None  # type: ignore[attr-defined]  # sys.modules holds ModuleType
    importlib = sys.modules.get("importlib")
    if importlib is not None:  # as a fresh process: no directory listing from before
        importlib.invalidate_caches()
    _exit_as_python(code)


def serve() -> None:
    code = _code(SCRIPT)
    _preload(code)
    before = set(sys.modules)
    import _socket  # not socket: fewer modules to take out of the children's sys.modules
    import array
    import json
    import select

    extra = set(sys.modules) - before  # what the script did not import: gone in each child
    if not hasattr(os, "pidfd_open"):
        sys.exit("no os.pidfd_open here")
    os.close(os.pidfd_open(os.getpid()))  # the kernel has pidfds (Linux 5.3)
    control = _socket.socket(fileno=CONTROL)
    os.set_inheritable(CONTROL, False)
    poller = select.poll()
    poller.register(CONTROL, select.POLLIN)
    children: dict[int, tuple[int, int]] = {}  # pidfd -> (pid, status fd)
    space = _socket.CMSG_SPACE(FDS * 4)
    while True:
        for fd, _ in poller.poll():
            if fd != CONTROL:
                pid, status = children.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                _, wait = os.waitpid(pid, 0)
                _write(status, f"S {os.waitstatus_to_exitcode(wait)}\n")
                os.close(status)
                continue
            data, ancillary, flags, _ = control.recvmsg(1 << 18, space)
            if not data:  # relnox closed its end (or died): the run is over
                for pid, _status in children.values():
                    try:  # noqa: SIM105
                        os.kill(pid, 9)
                    except OSError:  # ended meanwhile
                        pass
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)  # nothing of an interpreter's end is needed: the run waits
            fds = [  # the descriptors the message carried
                fd
                for level, kind, body in ancillary
                if (level, kind) == (_socket.SOL_SOCKET, _socket.SCM_RIGHTS)
                for fd in array.array("i", body[: len(body) - len(body) % 4])
            ]
            if len(fds) != FDS or flags & (_socket.MSG_TRUNC | _socket.MSG_CTRUNC):
                if len(fds) == FDS:
                    _write(fds[1], "E request truncated\n")
                for fd in fds:
                    os.close(fd)
                continue
            out, status = fds
            request = json.loads(data)
            argv: list[str] = request["argv"]
            if argv[1:2] != [SCRIPT]:
                _write(status, "E another script\n")
                os.close(out)
                os.close(status)
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            inherited = [CONTROL, *children, *(s for _, s in children.values())]
            pid = os.fork()
            if pid == 0:
                try:
                    _child(code, argv, request["cwd"], request["environ"], fds, inherited, extra)
                finally:  # never back into this loop, whatever escaped
                    os._exit(70)
            os.close(out)
            _write(status, f"P {pid}\n")
            pidfd = os.pidfd_open(pid)
            children[pidfd] = (pid, status)
            poller.register(pidfd, select.POLLIN)


if __name__ == "__main__":
    serve()
