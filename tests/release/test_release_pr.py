"""The release pull request's whole cycle on a real repository with a local bare remote and
a local stand-in for GitHub's REST API: intent -> plan -> branch and pull request -> a
second run changes nothing -> a new fragment updates it -> the merge tags exactly the
released packages."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

import relnox
from relnox.project.discovery import load_workspace
from relnox.release.intent import release_intent
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

TOKEN = "ghs_standin0123456789"
TOWNCRIER = '[tool.towncrier]\ndirectory = "changes"\nfilename = "NEWS.md"\n'
NEWS = (
    "# Changelog\n\n<!-- towncrier release notes start -->\n\n## 1.0.0 (2026-01-01)\n\n- First.\n"
)
PINS = {"beta": ["alpha==1.0.0"], "delta": ["gamma>=1.0"]}
NAMES = ("alpha", "beta", "gamma", "delta", "eps")


class FakeGitHub(ThreadingHTTPServer):
    """The pull-request endpoints of GitHub's REST API, in memory."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pulls: dict[int, dict[str, Any]] = {}
        self.writes: list[str] = []
        self.tokens: set[str] = set()
        self.paths: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: FakeGitHub

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
        return dict(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))

    def do_GET(self) -> None:
        self.server.tokens.add(self.headers.get("Authorization", ""))
        self.server.paths.append(self.path)
        self._answer(200, [p for p in self.server.pulls.values() if p["state"] == "open"])

    def do_POST(self) -> None:
        number = len(self.server.pulls) + 1
        self.server.pulls[number] = {**self._body(), "number": number, "state": "open"}
        self.server.writes.append(f"create {number}")
        self._answer(201, self.server.pulls[number])

    def do_PATCH(self) -> None:
        number = int(self.path.rsplit("/", 1)[1])
        self.server.pulls[number].update(self._body())
        self.server.writes.append(f"edit {number}")
        self._answer(200, self.server.pulls[number])


Server = TypeVar("Server", bound=ThreadingHTTPServer)


@contextmanager
def serve(server: Server) -> Iterator[Server]:
    """``server`` answering in a thread until the block ends, however it ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with serve(FakeGitHub()) as server:
        yield server


def _five(tmp_path: Path) -> tuple[Path, Path]:
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    }
    for name in NAMES:
        files[f"packages/{name}/pyproject.toml"] = project(name, requires=PINS.get(name, ()))
        files[f"packages/{name}/towncrier.toml"] = TOWNCRIER
        files[f"packages/{name}/NEWS.md"] = NEWS
        files[f"packages/{name}/changes/.gitkeep"] = ""
        files[f"packages/{name}/src/{name}/__init__.py"] = ""
    root = repo(tmp_path / "work", files, tags=[f"{n}-v1.0.0" for n in NAMES])
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "origin", "main", "--tags")
    return root, remote


def _run(root: Path, github: FakeGitHub, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": f"http://127.0.0.1:{github.server_port}",
        "GITHUB_REPOSITORY": "o/r",
    }
    done = run_relnox("release-pr", "--json", *args, cwd=root, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert TOKEN not in done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def _remote_file(remote: Path, path: str) -> str:
    return git(remote, "show", f"relnox/release:{path}")


def test_release_pr_cycle(tmp_path: Path, github: FakeGitHub) -> None:
    root, remote = _five(tmp_path)
    commit(
        root,
        {
            "packages/alpha/changes/12.feature.md": "Add the widget.",
            "packages/gamma/changes/13.bugfix.md": "Fix the gadget.",
            "packages/alpha/src/alpha/__init__.py": "X = 1\n",
        },
    )
    git(root, "push", "-q", "origin", "main")

    intent = release_intent(load_workspace(root))
    versions = {r.name: (r.old, r.new) for r in intent.releases}
    assert versions == {
        "alpha": ("1.0.0", "1.1.0"),
        "gamma": ("1.0.0", "1.0.1"),
        "beta": ("1.0.0", "1.0.1"),  # its pin alpha==1.0.0 moves; delta's gamma>=1.0 holds
    }
    why = {r.name: r.why for r in intent.releases}
    assert why["alpha"].startswith("minor: 1 fragment (feature)")
    assert why["beta"] == "patch: its pin on alpha moves"
    shown = run_relnox("plan", "--intent", cwd=root, check=True).stdout
    assert "alpha: 1.0.0 -> 1.1.0 (minor: 1 fragment (feature))" in shown
    data = json.loads(run_relnox("plan", "--intent", "--json", cwd=root, check=True).stdout)
    assert data["versions"] == {"alpha": "1.1.0", "gamma": "1.0.1", "beta": "1.0.1"}
    assert data["why"]["gamma"] == "patch: 1 fragment (bugfix)"

    first = _run(root, github)
    assert (first["action"], first["pushed"], first["pull"]) == ("created", True, 1)
    pull = github.pulls[1]
    assert pull["head"] == "relnox/release" and pull["base"] == "main"
    assert "| alpha | 1.0.0 | 1.1.0 | minor: 1 fragment (feature) |" in pull["body"]
    assert "- Add the widget. (#12)" in pull["body"]
    assert github.tokens == {f"Bearer {TOKEN}"}
    assert github.paths == ["/repos/o/r/pulls?state=open&head=o:relnox/release"]
    news = _remote_file(remote, "packages/alpha/NEWS.md")
    assert "<!-- towncrier release notes start -->\n\n## 1.1.0 (" in news
    assert "### Features\n\n- Add the widget. (#12)" in news
    assert 'version = "1.1.0"' in _remote_file(remote, "packages/alpha/pyproject.toml")
    assert "alpha==1.1.0" in _remote_file(remote, "packages/beta/pyproject.toml")
    listed = git(remote, "ls-tree", "-r", "--name-only", "relnox/release")
    assert "packages/alpha/changes/12.feature.md" not in listed
    assert not (root / "packages/alpha/NEWS.md").read_text().count("1.1.0")  # main untouched

    again = _run(root, github)
    assert (again["action"], again["pushed"]) == ("unchanged", False)
    assert github.writes == ["create 1"]

    commit(root, {"packages/eps/changes/14.removal.md": "Drop the old API."})
    git(root, "push", "-q", "origin", "main")
    updated = _run(root, github)
    assert (updated["action"], updated["pushed"]) == ("updated", True)
    assert "| eps | 1.0.0 | 2.0.0 | major: 1 fragment (removal) |" in github.pulls[1]["body"]

    before = git(root, "rev-parse", "HEAD")  # the merge: the release commit lands on main
    git(root, "fetch", "-q", "origin", "relnox/release")
    git(root, "merge", "-q", "--ff-only", "FETCH_HEAD")
    tagged = run_relnox("tag", "--since", before, "--json", cwd=root, check=True)
    assert sorted(json.loads(tagged.stdout)["created"]) == sorted(
        ["alpha-v1.1.0", "beta-v1.0.1", "eps-v2.0.0", "gamma-v1.0.1"]
    )
    closed = _run(root, github)  # released: nothing left to propose
    assert (closed["action"], github.pulls[1]["state"]) == ("closed", "closed")


def test_conventional_commits_and_plain_changes(tmp_path: Path) -> None:
    root, _ = _five(tmp_path)
    for name in NAMES:  # no fragments set up: commits say it
        (root / f"packages/{name}/towncrier.toml").unlink()
    commit(root, {}, message="drop towncrier")
    for name in NAMES:
        git(root, "tag", "-f", f"{name}-v1.0.0")
    commit(root, {"packages/alpha/a.txt": "1"}, message="feat(alpha): a widget")
    commit(root, {"packages/gamma/g.txt": "1"}, message="fix!: the gadget's API")
    commit(root, {"packages/delta/d.txt": "1"}, message="docs: typo")
    commit(root, {"packages/eps/e.txt": "1"}, message="Tidy up")
    why = {r.name: (r.new, r.why) for r in release_intent(load_workspace(root)).releases}
    assert why["alpha"][0] == "1.1.0", why
    assert "feat(alpha): a widget" in why["alpha"][1]
    assert why["gamma"][0] == "2.0.0"
    assert "delta" not in why  # docs: releases nothing
    assert why["eps"] == ("1.0.1", "patch: changed since eps-v1.0.0 (1 commits), no fragment")


def test_ci_init_writes_the_release_pr_workflow(tmp_path: Path) -> None:
    from relnox.ci.init import generate, notes
    from relnox.errors import ConfigError

    root, _ = _five(tmp_path)
    pyproject = root / "pyproject.toml"
    pin = f'relnox-requirement = "relnox=={relnox.__version__}"\n'
    pyproject.write_text(pyproject.read_text() + f'\n[tool.relnox.ci]\nmode = "release-pr"\n{pin}')
    files = generate(load_workspace(root))
    text = files[".github/workflows/release-pr.yml"]
    assert "run: nox -s release_pr" in text
    assert "GITHUB_TOKEN: ${{ secrets.RELNOX_RELEASE_PR_TOKEN || github.token }}" in text
    assert any("RELNOX_RELEASE_PR_TOKEN" in note for note in notes(load_workspace(root)))
    pyproject.write_text(pyproject.read_text().replace('"release-pr"', '"pr"'))
    with pytest.raises(ConfigError, match=r"\[tool.relnox.ci\] mode 'pr' is not one of"):
        generate(load_workspace(root))


def test_intent_parts_are_configurable_and_checked(tmp_path: Path) -> None:
    from relnox.errors import ConfigError

    root, _ = _five(tmp_path)
    pyproject = root / "pyproject.toml"
    commit(root, {"packages/alpha/changes/1.misc.md": "Tidy."})
    pyproject.write_text(pyproject.read_text() + '\n[tool.relnox.intent]\nmisc = "minor"\n')
    (alpha,) = [r for r in release_intent(load_workspace(root)).releases if r.name == "alpha"]
    assert alpha.new == "1.1.0"
    pyproject.write_text(pyproject.read_text().replace('misc = "minor"', 'misc = "big"'))
    with pytest.raises(ConfigError, match=r"\[tool.relnox.intent\] misc = 'big' is not a part"):
        release_intent(load_workspace(root))


def test_release_pr_without_a_token_or_with_a_refusing_api_says_so_in_one_line(
    tmp_path: Path, github: FakeGitHub
) -> None:
    root, _ = _five(tmp_path)
    commit(root, {"packages/alpha/changes/1.feature.md": "New."})
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    dry = run_relnox("release-pr", "--dry-run", cwd=root, env=env, check=True).stdout
    assert "| alpha | 1.0.0 | 1.1.0 | minor: 1 fragment (feature) |" in dry
    done = run_relnox("release-pr", cwd=root, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "GITHUB_TOKEN is not set" in done.stdout + done.stderr
    github.shutdown()  # nothing answers there any more: a bounded failure, one line
    github.server_close()
    refused = run_relnox(
        "release-pr",
        cwd=root,
        env={
            **env,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_API_URL": f"http://127.0.0.1:{github.server_port}",
        },
    )
    said = refused.stdout + refused.stderr
    assert refused.returncode == 1 and "GitHub API GET" in said and TOKEN not in said
    assert "Traceback" not in said


def test_fragments_in_a_shared_directory_name_their_package(tmp_path: Path) -> None:
    root, _ = _five(tmp_path)
    commit(
        root,
        {
            "towncrier.toml": TOWNCRIER,
            "changes/5.feature.delta.md": "A delta feature.",
            "changes/6.bugfix.md": "eps: Fix the eps.",
            "changes/7.misc.md": "Whose?",
        },
    )
    intent = release_intent(load_workspace(root))
    assert {r.name: r.new for r in intent.releases} == {"delta": "1.1.0", "eps": "1.0.1"}
    assert any("changes/7.misc.md names no package" in note for note in intent.notes)
