"""GitLab: the release merge request through a local stand-in for the merge-request
endpoints of GitLab's REST API (the cycle of tests/release/test_release_pr.py: created,
unchanged, updated, closed once released), the token only in a header; the dotenv
report; the ID token of trusted publishing; remote URLs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from relnox.errors import PublishError, RelnoxError
from relnox.tools.credentials import resolve_credentials
from relnox.tools.gitlab import (
    create_release,
    dotenv_lines,
    is_gitlab_host,
    remote_host,
    remote_path,
)
from relnox.tools.repositories import builtin
from tests.conftest import run_relnox
from tests.release.test_release_pr import _five, serve
from tests.shapes import commit, git

TOKEN = "glpat-standin0123456789"


class FakeGitLab(ThreadingHTTPServer):
    """The merge-request endpoints of GitLab's REST API (v4), in memory."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: dict[int, dict[str, Any]] = {}
        self.writes: list[str] = []
        self.tokens: set[str] = set()
        self.paths: list[str] = []
        self.releases: dict[str, dict[str, Any]] = {}


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitLab

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> dict[str, Any]:
        self.server.tokens.add(self.headers.get("PRIVATE-TOKEN", ""))
        return dict(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

    def do_GET(self) -> None:
        self.server.tokens.add(self.headers.get("PRIVATE-TOKEN", ""))
        self.server.paths.append(self.path)
        query = parse_qs(urlsplit(self.path).query)
        found = [
            r
            for r in self.server.requests.values()
            if r["state"] == query["state"][0] and r["source_branch"] == query["source_branch"][0]
        ]
        self._answer(200, found)

    def do_POST(self) -> None:
        if self.path.endswith("/releases"):  # the job token's call: a release a tag
            self.server.tokens.add(self.headers.get("JOB-TOKEN", ""))
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            exists = body["tag_name"] in self.server.releases
            self.server.releases.setdefault(body["tag_name"], body)
            self._answer(409 if exists else 201, {"message": "Release already exists"})
            return
        iid = len(self.server.requests) + 1
        self.server.requests[iid] = {**self._body(), "iid": iid, "state": "opened"}
        self.server.writes.append(f"create {iid}")
        self._answer(201, self.server.requests[iid])

    def do_PUT(self) -> None:
        iid = int(self.path.rsplit("/", 1)[1])
        changes = self._body()
        if changes.pop("state_event", None) == "close":
            changes["state"] = "closed"
        self.server.requests[iid].update(changes)
        self.server.writes.append(f"edit {iid}")
        self._answer(200, self.server.requests[iid])


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    with serve(FakeGitLab()) as server:
        yield server


def _run(root: Path, gitlab: FakeGitLab) -> dict[str, Any]:
    env = {
        **os.environ,
        "GITLAB_TOKEN": TOKEN,
        "CI_API_V4_URL": f"http://127.0.0.1:{gitlab.server_port}/api/v4",
        "CI_PROJECT_ID": "group/sub/project",
    }
    env.pop("GITHUB_TOKEN", None)
    done = run_relnox("release-pr", "--json", cwd=root, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def test_the_release_merge_request_cycle_on_gitlab(tmp_path: Path, gitlab: FakeGitLab) -> None:
    root, remote = _five(tmp_path)
    commit(root, {"packages/alpha/changes/12.feature.md": "Add the widget."})
    git(root, "push", "-q", "origin", "main")

    first = _run(root, gitlab)
    assert (first["action"], first["pushed"], first["pull"]) == ("created", True, 1)
    made = gitlab.requests[1]
    assert (made["source_branch"], made["target_branch"]) == ("relnox/release", "main")
    assert "| alpha | 1.0.0 | 1.1.0 | minor: 1 fragment (feature) |" in made["description"]
    assert gitlab.tokens == {TOKEN}
    assert gitlab.paths == [
        "/api/v4/projects/group%2Fsub%2Fproject/merge_requests"
        "?state=opened&source_branch=relnox/release"
    ]
    assert 'version = "1.1.0"' in git(
        remote, "show", "relnox/release:packages/alpha/pyproject.toml"
    )

    again = _run(root, gitlab)
    assert (again["action"], again["pushed"]) == ("unchanged", False)
    commit(root, {"packages/eps/changes/14.removal.md": "Drop the old API."})
    git(root, "push", "-q", "origin", "main")
    updated = _run(root, gitlab)
    assert updated["action"] == "updated"
    assert "| eps | 1.0.0 | 2.0.0 |" in gitlab.requests[1]["description"]
    assert gitlab.writes == ["create 1", "edit 1"]

    before = git(root, "rev-parse", "HEAD")  # the merge, then auto-tag's tags
    git(root, "fetch", "-q", "origin", "relnox/release")
    git(root, "merge", "-q", "--ff-only", "FETCH_HEAD")
    run_relnox("tag", "--since", before, cwd=root, check=True)
    closed = _run(root, gitlab)
    assert (closed["action"], gitlab.requests[1]["state"]) == ("closed", "closed")


def test_a_missing_token_says_what_to_set(tmp_path: Path) -> None:
    root, _ = _five(tmp_path)
    commit(root, {"packages/alpha/changes/1.feature.md": "New."})
    env = {**os.environ, "CI_API_V4_URL": "http://127.0.0.1:9/api/v4", "CI_PROJECT_ID": "7"}
    env.pop("GITLAB_TOKEN", None)
    done = run_relnox("release-pr", cwd=root, env=env)
    assert done.returncode != 0 and "GITLAB_TOKEN is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_plans_results_become_a_dotenv_report() -> None:
    lines = dotenv_lines({"packages": ["a", "b"], "pypi": ["a"], "pypi_repository": "pypi"})
    assert "RELNOX_PACKAGES=a b\n" in lines and "RELNOX_PYPI=a\n" in lines
    assert "RELNOX_PYPI_REPOSITORY=pypi\n" in lines
    assert "\n" not in lines.replace("\n", "", lines.count("\n"))  # one line a variable


def test_a_gitlab_id_token_is_trusted_publishing_to_its_index_only() -> None:
    pypi, testpypi = builtin("pypi", {}), builtin("testpypi", {})
    assert pypi is not None and testpypi is not None
    env = {"GITLAB_CI": "true", "PYPI_ID_TOKEN": "eyJ.standin", "HOME": "/nonexistent"}
    found = resolve_credentials(pypi, env, keyring=None)
    assert found.method == "trusted-publishing" and "PYPI_ID_TOKEN" in found.source
    with pytest.raises(PublishError, match="no credentials"):
        resolve_credentials(
            testpypi, env, keyring=None
        )  # its audience is testpypi: TESTPYPI_ID_TOKEN


def test_remote_urls() -> None:
    for url in ("https://gitlab.example.org/g/sub/p.git", "git@gitlab.example.org:g/sub/p.git"):
        assert remote_host(url) == "gitlab.example.org" and is_gitlab_host(remote_host(url))
        assert remote_path(url) == "g/sub/p"
    assert remote_host("/srv/git/p.git") == "" and not is_gitlab_host("example.org")


def test_a_gitlab_release_is_made_once_with_the_job_token(gitlab: FakeGitLab) -> None:
    job_token = "glcbt-standin-0123456789"
    env = {
        "CI_JOB_TOKEN": job_token,
        "CI_API_V4_URL": f"http://127.0.0.1:{gitlab.server_port}/api/v4",
        "CI_PROJECT_ID": "group/p",
    }
    assert create_release("v1.0.0", "## 1.0.0\n\n- First.\n", env)
    assert not create_release("v1.0.0", "other", env)  # a rerun leaves the release
    assert gitlab.releases["v1.0.0"]["description"] == "## 1.0.0\n\n- First.\n"
    assert gitlab.tokens == {job_token}
    with pytest.raises(RelnoxError, match="CI_JOB_TOKEN, CI_API_V4_URL and CI_PROJECT_ID"):
        create_release("v1.0.0", "", {})
