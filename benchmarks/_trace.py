"""What the ``--stages`` scripts share: run the ``relnox`` command in this process and
write the marks made meanwhile when it ends (``_publish_stages.py``, ``_verify_stages.py``)."""

from __future__ import annotations

import atexit
import json
import runpy
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def run_relnox(
    out: str, args: Sequence[str], marks: list[Any], mark: Callable[[str], None], started: float
) -> None:
    """``relnox ARGS`` as ``python -m relnox`` runs it; at the process's end ``marks`` (with
    an ``exit`` mark), ``started`` (the script's wall-clock start) and the end go to ``out``."""

    def dump() -> None:
        mark("exit")
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"marks": marks, "started_at": started, "exit_at": time.time()}, fh)

    atexit.register(dump)
    sys.argv = ["relnox", *args]
    runpy.run_module("relnox", run_name="__main__")
