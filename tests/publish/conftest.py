"""Fixtures of the publish tests: the built release, a copy of it, a local index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.fault_server import FaultServer
from tests.publish_support import USER, copy_tree, shared_release

#: the upload password of the ``index`` fixture (user :data:`tests.publish_support.USER`)
TOKEN = "relnox-fake-upload-token-0001"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- agents <- runtime, plus an independent extra; built once per run."""
    return shared_release(tmp_path_factory)


@pytest.fixture
def ws(release: Path, tmp_path: Path) -> Path:
    return copy_tree(release, tmp_path / "ws")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


@pytest.fixture
def serve() -> Iterator[Callable[..., FaultServer]]:
    """``serve(upstream=..., rule=..., rewrite=..., port=...)``; all stopped when the test ends."""
    started: list[FaultServer] = []

    def start(**kwargs: object) -> FaultServer:
        server = FaultServer(**kwargs)  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
