"""How long relnox waits on the network: ``[tool.relnox.network]`` (docs/configuration.md)
``timeout``, ``stall`` and ``retries``; retries back off 1 s, 2 s, 4 s ..."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relnox.config import TABLE_KNOWN, Config
from relnox.errors import MOST_SECONDS, ConfigError

KEYS = TABLE_KNOWN["network"]  # an unknown key is said when the config is read


@dataclass(frozen=True)
class NetworkSettings:
    timeout: float = 30.0
    stall: float = 120.0
    retries: int = 2
    retry_delay: float = 1.0  # the first backoff; doubles with each retry

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
        return self.retry_delay * 2.0 ** (attempt - 1)


def upload_wait(attempt: int, deadline: float) -> float:
    """The pause before looking again for an upload the index does not show yet: 1 s, 2 s,
    4 s ..., at most 15 s, never past ``deadline``."""
    return min(NetworkSettings().backoff(attempt), 15.0, max(deadline - time.monotonic(), 0.0))


#: the most a setting may say (``inf``, ``nan`` or 10**11: a wait without a bound)
_MOST = {"timeout": MOST_SECONDS, "stall": MOST_SECONDS, "retries": 100}


def _positive(source: Path, key: str, table: Mapping[str, Any]) -> Any:
    """``table[key]`` (else its default), a number within :data:`_MOST` (retries: whole)."""
    value, whole = table.get(key, getattr(NetworkSettings, key)), key == "retries"
    kinds = (int,) if whole else (int, float)
    least = 0 if whole else 0.001
    if isinstance(value, bool) or not isinstance(value, kinds) or not least <= value <= _MOST[key]:
        what = "a whole number, 0 or more" if whole else "a number of seconds above 0"
        raise ConfigError(
            f"{source}: [tool.relnox.network] {key} must be {what}, not {value!r}; "
            f"for example {key} = {getattr(NetworkSettings, key)!r} (at most {_MOST[key]:g})"
        )
    return value


def network_settings(config: Config | None) -> NetworkSettings:
    """``[tool.relnox.network]`` of ``config``, validated; the defaults without one."""
    if config is None:
        return NetworkSettings()
    table = config.section("network")
    timeout, stall, retries = (_positive(config.source, key, table) for key in KEYS)
    return NetworkSettings(float(timeout), float(stall), int(retries))


def is_loopback(host: str) -> bool:
    """``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        import ipaddress

        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
