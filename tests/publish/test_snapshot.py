"""The bytes publish sends are those it checked: a file of dist/ changed while an earlier
file uploads, or before the first one, never reaches the index (a real local index behind
a proxy on 127.0.0.1 that changes the file at the moment of the first upload)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish import PublishOptions, PublishRuntime, publish
from relnox.tools.index_server import LocalIndex
from relnox.tools.repositories import from_url
from tests.fault_server import FaultServer, Seen
from tests.publish.conftest import TOKEN
from tests.publish_support import USER

pytestmark = pytest.mark.slow  # builds and serves an index

CORE_WHEEL, CORE_SDIST = "demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_a_file_changed_while_another_uploads_is_not_what_is_sent(
    transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The sdist is rewritten while the wheel uploads: the index gets the sdist as built;
    the uploader child reads a private copy of each file, made before the first upload."""
    sdist = ws / "dist" / CORE_SDIST
    built = _sha256(sdist)
    tmp = ws.parent / "tmp"
    tmp.mkdir()
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f'\n[tool.relnox.publish]\ntransport = "{transport}"\n'
    )
    copies: list[int] = []

    def tamper(seen: Seen) -> None:
        if seen.method == "POST" and seen.filename == CORE_WHEEL:
            copies.append(len(list(tmp.glob("relnox-publish-*/*"))))
            sdist.write_bytes(sdist.read_bytes() + b"changed after the check")

    proxy = serve(upstream=index.url, rule=tamper)
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "publish", "-r", proxy.url, "-p", "demo-core"],
        cwd=ws,
        env={**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN, "TMPDIR": str(tmp)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert _sha256(sdist) != built  # the change happened, during the upload
    assert sorted(p.name for p in index.data_dir.iterdir()) == [CORE_WHEEL, CORE_SDIST]
    assert _sha256(index.data_dir / CORE_SDIST) == built
    assert copies == [2]
    assert list(tmp.glob("relnox-publish-*")) == []


def test_a_file_changed_after_the_plan_is_refused_before_any_upload(
    ws: Path, index: LocalIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed between the checks and the upload (while the user confirms): refused by its
    sha256, nothing sent, and no private copy left behind."""
    workspace = load_workspace(ws)
    wheel = ws / "dist" / CORE_WHEEL

    def confirm(question: str) -> bool:
        wheel.write_bytes(wheel.read_bytes() + b"changed while asked")
        return True

    repository = from_url(index.url, confirm=True)
    runtime = PublishRuntime(
        environ={**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN},
        confirm=confirm,
    )
    private = tmp_path / "tmp"  # this test's own: another worker's publish is not in it
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    with pytest.raises(PublishError) as info:
        publish(workspace, PublishOptions(repository=repository, packages=["demo-core"]), runtime)
    message = str(info.value)
    assert "\n" not in message and "nothing was uploaded" in message
    assert f"changed since publish checked them: {wheel} (sha256 " in message
    assert list(index.data_dir.iterdir()) == []
    assert list(private.iterdir()) == []
