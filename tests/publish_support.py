"""Helpers of the publish tests: real builds with a manifest, and a faulty proxy for an index."""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from uv import find_uv_bin

from relnox.artifacts.manifest import ArtifactRecord, Manifest, PackageRecord, write_manifest
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.project.workspace import Workspace
from relnox.publish import PublishOptions, PublishRuntime, publish
from relnox.publish.report import PublishResult
from relnox.sample import ProjectSpec, write_workspace

USER = "uploader"

#: a ``sitecustomize`` that records the argv of every Python process of a tree, whether a
#: password reached its environment, and the argv of every child it starts
SPY = """
import json, os, subprocess, sys
_LOG = os.environ.get("RELNOX_SPY_LOG")
if _LOG:
    def _write(entry):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, default=str) + "\\n")
    _write({"pid": os.getpid(), "argv": list(sys.orig_argv), "password_in_env": "TWINE_PASSWORD" in os.environ})
    _init = subprocess.Popen.__init__
    def _spy_init(self, args, *a, **kw):
        env = kw.get("env") or {}
        _write({
            "parent": os.getpid(),
            "popen": list(args) if isinstance(args, (list, tuple)) else [args],
            "password_in_env": any(k in env for k in ("TWINE_PASSWORD", "UV_PUBLISH_PASSWORD")),
        })
        _init(self, args, *a, **kw)
    subprocess.Popen.__init__ = _spy_init
"""


def release_specs() -> list[ProjectSpec]:
    """core <- agents <- runtime, plus an independent extra; all hatchling (quick to build)."""
    core = "demo-core>=0.1.0,<0.2.0"
    return [
        ProjectSpec("demo-core", description="Core utilities."),
        ProjectSpec("demo-agents", requires=[core]),
        ProjectSpec("demo-extra"),
        ProjectSpec("demo-runtime", requires=[core, "demo-agents>=0.1.0"], script=True),
    ]


def shared_release(factory: pytest.TempPathFactory) -> Path:
    """The built :func:`release_specs` workspace, built once per test run (all xdist workers)."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of one run
    target = base / "relnox-publish-release"
    with (base / "relnox-publish-release.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / ".relnox" / "dist" / "build-manifest.json").is_file():
            staging = base / f"relnox-publish-release-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            build_release(write_workspace(staging, release_specs()))
            staging.rename(target)
    return target


def build_release(root: Path, dist: str = "dist") -> Manifest:
    """``uv build`` of every package of the workspace at ``root``, and its build manifest."""
    root = root.resolve()
    workspace = load_workspace(root)
    out = root / dist
    argv = [find_uv_bin(), "build", "-q", "--out-dir", str(out)]
    if workspace.is_workspace:
        argv.append("--all-packages")
    subprocess.run(argv, check=True, capture_output=True, cwd=root)
    records = []
    for pkg in workspace.packages:
        made = sorted(p for p in out.iterdir() if p.name.startswith(f"{pkg.dist_name}-"))
        files = tuple(
            ArtifactRecord(
                p.name, "wheel" if p.suffix == ".whl" else "sdist", file_digest(p), p.stat().st_size
            )
            for p in made
            if p.suffix == ".whl" or p.name.endswith(".tar.gz")
        )
        records.append(
            PackageRecord(
                name=pkg.name,
                version=pkg.version,
                directory=str(pkg.directory.relative_to(root)),
                backend=pkg.backend,
                seconds=0.0,
                files=files,
                depends_on=pkg.internal_deps,
            )
        )
    manifest = Manifest(dist_dir=out, packages=tuple(records), created="2026-01-01T00:00:00+00:00")
    write_manifest(manifest)
    return manifest


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


#: ``(upload number, file name) -> HTTP status to answer instead of forwarding``, or None
FaultRule = Callable[[int, str], "int | None"]


class FaultyProxy:
    """An HTTP proxy in front of an index that can answer an upload with an error itself.

    ``rule(n, filename)`` is asked for the n-th upload: a status means "answer that
    without forwarding". Upload numbers in ``lost_answers`` are forwarded (the index
    stores the file) and then answered with 500, as if the answer got lost.
    """

    def __init__(self, upstream: str, rule: FaultRule | None = None) -> None:
        self.upstream = urlsplit(upstream)
        self.rule: FaultRule = rule or (lambda n, name: None)
        self.uploads: list[tuple[str, int]] = []  # (file name, status the client got)
        self.stored: list[str] = []  # file names the index accepted through this proxy
        self.lost_answers: set[int] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=30
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.getheaders(), resp.read()
        finally:
            conn.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _headers(self) -> dict[str, str]:
                return {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")
                }

            def _answer(
                self,
                status: int,
                reason: str = "",
                headers: list[tuple[str, str]] | None = None,
                data: bytes = b"",
            ) -> None:
                self.send_response(status, reason or None)
                for key, value in headers or []:
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(*proxy.forward("GET", self.path, None, self._headers()))

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                match = re.search(rb'filename="([^"]+)"', body)
                name = match.group(1).decode() if match else ""
                number = len(proxy.uploads) + 1
                status = proxy.rule(number, name)
                if status is not None:
                    proxy.uploads.append((name, status))
                    self._answer(status)
                    return
                answer = proxy.forward("POST", self.path, body, self._headers())
                if answer[0] == 200:
                    proxy.stored.append(name)
                if number in proxy.lost_answers:
                    proxy.uploads.append((name, 500))
                    self._answer(500)
                    return
                proxy.uploads.append((name, answer[0]))
                self._answer(*answer)

        return Handler

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def faulty_proxy(upstream: str, rule: FaultRule | None = None) -> Iterator[FaultyProxy]:
    with FaultyProxy(upstream, rule) as proxy:
        yield proxy


#: publish()'s keyword arguments that belong to the run, not to the options
RUNTIME = {"confirm", "environ", "run", "sleep", "check_installable"}


def publish_with(workspace: Workspace, **kwargs: Any) -> PublishResult:
    """``publish(workspace, PublishOptions(...), PublishRuntime(...))`` from keywords."""
    runtime = {k: kwargs.pop(k) for k in list(kwargs) if k in RUNTIME}
    return publish(workspace, PublishOptions(**kwargs), PublishRuntime(**runtime))


def break_wheel(root: Path, wheel: str) -> None:
    """``wheel`` (in ``root``'s dist/) fails twine check --strict (its readme would not render); the manifest's
    sha256 follows the new bytes, so only the check finds it."""
    path = root / "dist" / wheel
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    broken = root / "broken.whl"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("METADATA"):
                data = data.replace(b"text/markdown", b"text/x-rst")
                data += b"\n\nBroken\n=====\n\n.. unknown-directive::\n"
            dst.writestr(item, data)
    broken.replace(path)
    manifest = root / ".relnox/dist/build-manifest.json"
    new = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text(manifest.read_text().replace(old, new))
