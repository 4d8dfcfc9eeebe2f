"""Hooks forked by a hook server (relnox.builds.hook_server) build what new processes build,
each seeing what a fresh process sees, failing as one fails, stopped as one is; and where
the server cannot stand in, hooks run as new processes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from relnox.builds.backend import PackageBuilder
from relnox.builds.envpool import BuildEnv, EnvPool, OutputLog
from relnox.builds.hook_server import SWITCH, HookServers
from relnox.builds.run import BuildOptions, BuildResult, build_all
from relnox.errors import BuildError
from relnox.sample import ProjectSpec, git_env, git_init, write_workspace
from relnox.tools.envs import find_installer
from tests.build_support import edit

pytestmark = pytest.mark.slow  # builds, serves or makes environments

FORKED = "(forked by the hook server)"

#: an in-tree backend (hatchling's hooks) that records what each hook sees, then changes
#: what it can of its process (the next hook must see none of it); a PROBE_MODE file in
#: the package says what else one hook does ("HOOK:exit", ":raise", ":kill", ":linger"
#: (a non-daemon thread and an atexit function), ":block" (tells the FIFO, then waits))
PROBE = """\
import atexit, json, os, random, signal, sys, tempfile, threading
from hatchling import build as _hatchling

LOG = os.environ["PROBE_LOG"]
STATE = []


def _note(entry):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\\n")


def _hook(hook, *args):
    import __main__

    place = os.path.basename(os.getcwd())
    mode = open("PROBE_MODE").read().strip() if os.path.exists("PROBE_MODE") else ""
    _note({
        "hook": hook, "place": place, "cwd": os.getcwd(),
        "epoch": os.environ.get("SOURCE_DATE_EPOCH"), "mark": os.environ.get("PROBE_MARK"),
        "argv": sys.argv, "main_file": __main__.__file__, "main_name": __main__.__name__,
        "state": list(STATE), "path": sys.path, "warnoptions": sys.warnoptions,
        "pid": os.getpid(), "ppid": os.getppid(),
        "temp": next(tempfile._get_candidate_names()), "random": random.random(),
    })
    result = getattr(_hatchling, hook)(*args)
    STATE.append(hook)  # what a hook leaves behind in its process
    os.environ["PROBE_MARK"] = hook
    sys.path.insert(0, "/probe-mutated")
    os.chdir(os.path.dirname(LOG))
    if mode == hook + ":exit":
        sys.exit(3)
    if mode == hook + ":raise":
        raise RuntimeError("the probe raises")
    if mode == hook + ":kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == hook + ":linger":
        def linger():
            threading.main_thread().join()  # returns when the interpreter ends
            _note({"after": hook, "place": place, "what": "thread"})
        threading.Thread(target=linger).start()
        atexit.register(_note, {"after": hook, "place": place, "what": "atexit"})
    if mode == hook + ":block":
        with open(os.environ["PROBE_FIFO"], "w") as fh:
            fh.write("blocking")
        threading.Event().wait()
    return result


def get_requires_for_build_sdist(config_settings=None):
    return _hook("get_requires_for_build_sdist", config_settings)


def build_sdist(sdist_directory, config_settings=None):
    return _hook("build_sdist", sdist_directory, config_settings)


def get_requires_for_build_wheel(config_settings=None):
    return _hook("get_requires_for_build_wheel", config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _hook("build_wheel", wheel_directory, config_settings, metadata_directory)
"""


def _probe_workspace(root: Path, modes: dict[str, str]) -> Path:
    """Packages built by the probe backend (``modes``: name -> its PROBE_MODE); the last
    one committed again later, so that its SOURCE_DATE_EPOCH differs from the others'."""
    write_workspace(root, [ProjectSpec(name) for name in modes])
    for name, mode in modes.items():
        directory = root / "packages" / name
        edit(
            directory / "pyproject.toml",
            'build-backend = "hatchling.build"',
            'build-backend = "probe_backend"\nbackend-path = ["_probe"]',
        )
        (directory / "_probe").mkdir()
        (directory / "_probe/probe_backend.py").write_text(PROBE, encoding="utf-8")
        if mode:
            (directory / "PROBE_MODE").write_text(mode, encoding="utf-8")
    (root / ".gitignore").write_text("__pycache__/\ndist/\n", encoding="utf-8")
    git_init(root)
    last = root / "packages" / list(modes)[-1] / "README.md"
    last.write_text("changed later\n", encoding="utf-8")
    later = {
        **git_env(),
        "GIT_AUTHOR_DATE": "2030-01-02T03:04:05",
        "GIT_COMMITTER_DATE": "2030-01-02T03:04:05",
    }
    for args in (["add", "-A"], ["commit", "-q", "-m", "later"]):
        subprocess.run(["git", *args], cwd=root, env=later, check=True, capture_output=True)
    return root


def _build(
    root: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *, forked: bool, **options: Any
) -> tuple[BuildResult, list[dict[str, Any]]]:
    """``build_all`` into ``out`` with the hook servers on or off; the probe's notes."""
    log = out.parent / f"{out.name}.probe"
    monkeypatch.setenv("PROBE_LOG", str(log))
    monkeypatch.setenv(SWITCH, "1" if forked else "0")
    result = build_all(root, BuildOptions(out=out, **options))
    notes = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return result, notes


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _forked(caplog: pytest.LogCaptureFixture) -> int:
    return sum(FORKED in record.getMessage() for record in caplog.records)


def test_the_same_bytes_with_forked_hooks_on_four_backends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    specs = [
        ProjectSpec("hs-set", backend="setuptools"),
        ProjectSpec("hs-hatch"),
        ProjectSpec("hs-flit", backend="flit"),
        ProjectSpec("hs-pdm", backend="pdm"),
    ]
    root = write_workspace(tmp_path / "ws", specs)
    git_init(root)
    caplog.set_level(logging.DEBUG, logger="relnox")
    digests = {}
    for forked in (True, False):
        caplog.clear()
        monkeypatch.setenv(SWITCH, "1" if forked else "0")
        out = tmp_path / f"dist-{forked}"
        build_all(root, BuildOptions(out=out)).raise_for_failures()
        # four hooks a package (the sdist's two, the wheel's two), each forked or none
        assert _forked(caplog) == (4 * len(specs) if forked else 0)
        digests[forked] = _digests(out)
    assert len(digests[True]) == 2 * len(specs)  # an sdist and a wheel each
    assert digests[True] == digests[False]


def _comparable(note: dict[str, Any]) -> dict[str, Any]:
    """A probe's note without what differs between any two processes or runs."""
    varying = {"pid", "ppid", "temp", "random", "cwd", "argv", "main_file"}
    found = {key: value for key, value in note.items() if key not in varying}
    if "path" in found:  # each run's environments lie in a temporary directory of its own
        found["path"] = [re.sub(r"relnox-build-[^/]+", "relnox-build-*", p) for p in found["path"]]
    return found


def test_each_forked_hook_sees_what_a_fresh_process_sees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _probe_workspace(tmp_path / "ws", {"probe-a": "", "probe-b": ""})
    result, notes = _build(root, tmp_path / "on", monkeypatch, forked=True)
    result.raise_for_failures()
    _, fresh = _build(root, tmp_path / "off", monkeypatch, forked=False)
    assert len(notes) == len(fresh) == 8
    # forked: by one server (the packages share their environment), not by this process
    assert {n["ppid"] for n in notes} != {os.getpid()} and len({n["ppid"] for n in notes}) == 1
    assert {n["ppid"] for n in fresh} == {os.getpid()}
    for note in notes:
        assert note["mark"] is None and note["state"] == []  # no hook saw another's changes
        assert "/probe-mutated" not in note["path"]
        assert note["main_name"] == "__main__"
        assert note["main_file"] == note["argv"][0] and note["argv"][0].endswith("_in_process.pyc")
        assert note["argv"][1] == note["hook"]
        # its own directory (not the one the hook before moved to): the package's for the
        # sdist, the unpacked sdist's for the wheel
        package = note["place"][:7].replace("_", "-")
        if note["hook"].endswith("sdist"):
            assert note["cwd"] == os.path.realpath(root / "packages" / package)
        else:
            assert note["place"] == f"{package.replace('-', '_')}-0.1.0"
    by_package: dict[str, set[str]] = {}
    for note in notes:
        by_package.setdefault(note["place"][:7].replace("_", "-"), set()).add(note["epoch"])
    assert len(by_package["probe-a"]) == len(by_package["probe-b"]) == 1
    assert by_package["probe-a"] != by_package["probe-b"]  # each its own SOURCE_DATE_EPOCH
    # fresh random state and temporary names in each
    assert len({n["temp"] for n in notes}) == len({n["random"] for n in notes}) == 8
    key = lambda n: (n["place"], n["hook"])  # noqa: E731
    assert [_comparable(n) for n in sorted(notes, key=key)] == [
        _comparable(n) for n in sorted(fresh, key=key)
    ]
    assert _digests(tmp_path / "on") == _digests(tmp_path / "off")


def _a_server(pid: int) -> bool:
    """Whether ``pid`` is a hook server still running."""
    try:
        return b"_zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _first_lines(result: BuildResult) -> dict[str, str]:
    """Each failed package's one-line error, without its run's temporary names."""
    return {
        o.package.name: re.sub(r"tmp[\w-]+", "TMP", str(o.error).splitlines()[0])
        for o in result.outcomes
        if o.error is not None
    }


def test_a_forked_hook_fails_and_ends_as_a_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes = {
        "probe-exit": "build_sdist:exit",
        "probe-raise": "build_sdist:raise",
        "probe-kill": "build_sdist:kill",
        "probe-linger": "get_requires_for_build_sdist:linger",
    }
    root = _probe_workspace(tmp_path / "ws", modes)
    failed, notes = _build(root, tmp_path / "on", monkeypatch, forked=True, keep_going=True)
    as_processes, fresh = _build(root, tmp_path / "off", monkeypatch, forked=False, keep_going=True)
    assert {n["ppid"] for n in notes if "ppid" in n} != {os.getpid()}  # forked
    servers = {n["ppid"] for n in notes if "ppid" in n}
    assert not [pid for pid in servers if _a_server(pid)]  # none left behind
    lines = _first_lines(failed)
    assert lines == _first_lines(as_processes)
    assert sorted(lines) == ["probe-exit", "probe-kill", "probe-raise"]
    assert {
        line.split(": ", 1)[1].removesuffix("; its last lines:") for line in lines.values()
    } == {
        "the build backend probe_backend failed to build the sdist "
        "(Backend subprocess exited when trying to invoke build_sdist)"
    }
    with pytest.raises(BuildError) as raised:
        failed.raise_for_failures()
    assert "the probe raises" in str(raised.value)  # its traceback, in the log's tail
    # the thread and the atexit function had their effect before the next hook began
    for run in (notes, fresh):
        linger = [n for n in run if n["place"] == "probe-linger"]
        assert [n.get("hook") or n["what"] for n in linger[:4]] == [
            "get_requires_for_build_sdist",
            "thread",
            "atexit",
            "build_sdist",
        ]


def test_a_hook_whose_start_up_environment_differs_runs_as_a_new_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PYTHONWARNINGS is read when the interpreter starts: a hook with another value than
    the server's is not forked (it would not see it in sys.warnoptions)."""
    root = _probe_workspace(tmp_path / "ws", {"probe-a": "", "probe-b": ""})
    log = tmp_path / "probe.log"
    monkeypatch.setenv("PROBE_LOG", str(log))
    installer = find_installer()
    pool = EnvPool(installer, Path(sys.executable), tmp_path / "envs")
    servers = HookServers()
    base = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    try:
        for name, extra in (
            ("probe-a", {}),
            ("probe-b", {"PYTHONWARNINGS": "ignore::DeprecationWarning"}),
            ("probe-a", {}),
        ):
            log_of = OutputLog(name)
            builder = PackageBuilder(
                name, "probe_backend", pool, log_of, {**base, **extra}, servers=servers
            )
            work = tmp_path / f"work-{len(log.read_text().splitlines()) if log.exists() else 0}"
            builder.build(root / "packages" / name, work)
    finally:
        servers.close()
    notes = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(notes) == 12
    first, other, again = notes[:4], notes[4:8], notes[8:]
    assert {n["warnoptions"] == [] for n in first + again} == {True}
    assert {tuple(n["warnoptions"]) for n in other} == {("ignore::DeprecationWarning",)}
    assert {n["ppid"] for n in other} == {os.getpid()}  # new processes
    assert {n["ppid"] for n in first + again} - {os.getpid()}  # forked, before and after


def _with_token(token: str) -> list[str]:
    """Processes whose environment holds ``token`` (a hook, or a server, left running)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if token.encode() in environ:
            found.append(entry.name)
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_leaves_no_forked_hook_or_server_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    root = _probe_workspace(tmp_path / "ws", {"probe-block": "build_sdist:block"})
    fifo = tmp_path / "blocking"
    os.mkfifo(fifo)
    told = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    ours = os.open(fifo, os.O_WRONLY)  # a writer always: reads wait, never end
    token = f"hook-server-stop-{os.getpid()}-{signum}"
    env = {
        **os.environ,
        "PROBE_LOG": str(tmp_path / "probe.log"),
        "PROBE_FIFO": str(fifo),
        "PROBE_STAMP": token,
        SWITCH: "1",
    }
    command = subprocess.Popen(
        [sys.executable, "-m", "relnox", "-v", "build-all"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert select.select([told], [], [], 120)[0], "the hook never blocked"
        assert os.read(told, 100) == b"blocking"
        assert len(_with_token(token)) >= 3  # relnox, the server, the forked hook
        command.send_signal(signum)
        _, err = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
            command.communicate()
        os.close(told)
        os.close(ours)
    assert FORKED in err
    assert command.returncode in (130, -signal.SIGTERM), err
    assert "Traceback" not in err
    assert _with_token(token) == []


#: a stand-in for pyproject-hooks' script: ends as its first argument says
ENDS = """\
import atexit, json, os, re, signal, sys, threading, traceback


def main():
    how = sys.argv[1]
    print("starting", how, flush=True)
    print("buffered, not flushed")
    if how == "zero":
        sys.exit()
    if how == "three":
        sys.exit(3)
    if how == "big":
        sys.exit(258)
    if how == "words":
        sys.exit("a message instead of a code")
    if how == "raise":
        raise RuntimeError("raised")
    if how == "interrupt":
        raise KeyboardInterrupt
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if how == "linger":
        def later():
            threading.main_thread().join()
            print("the thread, after the script", flush=True)
        threading.Thread(target=later).start()
        atexit.register(print, "atexit, after the thread")
    if how == "modules":  # what a fresh process has imported: the same, forked
        print(*sorted(sys.modules))
    print("the end of", how)


if __name__ == "__main__":
    main()
"""
HOWS = [
    "zero",
    "three",
    "big",
    "words",
    "raise",
    "interrupt",
    "kill",
    "linger",
    "modules",
    "fall-off",
]


def _ends_environment(tmp_path: Path) -> tuple[BuildEnv, Path]:
    """A build environment of this interpreter whose hook script is :data:`ENDS`, compiled
    where relnox puts pyproject-hooks' script; the environment and the script."""
    import py_compile

    hooks = tmp_path / "env" / "relnox-hooks"
    hooks.mkdir(parents=True)
    (tmp_path / "ends.py").write_text(ENDS, encoding="utf-8")
    script = hooks / "_in_process.pyc"
    py_compile.compile(str(tmp_path / "ends.py"), cfile=str(script), doraise=True)
    return BuildEnv(tmp_path / "env", Path(sys.executable), ()), script


def test_a_forked_hook_ends_with_the_code_and_output_of_a_process(tmp_path: Path) -> None:
    from relnox import _proc as proc

    env, script = _ends_environment(tmp_path)
    # stdout buffered, as a user's hooks have it: the order of its lines and a SystemExit's
    # message or a traceback is the interpreter's (a script's streams flushed first)
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    servers = HookServers()
    try:
        for how in HOWS:
            argv = [sys.executable, str(script), how, str(tmp_path)]
            plain = proc.run(argv, env=environ)
            lines: list[str] = []
            code = servers.run(env, argv, str(tmp_path), environ, lines.append)
            assert code == plain.returncode, how
            assert lines == plain.output.splitlines(), how  # tracebacks included
    finally:
        servers.close()


def test_a_request_too_big_for_the_server_runs_as_a_new_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A hook whose per-hook variables make its request longer than a socket message can
    be runs as a new process, at once; the server still forks the next hook."""
    env, script = _ends_environment(tmp_path)
    big = {  # each under the kernel's limit for one variable of a new process (128 KiB)
        "SOURCE_DATE_EPOCH": "1" * 120_000,
        "_PYPROJECT_HOOKS_BACKEND_PATH_JSON": "2" * 120_000,
    }
    caplog.set_level(logging.DEBUG, logger="relnox")
    servers = HookServers()
    try:
        argv = [sys.executable, str(script), "three", str(tmp_path)]
        lines: list[str] = []
        codes = [
            servers.run(env, argv, None, environ, lines.append)
            for environ in (dict(os.environ), {**os.environ, **big}, dict(os.environ))
        ]
    finally:
        servers.close()
    assert codes == [3, None, 3]  # the second: the caller runs it as a new process
    messages = [r.getMessage() for r in caplog.records]
    assert sum(FORKED in m for m in messages) == 2
    assert not [m for m in messages if "is lost" in m]
    ran = [m for m in messages if "a hook runs as a new process" in m]
    assert len(ran) == 1, messages


def test_stop_children_kills_the_forked_hooks_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """:func:`relnox._proc.stop_children` (what a signal's handler calls) kills the servers'
    groups: a thread waiting for a forked hook that blocks ends at once, its package failed."""
    import threading

    from relnox import _proc as proc

    root = _probe_workspace(tmp_path / "ws", {"probe-block": "build_sdist:block"})
    fifo = tmp_path / "blocking"
    os.mkfifo(fifo)
    told = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    ours = os.open(fifo, os.O_WRONLY)
    token = f"hook-server-stop-children-{os.getpid()}"
    for key, value in (("PROBE_FIFO", str(fifo)), ("PROBE_STAMP", token), (SWITCH, "1")):
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PROBE_LOG", str(tmp_path / "probe.log"))
    results: list[BuildResult] = []
    builder = threading.Thread(
        target=lambda: results.append(build_all(root, BuildOptions(out=tmp_path / "out"))),
        daemon=True,
    )
    builder.start()
    try:
        assert select.select([told], [], [], 120)[0], "the hook never blocked"
        assert os.read(told, 100) == b"blocking"
        assert len(_with_token(token)) >= 2  # the server, the forked hook
        proc.stop_children()
        builder.join(timeout=60)
        assert not builder.is_alive(), "the hook was not stopped"
    finally:
        for pid in _with_token(token):  # what a failure left
            os.kill(int(pid), signal.SIGKILL)
        os.close(told)
        os.close(ours)
    assert [o.status for o in results[0].outcomes] == ["failed"]
    assert _with_token(token) == []
