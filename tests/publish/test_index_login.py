"""``publish --verify-installable`` to an index that needs a login for everything: the tier
installs with the login of the upload (here ``~/.pypirc``), handed to the installer by
netrc, and a refused login is said to be one."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox
from tests.fault_server import FaultServer, Reply, Seen
from tests.publish.conftest import TOKEN
from tests.publish_support import USER

pytestmark = pytest.mark.slow  # builds, serves or makes environments

#: agents needs core: core is one tier, checked before agents is uploaded
TWO_TIERS = ["-p", "demo-core", "-p", "demo-agents"]


def _needs_login(seen: Seen) -> Reply | None:
    token = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
    if seen.headers.get("Authorization") == f"Basic {token}":
        return None
    return Reply(401, (("WWW-Authenticate", 'Basic realm="corp"'),), b"login required")


def _pypirc(home: Path, url: str, password: str) -> None:
    (home / ".pypirc").write_text(
        f"[corp]\nrepository = {url}\nusername = {USER}\npassword = {password}\n",
        encoding="utf-8",
    )


def test_verify_installable_reads_a_private_index_with_the_uploads_login(
    ws: Path, index: LocalIndex, hermetic: Path
) -> None:
    with FaultServer(upstream=index.url, rule=_needs_login) as proxy:
        _pypirc(hermetic, proxy.url, TOKEN)
        args = ["publish", "--repository", "corp", *TWO_TIERS, "--verify-installable"]
        proc = run_relnox(*args, cwd=ws, env=dict(os.environ))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "installable from corp: demo-core 0.1.0" in proc.stderr
    by_installer = [s for s in proxy.seen if s.headers.get("User-Agent", "").startswith("uv/")]
    assert any(s.authorized and s.path.endswith(".whl") for s in by_installer)
    assert TOKEN not in proc.stdout + proc.stderr


def test_verify_installable_says_when_the_index_refuses_to_be_read(
    ws: Path, index: LocalIndex, hermetic: Path
) -> None:
    """Uploads are let through; reading the simple API to install is refused."""

    def uploads_only(seen: Seen) -> Reply | None:
        installer = seen.headers.get("User-Agent", "").startswith(("uv/", "pip/"))
        if installer and seen.method in ("GET", "HEAD"):  # reading to install
            return Reply(401, (("WWW-Authenticate", 'Basic realm="corp"'),), b"no")
        return None

    with FaultServer(upstream=index.url, rule=uploads_only) as proxy:
        _pypirc(hermetic, proxy.url, TOKEN)
        args = ["publish", "--repository", "corp", *TWO_TIERS, "--verify-installable"]
        proc = run_relnox(*args, cwd=ws, env=dict(os.environ))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    said = " ".join(proc.stderr.split())
    assert "installing from it was refused (a login is needed or was wrong)" in said, said
    assert "[corp] section" in said


def test_verify_installable_falls_back_to_pip_on_a_private_index_that_refuses_head(
    ws: Path, index: LocalIndex, hermetic: Path
) -> None:
    """A login for every read, and 501 to ``HEAD`` (which uv asks before a ranged read of
    a wheel): the tier installs with pip and the same login, as verify-install --index
    does, and the second tier is uploaded."""

    def rule(seen: Seen) -> Reply | None:  # the login is asked first, as a private index does
        refused = _needs_login(seen)
        return refused or (Reply(501) if seen.method == "HEAD" else None)

    with FaultServer(upstream=index.url, rule=rule) as proxy:
        _pypirc(hermetic, proxy.url, TOKEN)
        args = ["publish", "--repository", "corp", *TWO_TIERS, "--verify-installable"]
        proc = run_relnox(*args, cwd=ws, env=dict(os.environ))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(seen.method == "HEAD" for seen in proxy.seen)  # uv asked, and was refused
    assert "refused a HEAD request of uv's; installing with pip" in proc.stderr
    assert "installable from corp: demo-core 0.1.0" in proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
