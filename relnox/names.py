"""Distribution names as the specifications normalize them, without :mod:`packaging.utils`.

``packaging.utils`` imports ``packaging.tags`` (``platform``, the manylinux and musllinux
readers), ~2.6 ms of every command that compares a name, for one line of PEP 503.
:func:`canonicalize_name` is that line, as packaging writes it; ``tests/test_names.py``
holds it to packaging's on listed and generated names.
"""

from __future__ import annotations


def canonicalize_name(name: str) -> str:
    """``name`` normalized (PEP 503): lower case, each run of ``-``, ``_`` and ``.`` one
    ``-``; what ``packaging.utils.canonicalize_name`` gives."""
    value = name.lower().replace("_", "-").replace(".", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value
