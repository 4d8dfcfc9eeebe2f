"""relnox.names: a distribution name normalized as packaging normalizes it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name as packagings

from relnox.names import canonicalize_name


@pytest.mark.parametrize(
    "name",
    ["Django", "oslo.concurrency", "zope.interface", "Foo__Bar", "a-_-.b", "A.B-C_D", "x", ""],
)
def test_listed_names_normalize_as_packaging_does(name: str) -> None:
    assert canonicalize_name(name) == packagings(name)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="aAbZ09-_.ßİ ", max_size=16))
def test_generated_names_normalize_as_packaging_does(name: str) -> None:
    assert canonicalize_name(name) == packagings(name)
