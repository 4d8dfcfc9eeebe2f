"""verify-install from an index that needs a login, and under a dependency cooldown.

A real pypiserver on 127.0.0.1 holds the release and a third-party dependency; a proxy in
front of it answers 401 to any request without the right ``Authorization`` header. The
relnox command runs for real with a ``sitecustomize`` that records the argv of every child
it starts (uv, pip), so a password in an installer's argv is seen.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, write_project, write_workspace
from relnox.tools.index_server import LocalIndex
from relnox.verify import VerifyOptions
from relnox.verify.plan import plan_verify
from relnox.verify.run import run_plan
from tests.conftest import run_relnox
from tests.fault_server import FaultServer, Reply, Seen
from tests.publish_support import SPY
from tests.verify_support import build_release, uv_build

pytestmark = pytest.mark.slow  # builds, serves and makes environments

VERSION = "7.4.1"
USER = "reader"
PASSWORD = "read-Secret/+=pass-0042"
CORE, APP, DEP = "vfyauth-core", "vfyauth-app", "vfyauth-dep"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core, and app that needs core and a third-party dependency; built once."""
    base = tmp_path_factory.mktemp("login")
    root = base / "ws"
    specs = [
        ProjectSpec(CORE, VERSION),
        ProjectSpec(APP, VERSION, requires=[f"{CORE}>={VERSION}", f"{DEP}>=1.0"]),
    ]
    write_workspace(root, specs)
    build_release(root)
    dep = write_project(base / "dep", ProjectSpec(DEP, "1.0.0"))
    uv_build(dep, root / "third-party")
    return root


@pytest.fixture
def index(release: Path, tmp_path: Path) -> Iterator[LocalIndex]:
    """A real index holding the release and its third-party dependency."""
    data = tmp_path / "index-data"
    data.mkdir()
    for wheel in [*(release / "dist").glob("*.whl"), *(release / "third-party").glob("*.whl")]:
        shutil.copy(wheel, data)
    with LocalIndex(data) as idx:
        yield idx


def _needs_login(seen: Seen) -> Reply | None:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    if seen.headers.get("Authorization") == f"Basic {token}":
        return None  # forwarded to the index
    return Reply(401, (("WWW-Authenticate", 'Basic realm="private"'),), b"login required")


@pytest.fixture
def private(index: LocalIndex) -> Iterator[FaultServer]:
    with FaultServer(upstream=index.url, rule=_needs_login) as proxy:
        yield proxy


def _run(
    ws: Path, tmp_path: Path, *args: str, **environ: str
) -> tuple[int, str, list[list[str]], float]:
    """``relnox verify-install ARGS``: exit code, output, the argv of every child, seconds."""
    spy = tmp_path / "spy"
    spy.mkdir(exist_ok=True)
    (spy / "sitecustomize.py").write_text(SPY, encoding="utf-8")
    log = tmp_path / "spy.log"
    env = {**os.environ, "PYTHONPATH": str(spy), "RELNOX_SPY_LOG": str(log), **environ}
    start = time.monotonic()
    proc = run_relnox("verify-install", *args, cwd=ws, env=env)
    seconds = time.monotonic() - start
    entries = [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []
    children = [[str(a) for a in e["popen"]] for e in entries if "popen" in e]
    return proc.returncode, proc.stdout + proc.stderr, children, seconds


def _with_login(url: str) -> str:
    from urllib.parse import quote

    return url.replace("http://", f"http://{USER}:{quote(PASSWORD, safe='')}@")


def _installs(children: list[list[str]]) -> list[list[str]]:
    return [c for c in children if "install" in c]


def test_no_login_is_left_on_disk_when_verify_returns(
    release: Path, private: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fresh environments are removed while the caller goes on; the netrc holding the
    index's login is not among what is left for later: it is gone when verify returns."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    simple = _with_login(f"{private.url}simple/")
    options = VerifyOptions(index=simple, extra_index=simple, wait=0)
    report = run_plan(plan_verify(load_workspace(release), options))
    assert report.ok, report.describe()
    made = list(scratch.glob("relnox-verify-*/*/auth"))  # each round's, netrc and all
    assert not made, made


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_a_login_in_index_urls_reaches_the_installer_but_never_its_argv(
    release: Path, private: FaultServer, tmp_path: Path, installer: str
) -> None:
    simple = _with_login(f"{private.url}simple/")
    args = ["--index", simple, "--extra-index", simple, "--installer", installer, "--wait", "0"]
    code, output, children, _ = _run(release, tmp_path, *args)
    assert code == 0, output
    installs = _installs(children)
    assert len(installs) >= 2  # the release from the index, then its dependencies
    for argv in children:
        text = " ".join(argv)
        assert "read-Secret" not in text and "read-Secret".lower() not in text.lower(), argv
        assert f"{USER}:" not in text and "@127.0.0.1" not in text, argv
    assert any(s.authorized for s in private.seen)  # the login went by NETRC
    assert "read-Secret" not in output


def test_a_pypirc_login_is_used_to_verify_from_a_named_index(
    release: Path, private: FaultServer, tmp_path: Path, hermetic: Path
) -> None:
    (hermetic / ".pypirc").write_text(
        f"[distutils]\nindex-servers = corp\n\n[corp]\nrepository = {private.url}\n"
        f"username = {USER}\npassword = {PASSWORD}\n",
        encoding="utf-8",
    )
    deps = _with_login(f"{private.url}simple/")
    code, output, children, _ = _run(
        release, tmp_path, "--index", "corp", "--extra-index", deps, "--wait", "0"
    )
    assert code == 0, output
    assert not [c for c in children if PASSWORD in " ".join(c)]
    assert PASSWORD not in output


@pytest.mark.parametrize("source", ["pypirc", "env", "none", "none-pip"])
def test_a_refused_login_is_an_authentication_error_at_once(
    release: Path, private: FaultServer, tmp_path: Path, hermetic: Path, source: str
) -> None:
    environ: dict[str, str] = {}
    if source == "pypirc":
        (hermetic / ".pypirc").write_text(
            f"[corp]\nrepository = {private.url}\nusername = {USER}\npassword = wrong-Pass-0043\n",
            encoding="utf-8",
        )
        index = "corp"
    else:
        index = f"{private.url}simple/"
    if source == "env":
        environ = {"TWINE_USERNAME": USER, "TWINE_PASSWORD": "wrong-Pass-0043"}
    installer = "pip" if source == "none-pip" else "uv"
    args = ["--index", index, "--wait", "120", "--installer", installer]
    code, output, _, seconds = _run(release, tmp_path, *args, **environ)
    assert code == 1, output
    # not the --wait for the release to show up: under it, however loaded the machine
    assert seconds < 120, f"waited {seconds:.0f}s for an index that refused the login"
    assert "not all of" not in output  # never "not there yet"
    assert "network" not in output.split("error:")[-1]
    expected = {
        "pypirc": "refused the login from ~/.pypirc [corp]",
        "env": "refused the login from TWINE_USERNAME/TWINE_PASSWORD",
        "none": "asks for a login (HTTP 401) and relnox found none to send",
        "none-pip": "asks for a login (HTTP 401) and relnox found none to send",
    }[source]
    assert expected in " ".join(output.split()), output[-2000:]
    assert "~/.pypirc" in output and "keyring set" in output  # where a login can come from
    assert "wrong-Pass-0043" not in output


def test_the_release_is_exempt_from_a_dependency_cooldown(
    release: Path, index: LocalIndex, tmp_path: Path
) -> None:
    """pypiserver gives no upload dates: uv's cutoff hides every file it serves."""
    cooldown = {"UV_EXCLUDE_NEWER": "2020-01-01T00:00:00Z"}
    args = ["--index", index.simple_url, "-p", CORE, "--installer", "uv", "--wait", "0"]
    code, output, children, _ = _run(release, tmp_path, *args, **cooldown)
    assert code == 0, output
    assert any(f"{CORE}=false" in c for c in _installs(children))


def test_a_dependency_held_back_by_a_cooldown_blames_the_setting_not_the_package(
    release: Path, index: LocalIndex, tmp_path: Path
) -> None:
    cooldown = {"UV_EXCLUDE_NEWER": "2020-01-01T00:00:00Z"}
    args = ["--index", index.simple_url, "--extra-index", index.simple_url, "-p", APP]
    code, output, _, seconds = _run(release, tmp_path, *args, "--wait", "120", **cooldown)
    assert code == 1, output
    assert seconds < 120  # a cooldown is no reason to wait out --wait for the index
    closing = output.split("error:")[-1]
    assert "UV_EXCLUDE_NEWER=2020-01-01T00:00:00Z" in closing, closing
    assert "the package itself" not in closing and "network" not in closing, closing


def test_a_release_not_there_yet_is_still_waited_for_under_a_cooldown(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exemption does not turn "not uploaded yet" into "held back for ever"."""
    import logging

    from relnox.project.discovery import load_workspace
    from relnox.verify.run import verify_install
    from tests.verify.test_run import UploadWhenWaiting

    monkeypatch.setenv("UV_EXCLUDE_NEWER", "2020-01-01T00:00:00Z")
    logger = logging.getLogger("relnox")
    with LocalIndex(tmp_path / "late") as late:
        uploader = UploadWhenWaiting(late, sorted((release / "dist").glob("vfyauth_core*")))
        level = logger.level
        logger.addHandler(uploader)
        logger.setLevel(logging.INFO)
        try:
            report = verify_install(
                load_workspace(release),
                VerifyOptions(packages=[CORE], index=late.simple_url, wait=60),
            )
        finally:
            logger.removeHandler(uploader)
            logger.setLevel(level)
            if uploader.upload.ident is not None:
                uploader.upload.join()
    assert uploader.upload.ident is not None, "relnox never waited for the upload"
    assert report.ok, "\n".join(report.describe())


def test_an_index_that_refuses_head_is_installed_from_with_pip(
    release: Path, index: LocalIndex, tmp_path: Path
) -> None:
    """uv asks ``HEAD`` before a ranged read of a wheel and gives up on a 501; the same
    fallback as ``publish --verify-installable`` installs with pip (GET only), login and all."""

    def refuses_head(seen: Seen) -> Reply | None:
        return Reply(501) if seen.method == "HEAD" else _needs_login(seen)

    with FaultServer(upstream=index.url, rule=refuses_head) as proxy:
        simple = _with_login(f"{proxy.url}simple/")
        args = ["--index", simple, "--extra-index", simple, "-p", APP, "--installer", "uv"]
        code, output, children, _ = _run(release, tmp_path, *args, "--wait", "0", "-v")
    assert code == 0, output
    assert any(seen.method == "HEAD" for seen in proxy.seen)  # uv asked, and was refused
    assert "refused a HEAD request of uv's; installing with pip" in output
    assert "(uv, then pip (an index refused uv's HEAD requests), Python " in output
    pip_installs = [c for c in _installs(children) if c[1:3] == ["-m", "pip"]]
    assert pip_installs, children
    assert not [c for c in children if PASSWORD in " ".join(c)]
    assert PASSWORD not in output
