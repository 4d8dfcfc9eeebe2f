"""The preflight's pages asked of a local index while the command starts (relnox/publish/
prefetch.py): used once, by the preflight only, never with credentials, never past an
answer that is not a plain 200 or 404."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relnox.publish import prefetch
from relnox.tools.index_server import LocalIndex
from relnox.tools.simple_api import ACCEPT
from tests.fault_server import FaultServer, Reply, Seen
from tests.publish.conftest import TOKEN
from tests.publish_support import USER

pytestmark = pytest.mark.slow  # builds and serves an index

NAMES = ["demo-agents", "demo-core", "demo-extra", "demo-runtime"]


@pytest.fixture(autouse=True)
def stopped() -> Iterator[None]:
    yield
    prefetch.stop()


def _env(**more: str) -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN, **more}


def _relnox(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relnox", "-vvv", "publish", *args],
        cwd=ws,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _wait_for(answers: Callable[[], int], count: int) -> None:
    deadline = time.monotonic() + 30
    while answers() < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_preflight_takes_the_pages_asked_while_the_command_started(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """Each page once at the start (no credentials), each taken by the preflight; the look
    after the upload asks anew: two reads a page, as before."""
    proxy = serve(upstream=index.url)
    run = _relnox(ws, "-r", proxy.url)
    assert run.returncode == 0, run.stderr[-3000:]
    for name in NAMES:
        assert f"/simple/{name}/: asked while relnox started" in run.stderr
        gets = [s for s in proxy.seen if s.method == "GET" and s.path == f"/simple/{name}/"]
        assert len(gets) == 2 and not gets[0].authorized, name
    assert len(list(index.data_dir.iterdir())) == 8


def test_an_index_that_asks_for_credentials_stops_it_at_its_first_page(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """A 401: nothing more is asked early and the preflight asks as before (with the
    credentials, after the index's own 401); no early request ever carries them."""
    unauthorized = Reply(401, (("WWW-Authenticate", 'Basic realm="index"'),), b"login")

    def private(seen: Seen) -> Reply | None:
        return unauthorized if seen.method == "GET" and not seen.authorized else None

    proxy = serve(upstream=index.url, rule=private)
    run = _relnox(ws, "-r", proxy.url)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "asked while relnox started" not in run.stderr
    first = next(s for s in proxy.seen if s.method == "GET")
    assert first.path == "/simple/demo-agents/" and not first.authorized
    early = [s for s in proxy.seen if s.method == "GET" and not s.authorized]
    assert len(early) == 1 + 2 * len(NAMES)  # the early one, then each read's first ask


def test_only_the_named_packages_pages_are_asked(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    proxy = serve(upstream=index.url)
    run = _relnox(ws, "-r", proxy.url, "-p", "demo-core")
    assert run.returncode == 0, run.stderr[-3000:]
    assert {s.path for s in proxy.seen if s.method == "GET"} == {"/simple/demo-core/"}


@pytest.mark.parametrize(
    ("repository", "environ"),
    [
        ("https://127.0.0.1:1/", {}),  # TLS: not this way
        ("http://192.0.2.7:8080/", {}),  # another machine
        ("local", {}),  # a name: read from the configuration, later
        (None, {}),  # CI's tag decides
        (
            "http://127.0.0.1:{port}/",
            {"TWINE_USERNAME": "", "TWINE_PASSWORD": "pw-0f3e9c-no-user"},
        ),  # no user
    ],
)
def test_nothing_is_asked_early_but_of_a_local_index_named_by_its_url_with_credentials(
    repository: str | None,
    environ: dict[str, str],
    ws: Path,
    serve: Callable[..., FaultServer],
) -> None:
    server = serve()
    if repository is not None:
        repository = repository.format(port=server.url.rsplit(":", 1)[1].rstrip("/"))
    prefetch.prefetch_pages(repository, ws, None, [], _env(**environ))
    time.sleep(0.2)
    assert server.seen == [] and prefetch._ACTIVE is None


def test_answers_are_taken_once_and_none_after_the_preflight(
    ws: Path, serve: Callable[..., FaultServer]
) -> None:
    server = serve(rule=lambda seen: Reply(200, (("Content-Type", "text/html"),), b"<html/>"))
    prefetch.prefetch_pages(server.url, ws, None, ["demo-core", "demo-agents"], _env())
    active = prefetch._ACTIVE
    assert active is not None
    _wait_for(lambda: len(active._answers), 2)
    core = f"{server.url}simple/demo-core/"
    assert prefetch.take(core, "text/html") is None  # asked with another Accept: not taken
    assert prefetch.take(core, ACCEPT) == (200, "text/html", b"<html/>")
    assert prefetch.take(core, ACCEPT) is None  # once
    prefetch.stop()  # the preflight's reads are done
    assert prefetch.take(f"{server.url}simple/demo-agents/", ACCEPT) is None
    assert [s.path for s in server.seen] == ["/simple/demo-agents/", "/simple/demo-core/"]


@pytest.mark.parametrize(
    ("answer", "taken"),
    [
        (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok", True),
        (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", True),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nok", False),  # cut short
        (b"HTTP/1.0 200 OK\r\n\r\nok", False),  # no length said
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\nok", False),
        (b"HTTP/1.0 302 Found\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n", False),
        (b"HTTP/1.0 200 OK\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n", False),
        (b"HTTP/1.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", False),
        # a folded header is read as http.client reads it (relnox.tools.http_wire)
        (b"HTTP/1.0 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n", True),
        (b"garbage", False),
    ],
)
def test_only_a_whole_plain_answer_is_kept(answer: bytes, taken: bool) -> None:
    from relnox.tools import http_wire

    try:
        kept = http_wire.plain(http_wire.parse(answer), prefetch.MAX_PAGE)
    except http_wire.WireError:
        kept = False
    assert kept is taken


def test_a_page_that_never_ends_is_left_to_the_preflight(
    serve: Callable[..., FaultServer],
) -> None:
    """An endless answer is read no further than a page may be, and not kept."""
    from tests.fault_server import FLOOD

    server = serve(rule=lambda seen: FLOOD)
    assert prefetch._get(f"{server.url}simple/demo-core/", ACCEPT) is None


def test_no_answer_outlives_the_command_that_asked(
    ws: Path, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that ends before its preflight (here a usage error) ends what it asked for
    too: a later publish in the same process never takes an answer of another run."""
    from relnox.cli import main

    monkeypatch.chdir(ws)
    for key, value in _env().items():
        monkeypatch.setenv(key, value)
    started: list[object] = []
    real = prefetch.Prefetch

    def recorded(*args: object, **kwargs: object) -> prefetch.Prefetch:
        started.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prefetch, "Prefetch", recorded)
    with pytest.raises(SystemExit) as ended:
        main(["publish", "-r", index.url, "--jobs", "-1"])
    assert ended.value.code == 2 and started  # it had asked
    assert prefetch._ACTIVE is None
