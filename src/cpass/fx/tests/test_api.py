from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cpass.accounts.tests.factories import UserFactory
from cpass.fx.tests.factories import ExchangeRateFactory
from cpass.imports.models import ImportJob
from cpass.organizations.tests.test_api import token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/exchange-rates"
FEB_18 = dt.date(2026, 2, 18)


def fields(response) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.fixture
def rates(db: None) -> None:
    ExchangeRateFactory.create(rate=Decimal("7.08505"), date=FEB_18)
    ExchangeRateFactory.create(base="EUR", rate=Decimal("8.2570"), date=FEB_18)
    ExchangeRateFactory.create(base="EUR", rate=Decimal("8.3"), date=dt.date(2026, 1, 21), source="ECB")


def test_list_with_filters(login, owner, rates):
    client = login(owner)
    everything = client.get(BASE).json()
    assert [(r["base"], r["date"], r["source"]) for r in everything["items"]] == [
        ("EUR", "2026-02-18", "PBOC"),
        ("USD", "2026-02-18", "PBOC"),
        ("EUR", "2026-01-21", "ECB"),
    ]
    assert everything["items"][1]["rate"] == "7.08505000"
    filtered = client.get(BASE, {"currency": "eur", "date_to": "2026-01-31"}).json()
    assert [(r["base"], r["source"]) for r in filtered["items"]] == [("EUR", "ECB")]
    bad_range = client.get(BASE, {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    assert (bad_range.status_code, list(fields(bad_range))) == (422, ["date_to"])
    bad_currency = client.get(BASE, {"currency": "x" * 10_000})
    assert (bad_currency.status_code, list(fields(bad_currency))) == (422, ["currency"])
    assert client.get(BASE, {"date_from": "18/02/2026"}).status_code == 422


def test_customs_rate(login, owner, rates):
    client = login(owner)
    found = client.get(f"{BASE}/customs", {"jurisdiction": "CN", "currency": "USD", "date": "2026-03-10"}).json()
    assert (found["rate"], found["rate_date"], found["source"], found["fallback"]) == (
        "7.0851",
        "2026-02-18",
        "PBOC",
        False,
    )
    missing = client.get(f"{BASE}/customs", {"jurisdiction": "CN", "currency": "GBP", "date": "2026-03-10"})
    assert missing.status_code == 422
    assert fields(missing)["currency"].startswith("No GBP→CNY rate for 2026-03-10: CN customs uses")
    unknown = client.get(f"{BASE}/customs", {"jurisdiction": "'\";%_*()", "currency": "USD", "date": "2026-03-10"})
    assert (unknown.status_code, list(fields(unknown))) == (422, ["jurisdiction"])


def test_convert(login, owner, rates):
    client = login(owner)
    query = {"amount": "100", "from": "USD", "to": "EUR", "date": "2026-03-10", "places": 4}
    body = client.get(f"{BASE}/convert", query).json()
    assert (body["result"], body["places"], body["rounding"]) == ("85.8072", 4, "ROUND_HALF_UP")
    assert body["exact"].startswith("85.80719389608816761535666707036453917887852731016107545113")
    assert [leg["currency"] for leg in body["legs"]] == ["USD", "EUR"]
    for bad, field in (
        ({"amount": "ten"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"places": 20}, "places"),
        ({"rounding": "BANKERS"}, "rounding"),
        ({"from": "DOLLARS"}, "from"),
        ({"amount": "1e58"}, "amount"),
        ({"amount": "-1234567890123"}, "amount"),
        ({"date": "0001-01-01"}, "date"),
    ):
        response = client.get(f"{BASE}/convert", {**query, **bad})
        assert (response.status_code, list(fields(response))) == (422, [field]), bad


def test_a_date_before_any_rate_rule_reaches_is_a_422_not_a_500(login, owner, rates):
    client = login(owner)
    for jurisdiction, currency in (("CN", "USD"), ("EU", "USD")):  # rules that look back a month
        response = client.get(
            f"{BASE}/customs", {"jurisdiction": jurisdiction, "currency": currency, "date": "0001-01-01"}
        )
        assert (response.status_code, list(fields(response))) == (422, ["date"]), jurisdiction
    # the largest amount the page allows still converts exactly
    wide = client.get(
        f"{BASE}/convert", {"amount": "999999999999.99999999", "from": "USD", "to": "EUR", "date": "2026-03-10"}
    )
    assert wide.status_code == 200


def test_anonymous_scopes_and_staff_only_loading(login, owner, enterprise, rates):
    assert Client().get(BASE).status_code == 401
    assert token_client(owner, enterprise, ["reference:read"]).get(BASE).status_code == 200
    assert token_client(owner, enterprise, ["documents:read"]).get(BASE).status_code == 403
    denied = token_client(owner, enterprise, ["documents:read"]).get(
        f"{BASE}/customs", {"jurisdiction": "CN", "currency": "USD", "date": "2026-03-10"}
    )
    assert denied.status_code == 403

    def upload(client):
        data = b"date,base,quote,rate,per,source\n2026-02-18,GBP,CNY,9.5,1,PBOC\n"
        return client.post("/api/v1/imports", {"kind": "fx-rates", "file": SimpleUploadedFile("r.csv", data)})

    assert upload(login(owner)).status_code == 403
    assert ImportJob.objects.count() == 0
    assert upload(login(UserFactory.create(is_staff=True))).status_code == 202
    assert ImportJob.objects.get().kind == "fx-rates"
