"""An index that echoes the ``Authorization`` header in its error page never gets the token
shown: not raw, not as the base64 of ``user:token``, not percent-encoded, in no output.

``relnox publish`` runs for real as on GitHub Actions (``::error::`` annotations, step
outputs, summary), with ``--json``, against a proxy on 127.0.0.1 in front of a real
pypiserver; the proxy answers every upload with 400, 500 or 403 and a page quoting the
header it got (in the status line too, as PyPI puts its reason there).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest

from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox
from tests.fault_server import FaultServer, Reply, Seen
from tests.publish_support import USER, copy_tree

pytestmark = pytest.mark.slow  # builds, serves or makes environments

#: a token with characters that percent-encoding and base64 change
TOKEN = "pypi-AgEI/cHlwaS5+vcmc=RELNOX$echoed"


def _encodings(user: str) -> list[str]:
    pair = f"{user}:{TOKEN}".encode()
    return [
        TOKEN,
        base64.b64encode(pair).decode(),
        base64.b64encode(pair).decode().rstrip("="),
        base64.b64encode(f"__token__:{TOKEN}".encode()).decode().rstrip("="),
        quote(TOKEN, safe=""),
        quote(TOKEN, safe="").lower(),
    ]


def _echo(status: int) -> object:
    def rule(seen: Seen) -> Reply | None:
        if seen.method != "POST":
            return None  # the simple API of the real index
        header = next((v for k, v in seen.headers.items() if k.lower() == "authorization"), "")
        decoded = base64.b64decode(header.split()[-1]).decode() if header else ""
        page = (
            f"<html><body>refused. You sent Authorization: {header}\n"
            f"as text: {decoded}\npercent: {quote(decoded, safe='')}\n</body></html>"
        )
        return Reply(status, body=page.encode(), reason=f"Refused {header}")

    return rule


@pytest.mark.parametrize("status", [400, 500, 403])
@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_an_index_echoing_the_authorization_header_shows_no_encoding_of_the_token(
    release: Path,
    index: LocalIndex,
    tmp_path: Path,
    hermetic: Path,
    status: int,
    verbose: list[str],
) -> None:
    ws = copy_tree(release, tmp_path / "ws")
    github = tmp_path / "github"
    github.mkdir()
    env = {
        **os.environ,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": TOKEN,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(github / "output"),
        "GITHUB_STEP_SUMMARY": str(github / "summary"),
        "TMPDIR": str(tmp_path),
    }
    with FaultServer(upstream=index.url, rule=_echo(status)) as proxy:  # type: ignore[arg-type]
        args = ["publish", "--repository", proxy.url, "-p", "demo-core", "--json", *verbose]
        proc = run_relnox(*args, cwd=ws, env=env)
    echoed = [s for s in proxy.seen if s.method == "POST"]
    assert echoed and all(s.authorized for s in echoed)  # the index did get the header
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # --json keeps standard output for its one document: the annotation goes to standard
    # error, where the runner reads workflow commands too
    assert "::error::" in proc.stderr
    payload = json.loads(proc.stdout)
    report = ws / ".relnox" / "dist" / "publish-report.json"
    assert report.is_file()
    assert str(status) in proc.stderr + json.dumps(payload) + report.read_text()
    outputs = [proc.stdout, proc.stderr, report.read_text()]
    outputs += [p.read_text() for p in github.iterdir()]
    for secret in _encodings(USER):
        for text in outputs:
            assert secret not in text, (secret, text[-3000:])
        for path in [*ws.rglob("*"), *hermetic.rglob("*")]:
            if path.is_file() and not path.is_symlink():
                assert secret.encode() not in path.read_bytes(), path


def _quoted_at_the_cut(seen: Seen) -> Reply | None:
    """A page whose ``<pre>`` (the part relnox quotes, up to 300 characters) holds the
    token HTML-escaped, with its first characters before the cut, and JSON with PHP's
    escaped slashes in the status line."""
    if seen.method != "POST":
        return None
    escaped = "".join(f"&#{ord(char)};" for char in TOKEN)
    page = f"<html><body><pre>{'refused ' * 36}{escaped}</pre></body></html>"
    said = json.dumps({"token": TOKEN}).replace("/", "\\/")
    return Reply(400, body=page.encode(), reason=f"Refused {said}")


def test_a_token_an_index_quotes_escaped_or_at_the_cut_is_never_shown(
    release: Path, index: LocalIndex, tmp_path: Path, hermetic: Path
) -> None:
    ws = copy_tree(release, tmp_path / "ws")
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN, "TMPDIR": str(tmp_path)}
    with FaultServer(upstream=index.url, rule=_quoted_at_the_cut) as proxy:
        args = ["publish", "--repository", proxy.url, "-p", "demo-core", "--json", "-v"]
        proc = run_relnox(*args, cwd=ws, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "refused refused" in proc.stderr  # the page was quoted
    report = (ws / ".relnox" / "dist" / "publish-report.json").read_text()
    for text in (proc.stdout, proc.stderr, report):
        assert TOKEN[:9] not in text, text[-3000:]
        assert "\\/" not in text, text[-3000:]
