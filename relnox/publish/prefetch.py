"""The preflight's first look at a local index, asked while the command starts.

A publish reads each project page of the release before its first upload (the preflight,
:mod:`relnox.publish.preflight`). To an index on this machine the command's own start-up
(its imports, the workspace) is most of the time of a small release while the index sits
idle: :func:`prefetch_pages` asks the index for those pages meanwhile, from one thread, one page at a
time, and the preflight takes each answer that came back whole (:func:`take`) instead of
asking again. Only when the repository is a plain ``http`` URL on this machine (no proxy
variable sending it elsewhere) given on the
command line, the credentials resolve, and the release's files are found by name in its
dist directory.

What it may not change, it does not:

- it sends no credentials: an index that asks for them (401), or any answer but a whole
  200 or 404 without a redirect, stops it, and the preflight asks as before;
- the preflight alone takes its answers, each once, and it ends them (:func:`stop`) when
  its reads are done: a look after an upload always asks the index anew;
- it opens one connection at a time (with the preflight's :data:`READERS` readers, no more
  than a small server's listen backlog), every read is bounded by ``timeout`` seconds,
  and its thread is a daemon: an index that never answers holds nothing up.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

#: the most of a page it reads (a larger one is left to the preflight)
MAX_PAGE = 4 * 1024 * 1024
#: seconds each connect and read may take
TIMEOUT = 30.0

#: what the simple API is asked for (``relnox.tools.simple_api.ACCEPT``; an answer to another
#: Accept header is never taken)
ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
_NAME = re.compile(r"[-_.]+")
#: an answer: (status, content type, body)
Answer = tuple[int, str, bytes]


class Prefetch:
    """Reads ``urls`` in order from a daemon thread; :meth:`take` hands over whole answers."""

    def __init__(self, urls: Sequence[str], accept: str) -> None:
        self.urls = list(urls)
        self.accept = accept
        self._answers: dict[str, Answer] = {}
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._run, name="relnox-prefetch", daemon=True).start()

    def _run(self) -> None:
        for url in self.urls:
            with self._lock:
                if self._stopped:
                    return
            answer = _get(url, self.accept)
            if answer is None:  # not a plain answer: the preflight asks for itself
                return
            with self._lock:
                if self._stopped:
                    return
                self._answers[url] = answer

    def take(self, url: str, accept: str) -> Answer | None:
        with self._lock:
            if self._stopped or accept != self.accept:
                return None
            return self._answers.pop(url, None)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._answers.clear()


_ACTIVE: Prefetch | None = None


def prefetch_pages(
    repository: str | None,
    root: Path,
    dist_dir: Path | None,
    packages: Sequence[str],
    environ: Mapping[str, str],
) -> Callable[[], None]:
    """Ask a local index for the release's project pages while the command starts (see the
    module doc for when; quietly nothing where it does not apply). Returns what ends it:
    the command calls it when it ends, whatever happened, so no answer outlives it."""
    global _ACTIVE
    stop()
    if not repository or not repository.startswith("http://"):
        return stop
    try:
        host = urlsplit(repository).hostname or ""
    except ValueError:
        return stop
    from relnox.tools.network import is_loopback, proxied

    if not is_loopback(host) or proxied(host, environ):
        return stop  # another machine's, or a proxy's: the preflight asks as it must
    names = _names(root, dist_dir, packages)
    if not names:
        return stop
    from relnox.errors import RelnoxError
    from relnox.tools.credentials import resolve_credentials
    from relnox.tools.repositories import from_url

    try:
        repo = from_url(repository)
        resolve_credentials(repo, environ, keyring=None)
    except RelnoxError:
        return stop  # the plan says why; the index is not asked first
    base = repo.simple_url.rstrip("/")
    _ACTIVE = Prefetch([f"{base}/{name}/" for name in names], ACCEPT)
    return stop


def _names(root: Path, dist_dir: Path | None, packages: Sequence[str]) -> list[str]:
    """The canonical names of the wheels and sdists in the dist directory (those of
    ``packages`` where given), in the order found."""
    folder = dist_dir if dist_dir is not None else root / "dist"
    try:
        files = sorted(os.listdir(folder))
    except OSError:
        return []
    wanted = {_canonical(p) for p in packages}
    names: dict[str, None] = {}
    for filename in files:
        if filename.endswith(".whl"):
            name = filename.split("-", 1)[0]
        elif filename.endswith(".tar.gz") and "-" in filename:
            name = filename[: -len(".tar.gz")].rsplit("-", 1)[0]
        else:
            continue
        canonical = _canonical(name)
        if not wanted or canonical in wanted:
            names[canonical] = None
    return list(names)


def _canonical(name: str) -> str:
    return _NAME.sub("-", name).lower()


def take(url: str, accept: str) -> Answer | None:
    """The answer read for ``url`` with the Accept header ``accept``, if one came back
    whole (once)."""
    return _ACTIVE.take(url, accept) if _ACTIVE is not None else None


def stop() -> None:
    """No answer is taken any more (the preflight's reads are done)."""
    global _ACTIVE
    if _ACTIVE is not None:
        _ACTIVE.stop()
        _ACTIVE = None


def _get(url: str, accept: str) -> Answer | None:
    """A plain ``GET`` of ``url`` (:func:`relnox.tools.http_wire.get`): a whole 200 or 404,
    else ``None``."""
    from relnox.tools import http_wire

    try:
        answer = http_wire.get(url, accept, timeout=TIMEOUT, stall=TIMEOUT, limit=MAX_PAGE)
    except (OSError, ValueError):
        return None
    if answer is None or not http_wire.plain(answer, MAX_PAGE):
        return None
    return answer.status, answer.header("Content-Type") or "", answer.body
