"""relnox's own HTTP/1.1 for an index on this machine (relnox/tools/http_wire.py): answers
read as ``http.client`` reads them, requests that cannot be smuggled, and a publish to a
real local index that never loads the standard library's client."""

from __future__ import annotations

import http.client
import io
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.tools import http_wire
from relnox.tools.http_wire import Answer, WireError, parse, plain, request_head
from relnox.tools.index_server import LocalIndex, write_htpasswd
from relnox.tools.network import proxied
from relnox.tools.simple_api import _plain_local
from tests.fault_server import FLOOD, SLOW_HEAD, TRICKLE, FaultServer, Reply, Seen
from tests.fault_server import Answer as Served
from tests.publish_support import USER, shared_release

ROOT = Path(__file__).resolve().parents[2]


class _Socket:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, *args: object, **kwargs: object) -> io.BytesIO:
        return io.BytesIO(self.data)


def _standard(data: bytes) -> Answer | str:
    """``http.client``'s reading of ``data``: the answer, or the name of its error."""
    resp = http.client.HTTPResponse(_Socket(data), method="GET")  # type: ignore[arg-type]
    try:
        resp.begin()
        try:
            body, short = resp.read(), False
        except http.client.IncompleteRead as exc:
            body, short = exc.partial, True
    except (http.client.HTTPException, ValueError) as exc:
        return type(exc).__name__
    headers = tuple((k, v.strip()) for k, v in resp.getheaders())
    return Answer(resp.status, resp.reason.strip(), headers, body, short)


def _ours(data: bytes) -> Answer | str:
    try:
        answer = parse(data)
    except WireError:
        return "error"
    return Answer(
        answer.status,
        answer.reason,
        tuple((k, v.strip()) for k, v in answer.headers),
        answer.body,
        answer.incomplete,
    )


ANSWERS = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/html\r\n\r\nhello",
    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort",  # fewer bytes than it says
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nmore than that",
    b"HTTP/1.0 404 Not Found\r\n\r\nno length: read to the end",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",  # cut off
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\nbody",
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nRateLimit-Reset: 3\r\n\r\n",
    b"HTTP/1.1 400 This filename has already been used\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 307\r\nLocation: http://elsewhere.invalid/\r\n\r\n",  # no reason phrase
    b"HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two\r\nContent-Length: 1\r\n\r\nx",
    b"HTTP/1.1 200 OK\nContent-Length: 3\n\nabc",  # bare line feeds
    b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nto the end",  # a length that is none
    b"HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nSet-Cookie: b\r\nContent-Length: 0\r\n\r\n",
    b"",  # the connection closed without an answer
    b"garbage\r\n\r\n",
    b"HTTP/1.1 2000 OK\r\n\r\n",
    b"HTTP/1.1 OK\r\n\r\n",
    b"HTTP/1.1 099 Low\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n",  # more headers than allowed
    b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
]


@pytest.mark.parametrize("data", ANSWERS, ids=range(len(ANSWERS)))
def test_an_answer_is_read_as_http_client_reads_it(data: bytes) -> None:
    standard, ours = _standard(data), _ours(data)
    if isinstance(standard, str):
        assert ours == "error", standard
    else:
        assert ours == standard


def test_generated_answers_are_read_as_http_client_reads_them() -> None:
    pieces = [
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.0 404 Not Found\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"Content-Length: 3\r\n",
        b"Content-Length: 0\r\n",
        b"Transfer-Encoding: chunked\r\n",
        b"Content-Type: text/html\r\n",
        b" folded\r\n",
        b"\r\n",
        b"3\r\nabc\r\n",
        b"0\r\n\r\n",
        b"body",
        b"X: y\n",
        b"\n",
    ]
    generator = random.Random(7)
    for _ in range(20000):
        data = b"".join(generator.choice(pieces) for _ in range(generator.randint(1, 9)))
        standard, ours = _standard(data), _ours(data)
        if isinstance(standard, str):
            assert ours == "error", (data, standard)
        else:
            assert ours == standard, data


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("http://127.0.0.1:1/simple/a b/", []),
        ("http://127.0.0.1:1/simple/a\r\nX-Evil: 1/", []),
        ("http://127.0.0.1:1/simple/", [("Accept", "text/html\r\nX-Evil: 1")]),
        ("http://127.0.0.1:1/simple/", [("X Bad", "1")]),
        ("http://127.0.0.1:1/simple/\u00e9/", []),
    ],
)
def test_a_request_cannot_be_smuggled_through_its_address_or_a_header(
    url: str, headers: list[tuple[str, str]]
) -> None:
    with pytest.raises(WireError):
        request_head("GET", url, headers)


def test_the_host_header_is_the_one_http_client_writes() -> None:
    head = request_head("GET", "http://[::1]:8080/simple/?q=1", [("Accept", "*/*")])
    assert head == b"GET /simple/?q=1 HTTP/1.1\r\nHost: [::1]:8080\r\nAccept: */*\r\n\r\n"
    assert request_head("POST", "http://127.0.0.1", []).startswith(b"POST / HTTP/1.1\r\n")


def test_only_a_whole_plain_answer_is_taken_as_it_is() -> None:
    taken = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    assert plain(taken, 10) and not plain(taken, 1)
    for data in (
        b"HTTP/1.1 200 OK\r\n\r\nno length",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok",
        b"HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
    ):
        assert not plain(parse(data), 100), data


def test_only_a_plain_address_on_this_machine_without_a_proxy_is_asked_directly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert _plain_local("http://127.0.0.1:8080/simple/x/")
    assert _plain_local("http://localhost/simple/x/")
    assert not _plain_local("https://127.0.0.1/simple/x/")  # TLS: the standard library's
    assert not _plain_local("http://192.0.2.7/simple/x/")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    assert not _plain_local("http://127.0.0.1:8080/simple/x/")  # urllib sends it there
    monkeypatch.setenv("no_proxy", "localhost, 127.0.0.1")
    assert _plain_local("http://127.0.0.1:8080/simple/x/")
    assert proxied("::1", os.environ)


def test_a_head_that_never_ends_is_given_up_on_within_its_bound() -> None:
    with (
        FaultServer(rule=lambda seen: SLOW_HEAD) as server,
        pytest.raises(http_wire.TooSlow, match="did not end within 1s"),
    ):
        http_wire.get(f"{server.url}simple/x/", "*/*", timeout=0.5, stall=0.5, limit=1 << 20)


def test_a_body_of_no_stated_length_or_too_long_is_never_read() -> None:
    """An answer that does not say its length, or says more than the caller takes, is not
    one to take as it is: its head is
    returned at once (the caller asks through the standard library, with its bounds), so a
    body that never ends or never stops is not read here at all."""
    for endless in (TRICKLE, FLOOD):

        def rule(seen: Seen, endless: Served = endless) -> Served:
            return endless

        with FaultServer(rule=rule) as server:
            url = f"{server.url}simple/x/"
            answer = http_wire.get(url, "*/*", timeout=5, stall=5, limit=1 << 20)
        assert answer is not None and answer.status == 200 and answer.incomplete
        assert answer.body == b"" and not plain(answer, 1 << 20)
    with FaultServer(rule=lambda seen: Reply(200, body=b"x" * 5000)) as server:  # too long
        answer = http_wire.get(f"{server.url}simple/x/", "*/*", timeout=5, stall=5, limit=100)
    assert answer is not None and answer.incomplete and answer.body == b""


def test_a_refusal_is_returned_for_its_caller_to_judge() -> None:
    with FaultServer(rule=lambda seen: Reply(503, body=b"busy")) as server:
        answer = http_wire.get(f"{server.url}simple/x/", "*/*", timeout=5, stall=5, limit=1 << 20)
    assert answer is not None and answer.status == 503 and not plain(answer, 1 << 20)
    assert "Authorization" not in str(server.seen[0].headers)


@pytest.mark.slow
def test_a_publish_to_a_local_index_never_loads_the_standard_librarys_client(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """The uploads and every page read go over relnox's own HTTP, and the index's plain
    pages are read without html.parser: ``urllib.request``, ``http.client``, ``ssl`` and
    ``html.entities`` are never imported, and the index stores every file (each checked on
    its page by sha256 before the command ends)."""
    release = tmp_path / "release"
    shutil.copytree(shared_release(tmp_path_factory), release, symlinks=True)
    password = "wire-test-password-1"
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: password})
    code = (
        "import atexit, json, sys\n"
        # not ssl: the relnox command's invoke loads it (unittest.mock -> asyncio)
        "heavy = {'urllib.request', 'urllib.error', 'http.client', 'html.entities'}\n"
        "atexit.register(lambda: print(json.dumps(sorted(heavy & set(sys.modules)))))\n"
        "from relnox.cli import main\n"
        "main()\n"
    )
    with LocalIndex(tmp_path / "data", password_file=htpasswd) as index:
        env = {
            **os.environ,
            "TWINE_USERNAME": USER,
            "TWINE_PASSWORD": password,
            "PYTHONPATH": str(ROOT),
        }
        for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(name, None)
        argv = [sys.executable, "-c", code, "-q", "publish", "-r", index.url]
        done = subprocess.run(
            [*argv, "--root", str(release)], capture_output=True, text=True, env=env, cwd=release
        )
        stored = sorted(p.name for p in index.data_dir.iterdir())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    built = [p.name for p in (release / "dist").iterdir() if p.name.endswith((".whl", ".tar.gz"))]
    assert stored == sorted(built) and len(built) >= 4
