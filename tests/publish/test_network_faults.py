"""``relnox publish`` against a real pypiserver behind a fault-injecting proxy (all on 127.0.0.1).

Every case runs the real command the way CI runs it (``GITHUB_ACTIONS=true``, step
outputs and summary in files, -vvv) and checks three things: the token appears
nowhere (stdout, stderr, any file under the test's directories or ``HOME``, the
argv of every child relnox started), the run ends within its bound, and a rerun
once the fault is gone leaves every file exactly once on the index.

The index serves reads only to authenticated users (the proxy answers 401 to a
read without credentials), so relnox really holds credentials it could leak.
Network bounds are made small in the workspace's ``[tool.relnox.network]``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import relnox as relnox_package
from relnox.tools.credentials import Credentials
from relnox.tools.index_server import LocalIndex, free_port, write_htpasswd
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import from_url
from relnox.tools.simple_api import JSON_TYPE
from relnox.tools.upload import Twine, Upload, watched_runner
from tests.fault_server import (
    DROP,
    FLOOD,
    HANG,
    SLOW_HEAD,
    TRICKLE,
    Answer,
    FaultServer,
    Reply,
    Rewrite,
    Rule,
    Seen,
)
from tests.publish_support import SPY, USER, copy_tree, shared_release

pytestmark = pytest.mark.slow  # builds, serves or makes environments

TOKEN = "relnox-FAULT-token-5c1e9a77d0"
CORE_WHEEL, CORE_SDIST = "demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"
AGENTS_WHEEL, AGENTS_SDIST = "demo_agents-0.1.0-py3-none-any.whl", "demo_agents-0.1.0.tar.gz"
CORE = ["-p", "demo-core"]
#: no run may take longer than this (the stall case needs about 2 * stall + 1 s of backoff)
BOUND = 45.0
NETWORK = "[tool.relnox.network]\ntimeout = 2\nstall = 2\nretries = 1\n"
UNAUTHORIZED = Reply(401, (("WWW-Authenticate", 'Basic realm="index"'),), b"login required")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_release(tmp_path_factory)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


@pytest.fixture
def ws(release: Path, tmp_path: Path) -> Path:
    root = copy_tree(release, tmp_path / "ws")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + NETWORK)
    return root


def use(ws: Path, transport: str) -> None:
    """Publish from ``ws`` with ``transport`` (``[tool.relnox.publish] transport``)."""
    pyproject = ws / "pyproject.toml"
    text = f'\n[tool.relnox.publish]\ntransport = "{transport}"\n'
    pyproject.write_text(pyproject.read_text() + text)


def private(rule: Rule | None = None) -> Rule:
    """Reads need credentials (as on a private index); then ``rule`` decides."""

    def decide(seen: Seen) -> Answer:
        if seen.method == "GET" and not seen.authorized:
            return UNAUTHORIZED
        return rule(seen) if rule is not None else None

    return decide


@dataclass
class Run:
    out: str
    err: str
    code: int
    seconds: float
    #: what the spy recorded: each Python process's argv, each child's argv (``popen``)
    spied: list[dict[str, Any]] = field(default_factory=list)

    def uploaders(self, transport: str) -> list[list[str]]:
        """The argv of every uploader child relnox started."""
        argvs = [[str(a) for a in entry["popen"]] for entry in self.spied if "popen" in entry]
        if transport == "uv":
            return [argv for argv in argvs if argv[1:2] == ["publish"]]
        return [argv for argv in argvs if argv[1:4] == ["-m", "twine", "upload"]]

    @property
    def error_line(self) -> str:
        lines = [ln for ln in self.err.splitlines() if ln.startswith("relnox: error:")]
        assert len(lines) == 1, self.err
        return lines[0]


def relnox(ws: Path, *args: str, url_in_argv: str | None = None, **env: str) -> Run:
    """``relnox publish ARGS -vvv`` as on GitHub Actions, bounded by :data:`BOUND`."""
    work = ws.parent
    spy = work / "spy"
    spy.mkdir(exist_ok=True)
    (spy / "sitecustomize.py").write_text(SPY, encoding="utf-8")
    (work / "tmp").mkdir(exist_ok=True)
    child_env = {
        **os.environ,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": TOKEN,
        **env,
        "PYTHONPATH": str(spy),
        "RELNOX_SPY_LOG": str(work / "spy.log"),
        "TMPDIR": str(work / "tmp"),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(work / "github-output"),
        "GITHUB_STEP_SUMMARY": str(work / "github-summary"),
    }
    child_env = {k: v for k, v in child_env.items() if v}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "publish", *args, "-vvv"],
        cwd=ws,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=BOUND + 30,
        check=False,
    )
    run = Run(proc.stdout, proc.stderr, proc.returncode, time.monotonic() - started)
    assert run.seconds < BOUND, f"took {run.seconds:.0f}s:\n{run.err[-3000:]}"
    # twine's own output (a traceback of its ConnectionError at -vvv) may be shown; none of relnox
    ours = (
        str(Path(relnox_package.__file__).parent) + os.sep
    )  # not "/relnox/": a clone's venv has it
    assert ours not in "".join(ln for ln in run.err.splitlines() if ln.lstrip().startswith("File "))
    if run.code:
        assert run.err.rstrip().splitlines()[-1].startswith("relnox: error: "), run.err[-2000:]
    run.spied = token_nowhere(work, run, url_in_argv)
    return run


def token_nowhere(work: Path, run: Run, url_in_argv: str | None) -> list[dict[str, Any]]:
    """The token is in no output, file or argv (but the user's own command line); the
    spy's records, read."""
    for text in (run.out, run.err):
        assert TOKEN not in text
    for root in (work, Path(os.environ["HOME"])):
        for path in root.rglob("*"):
            if path == Path(os.environ["HOME"], ".pypirc"):
                continue  # the user's own file, which relnox only reads
            if path.is_file() and not path.is_symlink() and path.name != "spy.log":
                assert TOKEN.encode() not in path.read_bytes(), path
    entries = [json.loads(line) for line in (work / "spy.log").read_text().splitlines()]
    for entry in entries:
        argv = entry.get("argv") or entry.get("popen") or []
        if url_in_argv is not None and url_in_argv in argv and "relnox" in argv:
            continue  # the user's own command line: what they typed
        assert TOKEN not in json.dumps(entry), entry
    (work / "spy.log").unlink()
    return entries


def on_index(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir())


def converged(index: LocalIndex, files: list[str], *servers: FaultServer) -> None:
    """Every file on the index, each stored by exactly one upload."""
    assert on_index(index) == sorted(files)
    stored = [name for server in servers for name in server.stored()]
    assert len(stored) == len(set(stored)), stored


def hidden(path: str, times: int = 1) -> Rule:
    """The first ``times`` reads of ``path`` answer 404: an index whose listing lags behind."""
    calls = {"n": 0}

    def rule(seen: Seen) -> Reply | None:
        if seen.method == "GET" and seen.path == path:
            calls["n"] += 1
            if calls["n"] <= times:
                return Reply(404)
        return None

    return rule


def _changed_wheel(original: Path, target: Path) -> None:
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("demo_core/extra.py", "CHANGED = True\n")


# -- credentials stay with their origin ---------------------------------------------------


def json_page(url_of: Callable[[str], str]) -> Rewrite:
    """The index's project pages as PEP 691 JSON, each file at ``url_of(its name)``, no hashes."""

    def rewrite(seen: Seen, reply: Reply) -> Reply:
        if reply.status != 200 or not seen.path.startswith("/simple/demo-core"):
            return reply
        names = re.findall(rb'href="[^"]*/([^"/#]+)(?:#[^"]*)?"', reply.body)
        files = [{"filename": n.decode(), "url": url_of(n.decode()), "hashes": {}} for n in names]
        page = {"meta": {"api-version": "1.0"}, "name": "demo-core", "files": files}
        return Reply(200, (("Content-Type", JSON_TYPE),), json.dumps(page).encode())

    return rewrite


@pytest.mark.parametrize("page", ["html", "json"])
def test_a_file_linked_on_another_host_is_fetched_without_credentials(
    page: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The other host is 127.0.0.1 on another port: another origin all the same."""
    shutil.copy(ws / "dist" / CORE_WHEEL, index.data_dir / CORE_WHEEL)  # to be hashed
    foreign = serve(rule=lambda seen: UNAUTHORIZED)

    def elsewhere(seen: Seen, reply: Reply) -> Reply:  # links to the other host, no #sha256
        body = re.sub(
            rb'href="[^"]*/([^"/#]+)(#[^"]*)?"',
            rb'href="%sfiles/\1"' % foreign.url.encode(),
            reply.body,
        )
        return Reply(reply.status, reply.headers, body)

    rewrite = elsewhere if page == "html" else json_page(lambda name: f"{foreign.url}files/{name}")
    proxy = serve(upstream=index.url, rule=private(), rewrite=rewrite)
    for args in (["--dry-run"], []):
        run = relnox(ws, "-r", proxy.url, *CORE, *args)
        assert run.code == 1 and CORE_WHEEL in run.err
        assert "not the index's own address, so relnox sends it no credentials" in run.error_line
        assert run.out.startswith("::error::") and "no credentials" in run.out  # the annotation
    assert foreign.seen and not any(seen.authorized for seen in foreign.seen)
    assert on_index(index) == [CORE_WHEEL]

    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy, healthy)
    assert healthy.stored() == [CORE_SDIST]


def test_a_file_link_that_is_not_http_is_never_read(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """An index linking ``file:///dev/zero`` had relnox read this machine's files, forever."""
    shutil.copy(ws / "dist" / CORE_WHEEL, index.data_dir / CORE_WHEEL)
    proxy = serve(
        upstream=index.url, rule=private(), rewrite=json_page(lambda _: "file:///dev/zero")
    )
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1 and "file:///dev/zero" in run.error_line
    assert "only http and https" in run.error_line
    assert on_index(index) == [CORE_WHEEL] and proxy.stored() == []
    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


@pytest.mark.parametrize("where", ["repository URL", "password"])
def test_credentials_from_pypirc_are_never_shown(
    where: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """``-r corp`` with the token in ``~/.pypirc``: in its ``repository`` URL, or as its password."""
    proxy = serve(upstream=index.url, rule=private())
    hostport = proxy.url.removeprefix("http://").rstrip("/")
    pypirc = Path(os.environ["HOME"], ".pypirc")
    for token, code in ((f"{TOKEN}-wrong", 1), (TOKEN, 0)):
        if where == "repository URL":
            section = f"repository = http://{USER}:{token}@{hostport}/\n"
        else:
            section = f"repository = http://{hostport}/\nusername = {USER}\npassword = {token}\n"
        pypirc.write_text(f"[distutils]\nindex-servers = corp\n[corp]\n{section}")
        run = relnox(ws, "-r", "corp", *CORE, TWINE_USERNAME="", TWINE_PASSWORD="")
        assert run.code == code, run.err
        assert "@127.0.0.1" not in run.out + run.err
        if code:
            assert "HTTP 403" in run.error_line and proxy.url in run.error_line
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy)


@pytest.mark.parametrize(
    ("method", "transport"), [("GET", "uv"), ("POST", "uv"), ("POST", "twine")]
)
def test_a_redirect_to_another_host_gets_no_credentials(
    method: str, transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """A read redirected after its 401, or an upload redirected: the other host sees no token."""
    use(ws, transport)
    foreign = serve(rule=lambda seen: UNAUTHORIZED)

    def away(seen: Seen) -> Reply | None:
        if seen.method == method:
            status = 302 if method == "GET" else 307
            return Reply(status, (("Location", f"{foreign.url.rstrip('/')}{seen.path}"),))
        return None

    proxy = serve(upstream=index.url, rule=private(away))
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1
    if method == "GET":
        assert "HTTP 401" in run.error_line and "not the index's own address" in run.error_line
    else:
        assert CORE_WHEEL in run.error_line and "redirect" in run.error_line.lower()
        assert CORE_SDIST not in run.error_line
    assert not any(seen.authorized for seen in foreign.seen)
    assert on_index(index) == [] and proxy.stored() == []

    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


def test_userinfo_in_the_repository_url_is_the_credentials_and_never_shown(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    proxy = serve(upstream=index.url, rule=private())
    port = proxy.url.rsplit(":", 1)[1].rstrip("/")
    wrong = f"http://{USER}:{TOKEN}-wrong@127.0.0.1:{port}"
    refused = relnox(
        ws, "-r", wrong, *CORE, url_in_argv=wrong, TWINE_USERNAME="", TWINE_PASSWORD=""
    )
    assert refused.code == 1 and "HTTP 403" in refused.error_line
    assert f"http://127.0.0.1:{port}/" in refused.error_line and "@" not in refused.error_line
    assert "::error::" in refused.out and "@127.0.0.1" not in refused.out
    assert "the repository URL's userinfo" in refused.err

    url = f"http://{USER}:{TOKEN}@127.0.0.1:{port}/"
    run = relnox(ws, "-r", url, *CORE, url_in_argv=url, TWINE_USERNAME="", TWINE_PASSWORD="")
    assert run.code == 0, run.err
    assert "@127.0.0.1" not in run.out + run.err
    summary = (ws.parent / "github-summary").read_text()
    assert f"127.0.0.1:{port}" in summary or "demo-core" in summary
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy)


@pytest.mark.parametrize("transport", ["uv", "twine"])
@pytest.mark.parametrize("source", ["url", "environment", "pypirc"])
def test_each_uploader_gets_the_credentials_in_its_environment_and_is_named_at_vv(
    transport: str,
    source: str,
    ws: Path,
    index: LocalIndex,
    serve: Callable[..., FaultServer],
    hermetic: Path,
) -> None:
    """Credentials in the repository URL, the environment or ~/.pypirc reach the uploader
    the user chose in its environment: never in its argv (nor any other child's), nor in
    any output; at -vv relnox names the child it runs, with the URL it uploads to."""
    use(ws, transport)
    proxy = serve(upstream=index.url, rule=private())
    port = proxy.url.rsplit(":", 1)[1].rstrip("/")
    blank = {"TWINE_USERNAME": "", "TWINE_PASSWORD": ""}
    if source == "url":
        url = f"http://{USER}:{TOKEN}@127.0.0.1:{port}/"
        run = relnox(ws, "-r", url, *CORE, url_in_argv=url, **blank)
    elif source == "environment":
        run = relnox(ws, "-r", proxy.url, *CORE)
    else:
        pypirc = hermetic / ".pypirc"
        pypirc.write_text(
            f"[distutils]\nindex-servers = faulty\n\n[faulty]\nrepository = {proxy.url}\n"
            f"username = {USER}\npassword = {TOKEN}\n"
        )
        pypirc.chmod(0o600)
        run = relnox(ws, "-r", "faulty", *CORE, **blank)
    assert run.code == 0, run.err
    children = run.uploaders(transport)
    # uv sends a package's files in one child; twine one file a child
    assert len(children) == (1 if transport == "uv" else 2), run.spied
    for argv in children:
        assert proxy.url in argv and not any("@" in arg for arg in argv), argv
        flag = "--publish-url" if transport == "uv" else "--repository-url"
        assert argv[argv.index(flag) + 1] == proxy.url
        assert f"$ {shlex.join(argv)}" in run.err.splitlines()  # named at -vv
    assert "@127.0.0.1" not in run.out + run.err
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy)


# -- every wait is bounded -------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_an_index_whose_listing_hangs_after_the_upload_ends_the_wait_on_time(
    transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The preflight reads the pages; after the first upload every read hangs. With the
    default network bounds (30 s a read, retried), ``--wait 4`` still ends the wait within
    a few seconds of 4 s, and says the files were not seen."""
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(NETWORK, ""))
    use(ws, transport)
    uploaded = threading.Event()
    hanging: list[float] = []  # when the first read hung

    def rule(seen: Seen) -> Answer:
        if seen.method == "POST":
            uploaded.set()
        if seen.method == "GET" and uploaded.is_set():
            hanging.append(time.monotonic())
            return HANG
        return None

    proxy = serve(upstream=index.url, rule=private(rule))
    run = relnox(ws, "-r", proxy.url, *CORE, "--wait", "4")
    ended = time.monotonic()
    assert sorted(proxy.stored()) == sorted([CORE_WHEEL, CORE_SDIST])
    assert run.code == 1 and "demo-core" in run.error_line, run.err
    assert "did not show within 4s ([tool.relnox.publish] wait)" in run.error_line
    assert "/simple/demo-core/ gave no answer before the wait ended" in run.error_line
    # the wait began before its first read: the command ends within 4 s of it and a little
    assert hanging and ended - hanging[0] < 4 + 3, f"{ended - hanging[0]:.1f}s"


@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_an_index_that_refuses_head_still_installs_after_the_upload(
    transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """An index answering 501 to HEAD (uv asks it before a ranged read of a wheel): the
    install check after the upload asks with GET, and neither fails nor blames the packages."""
    use(ws, transport)
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: Reply(501) if seen.method == "HEAD" else None),
    )
    # two tiers: the first (demo-core) is installed before the second starts
    run = relnox(ws, "-r", proxy.url, *CORE, "-p", "demo-agents", "--verify-installable")
    assert run.code == 0, run.err
    assert f"installable from {proxy.url}: demo-core 0.1.0" in run.err
    assert any(seen.method == "HEAD" for seen in proxy.seen)  # uv asked, and was refused
    converged(index, [CORE_WHEEL, CORE_SDIST, AGENTS_WHEEL, AGENTS_SDIST], proxy)


@pytest.mark.parametrize(
    ("what", "transport"), [("upload", "uv"), ("upload", "twine"), ("read", "uv")]
)
def test_a_hanging_index_is_given_up_on_within_the_configured_bounds(
    what: str, transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    use(ws, transport)
    method = "POST" if what == "upload" else "GET"
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: HANG if seen.method == method else None),
    )
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1
    line = run.error_line
    if what == "upload":
        assert CORE_WHEEL in line and "[tool.relnox.network] stall = 2" in line
        assert proxy.url in line and "2 attempts" in line
        assert "retrying in 1.0s (attempt 2 of 2)" in run.err
    else:
        assert "[tool.relnox.network] timeout" in line and "after 2 attempts" in line
    assert on_index(index) == []

    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


@pytest.mark.parametrize("answer", ["trickle", "flood"])
def test_a_never_ending_project_page_is_given_up_on(
    answer: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """A page that never ends: a few bytes at a time (every read within the timeout), or fast."""
    endless = TRICKLE if answer == "trickle" else FLOOD
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: endless if seen.path.startswith("/simple/") else None),
    )
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1 and "/simple/demo-core/" in run.error_line
    if answer == "trickle":
        assert "still sending" in run.error_line
        assert "[tool.relnox.network] stall = 2" in run.error_line
    else:
        assert "longer than 256 MiB" in run.error_line
    assert on_index(index) == [] and proxy.stored() == []

    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


def test_a_project_page_whose_headers_never_end_is_given_up_on(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """Each header byte within the timeout, but the headers never end: one bound for them
    all (timeout + stall), then the retries, then one line naming the page and the bound."""
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: SLOW_HEAD if seen.path.startswith("/simple/") else None),
    )
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1 and "/simple/demo-core/" in run.error_line
    assert "headers did not all come within 4s" in run.error_line
    assert "[tool.relnox.network] timeout + stall" in run.error_line
    assert "after 2 attempts" in run.error_line
    assert on_index(index) == [] and proxy.stored() == []

    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


def test_an_index_that_is_down_fails_quickly_and_a_rerun_once_it_is_up_completes(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    run = relnox(ws, "-r", url, *CORE)
    assert run.code == 1 and "cannot be reached" in run.error_line and url in run.error_line
    proxy = serve(upstream=index.url, rule=private(), port=port)
    again = relnox(ws, "-r", url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy)


# -- refusals are attributed to the file that was sent ------------------------------------------


@pytest.mark.parametrize("status", [400, 409])
def test_already_exists_with_the_same_content_is_skipped_and_the_rest_goes_on(
    status: int, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    shutil.copy(ws / "dist" / CORE_WHEEL, index.data_dir / CORE_WHEEL)
    hide = hidden("/simple/demo-core/", times=2)  # at planning, and just after the 400

    def exists(seen: Seen) -> Answer:
        if seen.filename == CORE_WHEEL:
            return Reply(status, body=b"File already exists")
        return hide(seen)

    proxy = serve(upstream=index.url, rule=private(exists))
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 0, run.err
    assert f"{CORE_WHEEL}: already on" in run.err and "skipped" in run.err
    assert "does not list it; looking again in 1.0s (1 of 1)" in run.err
    report = json.loads((ws / ".relnox" / "dist" / "publish-report.json").read_text())
    assert report["skipped"] == [CORE_WHEEL] and report["uploaded"] == [CORE_SDIST]
    converged(index, [CORE_WHEEL, CORE_SDIST], proxy)
    again = relnox(ws, "-r", proxy.url, *CORE)
    assert again.code == 0 and [s.filename for s in proxy.seen if s.filename] == [
        CORE_WHEEL,
        CORE_SDIST,
    ]


@pytest.mark.parametrize("status", [400, 409])
def test_already_exists_with_other_content_names_that_file_only(
    status: int, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    _changed_wheel(ws / "dist" / CORE_WHEEL, index.data_dir / CORE_WHEEL)
    hide = hidden("/simple/demo-core/")

    def exists(seen: Seen) -> Answer:
        if seen.filename == CORE_WHEEL:
            return Reply(status, body=b"File already exists")
        return hide(seen)

    proxy = serve(upstream=index.url, rule=private(exists))
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1
    assert CORE_WHEEL in run.error_line and "different content" in run.error_line
    assert CORE_SDIST not in run.error_line
    report = json.loads((ws / ".relnox" / "dist" / "publish-report.json").read_text())
    assert report["failed"] == [CORE_WHEEL] and report["uploaded"] == []
    assert [s.filename for s in proxy.seen if s.filename] == [CORE_WHEEL]  # the sdist was kept

    (index.data_dir / CORE_WHEEL).unlink()  # the fault: someone else's file, removed
    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


def test_a_filename_used_before_keeps_the_servers_reason_and_says_to_bump(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """PyPI's 400 for a file uploaded once and deleted since: no rerun helps, a new version does."""
    reason = "This filename has already been used, use a different version."

    def reused(seen: Seen) -> Answer:
        return Reply(400, reason=reason) if seen.filename == CORE_WHEEL else None

    proxy = serve(upstream=index.url, rule=private(reused))
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1
    line = run.error_line
    assert CORE_WHEEL in line and f"HTTP 400: {reason}" in line, line
    assert "relnox bump" in line and "uploaded before and deleted" in line
    assert CORE_SDIST not in line and on_index(index) == []

    other = "Invalid value for classifiers."  # another refusal keeps its own reason

    def invalid(seen: Seen) -> Answer:
        return Reply(400, reason=other) if seen.filename == CORE_WHEEL else None

    run = relnox(ws, "-r", serve(upstream=index.url, rule=private(invalid)).url, *CORE)
    assert run.code == 1 and f"HTTP 400: {other}" in run.error_line, run.err
    assert "uploaded before and deleted" not in run.error_line


def test_403_names_the_file_and_the_credentials_source(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: Reply(403, body=b"Forbidden") if seen.method == "POST" else None),
    )
    run = relnox(ws, "-r", proxy.url, *CORE)
    assert run.code == 1 and "HTTP 403" in run.error_line and CORE_WHEEL in run.error_line
    assert "TWINE_USERNAME/TWINE_PASSWORD" in run.error_line
    assert len([s for s in proxy.seen if s.method == "POST"]) == 1  # not retried
    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *CORE)
    assert again.code == 0, again.err
    converged(index, [CORE_WHEEL, CORE_SDIST], healthy)


@pytest.mark.parametrize("fault", ["500", "dropped connection"])
def test_a_failure_on_the_third_file_keeps_the_first_two_and_a_rerun_sends_the_rest(
    fault: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    answer = Reply(500) if fault == "500" else DROP
    proxy = serve(
        upstream=index.url,
        rule=private(lambda seen: answer if seen.filename == AGENTS_WHEEL else None),
    )
    two = ["-p", "demo-core", "-p", "demo-agents"]
    run = relnox(ws, "-r", proxy.url, *two)
    assert run.code == 1 and AGENTS_WHEEL in run.error_line and "kept failing" in run.error_line
    assert "after 2 attempts" in run.error_line and "retries" in run.error_line
    assert on_index(index) == [CORE_WHEEL, CORE_SDIST]
    assert AGENTS_SDIST not in [s.filename for s in proxy.seen]
    healthy = serve(upstream=index.url, rule=private())
    again = relnox(ws, "-r", healthy.url, *two)
    assert again.code == 0, again.err
    assert sorted(healthy.stored()) == [AGENTS_WHEEL, AGENTS_SDIST]
    converged(index, [CORE_WHEEL, CORE_SDIST, AGENTS_WHEEL, AGENTS_SDIST], proxy, healthy)


def test_a_slow_but_steady_upload_is_not_a_stall(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer], tmp_path: Path
) -> None:
    """A file that takes several times ``stall`` to send goes through: progress is what counts.

    twine prints nothing while it sends; what shows progress is the file being read as
    it leaves (``/proc/<pid>/io``), then the index taking what it queued. An index that
    stops taking bytes is a stall.
    """
    big = tmp_path / "big" / CORE_WHEEL
    big.parent.mkdir()
    with zipfile.ZipFile(ws / "dist" / CORE_WHEEL) as src, zipfile.ZipFile(big, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("demo_core/blob.bin", os.urandom(8 * 1024 * 1024))  # incompressible
    # about 8 s to send at this rate, the last megabytes from the socket buffers (which the
    # index taking them shows); the index's own work on a file this size stays well inside
    # the stall rule even on a loaded machine
    rate = 1024 * 1024
    proxy = serve(upstream=index.url, rule=private(), read_rate=rate)
    repository = from_url(proxy.url)
    credentials = Credentials("test", "password", USER, TOKEN)
    settings = NetworkSettings(stall=3.5)
    started = time.monotonic()
    attempt = Twine().upload(
        Upload([big], repository, credentials, os.environ, watched_runner(settings), settings)
    )
    seconds = time.monotonic() - started
    assert attempt.kind == "ok", attempt.output
    assert seconds > 2 * settings.stall  # it really took longer than the stall rule
    assert proxy.stored() == [CORE_WHEEL]

    stopped = serve(
        upstream=index.url, rule=private(lambda seen: HANG if seen.method == "POST" else None)
    )
    started = time.monotonic()
    hung = Twine().upload(
        Upload(
            [big],
            from_url(stopped.url),
            credentials,
            os.environ,
            watched_runner(settings),
            settings,
        )
    )
    assert hung.kind == "stall" and time.monotonic() - started < 4 * settings.stall
