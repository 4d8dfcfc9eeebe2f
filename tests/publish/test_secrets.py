"""A fake token never shows: not in stdout, stderr, files written, or any child's argv.

``relnox publish`` and ``relnox testpypi`` run for real at maximum verbosity (-vvv),
once with a wrong token (403) and once with the right one. A ``sitecustomize`` on
the ``PYTHONPATH`` of the relnox process records, for every Python process of the
tree (relnox, each twine, pip...), its full ``sys.orig_argv``, whether a password
arrived in its environment, and the argv of every child it starts (uv, git, ...).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.conftest import run_relnox
from tests.publish_support import SPY, USER, copy_tree, shared_release

pytestmark = pytest.mark.slow  # builds, serves or makes environments

GOOD = "pypi-AgEIcHlwaS5vcmcRELNOXgoodFAKEtoken0001"
TWO = ["-p", "demo-core", "-p", "demo-agents"]
WRONG = "pypi-AgEIcHlwaS5vcmcRELNOXwrongFAKEtoken0002"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- agents <- runtime, plus an independent extra; built once per run."""
    return shared_release(tmp_path_factory)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def indexes(work: Path) -> Iterator[tuple[LocalIndex, LocalIndex]]:
    """A private index (user ``uploader``) and a stand-in for TestPyPI (user ``__token__``)."""
    users = {USER: GOOD, "__token__": GOOD}
    with (
        LocalIndex(
            work / "private-data", password_file=write_htpasswd(work / "ht", users)
        ) as private,
        LocalIndex(work / "testpypi-data", password_file=work / "ht") as testpypi,
    ):
        yield private, testpypi


def _run(
    args: list[str], ws: Path, work: Path, hermetic: Path, **secrets: str
) -> tuple[str, str, int]:
    spy = work / "spy"
    spy.mkdir(exist_ok=True)
    (spy / "sitecustomize.py").write_text(SPY, encoding="utf-8")
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {
        **os.environ,
        **secrets,
        "PYTHONPATH": str(spy),
        "RELNOX_SPY_LOG": str(work / "spy.log"),
        "TMPDIR": str(tmp),
        "GITHUB_ACTIONS": "true",  # also the step outputs, summary and ::error:: annotations
        "GITHUB_OUTPUT": str(work / "github-output"),
        "GITHUB_STEP_SUMMARY": str(work / "github-summary"),
    }
    proc = run_relnox(*args, "-vvv", cwd=ws, env=env)
    return proc.stdout, proc.stderr, proc.returncode


def _assert_nowhere(
    secrets: tuple[str, ...], work: Path, home: Path, outputs: list[str]
) -> list[dict[str, object]]:
    for secret in secrets:
        for text in outputs:
            assert secret not in text
        for root in (work, home):
            for path in root.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    assert secret.encode() not in path.read_bytes(), path
    entries = [json.loads(line) for line in (work / "spy.log").read_text().splitlines()]
    for entry in entries:
        for secret in secrets:
            assert secret not in json.dumps(entry)
    return entries


def _uploads(entries: list[dict[str, object]], transport: str) -> list[dict[str, object]]:
    """The upload children: twine's own processes, or the ``uv publish`` relnox started."""
    key, words = ("argv", ("twine", "upload")) if transport == "twine" else ("popen", ("publish",))
    return [e for e in entries if all(w in list(e.get(key) or []) for w in words)]  # type: ignore[call-overload]


def _use(ws: Path, transport: str) -> None:
    pyproject = ws / "pyproject.toml"
    text = f'\n[tool.relnox.publish]\ntransport = "{transport}"\n'
    pyproject.write_text(pyproject.read_text() + text)


@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_publish_at_full_verbosity_hides_the_token(
    release: Path,
    work: Path,
    hermetic: Path,
    indexes: tuple[LocalIndex, LocalIndex],
    transport: str,
) -> None:
    private, _ = indexes
    ws = copy_tree(release, work / "ws")
    _use(ws, transport)
    out1, err1, code1 = _run(
        ["publish", "--repository", private.url, *TWO],
        ws,
        work,
        hermetic,
        TWINE_USERNAME=USER,
        TWINE_PASSWORD=WRONG,
    )
    assert code1 == 1 and "HTTP 403" in err1 and "TWINE_USERNAME/TWINE_PASSWORD" in err1, err1[
        -2000:
    ]
    assert "403 Forbidden" in err1  # the uploader's own output is shown at -vvv
    out2, err2, code2 = _run(
        ["publish", "--repository", private.url, *TWO],
        ws,
        work,
        hermetic,
        TWINE_USERNAME=USER,
        TWINE_PASSWORD=GOOD,
    )
    assert code2 == 0, err2
    if transport == "twine":
        assert "password: <hidden>" in err2  # twine ran with --verbose
    else:
        assert "Uploading demo_core-0.1.0-py3-none-any.whl" in err2  # uv's own output, shown
    entries = _assert_nowhere((GOOD, WRONG), work, hermetic, [out1, err1, out2, err2])
    uploads = _uploads(entries, transport)
    # twine: 1 refused + one per file; uv: 1 refused + one per package (its files together)
    assert len(uploads) == (5 if transport == "twine" else 3)
    assert all(u["password_in_env"] for u in uploads)  # the token went by environment
    assert any("popen" in e for e in entries)  # child argv were recorded
    assert len(list(private.data_dir.iterdir())) == 4


@pytest.mark.parametrize("transport", ["uv", "twine"])
def test_testpypi_at_full_verbosity_hides_the_token(
    release: Path,
    work: Path,
    hermetic: Path,
    indexes: tuple[LocalIndex, LocalIndex],
    transport: str,
) -> None:
    _, testpypi = indexes
    ws = copy_tree(release, work / "ws")
    _use(ws, transport)
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f'\n[tool.relnox.repositories]\ntestpypi = "{testpypi.url}"\n'
    )
    out1, err1, code1 = _run(["testpypi", *TWO], ws, work, hermetic, TEST_PYPI_TOKEN=WRONG)
    assert code1 == 1 and "TEST_PYPI_TOKEN" in err1 and "HTTP 403" in err1, err1[-1500:]
    out2, err2, code2 = _run(
        ["testpypi", *TWO, "--wait", "30"], ws, work, hermetic, TEST_PYPI_TOKEN=GOOD
    )
    assert code2 == 0, out2 + err2
    assert "verified:" in out2
    entries = _assert_nowhere((GOOD, WRONG), work, hermetic, [out1, err1, out2, err2])
    uploads = _uploads(entries, transport)
    assert len(uploads) == (5 if transport == "twine" else 3), uploads  # see above
    assert all(u["password_in_env"] for u in uploads)
    assert len(list(testpypi.data_dir.iterdir())) == 4


@pytest.mark.parametrize("transport", ["auto", "uv", "twine"])
def test_a_password_that_is_not_utf8_is_one_line_before_any_upload(
    release: Path, work: Path, hermetic: Path, index: LocalIndex, transport: str
) -> None:
    """A secret saved in another encoding reaches Python as lone surrogates: relnox's own
    upload ended in a UnicodeEncodeError traceback; every transport is refused the same,
    naming where the password came from and never showing it."""
    ws = copy_tree(release, work / "ws")
    _use(ws, transport)
    env = {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": "p\xe4ss-secret-\udcff"}
    proc = run_relnox("publish", "--repository", index.url, *TWO, cwd=ws, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("relnox: error: the password from TWINE_USERNAME/TWINE_PASSWORD")
    assert "not UTF-8" in lines[-1] and "ss-secret" not in proc.stdout + proc.stderr
    assert not any(index.data_dir.iterdir())  # nothing was sent
