"""The license a project's license file states, as an SPDX identifier, for doctor's hint."""

from __future__ import annotations

import re
from pathlib import Path

from relnox.files import read_bytes

#: the names a license file goes by, first found wins
LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENSE.rst", "LICENCE", "COPYING")

#: (SPDX identifier, what its text says near the top), most specific first
_TEXTS = (
    ("Apache-2.0", r"Apache License,?\s+Version 2\.0"),
    ("MPL-2.0", r"Mozilla Public License,?\s+(?:Version|v\.?)\s*2\.0"),
    ("BSD-3-Clause", r"Redistribution and use in source and binary forms(?s:.*)Neither the name"),
    ("BSD-2-Clause", r"Redistribution and use in source and binary forms"),
    ("MIT", r"Permission is hereby granted, free of charge"),
    ("ISC", r"Permission to use, copy, modify, and(?:/or)? distribute this software"),
)


def stated_license(directories: tuple[Path, ...]) -> tuple[str, Path] | None:
    """The SPDX identifier the first license file in ``directories`` states, and that file."""
    for directory in directories:
        for name in LICENSE_FILES:
            if not (path := directory / name).is_file():
                continue
            try:
                text = read_bytes(path)[:8192].decode("utf-8", "replace")
            except OSError:
                return None
            return next(((spdx, path) for spdx, words in _TEXTS if re.search(words, text)), None)
    return None
