"""Uploads posted by relnox itself (relnox/tools/http_upload.py): twine's form, the credentials
in the request only, no redirect followed, every wait bounded, the bytes sent the bytes hashed.

Against a real pypiserver on 127.0.0.1, behind the fault-injecting server where a case needs
a fault.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox import _proc as proc
from relnox.tools import http_upload
from relnox.tools.credentials import Credentials
from relnox.tools.http_upload import InProcess, _Changed, _digests, _Form, fits, form_fields
from relnox.tools.index_server import LocalIndex, write_htpasswd
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository, from_url
from relnox.tools.upload import EXISTS, FAILED, OK, STALL, TRANSIENT, Attempt, Upload
from tests.fault_server import DROP, HANG, TRICKLE, FaultServer, Reply, Rule, Seen
from tests.publish_support import USER, shared_release

pytestmark = pytest.mark.slow  # builds and serves

TOKEN = "relnox-in-process-token-7f3a"
CREDENTIALS = Credentials("TWINE_USERNAME/TWINE_PASSWORD", "password", USER, TOKEN)
WHEEL, SDIST = "demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"

METADATA = """\
Metadata-Version: 2.1
Name: my_odd.pkg
Version: 1.0
Summary: A package with every kind of field
Keywords: alpha,beta , gamma
Project-URL: Home, https://example.invalid/home
Project-URL: Issues,https://example.invalid/issues
Classifier: Programming Language :: Python
Classifier: License :: OSI Approved :: MIT License
Requires-Dist: demo-core>=0.1
Provides-Extra: fast
License-File: LICENSE
Description-Content-Type: text/markdown

# my odd package

Its readme, ünïcode and all.
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_release(tmp_path_factory)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


@pytest.fixture
def servers() -> Iterator[list[FaultServer]]:
    started: list[FaultServer] = []
    yield started
    for server in started:
        server.stop()


def _serve(servers: list[FaultServer], **kwargs: object) -> FaultServer:
    server = FaultServer(**kwargs)  # type: ignore[arg-type]
    servers.append(server)
    return server


def _upload(
    url: str,
    paths: list[Path],
    network: NetworkSettings | None = None,
    contents: dict[Path, bytes] | None = None,
) -> Attempt:
    request = Upload(
        paths,
        from_url(url),
        CREDENTIALS,
        os.environ,
        lambda argv, env: pytest.fail(f"a child was started: {argv}"),
        network or NetworkSettings(timeout=5, stall=5, retries=0),
        contents=contents or {},
    )
    return InProcess().upload(request)


def _twines_form(path: Path) -> Counter[tuple[str, str]]:
    """The fields ``twine upload`` posts with ``path`` (twine's own reading of the file)."""
    from twine.package import PackageFile

    fields: list[tuple[str, str]] = [(":action", "file_upload"), ("protocol_version", "1")]
    for key, value in PackageFile.from_filename(str(path), None).metadata_dictionary().items():
        if key == "project_urls":
            assert isinstance(value, dict)
            fields += [(key, f"{label}, {url}") for label, url in value.items()]
        elif key == "keywords":
            fields.append((key, ", ".join(value)))  # type: ignore[arg-type]
        elif isinstance(value, list | tuple):
            fields += [(key, str(item)) for item in value]
        else:
            fields.append((key, str(value)))
    return Counter(fields)


def _odd_wheel(tmp_path: Path) -> Path:
    wheel = tmp_path / "my_odd.pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("my_odd/__init__.py", "")
        archive.writestr("my_odd.pkg-1.0.dist-info/METADATA", METADATA)
        archive.writestr("my_odd.pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        archive.writestr("my_odd.pkg-1.0.dist-info/RECORD", "")
    return wheel


def test_the_form_is_the_one_twine_posts(release: Path, tmp_path: Path) -> None:
    """Field for field, as twine reads the same file: metadata (a safe name, keywords and
    project URLs as twine writes them, no License-File below metadata 2.4, the readme from
    the body), pyversion, filetype and digests."""
    for path in (release / "dist" / WHEEL, release / "dist" / SDIST, _odd_wheel(tmp_path)):
        sha256, blake2 = _digests(path, None)
        mine = Counter(form_fields(path, sha256, blake2))
        assert mine == _twines_form(path), path.name
    odd = dict(form_fields(_odd_wheel(tmp_path), "0" * 64, "0" * 64))
    assert odd["name"] == "my-odd.pkg" and odd["keywords"] == "alpha, beta, gamma"
    assert "license_file" not in odd and odd["description"].startswith("# my odd package")


def test_an_upload_stores_the_bytes_and_sends_the_credentials_only_in_its_request(
    release: Path, index: LocalIndex, servers: list[FaultServer]
) -> None:
    proxy = _serve(servers, upstream=index.url)
    attempt = _upload(proxy.url, [release / "dist" / WHEEL, release / "dist" / SDIST])
    assert attempt.kind == OK and attempt.tool == "relnox", attempt.output
    for name in (WHEEL, SDIST):
        assert (index.data_dir / name).read_bytes() == (release / "dist" / name).read_bytes()
    posts = [seen for seen in proxy.seen if seen.method == "POST"]
    assert [seen.filename for seen in posts] == [WHEEL, SDIST] and all(s.authorized for s in posts)
    assert TOKEN not in attempt.output and f"Uploading {WHEEL}" in attempt.output


def test_the_bytes_a_snapshot_holds_are_the_bytes_sent(
    release: Path, index: LocalIndex, tmp_path: Path
) -> None:
    """Given a file's bytes (a snapshot in memory), those go out, whatever the path holds now."""
    built = (release / "dist" / WHEEL).read_bytes()
    path = tmp_path / WHEEL
    path.write_bytes(built + b"changed on disk since")
    attempt = _upload(index.url, [path], contents={path: built})
    assert attempt.kind == OK, attempt.output
    assert (index.data_dir / WHEEL).read_bytes() == built


def test_a_redirected_upload_is_not_followed(
    release: Path, index: LocalIndex, servers: list[FaultServer]
) -> None:
    foreign = _serve(servers, rule=lambda seen: Reply(200))
    away = Reply(307, (("Location", f"{foreign.url}legacy/"),))
    proxy = _serve(servers, upstream=index.url, rule=lambda s: away if s.method == "POST" else None)
    attempt = _upload(proxy.url, [release / "dist" / WHEEL, release / "dist" / SDIST])
    assert attempt.kind == FAILED and attempt.status == 307 and attempt.stopped_at == WHEEL
    assert "redirected the upload to" in attempt.detail and foreign.url in attempt.detail
    assert foreign.seen == [] and list(index.data_dir.iterdir()) == []


def _refuse(filename: str, reply: Reply | object) -> Rule:
    def rule(seen: Seen) -> Reply | None:
        return reply if seen.filename == filename else None  # type: ignore[return-value]

    return rule


def test_the_index_refusals_are_told_apart_and_the_attempt_stops_at_the_refused_file(
    release: Path, index: LocalIndex, servers: list[FaultServer]
) -> None:
    files = [release / "dist" / WHEEL, release / "dist" / SDIST]
    reason = "This filename has already been used, use a different version."
    proxy = _serve(servers, upstream=index.url, rule=_refuse(SDIST, Reply(400, reason=reason)))
    attempt = _upload(proxy.url, files)
    assert attempt.kind == EXISTS and attempt.status == 400 and attempt.stopped_at == SDIST
    assert attempt.detail.startswith(f"HTTP 400: {reason}")
    assert sorted(p.name for p in index.data_dir.iterdir()) == [WHEEL]

    limited = Reply(429, (("Retry-After", "7"),), b"slow down")
    sdist = files[1:]  # the wheel is there now
    attempt = _upload(_serve(servers, upstream=index.url, rule=_refuse(SDIST, limited)).url, sdist)
    assert attempt.kind == TRANSIENT and attempt.headers == (("Retry-After", "7"),)
    assert attempt.detail == "HTTP 429 Too Many Requests: slow down"

    attempt = _upload(_serve(servers, upstream=index.url, rule=_refuse(SDIST, DROP)).url, sdist)
    assert attempt.kind == TRANSIENT and attempt.stopped_at == SDIST

    # a binary error page (a proxy's, a crashed server's) is said to be one, not shown
    binary = Reply(502, body=bytes(range(256)) * 4000)
    attempt = _upload(_serve(servers, upstream=index.url, rule=_refuse(SDIST, binary)).url, sdist)
    assert attempt.kind == TRANSIENT
    assert attempt.detail == "HTTP 502 Bad Gateway: an answer that is not text (1024000 characters)"


def test_every_wait_for_the_answer_is_bounded_and_named(
    release: Path, index: LocalIndex, servers: list[FaultServer]
) -> None:
    wheel = [release / "dist" / WHEEL]
    hang = _serve(servers, upstream=index.url, rule=_refuse(WHEEL, HANG))
    attempt = _upload(hang.url, wheel, NetworkSettings(timeout=0.5, stall=30, retries=0))
    assert attempt.kind == STALL and proc.NO_ANSWER in attempt.output  # the answer rule
    attempt = _upload(hang.url, wheel, NetworkSettings(timeout=0.5, stall=0.5, retries=0))
    assert attempt.kind == STALL and proc.NO_ANSWER not in attempt.output  # the stall rule

    trickle = _serve(servers, upstream=index.url, rule=_refuse(WHEEL, TRICKLE))
    attempt = _upload(trickle.url, wheel, NetworkSettings(timeout=0.5, stall=0.5, retries=0))
    assert attempt.kind == STALL and "did not end within 1s" in attempt.detail


def test_a_file_that_changed_after_it_was_hashed_is_never_sent_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read whole is sent as it was hashed, whatever happens to it later; a larger
    one, read again as it goes, stops before its last piece when its bytes changed."""
    path = tmp_path / "demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "demo-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        )
        archive.writestr("demo/data.bin", os.urandom(300_000))
    original = path.read_bytes()

    def rewrite() -> None:
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))

    whole = _Form.of(path)  # 300 kB: read once
    rewrite()
    assert b"".join(whole.pieces()) == whole.head + original + whole.tail

    path.write_bytes(original)
    monkeypatch.setattr(http_upload, "IN_MEMORY", 0)  # read again as it is sent
    form = _Form.of(path)
    pieces = form.pieces()
    sent = [next(pieces)]  # the first piece has gone; then the file is rewritten
    rewrite()
    with pytest.raises(_Changed):
        sent += list(pieces)
    body = b"".join(sent)
    assert len(body) < form.length and form.tail not in body


@pytest.mark.parametrize(
    ("url", "credentials", "environ", "attestations", "expected"),
    [
        ("http://127.0.0.1:8080/", CREDENTIALS, {}, False, True),
        ("http://localhost:3141/root/dev/", CREDENTIALS, {}, False, True),
        (
            "http://[::1]:8080/",
            Credentials("none", "anonymous", "relnox", "anonymous"),
            {},
            False,
            True,
        ),
        ("https://127.0.0.1:8443/", CREDENTIALS, {}, False, False),  # TLS: a child's trust
        ("http://192.0.2.7:8080/", CREDENTIALS, {}, False, False),  # another machine
        ("http://127.0.0.1:8080/", Credentials("keyring", "keyring", USER), {}, False, False),
        ("http://127.0.0.1:8080/", CREDENTIALS, {}, True, False),  # attestations: twine
        ("http://127.0.0.1:8080/", CREDENTIALS, {"HTTP_PROXY": "http://proxy:3128"}, False, False),
        ("http://127.0.0.1:8080/", CREDENTIALS, {"all_proxy": "http://proxy:3128"}, False, False),
        (
            "http://127.0.0.1:8080/",
            CREDENTIALS,
            {"HTTP_PROXY": "http://proxy:3128", "NO_PROXY": "example.invalid,127.0.0.1"},
            False,
            True,
        ),
    ],
)
def test_relnox_posts_the_files_itself_only_to_a_plain_index_on_this_machine(
    url: str,
    credentials: Credentials,
    environ: dict[str, str],
    attestations: bool,
    expected: bool,
    tmp_path: Path,
) -> None:
    env = {"HOME": str(tmp_path), "PIP_CONFIG_FILE": os.devnull, **environ}
    repository = from_url(url)
    assert isinstance(repository, Repository)
    assert fits(repository, credentials, env, attestations=attestations) is expected


def test_a_proxy_only_pip_is_told_of_does_not_send_the_uploads_to_a_child(tmp_path: Path) -> None:
    """pip.conf's proxy is given to uv children, but the index's pages are read here without
    it: relnox posts to an index on this machine itself all the same (and reads no pip
    configuration to decide)."""
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nproxy = http://proxy.example.invalid:3128\n")
    env = {"HOME": str(tmp_path), "PIP_CONFIG_FILE": str(conf), "PIP_PROXY": "http://p:1"}
    assert fits(from_url("http://127.0.0.1:8080/"), CREDENTIALS, env)


def test_the_metadata_sent_is_that_of_the_bytes_sent(tmp_path: Path) -> None:
    """A file held in memory (the snapshot's) is described by its own metadata, whatever the
    file on disk holds by the time the form is made: never one file's fields with another's
    bytes."""
    wheel = _odd_wheel(tmp_path)
    built = wheel.read_bytes()
    with zipfile.ZipFile(wheel, "w") as archive:  # replaced on disk after the snapshot
        archive.writestr("my_odd/__init__.py", "")
        archive.writestr(
            "my_odd.pkg-1.0.dist-info/METADATA",
            METADATA.replace("every kind of field", "OTHER BYTES"),
        )
        archive.writestr("my_odd.pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
        archive.writestr("my_odd.pkg-1.0.dist-info/RECORD", "")
    form = _Form.of(wheel, built)
    assert b"A package with every kind of field" in form.head
    assert b"OTHER BYTES" not in form.head
    assert form.sha256 == _digests(wheel, built)[0]
