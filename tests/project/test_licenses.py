"""The license a license file states (relnox/project/licenses.py), and doctor's hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.project.licenses import stated_license
from relnox.release.doctor import doctor
from tests.shapes import project, repo

APACHE = "\n                                 Apache License\n                           Version 2.0, January 2004\n"
MIT = "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, free of charge, to any person\n"
BSD3 = (
    "Redistribution and use in source and binary forms, with or without\nmodification...\n"
    "3. Neither the name of the copyright holder nor the names of its\n"
)
GPL = "                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007\n"


@pytest.mark.parametrize(
    ("name", "text", "spdx"),
    [
        ("LICENSE", APACHE, "Apache-2.0"),
        ("LICENSE.txt", MIT, "MIT"),
        ("LICENSE.md", BSD3, "BSD-3-Clause"),
        ("COPYING", GPL, None),  # "only" or "or later" is said elsewhere: not guessed
    ],
)
def test_a_license_file_is_read_as_its_spdx_identifier(
    tmp_path: Path, name: str, text: str, spdx: str | None
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    found = stated_license((tmp_path / "pkg", tmp_path))
    assert (found[0] if found else None) == spdx


def test_doctor_suggests_the_license_the_license_file_states(tmp_path: Path) -> None:
    """The shape: no license in [project], an Apache License 2.0 LICENSE file at
    the root; doctor's hint is that identifier, not a placeholder that would be wrong."""
    files = {
        "pyproject.toml": project("agents", "1.0.0"),
        "agents/__init__.py": "",
        "LICENSE": APACHE,
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    row = {r.check: r for r in doctor(root).checks}["license agents"]
    assert row.detail.endswith('add license = "Apache-2.0" (what LICENSE states) to [project]')
