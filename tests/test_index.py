"""The embedded local index: a real pypiserver on 127.0.0.1, and ``relnox serve-index``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from relnox.index import IndexServerError, LocalIndex, write_htpasswd
from relnox.repositories import resolve
from relnox.sample import ProjectSpec, write_project

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


def test_missing_password_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(IndexServerError, match="password file not found"):
        LocalIndex(tmp_path / "d", password_file=tmp_path / "nope").start()


def test_serve_index_command_prints_urls_and_stops_on_ctrl_c(tmp_path: Path, wheel: Path) -> None:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: PASSWORD})
    proc = subprocess.Popen(
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
