"""Core metadata read as the email parser reads it (relnox/artifacts/core_metadata.py): the
plain reader and ``email.parser.Parser`` give the same headers and body, whatever the text."""

from __future__ import annotations

import email.parser
import importlib.metadata
import random

import pytest

from relnox.artifacts import core_metadata
from relnox.artifacts.core_metadata import CoreMetadata


def _email(text: str) -> CoreMetadata:
    message = email.parser.Parser().parsestr(text)
    body = message.get_payload()
    return CoreMetadata(
        tuple((k, str(v)) for k, v in message.items()), body if isinstance(body, str) else ""
    )


TEXTS = [
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nThe readme.\n",
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",  # no body
    "Metadata-Version: 2.1\nName: demo\nVersion: 1.0",  # no final line end
    "Name: demo\nDescription: first\n        second\n        |third\nVersion: 1\n\nbody\n",
    "Name:demo\nSummary:   spaced   \nKeywords:\nVersion: 1.0\n\n",
    "Name: demo\nClassifier: A\nClassifier: B\nname: lower\n\n",
    "Name: démo\nSummary: ünïcode\n\nbödy\n\n\nwith blank lines\n",
    "Name: demo\r\nVersion: 1.0\r\n\r\nbody\r\n",  # carriage returns: email's
    "Name: demo\nnot a header\nVersion: 1.0\n\n",  # the body starts at the stray line
    " folded first\nName: demo\n\n",
    "From someone\nName: demo\n\n",
    "Name: demo\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\npart\n--x--\n",
    ":empty name\nName: demo\n\n",
    "",
    "\n\nName: not a header\n",
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_a_listed_text_is_read_as_email_reads_it(text: str) -> None:
    assert core_metadata.read(text) == _email(text)


def test_generated_texts_are_read_as_email_reads_them() -> None:
    pieces = [
        "Name", "Version", "Summary", "x-odd", "From", "Content-Type", ":", ": ", " ", "\t",
        "\n", "\n\n", "value", "é", "\r\n", "\r", "From ", "multipart/mixed; boundary=b",
        "--b", "ü:", "\x0c", "\u2028", "\x85", "Name: demo\n", "  folded\n",
    ]  # fmt: skip
    generator = random.Random(11)
    plain = 0
    for _ in range(40000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 14)))
        assert core_metadata.read(text) == _email(text), repr(text)
        plain += core_metadata._plain(text) is not None and "\r" not in text
    assert plain > 2000  # the plain reader took a good share of them


def test_the_metadata_of_every_installed_distribution_is_read_as_email_reads_it() -> None:
    seen = 0
    for dist in importlib.metadata.distributions():
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
        if text:
            assert core_metadata.read(text) == _email(text), dist.metadata["Name"]
            seen += 1
    assert seen > 10
