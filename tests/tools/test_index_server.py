"""The embedded local index: a real pypiserver on 127.0.0.1, and ``relnox serve-index``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.sample import ProjectSpec, write_project
from relnox.tools.index_server import (
    IndexServerError,
    LocalIndex,
    cached_backend,
    write_htpasswd,
)
from relnox.tools.network import is_loopback
from relnox.tools.repositories import resolve

pytestmark = pytest.mark.slow  # builds, serves or makes environments

USER, PASSWORD = "uploader", "index-password-1"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from uv import find_uv_bin

    root = write_project(tmp_path_factory.mktemp("proj") / "p", ProjectSpec("idx-probe"))
    subprocess.run(
        [find_uv_bin(), "build", "-q", "--wheel", "--out-dir", str(root / "dist"), str(root)],
        check=True,
    )
    return next((root / "dist").glob("*.whl"))


def _upload(url: str, path: Path, user: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TWINE_USERNAME": user, "TWINE_PASSWORD": password, "NO_COLOR": "1"}
    argv = [
        sys.executable,
        "-m",
        "twine",
        "upload",
        "--repository-url",
        url,
        "--non-interactive",
        "--disable-progress-bar",
        str(path),
    ]
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_authenticated_index_takes_uploads_and_stops_cleanly(tmp_path: Path, wheel: Path) -> None:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: PASSWORD})
    with LocalIndex(tmp_path / "data", password_file=htpasswd) as index:
        assert index.running and index.port > 0
        assert index.url == f"http://127.0.0.1:{index.port}/"
        assert index.simple_url == index.url + "simple/" and index.upload_url == index.url
        denied = _upload(index.upload_url, wheel, USER, "wrong")
        assert denied.returncode == 1 and "403" in denied.stdout + denied.stderr
        assert _upload(index.upload_url, wheel, USER, PASSWORD).returncode == 0
        page = urllib.request.urlopen(index.simple_url + "idx-probe/").read().decode()
        assert re.search(rf"{wheel.name}#sha256=[0-9a-f]{{64}}", page)
        # no fallback to another index for unknown projects
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(index.simple_url + "not-here/")
        assert info.value.code == 404
        pid = index.process.pid if index.process else 0
    assert not index.running and _gone(pid)
    assert (tmp_path / "data" / wheel.name).is_file()
    index.stop()  # twice is fine


def test_open_index_on_a_chosen_port_and_two_at_once(tmp_path: Path, wheel: Path) -> None:
    with LocalIndex(tmp_path / "a") as first, LocalIndex(tmp_path / "b", port=0) as second:
        assert first.port != second.port
        assert _upload(first.upload_url, wheel, "anyone", "anything").returncode == 0
        assert not list((tmp_path / "b").iterdir())
        again = LocalIndex(tmp_path / "c", port=first.port)
        with pytest.raises(IndexServerError, match=f"127.0.0.1:{first.port} is already in use"):
            again.start()
        assert not again.running


@pytest.mark.skipif(not cached_backend(), reason="watchdog is not installed")
def test_the_cached_backend_serves_each_upload_and_refuses_a_second(
    tmp_path: Path, wheel: Path
) -> None:
    """pypiserver's cached-dir backend (the benchmarks' index): an upload is on the next
    page read, and the same file again is refused, as the default backend does."""
    with LocalIndex(tmp_path / "data", backend="cached-dir") as index:
        assert "cached-dir" in index.command()
        urllib.request.urlopen(index.simple_url).read()  # a listing kept before the upload
        assert _upload(index.upload_url, wheel, "anyone", "anything").returncode == 0
        page = urllib.request.urlopen(index.simple_url + "idx-probe/").read().decode()
        assert re.search(rf"{wheel.name}#sha256=[0-9a-f]{{64}}", page)
        again = _upload(index.upload_url, wheel, "anyone", "anything")
        assert again.returncode == 1 and "400" in again.stdout + again.stderr


def test_the_cached_backend_without_watchdog_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnox.tools.index_server as index_server

    monkeypatch.setattr(index_server, "cached_backend", lambda: False)
    index = LocalIndex(tmp_path / "d", backend="cached-dir")
    with pytest.raises(IndexServerError, match=r"needs watchdog.*pip install watchdog"):
        index.start()
    assert not index.running and not (tmp_path / "d").exists()


def test_missing_password_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(IndexServerError, match="password file not found"):
        LocalIndex(tmp_path / "d", password_file=tmp_path / "nope").start()


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--port", "-1"], "--port -1 is not a port; give one from 1 to 65535"),
        (["--port", "99999"], "--port 99999 is not a port"),
        (["--host", "no_such_host.invalid", "--allow-anonymous"], "is no address of this"),
        (["--data", "{file}"], "cannot be the index's directory (File exists)"),
    ],
)
def test_serve_index_refuses_what_it_cannot_serve_in_one_line(
    tmp_path: Path, flags: list[str], said: str
) -> None:
    """A port out of range (an OverflowError from bind), a host no resolver knows
    (socket.gaierror) and a --data that is a file (FileExistsError) were tracebacks."""
    (tmp_path / "file").write_text("x\n", encoding="utf-8")
    flags = [f.replace("{file}", str(tmp_path / "file")) for f in flags]
    data = [] if "--data" in flags else ["--data", str(tmp_path / "d")]
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "serve-index", *data, *flags],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1 and said in proc.stderr
    assert not (tmp_path / "d").exists()


def test_serve_index_command_prints_urls_and_stops_on_ctrl_c(
    tmp_path: Path, wheel: Path, spawn: Callable[..., subprocess.Popen[str]]
) -> None:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: PASSWORD})
    proc = spawn(
        [
            sys.executable,
            "-m",
            "relnox",
            "serve-index",
            "--data",
            str(tmp_path / "data"),
            "--password-file",
            str(htpasswd),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as a background job of a shell starts it: SIGINT ignored, Ctrl-C must still stop it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    text = "".join(lines)
    upload = re.search(r"upload URL: (\S+)", text)
    simple = re.search(r"simple URL: (\S+)", text)
    export = re.search(r"export RELNOX_LOCAL_INDEX=(\S+)", text)
    assert upload and simple and export, text
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(children) == 1
    repo = resolve("local", environ={"RELNOX_LOCAL_INDEX": export.group(1)})
    assert (repo.upload_url, repo.simple_url) == (upload.group(1), simple.group(1))
    assert _upload(repo.upload_url, wheel, USER, PASSWORD).returncode == 0
    assert urllib.request.urlopen(repo.simple_url + "idx-probe/").status == 200
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopping the local index" in out
    assert _gone(int(children[0]))


def test_serve_index_keeps_its_data_outside_the_repository(
    tmp_path: Path, hermetic: Path, spawn: Callable[..., subprocess.Popen[str]]
) -> None:
    """Without --data the packages go to the user's cache, so the repository stays clean."""
    from relnox.invoke._publish import default_index_dir

    repo = write_project(tmp_path / "repo", ProjectSpec("idx-home"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    cache = tmp_path / "cache"
    assert default_index_dir({"XDG_CACHE_HOME": str(cache)}) == cache / "relnox" / "index"
    assert default_index_dir({}) == hermetic / ".cache" / "relnox" / "index"
    proc = spawn(
        [sys.executable, "-m", "relnox", "serve-index"],
        cwd=repo,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.strip() == f"local index serving {cache / 'relnox' / 'index'}", first
    assert (cache / "relnox" / "index").is_dir()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".relnox-index" not in status and not (repo / ".relnox-index").exists()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)


INNER_TEST = """
import json, os, subprocess, sys
from pathlib import Path

from relnox.tools.index_server import LocalIndex


def test_fails_with_two_servers_running(tmp_path, spawn):
    index = LocalIndex(tmp_path / "a").start()  # the test never stops it
    proc = spawn(
        [sys.executable, "-m", "relnox", "serve-index", "--data", str(tmp_path / "b")],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    while not lines or not lines[-1].startswith("Press Ctrl-C"):
        lines.append(proc.stdout.readline())
        assert lines[-1], "serve-index ended before serving: " + "".join(lines)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    pids = [index.process.pid, proc.pid, *map(int, children)]
    Path(os.environ["PIDS_FILE"]).write_text(json.dumps(pids))
    assert False, "a test that fails with servers running"
"""


def test_a_failing_test_leaves_no_server_behind(tmp_path: Path) -> None:
    """The fixtures stop what a test starts: LocalIndex and relnox serve-index alike.

    The inner run's temporary directories are under ``tmp_path`` (``--basetemp``): in pytest's
    shared ``pytest-of-USER`` it would make a numbered directory and delete the oldest beyond
    three, a whole earlier test run's (52-61 s of this test inside the full gate)."""
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(
        "from tests.conftest import hermetic, no_index_left_running, spawn  # noqa: F401\n"
    )
    (inner / "test_inner.py").write_text(INNER_TEST)
    pids_file = tmp_path / "pids.json"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"--basetemp={tmp_path / 'tmp'}",
            str(inner),
        ],
        cwd=inner,
        env={**os.environ, "PIDS_FILE": str(pids_file), "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 1 and "1 failed" in proc.stdout, proc.stdout + proc.stderr
    pids = json.loads(pids_file.read_text())
    assert len(pids) == 3
    assert all(_gone(pid) for pid in pids), pids


def test_serve_index_refuses_anonymous_uploads_beyond_loopback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "relnox",
            "serve-index",
            "--host",
            "0.0.0.0",
            "--data",
            str(tmp_path / "d"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "serving on 0.0.0.0 without a password file" in proc.stderr
    assert "--password-file" in proc.stderr and "--allow-anonymous" in proc.stderr
    assert not (tmp_path / "d").exists()  # refused before anything was made
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")
