from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cpass.fx.rules import RULES, nth_wednesday, penultimate_wednesday, previous_month, quoting_unit, round_rate

CN = RULES["cn-monthly-third-wednesday"]
EU = RULES["eu-monthly-penultimate-wednesday"]


def test_third_wednesday_at_month_edges():
    assert nth_wednesday(2025, 1, 3) == dt.date(2025, 1, 15)  # the month starts on a Wednesday
    assert nth_wednesday(2026, 1, 3) == dt.date(2026, 1, 21)  # ... on a Thursday
    assert nth_wednesday(2025, 12, 3) == dt.date(2025, 12, 17)  # ... on a Monday
    assert nth_wednesday(2026, 2, 3) == dt.date(2026, 2, 18)  # ... on a Sunday


def test_previous_month_crosses_the_year():
    assert previous_month(dt.date(2026, 1, 1)) == (2025, 12)
    assert previous_month(dt.date(2026, 3, 31)) == (2026, 2)


def test_china_rule_days_after_and_before_december_2024():
    days = CN.days(dt.date(2026, 1, 10))
    assert (days.days[0], days.days[-1], len(days.days)) == (dt.date(2025, 12, 17), dt.date(2025, 12, 24), 8)
    old = CN.days(dt.date(2024, 6, 30))
    assert old.days == (dt.date(2024, 5, 15), dt.date(2024, 5, 22))
    assert CN.days(dt.date(2024, 12, 1)).days[0] == dt.date(2024, 11, 20)
    assert CN.places == 4


def test_eu_rule_uses_the_penultimate_wednesday_and_looks_back():
    assert penultimate_wednesday(2025, 12) == dt.date(2025, 12, 24)  # last Wednesday is the 31st
    assert penultimate_wednesday(2026, 2) == dt.date(2026, 2, 18)
    days = EU.days(dt.date(2026, 1, 5)).days
    assert (days[0], days[1]) == (dt.date(2025, 12, 24), dt.date(2025, 12, 23))


@given(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))
def test_third_wednesday_is_always_a_wednesday_between_the_15th_and_21st(year, month):
    third = nth_wednesday(year, month, 3)
    assert (third.weekday(), third.month) == (2, month)
    assert 15 <= third.day <= 21
    penultimate = penultimate_wednesday(year, month)
    assert (penultimate.weekday(), penultimate.month) == (2, month)
    assert 22 <= penultimate.day + 7 <= 31


def test_rounding_happens_in_the_quoting_unit():
    assert round_rate(Decimal("7.08505"), 4) == Decimal("7.0851")  # half up, not half even
    assert round_rate(Decimal("7.08515"), 4) == Decimal("7.0852")
    assert round_rate(Decimal("0.04612345"), 4, per=100) == Decimal("0.04612300")
    assert round_rate(Decimal("1") / Decimal("3"), None) == Decimal("0.33333333")
    assert (quoting_unit(Decimal("7.1")), quoting_unit(Decimal("0.0461")), quoting_unit(Decimal("0.00492"))) == (
        1,
        100,
        1000,
    )
