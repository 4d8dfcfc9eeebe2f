"""``relnox publish`` as users run it: the table, --json, --dry-run, the PyPI-style prompt on a real terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.conftest import run_relnox
from tests.publish_support import USER, copy_tree, shared_release

pytestmark = pytest.mark.slow  # builds, serves or makes environments

TOKEN = "relnox-cli-fake-token-0003"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- agents <- runtime, plus an independent extra; built once per run."""
    return shared_release(tmp_path_factory)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    with LocalIndex(
        tmp_path / "data", password_file=write_htpasswd(tmp_path / "ht", {USER: TOKEN})
    ) as idx:
        yield idx


@pytest.fixture
def ws(release: Path, tmp_path: Path, index: LocalIndex) -> Path:
    root = copy_tree(release, tmp_path / "ws")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + f'\n[tool.relnox.repositories]\nprod = {{ upload = "{index.upload_url}", simple = "{index.simple_url}", confirm = true }}\n'
    )
    return root


def env() -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}


def on_index(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir())


def test_publish_prints_a_table_and_json(ws: Path, index: LocalIndex) -> None:
    dry = run_relnox("publish", "--repository", index.url, "--dry-run", cwd=ws, env=env())
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing is uploaded" in dry.stdout
    assert "  8 files (-v lists each with its sha256)" in dry.stdout.splitlines()  # 4 packages
    assert on_index(index) == []

    done = run_relnox("publish", "--repository", index.url, cwd=ws, env=env())
    assert done.returncode == 0, done.stderr
    # 4 packages uploaded: counted (report.attention), the table a row each with -v
    report, counted = done.stdout.strip().splitlines()
    assert counted == "4 uploaded (-v lists them)"  # the closing line: what -q keeps
    assert report == f"report: {ws / '.relnox' / 'dist' / 'publish-report.json'}"
    quiet = run_relnox("-q", "publish", "--repository", index.url, cwd=ws, env=env())
    assert quiet.stdout.strip().splitlines() == [
        "4 already published (-v lists them)"
    ]  # the report's path before
    assert "upload: 2/4 done" in done.stderr  # progress (relnox.progress): at the half
    assert "upload: 4/4 done" not in done.stderr  # the closing line says it
    assert "uploading demo_core-0.1.0" not in done.stderr
    assert len(on_index(index)) == 8

    again = run_relnox(
        "publish", "--repository", index.url, "--json", "--skip-existing", cwd=ws, env=env()
    )
    data = json.loads(again.stdout)
    assert again.returncode == 0 and data["uploaded"] == [] and len(data["skipped"]) == 8
    assert "already published" in again.stderr


def test_a_failure_exits_1_with_one_actionable_line(ws: Path, index: LocalIndex) -> None:
    bad = run_relnox(
        "publish", "--repository", index.url, cwd=ws, env={**env(), "TWINE_PASSWORD": "nope-nope"}
    )
    assert bad.returncode == 1
    last = bad.stderr.strip().splitlines()[-1]
    assert (
        last.startswith("relnox: error: ") and "HTTP 403" in last and "publish-report.json" in last
    )
    assert "failed" in bad.stdout  # the table still shows what happened
    # the index never accepted the file: its name is free, nothing needs superseding
    assert "to finish: fix the cause and run the same command again" in bad.stderr
    assert "bump" not in bad.stderr and "supersede" not in bad.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("publish", "--wait=-1"), "--wait -1 is not a number of seconds from 0 to 86400"),
        (("publish-test", "--wait=-5"), "--wait -5 is not a number of seconds from 0 to 86400"),
        (("publish", "--allow-stale", "demo-cor"), "--allow-stale demo-cor: not a package of"),
    ],
)
def test_a_bad_flag_is_refused_before_anything_is_uploaded(
    ws: Path, index: LocalIndex, args: tuple[str, ...], said: str
) -> None:
    """A negative wait (it would fail a tier the index shows a moment later; publish-test
    read it only once the release was up) and an --allow-stale naming no package."""
    proc = run_relnox(*args, "--repository", index.url, cwd=ws, env=env())
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("relnox: error: ")]
    assert said in line
    assert on_index(index) == []


@pytest.mark.parametrize("command", ["publish", "publish-test"])
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_repository_is_refused_not_taken_as_pypi(
    ws: Path, command: str, value: str
) -> None:
    """``-r "$INDEX"`` with the variable unset gave ``--repository ''``, which fell back to
    the default index (PyPI for publish): a usage error now, before anything is read."""
    proc = run_relnox(command, "--repository", value, "--dry-run", cwd=ws, env=env())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (
        proc.stderr.strip()
        .splitlines()[-1]
        .startswith("relnox: error: --repository is empty; name the index")
    )
    assert "PyPI" not in proc.stdout


def _run_on_a_terminal(args: list[str], cwd: Path, answer: str) -> tuple[int, str]:
    """``relnox ARGS`` with a pseudo-terminal as stdin; ``answer`` is typed at the prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "relnox", *args],
        cwd=cwd,
        env=env(),
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    os.close(slave)
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + 120
    while b"(yes/no)" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    os.write(master, answer.encode() + b"\n")
    rest, _ = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, (seen + rest).decode()


def test_the_confirmation_prompt_with_and_without_a_terminal(ws: Path, index: LocalIndex) -> None:
    no_tty = subprocess.run(
        [sys.executable, "-m", "relnox", "publish", "--repository", "prod", "-p", "demo-core"],
        cwd=ws,
        env=env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert no_tty.returncode == 1 and "there is no terminal to ask on; pass --yes" in no_tty.stderr
    code, out = _run_on_a_terminal(["publish", "--repository", "prod", "-p", "demo-core"], ws, "no")
    assert code == 1 and "cancelled; nothing was uploaded" in out
    assert (
        "About to upload 2 files of 1 package to prod. This cannot be undone. Continue? (yes/no)"
        in out
    )
    assert on_index(index) == []
    code, out = _run_on_a_terminal(
        ["publish", "--repository", "prod", "-p", "demo-core"], ws, "yes"
    )
    assert code == 0, out
    assert on_index(index) == ["demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"]
    with_yes = subprocess.run(
        [
            sys.executable,
            "-m",
            "relnox",
            "publish",
            "--repository",
            "prod",
            "--yes",
            "-p",
            "demo-agents",
        ],
        cwd=ws,
        env=env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert with_yes.returncode == 0, with_yes.stderr
    assert len(on_index(index)) == 4


def test_the_nox_session_takes_the_same_flags(
    ws: Path, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnox.invoke as tasks
    from relnox.nox import run_task

    monkeypatch.chdir(ws)
    for key, value in env().items():
        monkeypatch.setenv(key, value)
    errors: list[str] = []
    run_task(
        tasks.publish,
        ["--repository", index.url, "--dry-run", "-p", "demo-agents"],
        errors.append,
        "publish",
    )
    assert errors == [] and on_index(index) == []
    run_task(tasks.publish, ["--repository", "nowhere-known"], errors.append, "publish")
    assert len(errors) == 1 and errors[0].startswith(
        "relnox: error: unknown repository 'nowhere-known'"
    )


KEYRING_BACKEND = '''
import json, os
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    """A keyring in a JSON file: {"SERVICE|USER": "PASSWORD"}."""

    priority = 1

    def get_password(self, service, username):
        with open(os.environ["RELNOX_TEST_KEYRING"], encoding="utf-8") as fh:
            return json.load(fh).get(f"{service}|{username}")

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
'''


def test_keyring_credentials_reach_twine_through_the_keyring(
    ws: Path, index: LocalIndex, tmp_path: Path
) -> None:
    backend = tmp_path / "kr"
    backend.mkdir()
    (backend / "relnox_test_keyring.py").write_text(KEYRING_BACKEND, encoding="utf-8")
    store = tmp_path / "keyring.json"
    store.write_text(json.dumps({f"{index.upload_url}|{USER}": TOKEN}), encoding="utf-8")
    keyring_env = {
        **os.environ,
        "TWINE_USERNAME": USER,  # no password anywhere but in the keyring
        "PYTHONPATH": str(backend),
        "PYTHON_KEYRING_BACKEND": "relnox_test_keyring.FileKeyring",
        "RELNOX_TEST_KEYRING": str(store),
    }
    done = run_relnox(
        "publish", "--repository", index.url, "-p", "demo-core", "--json", cwd=ws, env=keyring_env
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["credentials"] == f"keyring ({index.upload_url})" and len(data["uploaded"]) == 2
    assert TOKEN not in done.stdout + done.stderr


def test_the_local_repository_needs_no_credentials(release: Path, tmp_path: Path) -> None:
    ws = copy_tree(release, tmp_path / "open-ws")
    with LocalIndex(
        tmp_path / "open-data"
    ) as open_index:  # relnox serve-index without --password-file
        local_env = {**os.environ, "RELNOX_LOCAL_INDEX": open_index.url}
        done = run_relnox(
            "publish", "--repository", "local", "-p", "demo-core", cwd=ws, env=local_env
        )
        assert done.returncode == 0, done.stderr
        assert "credentials from none (an index on this machine)" in done.stderr
        assert len(list(open_index.data_dir.iterdir())) == 2


def test_publish_test_verifies_with_the_extra_index_given(release: Path, tmp_path: Path) -> None:
    ws = copy_tree(release, tmp_path / "extra-ws")
    with LocalIndex(tmp_path / "test-data") as test_index, LocalIndex(tmp_path / "deps") as deps:
        env = {**os.environ, "RELNOX_LOCAL_INDEX": test_index.url}
        done = run_relnox(
            "publish-test",
            "--repository",
            "local",
            "-p",
            "demo-core",
            "--extra-index",
            deps.simple_url,
            "-v",
            cwd=ws,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert deps.simple_url in done.stderr  # the install from the test index used it
        assert "verified: demo-core install from there" in done.stdout


@pytest.mark.parametrize(
    "name", ["demo_core-0.1.0-py3-none-linux\n_x86_64.whl", "demo_core-0.1.0 .tar.gz"]
)
def test_a_distribution_name_holding_a_line_end_is_refused_before_any_upload(
    ws: Path, index: LocalIndex, name: str
) -> None:
    """A file of the release in dist/ whose name holds a line end (or a space): publish sent
    the files before it, then the index refused it ('Bad filename'), the release half up, the
    error two lines; verify-install installed around it. Both refuse it first, on one line."""
    dist = ws / "dist"
    (dist / name).write_bytes((dist / "demo_core-0.1.0-py3-none-any.whl").read_bytes())
    for command in (["publish", "--repository", index.url], ["verify-install", "--offline"]):
        proc = run_relnox(*command, cwd=ws, env=env())
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("relnox: error")]
        assert repr(name) in line and "remove it from dist/" in line, line
    assert on_index(index) == []


def test_publish_test_of_many_packages_says_them_counted(release: Path, tmp_path: Path) -> None:
    """Its closing line listed every package: one line of 787 characters on 70."""
    ws = copy_tree(release, tmp_path / "many-ws")
    with LocalIndex(tmp_path / "test-data") as test_index:
        env = {**os.environ, "RELNOX_LOCAL_INDEX": test_index.url}
        done = run_relnox("publish-test", "--repository", "local", cwd=ws, env=env)
    assert done.returncode == 0, done.stderr
    assert "verified: the 4 packages install from there" in done.stdout.splitlines()
