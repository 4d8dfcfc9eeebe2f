"""``[tool.relnox.verify]`` read and checked, each error naming the setting."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from relnox.errors import MOST_SECONDS, VerifyError, seconds
from relnox.project.workspace import Package, Workspace
from relnox.verify.model import Argv, ScriptArgs


def commands_of(section: Mapping[str, Any], where: str) -> tuple[Argv, ...]:
    value = section.get("commands", [])
    if not isinstance(value, list):
        raise VerifyError(f"{where}: commands must be a list of commands, not {value!r}")
    return tuple(args_of(item, f"{where} commands", command=True) for item in value)


def script_args_of(value: Any, where: str) -> ScriptArgs:
    if value is None:
        return ScriptArgs()
    if isinstance(value, Mapping):
        per: dict[str, Argv | None] = {}
        for name, args in value.items():
            per[name] = None if args is False else args_of(args, f"{where} script-args.{name}")
        return ScriptArgs(per_script=per)
    return ScriptArgs(default=None if value is False else args_of(value, f"{where} script-args"))


def args_of(value: Any, where: str, command: bool = False) -> Argv:
    """``value`` as arguments (``command``: a program and its arguments, not none); a string
    is split as a shell would."""
    if isinstance(value, str) and (value.strip() or not command):
        try:
            return tuple(shlex.split(value))
        except ValueError as exc:
            raise VerifyError(
                f"{where}: {value!r} cannot be split into arguments ({exc}); close the quote, "
                'or write it as a list like ["tool", "--version"]'
            ) from None
    if (
        isinstance(value, list)
        and (value or not command)
        and all(isinstance(v, str) for v in value)
    ):
        return tuple(value)
    if command:
        raise VerifyError(
            f"{where}: {value!r} is not a command; write a string like "
            '"tool --version" or a list like ["tool", "--version"]'
        )
    raise VerifyError(f'{where}: {value!r} must be a string like "--help" or a list of strings')


def in_range(value: float | None, what: str) -> float | None:
    """``value`` when it is a number of seconds from 0 to a day, else a VerifyError."""
    if value is not None and seconds(value) is None:
        raise VerifyError(
            f"{what} = {value!r} must be a number of seconds from 0 to {MOST_SECONDS:g} "
            "(a day); for example 600"
        )
    return value


def number_of(section: Mapping[str, Any], key: str, where: str) -> float | None:
    value = section.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise VerifyError(f"{where}: {key} = {value!r} must be a number of seconds (>= 0)")
    # compared before float(): TOML's 1 followed by 400 zeros is an int no float holds
    return float(in_range(value, f"{where}: {key}") or 0)


def string_of(section: Mapping[str, Any], key: str, where: str) -> str | None:
    value = section.get(key)
    if value is not None and not isinstance(value, str):
        raise VerifyError(f'{where}: {key} = {value!r} must be a string like "3.11"')
    return value


def package_commands(workspace: Workspace, pkg: Package | None) -> tuple[Argv, ...]:
    if pkg is None or pkg.pyproject == workspace.config.source:
        return ()  # the root's own commands run once for the whole release
    section = pkg.settings.get("verify", {})
    if not isinstance(section, Mapping):
        raise VerifyError(f"{pkg.pyproject}: [tool.relnox.verify] must be a table")
    return commands_of(section, f"{pkg.pyproject} [tool.relnox.verify]")
