"""The simple API client: PEP 691 JSON, PEP 503 HTML, hashes, 404, retries, authentication."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from relnox.errors import PublishError
from relnox.tools.simple_api import (
    JSON_TYPE,
    IndexReader,
    Patience,
)
from relnox.tools.simple_pages import IndexedFile, parse_html_page
from tests.fault_server import HANG, FaultServer

CONTENT = b"wheel bytes"
SHA = hashlib.sha256(CONTENT).hexdigest()


class Index:
    """A scripted simple index: ``pages[path] = (status, content type, body)`` in order."""

    def __init__(self) -> None:
        self.pages: dict[str, list[tuple[int, str, bytes]]] = {}
        self.seen: list[tuple[str, str, str | None]] = []  # (path, accept, authorization)
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                index.seen.append(
                    (self.path, self.headers.get("Accept", ""), self.headers.get("Authorization"))
                )
                answers = index.pages.get(self.path, [(404, "text/plain", b"")])
                status, ctype, body = answers.pop(0) if len(answers) > 1 else answers[0]
                if status == 401 and self.headers.get("Authorization"):
                    status, ctype, body = index.pages[self.path + "#auth"][0]
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"


@pytest.fixture
def index() -> Iterator[Index]:
    idx = Index()
    thread = threading.Thread(target=idx.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield idx
    idx.server.shutdown()
    idx.server.server_close()


def test_pep691_json_is_asked_for_and_read(index: Index) -> None:
    body = {
        "meta": {"api-version": "1.1"},
        "name": "demo-core",
        "files": [
            {
                "filename": "demo_core-1.0-py3-none-any.whl",
                "url": "../../files/demo_core-1.0-py3-none-any.whl",
                "hashes": {"sha256": SHA.upper()},
            },
            {
                "filename": "demo_core-1.0.tar.gz",
                "url": "https://files.invalid/demo_core-1.0.tar.gz",
                "hashes": {},
            },
        ],
    }
    index.pages["/simple/demo-core/"] = [(200, JSON_TYPE, json.dumps(body).encode())]
    files = IndexReader(index.url).files("Demo_Core")
    assert index.seen[0][0] == "/simple/demo-core/" and index.seen[0][1].startswith(JSON_TYPE)
    wheel = files["demo_core-1.0-py3-none-any.whl"]
    assert wheel.sha256 == SHA and wheel.url.endswith("/files/demo_core-1.0-py3-none-any.whl")
    assert files["demo_core-1.0.tar.gz"].sha256 is None


def test_pep503_html_fallback_and_unknown_project(index: Index) -> None:
    html = (
        '<html><body><a href="/packages/demo_core-1.0-py3-none-any.whl#sha256=' + SHA + '">'
        "demo_core-1.0-py3-none-any.whl</a><br>"
        '<a href="../../packages/demo_core-1.0.tar.gz#md5=abc">demo_core-1.0.tar.gz</a></body></html>'
    )
    index.pages["/simple/demo-core/"] = [(200, "text/html; charset=utf-8", html.encode())]
    files = IndexReader(index.url).files("demo-core")
    assert files["demo_core-1.0-py3-none-any.whl"].sha256 == SHA
    assert files["demo_core-1.0.tar.gz"].sha256 is None
    assert IndexReader(index.url).files("not-there") == {}


def test_a_file_without_hash_is_downloaded_and_hashed(index: Index) -> None:
    index.pages["/packages/demo_core-1.0.tar.gz"] = [(200, "application/octet-stream", CONTENT)]
    url = index.url.replace("/simple/", "/packages/demo_core-1.0.tar.gz")
    assert IndexReader(index.url).sha256(IndexedFile("demo_core-1.0.tar.gz", url, None)) == SHA
    assert (
        IndexReader(index.url).sha256(IndexedFile("x", "http://127.0.0.1:9/never", "abc")) == "abc"
    )  # no request


def test_transient_errors_are_retried_then_reported(index: Index) -> None:
    ok = (200, "text/html", b"<a href='/p/demo_core-1.0.tar.gz#sha256=" + SHA.encode() + b"'>x</a>")
    index.pages["/simple/demo-core/"] = [(503, "text/plain", b""), (429, "text/plain", b""), ok]
    delays: list[float] = []
    patience = Patience(retry_delay=0.5, sleep=delays.append)
    files = IndexReader(index.url, patience=patience).files("demo-core")
    assert list(files) == ["demo_core-1.0.tar.gz"] and delays == [0.5, 1.0]
    index.pages["/simple/down/"] = [(502, "text/plain", b"")]
    with pytest.raises(PublishError, match=r"HTTP 502.*check the repository URL"):
        IndexReader(index.url, patience=Patience(retries=1, sleep=delays.append)).page("down")
    with pytest.raises(PublishError, match="cannot be reached"):
        IndexReader("http://127.0.0.1:9/simple/", patience=Patience(retries=0)).page("demo-core")


def test_authentication_is_sent_only_when_asked_for(index: Index) -> None:
    index.pages["/simple/private/"] = [(401, "text/plain", b"")]
    index.pages["/simple/private/#auth"] = [(200, "text/html", b"")]
    assert IndexReader(index.url, ("me", "pw-secret")).files("private") == {}
    first, second = index.seen
    assert first[2] is None
    assert second[2] == "Basic " + base64.b64encode(b"me:pw-secret").decode()
    with pytest.raises(PublishError, match="HTTP 401"):
        IndexReader(index.url).page("private")


def test_html_parser_uses_the_link_path_for_the_name() -> None:
    files = parse_html_page(
        '<a href="https://f.invalid/x/demo-1.0.tar.gz#sha256=AB">label</a>',
        "https://i.invalid/simple/demo/",
    ).files
    assert files == {
        "demo-1.0.tar.gz": IndexedFile(
            "demo-1.0.tar.gz", "https://f.invalid/x/demo-1.0.tar.gz", "ab"
        )
    }


def test_credentials_stay_with_the_index_origin() -> None:
    """A file on another host is hashed without credentials; a redirect there drops them."""
    from tests.fault_server import FaultServer, Reply, Seen

    def files(seen: Seen) -> Reply:
        if seen.path == "/files/demo_core-1.0.tar.gz":
            return Reply(200, (("Content-Type", "application/octet-stream"),), CONTENT)
        return Reply(401, (("WWW-Authenticate", 'Basic realm="x"'),))

    with FaultServer(rule=files) as other:

        def private(seen: Seen) -> Reply:
            if not seen.authorized:
                return Reply(401, (("WWW-Authenticate", 'Basic realm="index"'),))
            if seen.path == "/simple/demo-core/":
                link = f'<a href="{other.url}files/demo_core-1.0.tar.gz">x</a>'.encode()
                return Reply(200, (("Content-Type", "text/html"),), link)
            return Reply(302, (("Location", f"{other.url}elsewhere/"),))

        with FaultServer(rule=private) as index:
            auth = ("me", "pw-secret")
            reader = IndexReader(f"{index.url}simple/", auth)
            listed = reader.files("demo-core")
            entry = listed["demo_core-1.0.tar.gz"]
            assert entry.sha256 is None and entry.url.startswith(other.url)
            assert reader.sha256(entry) == SHA
            with pytest.raises(PublishError, match=r"HTTP 401.*redirected to .*no credentials"):
                replace(reader, patience=Patience(retries=0)).page("moved")
            assert sum(seen.authorized for seen in index.seen) == 2  # the index's own origin
    assert other.seen and not any(seen.authorized for seen in other.seen)


def test_a_file_longer_than_ours_is_read_no_further_and_differs(index: Index) -> None:
    """Hashed as it streams; with the size of ours, one byte more is enough to tell."""
    index.pages["/files/big.whl"] = [(200, "application/octet-stream", CONTENT * 1000)]
    entry = IndexedFile("big.whl", index.url.replace("simple/", "files/big.whl"), None)
    assert IndexReader(index.url).sha256(entry) == hashlib.sha256(CONTENT * 1000).hexdigest()
    partial = hashlib.sha256((CONTENT * 1000)[: len(CONTENT) + 1]).hexdigest()
    assert IndexReader(index.url).sha256(entry, size=len(CONTENT)) == partial != SHA


@pytest.mark.parametrize("target", ["file:///dev/zero", "ftp://127.0.0.1:1/x.whl"])
def test_only_http_addresses_are_read_links_and_redirects_alike(target: str, index: Index) -> None:
    with pytest.raises(PublishError, match="only http and https"):
        IndexReader(index.url, patience=Patience(retries=0)).sha256(
            IndexedFile("x.whl", target, None)
        )
    from tests.fault_server import FaultServer, Reply

    redirect = Reply(302, (("Location", target),))
    with FaultServer(rule=lambda seen: redirect) as moved, pytest.raises(PublishError) as caught:
        IndexReader(f"{moved.url}simple/", patience=Patience(retries=0)).page("demo")
    assert "HTTP 302" in str(caught.value) and target in str(caught.value)


def test_a_json_page_gives_upload_times_and_the_project_status() -> None:
    from datetime import datetime, timezone

    from relnox.tools.simple_pages import parse_json_page

    page = parse_json_page(
        {
            "meta": {"api-version": "1.4"},
            "project-status": {"status": "Archived", "reason": "moved"},
            "files": [
                {
                    "filename": "a-1.0.tar.gz",
                    "url": "a-1.0.tar.gz",
                    "hashes": {"sha256": "AB"},
                    "upload-time": "2026-01-02T03:04:05.123456Z",
                },
                {"filename": "a-1.0-py3-none-any.whl", "url": "w", "hashes": {}},
            ],
        },
        "http://127.0.0.1/simple/a/",
    )
    assert page.status == "archived" and page.reason == "moved"
    sdist = page.files["a-1.0.tar.gz"]
    assert sdist.sha256 == "ab" and sdist.url == "http://127.0.0.1/simple/a/a-1.0.tar.gz"
    assert sdist.upload_time == datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
    assert page.files["a-1.0-py3-none-any.whl"].upload_time is None
    older = parse_json_page(
        {"meta": {"api-version": "1.1"}, "project-status": {"status": "archived"}, "files": []},
        "http://127.0.0.1/simple/a/",
    )
    assert older.status == "active"  # project-status is defined from api-version 1.4 on


def test_an_html_page_gives_the_project_status() -> None:
    from relnox.tools.simple_pages import parse_html_page

    html = (
        '<html><head><meta name="pypi:repository-version" content="1.4">'
        '<meta name="pypi:project-status" content="quarantined"></head>'
        '<body><a href="a-1.0.tar.gz#sha256=ab">a-1.0.tar.gz</a></body></html>'
    )
    page = parse_html_page(html, "http://127.0.0.1/simple/a/")
    assert page.status == "quarantined" and list(page.files) == ["a-1.0.tar.gz"]
    assert parse_html_page("<a href='x.tar.gz'>x</a>", "http://h/").status == "active"


def test_a_reader_sends_credentials_only_after_a_401_on_each_page(index: Index) -> None:
    """Many pages through one reader: credentials go only after a 401 from the index."""
    from relnox.tools.simple_api import IndexReader

    page = b'<a href="/f/demo-1.0.tar.gz#sha256=' + SHA.encode() + b'">demo-1.0.tar.gz</a>'
    index.pages["/simple/demo/"] = [(401, "text/plain", b"")]
    index.pages["/simple/demo/#auth"] = [(200, "text/html", page)]
    reader = IndexReader(index.url, ("user", "secret"))
    for _ in range(3):
        assert list(reader.files("demo")) == ["demo-1.0.tar.gz"]
    assert [auth is not None for _, _, auth in index.seen] == [False, True] * 3


def test_a_reader_with_a_deadline_never_waits_past_it() -> None:
    """An index that never answers: 30 s a read and 3 retries would be two minutes; a
    reader with a deadline (the wait for an upload to show) gives up at the deadline."""
    with FaultServer(rule=lambda seen: HANG) as server:
        patience = Patience(timeout=30, retries=3, stall=120)
        started = time.monotonic()
        reader = IndexReader(f"{server.url}simple/", patience=patience).until(started + 1.5)
        with pytest.raises(PublishError, match="gave no answer before the wait ended"):
            reader.page("demo")
        assert time.monotonic() - started < 1.5 + 1
        assert [seen.path for seen in server.seen] == ["/simple/demo/"]
