"""sha256, sha1 and blake2b without OpenSSL for a command that hashes little (relnox/digests.py):
the same digests as hashlib's, OpenSSL's own past the budget, and a command's start that
never loads it."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relnox import digests

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 1000, 70_000])
def test_every_hasher_gives_hashlibs_digest(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = os.urandom(size)
    monkeypatch.setattr(digests, "_left", digests.BUDGET)
    for algorithm in ("sha256", "sha1"):
        whole = digests.new(algorithm, data).hexdigest()
        pieces = digests.new(algorithm, data[:10], size=size)
        pieces.update(data[10:])
        assert whole == pieces.hexdigest() == hashlib.new(algorithm, data).hexdigest()
    assert digests.file_sha256(io.BytesIO(data), size) == hashlib.sha256(data).hexdigest()
    assert digests.key(data) == hashlib.blake2b(data, digest_size=32).hexdigest()
    assert (
        digests.blake2b(data, digest_size=32).digest()
        == hashlib.blake2b(data, digest_size=32).digest()
    )


def test_past_its_budget_a_process_hashes_with_openssl(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interpreter's own sha256 is ~6x slower on large data: it takes at most BUDGET
    bytes, said up front (``size``) or given."""
    monkeypatch.setattr(digests, "_left", 100)
    monkeypatch.delitem(sys.modules, "hashlib")  # as in a command that never loaded it
    small = digests.sha256(b"x" * 60)
    assert type(small).__module__ in ("_sha256", "_sha2") and digests._left == 40
    large = digests.sha256(size=41)  # more than is left
    assert type(large).__module__ == "_hashlib"
    assert small.hexdigest() == hashlib.sha256(b"x" * 60).hexdigest()


def test_a_commands_modules_import_no_openssl_hashing() -> None:
    code = (
        "import sys; import relnox.cli, relnox.verify, relnox.publish, relnox.project.discovery;"
        "import relnox.publish.plan, relnox.publish.run, relnox.tools.http_upload;"
        "print(sorted({'hashlib', '_hashlib'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"
