"""pip's certificate and proxy settings, for uv too: behind a proxy that re-signs TLS, uv
trusting its own roots fails with ``UnknownIssuer`` (docs/troubleshooting.md)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from relnox.files import ini_sections, text_or_none


def xdg_config(environ: Mapping[str, str], *parts: str) -> tuple[Path, list[Path]]:
    """``parts`` under the user's XDG configuration directory, and under each system one."""
    home = Path(environ.get("HOME") or Path.home())
    user = Path(environ.get("XDG_CONFIG_HOME") or home / ".config").joinpath(*parts)
    system = (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)
    return user, [Path(d).joinpath(*parts) for d in system if d]


def pip_config_files(environ: Mapping[str, str]) -> list[Path]:
    """pip's configuration files in pip's order (later ones win), those that exist."""
    if environ.get("PIP_CONFIG_FILE"):
        candidates = [Path(environ["PIP_CONFIG_FILE"])]
    else:
        user, system = xdg_config(environ, "pip", "pip.conf")
        home = Path(environ.get("HOME") or Path.home())
        candidates = [*system, Path("/etc/pip.conf"), home / ".pip" / "pip.conf", user]
        if sys.platform == "win32" and environ.get("APPDATA"):
            candidates.append(Path(environ["APPDATA"]) / "pip" / "pip.ini")
        if environ.get("VIRTUAL_ENV"):
            candidates.append(Path(environ["VIRTUAL_ENV"]) / "pip.conf")
    return [path for path in candidates if path.is_file()]


def pip_settings(environ: Mapping[str, str]) -> Iterator[tuple[Path, str, str, str]]:
    """``(file, section, key, value)`` of pip's configuration files, in pip's order."""
    for path in pip_config_files(environ):
        for section, values in (ini_sections(text_or_none(path) or "") or {}).items():
            for key, value in values.items():
                yield path, section, key, value


def pip_setting(key: str, environ: Mapping[str, str]) -> str | None:
    """``key`` of ``[install]`` or ``[global]`` in pip's configuration files (last wins)."""
    found = None
    for _path, section, name, value in pip_settings(environ):
        if name == key and section in ("global", "install"):
            found = value.strip() or found
    return found


def trust_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """What to add to a uv child's environment so it trusts and proxies as pip does."""
    added: dict[str, str] = {}
    native = environ.get("UV_NATIVE_TLS", "").lower() in ("1", "true", "yes", "on")
    if not native and not environ.get("SSL_CERT_FILE"):
        bundle = (
            environ.get("PIP_CERT")
            or environ.get("REQUESTS_CA_BUNDLE")
            or pip_setting("cert", environ)
        )
        if bundle and Path(bundle).is_file():
            added["SSL_CERT_FILE"] = bundle
    if not any(environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        proxy = environ.get("PIP_PROXY") or pip_setting("proxy", environ)
        if proxy:
            added["HTTPS_PROXY"] = proxy
            if not (environ.get("HTTP_PROXY") or environ.get("http_proxy")):
                added["HTTP_PROXY"] = proxy
    return added
