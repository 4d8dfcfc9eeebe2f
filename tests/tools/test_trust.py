"""uv children trust and proxy as pip does: PIP_CERT, REQUESTS_CA_BUNDLE, pip.conf."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.tools.envs import child_env
from relnox.tools.trust import pip_setting, trust_environment


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "corp-ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    return path


def test_pip_cert_and_requests_bundle_become_ssl_cert_file(bundle: Path, tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path), "XDG_CONFIG_DIRS": str(tmp_path / "none")}
    assert trust_environment({**home, "PIP_CERT": str(bundle)}) == {"SSL_CERT_FILE": str(bundle)}
    assert trust_environment({**home, "REQUESTS_CA_BUNDLE": str(bundle)}) == {
        "SSL_CERT_FILE": str(bundle)
    }
    # uv's own settings win: an SSL_CERT_FILE given, or the system store asked for
    assert trust_environment({**home, "PIP_CERT": str(bundle), "SSL_CERT_FILE": "/x"}) == {}
    assert trust_environment({**home, "PIP_CERT": str(bundle), "UV_NATIVE_TLS": "1"}) == {}
    # a bundle that does not exist is not passed on (uv would fail on every request)
    assert trust_environment({**home, "PIP_CERT": str(tmp_path / "gone.pem")}) == {}


def test_pip_conf_cert_and_proxy_reach_uv_children(bundle: Path, tmp_path: Path) -> None:
    config = tmp_path / "pip.conf"
    config.write_text(
        f"[global]\ncert = {bundle}\nproxy = http://proxy.example.invalid:3128\n",
        encoding="utf-8",
    )
    environ = {"PIP_CONFIG_FILE": str(config), "PATH": "/usr/bin"}
    assert pip_setting("cert", environ) == str(bundle)
    env = child_env(environ)
    assert env["SSL_CERT_FILE"] == str(bundle)
    assert env["HTTPS_PROXY"] == env["HTTP_PROXY"] == "http://proxy.example.invalid:3128"
    kept = child_env({**environ, "HTTPS_PROXY": "http://mine.example.invalid:8080"})
    assert kept["HTTPS_PROXY"] == "http://mine.example.invalid:8080" and "HTTP_PROXY" not in kept


def test_the_user_pip_conf_of_home_is_read(bundle: Path, tmp_path: Path) -> None:
    conf = tmp_path / ".config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text(f"[install]\ncert = {bundle}\n", encoding="utf-8")
    environ = {"HOME": str(tmp_path), "XDG_CONFIG_DIRS": str(tmp_path / "none")}
    assert trust_environment(environ) == {"SSL_CERT_FILE": str(bundle)}
