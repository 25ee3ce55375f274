from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.fx import selectors
from cpass.fx.models import RatePeriod
from cpass.fx.tests.factories import ExchangeRateFactory
from cpass.tariff.models import Jurisdiction as TariffJurisdiction

pytestmark = pytest.mark.django_db

MARCH_10 = dt.date(2026, 3, 10)  # China: the third Wednesday of February 2026 is the 18th
FEB_18 = dt.date(2026, 2, 18)


def test_china_takes_the_third_wednesday_of_the_previous_month_rounded_half_up():
    ExchangeRateFactory.create(rate=Decimal("7.08505"), date=FEB_18, source="PBOC")
    ExchangeRateFactory.create(rate=Decimal("7.5"), date=FEB_18, source="demo")
    ExchangeRateFactory.create(rate=Decimal("7.2"), date=dt.date(2026, 3, 10), source="PBOC")  # the day itself: no
    finding = selectors.customs_rate(jurisdiction="cn", currency="usd", on=MARCH_10)
    assert (finding.rate, finding.published_rate, finding.rate_date, finding.source) == (
        Decimal("7.0851"),
        Decimal("7.08505"),
        FEB_18,
        "PBOC",
    )
    assert (finding.fallback, finding.inverted, finding.rule, finding.home_currency) == (
        False,
        False,
        "cn-monthly-third-wednesday",
        "CNY",
    )
    assert "Rounded half up to 4 decimal places" in finding.explanation


def test_source_preference_and_holiday_fallback():
    ExchangeRateFactory.create(rate=Decimal("7.1"), date=dt.date(2026, 2, 19), source="PBOC")
    ExchangeRateFactory.create(rate=Decimal("7.2"), date=dt.date(2026, 2, 19), source="CFETS")
    ExchangeRateFactory.create(rate=Decimal("7.3"), date=dt.date(2026, 2, 20), source="CFETS")
    finding = selectors.customs_rate(jurisdiction="CN", currency="USD", on=MARCH_10)
    assert (finding.rate, finding.source, finding.rate_date, finding.fallback) == (
        Decimal("7.2000"),
        "CFETS",
        dt.date(2026, 2, 19),
        True,
    )
    assert "(no rate on 2026-02-18)" in finding.explanation


def test_before_december_2024_the_fallback_is_the_fourth_wednesday():
    ExchangeRateFactory.create(rate=Decimal("7.1"), date=dt.date(2024, 5, 16))  # a Thursday: not a candidate
    with pytest.raises(ValidationFailed):
        selectors.customs_rate(jurisdiction="CN", currency="USD", on=dt.date(2024, 6, 30))
    ExchangeRateFactory.create(rate=Decimal("7.2"), date=dt.date(2024, 5, 22))
    finding = selectors.customs_rate(jurisdiction="CN", currency="USD", on=dt.date(2024, 6, 30))
    assert (finding.rate_date, finding.fallback) == (dt.date(2024, 5, 22), True)


def test_reciprocal_and_per_hundred_quotes():
    ExchangeRateFactory.create(base="CNY", quote="KRW", rate=Decimal("203.15"), date=FEB_18)
    krw = selectors.customs_rate(jurisdiction="CN", currency="KRW", on=MARCH_10)
    assert (krw.rate, krw.inverted, krw.published_rate) == (Decimal("0.0049225"), True, Decimal("203.15"))
    ExchangeRateFactory.create(base="JPY", rate=Decimal("0.04612"), per=100, date=FEB_18)
    jpy = selectors.customs_rate(jurisdiction="CN", currency="JPY", on=MARCH_10)
    assert jpy.rate == Decimal("0.04612")


def test_home_currency_is_one_and_monthly_averages_do_not_count():
    cny = selectors.customs_rate(jurisdiction="CN", currency="CNY", on=MARCH_10)
    assert (cny.rate, cny.source, cny.rate_date) == (Decimal(1), "", MARCH_10)
    ExchangeRateFactory.create(date=FEB_18, source="PBOC", period=RatePeriod.MONTH)
    with pytest.raises(ValidationFailed):
        selectors.customs_rate(jurisdiction="CN", currency="USD", on=MARCH_10)


def test_a_missing_rate_says_which_currency_date_and_rule():
    ExchangeRateFactory.create(date=FEB_18, source="ECB")  # not a source China's rule accepts
    with pytest.raises(ValidationFailed) as caught:
        selectors.customs_rate(jurisdiction="CN", currency="EUR", on=MARCH_10)
    message = str(caught.value.errors["currency"][0])
    assert message == (
        "No EUR→CNY rate for 2026-03-10: CN customs uses the third Wednesday of the previous month, else the next "
        "day with a published rate (2026-02-18), from CFETS, PBOC, demo. Load the rates for that day first."
    )


def test_eu_and_us_rules():
    ExchangeRateFactory.create(
        base="USD", quote="EUR", rate=Decimal("0.91234567"), date=dt.date(2026, 2, 18), source="ECB"
    )
    eu = selectors.customs_rate(jurisdiction="EU", currency="USD", on=dt.date(2026, 3, 1))
    assert (eu.rate, eu.rate_date) == (Decimal("0.91234567"), dt.date(2026, 2, 18))
    ExchangeRateFactory.create(base="CNY", quote="USD", rate=Decimal("0.14"), date=MARCH_10, source="FRBNY")
    us = selectors.customs_rate(jurisdiction="US", currency="CNY", on=MARCH_10)
    assert (us.rate, us.rate_date) == (Decimal("0.14000000"), MARCH_10)


def test_the_tariff_jurisdiction_configures_the_rule():
    TariffJurisdiction.objects.create(
        code="JP", name_en="Japan", name_zh="日本", currency="JPY", exchange_rate_rule="daily"
    )
    ExchangeRateFactory.create(base="USD", quote="JPY", rate=Decimal("150.5"), date=MARCH_10, source="BOJ")
    japan = selectors.customs_rate(jurisdiction="JP", currency="USD", on=MARCH_10)
    assert (japan.rate, japan.home_currency, japan.source, japan.rule) == (Decimal("150.5"), "JPY", "BOJ", "daily")
    # Configuring China's jurisdiction with the daily rule overrides the built-in monthly rule.
    TariffJurisdiction.objects.create(
        code="CN", name_en="China", name_zh="中国", currency="CNY", exchange_rate_rule="daily"
    )
    ExchangeRateFactory.create(rate=Decimal("7.3"), date=MARCH_10, source="PBOC")
    assert selectors.customs_rate(jurisdiction="CN", currency="USD", on=MARCH_10).rate == Decimal("7.3")
    TariffJurisdiction.objects.filter(code="JP").update(exchange_rate_rule="lunar")
    with pytest.raises(ValidationFailed) as caught:
        selectors.customs_rate(jurisdiction="JP", currency="USD", on=MARCH_10)
    assert "“lunar”, which does not exist" in str(caught.value.errors["jurisdiction"][0])


@pytest.mark.parametrize(
    ("jurisdiction", "currency", "field"),
    [
        ("XX", "USD", "jurisdiction"),
        ("", "USD", "jurisdiction"),
        ("CN", "US", "currency"),
        ("CN", "ZZZ", "currency"),
        ("CN", "x" * 10_000, "currency"),
        ("'\";%_*()", "USD", "jurisdiction"),
    ],
)
def test_bad_lookups_name_the_field(jurisdiction, currency, field):
    with pytest.raises(ValidationFailed) as caught:
        selectors.customs_rate(jurisdiction=jurisdiction, currency=currency, on=MARCH_10)
    assert list(caught.value.errors) == [field]


def test_conversion_is_exact_with_explicit_rounding():
    ExchangeRateFactory.create(rate=Decimal("2"), date=FEB_18)
    amount = Decimal("1.0625")  # exactly 2.125 CNY
    results = {
        mode: selectors.convert(
            amount, from_currency="USD", to_currency="CNY", jurisdiction="CN", on=MARCH_10, rounding=mode
        ).result
        for mode in ("ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_CEILING")
    }
    assert results == {
        "ROUND_HALF_UP": Decimal("2.13"),
        "ROUND_HALF_EVEN": Decimal("2.12"),
        "ROUND_DOWN": Decimal("2.12"),
        "ROUND_CEILING": Decimal("2.13"),
    }
    three = selectors.convert(amount, from_currency="USD", to_currency="CNY", jurisdiction="CN", on=MARCH_10, places=3)
    assert (three.result, three.exact, len(three.legs)) == (Decimal("2.125"), Decimal("2.1250"), 1)


def test_cross_conversion_goes_through_the_home_currency():
    ExchangeRateFactory.create(rate=Decimal("7.0851"), date=FEB_18)
    ExchangeRateFactory.create(base="EUR", rate=Decimal("8.2570"), date=FEB_18)
    conversion = selectors.convert(Decimal(100), from_currency="USD", to_currency="EUR", jurisdiction="CN", on=MARCH_10)
    assert conversion.result == Decimal("85.81")
    assert str(conversion.exact).startswith("85.807193896088167615356667070364539178878527310161075451132")
    assert [leg.currency for leg in conversion.legs] == ["USD", "EUR"]
    same = selectors.convert(Decimal("1.005"), from_currency="EUR", to_currency="eur", jurisdiction="CN", on=MARCH_10)
    assert (same.result, same.legs) == (Decimal("1.01"), ())


def test_conversion_errors_name_the_field():
    def fails(**changes):
        arguments = {"from_currency": "USD", "to_currency": "CNY", "jurisdiction": "CN", "on": MARCH_10, **changes}
        amount = arguments.pop("amount", Decimal(1))
        with pytest.raises(ValidationFailed) as caught:
            selectors.convert(amount, **arguments)
        return list(caught.value.errors)

    assert fails(amount=Decimal("NaN")) == ["amount"]
    assert fails(amount=Decimal("Infinity")) == ["amount"]
    assert fails(places=9) == ["places"]
    assert fails(places=-1) == ["places"]
    assert fails(rounding="BANKERS") == ["rounding"]
    assert fails(from_currency="XXXX") == ["from"]
    assert fails(to_currency="") == ["to"]
    assert fails() == ["currency"]  # no USD rate loaded


def test_rate_list_filters(owner, make_actor):
    actor = make_actor(owner)
    ExchangeRateFactory.create(date=FEB_18)
    ExchangeRateFactory.create(base="CNY", quote="KRW", rate=Decimal("203"), date=dt.date(2026, 2, 25))
    ExchangeRateFactory.create(base="EUR", date=dt.date(2026, 1, 21), source="ECB")

    def pairs(**filters):
        return [(r.base, r.quote) for r in selectors.exchange_rate_list(actor=actor, **filters)]

    assert pairs() == [("CNY", "KRW"), ("USD", "CNY"), ("EUR", "CNY")]
    assert pairs(currency="krw") == [("CNY", "KRW")]
    assert pairs(date_from=FEB_18, date_to=FEB_18) == [("USD", "CNY")]
    assert pairs(source="ECB") == [("EUR", "CNY")]
    assert pairs(source="'\";%_*()") == []
    with pytest.raises(ValidationFailed) as reversed_range:
        selectors.exchange_rate_list(actor=actor, date_from=MARCH_10, date_to=FEB_18)
    assert list(reversed_range.value.errors) == ["date_to"]
    with pytest.raises(ValidationFailed):
        selectors.exchange_rate_list(actor=actor, currency="x" * 10_000)
    with pytest.raises(PermissionDenied):
        selectors.exchange_rate_list(actor=make_actor(owner, scopes=frozenset({"documents:read"})))
