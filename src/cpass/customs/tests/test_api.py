"""POST /api/v1/customs/calculations: stateless, any verified person, problem+json naming the field."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client

from cpass.organizations.tests.test_api import problem_fields, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/customs/calculations"
CAR = {
    "code": "8703233100",
    "origin": "DEU",
    "price": "30000",
    "currency": "EUR",
    "quantity_1": "1",
    "freight": {"mode": "total", "value": "1500", "currency": "EUR"},
}


def post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_anonymous_is_401_and_tokens_need_reference_read(owner: Any, enterprise: Any) -> None:
    body = {"date": "2026-03-10", "items": [CAR]}
    anonymous = post(Client(), body)
    assert (anonymous.status_code, anonymous["Content-Type"]) == (401, "application/problem+json")
    assert post(token_client(owner, enterprise, ["documents:read"]), body).status_code == 403


def test_calculation_with_traces(owner: Any, enterprise: Any, demo: None) -> None:
    client = token_client(owner, enterprise, ["reference:read"])
    beer = {"code": "2203000000", "price": "1000", "currency": "CNY", "quantity_1": "988"}
    response = post(
        client,
        {
            "date": "2026-03-10",
            "terms": "CIF",
            "items": [{**CAR, "freight": None}, beer],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert [item["code"] for item in body["items"]] == ["8703233100", "2203000000"]
    assert body["items"][1]["consumption_tax"] == "250.00"
    assert body["items"][1]["vat"] == "162.50"
    figure = next(f for f in body["items"][0]["figures"] if f["key"] == "import_duty")
    assert (figure["rate"], figure["label"]["zh"]) == ("15%", "进口关税")
    assert figure["rounding"] == {"en": "half up to the fen (0.01)", "zh": "四舍五入至分"}
    assert "MFN" in figure["reason"]
    assert [tax["key"] for tax in body["taxes"]] == ["import_duty", "consumption_tax", "vat"]
    assert body["currency"] == "CNY"
    assert (body["items"][1]["landed_cost_per_trade_unit"], body["items"][1]["trade_unit"]) == (None, "")
    cans = post(
        client,
        {"date": "2026-03-10", "terms": "CIF", "items": [{**beer, "trade_quantity": "2000", "trade_unit": "142"}]},
    )
    landed = Decimal(cans.json()["items"][0]["landed_cost"])
    per_can = cans.json()["items"][0]["landed_cost_per_trade_unit"]
    assert Decimal(per_can) == (landed / 2000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    no_unit = post(client, {"date": "2026-03-10", "items": [{**beer, "trade_quantity": "2000"}]})
    assert problem_fields(no_unit) == {"items[0].trade_unit": "Give the unit of this quantity."}


def test_agreement_rates_need_proof_of_origin(owner: Any, enterprise: Any, demo: None) -> None:
    client = token_client(owner, enterprise, ["reference:read"])
    pump = {"code": "8413602100", "origin": "KOR", "price": "10000", "currency": "CNY", "quantity_1": "10"}

    def duty_rate(**claimed: Any) -> str:
        body = post(client, {"date": "2026-03-10", "terms": "CIF", "items": [{**pump, **claimed}]}).json()
        return str(next(f for f in body["items"][0]["figures"] if f["key"] == "import_duty")["rate"])

    assert duty_rate() == "8%"
    assert duty_rate(proof_of_origin=True) == "2.4%"


def test_errors_name_the_field(login: Any, owner: Any, demo: None) -> None:
    client = login(owner)
    no_rate = post(client, {"date": "2026-03-10", "items": [CAR, {**CAR, "currency": "CHF"}]})
    assert no_rate.status_code == 422
    assert list(problem_fields(no_rate)) == ["items[1].currency"]
    unknown = post(client, {"date": "2026-03-10", "items": [{**CAR, "code": "0101210000"}]})
    assert problem_fields(unknown) == {"items[0].code": "CN has no tariff line 0101210000."}
    old = post(client, {"date": "2024-06-01", "items": [CAR]})
    assert list(problem_fields(old)) == ["items[0].code"]
    negative = post(client, {"date": "2026-03-10", "items": [{**CAR, "quantity_1": "-1"}]})
    assert list(problem_fields(negative)) == ["items[0].quantities.003"]
    no_freight = post(client, {"date": "2026-03-10", "items": [{**CAR, "freight": None}]})
    assert list(problem_fields(no_freight)) == ["items[0].freight"]
    terms = post(client, {"date": "2026-03-10", "terms": "ABC", "items": [CAR]})
    assert list(problem_fields(terms)) == ["terms"]
    # Shape errors come from the schema (the field path is the API's shared notation).
    shape = post(client, {"date": "2026-03-10", "items": [{**CAR, "price": "ten"}], "colour": "red"})
    assert shape.status_code == 422
    assert sorted(problem_fields(shape)) == ["colour", "items[0].price"]
    assert post(client, {"date": "2026-03-10", "items": []}).status_code == 422
