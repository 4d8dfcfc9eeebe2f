"""A fault-injecting HTTP server on 127.0.0.1, standard library only.

With ``upstream`` it is a proxy in front of a real index (pypiserver): each request
is shown to ``rule``, which may answer it itself (:class:`Reply`), hold it until the
server stops (:data:`HANG`), answer 200 with a body that never ends (:data:`TRICKLE`
a few bytes at a time, :data:`FLOOD` as fast as it is read) or with headers that never
end (:data:`SLOW_HEAD`), or let it through (``None``); ``rewrite`` may change a
forwarded answer. Without ``upstream`` it is a plain host that answers by ``rule``
(404 when the rule says nothing). Every request is recorded with its headers, so a
test can tell which host ever saw an ``Authorization`` header.

``stop()`` releases held requests, stops the server and joins its threads: nothing
is left running after a test, failed or not.
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    filename: str = ""  # of an upload (multipart ``filename="..."``)

    @property
    def authorized(self) -> bool:
        return any(k.lower() == "authorization" for k in self.headers)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    reason: str = ""  # the status line's phrase (PyPI says why it refused a file there)


class _Hang:
    def __repr__(self) -> str:
        return "HANG"


#: hold the request without answering until the server stops
HANG = _Hang()
#: close the connection without any answer (as a crashed or restarted server)
DROP = _Hang()
#: answer 200 and send a few bytes every 50 ms until the client goes or the server stops
TRICKLE = _Hang()
#: answer 200 and send 1 MiB after 1 MiB until the client goes or the server stops
FLOOD = _Hang()
#: answer 200 and send a header a byte every 50 ms until the client goes or the server stops
SLOW_HEAD = _Hang()

Answer = Reply | _Hang | None
Rule = Callable[[Seen], Answer]
Rewrite = Callable[[Seen, Reply], Reply]


@dataclass
class FaultServer:
    upstream: str | None = None
    rule: Rule = lambda seen: None
    rewrite: Rewrite | None = None
    port: int = 0
    #: bytes per second it reads a request body at (0: as fast as it comes), as a slow link
    read_rate: int = 0
    seen: list[Seen] = field(default_factory=list)
    #: (file name, status the upstream answered) of every upload forwarded
    forwarded_uploads: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # uv retries a 5xx answer or a dropped connection three times with a backoff, about
        # 8 s a request: the faults here are the test's own, so while the server runs the
        # installers it starts answer at once (relnox's own bounds and fallbacks are tested)
        self._retries = os.environ.get("UV_HTTP_RETRIES")
        os.environ["UV_HTTP_RETRIES"] = "0"
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = False  # server_close() joins every handler
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def stored(self) -> list[str]:
        """Files the upstream index accepted through this server."""
        return [name for name, status in self.forwarded_uploads if status == 200]

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        if self._retries is None:
            os.environ.pop("UV_HTTP_RETRIES", None)
        else:
            os.environ["UV_HTTP_RETRIES"] = self._retries

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Reply:
        assert self.upstream is not None
        parts = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return Reply(resp.status, tuple(resp.getheaders()), resp.read())
        finally:
            conn.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length", "0") or 0)
                body = self._body(length) if length else None
                match = re.search(rb'filename="([^"]+)"', body or b"")
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }
                seen = Seen(method, self.path, headers, match.group(1).decode() if match else "")
                with server._lock:
                    server.seen.append(seen)
                answer = server.rule(seen)
                if answer is DROP:
                    self.close_connection = True
                    return
                if answer is TRICKLE or answer is FLOOD:
                    self._endless(answer is FLOOD)
                    return
                if answer is SLOW_HEAD:
                    self._slow_head()
                    return
                if isinstance(answer, _Hang):
                    server._release.wait()
                    return
                if answer is None and server.upstream is not None:
                    answer = server._forward(method, self.path, body, headers)
                    if seen.filename:
                        with server._lock:
                            server.forwarded_uploads.append((seen.filename, answer.status))
                    if server.rewrite is not None:
                        answer = server.rewrite(seen, answer)
                self._answer(answer or Reply(404))

            def _body(self, length: int) -> bytes:
                if not server.read_rate:
                    return self.rfile.read(length)
                parts: list[bytes] = []
                step = max(1, server.read_rate // 10)
                while length > 0 and not server._release.is_set():
                    parts.append(self.rfile.read(min(step, length)))
                    length -= len(parts[-1])
                    server._release.wait(0.1)  # throttled, as a slow link
                return b"".join(parts)

            def _answer(self, reply: Reply) -> None:
                if reply.reason and not reply.body:  # as PyPI: the reason in the page too
                    title = f"{reply.status} {reply.reason}"
                    reply = dataclasses.replace(
                        reply,
                        body=f"<html><head><title>{title}</title></head><body><h1>{title}"
                        "</h1></body></html>".encode(),
                    )
                self.send_response(reply.status, reply.reason or None)
                for key, value in reply.headers:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                length = str(len(reply.body))
                if self.command == "HEAD":  # the length of what a GET would bring
                    given = [v for k, v in reply.headers if k.lower() == "content-length"]
                    length = given[0] if given else length
                self.send_header("Content-Length", length)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            def _endless(self, flood: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->" if flood else b"<p>x</p>"
                try:
                    while not server._release.is_set():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        if not flood:
                            server._release.wait(0.05)
                except OSError:  # the client gave up: what the test wants
                    pass

            def _slow_head(self) -> None:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                try:
                    while not server._release.is_set():
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        server._release.wait(0.05)
                except OSError:  # the client gave up: what the test wants
                    pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_HEAD(self) -> None:  # uv asks before a ranged download of a wheel
                self._serve("HEAD")

        return Handler
