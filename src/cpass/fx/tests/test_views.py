from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cpass.fx.tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db

FEB_18 = dt.date(2026, 2, 18)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def rates(db: None) -> None:
    ExchangeRateFactory.create(rate=Decimal("7.08505"), date=FEB_18)
    ExchangeRateFactory.create(base="EUR", rate=Decimal("8.2570"), date=FEB_18, source="demo")
    ExchangeRateFactory.create(base="GBP", rate=Decimal("9.5"), date=dt.date(2026, 1, 21), source="ECB")


def test_list_filters_and_errors(login, owner, rates):
    client = login(owner)
    body = text(client.get(reverse("fx:list")))
    assert ("7.08505" in body, "8.257" in body, "demo, not official" in body) == (True, True, True)
    assert "Sources: ECB, PBOC, demo" in body
    filtered = text(client.get(reverse("fx:list"), {"currency": "GBP"}))
    assert ("9.5" in filtered, "7.08505" in filtered) == (True, False)
    bad = text(client.get(reverse("fx:list"), {"currency": "ZZZ"}))
    assert "“ZZZ” is not an ISO 4217 currency code." in bad
    reversed_range = text(client.get(reverse("fx:list"), {"date_from": "2026-03-01", "date_to": "2026-01-01"}))
    assert "The end date is before the start date." in reversed_range


def test_paginates(login, owner):
    for day in range(60):
        ExchangeRateFactory.create(date=dt.date(2025, 1, 1) + dt.timedelta(days=day))
    client = login(owner)
    first = text(client.get(reverse("fx:list")))
    second = text(client.get(reverse("fx:list"), {"page": 2}))
    assert ("2025-03-01" in first, "2025-01-01" in first) == (True, False)
    assert ("2025-01-01" in second, "Page 2 of 2" in second) == (True, True)


def test_customs_rate_lookup_and_conversion(login, owner, rates):
    client = login(owner)
    lookup = text(
        client.get(
            reverse("fx:customs"), {"rate-jurisdiction": "CN", "rate-currency": "USD", "rate-date": "2026-03-10"}
        )
    )
    assert "1 USD = 7.0851 CNY" in lookup
    converted = text(
        client.get(
            reverse("fx:customs"),
            {
                "cv-amount": "1000",
                "cv-from_currency": "USD",
                "cv-to_currency": "CNY",
                "cv-jurisdiction": "CN",
                "cv-date": "2026-03-10",
                "cv-places": "2",
                "cv-rounding": "ROUND_HALF_UP",
            },
        )
    )
    assert "1000 USD = 7085.10 CNY" in converted
    assert "(half up)" in converted


def test_jurisdictions_and_roundings_in_the_readers_language(login, owner, rates):
    client = login(owner)
    query = {"rate-jurisdiction": "CN", "rate-currency": "USD", "rate-date": "0001-01-15"}
    chinese = text(client.get(reverse("fx:customs"), query, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "中国 (CNY)" in chinese
    assert "欧盟 (EUR)" in chinese
    assert "四舍五入" in chinese
    assert "0001-01-15 太早，没有任何海关汇率。" in chinese


def test_missing_rate_and_bad_input_show_inline_in_both_languages(login, owner, rates):
    client = login(owner)
    query = {"rate-jurisdiction": "CN", "rate-currency": "JPY", "rate-date": "2026-03-10"}
    english = text(client.get(reverse("fx:customs"), query))
    assert "No JPY→CNY rate for 2026-03-10" in english
    chinese = text(client.get(reverse("fx:customs"), query, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "没有 2026-03-10 的 JPY→CNY 汇率" in chinese
    assert "海关汇率" in chinese
    bad = text(client.get(reverse("fx:customs"), {"cv-amount": "ten", "cv-from_currency": "USD"}))
    assert "Enter a number." in bad


def test_pages_need_a_signed_in_person(client):
    assert client.get(reverse("fx:list")).status_code == 302
    assert client.get(reverse("fx:customs")).status_code == 302
