"""Decimals as people read them: no exponent, no trailing zeros, money with at least two decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from cpass.core.numbers import money, plain


@pytest.mark.parametrize(
    ("value", "expected"),
    [("300.0000", "300"), ("219.6000", "219.6"), ("0.0030", "0.003"), ("1E+3", "1000"), ("0.0000", "0"), ("7", "7")],
)
def test_plain_drops_trailing_zeros_without_an_exponent(value: str, expected: str) -> None:
    assert str(plain(Decimal(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("850.0000", "850.00"), ("12.3456", "12.3456"), ("12.5", "12.50"), ("3E+2", "300.00")]
)
def test_money_keeps_two_decimals_at_least(value: str, expected: str) -> None:
    assert str(money(Decimal(value))) == expected


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**12), max_value=10**12))
def test_the_value_never_changes(value: Decimal) -> None:
    assert plain(value) == value
    assert money(value) == value
    assert "E" not in str(plain(value))
    assert "E" not in str(money(value))


def test_template_filters() -> None:
    rendered = Template("{% load numbers %}{{ q|plain }} {{ p|money }} {{ none|plain|default_if_none:'—' }}").render(
        Context({"q": Decimal("300.0000"), "p": Decimal("850.0000"), "none": None})
    )
    assert rendered == "300 850.00 —"
