"""Dependency cooldowns: an installer told to ignore files uploaded after a date (uv's
``exclude-newer``, pip's ``uploaded-prior-to``). The packages under release are exempt; a
failed install names the setting (:func:`settings`), never the package."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from relnox.toml import read_or_empty
from relnox.tools.trust import pip_settings, xdg_config

UV_VARIABLES = ("UV_EXCLUDE_NEWER", "UV_EXCLUDE_NEWER_PACKAGE")
PIP_VARIABLE = "PIP_UPLOADED_PRIOR_TO"
#: what uv and pip print when a cooldown hid a file
MARKERS = ("exclude-newer", "exclude_newer", "uploaded-prior-to", "uploaded prior to")


def _uv_configs(environ: Mapping[str, str]) -> list[Path]:
    if environ.get("UV_NO_CONFIG"):
        return []
    if environ.get("UV_CONFIG_FILE"):
        return [Path(environ["UV_CONFIG_FILE"])]
    user, system = xdg_config(environ, "uv", "uv.toml")
    return [user, *system, Path("/etc/uv/uv.toml")]


def _uv_file_setting(path: Path) -> str | None:
    data = read_or_empty(path)
    for key in ("exclude-newer", "exclude-newer-package"):
        if key in data:
            return f"{key} = {data[key]!r} in {path}"
        pip = data.get("pip")
        if isinstance(pip, Mapping) and key in pip:
            return f"[pip] {key} = {pip[key]!r} in {path}"
    return None


def settings(installer: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """The cooldown settings ``installer`` obeys here, each naming where it is set."""
    env = os.environ if environ is None else environ
    if installer == "uv":
        found = [f"{name}={env[name]}" for name in UV_VARIABLES if env.get(name)]
        return found + [s for s in map(_uv_file_setting, _uv_configs(env)) if s]
    found = [f"{PIP_VARIABLE}={env[PIP_VARIABLE]}"] if env.get(PIP_VARIABLE) else []
    return found + [
        f"[{section}] {key} = {value} in {path}"
        for path, section, key, value in pip_settings(env)
        if key in ("uploaded-prior-to", "uploaded_prior_to")
    ]


def explain(found: list[str]) -> str:
    """Why an install failed when a cooldown is set: the environment, not the package."""
    return (
        f"a dependency cooldown is set on this machine ({'; '.join(found)}): the installer "
        "ignores files uploaded after its cutoff. The packages of the release are exempt; a "
        "dependency newer than the cutoff is not. This is the environment's setting, not "
        "the package: install with an older dependency, exempt it, or unset the setting"
    )


def mentioned(output: str) -> bool:
    """Whether an installer's ``output`` says a cooldown filtered something."""
    text = output.lower()
    return any(marker in text for marker in MARKERS)
