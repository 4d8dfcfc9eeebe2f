"""The netrc relnox hands uv and pip (relnox/tools/index_auth.py): the user's own hosts merged
in, and nothing of the user's netrc shown when it cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.tools.index_auth import IndexLogin, write_netrc


def test_a_netrc_that_does_not_parse_is_named_without_its_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A token written without the ``password`` keyword is the token netrc's parse error
    quotes: the warning names the file and the line, never the token."""
    own = tmp_path / "own-netrc"
    own.write_text(
        "machine a.example login me password pw-a1\nmachine b.example login __token__ pypi-netrc-secret-9\n"
    )
    login = IndexLogin("index.example", "user", "index-pw-1", "test")
    path = write_netrc(tmp_path / "out", [login], {"NETRC": str(own)})
    assert f"{own} cannot be read (it does not parse at line 3)" in caplog.text
    assert "pypi-netrc-secret-9" not in caplog.text
    assert path.read_text() == "machine index.example login user password index-pw-1\n"
