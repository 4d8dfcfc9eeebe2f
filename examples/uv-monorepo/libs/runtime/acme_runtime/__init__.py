"""The acme runtime command."""

import acme_agents  # noqa: F401
import acme_core  # noqa: F401

__version__ = "1.0.0"


def main() -> int:
    print("acme-runtime", __version__)
    return 0
