"""A local stand-in for PyPI's integrity API (PEP 740) and its JSON simple API (PEP 691, 792).

``/integrity/<project>/<version>/<file>/provenance`` answers the provenance stored in
:attr:`IntegrityServer.provenance` (404 otherwise); ``/simple/<project>/`` answers the
JSON page stored in :attr:`IntegrityServer.pages`, to any Accept (an index that serves
only JSON). The server runs on 127.0.0.1 in a thread and stops when the ``with`` ends.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class IntegrityServer:
    def __init__(self) -> None:
        self.provenance: dict[str, dict[str, Any]] = {}  # "project/version/file" -> body
        self.pages: dict[str, dict[str, Any]] = {}  # project -> PEP 691 page
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                parts = [p for p in self.path.split("/") if p]
                body: dict[str, Any] | None = None
                kind = "application/json"
                if len(parts) == 5 and parts[0] == "integrity" and parts[4] == "provenance":
                    body = server.provenance.get("/".join(parts[1:4]))
                elif len(parts) == 2 and parts[0] == "simple":
                    body, kind = server.pages.get(parts[1]), JSON_TYPE
                if body is None:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> IntegrityServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
