"""Upload credentials exist only in an upload's child: a build hook, the package's tests and
the package's own console script run by verify see none of them.

A real setuptools build (its ``setup.py`` runs in the backend's hook process) and a real
console script each write the environment they were given to a file; ``relnox build-all``
and ``relnox verify-install`` run for real with every kind of credential variable set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relnox.sample import ProjectSpec, git_init, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds and makes environments

#: every kind of credential variable, each with a value found nowhere else
CREDENTIALS = {
    "PYPI_TOKEN": "pypi-spy-secret-0001",
    "TEST_PYPI_TOKEN": "pypi-spy-secret-0002",
    "TWINE_USERNAME": "spy-user",
    "TWINE_PASSWORD": "spy-secret-0003",
    "UV_PUBLISH_TOKEN": "spy-secret-0004",
    "UV_PUBLISH_PASSWORD": "spy-secret-0005",
    "UV_INDEX_CORP_USERNAME": "corp",
    "UV_INDEX_CORP_PASSWORD": "spy-secret-0006",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "spy-secret-0007",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:9/oidc",
    "CORP_PYPI_TOKEN": "spy-secret-0008",
    # pip reads it, uv does not: it cannot change what this test installs
    "PIP_EXTRA_INDEX_URL": "http://spy:spy-secret-0009@127.0.0.1:9/simple/",
}
SECRETS = [v for v in CREDENTIALS.values() if "secret" in v]

RECORD = """
import json, os
from pathlib import Path

def record(kind):
    spy = Path({spy!r})
    spy.mkdir(exist_ok=True)
    (spy / f"{{kind}}-{{os.getpid()}}.json").write_text(json.dumps(dict(os.environ)))
"""


def _workspace(root: Path, spy: Path) -> Path:
    record = RECORD.format(spy=str(spy))
    spec = ProjectSpec(
        "spyenv",
        "1.0.0",
        "setuptools",
        script=True,
        extra_files={
            "setup.py": record + "\nrecord('hook')\n\nfrom setuptools import setup\n\nsetup()\n",
            "spyenv/__init__.py": record
            + '\n__version__ = "1.0.0"\n\n\ndef main() -> int:\n'
            + "    record('script')\n    return 0\n",
        },
    )
    write_workspace(root, [spec])
    git_init(root)
    return root


def _recorded(spy: Path, kind: str) -> list[dict[str, str]]:
    return [json.loads(p.read_text()) for p in sorted(spy.glob(f"{kind}-*.json"))]


def _assert_clean(environments: list[dict[str, str]]) -> None:
    assert environments
    for environ in environments:
        leaked = sorted(set(CREDENTIALS) & set(environ) - {"PIP_EXTRA_INDEX_URL"})
        assert not leaked, leaked
        text = json.dumps(environ)
        assert not [s for s in SECRETS if s in text]


def test_build_hooks_and_verify_scripts_get_no_credential(tmp_path: Path) -> None:
    spy = tmp_path / "spy"
    root = _workspace(tmp_path / "ws", spy)
    env = {**os.environ, **CREDENTIALS}
    built = run_relnox("build-all", cwd=root, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    _assert_clean(_recorded(spy, "hook"))  # the sdist and the wheel hooks
    verified = run_relnox("verify-install", "--offline", cwd=root, env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "script spyenv" in verified.stdout
    _assert_clean(_recorded(spy, "script"))
    assert not [s for s in SECRETS if s in built.stdout + built.stderr + verified.stderr]


def test_the_credentials_were_there_to_leak(tmp_path: Path) -> None:
    """The spies see what the relnox process sees: a variable that is not a credential
    reaches them (so the test above can fail)."""
    spy = tmp_path / "spy"
    root = _workspace(tmp_path / "ws", spy)
    env = {**os.environ, **CREDENTIALS, "RELNOX_SPY_MARK": "plain-value"}
    assert run_relnox("build-all", cwd=root, env=env).returncode == 0
    assert all(e.get("RELNOX_SPY_MARK") == "plain-value" for e in _recorded(spy, "hook"))
    assert run_relnox("verify-install", "--offline", cwd=root, env=env).returncode == 0
    assert all(e.get("RELNOX_SPY_MARK") == "plain-value" for e in _recorded(spy, "script"))


def test_relnox_release_gives_no_credential_to_hooks_and_scripts(tmp_path: Path) -> None:
    """The whole pipeline (build, verify, publish-test, verify from it, publish) with every
    credential variable set: only the uploads may see them."""
    spy = tmp_path / "spy"
    root = _workspace(tmp_path / "ws", spy)
    env = {**os.environ, **CREDENTIALS}
    with LocalIndex(tmp_path / "test-index") as test, LocalIndex(tmp_path / "prod") as prod:
        args = ["--part", "patch", "--test-repository", test.url, "--repository", prod.url]
        proc = run_relnox("release", *args, "--yes", cwd=root, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _assert_clean(_recorded(spy, "hook"))
    scripts = _recorded(spy, "script")
    assert len(scripts) >= 1  # verify of dist/ (the index rounds prove the same bytes, no rerun)
    _assert_clean(scripts)
    assert not [s for s in SECRETS if s in proc.stdout + proc.stderr]
