"""publish --attestations: PEP 740 attestations travel with their files, up to the Sigstore boundary.

What cannot run here is the real OIDC exchange and Sigstore (Fulcio, Rekor). Up to
that boundary everything is real: the ``id`` library fetches the job's identity
from a fake GitHub OIDC endpoint on 127.0.0.1 and sigstore reads it; the
``pypi-attestations`` library builds the in-toto statement of a real wheel and
turns a signed bundle into the attestation object it writes as
``<file>.publish.attestation`` (only the bundle, which Sigstore would return, is a
recording made here with a local key); twine uploads the files with their
attestations to a real local index.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pypi_attestations import Attestation, Distribution

from relnox._proc import Result
from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish.report import PublishResult
from relnox.tools.index_server import LocalIndex, write_htpasswd
from relnox.tools.network import NetworkSettings
from relnox.tools.upload import twine_argv, watched_runner
from tests.publish_support import USER, FaultyProxy, copy_tree, publish_with, shared_release

TOKEN = "relnox-fake-upload-token-0002"
WORKFLOW = "example/project/.github/workflows/release.yml@refs/tags/v0.1.0"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def recorded_identity(audience: str) -> str:
    """A GitHub Actions OIDC token as the runner hands it out (the signature is not checked
    before Fulcio, which is past the boundary)."""
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    claims = {
        "iss": GITHUB_ISSUER,
        "aud": audience,
        "sub": "repo:example/project:environment:pypi",
        "job_workflow_ref": WORKFLOW,
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    return f"{_b64url({'alg': 'RS256', 'typ': 'JWT'})}.{_b64url(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def oidc_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """GitHub's OIDC token endpoint, faked on 127.0.0.1; yields the audiences asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            audience = re.search(r"audience=([^&]+)", self.path)
            asked.append(audience.group(1) if audience else "")
            ok = self.headers.get("Authorization", "").lower() == "bearer runner-request-token"
            body = json.dumps({"value": recorded_identity(asked[-1])}).encode()
            self.send_response(200 if ok else 403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    url = f"http://127.0.0.1:{server.server_address[1]}/token?api-version=2.0"
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", url)
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-request-token")
    try:
        yield asked
    finally:
        server.shutdown()
        server.server_close()


def test_the_job_identity_is_found_the_way_pypi_attestations_finds_it(
    oidc_endpoint: list[str],
) -> None:
    from id import detect_credential
    from sigstore.oidc import IdentityToken

    token = IdentityToken(detect_credential("sigstore") or "")
    assert oidc_endpoint == ["sigstore"]
    assert token.issuer == GITHUB_ISSUER
    assert token.identity == "repo:example/project:environment:pypi"  # who signs


class RecordingSigner:
    """In place of sigstore's Signer: signs the statement with a local key and returns the
    parts of a Sigstore bundle that ``Attestation.from_bundle`` reads."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sigstore-intermediate")])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(minutes=10))
            .add_extension(
                x509.SubjectAlternativeName([x509.UniformResourceIdentifier(WORKFLOW)]),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )

    def sign_dsse(self, statement: Any) -> Any:
        payload: bytes = statement._contents
        signature = self.key.sign(payload, ec.ECDSA(hashes.SHA256()))
        entry = {"logIndex": "1", "logId": {"keyId": "cmVrb3I="}, "kindVersion": {}}
        return SimpleNamespace(
            signing_certificate=self.certificate,
            _inner=SimpleNamespace(
                dsse_envelope=SimpleNamespace(
                    payload=payload, signatures=[SimpleNamespace(sig=signature)]
                )
            ),
            log_entry=SimpleNamespace(_inner=SimpleNamespace(to_dict=lambda: entry)),
        )


def attest(path: Path) -> Attestation:
    """What ``python -m pypi_attestations sign FILE`` writes beside FILE."""
    attestation = Attestation.sign(cast(Any, RecordingSigner()), Distribution.from_file(path))
    Path(f"{path}.publish.attestation").write_text(attestation.model_dump_json())
    return attestation


@pytest.fixture
def ws(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_tree(shared_release(tmp_path_factory), tmp_path / "ws")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    htpasswd = write_htpasswd(tmp_path / "htpasswd", {USER: TOKEN})
    with LocalIndex(tmp_path / "index-data", password_file=htpasswd) as idx:
        yield idx


class BodyRecorder(FaultyProxy):
    """The test proxy, keeping every upload's multipart body."""

    bodies: list[bytes]

    def forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if method == "POST" and body is not None:
            self.bodies.append(body)
        return super().forward(method, path, body, headers)


def run(ws: Path, url: str, argvs: list[list[str]], **kwargs: Any) -> PublishResult:
    def recording(argv: Sequence[str], env: Mapping[str, str]) -> Result:
        argvs.append(list(argv))
        return watched_runner(NetworkSettings())(argv, env)

    environ = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": TOKEN}
    return publish_with(
        load_workspace(ws), repository=url, environ=environ, run=recording, retry_delay=0.01,
        sleep=lambda seconds: None, packages=["demo-core"], **kwargs,
    )  # fmt: skip


@pytest.mark.slow
def test_attestations_are_uploaded_with_their_files(ws: Path, index: LocalIndex) -> None:
    dist = ws / "dist"
    files = sorted(p for p in dist.iterdir() if p.name.startswith("demo_core-"))
    made = {p.name: attest(p) for p in files}
    for name, attestation in made.items():  # the statement names the file and its digest
        subject = attestation.statement["subject"][0]
        assert subject["name"] == name
        assert subject["digest"]["sha256"] == Distribution.from_file(dist / name).digest
    argvs: list[list[str]] = []
    proxy = BodyRecorder(index.url)
    proxy.bodies = []
    with proxy:
        result = run(ws, proxy.url, argvs, attestations=True)
    assert result.ok and sorted(result.uploaded) == sorted(made)
    uploads = [a for a in argvs if "upload" in a]
    assert uploads and all("--attestations" in a for a in uploads)
    for argv in uploads:  # each file goes with its own attestation, never another's
        dists = [Path(a) for a in argv if Path(a).name in made]
        assert [a for a in argv if a.endswith(".attestation")] == [
            f"{d}.publish.attestation" for d in dists
        ]
    sent = {}
    for body in proxy.bodies:
        filename = re.search(rb'filename="([^"]+)"', body)
        field = re.search(rb'name="attestations"\r\n\r\n(.*?)\r\n--', body, re.S)
        assert filename and field
        sent[filename.group(1).decode()] = json.loads(field.group(1))
    assert sent == {name: [json.loads(a.model_dump_json())] for name, a in made.items()}
    assert sorted(p.name for p in index.data_dir.iterdir()) == sorted(made)  # files only


@pytest.mark.slow
def test_a_file_without_an_attestation_stops_before_any_upload(ws: Path, index: LocalIndex) -> None:
    wheel = next((ws / "dist").glob("demo_core-*.whl"))
    attest(wheel)  # the sdist has none
    argvs: list[list[str]] = []
    for dry_run in (True, False):
        with pytest.raises(
            PublishError, match=r"no PEP 740 attestation beside demo_core-0\.1\.0\.tar\.gz"
        ):
            run(ws, index.url, argvs, attestations=True, dry_run=dry_run)
    assert not any("upload" in a for a in argvs) and list(index.data_dir.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "zero", "elsewhere", "huge"])
def test_an_attestation_that_is_no_file_of_its_own_stops_before_any_upload(
    ws: Path, index: LocalIndex, tmp_path: Path, kind: str
) -> None:
    """A pipe named as an attestation was a SpecialFileError traceback when the files
    were copied to be sent; a link to /dev/zero filled the disk; a link to a file of
    another name (a key) had it copied and handed to the uploader."""
    wheel, sdist = sorted((ws / "dist").glob("demo_core-*"), key=lambda p: p.suffix != ".whl")
    attest(wheel)
    bad = Path(f"{sdist}.publish.attestation")
    key = tmp_path / "id_ed25519"
    key.write_text("a private key\n")
    if kind == "fifo":
        os.mkfifo(bad)
    elif kind == "zero":
        bad.symlink_to("/dev/zero")
    elif kind == "elsewhere":
        bad.symlink_to(key)
    else:
        bad.write_bytes(b" " * (2 << 20))
    argvs: list[list[str]] = []
    with pytest.raises(PublishError) as caught:
        run(ws, index.url, argvs, attestations=True)
    said = {"fifo": "not a regular file", "zero": "not a regular file", "huge": "bytes, more"}
    assert str(caught.value).startswith(f"{bad}: the attestation is "), caught.value
    assert said.get(kind, "a link to id_ed25519") in str(caught.value)
    assert not any("upload" in a for a in argvs) and list(index.data_dir.iterdir()) == []


def test_upload_argv_without_attestations_is_unchanged(tmp_path: Path) -> None:
    from dataclasses import replace

    from relnox.tools.credentials import Credentials
    from relnox.tools.repositories import from_url
    from relnox.tools.upload import Upload

    wheel = tmp_path / "a-1.0-py3-none-any.whl"
    Path(f"{wheel}.publish.attestation").write_text("{}")
    network = NetworkSettings()
    plain = Upload(
        [wheel],
        from_url("http://127.0.0.1:1/"),
        Credentials("none", "anonymous"),
        {},
        watched_runner(network),
        network,
    )
    assert "--attestations" not in twine_argv(plain)
    assert twine_argv(plain)[-1] == str(wheel)
    assert twine_argv(replace(plain, attestations=True))[-2:] == [
        str(wheel),
        f"{wheel}.publish.attestation",
    ]
