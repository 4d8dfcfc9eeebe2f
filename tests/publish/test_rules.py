"""The index's own rules (:mod:`relnox.publish.rules`), each against a real pypiserver behind a
proxy on 127.0.0.1 that answers the way the real index does: a 429 for a project's
creation, a release older than its upload window (PEP 700 ``upload-time``), an archived,
quarantined or deprecated project (PEP 792), a file listed with another sha256, and an
upload the index never answers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from packaging.version import Version

from relnox.publish.rules import creation_limited, policy, reset_time
from relnox.tools.index_server import LocalIndex
from relnox.tools.simple_api import JSON_TYPE
from relnox.versions.arithmetic import bump_version
from tests.fault_server import HANG, FaultServer, Reply, Rewrite, Seen
from tests.publish.conftest import TOKEN
from tests.publish_support import USER

CORE_WHEEL, CORE_SDIST = "demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"
EXTRA_WHEEL = "demo_extra-0.1.0-py3-none-any.whl"
#: no run here may take longer than this
BOUND = 60.0


# -- the rules' words, without a network ---------------------------------------------------


def test_reset_time_reads_ratelimit_then_retry_after() -> None:
    now = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    assert reset_time({"RateLimit": "limit=4, remaining=0, reset=3600"}, now) == now + timedelta(
        hours=1
    )
    assert reset_time({"ratelimit": '"default";r=0;t=90'}, now) == now + timedelta(seconds=90)
    assert reset_time({"RateLimit-Reset": "60"}, now) == now + timedelta(minutes=1)
    assert reset_time({"Retry-After": "120"}, now) == now + timedelta(minutes=2)
    when = reset_time({"Retry-After": "Fri, 02 Jan 2026 05:00:00 GMT"}, now)
    assert when == datetime(2026, 1, 2, 5, 0, tzinfo=timezone.utc)
    assert reset_time({}, now) is None
    assert reset_time({"Retry-After": "soon"}, now) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "1e300"},
        {"Retry-After": "inf"},
        {"Retry-After": "nan"},
        {"Retry-After": "-5"},
        {"RateLimit": "limit=4, remaining=0, reset=99999999999999999999"},
        {"RateLimit-Reset": "1e400"},
        {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
    ],
)
def test_a_reset_no_clock_can_hold_says_nothing(headers: dict[str, str]) -> None:
    """An index's absurd reset (past a year, not finite, negative) is read as no reset: the
    message says it did not say, instead of failing on the date arithmetic."""
    now = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    assert reset_time(headers, now) is None
    text = creation_limited("the index", CORE_WHEEL, ["demo-core"], headers, "slow down", now)
    assert "it did not say when the limit resets" in text


def test_policy_in_words() -> None:
    assert policy({"RateLimit-Policy": "4;w=86400"}) == "4 per 24h"
    assert policy({"ratelimit-policy": '"new-projects";q=4;w=86400'}) == "4 per 24h"
    assert policy({}) == ""


def test_the_creation_message_names_the_reset_and_the_projects() -> None:
    now = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    text = creation_limited(
        "pypi", "a-1.0.tar.gz", ["a", "b"], {"Retry-After": "3600"}, "Too many", now
    )
    assert "resets at 2026-01-02 04:04 UTC" in text and "Not created: a, b" in text
    assert "does not retry" in text
    unknown = creation_limited("pypi", "a-1.0.tar.gz", ["a"], {}, "Too many", now)
    assert "did not say when" in unknown


@pytest.mark.parametrize(
    ("version", "post"),
    [("1.2.0", "1.2.0.post1"), ("1.2.0.post1", "1.2.0.post2"), ("2.0rc1", "2.0rc1.post1")],
)
def test_post_version(version: str, post: str) -> None:
    assert str(bump_version(Version(version), "post")) == post


# -- against a real index ----------------------------------------------------------------------


@dataclass
class Run:
    out: str
    err: str
    code: int
    seconds: float

    @property
    def error_line(self) -> str:
        lines = [ln for ln in self.err.splitlines() if ln.startswith("relnox: error:")]
        assert len(lines) == 1, self.err
        return lines[0]


def relnox(ws: Path, *args: str, command: str = "publish") -> Run:
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", command, *args],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        timeout=BOUND + 30,
        check=False,
    )
    run = Run(proc.stdout, proc.stderr, proc.returncode, time.monotonic() - started)
    assert run.seconds < BOUND, run.err[-3000:]
    assert "Traceback" not in run.err, run.err[-3000:]
    return run


def configure(ws: Path, text: str) -> None:
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + text)


def posts(server: FaultServer) -> list[str]:
    return [seen.filename for seen in server.seen if seen.method == "POST"]


def as_json(
    *,
    status: str | None = None,
    uploaded: datetime | None = None,
    sha256: Callable[[str, str], str] = lambda name, sha: sha,
    api: str = "1.4",
    reason: object = "maintainer's choice",
) -> Rewrite:
    """pypiserver's HTML project pages as PEP 691 JSON: with PEP 700 upload times, a PEP 792
    status, and (``sha256``) the hashes the test wants the index to claim."""

    def rewrite(seen: Seen, reply: Reply) -> Reply:
        if not seen.path.startswith("/simple/") or seen.path == "/simple/":
            return reply
        name = seen.path.strip("/").split("/")[-1]
        files = []
        if reply.status == 200:
            for href, filename, sha in re.findall(
                rb'href="([^"#]*/([^"/#]+))#sha256=([0-9a-f]+)"', reply.body
            ):
                entry = {
                    "filename": filename.decode(),
                    "url": href.decode(),
                    "hashes": {"sha256": sha256(filename.decode(), sha.decode())},
                }
                if uploaded is not None:
                    entry["upload-time"] = uploaded.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                files.append(entry)
        elif status is None:
            return reply
        page: dict[str, object] = {"meta": {"api-version": api}, "name": name, "files": files}
        if status is not None:
            page["project-status"] = {"status": status, "reason": reason}
        return Reply(200, (("Content-Type", JSON_TYPE),), json.dumps(page).encode())

    return rewrite


@pytest.mark.slow
@pytest.mark.parametrize("configured", [True, False], ids=["limiting-index", "index-says-so"])
def test_a_429_for_a_new_project_is_never_retried_and_says_when_the_limit_resets(
    configured: bool, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """On an index that limits creations (PyPI's, here by new-project-limit) the two new
    projects of one tier go one at a time; elsewhere the 429's own words tell."""
    configure(ws, "[tool.relnox.network]\nretries = 2\n")
    if configured:
        configure(ws, "[tool.relnox.publish]\nnew-project-limit = 4\n")
    headers = (
        ("Retry-After", "3600"),
        ("RateLimit", "limit=4, remaining=0, reset=3600"),
        ("RateLimit-Policy", "4;w=86400"),
    )
    limited = Reply(429, headers, b"Too many new projects created", "Too Many Requests")
    proxy = serve(upstream=index.url, rule=lambda seen: limited if seen.method == "POST" else None)
    before = datetime.now(timezone.utc)
    jobs = "4" if configured else "1"
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core", "-p", "demo-extra", "--jobs", jobs)
    after = datetime.now(timezone.utc)
    assert run.code == 1
    line = run.error_line
    # one refused creation, no retry, and no further creation attempted: each one counts
    assert len(posts(proxy)) == 1, posts(proxy)
    assert "retrying" not in run.err
    assert "HTTP 429" in line and "4 per 24h" in line and "does not retry" in line
    resets = {f"{t + timedelta(hours=1):%Y-%m-%d %H:%M} UTC" for t in (before, after)}
    assert any(f"resets at {r}" in line for r in resets), line
    assert "Not created: demo-core, demo-extra" in line
    assert os.listdir(index.data_dir) == []


@pytest.mark.slow
def test_a_429_with_an_absurd_retry_after_is_one_line(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """``Retry-After: 1e300`` on a new project's 429: the refusal, not a traceback."""
    limited = Reply(429, (("Retry-After", "1e300"),), b"Too many new projects", "Too Many")
    proxy = serve(upstream=index.url, rule=lambda seen: limited if seen.method == "POST" else None)
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core")
    assert run.code == 1 and "Traceback" not in run.err, run.err
    assert "HTTP 429" in run.error_line and "it did not say when the limit resets" in run.error_line
    assert os.listdir(index.data_dir) == []


@pytest.mark.slow
def test_a_429_for_a_project_that_exists_is_retried(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """Only a creation is never retried: an existing project's 429 is a busy index."""
    first = relnox(ws, "-r", index.url, "-p", "demo-core", "--no-wait")
    assert first.code == 0, first.err
    (index.data_dir / CORE_WHEEL).unlink()  # a resume: the wheel is still to go
    answers = iter([Reply(429, (("Retry-After", "1"),), b"slow down", "Too Many Requests")])
    proxy = serve(
        upstream=index.url,
        rule=lambda seen: next(answers, None) if seen.method == "POST" else None,
    )
    configure(ws, "[tool.relnox.network]\nretries = 1\n")
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core")
    assert run.code == 0, run.err
    assert posts(proxy) == [CORE_WHEEL, CORE_WHEEL]
    assert CORE_WHEEL in os.listdir(index.data_dir)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("days", "window", "refused"),
    [(20, "upload-window-days = 14", True), (3, "upload-window-days = 14", False), (20, "", False)],
    ids=["late", "within-the-window", "no-window-on-this-index"],
)
def test_a_late_file_for_an_old_release_is_refused_before_uploading(
    days: int,
    window: str,
    refused: bool,
    ws: Path,
    index: LocalIndex,
    serve: Callable[..., FaultServer],
) -> None:
    first = relnox(ws, "-r", index.url, "-p", "demo-core", "--no-wait")
    assert first.code == 0, first.err
    (index.data_dir / CORE_WHEEL).unlink()  # the sdist went out; the wheel comes late
    configure(ws, f"[tool.relnox.publish]\n{window}\n")
    uploaded = datetime.now(timezone.utc) - timedelta(days=days)
    proxy = serve(upstream=index.url, rewrite=as_json(uploaded=uploaded))
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core")
    if refused:
        assert run.code == 1
        line = run.error_line
        assert f"since {uploaded:%Y-%m-%d}" in line and f"({days} days)" in line
        assert "older than 14 days" in line and CORE_WHEEL in line
        assert "relnox bump --part post -p demo-core (to 0.1.0.post1)" in line
        assert "nothing was uploaded" in line
        assert posts(proxy) == []
    else:
        assert run.code == 0, run.err
        assert posts(proxy) == [CORE_WHEEL]


@pytest.mark.slow
@pytest.mark.parametrize("status", ["archived", "quarantined", "deprecated"])
def test_an_archived_or_quarantined_project_is_refused_before_any_upload(
    status: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    proxy = serve(upstream=index.url, rewrite=as_json(status=status))
    doctor = relnox(ws, "--repository", proxy.url, "-p", "demo-core", command="doctor")
    row = next(ln for ln in doctor.out.splitlines() if "index demo-core status" in ln)
    assert status in row and "maintainer's choice" in row
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core", "-p", "demo-extra")
    if status == "deprecated":
        assert "warn" in row
        assert run.code == 0, run.err
        assert "demo-core is marked deprecated" in run.err
        assert sorted(posts(proxy)) == sorted(
            [CORE_WHEEL, CORE_SDIST, EXTRA_WHEEL, "demo_extra-0.1.0.tar.gz"]
        )
    else:
        assert doctor.code == 1 and "error" in row
        assert run.code == 1
        line = run.error_line
        assert f"demo-core is {status} on" in line and "demo-extra" in line
        assert "nothing was uploaded" in line
        assert posts(proxy) == []


@pytest.mark.slow
def test_a_status_before_api_version_1_4_is_not_read(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    proxy = serve(upstream=index.url, rewrite=as_json(status="archived", api="1.1"))
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core", "--no-wait")
    assert run.code == 0, run.err


@pytest.mark.slow
def test_a_file_listed_with_another_sha256_is_a_mismatch_at_once(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """demo-core (tier 0) uploads; the index then lists its wheel with other bytes' hash."""
    other = "0" * 64
    ours: dict[str, str] = {}

    def claim(name: str, sha: str) -> str:
        if name == CORE_WHEEL:
            ours[name] = sha
            return other
        return sha

    proxy = serve(upstream=index.url)
    proxy.rewrite = as_json(sha256=lambda n, s: claim(n, s) if posts(proxy) else s)
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core", "-p", "demo-agents", "--wait", "300")
    assert run.code == 1
    assert run.seconds < 30  # not after the 300 s wait
    assert f"{CORE_WHEEL} (listed with sha256 {other}, ours is {ours[CORE_WHEEL]})" in run.err
    assert "did not show" not in run.err
    assert "demo_agents" not in "".join(posts(proxy))  # its dependent waits


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_the_last_tier_listed_with_another_sha256_fails_without_waiting(
    transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """demo-extra is the only tier: the index listing its wheel with other bytes' hash
    after the upload (a proxy that changed it) is a failure, said at once."""
    configure(ws, f'[tool.relnox.publish]\ntransport = "{transport}"\n')
    other = "0" * 64
    proxy = serve(upstream=index.url)
    proxy.rewrite = as_json(sha256=lambda n, s: other if n == EXTRA_WHEEL and posts(proxy) else s)
    run = relnox(ws, "-r", proxy.url, "-p", "demo-extra", "--wait", "300")
    assert run.code == 1 and "Traceback" not in run.err, run.err
    assert run.seconds < 30  # not after the 300 s wait
    assert f"{EXTRA_WHEEL} (listed with sha256 {other}, ours is " in run.error_line
    assert "did not show" not in run.err


@pytest.mark.slow
def test_the_last_tier_that_never_shows_fails_after_the_wait(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The index answers the upload 200 but never lists the file: "uploaded" is not said of
    a file the index does not have, for the last tier as for the others."""
    proxy = serve(upstream=index.url)
    proxy.rule = lambda seen: Reply(404) if seen.method == "GET" and posts(proxy) else None
    run = relnox(ws, "-r", proxy.url, "-p", "demo-extra", "--wait", "2")
    assert run.code == 1 and "Traceback" not in run.err, run.err
    assert run.seconds < 30
    line = run.error_line
    assert f"{EXTRA_WHEEL}" in line and "did not show within 2s" in line
    assert "run the same command again once they show" in line
    assert "its dependents wait" not in line


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_an_upload_the_index_never_answers_fails_within_the_timeout(
    transport: str, ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The proxy takes the whole request and holds it; stall stays at its 120 s default."""
    configure(ws, "[tool.relnox.network]\ntimeout = 2\nretries = 1\n")
    configure(ws, f'[tool.relnox.publish]\ntransport = "{transport}"\n')
    proxy = serve(upstream=index.url, rule=lambda seen: HANG if seen.method == "POST" else None)
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core")
    assert run.code == 1
    assert run.seconds < 20, run.seconds  # 2 attempts of 2 s, a 1 s backoff, and start-up
    line = run.error_line
    assert "[tool.relnox.network] timeout = 2" in line and CORE_WHEEL in line
    assert "2 attempts" in line


def test_a_local_version_is_refused_for_pypi_and_testpypi_only() -> None:
    """PyPI answers 400 for a version with a local part: said before anything is sent,
    naming every such package and the public version to release instead."""
    from relnox.publish.rules import refusal
    from relnox.tools.repositories import from_url, resolve

    versions = [("demo-core", "1.3.0"), ("demo-app", "1.3.0+corp.2"), ("demo-cli", "2.0+x")]
    for name in ("pypi", "testpypi"):
        said = refusal(versions, [], resolve(name))
        assert said is not None and said.startswith("demo-app 1.3.0+corp.2, demo-cli 2.0+x: ")
        assert "refuses versions with a local part (+corp.2)" in said
        assert "relnox bump -p demo-app --to 1.3.1," in said and "nothing was uploaded" in said
    assert refusal(versions, [], from_url("http://127.0.0.1:8080/")) is None
    assert refusal(versions[:1], [], resolve("pypi")) is None


def test_a_private_classifier_is_refused_for_pypi_and_testpypi_only(tmp_path: Path) -> None:
    """A monorepo's checks classified ``Private :: Do Not Upload``:
    PyPI answers 400 for them, after the packages before them were up. The preflight says
    so before anything is sent, naming each such package; a private index takes them."""
    import zipfile

    from relnox.publish.rules import refusal
    from relnox.tools.repositories import from_url, resolve

    def wheel(name: str, *classifiers: str) -> Path:
        path = tmp_path / f"{name}-1.0.0-py3-none-any.whl"
        headers = "".join(f"Classifier: {c}\n" for c in classifiers)
        body = "\nA description that says Classifier: Private :: Do Not Upload\n"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                f"{name}-1.0.0.dist-info/METADATA",
                f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0.0\n{headers}{body}",
            )
        return path

    files = [
        ("acme-base", wheel("acme_base", "Programming Language :: Python :: 3")),
        ("acme-postgres", wheel("acme_postgres", "Private :: Do Not Upload")),
        ("acme-docs", wheel("acme_docs")),  # the word in its description only
    ]
    versions = [(name, "1.0.0") for name, _ in files]  # no local part: the files speak
    for name in ("pypi", "testpypi"):
        said = refusal(versions, files, resolve(name))
        assert said is not None
        assert said.startswith("acme-postgres: classified 'Private :: Do Not Upload', which ")
        assert "nothing was uploaded" in said and "leave acme-postgres out of -p" in said
    assert refusal(versions, files, from_url("http://127.0.0.1:8080/")) is None
    assert refusal(versions, [files[0], files[2]], resolve("pypi")) is None


def test_a_direct_reference_is_refused_for_pypi_and_testpypi_only(tmp_path: Path) -> None:
    """A package requiring ``dep @ git+URL``: PyPI answers 400 ("Can't have direct
    dependency") for it, after the packages before it were up. The preflight says so
    before anything is sent, naming the package and the requirement; a private index
    takes it, and a URL in an extra's marker or the description is no reference."""
    import zipfile

    from relnox.publish.rules import refusal
    from relnox.tools.repositories import from_url, resolve

    def wheel(name: str, *requires: str) -> Path:
        path = tmp_path / f"{name}-1.0.0-py3-none-any.whl"
        headers = "".join(f"Requires-Dist: {r}\n" for r in requires)
        body = "\nInstall it with pip install 'x @ git+https://example.invalid/x.git'\n"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                f"{name}-1.0.0.dist-info/METADATA",
                f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0.0\n{headers}{body}",
            )
        return path

    reference = "core @ git+https://example.invalid/core.git"
    files = [
        ("acme-base", wheel("acme_base", "packaging>=24", 'rich; extra == "cli"')),
        ("acme-tool", wheel("acme_tool", "acme-base", reference)),
        ("acme-docs", wheel("acme_docs")),  # the URL in its description only
    ]
    versions = [(name, "1.0.0") for name, _ in files]  # no local part: the files speak
    for name in ("pypi", "testpypi"):
        said = refusal(versions, files, resolve(name))
        assert said is not None
        start = f"acme-tool: requires '{reference}', a direct reference, which "
        assert said.startswith(start), said
        assert "nothing was uploaded" in said and "require a released version" in said, said
    assert refusal(versions, files, from_url("http://127.0.0.1:8080/")) is None
    assert refusal(versions, [files[0], files[2]], resolve("pypi")) is None


def test_a_plain_linux_wheel_is_refused_for_pypi_and_testpypi_only(tmp_path: Path) -> None:
    """A C extension built here is tagged ``linux_x86_64``: PyPI answers 400 ("unsupported
    platform tag") for it, after the packages before it were up. The preflight says so
    before anything is sent, naming the file and the repair; manylinux, musllinux, pure
    wheels and sdists pass, and a private index takes it."""
    from relnox.publish.rules import refusal
    from relnox.tools.repositories import from_url, resolve

    names = [
        ("acme-base", "acme_base-1.0.0-py3-none-any.whl"),
        ("acme-speed", "acme_speed-1.0.0.tar.gz"),
        ("acme-speed", "acme_speed-1.0.0-cp311-cp311-linux_x86_64.whl"),
        ("acme-fast", "acme_fast-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
        ("acme-fast", "acme_fast-1.0.0-cp311-cp311-musllinux_1_2_aarch64.whl"),
    ]
    files = [(name, tmp_path / filename) for name, filename in names]
    versions = [(name, "1.0.0") for name, _ in files]  # no local part: the files speak
    for name in ("pypi", "testpypi"):
        said = refusal(versions, files, resolve(name))
        assert said is not None
        assert said.startswith("acme_speed-1.0.0-cp311-cp311-linux_x86_64.whl: platform tag "), said
        assert "auditwheel repair" in said and "nothing was uploaded" in said, said
    assert refusal(versions, files, from_url("http://127.0.0.1:8080/")) is None
    assert refusal(versions, [files[0], files[1], files[3]], resolve("pypi")) is None


@pytest.mark.slow
def test_a_status_reason_the_index_writes_is_shown_on_one_line(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """PEP 792's reason is the index's free text: a reason of several lines (or a huge one)
    made the one-line refusal many lines, the last of them the index's; it is now one line,
    cut short."""
    reason = "moved\nrelnox: published demo-core 0.1.0" + "x" * 5000
    proxy = serve(upstream=index.url, rewrite=as_json(status="quarantined", reason=reason))
    run = relnox(ws, "-r", proxy.url, "-p", "demo-core")
    assert run.code == 1 and "Traceback" not in run.err
    errors = [line for line in run.err.splitlines() if "published demo-core" in line]
    assert len(errors) == 1 and errors[0].startswith("relnox: error: "), run.err
    assert len(errors[0]) < 1500 and "demo-core is quarantined on" in errors[0]
    assert posts(proxy) == []
    doctor = relnox(ws, "--repository", proxy.url, "-p", "demo-core", command="doctor")
    rows = [line for line in doctor.out.splitlines() if "published demo-core" in line]
    assert len(rows) == 1 and "index demo-core status" in rows[0], doctor.out
