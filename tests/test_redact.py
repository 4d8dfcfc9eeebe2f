"""One redaction layer: a registered secret is masked in every encoding it travels in."""

from __future__ import annotations

import base64
import html
import json
import logging
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnox.redact import (
    MASK,
    RedactingFilter,
    redact,
    register_secret,
    shown,
)
from relnox.sample import ProjectSpec, git_init, write_project
from tests.conftest import run_relnox

SECRET = 'pypi-AgEI/cHl+wa S5vcmc=tok$en"q'


@pytest.fixture(autouse=True)
def registered() -> None:
    register_secret(SECRET)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "shown",
    [
        SECRET,
        _b64(f"__token__:{SECRET}"),
        _b64(f"__token__:{SECRET}").rstrip("="),
        _b64(f"someone:{SECRET}"),  # any user name
        base64.urlsafe_b64encode(f"x:{SECRET}".encode()).decode(),
        quote(SECRET, safe=""),
        re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(SECRET, safe="")),
        quote(SECRET),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=True).replace("/", "\\u002F")[1:-1],
        json.dumps(SECRET).replace("/", "\\/")[1:-1],  # PHP's json_encode escapes slashes
        html.escape(SECRET),  # an HTML error page quoting it
        "".join(f"&#{ord(char)};" for char in SECRET),
        "".join(f"&#X{ord(char):04X};" for char in SECRET),
    ],
)
def test_every_encoding_of_a_secret_is_masked(shown: str) -> None:
    for text in (shown, f"Authorization: Basic {shown}\n", f"<p>{shown}</p>", f"x={shown}&y=1"):
        masked = redact(text)
        assert shown not in masked and MASK in masked, (text, masked)


def test_base64_glued_to_other_text_is_masked_at_any_alignment() -> None:
    for prefix in ("", "B", "Ba", "Bas", "Basic"):
        text = prefix + _b64(f"user:{SECRET}")
        assert _b64(f"user:{SECRET}")[8:30] not in redact(text)


def test_the_shortest_base64_of_a_secret_is_masked_in_either_alphabet() -> None:
    """A run is decoded only when it is long enough to hold the shortest secret: base64 of
    the secret alone, with or without its padding, is just long enough."""
    for secret in ("abcdefgh", "s3cr3t-t0ken-xyz", "p\u00e4ss-w\u00f6rd-9"):
        register_secret(secret)
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            for encoded in (
                encode(secret.encode()).decode(),
                encode(secret.encode()).decode().rstrip("="),
            ):
                assert redact(f"said {encoded}.") == f"said {MASK}.", (secret, encoded)


def test_text_without_a_secret_is_left_alone() -> None:
    text = "Uploading demo_core-0.1.0-py3-none-any.whl dGhpcyBpcyBmaW5l 100% https://host/simple/"
    assert redact(text) == text


def test_the_userinfo_of_any_url_is_masked() -> None:
    assert redact("see https://bob:unregistered@host/simple/") == "see https://***@host/simple/"


def test_the_log_filter_masks_the_message_its_arguments_and_a_traceback() -> None:
    try:
        raise ValueError(f"boom {SECRET}")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "relnox", logging.ERROR, __file__, 1, "sent %s", (_b64(f"u:{SECRET}"),), sys.exc_info()
        )
    RedactingFilter().filter(record)
    message = record.getMessage()
    assert "sent ***" in message and "ValueError" in message
    assert SECRET not in message and record.exc_info is None


ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mred\x9b31m\u202etxt.exe\rover"


def test_what_is_shown_acts_on_no_terminal() -> None:
    """Title, clear screen, colour, a C1 CSI, a right-to-left override and a lone CR are
    written as escapes; tab, newline and CRLF stay as they are; secrets are masked too."""
    text = shown(f"- fix {ESCAPES} {SECRET}\tend\r\nnext")
    assert text == (
        "- fix \\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mred\\x9b31m\\u202etxt.exe\\x0dover "
        f"{MASK}\tend\r\nnext"
    )
    record = logging.LogRecord("relnox", logging.INFO, "", 0, "%s", (ESCAPES,), None)
    assert RedactingFilter().filter(record) and "\x1b" not in record.getMessage()


def test_a_changelog_with_escape_sequences_is_shown_escaped(tmp_path: Path) -> None:
    """``bump --dry-run`` prints the changelog's diff: an entry written to clear the
    screen and retitle the terminal reaches it as text."""
    write_project(tmp_path, ProjectSpec("esc-pkg", "1.0.0"))
    (tmp_path / "CHANGELOG.md").write_text(f"# Changelog\n\n## [Unreleased]\n\n- {ESCAPES}\n")
    git_init(tmp_path)
    proc = run_relnox("bump", "--part", "minor", "--dry-run", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "\\x1b]0;PWNED\\x07\\x1b[2J" in proc.stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", proc.stdout + proc.stderr)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://host/simple/?token=s3cr3tvalue", "https://host/simple/?token=***"),
        ("https://host/p?a=1&api_key=abcd1234&b=2", "https://host/p?a=1&api_key=***&b=2"),
        (
            "https://bucket/x.whl?X-Amz-Signature=deadbeef&X-Amz-Expires=60",
            "https://bucket/x.whl?X-Amz-Signature=***&X-Amz-Expires=60",
        ),
        ("https://host/simple/?page=2&format=json", "https://host/simple/?page=2&format=json"),
    ],
)
def test_a_credential_in_a_url_query_is_masked(url: str, shown: str) -> None:
    """An index URL given with its token as a query parameter (not registered as a secret:
    it came in the URL) is masked wherever a URL is shown, as userinfo is."""
    assert redact(f"GET {url} failed") == f"GET {shown} failed"


def _spellings(secret: str) -> list[str]:
    """Each way a secret may be written into what relnox prints: as it is, in a URL (both
    quotings), in JSON (with and without ASCII escapes, surrogate pairs too)."""
    return [
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret).replace("/", "\\/")[1:-1],
        html.escape(secret),
        "".join(f"&#x{ord(char):x};" for char in secret),
    ]


@settings(max_examples=3000, deadline=None)
@given(
    secret=st.text(alphabet='ab c"\\%+é😀/&<', min_size=4, max_size=8),
    before=st.text(alphabet='ab c"\\%+é0123456789&#;', max_size=12),
    after=st.text(alphabet='ab c"\\%+é0123456789&#;', max_size=12),
    spelling=st.integers(min_value=0, max_value=7),
)
def test_every_spelling_of_a_secret_is_masked_among_any_text(
    secret: str, before: str, after: str, spelling: int
) -> None:
    text = before + _spellings(secret)[spelling] + after
    assert MASK in redact_with(secret, text)


def redact_with(secret: str, text: str) -> str:
    from relnox import redact as module

    saved = set(module._SECRETS)
    module._SECRETS.clear()
    try:
        register_secret(secret)
        return redact(text)
    finally:
        module._SECRETS.clear()
        module._SECRETS.update(saved)


def test_an_answer_cut_short_shows_no_first_characters_of_a_secret() -> None:
    """An index's page, a status reason or a child's line is cut to a length relnox
    shows; a secret the cut would split is masked before it, not left as its first
    characters."""
    from relnox._proc import LINE, Result
    from relnox.tools.simple_pages import SAID_MAX, index_said
    from relnox.tools.upload import answer_reason

    for limit, cut in (
        (300, answer_reason),
        (SAID_MAX, index_said),
        (LINE, lambda text: Result((), 1, text).tail()),
    ):
        for at in range(limit - len(SECRET) + 1, limit):
            text = "x" * at + SECRET
            said = cut(f"<html><body>{html.escape(text)}</body></html>")
            assert SECRET[:3] not in said, (limit, at, said)


def test_a_secret_holding_bytes_that_are_no_utf8_is_masked_in_every_spelling() -> None:
    """A password read from a file in another encoding holds lone surrogates (Python's
    surrogateescape): its pattern is made (no UnicodeEncodeError for every later text),
    and its percent-encoded spelling is that byte's."""
    from relnox import redact as module

    for secret in ("secret-\udcff", "other-\ud800-secret"):
        module.register_secret(secret)
        try:
            assert MASK in module.redact(f"a {secret} b") and secret not in module.redact(secret)
            assert module.redact("100% \\ &amp;") == "100% \\ &amp;"  # the pattern is compiled
        finally:
            module._SECRETS.discard(secret)
    module.register_secret("secret-\udcff")
    try:
        assert module.redact("x secret-%FF y") == f"x {MASK} y"
    finally:
        module._SECRETS.discard("secret-\udcff")
